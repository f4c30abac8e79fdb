use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use hivegen::cli::Cli;
use hivegen::exit::Exit;

fn main() -> ExitCode {
    let config = Cli::parse().into_config();
    match hivegen::run(config) {
        Ok(exit) => exit.into(),
        Err(diag) => {
            let _ = write!(anstream::stderr(), "{diag}");
            Exit::Error.into()
        }
    }
}
