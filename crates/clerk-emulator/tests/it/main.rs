//! Integration tests of the emulator: each test starts its own emulator in-process on
//! `127.0.0.1:0` and talks to it over HTTP, as Clerk's SDKs would.

mod auth;
mod contract;
mod errors;
mod faults;
mod fidelity;
mod invitations;
mod members;
mod openapi;
mod orgs;
mod passwords;
mod persistence;
mod seeds;
mod server;
mod spec_tables;
mod support;
mod tokens;
mod users;
mod versions;
mod webhooks;
