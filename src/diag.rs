//! Diagnostics: findings and errors with a location, printed like rustc's: a headline, the
//! `--> file:line:col` pointer, the offending line with a caret, and what to do next.

use std::fmt;

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// hivegen could not do its job (exit 2).
    Error,
    /// The plan or the repository breaks a rule (exit 1).
    Refused,
}

/// A message tied to a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or refusal.
    pub severity: Severity,
    /// A short code: `anchor`, `spec`, `template`, a rule id, …
    pub code: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file, as the user would type it (relative to the repository where possible).
    pub file: Option<String>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub col: Option<usize>,
    /// The text of the offending line.
    pub source_line: Option<String>,
    /// How many columns the caret underlines (at least 1).
    pub width: usize,
    /// What to do next.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with no location yet.
    pub fn new(severity: Severity, code: impl Into<String>, message: impl Into<String>) -> Self {
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
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A refusal (exit 1).
    pub fn refused(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Refused, code, message)
    }

    /// Sets the file.
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets line and column, and takes the offending line from `text` when given.
    pub fn at(mut self, line: usize, col: usize, text: Option<&str>) -> Self {
        self.line = Some(line);
        self.col = Some(col.max(1));
        if let Some(text) = text {
            self.source_line = text
                .lines()
                .nth(line.saturating_sub(1))
                .map(|l| l.trim_start_matches('\u{feff}').to_string());
            if let Some(src) = &self.source_line {
                let rest = src.chars().count().saturating_sub(col.max(1) - 1);
                self.width = rest.clamp(1, 80);
            }
        }
        self
    }

    /// Sets how many columns the caret underlines.
    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    /// Sets the advice.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col`, as far as known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_deref()?;
        Some(match (self.line, self.col) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.to_string(),
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Refused => "refused",
        };
        writeln!(f, "{word}[{}]: {}", self.code, self.message)?;
        let gutter = self.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(loc) = self.location() {
            writeln!(f, "{pad}--> {loc}")?;
        }
        if let (Some(src), Some(line)) = (&self.source_line, self.line) {
            let col = self.col.unwrap_or(1);
            let lead: String = src
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {src}")?;
            writeln!(f, "{pad} | {lead}{}", "^".repeat(self.width))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::error("anchor", "end marker `/SECTION:A` has no begin marker")
            .file("a.py")
            .at(2, 3, Some("x\n# <!-- /SECTION:A -->\n"))
            .width(4)
            .help("add a begin marker");
        assert_eq!(
            d.to_string(),
            "error[anchor]: end marker `/SECTION:A` has no begin marker\n --> a.py:2:3\n  |\n2 | # <!-- /SECTION:A -->\n  |   ^^^^\n  = help: add a begin marker\n"
        );
    }
}
