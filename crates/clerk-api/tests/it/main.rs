//! The client against the emulator, started in-process on 127.0.0.1:0 by each test.

mod invitations;
mod organizations;
mod requests;
mod resilience;
mod sessions;
mod support;
mod users;
