//! Tests of the `clerkctl` binary, run as a user would run it: each test starts its own emulator
//! in-process on 127.0.0.1 (or uses `--local`), and gives the binary a home of its own.

mod agent;
mod attacks;
mod bulk;
mod copy;
mod emulator;
mod exit_codes;
mod fleet;
mod guards;
mod input;
mod invitations;
mod members;
mod metadata_bulk;
mod misc;
mod names;
mod orgs;
mod output;
mod passwords;
mod roundtrip;
mod secrecy;
mod server;
mod sessions;
mod support;
mod tty;
mod users;
mod webhooks;
