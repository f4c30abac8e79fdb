//! Judging a tree without a base, one file at a time: the caller (`verify`) reads the files
//! and hands their bytes over; this module only decides.
//!
//! For every completed phase: its files' anchors are well formed and present, its stamped fills
//! are intact (frozen code was not edited), its anchors are not empty (§6), and its code rules
//! hold inside its anchors. For any other file that holds anchors: they are well formed, and
//! fills stamped by a completed phase are intact.

use std::ops::Range;

use super::anchor_content::{allowed_atoms, foreign_statements};
use super::change::{is_python, malformed};
use super::compile::RuleSet;
use super::finding::Finding;
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

/// The tree checks of the completed phase `spec` on one file it fills, `None` when missing.
/// With `code` false the code rules are left out (`verify --base` judges the change instead).
pub(crate) fn judge_fill_file(
    spec: &PhaseSpec,
    set: &RuleSet,
    file: &str,
    bytes: Option<&[u8]>,
    code: bool,
) -> Vec<Finding> {
    let well_formed = |what: &str| -> Vec<Finding> {
        set.checking(StructureCheck::AnchorsWellFormed, file)
            .map(|r| Finding::new(set, r, file, Some(what)))
            .collect()
    };
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
    }
    for r in set.checking(StructureCheck::AnchorContent, file) {
        let anchor = r.rule.anchor.as_deref().unwrap_or_default();
        for line in foreign_statements(text, anchor, &allowed_atoms(&r.rule.allow)) {
            let what = format!("anchor `{anchor}` holds more than its allowed statements");
            out.push(Finding::new(set, r, file, Some(&what)).at(Place::of_line(text, line)));
        }
    }
    if code && is_python(file) && !bodies.is_empty() {
        out.extend(code_in_bodies(set, file, text, &bodies));
    }
    out
}

/// An empty fill of a complete phase, or a fill edited since it was stamped.
fn fill_state(spec: &PhaseSpec, set: &RuleSet, file: &str, text: &str, a: &Anchor) -> Vec<Finding> {
    let (check, what, line) = match body_state(text, a) {
        BodyState::Empty | BodyState::Open => (
            StructureCheck::FillsComplete,
            format!(
                "anchor `{}` is empty, yet Phase {} is marked complete",
                a.name,
                spec.letter()
            ),
            a.begin.line,
        ),
        BodyState::Edited => (
            StructureCheck::FillIntact,
            format!("anchor `{}` was edited after hivegen wrote it", a.name),
            a.end.as_ref().map_or(a.begin.line, |e| e.line),
        ),
        BodyState::Intact | BodyState::Unstamped => return Vec::new(),
    };
    set.checking(check, file)
        .map(|r| Finding::new(set, r, file, Some(&what)).at(Place::of_line(text, line)))
        .collect()
}

/// Code rules on the hits that fall inside `bodies`.
fn code_in_bodies(set: &RuleSet, file: &str, text: &str, bodies: &[Range<usize>]) -> Vec<Finding> {
    let code_rules = set.code_rules_for(file);
    if code_rules.is_empty() {
        return Vec::new();
    }
    let src = set.parse(file, text);
    let facts = src.facts();
    let mut out = Vec::new();
    for r in code_rules {
        let code = r.code.as_ref().expect("code rules have a matcher");
        for hit in code.hits(&src, &facts) {
            if bodies.iter().any(|b| b.contains(&hit.span.start)) {
                out.push(
                    Finding::new(set, r, file, Some(&hit.what)).at(Place::of_span(text, &hit.span)),
                );
            }
        }
    }
    out
}

/// Any file holding anchors, wherever it is: its anchors are well formed, and each fill stamped
/// by one of the `complete` phases still matches its checksum (frozen code is frozen in every
/// file, not only in the files a spec names). Judged with `set`, the latest completed phase.
pub(crate) fn judge_anchored_file(
    set: &RuleSet,
    complete: &[String],
    file: &str,
    bytes: &[u8],
) -> Vec<Finding> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // A file with anchors that is not UTF-8 cannot be judged: say so rather than skip it.
        return set
            .checking(StructureCheck::AnchorsWellFormed, file)
            .map(|r| Finding::new(set, r, file, Some("a file with anchors is not UTF-8 text")))
            .collect();
    };
    let (_, text) = anchor::split_bom(text);
    let anchors = match anchor::parse(text) {
        Ok(anchors) => anchors,
        Err(e) => {
            return set
                .checking(StructureCheck::AnchorsWellFormed, file)
                .map(|r| malformed(set, r, file, text, &e))
                .collect()
        }
    };
    let mut out = Vec::new();
    for a in &anchors {
        let Some(stamp) = &a.stamp else { continue };
        if !complete.contains(&stamp.phase) || body_state(text, a) != BodyState::Edited {
            continue;
        }
        let line = a.end.as_ref().map_or(a.begin.line, |e| e.line);
        let what = format!(
            "anchor `{}` was edited after Phase {} wrote it",
            a.name,
            stamp.phase.to_uppercase()
        );
        for r in set.checking(StructureCheck::FillIntact, file) {
            out.push(Finding::new(set, r, file, Some(&what)).at(Place::of_line(text, line)));
        }
    }
    out
}
