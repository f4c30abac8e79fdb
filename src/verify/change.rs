//! Reading a change: the files that differ between a base revision and the working tree
//! (committed or not, untracked included, what the base's `.gitignore` files ignore left
//! out), each with its bytes before and after, the phase markers at base and the
//! repository's own configuration there. Only changed files are read.

use std::path::Path;

use super::git::{self, git, show_all, CONFIG};
use super::ignored::{self, BaseIgnores};
use crate::error::{Error, Result};
use crate::rules::{ChangeStatus, FileChange};

/// The change from a base revision to the working tree.
pub(super) struct Changes {
    /// Every changed file.
    pub(super) files: Vec<FileChange>,
    /// The files in the marker folders at base (where phase markers live).
    pub(super) markers: Vec<String>,
    /// The repository's own configuration at base, if it has one.
    pub(super) config: Option<Vec<u8>>,
}

/// What the git commands of one change said.
struct Listing {
    diff: Vec<u8>,
    untracked: Vec<u8>,
    markers: Vec<String>,
    ignore_files: Vec<u8>,
}

/// Runs the four listing commands side by side: two of them stat the whole working tree.
fn list(root: &Path, base: &str, marker_folders: &[&str]) -> Result<Listing> {
    let (diff, untracked, markers, ignore_files) = std::thread::scope(|scope| {
        // Untracked files without any exclude: the base's rules decide below. Folders
        // holding only untracked files come as one entry (`backend/.venv/`).
        let untracked = scope.spawn(|| git(root, &["ls-files", "--others", "--directory", "-z"]));
        let markers = scope.spawn(|| git::markers_at(root, base, marker_folders));
        let ignore_files = scope.spawn(|| {
            git(
                root,
                &["ls-files", "-z", "--", ".gitignore", ":(glob)**/.gitignore"],
            )
        });
        let diff = git(
            root,
            &[
                "diff",
                "--name-status",
                "-z",
                "-M",
                "--relative",
                // A revision that starts with `-` is never read as an option.
                "--end-of-options",
                base,
                "--",
            ],
        );
        (
            diff,
            untracked.join().expect("git ls-files thread"),
            markers.join().expect("git ls-tree thread"),
            ignore_files.join().expect("git ls-files thread"),
        )
    });
    // Only when git refused: say why in words (not a repository, not a commit).
    let diff = diff.map_err(|e| git::explain_base(root, base, e))?;
    Ok(Listing {
        diff,
        untracked: untracked?,
        markers: markers?,
        ignore_files: ignore_files?,
    })
}

/// Every file that differs between `base` and the working tree under `root`.
pub(super) fn changes(root: &Path, base: &str, marker_folders: &[&str]) -> Result<Changes> {
    let listing = list(root, base, marker_folders)?;
    let mut files = git::name_status(root, &listing.diff)?;
    // Read every old version at once, the configuration and the ignore files with them.
    let mut paths: Vec<String> = files
        .iter()
        .filter(|c| c.old.is_some())
        .map(|c| match &c.status {
            ChangeStatus::Renamed { from } => from.clone(),
            _ => c.path.clone(),
        })
        .collect();
    let olds = paths.len();
    paths.push(CONFIG.to_string());
    let ignore_files = ignored::candidates(&listing.ignore_files, paths[..olds].iter().cloned());
    paths.extend(ignore_files.iter().cloned());
    let mut bytes = show_all(root, base, &paths)?;
    let rules: Vec<(String, Vec<u8>)> = ignore_files
        .into_iter()
        .zip(bytes.split_off(olds + 1))
        .filter_map(|(p, b)| b.map(|b| (p, b)))
        .collect();
    let config = bytes.pop().flatten();
    for ((change, old), path) in files
        .iter_mut()
        .filter(|c| c.old.is_some())
        .zip(bytes)
        .zip(&paths)
    {
        let old =
            old.ok_or_else(|| Error::git(&format!("cannot read {path} at {base}"), "missing"))?;
        change.old = Some(old);
    }
    let ignores = BaseIgnores::new(root, &rules);
    for path in untracked(root, &listing.untracked, &ignores)? {
        files.push(FileChange {
            new: git::read_worktree(root, &path)?,
            old: None,
            status: ChangeStatus::Added,
            path,
        });
    }
    git::pair_renames(&mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Changes {
        files,
        markers: listing.markers,
        config,
    })
}

/// The untracked files that the base's rules do not ignore: each listed file, and the files
/// of each listed folder that is not ignored as a whole.
fn untracked(root: &Path, listed: &[u8], ignores: &BaseIgnores) -> Result<Vec<String>> {
    let entries = listed
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for entry in entries {
        let is_dir = entry.ends_with('/');
        if ignores.ignores(root, &entry, is_dir) {
            continue;
        }
        if is_dir {
            folders.push(entry);
        } else {
            files.push(entry);
        }
    }
    if !folders.is_empty() {
        let mut args = vec!["ls-files", "--others", "-z", "--"];
        args.extend(folders.iter().map(String::as_str));
        let inside = git(root, &args)?;
        for p in inside.split(|b| *b == 0).filter(|p| !p.is_empty()) {
            let p = String::from_utf8_lossy(p).into_owned();
            if !ignores.ignores(root, &p, false) {
                files.push(p);
            }
        }
    }
    Ok(files)
}
