//! The CI gate behind `hivegen verify`: judge the tree (phase order, intact fills, well-formed
//! anchors, code rules inside completed phases' anchors) and, given a base revision, the change
//! from it to the working tree against the rules of the phase(s) that change completes.

mod git;

use crate::diag::Diagnostic;
use crate::repo::DiskRepo;
use crate::rules::{self, ChangeStatus, FileChange, Rule};
use crate::spec::{PhaseSpec, Registry};

/// What a verification found, and what it looked at.
#[derive(Debug, Clone)]
pub struct Report {
    /// The violations, sorted by file and line.
    pub findings: Vec<Diagnostic>,
    /// Every rule that could have been reported, with its phase id (for SARIF's rule table).
    pub rules: Vec<(String, Rule)>,
    /// The phases whose marker exists.
    pub complete: Vec<String>,
    /// The phases whose rules judged the change (empty without a base).
    pub judged: Vec<String>,
    /// The base revision, if any.
    pub base: Option<String>,
    /// How many files the change touches (without a base: `None`).
    pub changed_files: Option<usize>,
}

impl Report {
    /// True when nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Verifies `repo`, and the change since `base` when given.
pub fn verify(
    registry: &Registry,
    repo: &DiskRepo,
    base: Option<&str>,
) -> Result<Report, Diagnostic> {
    if !repo.root.is_dir() {
        return Err(Diagnostic::error(
            "usage",
            format!(
                "{} {}",
                repo.root.display(),
                if repo.root.exists() {
                    "is not a folder"
                } else {
                    "does not exist"
                }
            ),
        )
        .help("pass the repository with --repo DIR"));
    }
    let complete = rules::complete_phases(registry, repo)?;
    let mut findings = rules::judge_tree(registry, repo, base.is_none())?;
    // Without a base, the whole tree is judged: every anchor anywhere. With one, only the
    // change is read, so that the cost follows the size of the change.
    if base.is_none() {
        if let Some(latest) = complete.last() {
            let set = latest
                .rule_set()
                .map_err(|e| Diagnostic::error("spec", format!("phase `{}`: {e}", latest.id)))?;
            let ids: Vec<String> = complete.iter().map(|s| s.id.clone()).collect();
            findings.extend(rules::judge_all_anchors(&repo.root, &set, &ids)?);
            findings = rules::finish(findings);
        }
    }
    let mut judged: Vec<&PhaseSpec> = Vec::new();
    let mut changed_files = None;
    if let Some(base) = base {
        let git::Changes {
            files: changes,
            docs,
        } = git::changes(&repo.root, base)?;
        changed_files = Some(changes.len());
        judged = judged_phases(registry, &docs, &changes);
        for spec in &judged {
            let set = spec
                .rule_set()
                .map_err(|e| Diagnostic::error("spec", format!("phase `{}`: {e}", spec.id)))?;
            findings.extend(rules::judge_changes(&set, &changes));
        }
        findings = rules::finish(findings);
    }
    let mut all_rules = Vec::new();
    for spec in registry.phases.values() {
        all_rules.extend(spec.rules.iter().map(|r| (spec.id.clone(), r.clone())));
    }
    Ok(Report {
        findings,
        rules: all_rules,
        complete: complete.iter().map(|s| s.id.clone()).collect(),
        judged: judged.iter().map(|s| s.id.clone()).collect(),
        base: base.map(str::to_string),
        changed_files,
    })
}

/// The phases whose rules judge a change, all read from the *base* tree, so that the change
/// cannot lift its own rules (by deleting a marker, or adding one of a phase hivegen does not
/// know): the latest phase complete at base (its rules hold until a later phase completes),
/// unless base already shows a later phase hivegen has no spec for; every phase whose marker the
/// change adds; and the next phase, when the change touches the files it fills (a Phase D in
/// progress, its marker not yet written).
fn judged_phases<'r>(
    registry: &'r Registry,
    docs: &[String],
    changes: &[FileChange],
) -> Vec<&'r PhaseSpec> {
    let at_base = |p: &PhaseSpec| {
        p.marker
            .path
            .strip_prefix("docs/")
            .is_some_and(|name| docs.iter().any(|d| d == name))
    };
    let complete: Vec<&PhaseSpec> = registry.phases.values().filter(|p| at_base(p)).collect();
    let mut out: Vec<&PhaseSpec> = registry
        .phases
        .values()
        .filter(|p| {
            changes.iter().any(|c| {
                c.path == p.marker.path
                    && matches!(c.status, ChangeStatus::Added | ChangeStatus::Renamed { .. })
            })
        })
        .collect();
    if let Some(latest) = complete.last() {
        let later_unknown = docs
            .iter()
            .filter_map(|n| crate::spec::marker_phase_id(n))
            .any(|id| id > latest.id && !registry.phases.contains_key(&id));
        // A change that completes a later phase is judged by that phase's rules instead.
        let superseded = out.iter().any(|p| p.id > latest.id);
        if !later_unknown && !superseded {
            out.push(latest);
        }
    }
    for next in registry.phases.values() {
        let ready = !at_base(next)
            && next
                .requires
                .iter()
                .all(|r| complete.iter().any(|c| &c.id == r));
        let touched = changes
            .iter()
            .any(|c| next.fills.iter().any(|f| f.file == c.path));
        if ready && touched && !next.scaffold {
            out.push(next);
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}
