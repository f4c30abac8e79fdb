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
/// With `staged`, the diff is the index's and no untracked file is listed.
fn list(root: &Path, base: &str, marker_folders: &[&str], staged: bool) -> Result<Listing> {
    let (diff, untracked, markers, ignore_files) = std::thread::scope(|scope| {
        // Untracked files without any exclude: the base's rules decide below. Folders
        // holding only untracked files come as one entry (`backend/.venv/`).
        let untracked = scope.spawn(|| {
            if staged {
                return Ok(Vec::new());
            }
            git(root, &["ls-files", "--others", "--directory", "-z"])
        });
        let markers = scope.spawn(|| git::markers_at(root, base, marker_folders));
        let ignore_files = scope.spawn(|| {
            git(
                root,
                &["ls-files", "-z", "--", ".gitignore", ":(glob)**/.gitignore"],
            )
        });
        let mut args = vec!["diff", "--raw", "-z", "-M", "--relative"];
        if staged {
            args.push("--cached");
        }
        // A revision that starts with `-` is never read as an option.
        args.extend(["--end-of-options", base, "--"]);
        let diff = git(root, &args);
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
    let listing = list(root, base, marker_folders, false)?;
    let mut files = git::raw_diff(&listing.diff, &mut |path| git::read_worktree(root, path))?;
    let (config, rules) = read_base(root, base, &mut files, &listing.ignore_files)?;
    let ignores = BaseIgnores::new(root, &rules);
    for path in untracked(root, &listing.untracked, &ignores)? {
        files.push(FileChange {
            new: git::read_worktree(root, &path)?,
            old: None,
            status: ChangeStatus::Added,
            path,
            modes: None,
            crlf_stored: false,
        });
    }
    git::pair_renames(&mut files);
    mark_stored_crlf(root, &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Changes {
        files,
        markers: listing.markers,
        config,
    })
}

/// The repository's configuration at base, and its `.gitignore` files there (path, bytes).
type BaseFiles = (Option<Vec<u8>>, Vec<(String, Vec<u8>)>);

/// Fills in the base version of each changed file, all read at once with the configuration
/// and the `.gitignore` files at base; returns those two.
fn read_base(
    root: &Path,
    base: &str,
    files: &mut [FileChange],
    index_ignore_files: &[u8],
) -> Result<BaseFiles> {
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
    let ignore_files = ignored::candidates(index_ignore_files, paths[..olds].iter().cloned());
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
    Ok((config, rules))
}

/// The empty tree's id: the base of a staged change in a repository with no commit yet.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// What the next commit holds: the index against HEAD (against nothing before the first
/// commit), its new bytes read from the index. Untracked and unstaged files are left out.
pub(super) fn staged(root: &Path, marker_folders: &[&str]) -> Result<Changes> {
    let base = if git(root, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).is_ok() {
        "HEAD"
    } else {
        EMPTY_TREE
    };
    let listing = list(root, base, marker_folders, true)?;
    // The new bytes of every staged path at once: `:path` is the index's version.
    let mut paths = Vec::new();
    git::raw_diff(&listing.diff, &mut |path| {
        paths.push(path.to_string());
        Ok(Some(Vec::new()))
    })?;
    let mut staged: std::collections::HashMap<String, Option<Vec<u8>>> = paths
        .iter()
        .cloned()
        .zip(show_all(root, "", &paths)?)
        .collect();
    let mut files = git::raw_diff(&listing.diff, &mut |path| Ok(staged.remove(path).flatten()))?;
    let (config, _) = read_base(root, base, &mut files, &listing.ignore_files)?;
    mark_stored_crlf(root, &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Changes {
        files,
        markers: listing.markers,
        config,
    })
}

/// Marks the files whose CRLF line endings git stores. A file that turned from LF to CRLF,
/// every line, is a checkout's conversion (`core.autocrlf`) unless the index holds the CRLF
/// (`git ls-files --eol`: `i/crlf`), as it does once the change is staged or committed.
fn mark_stored_crlf(root: &Path, files: &mut [FileChange]) -> Result<()> {
    let paths: Vec<&str> = files
        .iter()
        .filter(|c| c.crlf_checkout())
        .map(|c| c.path.as_str())
        .collect();
    if paths.is_empty() {
        return Ok(());
    }
    let mut args = vec!["ls-files", "--eol", "-z", "--"];
    args.extend(paths);
    let listed = git(root, &args)?;
    let stored: Vec<String> = listed
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let entry = String::from_utf8_lossy(entry);
            let (info, path) = entry.split_once('\t')?;
            info.starts_with("i/crlf").then(|| path.to_string())
        })
        .collect();
    for c in files.iter_mut().filter(|c| stored.contains(&c.path)) {
        c.crlf_stored = true;
    }
    Ok(())
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
