//! Dotted-name patterns: `sqlalchemy.orm.relationship`, `**.relationship`, `*.query`.
//!
//! A pattern is a list of segments separated by `.`; `*` stands for exactly one segment and
//! `**` for any number of them, none included. A pattern matches a name when it matches all of
//! its segments: `relationship` is the bare name only, `**.relationship` any name whose last
//! segment is `relationship` (`relationship`, `orm.relationship`, `sqlalchemy.orm.relationship`)
//! and never `relationship_count`. Import patterns also match the modules beneath: `jwt` matches
//! `jwt.algorithms` (see [`DottedPattern::matches_prefix`]).

use std::fmt;

/// A compiled dotted-name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DottedPattern {
    text: String,
    segments: Vec<String>,
}

/// Why a pattern does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pattern `{0}` has an empty segment (write `a.b`, `**.b` or `*.b`)")]
pub(crate) struct PatternError(pub(crate) String);

impl DottedPattern {
    /// Compiles `text`.
    pub(crate) fn new(text: &str) -> Result<Self, PatternError> {
        let segments: Vec<String> = split(text).into_iter().map(str::to_string).collect();
        if text.is_empty() || segments.iter().any(String::is_empty) {
            return Err(PatternError(text.to_string()));
        }
        Ok(Self {
            text: text.to_string(),
            segments,
        })
    }

    /// True when the pattern matches the whole of `name`.
    #[cfg(test)]
    pub(crate) fn matches(&self, name: &str) -> bool {
        self.matches_segments(&split(name))
    }

    /// [`matches`](Self::matches) on a name already split with [`split`]: split once, match
    /// many patterns.
    pub(crate) fn matches_segments(&self, name: &[&str]) -> bool {
        glob(&self.segments, name)
    }

    /// True when the pattern matches `name` or one of its leading parts: `jwt` matches
    /// `jwt.algorithms.RSA`, `fastapi.BackgroundTasks` matches `fastapi.BackgroundTasks`.
    #[cfg(test)]
    pub(crate) fn matches_prefix(&self, name: &str) -> bool {
        self.matches_prefix_segments(&split(name))
    }

    /// [`matches_prefix`](Self::matches_prefix) on a name already split with [`split`].
    pub(crate) fn matches_prefix_segments(&self, name: &[&str]) -> bool {
        (1..=name.len()).any(|n| glob(&self.segments, &name[..n]))
    }
}

impl DottedPattern {
    /// True when `name` is a strict leading part of what the pattern names, literally:
    /// `os` is below `os.urandom` (importing `os` to use `os.urandom`), `fastapi` below
    /// `fastapi.APIRouter`.
    pub(crate) fn is_below(&self, name: &[&str]) -> bool {
        name.len() < self.segments.len()
            && name
                .iter()
                .zip(&self.segments)
                .all(|(n, p)| p != "*" && p != "**" && n == p)
    }
}

impl fmt::Display for DottedPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Splits a dotted name into segments (borrowed: this runs for every fact and pattern). The
/// leading dots of a relative import (`..models`) become one `.` segment, so `**.models`
/// matches it.
pub(crate) fn split(name: &str) -> Vec<&str> {
    let rest = name.trim_start_matches('.');
    let mut out = Vec::new();
    if rest.len() != name.len() {
        out.push(".");
    }
    if !rest.is_empty() || out.is_empty() {
        out.extend(rest.split('.'));
    }
    out
}

fn glob(pattern: &[String], name: &[&str]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((head, rest)) if head == "**" => {
            (0..=name.len()).any(|skip| glob(rest, &name[skip..]))
        }
        Some((head, rest)) => match name.split_first() {
            Some((first, tail)) => (head == "*" || head == first) && glob(rest, tail),
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> DottedPattern {
        DottedPattern::new(text).unwrap()
    }

    #[test]
    fn bare_name_is_exact() {
        assert!(p("compile").matches("compile"));
        assert!(!p("compile").matches("re.compile"));
        assert!(!p("relationship").matches("relationship_count"));
    }

    #[test]
    fn double_star_matches_any_qualifier() {
        let rel = p("**.relationship");
        assert!(rel.matches("relationship"));
        assert!(rel.matches("sqlalchemy.orm.relationship"));
        assert!(!rel.matches("relationship.x"));
        assert!(!rel.matches("relationship_count"));
        assert!(p("**.session.query").matches("self.session.query"));
        assert!(p("*.query").matches("db.query"));
        assert!(!p("*.query").matches("a.db.query"));
    }

    #[test]
    fn import_prefixes() {
        assert!(p("jwt").matches_prefix("jwt.algorithms"));
        assert!(!p("jwt").matches_prefix("jwtx"));
        assert!(p("fastapi.BackgroundTasks").matches_prefix("fastapi.BackgroundTasks"));
        assert!(!p("fastapi.BackgroundTasks").matches_prefix("fastapi.APIRouter"));
        assert!(p("**.models").matches_prefix("..models.user.User"));
        assert!(p("**.models").matches_prefix("app.models"));
    }

    #[test]
    fn empty_segments_are_refused() {
        assert!(DottedPattern::new("a..b").is_err());
        assert!(DottedPattern::new("").is_err());
    }
}
