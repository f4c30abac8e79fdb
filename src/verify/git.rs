//! Reading a change through the `git` command: the files that differ between a base revision
//! and the working tree (committed or not, untracked included, ignored files left out), each
//! with its bytes before and after. Only changed files are read.

use std::path::Path;
use std::process::Command;

use crate::diag::Diagnostic;
use crate::rules::{ChangeStatus, FileChange};

fn git_error(what: &str, detail: &str) -> Diagnostic {
    Diagnostic::error("git", format!("{what}: {}", detail.trim()))
}

/// Runs `git -C root args…` and returns its stdout; a failure is an error (exit 2).
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, Diagnostic> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| {
            git_error("cannot run git", &e.to_string()).help("install git: `verify --base` reads the base revision with it")
        })?;
    if !output.status.success() {
        return Err(git_error(
            &format!("`git {}` failed", args.join(" ")),
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    Ok(output.stdout)
}

/// Checks that `base` names a commit of the repository at `root`.
pub(crate) fn check_base(root: &Path, base: &str) -> Result<(), Diagnostic> {
    git(root, &["rev-parse", "--is-inside-work-tree"]).map_err(|d| {
        d.help(format!("`verify --base` needs a git repository; {} is not one", root.display()))
    })?;
    let spec = format!("{base}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &spec]).map_err(|_| {
        Diagnostic::error("git", format!("`{base}` is not a commit of this repository"))
            .help("pass a branch, a tag or a commit, e.g. `--base origin/main` (fetch it first in a shallow CI clone)")
    })?;
    Ok(())
}

/// The bytes of `path` (relative to `root`) at revision `base`.
fn show(root: &Path, base: &str, path: &str) -> Result<Vec<u8>, Diagnostic> {
    git(root, &["show", &format!("{base}:./{path}")])
}

fn read_worktree(root: &Path, path: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
    let full = root.join(path);
    if full.is_dir() {
        // A submodule or a folder replacing a file: no text to judge.
        return Ok(None);
    }
    match std::fs::read(&full) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Diagnostic::error("io", format!("cannot read {}: {e}", full.display())).file(path)),
    }
}

/// Every file that differs between `base` and the working tree under `root`.
pub(crate) fn changes(root: &Path, base: &str) -> Result<Vec<FileChange>, Diagnostic> {
    let diff = git(root, &["diff", "--name-status", "-z", "-M", "--relative", base, "--"])?;
    let mut fields = diff.split(|b| *b == 0).map(|f| String::from_utf8_lossy(f).into_owned());
    let mut out = Vec::new();
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        let mut next = || {
            fields
                .next()
                .ok_or_else(|| git_error("cannot read `git diff` output", "a path is missing"))
        };
        let letter = status.chars().next().unwrap_or('M');
        let change = match letter {
            'A' => {
                let path = next()?;
                FileChange {
                    new: read_worktree(root, &path)?,
                    old: None,
                    status: ChangeStatus::Added,
                    path,
                }
            }
            'D' => {
                let path = next()?;
                FileChange {
                    old: Some(show(root, base, &path)?),
                    new: None,
                    status: ChangeStatus::Deleted,
                    path,
                }
            }
            'R' => {
                let from = next()?;
                let path = next()?;
                FileChange {
                    old: Some(show(root, base, &from)?),
                    new: read_worktree(root, &path)?,
                    status: ChangeStatus::Renamed { from },
                    path,
                }
            }
            'C' => {
                let _from = next()?;
                let path = next()?;
                FileChange {
                    old: None,
                    new: read_worktree(root, &path)?,
                    status: ChangeStatus::Added,
                    path,
                }
            }
            _ => {
                let path = next()?;
                FileChange {
                    old: Some(show(root, base, &path)?),
                    new: read_worktree(root, &path)?,
                    status: ChangeStatus::Modified,
                    path,
                }
            }
        };
        out.push(change);
    }
    let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
    for path in untracked.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        out.push(FileChange {
            new: read_worktree(root, &path)?,
            old: None,
            status: ChangeStatus::Added,
            path,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
