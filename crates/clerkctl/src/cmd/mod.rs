//! Command implementations.

mod emulator;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Emulator(args) => emulator::run(args),
    }
}
