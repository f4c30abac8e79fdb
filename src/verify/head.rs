//! One file's change judged *now*, before it is written (an assistant's edit): against the
//! phase markers, the repository's own configuration and its `.gitignore` files at HEAD,
//! never those of the working tree the assistant is editing. Without a commit to read, the
//! disk says which phases are complete and what is ignored, and there is no configuration.

use std::path::Path;

use super::config::RepoConfig;
use super::git::{self, CONFIG};
use super::ignored::BaseIgnores;
use super::judge::{self, Base};
use crate::error::Result;
use crate::registry::Registry;
use crate::rules::{self, FileChange, Finding};

/// What HEAD says about one path.
struct Head {
    base: Base,
    /// The `.gitignore` files above the path: (path, bytes).
    ignores: Vec<(String, Vec<u8>)>,
    /// HEAD has the path (it is tracked, so no `.gitignore` hides it).
    tracked: bool,
}

/// The findings `verify --base HEAD` would report for `change` (a path relative to `root`)
/// if it were made now: none for a file the base's `.gitignore` files ignore and HEAD does
/// not hold, as `verify` leaves such files out of a change.
pub(crate) fn judge_now(
    registry: &Registry,
    root: &Path,
    change: FileChange,
) -> Result<Vec<Finding>> {
    let head = read_head(registry, root, &change.path)?;
    if !head.tracked && BaseIgnores::new(root, &head.ignores).ignores(root, &change.path, false) {
        return Ok(Vec::new());
    }
    let judgement = judge::judge(registry, &head.base, &[change])?;
    Ok(rules::finish(judgement.findings))
}

/// The `.gitignore` files that can rule on `path`: one in each folder above it.
fn ignore_files(path: &str) -> Vec<String> {
    let mut out = vec![".gitignore".to_string()];
    let mut at = 0;
    while let Some(i) = path[at..].find('/') {
        at += i + 1;
        out.push(format!("{}.gitignore", &path[..at]));
    }
    out
}

fn read_head(registry: &Registry, root: &Path, path: &str) -> Result<Head> {
    let folders = registry.marker_folders();
    let ignores = ignore_files(path);
    if root.join(".git").exists() {
        // The git commands run side by side; HEAD missing (no commit yet) makes the first
        // fail, and then the disk says what there is.
        let mut wanted = vec![CONFIG.to_string(), path.to_string()];
        wanted.extend(ignores.iter().cloned());
        let (head, markers, files) = std::thread::scope(|scope| {
            let files = scope.spawn(|| git::show_all(root, "HEAD", &wanted));
            let markers = scope.spawn(|| git::markers_at(root, "HEAD", &folders));
            let head = git::git(root, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
            (
                head,
                markers.join().expect("git ls-tree thread"),
                files.join().expect("git cat-file thread"),
            )
        });
        if head.is_ok() {
            let mut files = files?.into_iter();
            let config = files.next().flatten();
            let tracked = files.next().flatten().is_some();
            return Ok(Head {
                base: Base {
                    markers: markers?,
                    config: RepoConfig::parse(config.as_deref(), &format!("HEAD:{CONFIG}"))?,
                },
                ignores: ignores
                    .into_iter()
                    .zip(files)
                    .filter_map(|(p, b)| Some((p, b?)))
                    .collect(),
                tracked,
            });
        }
    }
    let markers = folders
        .iter()
        .flat_map(|folder| markers_on_disk(root, folder))
        .collect();
    Ok(Head {
        base: Base {
            markers,
            config: RepoConfig::default(),
        },
        ignores: ignores
            .into_iter()
            .filter_map(|p| Some((p.clone(), std::fs::read(root.join(&p)).ok()?)))
            .collect(),
        tracked: false,
    })
}

fn markers_on_disk(root: &Path, folder: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    entries
        .filter_map(std::result::Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_folder_above_a_path_may_ignore_it() {
        assert_eq!(super::ignore_files("a.py"), [".gitignore"]);
        assert_eq!(
            super::ignore_files("backend/app/x.py"),
            [".gitignore", "backend/.gitignore", "backend/app/.gitignore"]
        );
    }
}
