//! The plan: every change a phase would make, computed in memory before anything is written.
//! Pure apart from reading through [`Repo`]: specs + templates + the tree in, changes and
//! refusals out.

use serde::Serialize;
use serde_json::json;

use crate::anchor::{self, Anchor};
use crate::diag::Diagnostic;
use crate::domain::Domain;
use crate::fill::{self, BodyState};
use crate::render::Renderer;
use crate::repo::Repo;
use crate::spec::{PhaseSpec, Registry};
use tera::Context;

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
        plan_scaffold(spec, renderer, &base, repo, &mut plan)?;
    }
    let frozen = if spec.scaffold {
        None
    } else {
        later_marker(registry, spec, repo)?
    };
    plan_fills(
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

fn io_error(repo: &dyn Repo, rel: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("io", format!("cannot read {rel} in {}: {e}", repo.name()))
        .file(rel.to_string())
}

fn read(repo: &dyn Repo, rel: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
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
        if let Some(id) = name
            .strip_prefix("BUILD_PHASE_")
            .and_then(|n| n.strip_suffix("_COMPLETE"))
        {
            if id.to_lowercase() > spec.id {
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

fn plan_scaffold(
    spec: &PhaseSpec,
    renderer: &Renderer,
    base: &Context,
    repo: &dyn Repo,
    plan: &mut Plan,
) -> Result<(), Diagnostic> {
    let marker_done = read(repo, &spec.marker.path)?.is_some();
    if marker_done {
        let mut all_there = true;
        for create in &spec.creates {
            all_there &= read(repo, &create.path)?.is_some();
        }
        if all_there {
            // The scaffold is laid; later phases have filled its files since: nothing to do.
            return Ok(());
        }
    }
    let entries: Vec<String> = repo
        .list("")
        .map_err(|e| io_error(repo, "", &e))?
        .into_iter()
        // An empty git repository is empty, and so is one holding only hivegen's overrides.
        .filter(|n| n != ".git" && n != ".hivegen")
        .collect();
    let mut changes = Vec::new();
    for create in &spec.creates {
        let mut context = base.clone();
        context.insert("file", &json!({"path": create.path}));
        let new = renderer.render(&create.template(), &context)?.into_bytes();
        let old = read(repo, &create.path)?;
        if old.as_ref() != Some(&new) {
            changes.push(Change {
                path: create.path.clone(),
                old,
                new,
                fills: vec![FillChange {
                    anchor: String::new(),
                    reason: Reason::Create,
                }],
            });
        }
    }
    if !entries.is_empty() && (!marker_done || !changes.is_empty()) {
        let shown: Vec<&str> = entries.iter().take(3).map(String::as_str).collect();
        plan.refusals.push(
            Diagnostic::refused(
                "not-empty",
                format!(
                    "Phase {} lays a scaffold into an empty folder, and {} holds {}",
                    spec.letter(),
                    repo.name(),
                    shown.join(", ") + if entries.len() > 3 { ", …" } else { "" }
                ),
            )
            .help("choose a new folder with --repo (an empty git repository is fine)"),
        );
    }
    plan.changes.extend(changes);
    Ok(())
}

fn plan_fills(
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
