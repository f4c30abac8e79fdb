//! The base of a change judged *now* (an assistant's edit, before it is written): the phase
//! markers and the repository's own configuration at HEAD, never in the working tree the
//! assistant is editing. Without a commit to read, the markers on disk say which phases are
//! complete, and there is no configuration.

use std::path::Path;

use super::config::RepoConfig;
use super::git::{self, CONFIG};
use super::judge::Base;
use crate::error::Result;
use crate::registry::Registry;

/// The base of a change to the working tree of `root`, as `verify --base HEAD` reads it.
pub(crate) fn base_now(registry: &Registry, root: &Path) -> Result<Base> {
    let folders = registry.marker_folders();
    if root.join(".git").exists() {
        // The three git commands run side by side; HEAD missing (no commit yet) makes the
        // first fail, and then the disk says which phases are complete.
        let (head, markers, config) = std::thread::scope(|scope| {
            let config = scope.spawn(|| git::show_all(root, "HEAD", &[CONFIG.to_string()]));
            let markers = scope.spawn(|| git::markers_at(root, "HEAD", &folders));
            let head = git::git(root, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
            (
                head,
                markers.join().expect("git ls-tree thread"),
                config.join().expect("git cat-file thread"),
            )
        });
        if head.is_ok() {
            let config = config?.pop().flatten();
            return Ok(Base {
                markers: markers?,
                config: RepoConfig::parse(config.as_deref(), &format!("HEAD:{CONFIG}"))?,
            });
        }
    }
    let mut markers = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for e in entries.filter_map(std::result::Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            markers.push(if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            });
        }
    }
    Ok(Base {
        markers,
        config: RepoConfig::default(),
    })
}
