//! Diagnostics: findings and errors with a location, printed like rustc's: a headline, the
//! `--> file:line:col` pointer, the offending line with a caret, and what to do next.

use std::fmt::{self, Write as _};

use anstyle::{AnsiColor, Style};

use crate::error::Place;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Severity {
    /// hivegen could not do its job (exit 2).
    Error,
    /// The plan or the repository breaks a rule (exit 1).
    Refused,
}

/// A message tied to a place in a file, ready to print: built from an error, a refusal or a
/// finding where output is rendered, never passed around the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// Error or refusal.
    pub(crate) severity: Severity,
    /// A short code: `anchor`, `spec`, `template`, a rule id, …
    pub(crate) code: String,
    /// What is wrong, in one sentence.
    pub(crate) message: String,
    /// The file, as the user would type it (relative to the repository where possible).
    pub(crate) file: Option<String>,
    /// 1-based line, when known.
    pub(crate) line: Option<usize>,
    /// 1-based column, when known.
    pub(crate) col: Option<usize>,
    /// The text of the offending line.
    pub(crate) source_line: Option<String>,
    /// How many columns the caret underlines (at least 1).
    pub(crate) width: usize,
    /// What to do next.
    pub(crate) help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with no location yet.
    pub(crate) fn new(
        severity: Severity,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            code: code.into(),
            message: message.into(),
            file: None,
            line: None,
            col: None,
            source_line: None,
            width: 1,
            help: None,
        }
    }

    /// An error (exit 2).
    pub(crate) fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A refusal (exit 1).
    pub(crate) fn refused(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Refused, code, message)
    }

    /// Sets the file.
    pub(crate) fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets the place: line, column, caret width and the offending line.
    pub(crate) fn place(mut self, place: Option<&Place>) -> Self {
        if let Some(p) = place {
            self.line = Some(p.line);
            self.col = Some(p.col.max(1));
            self.width = p.width.max(1);
            self.source_line.clone_from(&p.snippet);
        }
        self
    }

    /// Sets the advice.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col`, as far as known.
    pub(crate) fn location(&self) -> Option<String> {
        let file = self.file.as_deref()?;
        Some(match (self.line, self.col) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.to_string(),
        })
    }
}

const GUTTER: Style = AnsiColor::Blue.on_default().bold();
const BOLD: Style = Style::new().bold();

impl Diagnostic {
    /// Renders the diagnostic; with `styled`, in rustc's colours (the severity and carets red,
    /// yellow for a refusal; the gutter and `-->` blue; the headline and `help` bold). The
    /// output stream strips the escapes when it is not a terminal.
    pub(crate) fn render(&self, styled: bool) -> String {
        let (accent, gutter_style, bold) = if styled {
            let accent = match self.severity {
                Severity::Error => AnsiColor::Red.on_default().bold(),
                Severity::Refused => AnsiColor::Yellow.on_default().bold(),
            };
            (accent, GUTTER, BOLD)
        } else {
            (Style::new(), Style::new(), Style::new())
        };
        let (a, a_) = (accent.render(), accent.render_reset());
        let (g, g_) = (gutter_style.render(), gutter_style.render_reset());
        let (b, b_) = (bold.render(), bold.render_reset());
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Refused => "refused",
        };
        let mut f = String::new();
        let _ = writeln!(f, "{a}{word}[{}]{a_}{b}: {}{b_}", self.code, self.message);
        let gutter = self.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(loc) = self.location() {
            let _ = writeln!(f, "{pad}{g}-->{g_} {loc}");
        }
        if let (Some(src), Some(line)) = (&self.source_line, self.line) {
            let col = self.col.unwrap_or(1);
            let lead: String = src
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(f, "{g}{pad} |{g_}");
            let _ = writeln!(f, "{g}{line} |{g_} {src}");
            let _ = writeln!(f, "{g}{pad} |{g_} {lead}{a}{}{a_}", "^".repeat(self.width));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(f, "{pad} {g}={g_} {b}help{b_}: {help}");
        }
        f
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styling_only_adds_escapes() {
        let d = Diagnostic::refused("D-X", "no")
            .file("a.py")
            .place(Some(&Place::in_text("x = 1\n", 1, 1)))
            .help("fix");
        let styled = d.render(true);
        assert!(styled.contains("\u{1b}["), "{styled:?}");
        let mut stripped = Vec::new();
        let mut stream = anstream::StripStream::new(&mut stripped);
        std::io::Write::write_all(&mut stream, styled.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(stripped).unwrap(), d.to_string());
    }

    #[test]
    fn renders_like_rustc() {
        let place = Place {
            width: 4,
            ..Place::in_text("x\n# <!-- /SECTION:A -->\n", 2, 3)
        };
        let d = Diagnostic::error("anchor", "end marker `/SECTION:A` has no begin marker")
            .file("a.py")
            .place(Some(&place))
            .help("add a begin marker");
        assert_eq!(
            d.to_string(),
            "error[anchor]: end marker `/SECTION:A` has no begin marker\n --> a.py:2:3\n  |\n2 | # <!-- /SECTION:A -->\n  |   ^^^^\n  = help: add a begin marker\n"
        );
    }
}
