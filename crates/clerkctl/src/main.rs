//! `clerkctl`: manage a Clerk instance's users, organizations, memberships and invitations.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cmd::run(cli)
}
