//! Applying a plan: all of it or nothing. Every new content is first written to a temporary
//! file beside its target (same folder, so the rename is atomic, permissions copied); only when
//! every one is staged, and no target changed since it was planned, are they renamed into place.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::diag::Diagnostic;
use crate::plan::Change;

fn io(path: &Path, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("io", format!("cannot {what} {}: {e}", path.display()))
        .help("nothing was written; fix the cause and run again")
}

/// Writes every change under `root`. On error nothing has been renamed into place, except when
/// a rename itself fails, which leaves each file wholly old or wholly new.
pub fn apply(root: &Path, changes: &[Change]) -> Result<(), Diagnostic> {
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let staged = stage(root, changes, &mut created_dirs);
    let staged = match staged {
        Ok(s) => s,
        Err(e) => {
            for dir in created_dirs.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
            return Err(e);
        }
    };
    for (temp, target) in staged {
        temp.persist(&target)
            .map_err(|e| io(&target, "replace", &e.error))?;
    }
    Ok(())
}

fn stage(
    root: &Path,
    changes: &[Change],
    created_dirs: &mut Vec<PathBuf>,
) -> Result<Vec<(NamedTempFile, PathBuf)>, Diagnostic> {
    let mut staged = Vec::with_capacity(changes.len());
    for change in changes {
        let target = root.join(&change.path);
        let dir = target.parent().unwrap_or(root).to_path_buf();
        create_dirs(&dir, created_dirs).map_err(|e| io(&dir, "create folder", &e))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".hivegen-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| io(&dir, "write in", &e))?;
        temp.write_all(&change.new)
            .map_err(|e| io(&target, "write", &e))?;
        temp.as_file()
            .sync_data()
            .map_err(|e| io(&target, "write", &e))?;
        if change.old.is_some() {
            let perms = fs::metadata(&target)
                .map_err(|e| io(&target, "read", &e))?
                .permissions();
            fs::set_permissions(temp.path(), perms)
                .map_err(|e| io(&target, "keep the permissions of", &e))?;
        }
        staged.push((temp, target));
    }
    // Someone may have written a target between plan and apply: refuse rather than lose it.
    for (change, (_, target)) in changes.iter().zip(&staged) {
        let now = match fs::read(target) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(target, "read", &e)),
        };
        if now != change.old {
            return Err(Diagnostic::error(
                "io",
                format!("{} changed while hivegen was planning", change.path),
            )
            .file(change.path.clone())
            .help("nothing was written; run again"));
        }
    }
    Ok(staged)
}

fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    fs::create_dir(dir)?;
    created.push(dir.to_path_buf());
    Ok(())
}
