//! `hivegen phase ID`: plan, then apply, diff or check.

use crate::apply;
use crate::assets::Assets;
use crate::config::Mode;
use crate::diag::Diagnostic;
use crate::diff;
use crate::domain;
use crate::exit::Exit;
use crate::output::Out;
use crate::plan::{self, Plan, PlanOptions, Reason};
use crate::render::Renderer;
use crate::repo::DiskRepo;
use crate::spec::{yaml_error, PhaseSpec, Registry};

/// Runs one phase on `repo`.
pub fn run(
    registry: &Registry,
    assets: &Assets,
    repo: &DiskRepo,
    id: &str,
    force: bool,
    mode: Mode,
    out: &Out,
) -> Result<Exit, Diagnostic> {
    let spec = registry.get(id)?;
    let (domain_name, domain_text) = &assets.domain;
    let domain = domain::parse(domain_text).map_err(|e| {
        let mut d = yaml_error(&e, domain_text, domain_name);
        d.code = "domain".into();
        let help = if d.line.is_some() {
            "fix the domain model at this line; every entity lists its fields by name"
        } else {
            "fix the domain model; every entity lists its fields by name"
        };
        d.help(help)
    })?;
    let renderer = Renderer::load(&assets.templates, &spec.id)?;
    // A scaffold may lay a folder that does not exist yet: `apply` creates it, and removes it
    // again if the run fails.
    let creating = spec.scaffold && !repo.root.exists();
    if !creating && !repo.root.is_dir() {
        let what = if repo.root.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(
            Diagnostic::error("usage", format!("{} {what}", repo.root.display()))
                .help("pass the repository with --repo DIR"),
        );
    }
    // Plan and write under one lock, so two runs on one repository cannot interleave.
    let _lock = if mode == Mode::Apply && !creating {
        Some(apply::lock(&repo.root)?)
    } else {
        None
    };
    // --check lists hand edits among the changes (reason `edited by hand`) instead of refusing
    // them: it answers "would `phase` change this?", and the answer is yes, once forced.
    let plan = plan::plan(
        registry,
        spec,
        &renderer,
        &domain,
        repo,
        PlanOptions {
            force: force || mode == Mode::Check,
        },
    )?;
    let letter = spec.letter();
    if out.is_verbose() {
        for (path, anchor, decision) in decisions(spec, &plan) {
            out.detail(format!("{path:<40} {anchor:<16} {decision}"));
        }
    }
    if !plan.refusals.is_empty() {
        for d in &plan.refusals {
            out.diag(d);
        }
        let n = plan.refusals.len();
        out.say(format!(
            "hivegen: Phase {letter} refused ({n} problem{}); nothing was written",
            if n == 1 { "" } else { "s" }
        ));
        return Ok(Exit::Failure);
    }
    match mode {
        Mode::Diff => {
            out.data(diff::unified(&plan.changes));
            let n = plan.changes.len();
            out.say(if n == 0 {
                format!("hivegen: Phase {letter} is up to date; the diff is empty")
            } else {
                format!(
                    "hivegen: Phase {letter} would write {n} file{}; nothing was written",
                    if n == 1 { "" } else { "s" }
                )
            });
            Ok(Exit::Success)
        }
        Mode::Check => Ok(check_report(spec, &plan, force, out)),
        Mode::Apply => {
            if plan.is_noop() {
                out.say(format!(
                    "hivegen: nothing to do: Phase {letter} is already complete in {}",
                    repo.root.display()
                ));
                out.result(&spec.done);
                return Ok(Exit::Success);
            }
            apply::apply(&repo.root, &plan.changes)?;
            for change in &plan.changes {
                let what: Vec<String> = change
                    .fills
                    .iter()
                    .map(|f| match f.reason {
                        Reason::Create | Reason::Marker => String::new(),
                        r => format!("{} ({})", f.anchor, r.describe()),
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                let line = format!(
                    "  {} {}{}",
                    if change.old.is_none() {
                        "created"
                    } else {
                        "filled "
                    },
                    change.path,
                    if what.is_empty() {
                        String::new()
                    } else {
                        format!("  {}", what.join(", "))
                    }
                );
                // A scaffold lists its many files only with -v; fills are always shown.
                if spec.scaffold {
                    out.detail(line);
                } else {
                    out.say(line);
                }
            }
            for (file, anchor) in &plan.overwritten {
                out.say(format!(
                    "hivegen: --force overwrote the hand-edited fill `{anchor}` of {file}"
                ));
            }
            let n = plan.changes.len();
            out.say(format!(
                "hivegen: Phase {letter} wrote {n} file{} in {}",
                if n == 1 { "" } else { "s" },
                repo.root.display()
            ));
            out.result(&spec.done);
            Ok(Exit::Success)
        }
    }
}

/// `--check`: the files and anchors that would change, and why, on stdout; a summary on stderr.
/// Exit 1 if anything would change.
fn check_report(spec: &PhaseSpec, plan: &Plan, force: bool, out: &Out) -> Exit {
    let letter = spec.letter();
    if plan.is_noop() {
        out.say(format!("hivegen: Phase {letter} is up to date"));
        return Exit::Success;
    }
    let mut rows: Vec<[String; 3]> = Vec::new();
    for change in &plan.changes {
        for f in &change.fills {
            let anchor = if f.anchor.is_empty() { "-" } else { &f.anchor };
            rows.push([
                change.path.clone(),
                anchor.to_string(),
                f.reason.describe().to_string(),
            ]);
        }
    }
    let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    for [path, anchor, reason] in &rows {
        out.result(format!("{path:<w0$}  {anchor:<w1$}  {reason}"));
    }
    let n = plan.changes.len();
    out.say(format!(
        "hivegen: Phase {letter} would change {n} file{}; run `hivegen phase {}` to write {}",
        if n == 1 { "" } else { "s" },
        spec.id,
        if n == 1 { "it" } else { "them" }
    ));
    if !plan.overwritten.is_empty() && !force {
        let k = plan.overwritten.len();
        out.say(format!(
            "hivegen: {k} fill{} edited by hand: `hivegen phase {}` refuses to overwrite {}; move the edit out of the anchor, or add --force",
            if k == 1 { " was" } else { "s were" },
            spec.id,
            if k == 1 { "it" } else { "them" }
        ));
    }
    Exit::Failure
}

/// Every file and anchor the phase considered, with what it decided: for `-v`.
fn decisions(spec: &PhaseSpec, plan: &Plan) -> Vec<(String, String, String)> {
    let reason_of = |path: &str, anchor: &str| {
        plan.changes
            .iter()
            .filter(|c| c.path == path)
            .flat_map(|c| &c.fills)
            .find(|f| f.anchor == anchor)
            .map(|f| f.reason)
    };
    let refused = |path: &str, anchor: &str| {
        plan.refusals.iter().any(|d| {
            d.file.as_deref() == Some(path) && (anchor.is_empty() || d.message.contains(anchor))
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
