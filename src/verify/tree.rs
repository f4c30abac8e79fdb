//! The tree part of `verify`: the files the completed phases fill, read from the disk, and
//! (without a base) every file of the repository that holds an anchor, walked like `hivegen
//! anchors`. The rules engine judges what is read here.

use std::path::Path;
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::registry::{Phase, Registry};
use crate::repo::{DiskRepo, Repo};
use crate::rules::{self, Finding};
use crate::walk::{self, Event};

/// The phases whose marker file exists in the working tree, in dependency order.
pub(super) fn complete_phases<'r>(
    registry: &'r Registry,
    repo: &DiskRepo,
) -> Result<Vec<&'r Phase>> {
    let mut out = Vec::new();
    for p in registry.phases() {
        if read(repo, &p.spec.marker.path)?.is_some() {
            out.push(p);
        }
    }
    Ok(out)
}

fn read(repo: &DiskRepo, rel: &str) -> Result<Option<Vec<u8>>> {
    repo.read(rel)
        .map_err(|e| Error::io("read", repo.path(rel), e))
}

/// The tree checks of every completed phase: phase order, and each file it fills. With `code`
/// false the code rules are left out (`verify --base` judges the change's code instead).
pub(super) fn judge_complete(
    registry: &Registry,
    complete: &[&Phase],
    repo: &DiskRepo,
    code: bool,
) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    for phase in complete {
        if let Some(bytes) = read(repo, &phase.spec.marker.path)? {
            out.extend(rules::marker_content(&phase.spec, &phase.rules, &bytes));
        }
        for req in &phase.spec.requires {
            let required = registry.get(req)?;
            if !complete.iter().any(|c| c.spec.id == required.spec.id) {
                out.extend(rules::phase_order(
                    &phase.rules,
                    &phase.spec,
                    &required.spec,
                ));
            }
        }
        for file in phase.spec.fill_files() {
            if let Ok(target) = std::fs::read_link(repo.path(file)) {
                let target = target.display().to_string();
                out.extend(rules::linked_fill_file(
                    &phase.spec,
                    &phase.rules,
                    file,
                    &target,
                ));
                continue;
            }
            let bytes = read(repo, file)?;
            out.extend(rules::judge_fill_file(
                &phase.spec,
                &phase.rules,
                file,
                bytes.as_deref(),
                code,
            ));
        }
    }
    Ok(out)
}

/// For each phase that judged the change and is not complete in the working tree: when all
/// its fills are in place, its marker must be there too.
pub(super) fn unmarked_phases(
    registry: &Registry,
    judged: &[String],
    complete: &[String],
    repo: &DiskRepo,
) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    for id in judged.iter().filter(|id| !complete.contains(id)) {
        let phase = registry.get(id)?;
        let mut failed = None;
        let mut read_fill = |file: &str| match read(repo, file) {
            Ok(bytes) => bytes,
            Err(e) => {
                failed = Some(e);
                None
            }
        };
        out.extend(rules::unmarked(&phase.spec, &phase.rules, &mut read_fill));
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(out)
}

/// Every file under `root` that holds an anchor, judged by `latest`'s rules.
pub(super) fn judge_all_anchors(root: &Path, latest: &Phase) -> Result<Vec<Finding>> {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    walk::scan(root, b"SECTION:", false, &|event| match event {
        Event::Hit { rel, bytes } => {
            let file = rel.to_string_lossy().replace('\\', "/");
            let mut out = rules::judge_anchored_file(&latest.rules, &file, bytes);
            if !out.is_empty() {
                found
                    .lock()
                    .expect("no panics while locked")
                    .append(&mut out);
            }
        }
        Event::Error { rel, error } => errors
            .lock()
            .expect("no panics while locked")
            .push((root.join(rel), error)),
        Event::Miss { .. } | Event::Binary { .. } => {}
    });
    let mut errors = errors.into_inner().expect("no panics while locked");
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some((path, error)) = errors.into_iter().next() {
        return Err(Error::io("read", path, std::io::Error::other(error)));
    }
    Ok(found.into_inner().expect("no panics while locked"))
}
