//! `clerkctl`: manage a Clerk instance's users, organizations, memberships and invitations.

mod app;
mod bulk;
mod cli;
mod cmd;
mod fail;
mod local;
mod mcp;
mod ops;
mod output;
mod skill;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match cli::Cli::try_parse() {
        Ok(cli) => cmd::run(cli),
        Err(e) => fail::command_line(e),
    }
}
