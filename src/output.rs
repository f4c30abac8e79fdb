//! What hivegen says: messages to stderr (quiet or verbose as asked), data to stdout, so that
//! pipes carry only data.

use std::io::Write;

use crate::config::Verbosity;
use crate::diag::Diagnostic;

/// Prints messages at the configured verbosity.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// How talkative.
    pub verbosity: Verbosity,
}

impl Out {
    /// A normal message (stderr), hidden by `-q`.
    pub fn say(&self, msg: impl AsRef<str>) {
        if self.verbosity != Verbosity::Quiet {
            let _ = writeln!(anstream::stderr(), "{}", msg.as_ref());
        }
    }

    /// A detail (stderr), shown with `-v` only.
    pub fn detail(&self, msg: impl AsRef<str>) {
        if self.verbosity == Verbosity::Verbose {
            let _ = writeln!(anstream::stderr(), "  {}", msg.as_ref());
        }
    }

    /// A diagnostic (stderr), always shown.
    pub fn diag(&self, d: &Diagnostic) {
        let _ = write!(anstream::stderr(), "{d}");
    }

    /// A result line (stdout), hidden by `-q`: the phase's done line.
    pub fn result(&self, line: impl AsRef<str>) {
        if self.verbosity != Verbosity::Quiet {
            let _ = writeln!(anstream::stdout(), "{}", line.as_ref());
        }
    }

    /// Data (stdout), always shown.
    pub fn data(&self, text: impl AsRef<str>) {
        let _ = write!(anstream::stdout(), "{}", text.as_ref());
    }
}
