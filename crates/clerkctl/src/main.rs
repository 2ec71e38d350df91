//! `clerkctl`: manage a Clerk instance's users, organizations, memberships and invitations.

mod app;
mod bulk;
mod cli;
mod cmd;
mod confine;
mod fail;
mod fields;
mod files;
mod help;
mod jq;
mod local;
mod logging;
mod mcp;
mod ops;
mod output;
#[cfg(test)]
mod props;
mod redact;
mod resolve;
mod skill;
mod status;
mod term;
mod token;

use std::process::ExitCode;

use clap::FromArgMatches;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let parsed = cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, cli::command_path(&m))));
    match parsed {
        Ok((Cli { global, command }, path)) => {
            let args = std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            fail::set_invocation(path, args);
            match command {
                Command::Mcp(args) => mcp::run(global, args),
                Command::Skill(cmd) => skill::run(&global, cmd),
                command => cmd::run(global, command),
            }
        }
        Err(e) => fail::command_line(e),
    }
}
