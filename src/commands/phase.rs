//! `hivegen phase ID`: plan, then apply, diff or check.

use crate::apply;
use crate::assets::Assets;
use crate::config::Mode;
use crate::diff;
use crate::domain;
use crate::error::{self, Error, Result};
use crate::exit::Exit;
use crate::output::{self, Out};
use crate::plan::{self, Inputs, Plan, Protection, Refusal};
use crate::registry::{Phase, Registry};
use crate::render::Renderer;
use crate::repo::DiskRepo;

/// What a phase run was asked to do.
pub(crate) struct Request<'a> {
    /// The phase id.
    pub(crate) id: &'a str,
    /// Overwrite hand edits and reopen a completed phase.
    pub(crate) force: bool,
    /// Apply, diff or check.
    pub(crate) mode: Mode,
    /// `--check` lists the changes as JSON.
    pub(crate) json: bool,
}

/// Runs one phase on `repo`.
pub(crate) fn run(
    registry: &Registry,
    assets: &Assets,
    repo: &DiskRepo,
    request: &Request<'_>,
    out: &Out,
) -> Result<Exit> {
    let phase = registry.get(request.id)?;
    let spec = &phase.spec;
    let domain = load_domain(assets)?;
    let renderer = Renderer::load(&assets.templates, &spec.templates)?;
    // A scaffold may lay a folder that does not exist yet: `apply` creates it, and removes it
    // again if the run fails. (The command line checked that the path is not a file.)
    let creating = spec.scaffold && !repo.root.exists();
    if !creating && !repo.root.is_dir() {
        return Err(Error::NotAFolder {
            path: repo.root.clone(),
            exists: false,
        });
    }
    // Plan and write under one lock, so two runs on one repository cannot interleave.
    let _lock = if request.mode == Mode::Apply && !creating {
        Some(apply::lock(&repo.root)?)
    } else {
        None
    };
    let plan = plan::plan(&Inputs {
        registry,
        phase,
        renderer: &renderer,
        domain: &domain,
        repo,
    })?;
    if out.is_verbose() {
        for (path, anchor, decision) in decisions(phase, &plan) {
            out.detail(format!("{path:<40} {anchor:<16} {decision}"));
        }
    }
    // --check lists guarded fills among the changes (`edited by hand`, `frozen`) instead of
    // refusing them: it answers "would `phase` change this?".
    let refusals = plan.refusals(request.force || request.mode == Mode::Check);
    if !refusals.is_empty() {
        for r in &refusals {
            out.diag(&output::refusal(r));
        }
        let n = refusals.len();
        out.say(format!(
            "hivegen: Phase {} refused ({n} problem{}); nothing was written",
            spec.letter(),
            plural(n)
        ));
        return Ok(Exit::Failure);
    }
    match request.mode {
        Mode::Diff => Ok(diff_report(phase, &plan, out)),
        Mode::Check if request.json => Ok(check_json(phase, &plan, out)),
        Mode::Check => Ok(check_report(phase, &plan, out)),
        Mode::Apply => apply_plan(phase, &plan, repo, out),
    }
}

fn load_domain(assets: &Assets) -> Result<domain::Domain> {
    let (name, text) = &assets.domain;
    domain::parse(text).map_err(|e| {
        let help = "fix the domain model at this line; every entity lists its fields by name";
        error::yaml("domain", &e, text, name, help)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `--diff`: the plan as a unified diff on stdout.
fn diff_report(phase: &Phase, plan: &Plan, out: &Out) -> Exit {
    out.data(diff::unified(&plan.changes));
    let n = plan.changes.len();
    let letter = phase.spec.letter();
    out.say(if n == 0 {
        format!("hivegen: Phase {letter} is up to date; the diff is empty")
    } else {
        format!(
            "hivegen: Phase {letter} would write {n} file{}; nothing was written",
            plural(n)
        )
    });
    Exit::Success
}

/// Writes the plan and says what was written.
fn apply_plan(phase: &Phase, plan: &Plan, repo: &DiskRepo, out: &Out) -> Result<Exit> {
    let spec = &phase.spec;
    if plan.is_noop() {
        out.say(format!(
            "hivegen: nothing to do: Phase {} is already complete in {}",
            spec.letter(),
            repo.root.display()
        ));
        out.result(&spec.done);
        say_next(phase, repo, out);
        return Ok(Exit::Success);
    }
    apply::apply(&repo.root, &plan.changes)?;
    for change in &plan.changes {
        let what: Vec<String> = change
            .fills
            .iter()
            .filter(|f| !f.anchor.is_empty())
            .map(|f| format!("{} ({})", f.anchor, f.reason.describe()))
            .collect();
        let verb = if change.old.is_none() {
            "created"
        } else {
            "filled "
        };
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("  {}", what.join(", "))
        };
        let line = format!("  {verb} {}{what}", change.path);
        // A scaffold lists its many files only with -v; fills are always shown.
        if spec.scaffold {
            out.detail(line);
        } else {
            out.say(line);
        }
    }
    for g in &plan.guarded {
        out.say(match g.why {
            Protection::Foreign(_) => format!(
                "hivegen: --force overwrote the hand-edited fill `{}` of {}",
                g.anchor, g.file
            ),
            Protection::Complete => format!(
                "hivegen: --force reopened Phase {} and rewrote its frozen fill `{}` of {}",
                spec.letter(),
                g.anchor,
                g.file
            ),
        });
    }
    let n = plan.changes.len();
    out.say(format!(
        "hivegen: Phase {} wrote {n} file{} in {}",
        spec.letter(),
        plural(n),
        repo.root.display()
    ));
    out.result(&spec.done);
    say_next(phase, repo, out);
    Ok(Exit::Success)
}

/// The phase's next step, from its spec, with `{repo}` standing for the repository.
fn say_next(phase: &Phase, repo: &DiskRepo, out: &Out) {
    if let Some(next) = &phase.spec.next {
        let repo = repo.root.display().to_string();
        for line in next.trim_end().lines() {
            out.say(format!("hivegen: {}", line.replace("{repo}", &repo)));
        }
    }
}

/// `--check`: the files and anchors that would change, and why, on stdout; one summary on
/// stderr with one next step. Exit 1 if anything would change.
fn check_report(phase: &Phase, plan: &Plan, out: &Out) -> Exit {
    let spec = &phase.spec;
    let letter = spec.letter();
    if plan.is_noop() {
        out.say(format!("hivegen: Phase {letter} is up to date"));
        return Exit::Success;
    }
    let guarded = |file: &str, anchor: &str| {
        plan.guarded
            .iter()
            .find(|g| g.file == file && g.anchor == anchor)
    };
    let mut rows: Vec<[String; 3]> = Vec::new();
    for change in &plan.changes {
        for f in &change.fills {
            let anchor = if f.anchor.is_empty() { "-" } else { &f.anchor };
            let reason = match guarded(&change.path, &f.anchor).map(|g| &g.why) {
                Some(Protection::Complete) => "frozen (the templates changed since)",
                _ => f.reason.describe(),
            };
            rows.push([change.path.clone(), anchor.to_string(), reason.to_string()]);
        }
    }
    let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    for [path, anchor, reason] in &rows {
        out.result(format!("{path:<w0$}  {anchor:<w1$}  {reason}"));
    }
    let n = plan.changes.len();
    let head = format!("hivegen: Phase {letter} would change {n} file{}", plural(n));
    let hand = plan
        .guarded
        .iter()
        .filter(|g| matches!(g.why, Protection::Foreign(_)))
        .count();
    let frozen = plan.guarded.len() - hand;
    out.say(if plan.guarded.is_empty() {
        format!(
            "{head}; run `hivegen phase {}` to write {}",
            spec.id,
            if n == 1 { "it" } else { "them" }
        )
    } else if frozen == 0 {
        format!(
            "{head}; {hand} fill{} edited by hand, so `hivegen phase {id}` refuses: move the edit out of the anchor, or run `hivegen phase {id} --force` to overwrite it",
            if hand == 1 { " was" } else { "s were" },
            id = spec.id
        )
    } else {
        format!(
            "{head}; Phase {letter} is complete and its fills are frozen, so `hivegen phase {id}` refuses to rewrite them: keep them, or run `hivegen phase {id} --force` to reopen the phase",
            id = spec.id
        )
    });
    Exit::Failure
}

/// `--check --format json`: the same list for programs, in a versioned envelope.
fn check_json(phase: &Phase, plan: &Plan, out: &Out) -> Exit {
    let changes: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .flat_map(|c| c.fills.iter().map(move |f| (c, f)))
        .map(|(c, f)| {
            let protected = plan
                .guarded
                .iter()
                .find(|g| g.file == c.path && g.anchor == f.anchor)
                .map(|g| match g.why {
                    Protection::Foreign(_) => "hand-edit",
                    Protection::Complete => "frozen",
                });
            serde_json::json!({
                "file": c.path,
                "anchor": (!f.anchor.is_empty()).then_some(&f.anchor),
                "reason": f.reason.key(),
                "protected": protected,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "version": 1,
        "phase": phase.spec.id,
        "up_to_date": plan.is_noop(),
        "changes": changes,
    });
    out.data(format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).expect("JSON serializes")
    ));
    if plan.is_noop() {
        Exit::Success
    } else {
        Exit::Failure
    }
}

/// Every file and anchor the phase considered, with what it decided: for `-v`.
fn decisions(phase: &Phase, plan: &Plan) -> Vec<(String, String, String)> {
    let spec = &phase.spec;
    let reason_of = |path: &str, anchor: &str| {
        plan.changes
            .iter()
            .filter(|c| c.path == path)
            .flat_map(|c| &c.fills)
            .find(|f| f.anchor == anchor)
            .map(|f| f.reason)
    };
    let refused = |path: &str, anchor: &str| {
        plan.refusals.iter().any(|r| match r {
            Refusal::MissingFile {
                file, anchor: a, ..
            }
            | Refusal::MissingAnchor {
                file, anchor: a, ..
            }
            | Refusal::Frozen {
                file, anchor: a, ..
            } => file == path && a == anchor,
            Refusal::Exists { path: p } => p == path,
            Refusal::Rule(f) => f.file == path,
            _ => false,
        })
    };
    let decide = |path: &str, anchor: &str, verb: &str| match reason_of(path, anchor) {
        Some(r) => format!("{verb} ({})", r.describe()),
        None if refused(path, anchor) => "refused".to_string(),
        None => "up to date".to_string(),
    };
    let mut out = Vec::new();
    for c in &spec.creates {
        out.push((c.path.clone(), "-".into(), decide(&c.path, "", "create")));
    }
    for f in &spec.fills {
        out.push((
            f.file.clone(),
            f.anchor.clone(),
            decide(&f.file, &f.anchor, "fill"),
        ));
    }
    let marker = &spec.marker.path;
    out.push((marker.clone(), "-".into(), decide(marker, "", "write")));
    out
}
