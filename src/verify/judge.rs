//! Judging one change the way the CI gate does, whoever asks (`verify --base`, `guard`): which
//! phases judge it, read from its base, and what their rules and the frozen work of every
//! completed phase say about it.

use super::config::RepoConfig;
use crate::error::{Error, Result};
use crate::registry::{Phase, Registry};
use crate::rules::{self, ChangeStatus, FileChange, Finding};

/// What a change is judged against, read from its base.
#[derive(Debug, Clone, Default)]
pub(crate) struct Base {
    /// The files in the marker folders at base.
    pub(crate) markers: Vec<String>,
    /// The repository's own configuration at base.
    pub(crate) config: RepoConfig,
}

/// The findings on a change, and the phases whose rules judged it.
#[derive(Debug, Clone)]
pub(crate) struct Judgement {
    /// Unsorted; [`rules::finish`] sorts them.
    pub(crate) findings: Vec<Finding>,
    /// The phases whose rules judged the change, in dependency order.
    pub(crate) judged: Vec<String>,
    /// True when the latest phase complete at the base judged it, its rules holding because
    /// hivegen has no spec for a phase after it.
    pub(crate) held: bool,
}

/// Judges `changes` from `base`: by the phase in progress (the rules of the next phase
/// after the completed ones judge every change, whether or not it touches that phase's
/// files), and for every phase complete at base, by its frozen work.
pub(crate) fn judge(registry: &Registry, base: &Base, changes: &[FileChange]) -> Result<Judgement> {
    let complete: Vec<&Phase> = registry
        .phases()
        .filter(|p| base.markers.contains(&p.spec.marker.path))
        .collect();
    base.config.check_against(registry)?;
    let mut findings = Vec::new();
    let (judges, held) = judging(registry, base, &complete, changes);
    for phase in &judges {
        let held_by = complete.iter().any(|c| c.spec.id == phase.spec.id);
        let set = phase
            .rules
            .widened(&base.config.repository_files)
            .map_err(|message| {
                Error::spec(
                    super::git::CONFIG,
                    None,
                    format!("repository files: {message}"),
                    "write globs such as `scripts/**` or `Makefile`",
                )
            })?;
        let set = if held_by { set.for_later_work() } else { set };
        findings.extend(rules::judge_changes(&set, changes));
    }
    for phase in &complete {
        findings.extend(rules::judge_frozen(&phase.spec, &phase.rules, changes));
    }
    Ok(Judgement {
        findings,
        judged: judges.iter().map(|p| p.spec.id.clone()).collect(),
        held,
    })
}

/// The phases whose rules judge a change, all read from the *base* tree, so that the change
/// cannot lift its own rules (by deleting a marker, or adding one of a phase hivegen does not
/// know): the phases that may run next (every phase they require complete at base); when
/// hivegen knows none, the latest phase complete at base, whose rules hold until a later
/// phase completes — unless base already shows a later phase hivegen has no spec for. A
/// phase whose marker the change adds judges it too. The flag says the latest complete phase
/// holds (see [`Judgement::held`]).
fn judging<'r>(
    registry: &'r Registry,
    base: &Base,
    complete: &[&'r Phase],
    changes: &[FileChange],
) -> (Vec<&'r Phase>, bool) {
    let ids: Vec<&str> = complete.iter().map(|p| p.spec.id.as_str()).collect();
    let mut out: Vec<&Phase> = registry
        .next(&ids)
        .into_iter()
        .filter(|p| !p.spec.scaffold)
        .collect();
    if out.is_empty() {
        let later_unknown = base
            .markers
            .iter()
            .any(|m| registry.marker_id(m).is_some() && registry.by_marker(m).is_none());
        if let (Some(latest), false) = (complete.last(), later_unknown) {
            out.push(latest);
        }
    }
    let held = out
        .iter()
        .any(|p| complete.iter().any(|c| c.spec.id == p.spec.id));
    for p in registry.phases().filter(|p| !p.spec.scaffold) {
        let adds_marker = changes.iter().any(|c| {
            c.path == p.spec.marker.path
                && matches!(c.status, ChangeStatus::Added | ChangeStatus::Renamed { .. })
        });
        if adds_marker && !out.iter().any(|o| o.spec.id == p.spec.id) {
            out.push(p);
        }
    }
    let order: Vec<&str> = registry.phases().map(|p| p.spec.id.as_str()).collect();
    out.sort_by_key(|p| order.iter().position(|id| *id == p.spec.id));
    (out, held)
}
