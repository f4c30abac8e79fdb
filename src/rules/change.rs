//! Judging a change: a list of file changes (from hivegen's own plan, or from `git diff` against
//! a base revision) against a phase's structure and code rules. Only the changed files are
//! read and parsed, so the cost follows the size of the change.

use std::collections::{BTreeSet, HashMap};

use similar::{capture_diff_slices, Algorithm, DiffOp};

use super::anchor_content::{allowed_atoms, foreign_statements};
use super::compile::{CompiledRule, RuleSet};
use super::finding::{at_line, at_span, line_col, violation};
use super::outside::outside_changes;
use super::python::PySource;
use super::StructureCheck;
use crate::diag::Diagnostic;

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
}

/// Every violation of `set`'s rules by `changes`, sorted by file and line.
/// Files are judged in parallel (parsing dominates): each core takes the next file.
pub fn judge_changes(set: &RuleSet, changes: &[FileChange]) -> Vec<Diagnostic> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(changes.len());
    if threads < 2 {
        let mut out = Vec::new();
        for change in changes {
            judge_one(set, change, &mut out);
        }
        return finish(out);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(change) = changes.get(i) else {
                return out;
            };
            judge_one(set, change, &mut out);
        }
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

/// Sorts diagnostics by place and drops repeats of one rule on one line.
pub fn finish(mut out: Vec<Diagnostic>) -> Vec<Diagnostic> {
    out.sort_by(|a, b| (&a.file, a.line, a.col, &a.code).cmp(&(&b.file, b.line, b.col, &b.code)));
    let mut seen = BTreeSet::new();
    out.retain(|d| seen.insert((d.file.clone(), d.line, d.code.clone())));
    out
}

fn text(bytes: &Option<Vec<u8>>) -> Option<&str> {
    bytes.as_deref().and_then(|b| std::str::from_utf8(b).ok())
}

fn judge_one(set: &RuleSet, change: &FileChange, out: &mut Vec<Diagnostic>) {
    let path = change.path.as_str();
    let rules_for = |check: StructureCheck, p: &str| -> Vec<&CompiledRule> {
        set.with_check(check).filter(|r| r.applies_to(p)).collect()
    };
    match &change.status {
        ChangeStatus::Added if !set.may_create.contains(path) => {
            for r in rules_for(StructureCheck::Created, path) {
                out.push(violation(
                    set,
                    r,
                    path,
                    Some(&format!("`{path}` is a new file")),
                ));
            }
        }
        ChangeStatus::Deleted => {
            for r in rules_for(StructureCheck::Deleted, path) {
                out.push(violation(
                    set,
                    r,
                    path,
                    Some(&format!("`{path}` was deleted")),
                ));
            }
        }
        ChangeStatus::Renamed { from } => {
            for r in rules_for(StructureCheck::Renamed, path)
                .into_iter()
                .chain(rules_for(StructureCheck::Renamed, from))
            {
                out.push(violation(
                    set,
                    r,
                    path,
                    Some(&format!("`{from}` was renamed to `{path}`")),
                ));
            }
        }
        _ => {}
    }
    let mut touched: Vec<&CompiledRule> = rules_for(StructureCheck::Touched, path);
    if let ChangeStatus::Renamed { from } = &change.status {
        for r in rules_for(StructureCheck::Touched, from) {
            if !touched.iter().any(|t| t.rule.id == r.rule.id) {
                touched.push(r);
            }
        }
    }
    for r in touched {
        out.push(violation(
            set,
            r,
            path,
            Some(&format!("`{path}` is a protected path")),
        ));
    }
    if change.new.is_none() {
        return;
    }
    let new = text(&change.new);
    if change.old.is_some() {
        judge_outside(set, change, new, out);
    }
    let Some(new) = new else {
        return;
    };
    for r in rules_for(StructureCheck::AnchorContent, path) {
        let anchor = r.rule.anchor.as_deref().unwrap_or_default();
        let allowed = allowed_atoms(&r.rule.allow);
        for line in foreign_statements(new, anchor, &allowed) {
            let what = format!("anchor `{anchor}` holds more than its allowed statements");
            out.push(at_line(violation(set, r, path, Some(&what)), new, line));
        }
    }
    let code_rules: Vec<&CompiledRule> = set.code_rules().filter(|r| r.applies_to(path)).collect();
    if code_rules.is_empty() || !is_python(path) {
        return;
    }
    let old = text(&change.old);
    let changed = changed_lines(old, new);
    let src = PySource::parse(new);
    let facts = src.facts();
    // What the old text already matched, by rule, what and source line: a hit whose line did
    // not change is still new when there are more of it than before (a string unquoted
    // around an unchanged line, an import that makes an unchanged call forbidden).
    let mut before: HashMap<(usize, String, String), usize> = HashMap::new();
    if let Some(old) = old {
        let old_src = PySource::parse(old);
        let old_facts = old_src.facts();
        for (i, r) in code_rules.iter().enumerate() {
            let code = r.code.as_ref().expect("code rules have a matcher");
            for hit in code.hits(&old_src, &old_facts) {
                *before
                    .entry(hit_key(i, &hit.what, old, hit.span.start))
                    .or_default() += 1;
            }
        }
    }
    for (i, r) in code_rules.iter().enumerate() {
        let code = r.code.as_ref().expect("code rules have a matcher");
        for hit in code.hits(&src, &facts) {
            let (line, _) = line_col(new, hit.span.start);
            let on_changed_line = changed.as_ref().is_none_or(|c| c.contains(&line));
            let seen = before
                .get_mut(&hit_key(i, &hit.what, new, hit.span.start))
                .filter(|n| **n > 0)
                .map(|n| *n -= 1)
                .is_some();
            if on_changed_line || !seen {
                out.push(at_span(
                    violation(set, r, path, Some(&hit.what)),
                    new,
                    &hit.span,
                ));
            }
        }
    }
}

/// A hit's identity across the old and new text: the rule, what matched, and its line's text.
fn hit_key(rule: usize, what: &str, text: &str, at: usize) -> (usize, String, String) {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    (rule, what.to_string(), text[start..end].trim().to_string())
}

fn judge_outside(set: &RuleSet, change: &FileChange, new: Option<&str>, out: &mut Vec<Diagnostic>) {
    let path = change.path.as_str();
    // The phase's own marker has no anchors: the phase writes all of it.
    if set.may_create.contains(path) {
        return;
    }
    let rules: Vec<&CompiledRule> = set
        .with_check(StructureCheck::OutsideAnchor)
        .filter(|r| r.applies_to(path))
        .collect();
    if rules.is_empty() {
        return;
    }
    let (Some(old), Some(new)) = (text(&change.old), new) else {
        if change.old != change.new {
            for r in &rules {
                out.push(violation(
                    set,
                    r,
                    path,
                    Some("a file that is not UTF-8 text changed"),
                ));
            }
        }
        return;
    };
    match outside_changes(old, new, &set.phase) {
        Ok(lines) => {
            for line in lines {
                for r in &rules {
                    out.push(at_line(
                        violation(set, r, path, Some("edit outside the anchors")),
                        new,
                        line,
                    ));
                }
            }
        }
        Err(e) => {
            let mut well_formed: Vec<&CompiledRule> = set
                .with_check(StructureCheck::AnchorsWellFormed)
                .filter(|r| r.applies_to(path))
                .collect();
            if well_formed.is_empty() {
                well_formed = rules;
            }
            for r in well_formed {
                let what = format!("malformed anchor: {}", e.kind);
                let (_, text) = crate::anchor::split_bom(new);
                out.push(
                    violation(set, r, path, Some(&what))
                        .at(e.line, e.col, Some(text))
                        .help(e.kind.help()),
                );
            }
        }
    }
}

/// True for a Python source path.
pub(crate) fn is_python(path: &str) -> bool {
    path.ends_with(".py") || path.ends_with(".pyi")
}

/// The 1-based lines of `new` that are not in `old` (`None`: every line, the file is new).
fn changed_lines(old: Option<&str>, new: &str) -> Option<BTreeSet<usize>> {
    let old = old?;
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
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
