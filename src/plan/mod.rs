//! The plan: every change a phase would make, computed in memory before anything is written.
//! Pure apart from reading through [`Repo`]: specs + templates + the tree in, changes and
//! decisions out. The planner does not know `--force`, `--diff` or `--check`: it says which
//! fills only a forced run may overwrite, and the command decides.

use serde_json::json;

mod fills;
mod scaffold;

use crate::domain::Domain;
use crate::error::{Error, Place, Result};
use crate::fill::BodyState;
use crate::registry::{Phase, Registry};
use crate::render::Renderer;
use crate::repo::Repo;
use crate::rules::{judge_changes, ChangeStatus, FileChange, Finding};

/// Why a file or an anchor changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// A file the phase creates.
    Create,
    /// The phase marker.
    Marker,
    /// The fill is intact but the templates now render something else.
    Stale,
    /// The content is already right; only the stamp is missing.
    Stamp,
    /// What the anchor holds now: open, empty, edited by hand, or content hivegen did not
    /// write (unstamped, or stamped by another phase).
    Body(BodyState),
}

impl Reason {
    /// A word for the user.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Reason::Create => "created",
            Reason::Marker => "phase marker",
            Reason::Stale => "stale",
            Reason::Stamp => "stamp missing",
            Reason::Body(BodyState::Open) => "open anchor",
            Reason::Body(BodyState::Empty) => "empty",
            Reason::Body(BodyState::Edited) => "edited by hand",
            Reason::Body(BodyState::Unstamped | BodyState::Intact) => "filled without hivegen",
        }
    }

    /// A stable word for programs (`--check --format json`).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Reason::Create => "created",
            Reason::Marker => "marker",
            Reason::Stale => "stale",
            Reason::Stamp => "stamp-missing",
            Reason::Body(BodyState::Open) => "open",
            Reason::Body(BodyState::Empty) => "empty",
            Reason::Body(BodyState::Edited) => "edited",
            Reason::Body(BodyState::Unstamped | BodyState::Intact) => "unstamped",
        }
    }
}

/// One anchor (or whole file) a change writes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FillChange {
    /// The anchor's name; empty for a whole file.
    pub(crate) anchor: String,
    /// Why it changes.
    pub(crate) reason: Reason,
}

/// One file the plan writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// Path relative to the repository root.
    pub(crate) path: String,
    /// What is there now (`None`: the file is created).
    pub(crate) old: Option<Vec<u8>>,
    /// What will be there.
    pub(crate) new: Vec<u8>,
    /// Why: the anchors it fills, or `Create`/`Marker`.
    pub(crate) fills: Vec<FillChange>,
}

/// Why only `--force` may overwrite a fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Protection {
    /// Someone else's work is there: `what` says whose (`was edited by hand since hivegen
    /// wrote it`, `was filled by phase e`, `holds content hivegen did not write`).
    Foreign(String),
    /// The phase is complete (its marker exists): its fills are frozen, and the templates or
    /// the domain model now render this one differently.
    Complete,
}

/// A fill that the plan rewrites only when forced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Guarded {
    /// The file.
    pub(crate) file: String,
    /// The anchor.
    pub(crate) anchor: String,
    /// Why it is protected.
    pub(crate) why: Protection,
    /// Where the fill first departs from what hivegen would write.
    pub(crate) place: Place,
}

/// Why a plan may not be applied (exit 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A phase this one requires is not complete.
    Prerequisite {
        /// This phase (`D`).
        phase: String,
        /// The missing one (`C`), its id and its marker.
        required: String,
        /// Its id, for the command to run.
        required_id: String,
        /// Its marker file.
        marker: String,
    },
    /// A file the phase fills does not exist.
    MissingFile {
        /// The file.
        file: String,
        /// The anchor it should hold.
        anchor: String,
        /// The phase that creates the file, to restore it from.
        creator: Option<String>,
    },
    /// A file the phase fills lacks the anchor.
    MissingAnchor {
        /// The file.
        file: String,
        /// The anchor.
        anchor: String,
        /// The phase that lays the file, to restore it from.
        creator: Option<String>,
    },
    /// A fill that needs `--force`, in a run without it.
    Guarded(Guarded),
    /// A later phase is complete: this phase's fills are frozen, even with `--force`.
    Frozen {
        /// This phase (`D`).
        phase: String,
        /// The file.
        file: String,
        /// The anchor.
        anchor: String,
        /// Why it would be rewritten.
        reason: Reason,
        /// The later phase's marker.
        marker: String,
        /// True when the difference is someone's hand edit (not a template change).
        hand: bool,
        /// Where the fill departs from what hivegen would write.
        place: Place,
    },
    /// A scaffold phase run on a folder with content it does not accept.
    NotEmpty {
        /// This phase (`C`).
        phase: String,
        /// The repository, as named in messages.
        repo: String,
        /// The entries in the way (the first few).
        entries: Vec<String>,
    },
    /// A scaffold phase whose file already exists.
    Exists {
        /// The file.
        path: String,
    },
    /// The rendered plan breaks one of the phase's rules.
    Rule(Finding),
}

/// Every change of a run, and every reason not to make them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    /// Files to write, in spec order, the marker last (fills only `--force` may write
    /// included).
    pub(crate) changes: Vec<Change>,
    /// Why the plan may not be applied at all. Empty for a sound plan.
    pub(crate) refusals: Vec<Refusal>,
    /// Fills among `changes` that only a forced run may write.
    pub(crate) guarded: Vec<Guarded>,
}

impl Plan {
    /// True when applying would change nothing.
    pub(crate) fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }

    /// The refusals of a run with or without `--force`: without it, each guarded fill is one.
    pub(crate) fn refusals(&self, force: bool) -> Vec<Refusal> {
        let mut out = self.refusals.clone();
        if !force {
            out.extend(self.guarded.iter().cloned().map(Refusal::Guarded));
        }
        out
    }
}

/// What planning a phase needs.
pub(crate) struct Inputs<'a> {
    /// Every phase.
    pub(crate) registry: &'a Registry,
    /// The phase to plan.
    pub(crate) phase: &'a Phase,
    /// Its templates.
    pub(crate) renderer: &'a Renderer,
    /// The domain model.
    pub(crate) domain: &'a Domain,
    /// The tree.
    pub(crate) repo: &'a dyn Repo,
}

/// Plans `inputs.phase` on `inputs.repo`.
pub(crate) fn plan(inputs: &Inputs<'_>) -> Result<Plan> {
    let spec = &inputs.phase.spec;
    let mut plan = Plan {
        refusals: missing_requirements(inputs)?,
        ..Plan::default()
    };
    if !plan.refusals.is_empty() {
        // A missing prerequisite says it all: no need for a refusal per missing file.
        return Ok(plan);
    }
    // The domain model and the phase, converted once for every template of the run.
    let base = Renderer::context(&json!({
        "domain": inputs.domain,
        "phase": {"id": spec.id, "title": spec.title},
    }))?;
    if spec.scaffold {
        scaffold::plan_scaffold(inputs, &base, &mut plan)?;
    } else {
        fills::plan_fills(inputs, &base, &mut plan)?;
    }
    if let Some(marker) = plan_marker(inputs)? {
        plan.changes.push(marker);
    }
    // The self-check: the rendered plan judged exactly as `verify --base` judges a change.
    let changes: Vec<FileChange> = plan
        .changes
        .iter()
        .map(|c| FileChange {
            path: c.path.clone(),
            status: if c.old.is_some() {
                ChangeStatus::Modified
            } else {
                ChangeStatus::Added
            },
            old: c.old.clone(),
            new: Some(c.new.clone()),
            modes: None,
            crlf_stored: false,
        })
        .collect();
    plan.refusals.extend(
        judge_changes(&inputs.phase.rules, &changes)
            .into_iter()
            .map(Refusal::Rule),
    );
    Ok(plan)
}

/// Reads `rel`, an error naming the repository when that fails.
pub(super) fn read(repo: &dyn Repo, rel: &str) -> Result<Option<Vec<u8>>> {
    repo.read(rel).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => Error::Unusable {
            file: rel.to_string(),
            what: format!(
                "{rel} is more than hivegen fills ({} MiB)",
                crate::repo::MAX_FILE_BYTES >> 20
            ),
            help: "a HiveSync source file is never this large; restore it from the scaffold".into(),
        },
        _ => Error::io("read", std::path::Path::new(&repo.name()).join(rel), e),
    })
}

fn missing_requirements(inputs: &Inputs<'_>) -> Result<Vec<Refusal>> {
    let spec = &inputs.phase.spec;
    let mut out = Vec::new();
    for id in &spec.requires {
        let required = &inputs.registry.get(id)?.spec;
        if read(inputs.repo, &required.marker.path)?.is_none() {
            out.push(Refusal::Prerequisite {
                phase: spec.letter(),
                required: required.letter(),
                required_id: required.id.clone(),
                marker: required.marker.path.clone(),
            });
        }
    }
    Ok(out)
}

/// The marker of a later phase, if one exists: its presence freezes this phase's fills. Later
/// means requiring this phase, directly or not; a marker of a phase hivegen has no spec for
/// (found by the specs' marker patterns) counts as later than every phase it knows.
pub(super) fn later_marker(inputs: &Inputs<'_>) -> Result<Option<String>> {
    let registry = inputs.registry;
    let id = &inputs.phase.spec.id;
    let mut later: Vec<String> = registry
        .phases()
        .filter(|p| registry.requires(&p.spec.id, id))
        .map(|p| p.spec.marker.path.clone())
        .collect();
    for folder in registry.marker_folders() {
        let names = inputs.repo.list(folder).map_err(|e| {
            Error::io(
                "list",
                std::path::Path::new(&inputs.repo.name()).join(folder),
                e,
            )
        })?;
        for name in names {
            let path = if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            };
            let unknown =
                registry.marker_id(&path).is_some() && registry.by_marker(&path).is_none();
            if unknown {
                later.push(path);
            }
        }
    }
    later.sort();
    later.dedup();
    for marker in later {
        if read(inputs.repo, &marker)?.is_some() {
            return Ok(Some(marker));
        }
    }
    Ok(None)
}

fn plan_marker(inputs: &Inputs<'_>) -> Result<Option<Change>> {
    let marker = &inputs.phase.spec.marker;
    let old = read(inputs.repo, &marker.path)?;
    let new = marker.content.as_bytes().to_vec();
    Ok((old.as_ref() != Some(&new)).then(|| Change {
        path: marker.path.clone(),
        old,
        new,
        fills: vec![FillChange {
            anchor: String::new(),
            reason: Reason::Marker,
        }],
    }))
}
