//! `hivegen guard`: the gate at the moment a code assistant edits a file. A hook payload (or
//! new content for a path) in; a verdict out, reached with the rules `verify --base HEAD`
//! would apply to the same change now: the phase in progress, the frozen work of completed
//! phases, the structure rules, the code rules on the changed lines.
//!
//! The guard never writes to the repository (but `--install`) and runs no git command that
//! changes anything; it takes the phase state and `.hivegen/` configuration from HEAD.

mod edit;
mod install;
mod payload;

use std::path::{Component, Path, PathBuf};

pub(crate) use install::install_claude;
pub(crate) use payload::{Event, Payload};

use crate::error::{Error, Result};
use crate::registry::Registry;
use crate::repo::DiskRepo;
use crate::rules::{ChangeStatus, FileChange, Finding};
use crate::verify;

/// What the guard decided.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Let it through.
    Allow,
    /// Stop it, for these reasons.
    Deny(Vec<Finding>),
}

/// The verdict on one hook payload.
pub(crate) fn judge_payload(registry: &Registry, payload: &Payload) -> Result<Verdict> {
    match &payload.event {
        Event::Stop { active: true } | Event::Other => Ok(Verdict::Allow),
        Event::Stop { active: false } => judge_stop(registry, &payload.cwd),
        Event::Edit { file, edit } => {
            let path = absolute(&payload.cwd, file);
            let Some((root, rel)) = repository_holding(registry, &payload.cwd, &path) else {
                return Ok(Verdict::Allow);
            };
            let old = read(&root, &rel)?;
            match edit::apply(old.as_deref(), edit) {
                Some(new) => judge_file(registry, &root, &rel, old, new),
                // The tool itself will refuse an edit that does not apply.
                None => Ok(Verdict::Allow),
            }
        }
    }
}

/// The verdict on new content for `path` (`--path`): the same judgement as an edit's.
pub(crate) fn judge_content(
    registry: &Registry,
    root: &Path,
    path: &Path,
    new: Vec<u8>,
) -> Result<Verdict> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
    let Some(rel) = relative(root, &absolute(&cwd, path)) else {
        return Err(Error::usage(
            format!(
                "{} is not in the repository {}",
                path.display(),
                root.display()
            ),
            "pass a file of the repository, or the repository with --repo DIR",
        ));
    };
    let old = read(root, &rel)?;
    judge_file(registry, root, &rel, old, new)
}

/// One file's change, judged as `verify --base HEAD` would judge it.
fn judge_file(
    registry: &Registry,
    root: &Path,
    rel: &str,
    old: Option<Vec<u8>>,
    new: Vec<u8>,
) -> Result<Verdict> {
    if !verify::is_hivesync(registry, root) || old.as_deref() == Some(new.as_slice()) {
        return Ok(Verdict::Allow);
    }
    let change = FileChange {
        path: rel.to_string(),
        status: if old.is_some() {
            ChangeStatus::Modified
        } else {
            ChangeStatus::Added
        },
        old,
        new: Some(new),
        modes: None,
        crlf_stored: false,
    };
    Ok(verdict(verify::judge_now(registry, root, change)?))
}

/// The assistant is done: the working tree's change since HEAD (tracked and untracked, not
/// ignored) must not cross a boundary.
fn judge_stop(registry: &Registry, cwd: &Path) -> Result<Verdict> {
    let root = repository_of(cwd);
    if !verify::is_hivesync(registry, &root) {
        return Ok(Verdict::Allow);
    }
    let committed = root.join(".git").exists();
    let change = if committed {
        crate::config::Change::Since("HEAD".into())
    } else {
        crate::config::Change::None
    };
    let report = match verify::verify(registry, &DiskRepo::new(root.clone()), &change) {
        // A repository with no commit yet has no HEAD to judge against: the tree alone.
        Err(Error::Git { .. }) if committed => {
            verify::verify(registry, &DiskRepo::new(root), &crate::config::Change::None)?
        }
        other => other?,
    };
    Ok(verdict(report.findings))
}

fn verdict(findings: Vec<Finding>) -> Verdict {
    if findings.is_empty() {
        Verdict::Allow
    } else {
        Verdict::Deny(findings)
    }
}

/// The repository holding `cwd`: the nearest folder above it with a `.git`, else `cwd`.
fn repository_of(cwd: &Path) -> PathBuf {
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&cwd)
        .to_path_buf()
}

/// The repository an edit of `path` changes, and the path in it: the one holding `cwd` when
/// it is HiveSync and the file is in it; else the nearest HiveSync repository above the file (an assistant started
/// in another folder, or in none, still edits that repository's file); `None` for a file in no
/// repository of either kind, or inside `.git`.
fn repository_holding(registry: &Registry, cwd: &Path, path: &Path) -> Option<(PathBuf, String)> {
    let root = repository_of(cwd);
    if let Some(rel) = relative(&root, path) {
        if verify::is_hivesync(registry, &root) {
            return Some((root, rel));
        }
    }
    let mut existing = path;
    while !existing.exists() {
        existing = existing.parent()?;
    }
    let existing = existing.canonicalize().ok()?;
    let root = existing
        .ancestors()
        .find(|d| d.join(".git").exists() && verify::is_hivesync(registry, d))?
        .to_path_buf();
    let rel = relative(&root, path)?;
    Some((root, rel))
}

/// `file` made absolute and normalized the way the editing tools do it (Node's
/// `path.resolve`): `.` dropped and `..` taken lexically, before any link is followed, so
/// `backend/new/../x.py` is judged as the `backend/x.py` the tool writes.
fn absolute(cwd: &Path, file: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(file).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `root`, with `/`, when it is inside it (through links too); `None`
/// for a path outside the repository or inside `.git`.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // The file may not exist yet: resolve its nearest existing folder.
    let mut existing = path;
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
    let mut full = existing.canonicalize().ok()?;
    for part in rest.iter().rev() {
        full.push(part);
    }
    let rel = full.strip_prefix(&root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!parts.is_empty() && parts[0] != ".git").then(|| parts.join("/"))
}

fn read(root: &Path, rel: &str) -> Result<Option<Vec<u8>>> {
    let path = root.join(rel);
    if path.is_dir() {
        return Ok(None);
    }
    crate::repo::read_capped(&path).map_err(|e| Error::io("read", &path, e))
}
