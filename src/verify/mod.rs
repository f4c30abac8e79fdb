//! The CI gate behind `hivegen verify`: judge the tree (phase order, intact fills, well-formed
//! anchors, code rules inside completed phases' anchors) and, given a base revision, the change
//! from it to the working tree against the rules of the phase(s) that judge it. This module
//! reads (the disk, and git); the rules engine decides.

mod change;
mod config;
mod git;
mod head;
mod ignored;
mod judge;
mod tree;

pub(crate) use head::judge_now;

use crate::config::Change;
use crate::error::{Error, Result};
use crate::registry::Registry;
use crate::repo::DiskRepo;
use crate::rules::{self, Finding};
use crate::spec::Rule;

pub(crate) use config::RepoConfig;
pub(crate) use judge::{judge, Base};

/// What a verification found, and what it looked at.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// The violations, sorted by file and line.
    pub(crate) findings: Vec<Finding>,
    /// Every rule that could have been reported, with its phase id (for SARIF's rule table).
    pub(crate) rules: Vec<(String, Rule)>,
    /// The phases whose marker exists.
    pub(crate) complete: Vec<String>,
    /// The phases whose rules judged the change (empty without a base).
    pub(crate) judged: Vec<String>,
    /// True when the phase that judged is complete at the base, its rules holding until
    /// hivegen has a spec for a later one.
    pub(crate) held: bool,
    /// The base revision, if any.
    pub(crate) base: Option<String>,
    /// How many files the change touches (without a base: `None`).
    pub(crate) changed_files: Option<usize>,
}

impl Report {
    /// True when nothing was found.
    pub(crate) fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Verifies `repo`, and the change it is asked to judge.
pub(crate) fn verify(registry: &Registry, repo: &DiskRepo, change: &Change) -> Result<Report> {
    let base = match change {
        Change::None => None,
        Change::Since(rev) => Some(rev.as_str()),
        Change::Staged => Some("HEAD"),
    };
    let complete = tree::complete_phases(registry, repo)?;
    require_hivesync(registry, repo)?;
    let ids: Vec<String> = complete.iter().map(|p| p.spec.id.clone()).collect();
    // Without a base, the whole tree is judged: every anchor anywhere (walked while the files
    // the phases fill are judged). With one, only the change is read, so that the cost follows
    // the size of the change.
    let (findings, anchors) = std::thread::scope(|scope| {
        let anchors = complete
            .last()
            .filter(|_| base.is_none())
            .map(|latest| scope.spawn(|| tree::judge_all_anchors(&repo.root, latest)));
        let filled = tree::judge_complete(registry, &complete, repo, base.is_none());
        let anchors = anchors.map(|walk| walk.join().expect("the anchor walk does not panic"));
        (filled, anchors)
    });
    let mut findings = findings?;
    if let Some(anchors) = anchors {
        findings.extend(anchors?);
    }
    let mut judged = Vec::new();
    let mut held = false;
    let mut changed_files = None;
    if let Some(base) = base {
        let folders = registry.marker_folders();
        let change::Changes {
            files: changes,
            markers,
            config,
        } = match change {
            Change::Staged => change::staged(&repo.root, &folders)?,
            _ => change::changes(&repo.root, base, &folders)?,
        };
        changed_files = Some(changes.len());
        let origin = format!("{}:{}", base, git::CONFIG);
        let base = Base {
            markers,
            config: RepoConfig::parse(config.as_deref(), &origin)?,
        };
        let judgement = judge(registry, &base, &changes)?;
        findings.extend(judgement.findings);
        findings.extend(tree::unmarked_phases(
            registry,
            &judgement.judged,
            &ids,
            repo,
        )?);
        judged = judgement.judged;
        held = judgement.held;
    }
    let rules = registry
        .phases()
        .flat_map(|p| p.spec.rules.iter().map(|r| (p.spec.id.clone(), r.clone())))
        .collect();
    Ok(Report {
        findings: rules::finish(findings),
        rules,
        complete: ids,
        judged,
        held,
        base: match change {
            Change::Staged => Some("the index (staged, against HEAD)".to_string()),
            _ => base.map(str::to_string),
        },
        changed_files,
    })
}

/// True for a HiveSync repository, or one being made: a phase marker or a file of a
/// scaffold exists.
pub(crate) fn is_hivesync(registry: &Registry, root: &std::path::Path) -> bool {
    registry.phases().any(|p| {
        root.join(&p.spec.marker.path).exists()
            || (p.spec.scaffold && p.spec.creates.iter().any(|c| root.join(&c.path).exists()))
    })
}

/// Refuses a folder that is neither a HiveSync repository nor being made one: no phase marker
/// and no file of any scaffold. A wrong `--repo` in CI must not pass as clean.
fn require_hivesync(registry: &Registry, repo: &DiskRepo) -> Result<()> {
    if is_hivesync(registry, &repo.root) {
        return Ok(());
    }
    Err(Error::usage(
        format!(
            "{} is not a HiveSync repository: it has no phase marker and no scaffold",
            repo.root.display()
        ),
        "pass the repository with --repo DIR, or lay the scaffold first with `hivegen phase c`",
    ))
}
