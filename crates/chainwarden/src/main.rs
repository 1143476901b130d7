//! The `chainwarden` command.

mod advisories;
mod cli;
mod cmd;
mod config;
mod online;
mod output;
mod pipeline;
mod rules;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match &cli.command {
        cli::Command::Scan(a) => cmd::scan::run(a),
        cli::Command::Check(a) => cmd::scan::check(a),
        cli::Command::Why(a) => cmd::why::run(a),
        cli::Command::Rules(a) => cmd::rules::run(a),
        cli::Command::Db(c) => cmd::db::run(c),
        cli::Command::Verify(a) => cmd::verify::run(a),
        cli::Command::Exposure(a) => cmd::exposure::run(a),
        cli::Command::Inspect(a) => cmd::inspect::run(a),
        cli::Command::Classify(a) => cmd::classify::run(a),
        cli::Command::Redact(a) => cmd::redact::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // `chainwarden … | head` closed the pipe: the reader has what it wanted.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            #[allow(clippy::print_stderr)] // the one place errors reach the user
            {
                eprintln!(
                    "error: {}",
                    chainwarden_core::excerpt::cap_message(&format!("{e:#}"))
                );
            }
            ExitCode::from(2)
        }
    }
}
