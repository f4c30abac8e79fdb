use std::process::ExitCode;

use clap::Parser;

use hivegen::cli::Cli;
use hivegen::exit::Exit;

fn main() -> ExitCode {
    let config = Cli::parse().into_config();
    match hivegen::run(config) {
        Ok(exit) => exit.into(),
        Err(diag) => {
            hivegen::output::print_diag(&diag);
            Exit::Error.into()
        }
    }
}
