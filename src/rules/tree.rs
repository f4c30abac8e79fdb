//! Judging a tree without a base, one file at a time: the caller (`verify`) reads the files
//! and hands their bytes over; this module only decides.
//!
//! For every completed phase: its files' anchors are well formed and present, its anchors are
//! not empty (§6), and its code rules hold inside its anchors. For any other file that holds
//! anchors: they are well formed.
//!
//! A stamp that no longer matches its fill says only that the fill was edited after hivegen
//! wrote it, not when: adjusting generated code within the phase's own change is that
//! phase's work, judged by its rules like a fill written by hand. Whether frozen code was
//! rewritten is a question about a change, answered against its base ([`super::judge_frozen`]).

use std::cell::OnceCell;
use std::ops::Range;

use super::anchor_content::{allowed_atoms, foreign_statements, missing_atoms};
use super::change::{is_python, malformed};
use super::code::CompiledCode;
use super::compile::{CompiledRule, RuleSet};
use super::finding::{with_help, Finding};
use super::pattern::{split, DottedPattern};
use super::python::{Fact, FactKind, PySource};
use crate::anchor::{self, Anchor};
use crate::error::Place;
use crate::fill::{body_state, BodyState};
use crate::spec::{PhaseSpec, StructureCheck};

/// A phase is complete though a phase it requires is not.
pub(crate) fn phase_order(set: &RuleSet, spec: &PhaseSpec, required: &PhaseSpec) -> Vec<Finding> {
    let what = format!(
        "Phase {} is complete but Phase {} is not ({} is missing)",
        spec.letter(),
        required.letter(),
        required.marker.path
    );
    set.checking(StructureCheck::PhaseOrder, &spec.marker.path)
        .map(|r| Finding::new(set, r, &spec.marker.path, Some(&what)))
        .collect()
}

/// A file the completed phase `spec` fills is a symbolic link (to `target`): the phase's code is
/// no longer in it, but wherever the link leads, perhaps outside the repository (attacker
/// corpus blind17 A170, where reading it through the link ended `verify` with an I/O error).
pub(crate) fn linked_fill_file(
    spec: &PhaseSpec,
    set: &RuleSet,
    file: &str,
    target: &str,
) -> Vec<Finding> {
    let what = format!(
        "`{file}`, filled by Phase {}, is a symbolic link (to {target}), not the file itself",
        spec.letter()
    );
    not_well_formed(set, file, &what)
}

/// `what` reported by each rule that checks `file`'s anchors are in place and well formed.
fn not_well_formed(set: &RuleSet, file: &str, what: &str) -> Vec<Finding> {
    set.checking(StructureCheck::AnchorsWellFormed, file)
        .map(|r| Finding::new(set, r, file, Some(what)))
        .collect()
}

/// The tree checks of the completed phase `spec` on one file it fills, `None` when missing.
/// With `code` false the code rules are left out (`verify --base` judges the change instead).
pub(crate) fn judge_fill_file(
    spec: &PhaseSpec,
    set: &RuleSet,
    file: &str,
    bytes: Option<&[u8]>,
    code: bool,
) -> Vec<Finding> {
    let well_formed = |what: &str| not_well_formed(set, file, what);
    let letter = spec.letter();
    let Some(bytes) = bytes else {
        return well_formed(&format!("`{file}`, filled by Phase {letter}, is missing"));
    };
    let Ok(original) = std::str::from_utf8(bytes) else {
        // Not skipped: a byte that is not UTF-8 would hide the fill from every check.
        return well_formed(&format!(
            "`{file}`, filled by Phase {letter}, is not UTF-8 text"
        ));
    };
    let (_, text) = anchor::split_bom(original);
    let anchors = match anchor::parse(text) {
        Ok(a) => a,
        Err(e) => {
            return set
                .checking(StructureCheck::AnchorsWellFormed, file)
                .map(|r| malformed(set, r, file, text, &e))
                .collect()
        }
    };
    let mut out = Vec::new();
    let mut bodies: Vec<Range<usize>> = Vec::new();
    // Parsed once, when a requirement or a code rule first needs it.
    let parsed = OnceCell::new();
    let parsed = || {
        parsed.get_or_init(|| {
            let src = set.parse(file, text);
            let facts = src.facts();
            (src, facts)
        })
    };
    for f in spec.fills.iter().filter(|f| f.file == file) {
        let Some(a) = anchors.iter().find(|a| a.name == f.anchor) else {
            out.extend(well_formed(&format!(
                "anchor `{}`, filled by Phase {letter}, is missing",
                f.anchor
            )));
            continue;
        };
        bodies.push(a.body());
        out.extend(fill_state(spec, set, file, text, a));
        if !f.requires.is_empty() && !text[a.body()].trim().is_empty() {
            let (_, facts) = parsed();
            out.extend(missing(spec, set, file, text, a, facts, &f.requires));
        }
    }
    for r in set.checking(StructureCheck::AnchorContent, file) {
        let anchor = r.rule.anchor.as_deref().unwrap_or_default();
        let allowed = allowed_atoms(&r.rule.allow);
        let lines = crate::text::LineIndex::new(text);
        for line in foreign_statements(text, anchor, &allowed) {
            let what = format!("anchor `{anchor}` holds more than its allowed statements");
            out.push(
                Finding::new(set, r, file, Some(&what)).at(Place::of_line_in(text, &lines, line)),
            );
        }
        // The phase is complete: every allowed statement must be there too.
        if let Some(a) = anchors.iter().find(|a| a.name == anchor) {
            for atom in missing_atoms(text, anchor, &allowed) {
                let what = format!("anchor `{anchor}` lacks `{atom}`");
                out.push(
                    Finding::new(set, r, file, Some(&what)).at(Place::of_line(text, a.begin.line)),
                );
            }
        }
    }
    if code && is_python(file) && !bodies.is_empty() {
        let rules = set.code_rules_for(file);
        if !rules.is_empty() {
            let (src, facts) = parsed();
            out.extend(code_in_bodies(set, &rules, file, text, src, facts, &bodies));
        }
    }
    out
}

/// An empty fill of a complete phase.
fn fill_state(spec: &PhaseSpec, set: &RuleSet, file: &str, text: &str, a: &Anchor) -> Vec<Finding> {
    // A stamped anchor emptied by hand is as empty as one never filled.
    let open = matches!(body_state(text, a), BodyState::Open);
    if !open && !text[a.body()].trim().is_empty() {
        return Vec::new();
    }
    let what = format!(
        "anchor `{}` is empty, yet Phase {} is marked complete",
        a.name,
        spec.letter()
    );
    set.checking(StructureCheck::FillsComplete, file)
        .map(|r| Finding::new(set, r, file, Some(&what)).at(Place::of_line(text, a.begin.line)))
        .collect()
}

/// What a complete fill must hold and `a`'s body lacks: each requirement is names (`a | b`)
/// the body defines (`def`, `class`) or decorates with (`@router.delete`); `facts` are the file's.
fn missing(
    spec: &PhaseSpec,
    set: &RuleSet,
    file: &str,
    text: &str,
    a: &Anchor,
    facts: &[Fact],
    requires: &[String],
) -> Vec<Finding> {
    let body = a.body();
    let facts: Vec<&Fact> = facts
        .iter()
        .filter(|f| {
            matches!(f.kind, FactKind::Def | FactKind::Decorator) && body.contains(&f.span.start)
        })
        .collect();
    let mut out = Vec::new();
    for need in requires {
        // `2 x **.get`: at least two of them (a list and a read-one endpoint).
        let (count, alternatives) = match need.split_once(" x ") {
            Some((n, rest)) => (n.trim().parse().unwrap_or(1), rest),
            None => (1, need.as_str()),
        };
        let found = facts
            .iter()
            .filter(|f| {
                alternatives.split('|').map(str::trim).any(|alt| {
                    DottedPattern::new(alt).is_ok_and(|p| p.matches_segments(&split(&f.name)))
                })
            })
            .count();
        if found >= count {
            continue;
        }
        let what = format!(
            "anchor `{}` lacks `{need}`, which Phase {} must hold when complete",
            a.name,
            spec.letter()
        );
        out.extend(set.checking(StructureCheck::FillsComplete, file).map(|r| {
            Finding::new(set, r, file, Some(&what)).at(Place::of_line(text, a.begin.line))
        }));
    }
    out
}

/// A phase whose every fill is in place is complete, and its marker must say so (§6: the
/// phase completes when its marker file exists). `read` gives a fill file's bytes.
pub(crate) fn unmarked(
    spec: &PhaseSpec,
    set: &RuleSet,
    read: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
) -> Vec<Finding> {
    if spec.fills.is_empty() {
        return Vec::new();
    }
    for file in spec.fill_files() {
        let Some(bytes) = read(file) else {
            return Vec::new();
        };
        let text = String::from_utf8_lossy(&bytes);
        let (_, text) = anchor::split_bom(&text);
        let Ok(anchors) = anchor::parse(text) else {
            return Vec::new();
        };
        for f in spec.fills.iter().filter(|f| f.file == file) {
            let filled = anchors
                .iter()
                .any(|a| a.name == f.anchor && !text[a.body()].trim().is_empty());
            if !filled {
                return Vec::new();
            }
        }
    }
    let path = &spec.marker.path;
    let what = format!(
        "every anchor of Phase {} is filled, but its marker {path} is missing",
        spec.letter()
    );
    // The rule's help speaks of a marker that is there too early; this one is not there.
    let help = format!(
        "run `hivegen phase {}` to write the marker, or create {path} reading `{}`",
        spec.letter().to_ascii_lowercase(),
        spec.marker.content.trim_end()
    );
    set.checking(StructureCheck::FillsComplete, path)
        .map(|r| Finding::new(set, r, path, Some(&what)).help(help.clone()))
        .collect()
}

/// The marker of a complete phase must read as its spec says (whitespace at the end aside).
pub(crate) fn marker_content(spec: &PhaseSpec, set: &RuleSet, bytes: &[u8]) -> Vec<Finding> {
    let have = String::from_utf8_lossy(bytes);
    let want = spec.marker.content.trim_end();
    if have.replace("\r\n", "\n").trim_end() == want {
        return Vec::new();
    }
    let what = format!("the marker of Phase {} must read `{want}`", spec.letter());
    let path = &spec.marker.path;
    set.checking(StructureCheck::FillsComplete, path)
        .map(|r| Finding::new(set, r, path, Some(&what)))
        .collect()
}

/// The hits of `rules` (the file's code rules) that fall inside `bodies`.
fn code_in_bodies(
    set: &RuleSet,
    rules: &[(&CompiledRule, &CompiledCode)],
    file: &str,
    text: &str,
    src: &PySource<'_>,
    facts: &[Fact],
    bodies: &[Range<usize>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (r, code) in rules {
        for hit in code.hits(src, facts) {
            if bodies.iter().any(|b| b.contains(&hit.span.start)) {
                out.push(
                    with_help(Finding::new(set, r, file, Some(&hit.what)), &hit.help)
                        .at(Place::of_span(text, &hit.span)),
                );
            }
        }
    }
    out
}

/// Any file holding anchors, wherever it is: its anchors are well formed. Judged with `set`,
/// the latest completed phase.
pub(crate) fn judge_anchored_file(set: &RuleSet, file: &str, bytes: &[u8]) -> Vec<Finding> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // A file with anchors that is not UTF-8 cannot be judged: say so rather than skip it.
        return set
            .checking(StructureCheck::AnchorsWellFormed, file)
            .map(|r| Finding::new(set, r, file, Some("a file with anchors is not UTF-8 text")))
            .collect();
    };
    let (_, text) = anchor::split_bom(text);
    match anchor::parse(text) {
        Ok(_) => Vec::new(),
        Err(e) => set
            .checking(StructureCheck::AnchorsWellFormed, file)
            .map(|r| malformed(set, r, file, text, &e))
            .collect(),
    }
}
