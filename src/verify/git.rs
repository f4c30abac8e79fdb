//! Reading a change through the `git` command: the files that differ between a base revision
//! and the working tree (committed or not, untracked included, ignored files left out), each
//! with its bytes before and after. Only changed files are read.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

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
            git_error("cannot run git", &e.to_string())
                .help("install git: `verify --base` reads the base revision with it")
        })?;
    if !output.status.success() {
        return Err(git_error(
            &format!("`git {}` failed", args.join(" ")),
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    Ok(output.stdout)
}

/// Checks that `base` names a commit of the repository at `root`. One `git` call when it
/// does; a second one only to say why when it does not.
fn check_base(root: &Path, base: &str) -> Result<(), Diagnostic> {
    let spec = format!("{base}^{{commit}}");
    if git(root, &["rev-parse", "--verify", "--quiet", &spec]).is_ok() {
        return Ok(());
    }
    git(root, &["rev-parse", "--is-inside-work-tree"]).map_err(|d| {
        d.help(format!(
            "`verify --base` needs a git repository; {} is not one",
            root.display()
        ))
    })?;
    Err(
        Diagnostic::error("git", format!("`{base}` is not a commit of this repository"))
            .help("pass a branch, a tag or a commit, e.g. `--base origin/main` (fetch it first in a shallow CI clone)"),
    )
}

/// The names of the files in `docs/` at `base` (where phase markers live).
fn docs_at(root: &Path, base: &str) -> Result<Vec<String>, Diagnostic> {
    let spec = format!("{base}:./docs");
    let out = match git(root, &["ls-tree", "--name-only", "-z", &spec]) {
        Ok(out) => out,
        // No docs/ folder at base: no phase was complete then.
        Err(_) => return Ok(Vec::new()),
    };
    Ok(out
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect())
}

/// The bytes of each of `paths` (relative to `root`) at revision `base`, read by one
/// `git cat-file --batch` process whatever their number.
fn show_all(root: &Path, base: &str, paths: &[String]) -> Result<Vec<Vec<u8>>, Diagnostic> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| git_error("cannot run git", &e.to_string()))?;
    let mut request = String::new();
    for p in paths {
        request.push_str(&format!("{base}:./{p}\n"));
    }
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| git_error("cannot run git", &e.to_string()))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(git_error(
            "`git cat-file --batch` failed",
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    let mut out = Vec::with_capacity(paths.len());
    let mut rest: &[u8] = &output.stdout;
    for p in paths {
        let nl = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| git_error("cannot read `git cat-file` output", "it ended early"))?;
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        let size: usize = match header.rsplit(' ').next().and_then(|s| s.parse().ok()) {
            Some(size) if !header.ends_with("missing") => size,
            _ => return Err(git_error(&format!("cannot read {p} at {base}"), &header)),
        };
        if rest.len() < size + 1 {
            return Err(git_error(
                "cannot read `git cat-file` output",
                "it ended early",
            ));
        }
        out.push(rest[..size].to_vec());
        rest = &rest[size + 1..];
    }
    Ok(out)
}

fn read_worktree(root: &Path, path: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
    use std::io::Read;
    let full = root.join(path);
    let meta = match std::fs::symlink_metadata(&full) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(
                Diagnostic::error("io", format!("cannot read {}: {e}", full.display())).file(path),
            )
        }
    };
    if meta.is_dir() {
        // A submodule or a folder replacing a file: no text to judge.
        return Ok(None);
    }
    if meta.file_type().is_symlink() {
        // What git stores for a link is its target, not what it points to (which may be
        // /dev/zero, or a file outside the repository).
        let target = std::fs::read_link(&full).map_err(|e| {
            Diagnostic::error("io", format!("cannot read {}: {e}", full.display())).file(path)
        })?;
        return Ok(Some(target.to_string_lossy().into_owned().into_bytes()));
    }
    let file = std::fs::File::open(&full).map_err(|e| {
        Diagnostic::error("io", format!("cannot read {}: {e}", full.display())).file(path)
    })?;
    let mut bytes = Vec::new();
    let limit = crate::plan::MAX_FILE_BYTES as u64;
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| {
        Diagnostic::error("io", format!("cannot read {}: {e}", full.display())).file(path)
    })?;
    if bytes.len() as u64 > limit {
        return Err(Diagnostic::error(
            "io",
            format!("{path} is larger than {} MiB", limit >> 20),
        )
        .file(path)
        .help("a HiveSync source file is never this large; remove it from the change or ignore it in .gitignore"));
    }
    Ok(Some(bytes))
}

/// Every file that differs between `base` and the working tree under `root`.
pub(crate) fn changes(root: &Path, base: &str) -> Result<Changes, Diagnostic> {
    // The three commands run side by side: two of them stat the whole working tree.
    let (diff, untracked, docs) = std::thread::scope(|scope| {
        let untracked =
            scope.spawn(|| git(root, &["ls-files", "--others", "--exclude-standard", "-z"]));
        let docs = scope.spawn(|| docs_at(root, base));
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
            docs.join().expect("git ls-tree thread"),
        )
    });
    // Only when git refused: say why in words (not a repository, not a commit).
    let diff = match diff {
        Ok(diff) => diff,
        Err(e) => {
            check_base(root, base)?;
            return Err(e);
        }
    };
    let (untracked, docs) = (untracked?, docs?);
    let mut fields = diff
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
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
                    old: Some(Vec::new()),
                    new: None,
                    status: ChangeStatus::Deleted,
                    path,
                }
            }
            'R' => {
                let from = next()?;
                let path = next()?;
                FileChange {
                    old: Some(Vec::new()),
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
                    old: Some(Vec::new()),
                    new: read_worktree(root, &path)?,
                    status: ChangeStatus::Modified,
                    path,
                }
            }
        };
        out.push(change);
    }
    // Read every old version at once.
    let old_paths: Vec<String> = out
        .iter()
        .filter(|c| c.old.is_some())
        .map(|c| match &c.status {
            ChangeStatus::Renamed { from } => from.clone(),
            _ => c.path.clone(),
        })
        .collect();
    let olds = show_all(root, base, &old_paths)?;
    for (change, old) in out.iter_mut().filter(|c| c.old.is_some()).zip(olds) {
        change.old = Some(old);
    }
    for path in untracked.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        out.push(FileChange {
            new: read_worktree(root, &path)?,
            old: None,
            status: ChangeStatus::Added,
            path,
        });
    }
    pair_renames(&mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Changes { files: out, docs })
}

/// The change from a base revision to the working tree.
pub(crate) struct Changes {
    /// Every changed file.
    pub(crate) files: Vec<FileChange>,
    /// The names of the files in `docs/` at base (where phase markers live).
    pub(crate) docs: Vec<String>,
}

/// `git diff` sees an uncommitted rename as a deletion plus an untracked file: pair them again
/// when the contents are at least half alike (git's own `-M` threshold).
fn pair_renames(changes: &mut Vec<FileChange>) {
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
