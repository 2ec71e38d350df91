//! `clerkctl`: manage a Clerk instance's users, organizations, memberships and invitations.

mod app;
mod bulk;
mod cli;
mod cmd;
mod fail;
mod input;
mod local;
mod mcp;
mod output;
mod skill;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cmd::run(cli)
}
