//! The plan: every change a phase would make, computed in memory before anything is written.
//! Pure apart from reading through [`Repo`]: specs + templates + the tree in, changes and
//! refusals out.

use serde::Serialize;
use serde_json::json;

mod fills;
mod scaffold;

use crate::diag::Diagnostic;
use crate::domain::Domain;
use crate::render::Renderer;
use crate::repo::Repo;
use crate::spec::{PhaseSpec, Registry};

/// The largest file hivegen fills: far beyond any source file, small enough to hold in memory.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// Why a file or an anchor changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A file the phase creates.
    Create,
    /// The anchor is empty.
    Empty,
    /// The anchor has no end marker yet.
    Open,
    /// The fill is intact but the templates now render something else.
    Stale,
    /// The fill was edited by hand (`--force`).
    Edited,
    /// The anchor holds content hivegen did not write (`--force`).
    Unstamped,
    /// The content is already right; only the stamp is missing.
    Stamp,
    /// The phase marker.
    Marker,
}

impl Reason {
    /// A word for the user.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Create => "created",
            Reason::Empty => "empty",
            Reason::Open => "open anchor",
            Reason::Stale => "stale",
            Reason::Edited => "edited by hand",
            Reason::Unstamped => "filled without hivegen",
            Reason::Stamp => "stamp missing",
            Reason::Marker => "phase marker",
        }
    }
}

/// One anchor a change fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FillChange {
    /// The anchor's name.
    pub anchor: String,
    /// Why it changes.
    pub reason: Reason,
}

/// One file the plan writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path relative to the repository root.
    pub path: String,
    /// What is there now (`None`: the file is created).
    pub old: Option<Vec<u8>>,
    /// What will be there.
    pub new: Vec<u8>,
    /// Why: the anchors it fills, or `Create`/`Marker`.
    pub fills: Vec<FillChange>,
}

/// Every change of a run, and every reason not to make them.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Files to write, in spec order, the marker last.
    pub changes: Vec<Change>,
    /// Why the plan may not be applied (exit 1). Empty for a sound plan.
    pub refusals: Vec<Diagnostic>,
    /// Hand-edited or foreign fills that `--force` overwrites.
    pub overwritten: Vec<(String, String)>,
}

impl Plan {
    /// True when applying would change nothing.
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Options that change what a plan may do.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Overwrite fills edited by hand.
    pub force: bool,
}

/// Plans `spec` on `repo`.
pub fn plan(
    registry: &Registry,
    spec: &PhaseSpec,
    renderer: &Renderer,
    domain: &Domain,
    repo: &dyn Repo,
    options: PlanOptions,
) -> Result<Plan, Diagnostic> {
    let mut plan = Plan::default();
    // The domain model and the phase, converted once for every template of the run.
    let base = Renderer::context(&json!({
        "domain": domain,
        "phase": {"id": spec.id, "title": spec.title},
    }))?;
    check_requirements(registry, spec, repo, &mut plan)?;
    if !plan.refusals.is_empty() {
        // A missing prerequisite says it all: no need for a refusal per missing file.
        return Ok(plan);
    }
    if spec.scaffold {
        scaffold::plan_scaffold(spec, renderer, &base, repo, &mut plan)?;
    }
    let frozen = if spec.scaffold {
        None
    } else {
        later_marker(registry, spec, repo)?
    };
    fills::plan_fills(
        spec,
        renderer,
        &base,
        repo,
        options,
        frozen.as_deref(),
        &mut plan,
    )?;
    plan_marker(spec, repo, &mut plan)?;
    plan.refusals.extend(crate::rules::check_plan(spec, &plan));
    Ok(plan)
}

pub(super) fn io_error(repo: &dyn Repo, rel: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("io", format!("cannot read {rel} in {}: {e}", repo.name()))
        .file(rel.to_string())
}

pub(super) fn read(repo: &dyn Repo, rel: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
    repo.read(rel).map_err(|e| io_error(repo, rel, &e))
}

fn check_requirements(
    registry: &Registry,
    spec: &PhaseSpec,
    repo: &dyn Repo,
    plan: &mut Plan,
) -> Result<(), Diagnostic> {
    for id in &spec.requires {
        let required = registry.get(id)?;
        if read(repo, &required.marker.path)?.is_none() {
            plan.refusals.push(
                Diagnostic::refused(
                    "prerequisite",
                    format!(
                        "Phase {} must run after Phase {}: {} is missing",
                        spec.letter(),
                        required.letter(),
                        required.marker.path
                    ),
                )
                .file(required.marker.path.clone())
                .help(format!("run `hivegen phase {}` first", required.id)),
            );
        }
    }
    Ok(())
}

/// The marker of a later phase, if one exists: its presence freezes this phase's fills.
fn later_marker(
    registry: &Registry,
    spec: &PhaseSpec,
    repo: &dyn Repo,
) -> Result<Option<String>, Diagnostic> {
    let mut later: Vec<String> = registry
        .phases
        .values()
        .filter(|p| p.id > spec.id)
        .map(|p| p.marker.path.clone())
        .collect();
    let docs = repo.list("docs").map_err(|e| io_error(repo, "docs", &e))?;
    for name in docs {
        if let Some(id) = crate::spec::marker_phase_id(&name) {
            if id > spec.id {
                later.push(format!("docs/{name}"));
            }
        }
    }
    later.sort();
    later.dedup();
    for marker in later {
        if read(repo, &marker)?.is_some() {
            return Ok(Some(marker));
        }
    }
    Ok(None)
}

fn plan_marker(spec: &PhaseSpec, repo: &dyn Repo, plan: &mut Plan) -> Result<(), Diagnostic> {
    let old = read(repo, &spec.marker.path)?;
    let new = spec.marker.content.as_bytes().to_vec();
    if old.as_ref() != Some(&new) {
        plan.changes.push(Change {
            path: spec.marker.path.clone(),
            old,
            new,
            fills: vec![FillChange {
                anchor: String::new(),
                reason: Reason::Marker,
            }],
        });
    }
    Ok(())
}
