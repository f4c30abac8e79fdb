//! Planning a scaffold phase (Phase C): every file it creates, rendered whole, into a folder
//! that must be empty (an empty git repository, or one holding only `.hivegen/`, is).

use serde_json::json;
use tera::Context;

use super::{io_error, read, Change, FillChange, Plan, Reason};
use crate::diag::Diagnostic;
use crate::render::Renderer;
use crate::repo::Repo;
use crate::spec::PhaseSpec;

pub(super) fn plan_scaffold(
    spec: &PhaseSpec,
    renderer: &Renderer,
    base: &Context,
    repo: &dyn Repo,
    plan: &mut Plan,
) -> Result<(), Diagnostic> {
    let olds = spec
        .creates
        .iter()
        .map(|c| read(repo, &c.path))
        .collect::<Result<Vec<_>, _>>()?;
    if read(repo, &spec.marker.path)?.is_some() && olds.iter().all(Option::is_some) {
        // The scaffold is laid; later phases may have filled its files since: nothing to do.
        return Ok(());
    }
    let entries: Vec<String> = repo
        .list("")
        .map_err(|e| io_error(repo, "", &e))?
        .into_iter()
        // An empty git repository is empty, and so is one holding only hivegen's overrides.
        .filter(|n| n != ".git" && n != ".hivegen")
        .collect();
    let mut changes = Vec::new();
    for (create, old) in spec.creates.iter().zip(olds) {
        let mut context = base.clone();
        context.insert("file", &json!({"path": create.path}));
        let new = renderer.render(&create.template(), &context)?.into_bytes();
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
    if !entries.is_empty() {
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
