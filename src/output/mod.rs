//! What hivegen says: messages to stderr (quiet or verbose as asked), data to stdout, so that
//! pipes carry only data; and the diagnostics that errors, refusals and findings become.
//!
//! Everything goes through `anstream`, which drops colour when the stream is not a terminal or
//! `NO_COLOR` is set, and keeps it when `CLICOLOR_FORCE` is set. Styled text is therefore always
//! produced with its escapes; the stream decides.

use std::io::Write;

mod convert;
mod diag;

pub(crate) use convert::{error, finding, refusal};
pub(crate) use diag::Diagnostic;

use crate::config::Verbosity;

/// Prints messages at the configured verbosity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Out {
    /// How talkative.
    pub(crate) verbosity: Verbosity,
}

impl Out {
    /// True with `-v`: callers skip formatting details nobody will see.
    pub(crate) fn is_verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// True with `-q`.
    pub(crate) fn is_quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// A normal message (stderr), hidden by `-q`.
    pub(crate) fn say(&self, msg: impl AsRef<str>) {
        if !self.is_quiet() {
            let _ = writeln!(anstream::stderr(), "{}", msg.as_ref());
        }
    }

    /// A detail (stderr), shown with `-v` only.
    pub(crate) fn detail(&self, msg: impl AsRef<str>) {
        if self.is_verbose() {
            let _ = writeln!(anstream::stderr(), "  {}", msg.as_ref());
        }
    }

    /// A diagnostic (stderr), always shown, coloured like rustc's on a terminal.
    pub(crate) fn diag(&self, d: &Diagnostic) {
        print_diag(d);
    }

    /// A result line (stdout), hidden by `-q`: the phase's done line, `--check`'s list.
    pub(crate) fn result(&self, line: impl AsRef<str>) {
        if !self.is_quiet() {
            emitted(writeln!(anstream::stdout(), "{}", line.as_ref()));
        }
    }

    /// Data (stdout), always shown: diffs, JSON, tables. Data that cannot be written is an
    /// error (exit 2): a truncated SARIF file must not pass for a clean one.
    pub(crate) fn data(&self, text: impl AsRef<str>) {
        let mut stdout = anstream::stdout();
        emitted(write!(stdout, "{}", text.as_ref()).and_then(|()| stdout.flush()));
    }
}

/// Ends the run when stdout could not be written: quietly when its reader went away (as in
/// `hivegen anchors | head`), with exit 2 otherwise (a full disk, a closed file).
fn emitted(result: std::io::Result<()>) {
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(anstream::stderr(), "hivegen: cannot write the output: {e}");
        std::process::exit(2);
    }
}

/// Sets when hivegen colours its output: `Some(true)` always, `Some(false)` never, `None` as
/// the terminal and the environment say (`NO_COLOR` wins; `CLICOLOR_FORCE` forces unless it
/// is `0`, as the convention has it).
pub(crate) fn set_colour(choice: Option<bool>) {
    let force = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let choice = match choice {
        Some(true) => anstream::ColorChoice::Always,
        Some(false) => anstream::ColorChoice::Never,
        None if no_color => anstream::ColorChoice::Never,
        None if force => anstream::ColorChoice::Always,
        // `auto` without CLICOLOR_FORCE: whether the stream is a terminal (anstream would
        // read `CLICOLOR_FORCE=0` as forcing colour).
        None => {
            use std::io::IsTerminal;
            if std::io::stdout().is_terminal() || std::io::stderr().is_terminal() {
                anstream::ColorChoice::Auto
            } else {
                anstream::ColorChoice::Never
            }
        }
    };
    choice.write_global();
}

/// Prints a diagnostic on stderr, styled (the stream strips styles off a terminal).
pub(crate) fn print_diag(d: &Diagnostic) {
    let _ = write!(anstream::stderr(), "{}", d.render(true));
}
