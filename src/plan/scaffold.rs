//! Planning a scaffold phase (Phase C): every file it creates, rendered whole, into a folder
//! that holds no scaffold yet. The folder may already be a repository: `.git`, hivegen's own
//! `.hivegen/`, and the repository files the spec names (`repository_files`: a README, a
//! LICENSE, a `.gitignore`, `.github/`, ...) stay as they are, byte for byte.

use globset::{Glob, GlobSetBuilder};
use serde_json::json;
use tera::Context;

use super::{read, Change, FillChange, Inputs, Plan, Reason, Refusal};
use crate::error::{Error, Result};

pub(super) fn plan_scaffold(inputs: &Inputs<'_>, base: &Context, plan: &mut Plan) -> Result<()> {
    let spec = &inputs.phase.spec;
    let olds = spec
        .creates
        .iter()
        .map(|c| read(inputs.repo, &c.path))
        .collect::<Result<Vec<_>>>()?;
    if read(inputs.repo, &spec.marker.path)?.is_some() && olds.iter().all(Option::is_some) {
        // The scaffold is laid; later phases may have filled its files since: nothing to do.
        return Ok(());
    }
    let existing: Vec<&str> = spec
        .creates
        .iter()
        .zip(&olds)
        .filter(|(_, old)| old.is_some())
        .map(|(c, _)| c.path.as_str())
        .collect();
    plan.refusals
        .extend(existing.iter().map(|p| Refusal::Exists {
            path: p.to_string(),
        }));
    let foreign = foreign_entries(inputs)?;
    if !foreign.is_empty() {
        plan.refusals.push(Refusal::NotEmpty {
            phase: spec.letter(),
            repo: inputs.repo.name(),
            entries: foreign,
        });
    }
    for create in &spec.creates {
        let mut context = base.clone();
        context.insert("file", &json!({"path": create.path}));
        let new = inputs
            .renderer
            .render(&create.template(), &context)?
            .into_bytes();
        plan.changes.push(Change {
            path: create.path.clone(),
            old: None,
            new,
            fills: vec![FillChange {
                anchor: String::new(),
                reason: Reason::Create,
            }],
        });
    }
    Ok(())
}

/// The entries at the top of the repository that a scaffold may not lay itself beside:
/// anything but `.git`, `.hivegen/` and the spec's repository files, or a top folder the
/// scaffold itself lays (`backend/` already there).
fn foreign_entries(inputs: &Inputs<'_>) -> Result<Vec<String>> {
    let spec = &inputs.phase.spec;
    let mut globs = GlobSetBuilder::new();
    for pattern in &spec.repository_files {
        let glob = Glob::new(pattern).map_err(|e| {
            Error::spec(
                spec.origin.file.clone(),
                None,
                format!("bad repository file glob `{pattern}`: {e}"),
                "write a glob such as `README*` or `.github/**`",
            )
        })?;
        globs.add(glob);
    }
    let globs = globs.build().map_err(|e| {
        Error::spec(
            spec.origin.file.clone(),
            None,
            e.to_string(),
            "fix the globs",
        )
    })?;
    let folder_of = |pattern: &str, name: &str| {
        pattern
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    let entries = inputs
        .repo
        .list("")
        .map_err(|e| Error::io("list", inputs.repo.name(), e))?;
    Ok(entries
        .into_iter()
        .filter(|n| n != ".git" && n != ".hivegen")
        .filter(|n| !globs.is_match(n) && !spec.repository_files.iter().any(|p| folder_of(p, n)))
        .collect())
}
