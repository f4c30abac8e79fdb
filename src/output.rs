//! What hivegen says: messages to stderr (quiet or verbose as asked), data to stdout, so that
//! pipes carry only data.
//!
//! Everything goes through `anstream`, which drops colour when the stream is not a terminal or
//! `NO_COLOR` is set, and keeps it when `CLICOLOR_FORCE` is set. Styled text is therefore always
//! produced with its escapes; the stream decides.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::config::Verbosity;
use crate::diag::{Diagnostic, Severity};

/// Prints messages at the configured verbosity.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// How talkative.
    pub verbosity: Verbosity,
}

impl Out {
    /// True with `-v`: callers skip formatting details nobody will see.
    pub fn is_verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// True with `-q`.
    pub fn is_quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// A normal message (stderr), hidden by `-q`.
    pub fn say(&self, msg: impl AsRef<str>) {
        if !self.is_quiet() {
            let _ = writeln!(anstream::stderr(), "{}", msg.as_ref());
        }
    }

    /// A detail (stderr), shown with `-v` only.
    pub fn detail(&self, msg: impl AsRef<str>) {
        if self.is_verbose() {
            let _ = writeln!(anstream::stderr(), "  {}", msg.as_ref());
        }
    }

    /// A diagnostic (stderr), always shown, coloured like rustc's on a terminal.
    pub fn diag(&self, d: &Diagnostic) {
        print_diag(d);
    }

    /// A result line (stdout), hidden by `-q`: the phase's done line, `--check`'s list.
    pub fn result(&self, line: impl AsRef<str>) {
        if !self.is_quiet() {
            let _ = writeln!(anstream::stdout(), "{}", line.as_ref());
        }
    }

    /// Data (stdout), always shown: diffs, JSON, tables.
    pub fn data(&self, text: impl AsRef<str>) {
        let _ = write!(anstream::stdout(), "{}", text.as_ref());
    }
}

/// Prints a diagnostic on stderr, styled (the stream strips styles off a terminal).
pub fn print_diag(d: &Diagnostic) {
    let _ = write!(anstream::stderr(), "{}", styled(d));
}

const GUTTER: Style = AnsiColor::Blue.on_default().bold();
const BOLD: Style = Style::new().bold();

/// The diagnostic's plain rendering with rustc's colours added: the severity and carets in red
/// (yellow for a refusal), the gutter and `-->` in blue, the headline and `help` in bold.
pub fn styled(d: &Diagnostic) -> String {
    let plain = d.to_string();
    let accent = match d.severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Refused => AnsiColor::Yellow.on_default().bold(),
    };
    let gutter = d.line.map_or(1, |l| l.to_string().len());
    let mut out = String::with_capacity(plain.len() + 128);
    for (i, line) in plain.lines().enumerate() {
        if i == 0 {
            match line.split_once("]: ") {
                Some((head, msg)) => {
                    out.push_str(&format!("{accent}{head}]{accent:#}{BOLD}: {msg}{BOLD:#}"))
                }
                None => out.push_str(line),
            }
        } else if line.len() > gutter && line.is_char_boundary(gutter) {
            let (lead, rest) = line.split_at(gutter);
            if let Some(loc) = rest.strip_prefix("--> ") {
                out.push_str(&format!("{lead}{GUTTER}-->{GUTTER:#} {loc}"));
            } else if let Some(help) = rest.strip_prefix(" = help:") {
                out.push_str(&format!(
                    "{lead} {GUTTER}={GUTTER:#} {BOLD}help{BOLD:#}:{help}"
                ));
            } else if let Some(text) = rest.strip_prefix(" | ") {
                let is_caret_line = lead.trim().is_empty()
                    && text.trim_start().starts_with('^')
                    && text.trim().chars().all(|c| c == '^');
                if is_caret_line {
                    let n = text.len() - text.trim_start().len();
                    out.push_str(&format!(
                        "{GUTTER}{lead} |{GUTTER:#} {}{accent}{}{accent:#}",
                        &text[..n],
                        text.trim_start()
                    ));
                } else {
                    out.push_str(&format!("{GUTTER}{lead} |{GUTTER:#} {text}"));
                }
            } else if rest == " |" {
                out.push_str(&format!("{GUTTER}{line}{GUTTER:#}"));
            } else {
                out.push_str(line);
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styling_only_adds_escapes() {
        let d = Diagnostic::error("anchor", "end marker `/SECTION:A` has no begin marker")
            .file("a.py")
            .at(2, 3, Some("x\n# <!-- /SECTION:A -->\n"))
            .width(4)
            .help("add a begin marker");
        let styled = styled(&d);
        assert!(styled.contains(&format!("{GUTTER}-->")), "{styled:?}");
        assert!(styled.contains("help\u{1b}["), "{styled:?}");
        let mut stripped = Vec::new();
        let mut stream = anstream::StripStream::new(&mut stripped);
        write!(stream, "{styled}").unwrap();
        assert_eq!(String::from_utf8(stripped).unwrap(), d.to_string());
    }
}
