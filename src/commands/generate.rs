//! `hivegen completions SHELL` and `hivegen man`: shell completions and man pages, generated
//! from the clap definition in [`crate::cli`], so they never drift from the parser.

use std::path::Path;

use crate::cli::{self, Shell};
use crate::diag::Diagnostic;
use crate::exit::Exit;
use crate::output::Out;

/// Prints the completion script of `shell` on stdout.
pub fn completions(shell: Shell, out: &Out) -> Exit {
    out.data(String::from_utf8_lossy(&cli::completions(shell)));
    Exit::Success
}

/// Prints the man page on stdout, or writes every page into `dir`.
pub fn man(dir: Option<&Path>, out: &Out) -> Result<Exit, Diagnostic> {
    let io = |e: std::io::Error| {
        Diagnostic::error("io", format!("cannot write the man pages: {e}"))
            .help("check that the folder is writable")
    };
    match dir {
        None => out.data(String::from_utf8_lossy(&cli::man_page().map_err(io)?)),
        Some(dir) => {
            for page in cli::man_pages_to(dir).map_err(io)? {
                out.say(format!("wrote {}", page.display()));
            }
        }
    }
    Ok(Exit::Success)
}
