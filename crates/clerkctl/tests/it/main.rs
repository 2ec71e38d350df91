//! Tests of the `clerkctl` binary, run as a user would run it.

mod agent;
mod bulk;
mod emulator;
mod support;
