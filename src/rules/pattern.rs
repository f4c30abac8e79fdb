//! Dotted-name patterns: `sqlalchemy.orm.relationship`, `**.relationship`, `*.query`.
//!
//! A pattern is a list of segments separated by `.`; `*` stands for exactly one segment and
//! `**` for any number of them, none included. A pattern matches a name when it matches all of
//! its segments: `relationship` is the bare name only, `**.relationship` any name whose last
//! segment is `relationship` (`relationship`, `orm.relationship`, `sqlalchemy.orm.relationship`)
//! and never `relationship_count`. Import patterns also match the modules beneath: `jwt` matches
//! `jwt.algorithms` (see [`DottedPattern::matches_prefix`]).

use std::collections::HashMap;
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

/// Patterns tried against many names (every fact of a file, for every rule): a name is tried
/// only against the patterns that can match it, found by its last segment (for a whole
/// match) or its first (for a leading part), with those that start or end in a wildcard.
#[derive(Debug, Clone, Default)]
pub(crate) struct PatternSet {
    patterns: Vec<DottedPattern>,
    by_last: HashMap<String, Vec<usize>>,
    any_last: Vec<usize>,
    by_first: HashMap<String, Vec<usize>>,
    any_first: Vec<usize>,
}

fn is_wild(segment: &str) -> bool {
    segment == "*" || segment == "**"
}

impl PatternSet {
    /// Indexes `patterns`.
    pub(crate) fn new(patterns: Vec<DottedPattern>) -> Self {
        let mut set = Self::default();
        for (i, p) in patterns.iter().enumerate() {
            let (first, last) = (&p.segments[0], &p.segments[p.segments.len() - 1]);
            match is_wild(last) {
                true => set.any_last.push(i),
                false => set.by_last.entry(last.clone()).or_default().push(i),
            }
            match is_wild(first) {
                true => set.any_first.push(i),
                false => set.by_first.entry(first.clone()).or_default().push(i),
            }
        }
        set.patterns = patterns;
        set
    }

    /// True when there is no pattern.
    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The patterns that can match a name whose first or last segment (see [`first_key`] and
    /// [`last_key`]) is `key`: those indexed under it, then the wildcards.
    fn candidates<'s>(
        &'s self,
        index: &'s HashMap<String, Vec<usize>>,
        key: &str,
        wild: &'s [usize],
    ) -> Option<impl Iterator<Item = &'s DottedPattern> + 's> {
        let keyed = index.get(key).map_or(&[][..], Vec::as_slice);
        (!keyed.is_empty() || !wild.is_empty())
            .then(|| keyed.iter().chain(wild).map(|&i| &self.patterns[i]))
    }

    /// True when a pattern matches the whole of `name`. The name is split (see [`split`]) only
    /// when a pattern could match it: most names meet none.
    pub(crate) fn matches(&self, name: &str) -> bool {
        self.candidates(&self.by_last, last_key(name), &self.any_last)
            .is_some_and(|mut c| {
                let segments = split(name);
                c.any(|p| p.matches_segments(&segments))
            })
    }

    /// True when a pattern matches `name` or one of its leading parts
    /// ([`DottedPattern::matches_prefix_segments`]).
    pub(crate) fn matches_prefix(&self, name: &str) -> bool {
        self.candidates(&self.by_first, first_key(name), &self.any_first)
            .is_some_and(|mut c| {
                let segments = split(name);
                c.any(|p| p.matches_prefix_segments(&segments))
            })
    }

    /// True when a pattern matches `name` or a leading part of it, or `name` is a leading
    /// part of a pattern ([`DottedPattern::is_below`]): what a positive model admits.
    pub(crate) fn admits(&self, name: &str) -> bool {
        self.candidates(&self.by_first, first_key(name), &self.any_first)
            .is_some_and(|mut c| {
                let segments = split(name);
                c.any(|p| p.matches_prefix_segments(&segments) || p.is_below(&segments))
            })
    }
}

/// The first segment of `name` as [`split`] makes it, without splitting.
fn first_key(name: &str) -> &str {
    match name.starts_with('.') {
        true => ".",
        false => name.split('.').next().unwrap_or(name),
    }
}

/// The last segment of `name` as [`split`] makes it, without splitting.
fn last_key(name: &str) -> &str {
    let rest = name.trim_start_matches('.');
    match rest.is_empty() && !name.is_empty() {
        true => ".",
        false => rest.rsplit('.').next().unwrap_or(rest),
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
    fn a_set_answers_as_its_patterns_one_by_one() {
        let texts = [
            "jwt",
            "**.relationship",
            "*.query",
            "sqlalchemy.orm.*",
            "**",
            "*",
            "fastapi.APIRouter",
            "os.urandom",
            "**.session.query",
            "..models",
            "a.**.b",
            "typing",
        ];
        let patterns: Vec<DottedPattern> = texts.iter().map(|t| p(t)).collect();
        let names = [
            "jwt",
            "jwt.algorithms",
            "relationship",
            "sqlalchemy.orm.relationship",
            "db.query",
            "a.db.query",
            "sqlalchemy.orm",
            "sqlalchemy.orm.Mapped.x",
            "fastapi",
            "os",
            "fastapi.APIRouter.get",
            "self.session.query",
            "..models",
            ".models.user",
            "a.b",
            "a.x.y.b",
            "b",
            "typing.List",
            "",
            "x.relationship_count",
            "..",
            ".",
            "a.",
            "a..b",
        ];
        for n in 1..=patterns.len() {
            for window in patterns.windows(n) {
                let set = PatternSet::new(window.to_vec());
                for name in names {
                    let seg = split(name);
                    assert_eq!(first_key(name), seg[0], "{name:?}");
                    assert_eq!(last_key(name), seg[seg.len() - 1], "{name:?}");
                    let what = format!("{name:?} against {window:?}");
                    let whole = window.iter().any(|p| p.matches_segments(&seg));
                    assert_eq!(set.matches(name), whole, "whole: {what}");
                    let lead = window.iter().any(|p| p.matches_prefix_segments(&seg));
                    assert_eq!(set.matches_prefix(name), lead, "leading: {what}");
                    let admits = window
                        .iter()
                        .any(|p| p.matches_prefix_segments(&seg) || p.is_below(&seg));
                    assert_eq!(set.admits(name), admits, "admits: {what}");
                }
            }
        }
        assert!(PatternSet::new(Vec::new()).is_empty());
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
