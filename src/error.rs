//! Why hivegen could not do its job (exit 2): one typed error for the whole core, with the
//! file, the place in it and the underlying cause. It is data until the edge: `output` turns
//! it into a rustc-style diagnostic with the help that fits each kind.

use std::io;
use std::path::{Path, PathBuf};

use crate::anchor::AnchorError;
use crate::text;

/// A place in a text: 1-based line and column (in characters), how many columns the caret
/// underlines, and the offending line itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column, in characters.
    pub(crate) col: usize,
    /// Columns underlined (at least 1).
    pub(crate) width: usize,
    /// The text of the line, when known.
    pub(crate) snippet: Option<String>,
}

impl Place {
    /// Line `line`, column `col` of `text`, underlined to the end of the line.
    pub(crate) fn in_text(text: &str, line: usize, col: usize) -> Self {
        Self::on_line(text::nth_line(text, line), line, col)
    }

    /// Line `line`, column `col`, whose text is `snippet`, underlined to the end of the line.
    fn on_line(snippet: Option<&str>, line: usize, col: usize) -> Self {
        let snippet = snippet.map(|l| l.trim_start_matches('\u{feff}'));
        let col = col.max(1);
        let width = snippet.map_or(1, |s| s.chars().count().saturating_sub(col - 1));
        Self {
            line,
            col,
            width: width.clamp(1, 80),
            snippet: snippet.map(str::to_string),
        }
    }

    /// The byte range `span` of `text`, underlined as wide as the span's first line.
    pub(crate) fn of_span(text: &str, span: &std::ops::Range<usize>) -> Self {
        Self::of_span_in(text, &text::LineIndex::new(text), span)
    }

    /// [`Place::of_span`] with the lines of `text` already indexed, for many spans of one text.
    pub(crate) fn of_span_in(
        text: &str,
        index: &text::LineIndex,
        span: &std::ops::Range<usize>,
    ) -> Self {
        let (line, col) = index.line_col(text, span.start);
        let line_end = text::line_end(text, span.start);
        let width = text[span.start..span.end.min(line_end).max(span.start)]
            .chars()
            .count();
        Self {
            width: width.max(1),
            ..Self::on_line(index.nth_line(text, line), line, col)
        }
    }

    /// The whole of 1-based `line` of `text`, the caret under its text (indentation left out).
    pub(crate) fn of_line(text: &str, line: usize) -> Self {
        Self::of_line_in(text, &text::LineIndex::new(text), line)
    }

    /// [`Place::of_line`] with the lines of `text` already indexed, for many lines of one text.
    pub(crate) fn of_line_in(text: &str, index: &text::LineIndex, line: usize) -> Self {
        let src = index.nth_line(text, line).unwrap_or("");
        let indent = src.len() - src.trim_start().len();
        let col = src[..indent].chars().count() + 1;
        Self {
            width: src.trim().chars().count().max(1),
            ..Self::on_line(index.nth_line(text, line), line, col)
        }
    }
}

/// Why a run could not do its job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A path the command line named is not a usable folder.
    #[error("{} {}", .path.display(), if *.exists { "is not a folder" } else { "does not exist" })]
    NotAFolder {
        /// The path.
        path: PathBuf,
        /// True when something else is there.
        exists: bool,
    },
    /// Reading or writing a file failed.
    #[error("cannot {op} {}: {source}", .path.display())]
    Io {
        /// What was being done: `read`, `write`, `replace`, …
        op: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Some files of an all-or-nothing write were renamed into place, then one failed.
    #[error("cannot replace {}: {source}", .path.display())]
    PartlyWritten {
        /// The file that failed.
        path: PathBuf,
        /// How many files were written, each whole.
        written: usize,
        /// How many files the plan writes.
        total: usize,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A file hivegen would read or fill is not something it can handle (too large, binary,
    /// not UTF-8, a link leading outside the repository).
    #[error("{what}")]
    Unusable {
        /// The file, as the user types it.
        file: String,
        /// What is wrong with it.
        what: String,
        /// What to do.
        help: String,
    },
    /// An all-or-nothing write failed before anything was written.
    #[error("{source}")]
    NothingWritten {
        /// Why.
        source: Box<Error>,
    },
    /// A target changed between planning and writing.
    #[error("{file} changed while hivegen was planning")]
    Raced {
        /// The file.
        file: String,
    },
    /// A phase spec (or the domain model) is invalid.
    #[error("{message}")]
    Spec {
        /// `spec` or `domain`.
        code: &'static str,
        /// The file.
        file: String,
        /// Where in it.
        place: Option<Box<Place>>,
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },
    /// A template does not render.
    #[error("{message}")]
    Template {
        /// The template, as named in messages.
        file: String,
        /// Where in it.
        place: Option<Box<Place>>,
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },
    /// A file's anchors are malformed.
    #[error("{error}")]
    Anchor {
        /// The file.
        file: String,
        /// The offending marker.
        place: Box<Place>,
        /// What is wrong.
        error: Box<AnchorError>,
    },
    /// `git` failed or is missing.
    #[error("{message}")]
    Git {
        /// What failed, and git's own words.
        message: String,
        /// What to do, when hivegen knows.
        help: Option<String>,
    },
    /// Another run holds the repository.
    #[error("another hivegen is writing to {}", .root.display())]
    Locked {
        /// The repository.
        root: PathBuf,
    },
    /// A request hivegen cannot serve as asked: an unknown phase or rule, a folder that is not
    /// a HiveSync repository, an unreadable hook payload, output that cannot be written.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },
}

/// The result type of the core.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path` while doing `op`.
    pub(crate) fn io(op: &'static str, path: impl AsRef<Path>, source: io::Error) -> Self {
        Self::Io {
            op,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// A usage error.
    pub(crate) fn usage(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
            help: help.into(),
        }
    }

    /// A spec error in `file`, at `place` when known.
    pub(crate) fn spec(
        file: impl Into<String>,
        place: Option<Place>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self::Spec {
            code: "spec",
            file: file.into(),
            place: place.map(Box::new),
            message: message.into(),
            help: help.into(),
        }
    }

    /// A git error with git's own words.
    pub(crate) fn git(what: &str, detail: &str) -> Self {
        Self::Git {
            message: format!("{what}: {}", detail.trim()),
            help: None,
        }
    }

    /// The same error, with (other) advice.
    pub(crate) fn with_help(self, new: impl Into<String>) -> Self {
        match self {
            Self::Git { message, .. } => Self::Git {
                message,
                help: Some(new.into()),
            },
            Self::Usage { message, .. } => Self::Usage {
                message,
                help: new.into(),
            },
            other => other,
        }
    }
}

/// Turns a serde-saphyr error into a spec error with the file's line and column.
pub(crate) fn yaml(
    code: &'static str,
    e: &serde_saphyr::Error,
    text: &str,
    file: &str,
    help: &str,
) -> Error {
    static LEAD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:error:\s*)?(?:line \d+ column \d+:\s*)?").expect("valid regex")
    });
    let full = e.to_string();
    let first = full.lines().next().unwrap_or(&full).trim();
    let message = LEAD.replace(first, "").into_owned();
    let place = e.location().map(|loc| {
        Box::new(Place::in_text(
            text,
            loc.line() as usize,
            loc.column() as usize,
        ))
    });
    Error::Spec {
        code,
        file: file.to_string(),
        place,
        message,
        help: help.to_string(),
    }
}
