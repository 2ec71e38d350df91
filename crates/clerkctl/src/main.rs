//! `clerkctl`: manage a Clerk instance's users, organizations, memberships and invitations.

mod app;
mod bulk;
mod cli;
mod cmd;
mod fail;
mod files;
mod help;
mod local;
mod logging;
mod mcp;
mod ops;
mod output;
mod redact;
mod resolve;
mod skill;
mod term;
mod token;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(Cli { global, command }) => match command {
            Command::Mcp(args) => mcp::run(global, args),
            Command::Skill(cmd) => skill::run(&global, cmd),
            command => cmd::run(global, command),
        },
        Err(e) => fail::command_line(e),
    }
}
