//! `hivegen phase ID`: plan, then apply, diff or check.

use crate::apply;
use crate::assets::Assets;
use crate::config::Mode;
use crate::diag::Diagnostic;
use crate::diff;
use crate::domain;
use crate::exit::Exit;
use crate::output::Out;
use crate::plan::{self, PlanOptions, Reason};
use crate::render::Renderer;
use crate::repo::DiskRepo;
use crate::spec::{yaml_error, Registry};

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
    let domain =
        domain::parse(domain_text).map_err(|e| yaml_error(&e, domain_text, domain_name))?;
    let renderer = Renderer::load(&assets.templates, &spec.id)?;
    if spec.scaffold && mode == Mode::Apply && !repo.root.exists() {
        std::fs::create_dir_all(&repo.root).map_err(|e| {
            Diagnostic::error("io", format!("cannot create {}: {e}", repo.root.display()))
        })?;
    } else if !repo.root.is_dir() {
        return Err(
            Diagnostic::error("usage", format!("{} is not a folder", repo.root.display()))
                .help("pass the repository with --repo DIR"),
        );
    }
    // Plan and write under one lock, so two runs on one repository cannot interleave.
    let _lock = if mode == Mode::Apply {
        Some(apply::lock(&repo.root)?)
    } else {
        None
    };
    let plan = plan::plan(
        registry,
        spec,
        &renderer,
        &domain,
        repo,
        PlanOptions { force },
    )?;
    let letter = spec.letter();
    for change in &plan.changes {
        for f in &change.fills {
            out.detail(format!(
                "{:<9} {} {}",
                f.reason.describe(),
                change.path,
                f.anchor
            ));
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
            Ok(Exit::Success)
        }
        Mode::Check => {
            let mut text = String::new();
            for change in &plan.changes {
                for f in &change.fills {
                    let anchor = if f.anchor.is_empty() {
                        "-"
                    } else {
                        f.anchor.as_str()
                    };
                    text.push_str(&format!(
                        "{}\t{}\t{}\n",
                        change.path,
                        anchor,
                        f.reason.describe()
                    ));
                }
            }
            out.data(text);
            if plan.is_noop() {
                out.say(format!("hivegen: Phase {letter} is up to date"));
                Ok(Exit::Success)
            } else {
                out.say(format!(
                    "hivegen: Phase {letter} would change {} file{}",
                    plan.changes.len(),
                    if plan.changes.len() == 1 { "" } else { "s" }
                ));
                Ok(Exit::Failure)
            }
        }
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
