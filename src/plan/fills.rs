//! Planning the fills of a phase: each anchor rendered, laid out like its marker, and
//! compared with what is there (empty, open, stale, edited by hand, frozen by a later phase).

use serde_json::json;
use tera::Context;

use super::{read, Change, FillChange, Plan, PlanOptions, Reason, MAX_FILE_BYTES};
use crate::anchor::{self, Anchor};
use crate::diag::Diagnostic;
use crate::fill::{self, BodyState};
use crate::render::Renderer;
use crate::repo::Repo;
use crate::spec::PhaseSpec;

pub(super) fn plan_fills(
    spec: &PhaseSpec,
    renderer: &Renderer,
    base: &Context,
    repo: &dyn Repo,
    options: PlanOptions,
    frozen: Option<&str>,
    plan: &mut Plan,
) -> Result<(), Diagnostic> {
    for file in spec.fill_files() {
        let Some(bytes) = read(repo, file)? else {
            for f in spec.fills.iter().filter(|f| f.file == file) {
                plan.refusals.push(
                    Diagnostic::refused(
                        "missing-file",
                        format!("{file} does not exist, so anchor `{}` cannot be filled", f.anchor),
                    )
                    .file(file)
                    .help(format!(
                        "Phase {} only fills anchors of files that exist; restore {file} from the scaffold",
                        spec.letter()
                    )),
                );
            }
            continue;
        };
        if bytes.len() > MAX_FILE_BYTES {
            return Err(Diagnostic::error(
                "io",
                format!(
                    "{file} is {} MiB, more than hivegen fills ({} MiB)",
                    bytes.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ),
            )
            .file(file)
            .help("a HiveSync source file is never this large; restore it from the scaffold"));
        }
        if bytes.contains(&0) {
            return Err(Diagnostic::error("io", format!("{file} is a binary file"))
                .file(file)
                .help("hivegen fills anchors of text files only; restore it from the scaffold"));
        }
        let original = String::from_utf8(bytes.clone()).map_err(|_| {
            Diagnostic::error("io", format!("{file} is not UTF-8 text"))
                .file(file)
                .help("hivegen fills anchors of UTF-8 text files only")
        })?;
        let (bom, mut text) = {
            let (bom, rest) = anchor::split_bom(&original);
            (bom.to_string(), rest.to_string())
        };
        let eol = fill::line_ending(&text);
        let mut reasons = Vec::new();
        for f in spec.fills.iter().filter(|f| f.file == file) {
            let anchors = anchor::parse(&text).map_err(|e| {
                Diagnostic::error("anchor", e.kind.to_string())
                    .file(file)
                    .at(e.line, e.col, Some(&text))
                    .help(e.kind.help())
            })?;
            let Some(a) = anchors.iter().find(|a| a.name == f.anchor) else {
                plan.refusals.push(
                    Diagnostic::refused("missing-anchor", format!("{file} has no anchor `{}`", f.anchor))
                        .file(file)
                        .help(format!(
                            "Phase C lays `<!-- SECTION:{0} -->` … `<!-- /SECTION:{0} -->` in {file}; restore it",
                            f.anchor
                        )),
                );
                continue;
            };
            let mut context = base.clone();
            context.insert("fill", &json!({"file": f.file, "anchor": f.anchor}));
            let rendered = renderer.render(&f.template(), &context)?;
            // The body ends its lines like the marker above it (a file may mix endings).
            let eol = fill::marker_line_ending(&text, a).unwrap_or(eol);
            let body = fill::layout(&rendered, &a.begin.indent, eol);
            let Some(reason) = decide(&text, a, &body, spec, file, options, frozen, plan) else {
                continue;
            };
            let next = fill::replace(&text, a, &body, &spec.id, eol);
            // A template that renders an anchor marker would break the file's anchors.
            if anchor::parse(&next).map(|n| n.len()) != Ok(anchors.len()) {
                return Err(Diagnostic::error(
                    "template",
                    format!("the fill of anchor `{}` of {file} renders an anchor marker", f.anchor),
                )
                .file(renderer.display(&f.template()))
                .help("a fill may not contain `<!-- SECTION:… -->` lines; remove them from the template"));
            }
            text = next;
            reasons.push(FillChange {
                anchor: f.anchor.clone(),
                reason,
            });
        }
        let new = format!("{bom}{text}").into_bytes();
        if new != bytes {
            plan.changes.push(Change {
                path: file.to_string(),
                old: Some(bytes),
                new,
                fills: reasons,
            });
        }
    }
    Ok(())
}

/// Decides whether an anchor is rewritten, and why; records refusals and forced overwrites.
/// `frozen` names a later phase's marker: then no fill may change at all.
#[allow(clippy::too_many_arguments)]
fn decide(
    text: &str,
    a: &Anchor,
    body: &str,
    spec: &PhaseSpec,
    file: &str,
    options: PlanOptions,
    frozen: Option<&str>,
    plan: &mut Plan,
) -> Option<Reason> {
    let current = &text[a.body()];
    let same = current.replace("\r\n", "\n") == body.replace("\r\n", "\n");
    let stamped_by_us = a.stamp.as_ref().is_some_and(|s| s.phase == spec.id);
    let stamp_phase = a.stamp.as_ref().map_or("?", |s| s.phase.as_str());
    // The reason to rewrite, and what is wrong when the rewrite would lose someone's work.
    let (reason, hand): (Reason, Option<String>) = if a.end.is_none() {
        (Reason::Open, None)
    } else {
        match fill::body_state(text, a) {
            BodyState::Intact if same && stamped_by_us => return None,
            BodyState::Intact if stamped_by_us => (Reason::Stale, None),
            BodyState::Empty => (Reason::Empty, None),
            BodyState::Unstamped if same => (Reason::Stamp, None),
            BodyState::Edited => (
                Reason::Edited,
                Some("was edited by hand since hivegen wrote it".to_string()),
            ),
            BodyState::Intact => (
                Reason::Unstamped,
                Some(format!("was filled by phase {stamp_phase}")),
            ),
            BodyState::Unstamped => (
                Reason::Unstamped,
                Some("holds content hivegen did not write".to_string()),
            ),
        }
    };
    // Point at the first line that differs from what hivegen would write: with unchanged
    // templates, that is the hand edit itself.
    let (line, col) = first_difference(current, body);
    let (line, col) = (a.begin.line + 1 + line, col + 1);
    if let Some(marker) = frozen {
        let help = if hand.is_some() {
            format!("revert the edit (`git checkout -- {file}`): a later phase adds code in its own anchors, never in Phase {}'s", spec.letter())
        } else {
            format!("Phase {} can no longer write its fills; if that later phase is not really complete, remove {marker}", spec.letter())
        };
        plan.refusals.push(
            Diagnostic::refused(
                "frozen",
                format!(
                    "anchor `{}` of {file} would be rewritten ({}), but a later phase is complete ({marker}): Phase {} code is frozen",
                    a.name,
                    reason.describe(),
                    spec.letter()
                ),
            )
            .file(file)
            .at(line, col, Some(text))
            .help(help),
        );
        return None;
    }
    let Some(what) = hand else {
        return Some(reason);
    };
    if options.force {
        plan.overwritten.push((file.to_string(), a.name.clone()));
        return Some(reason);
    }
    plan.refusals.push(
        Diagnostic::refused("hand-edit", format!("anchor `{}` of {file} {what}", a.name))
            .file(file)
            .at(line, col, Some(text))
            .help(
                "keep the edit by moving it out of the fill, or rerun with --force to overwrite it",
            ),
    );
    None
}

/// The 0-based line and column (in chars) where `current` first departs from `expected`,
/// line endings aside; `(0, 0)` when they are the same.
fn first_difference(current: &str, expected: &str) -> (usize, usize) {
    let mut expected_lines = expected.lines();
    for (i, have) in current.lines().enumerate() {
        match expected_lines.next() {
            Some(want) if want == have => continue,
            Some(want) => {
                let col = have
                    .chars()
                    .zip(want.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                return (i, col);
            }
            None => return (i, 0),
        }
    }
    (current.lines().count(), 0)
}
