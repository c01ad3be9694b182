//! Thin: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use pim_lint::app;
use pim_lint::cli::{Cli, with_default_command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = with_default_command(std::env::args_os().collect()).unwrap_or_else(|e| e.exit());
    let cli = Cli::parse_from(args);
    let code = app::run(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
