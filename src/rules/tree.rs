//! Judging a tree without a base: for every completed phase (its marker exists), the phases it
//! requires are complete, its files' anchors are well formed, its stamped fills are intact
//! (frozen code was not edited), and its code rules hold inside its anchors. Only the files the
//! completed phases fill are read.

use std::ops::Range;

use super::anchor_content::{allowed_atoms, foreign_statements};
use super::change::{finish, is_python};
use super::compile::{CompiledRule, RuleSet};
use super::finding::{at_line, at_span, violation};
use super::python::PySource;
use super::StructureCheck;
use crate::anchor;
use crate::diag::Diagnostic;
use crate::fill::{body_state, BodyState};
use crate::repo::Repo;
use crate::spec::{PhaseSpec, Registry};

fn read(repo: &dyn Repo, rel: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
    repo.read(rel).map_err(|e| {
        Diagnostic::error("io", format!("cannot read {rel} in {}: {e}", repo.name())).file(rel)
    })
}

/// The phases whose marker file exists, in id order.
pub fn complete_phases<'r>(
    registry: &'r Registry,
    repo: &dyn Repo,
) -> Result<Vec<&'r PhaseSpec>, Diagnostic> {
    let mut out = Vec::new();
    for spec in registry.phases.values() {
        if read(repo, &spec.marker.path)?.is_some() {
            out.push(spec);
        }
    }
    Ok(out)
}

/// Compiles a phase's rules, as an error (exit 2) when the spec is broken.
pub(crate) fn compile(spec: &PhaseSpec) -> Result<std::sync::Arc<RuleSet>, Diagnostic> {
    spec.rule_set().map_err(|e| {
        Diagnostic::error("spec", format!("phase `{}`: {e}", spec.id))
            .help("fix the rule in the phase spec")
    })
}

/// Every violation of the tree checks of the completed phases.
///
/// With `code` false the code rules are left out: `verify --base` judges the code of the
/// change instead, so that its cost follows the size of the change.
pub fn judge_tree(
    registry: &Registry,
    repo: &dyn Repo,
    code: bool,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let complete = complete_phases(registry, repo)?;
    let mut out = Vec::new();
    for spec in &complete {
        let set = compile(spec)?;
        for r in set.with_check(StructureCheck::PhaseOrder) {
            for req in &spec.requires {
                let Ok(required) = registry.get(req) else {
                    continue;
                };
                if !complete.iter().any(|c| c.id == required.id) {
                    let what = format!(
                        "Phase {} is complete but Phase {} is not ({} is missing)",
                        spec.letter(),
                        required.letter(),
                        required.marker.path
                    );
                    out.push(violation(&set, r, &spec.marker.path, Some(&what)));
                }
            }
        }
        for file in spec.fill_files() {
            judge_file(spec, &set, repo, file, code, &mut out)?;
        }
    }
    Ok(finish(out))
}

fn rules<'s>(set: &'s RuleSet, check: StructureCheck, file: &str) -> Vec<&'s CompiledRule> {
    set.with_check(check)
        .filter(|r| r.applies_to(file))
        .collect()
}

fn judge_file(
    spec: &PhaseSpec,
    set: &RuleSet,
    repo: &dyn Repo,
    file: &str,
    code: bool,
    out: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let well_formed = rules(set, StructureCheck::AnchorsWellFormed, file);
    let Some(bytes) = read(repo, file)? else {
        for r in &well_formed {
            let what = format!("`{file}`, filled by Phase {}, is missing", spec.letter());
            out.push(violation(set, r, file, Some(&what)));
        }
        return Ok(());
    };
    let Ok(original) = std::str::from_utf8(&bytes) else {
        // Not skipped: a byte that is not UTF-8 would hide the fill from every check.
        for r in &well_formed {
            let what = format!(
                "`{file}`, filled by Phase {}, is not UTF-8 text",
                spec.letter()
            );
            out.push(violation(set, r, file, Some(&what)));
        }
        return Ok(());
    };
    let (_, text) = anchor::split_bom(original);
    let anchors = match anchor::parse(text) {
        Ok(a) => a,
        Err(e) => {
            for r in &well_formed {
                let what = format!("malformed anchor: {}", e.kind);
                out.push(
                    violation(set, r, file, Some(&what))
                        .at(e.line, e.col, Some(text))
                        .help(e.kind.help()),
                );
            }
            return Ok(());
        }
    };
    let mut bodies: Vec<Range<usize>> = Vec::new();
    for f in spec.fills.iter().filter(|f| f.file == file) {
        let Some(a) = anchors.iter().find(|a| a.name == f.anchor) else {
            for r in &well_formed {
                let what = format!(
                    "anchor `{}`, filled by Phase {}, is missing",
                    f.anchor,
                    spec.letter()
                );
                out.push(violation(set, r, file, Some(&what)));
            }
            continue;
        };
        bodies.push(a.body());
        if matches!(body_state(text, a), BodyState::Empty) {
            for r in rules(set, StructureCheck::FillsComplete, file) {
                let what = format!(
                    "anchor `{}` is empty, yet Phase {} is marked complete",
                    a.name,
                    spec.letter()
                );
                out.push(at_line(
                    violation(set, r, file, Some(&what)),
                    text,
                    a.begin.line,
                ));
            }
        }
        if body_state(text, a) == BodyState::Edited {
            let end = a.end.as_ref().expect("a stamped anchor is closed");
            for r in rules(set, StructureCheck::FillIntact, file) {
                let what = format!("anchor `{}` was edited after hivegen wrote it", a.name);
                out.push(at_line(
                    violation(set, r, file, Some(&what)),
                    text,
                    end.line,
                ));
            }
        }
    }
    for r in rules(set, StructureCheck::AnchorContent, file) {
        let anchor = r.rule.anchor.as_deref().unwrap_or_default();
        for line in foreign_statements(text, anchor, &allowed_atoms(&r.rule.allow)) {
            let what = format!("anchor `{anchor}` holds more than its allowed statements");
            out.push(at_line(violation(set, r, file, Some(&what)), text, line));
        }
    }
    let code_rules: Vec<&CompiledRule> = set.code_rules().filter(|r| r.applies_to(file)).collect();
    if !code || code_rules.is_empty() || !is_python(file) || bodies.is_empty() {
        return Ok(());
    }
    let src = PySource::parse(text);
    let facts = src.facts();
    for r in code_rules {
        let code = r.code.as_ref().expect("code rules have a matcher");
        for hit in code.hits(&src, &facts) {
            if bodies.iter().any(|b| b.contains(&hit.span.start)) {
                out.push(at_span(
                    violation(set, r, file, Some(&hit.what)),
                    text,
                    &hit.span,
                ));
            }
        }
    }
    Ok(())
}
