//! The `git` command, for reading a change: its output, the bytes of files at a revision
//! (one `cat-file --batch` for all of them), the files of a folder at a revision, the
//! working tree's bytes as git stores them, and `diff --raw` parsed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::repo::MAX_FILE_BYTES;
use crate::rules::{ChangeStatus, FileChange};

/// Every git command reads the objects as committed: a local `git replace` ref (which no CI
/// clone has) must not swap the base revision, or any object of it, for another (attacker
/// corpus blind17 A207).
const NO_REPLACE: (&str, &str) = ("GIT_NO_REPLACE_OBJECTS", "1");

/// Runs `git -C root args…` and returns its stdout; a failure is an error (exit 2).
pub(super) fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output = Command::new("git")
        .env(NO_REPLACE.0, NO_REPLACE.1)
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| {
            Error::git("cannot run git", &e.to_string())
                .with_help("install git: `verify --base` reads the base revision with it")
        })?;
    if !output.status.success() {
        return Err(Error::git(
            &format!("`git {}` failed", args.join(" ")),
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    Ok(output.stdout)
}

/// Says why `base` cannot be read: not a repository, or not a commit. Called only once git
/// has refused, so that the usual run costs no extra process.
pub(super) fn explain_base(root: &Path, base: &str, refusal: Error) -> Error {
    let spec = format!("{base}^{{commit}}");
    if git(root, &["rev-parse", "--verify", "--quiet", &spec]).is_ok() {
        return refusal;
    }
    if let Err(e) = git(root, &["rev-parse", "--is-inside-work-tree"]) {
        return e.with_help(format!(
            "`verify --base` needs a git repository; {} is not one",
            root.display()
        ));
    }
    Error::Git {
        message: format!("`{base}` is not a commit of this repository"),
        help: Some("pass a branch, a tag or a commit, e.g. `--base origin/main` (fetch it first in a shallow CI clone)".into()),
    }
}

/// The paths of the files in `folders` at `base` (where phase markers live).
pub(super) fn markers_at(root: &Path, base: &str, folders: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for folder in folders {
        let spec = format!("{base}:./{folder}");
        // No such folder at base: no phase was complete then.
        let Ok(names) = git(root, &["ls-tree", "--name-only", "-z", &spec]) else {
            continue;
        };
        for name in names.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let name = String::from_utf8_lossy(name);
            out.push(if folder.is_empty() {
                name.into_owned()
            } else {
                format!("{folder}/{name}")
            });
        }
    }
    Ok(out)
}

/// The repository's own configuration file, read from a base revision (never from the change).
pub(crate) const CONFIG: &str = ".hivegen/config.yaml";

/// The bytes of each of `paths` (relative to `root`) at revision `base` (`None` where there
/// is no such file), read by one `git cat-file --batch` process whatever their number.
pub(crate) fn show_all(root: &Path, base: &str, paths: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .env(NO_REPLACE.0, NO_REPLACE.1)
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::git("cannot run git", &e.to_string()))?;
    let request: String = paths.iter().map(|p| format!("{base}:./{p}\n")).collect();
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| Error::git("cannot run git", &e.to_string()))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(Error::git(
            "`git cat-file --batch` failed",
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    let ended = || Error::git("cannot read `git cat-file` output", "it ended early");
    let mut out = Vec::with_capacity(paths.len());
    let mut rest: &[u8] = &output.stdout;
    for p in paths {
        let nl = rest.iter().position(|b| *b == b'\n').ok_or_else(ended)?;
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        if header.ends_with(" missing") {
            out.push(None);
            continue;
        }
        let size: usize = match header.rsplit(' ').next().and_then(|s| s.parse().ok()) {
            Some(size) => size,
            _ => return Err(Error::git(&format!("cannot read {p} at {base}"), &header)),
        };
        if rest.len() < size + 1 {
            return Err(ended());
        }
        out.push(Some(rest[..size].to_vec()));
        rest = &rest[size + 1..];
    }
    Ok(out)
}

/// The bytes of `path` in the working tree as git would store them: a link is its target.
pub(super) fn read_worktree(root: &Path, path: &str) -> Result<Option<Vec<u8>>> {
    let full = root.join(path);
    let meta = match std::fs::symlink_metadata(&full) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", &full, e)),
    };
    if meta.is_dir() {
        // A submodule or a folder replacing a file: no text to judge.
        return Ok(None);
    }
    if meta.file_type().is_symlink() {
        // What git stores for a link is its target, not what it points to (which may be
        // /dev/zero, or a file outside the repository).
        let target = std::fs::read_link(&full).map_err(|e| Error::io("read", &full, e))?;
        return Ok(Some(target.to_string_lossy().into_owned().into_bytes()));
    }
    match crate::repo::read_capped(&full) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(Error::Unusable {
            file: path.to_string(),
            what: format!("{path} is larger than {} MiB", MAX_FILE_BYTES >> 20),
            help: "a HiveSync source file is never this large; remove it from the change or ignore it in .gitignore".into(),
        }),
        Err(e) => Err(Error::io("read", &full, e)),
    }
}

/// The changes `git diff --raw -z` lists, with their new bytes from `new_of` (the working
/// tree, or the index); `old` is `Some(empty)` where the base version is still to be read.
/// Each entry is `:oldmode newmode oldsha newsha status`, then its path (two for a rename or
/// a copy).
pub(super) fn raw_diff(
    diff: &[u8],
    new_of: &mut dyn FnMut(&str) -> Result<Option<Vec<u8>>>,
) -> Result<Vec<FileChange>> {
    let mut fields = diff
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut out = Vec::new();
    while let Some(header) = fields.next() {
        if header.is_empty() {
            continue;
        }
        let bad = || Error::git("cannot read `git diff --raw` output", &header);
        let words: Vec<&str> = header.trim_start_matches(':').split(' ').collect();
        let [old_mode, new_mode, _, _, status] = words[..] else {
            return Err(bad());
        };
        let mut next = || {
            fields
                .next()
                .ok_or_else(|| Error::git("cannot read `git diff` output", "a path is missing"))
        };
        let (path, status, old) = match status.chars().next().unwrap_or('M') {
            'A' => (next()?, ChangeStatus::Added, None),
            'D' => (next()?, ChangeStatus::Deleted, Some(Vec::new())),
            'R' => {
                let from = next()?;
                (next()?, ChangeStatus::Renamed { from }, Some(Vec::new()))
            }
            'C' => {
                let _from = next()?;
                (next()?, ChangeStatus::Added, None)
            }
            _ => (next()?, ChangeStatus::Modified, Some(Vec::new())),
        };
        let new = if status == ChangeStatus::Deleted {
            None
        } else {
            new_of(&path)?
        };
        // Added and deleted files have a zero mode on one side; a created file is judged as one.
        let modes = (old.is_some()
            && new.is_some()
            && old_mode != new_mode
            && !is_zero(old_mode)
            && !is_zero(new_mode))
        .then(|| (old_mode.to_string(), new_mode.to_string()));
        out.push(FileChange {
            path,
            status,
            old,
            new,
            modes,
            crlf_stored: false,
        });
    }
    Ok(out)
}

fn is_zero(mode: &str) -> bool {
    mode.bytes().all(|b| b == b'0')
}

/// `git diff` sees an uncommitted rename as a deletion plus an untracked file: pair them again
/// when the contents are at least half alike (git's own `-M` threshold).
pub(super) fn pair_renames(changes: &mut Vec<FileChange>) {
    let deleted: Vec<usize> = (0..changes.len())
        .filter(|&i| changes[i].status == ChangeStatus::Deleted)
        .collect();
    let mut used = Vec::new();
    for i in 0..changes.len() {
        if changes[i].status != ChangeStatus::Added {
            continue;
        }
        let Some(new) = changes[i].new.clone() else {
            continue;
        };
        let best = deleted
            .iter()
            .filter(|d| !used.contains(*d))
            .map(|&d| {
                (
                    d,
                    similarity(changes[d].old.as_deref().unwrap_or_default(), &new),
                )
            })
            .filter(|(_, score)| *score >= 0.5)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((d, _)) = best {
            used.push(d);
            let from = changes[d].path.clone();
            changes[i].old = changes[d].old.clone();
            changes[i].status = ChangeStatus::Renamed { from };
        }
    }
    used.sort_unstable();
    for d in used.into_iter().rev() {
        changes.remove(d);
    }
}

fn similarity(old: &[u8], new: &[u8]) -> f32 {
    if old == new {
        return 1.0;
    }
    match (std::str::from_utf8(old), std::str::from_utf8(new)) {
        // Anchor bodies are left out: a renamed scaffold file may also have been filled.
        (Ok(a), Ok(b)) => similar::TextDiff::from_lines(&skeleton(a), &skeleton(b)).ratio(),
        _ => 0.0,
    }
}

/// `text` without its anchor bodies (all of it when its anchors are malformed).
fn skeleton(text: &str) -> String {
    let Ok(anchors) = crate::anchor::parse(text) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for a in &anchors {
        let body = a.body();
        out.push_str(&text[at..body.start]);
        at = body.end;
    }
    out.push_str(&text[at..]);
    out
}
