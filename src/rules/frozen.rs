//! Frozen means frozen (phase_d.md §5): once a phase is complete at the base of a change, the
//! change may not touch that phase's fill bodies, their stamps, or its marker, whatever the
//! stamps say. A rewritten fill with a recomputed stamp is still a rewrite.

use super::change::is_python;
use super::compile::RuleSet;
use super::finding::Finding;
use super::python;
use super::{ChangeStatus, FileChange};
use crate::anchor::{self, Anchor};
use crate::error::Place;
use crate::spec::{PhaseSpec, StructureCheck};

/// Every change by `changes` to the frozen work of `spec`, a phase complete at base, judged
/// with its own rules (`set`): its `fill-intact` rules report.
pub(crate) fn judge_frozen(
    spec: &PhaseSpec,
    set: &RuleSet,
    changes: &[FileChange],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for change in changes {
        let from = match &change.status {
            ChangeStatus::Renamed { from } => from.as_str(),
            _ => change.path.as_str(),
        };
        if from == spec.marker.path && change.old != change.new {
            let what = format!(
                "the marker of completed Phase {} was changed",
                spec.letter()
            );
            out.extend(report(set, &change.path, &what, None));
            continue;
        }
        let Some(old) = change
            .old
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
        else {
            continue;
        };
        let (_, old) = anchor::split_bom(old);
        let Ok(old_anchors) = anchor::parse(old) else {
            continue;
        };
        let frozen: Vec<&Anchor> = old_anchors
            .iter()
            .filter(|a| {
                a.stamp.as_ref().is_some_and(|s| s.phase == spec.id)
                    || spec
                        .fills
                        .iter()
                        .any(|f| f.file == from && f.anchor == a.name)
            })
            .filter(|a| !old[a.body()].trim().is_empty())
            .collect();
        if frozen.is_empty() {
            continue;
        }
        let new = change
            .new
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok());
        let new = new.map(|t| anchor::split_bom(t).1);
        let parsed = new.map(anchor::parse);
        // Malformed anchors are reported as such; what they enclose cannot be read.
        if let Some(Err(_)) = parsed {
            let what = format!(
                "the anchors of a file holding frozen Phase {} code are malformed",
                spec.letter()
            );
            out.extend(report(set, &change.path, &what, None));
            continue;
        }
        let new_anchors = parsed.and_then(Result::ok);
        for a in &frozen {
            let now = new_anchors
                .as_ref()
                .and_then(|anchors| anchors.iter().find(|n| n.name == a.name));
            let (Some(text), Some(n)) = (new, now) else {
                let what = format!(
                    "anchor `{}`, frozen since Phase {} completed, was removed",
                    a.name,
                    spec.letter()
                );
                out.extend(report(set, &change.path, &what, None));
                continue;
            };
            out.extend(judge_anchor(set, spec, &change.path, (old, a), (text, n)));
        }
    }
    out
}

/// What a change did to one frozen anchor `a` of `old`, now `n` of `text`: nothing, an
/// insertion (§5 lets later phases insert logic), or a rewrite of its body or stamp.
fn judge_anchor(
    set: &RuleSet,
    spec: &PhaseSpec,
    path: &str,
    (old, a): (&str, &Anchor),
    (text, n): (&str, &Anchor),
) -> Vec<Finding> {
    let body_kept = fold(&old[a.body()]) == fold(&text[n.body()]);
    if body_kept && n.stamp == a.stamp {
        return Vec::new();
    }
    // §5: later phases may insert logic into anchors; what Phase D wrote stays as it
    // was. The stamp of a fill that grew no longer holds, and need not.
    let mut at = None;
    if !body_kept && is_python(path) {
        match python::only_inserted(old, a.body(), text, n.body()) {
            Ok(()) => return Vec::new(),
            Err(byte) => at = Some(byte),
        }
    }
    let what = if body_kept {
        format!(
            "the stamp of anchor `{}`, frozen since Phase {} completed, was changed",
            a.name,
            spec.letter()
        )
    } else {
        format!(
            "anchor `{}`, frozen since Phase {} completed, was rewritten",
            a.name,
            spec.letter()
        )
    };
    let place = match at {
        Some(byte) => Place::of_span(text, &(byte..byte)),
        None if body_kept => Place::of_line(text, n.end.as_ref().map_or(n.begin.line, |e| e.line)),
        None => Place::of_line(text, n.begin.line + 1),
    };
    report(set, path, &what, Some(place))
}

fn fold(body: &str) -> String {
    crate::text::split_inclusive(body)
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .collect::<Vec<_>>()
        .join("\n")
}

fn report(set: &RuleSet, file: &str, what: &str, place: Option<Place>) -> Vec<Finding> {
    set.checking(StructureCheck::FillIntact, file)
        .map(|r| {
            let f = Finding::new(set, r, file, Some(what));
            match &place {
                Some(p) => f.at(p.clone()),
                None => f,
            }
        })
        .collect()
}
