//! Judging a change: a list of file changes (from hivegen's own plan, from `git` against a base
//! revision, or from an assistant's proposed edit) against a phase's structure and code rules.
//! Plain data in, findings out: nothing here reads the disk.

use std::collections::{BTreeSet, HashMap};

use similar::{capture_diff_slices, Algorithm, DiffOp};

use super::anchor_content::{allowed_atoms, foreign_statements};
use super::compile::{CompiledRule, RuleSet};
use super::finding::{finish, with_help, Finding};
use super::outside::outside_changes;
use crate::error::Place;
use crate::spec::StructureCheck;
use crate::text;

/// How a file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeStatus {
    /// It did not exist before.
    Added,
    /// Its content changed.
    Modified,
    /// It no longer exists.
    Deleted,
    /// It moved from another path (its content may have changed too).
    Renamed {
        /// The path it had before.
        from: String,
    },
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Its path now (for a deleted file: the path it had), relative to the repository.
    pub path: String,
    /// How it changed.
    pub status: ChangeStatus,
    /// Its bytes before (`None` when added).
    pub old: Option<Vec<u8>>,
    /// Its bytes after (`None` when deleted).
    pub new: Option<Vec<u8>>,
    /// Its git modes before and after (`100644`, `100755`), when the change sets another one:
    /// a file made executable is edited outside its anchors, whatever its bytes.
    pub modes: Option<(String, String)>,
    /// True when git stores the new bytes' CRLF line endings (its index holds them): then a
    /// CRLF line is an edit, not a checkout's conversion of an LF blob.
    pub crlf_stored: bool,
}

/// Every violation of `set`'s rules by `changes`, sorted by file and line.
/// Files are judged in parallel (parsing dominates): each core takes the next file.
pub fn judge_changes(set: &RuleSet, changes: &[FileChange]) -> Vec<Finding> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(changes.len());
    if threads < 2 {
        return finish(changes.iter().flat_map(|c| judge_one(set, c)).collect());
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        while let Some(change) =
            changes.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
        {
            out.extend(judge_one(set, change));
        }
        out
    };
    let out = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a judging thread panicked"))
            .collect()
    });
    finish(out)
}

impl FileChange {
    /// True when the file turned from LF to CRLF, every line, as a checkout with
    /// `core.autocrlf` turns it (see [`crate::text::crlf_checkout`]).
    pub(crate) fn crlf_checkout(&self) -> bool {
        matches!((utf8(&self.old), utf8(&self.new)), (Some(old), Some(new))
            if crate::text::crlf_checkout(old, new))
    }
}

fn utf8(bytes: &Option<Vec<u8>>) -> Option<&str> {
    bytes.as_deref().and_then(|b| std::str::from_utf8(b).ok())
}

fn judge_one(set: &RuleSet, change: &FileChange) -> Vec<Finding> {
    let mut out = structure(set, change);
    if change.new.is_none() {
        return out;
    }
    if change.old.is_some() {
        out.extend(outside(set, change));
    }
    let Some(new) = utf8(&change.new) else {
        return out;
    };
    let path = change.path.as_str();
    for r in set.checking(StructureCheck::AnchorContent, path) {
        let anchor = r.rule.anchor.as_deref().unwrap_or_default();
        let allowed = allowed_atoms(&r.rule.allow);
        let lines = text::LineIndex::new(new);
        for line in foreign_statements(new, anchor, &allowed) {
            let what = format!("anchor `{anchor}` holds more than its allowed statements");
            out.push(
                Finding::new(set, r, path, Some(&what)).at(Place::of_line_in(new, &lines, line)),
            );
        }
    }
    out.extend(code(set, path, utf8(&change.old), new));
    out
}

/// Created, deleted, renamed and touched files. The repository's own files (a README, CI
/// configuration) are no phase's to create or remove, but a protected path is protected.
fn structure(set: &RuleSet, change: &FileChange) -> Vec<Finding> {
    let path = change.path.as_str();
    let mut out = Vec::new();
    let own = set.is_repository_file(path)
        && match &change.status {
            ChangeStatus::Renamed { from } => set.is_repository_file(from),
            _ => true,
        };
    let mut report = |check: StructureCheck, at: &str, what: String| {
        for r in set.checking(check, at) {
            out.push(Finding::new(set, r, path, Some(&what)));
        }
    };
    match &change.status {
        _ if own => {}
        ChangeStatus::Added if !set.may_create.contains(path) => {
            report(
                StructureCheck::Created,
                path,
                format!("`{path}` is a new file"),
            );
        }
        ChangeStatus::Deleted => {
            report(
                StructureCheck::Deleted,
                path,
                format!("`{path}` was deleted"),
            );
        }
        ChangeStatus::Renamed { from } => {
            let what = format!("`{from}` was renamed to `{path}`");
            report(StructureCheck::Renamed, path, what.clone());
            report(StructureCheck::Renamed, from, what);
        }
        _ => {}
    }
    let mut touched: Vec<&CompiledRule> = set.checking(StructureCheck::Touched, path).collect();
    if let ChangeStatus::Renamed { from } = &change.status {
        for r in set.checking(StructureCheck::Touched, from) {
            if !touched.iter().any(|t| t.rule.id == r.rule.id) {
                touched.push(r);
            }
        }
    }
    for r in touched {
        let what = format!("`{path}` is a protected path");
        out.push(Finding::new(set, r, path, Some(&what)));
    }
    out
}

/// Edits of an existing file outside its anchor bodies.
fn outside(set: &RuleSet, change: &FileChange) -> Vec<Finding> {
    let path = change.path.as_str();
    // The phase's own marker has no anchors: the phase writes all of it.
    if set.may_create.contains(path) || set.is_repository_file(path) {
        return Vec::new();
    }
    let rules: Vec<&CompiledRule> = set.checking(StructureCheck::OutsideAnchor, path).collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Finding> = Vec::new();
    if let Some((from, to)) = &change.modes {
        let what = format!("its mode changed from {from} to {to}");
        out.extend(rules.iter().map(|r| {
            Finding::new(set, r, path, Some(&what)).help(format!(
                "restore the mode Phase C gave it: `chmod {} {path}`",
                &from[from.len().saturating_sub(3)..]
            ))
        }));
    }
    let (Some(old), Some(new)) = (utf8(&change.old), utf8(&change.new)) else {
        if change.old == change.new {
            return out;
        }
        let what = "a file that is not UTF-8 text changed";
        out.extend(rules.iter().map(|r| Finding::new(set, r, path, Some(what))));
        return out;
    };
    out.extend(outside_text(set, &rules, change, old, new));
    out
}

/// Edits of an existing text file outside its anchor bodies (or its malformed anchors).
fn outside_text(
    set: &RuleSet,
    rules: &[&CompiledRule],
    change: &FileChange,
    old: &str,
    new: &str,
) -> Vec<Finding> {
    let path = change.path.as_str();
    match outside_changes(old, new, &set.phase, change.crlf_stored, set.new_blocks) {
        Ok(lines) => {
            let index = text::LineIndex::new(new);
            let mut out: Vec<Finding> = lines
                .into_iter()
                .flat_map(|line| {
                    let place = Place::of_line_in(new, &index, line);
                    rules.iter().map(move |r| {
                        Finding::new(set, r, path, Some("edit outside the anchors"))
                            .at(place.clone())
                    })
                })
                .collect();
            if set.new_blocks && is_python(path) {
                out.extend(new_blocks(set, rules, path, old, new));
            }
            out
        }
        Err(e) => {
            let mut well_formed: Vec<&CompiledRule> = set
                .checking(StructureCheck::AnchorsWellFormed, path)
                .collect();
            if well_formed.is_empty() {
                well_formed = rules.to_vec();
            }
            let (_, text) = crate::anchor::split_bom(new);
            well_formed
                .into_iter()
                .map(|r| malformed(set, r, path, text, &e))
                .collect()
        }
    }
}

/// New anchor blocks of a later phase's change (§5: "or new blocks"): their code may not
/// bind or change what the file's earlier code uses (Phase C's session factory, Phase D's
/// router), as code inserted into a frozen fill may not.
fn new_blocks(
    set: &RuleSet,
    rules: &[&CompiledRule],
    path: &str,
    old: &str,
    new: &str,
) -> Vec<Finding> {
    let (_, old) = crate::anchor::split_bom(old);
    let (_, new) = crate::anchor::split_bom(new);
    let (Ok(before), Ok(after)) = (crate::anchor::parse(old), crate::anchor::parse(new)) else {
        return Vec::new();
    };
    let added: Vec<_> = after
        .iter()
        .filter(|n| n.end.is_some() && !before.iter().any(|a| a.name == n.name))
        .collect();
    if added.is_empty() {
        return Vec::new();
    }
    let bodies: Vec<_> = added.iter().map(|n| n.body()).collect();
    let Err(byte) = super::python::blocks_leave_old(old, new, &bodies) else {
        return Vec::new();
    };
    let name = added
        .iter()
        .find(|n| n.body().contains(&byte))
        .map_or(added[0].name.as_str(), |n| n.name.as_str());
    let what = format!("new block `{name}` binds or changes what the file's earlier code uses");
    let place = Place::of_span(new, &(byte..byte));
    rules
        .iter()
        .map(|r| Finding::new(set, r, path, Some(&what)).at(place.clone()))
        .collect()
}

/// A malformed-anchor finding at the offending marker.
pub(crate) fn malformed(
    set: &RuleSet,
    r: &CompiledRule,
    path: &str,
    text: &str,
    e: &crate::anchor::AnchorError,
) -> Finding {
    let what = format!("malformed anchor: {}", e.kind);
    Finding::new(set, r, path, Some(&what))
        .at(Place::in_text(text, e.line, e.col))
        .help(e.kind.help())
}

/// Code rules on the changed lines of a Python file.
fn code(set: &RuleSet, path: &str, old: Option<&str>, new: &str) -> Vec<Finding> {
    let code_rules = set.code_rules_for(path);
    if code_rules.is_empty() || !is_python(path) {
        return Vec::new();
    }
    let changed = changed_lines(old, new);
    let src = set.parse(path, new);
    let facts = src.facts();
    // What the old text already matched, by rule, what and source line: a hit whose line did
    // not change is still new when there are more of it than before (a string unquoted
    // around an unchanged line, an import that makes an unchanged call forbidden).
    let mut before: HashMap<(usize, String, String), usize> = HashMap::new();
    if let Some(old) = old {
        let old_src = set.parse(path, old);
        let old_facts = old_src.facts();
        for (i, (_, code)) in code_rules.iter().enumerate() {
            for hit in code.hits(&old_src, &old_facts) {
                *before
                    .entry(hit_key(i, &hit.what, old, hit.span.start))
                    .or_default() += 1;
            }
        }
    }
    let mut out = Vec::new();
    let lines = text::LineIndex::new(new);
    for (i, (r, code)) in code_rules.iter().enumerate() {
        for hit in code.hits(&src, &facts) {
            let (line, _) = lines.line_col(new, hit.span.start);
            let on_changed_line = changed.as_ref().is_none_or(|c| c.contains(&line));
            let seen = before
                .get_mut(&hit_key(i, &hit.what, new, hit.span.start))
                .filter(|n| **n > 0)
                .map(|n| *n -= 1)
                .is_some();
            if on_changed_line || !seen {
                out.push(
                    with_help(Finding::new(set, r, path, Some(&hit.what)), &hit.help)
                        .at(Place::of_span_in(new, &lines, &hit.span)),
                );
            }
        }
    }
    out
}

/// A hit's identity across the old and new text: the rule, what matched, and its line's text.
fn hit_key(rule: usize, what: &str, text: &str, at: usize) -> (usize, String, String) {
    let start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text::line_end(text, at);
    (rule, what.to_string(), text[start..end].trim().to_string())
}

/// True for a Python source path.
pub(crate) fn is_python(path: &str) -> bool {
    path.ends_with(".py") || path.ends_with(".pyi")
}

/// The 1-based lines of `new` that are not in `old` (`None`: every line, the file is new).
fn changed_lines(old: Option<&str>, new: &str) -> Option<BTreeSet<usize>> {
    let old = old?;
    let a: Vec<&str> = text::split_inclusive(old).collect();
    let b: Vec<&str> = text::split_inclusive(new).collect();
    let mut lines = BTreeSet::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        match op {
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => {
                lines.extend(new_index + 1..=new_index + new_len);
            }
            _ => {}
        }
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_are_the_inserted_ones() {
        let lines = changed_lines(Some("a\nb\nc\n"), "a\nx\nb\nc\ny\n").unwrap();
        assert_eq!(lines.into_iter().collect::<Vec<_>>(), vec![2, 5]);
        assert!(changed_lines(None, "a\n").is_none());
    }
}
