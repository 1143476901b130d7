//! The `chainwarden` command.

mod cli;
mod config;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let _ = cli;
    ExitCode::SUCCESS
}
