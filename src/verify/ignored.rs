//! Which untracked files a change holds: every untracked file but those the repository's own
//! `.gitignore` files *at the base revision* ignore. A `.gitignore` the change adds or edits
//! (one that ignores itself and a new package beside it), `.git/info/exclude` and a global
//! excludes file are the working tree's, not the repository's: they cannot hide a created
//! file from the gate.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// The ignore rules of the base revision, one matcher per `.gitignore`, deepest first.
pub(super) struct BaseIgnores {
    matchers: Vec<(String, Gitignore)>,
}

impl BaseIgnores {
    /// The rules of the `.gitignore` files at base: `(path, content)` pairs.
    pub(super) fn new(root: &Path, files: &[(String, Vec<u8>)]) -> Self {
        let mut matchers: Vec<(String, Gitignore)> = files
            .iter()
            .filter_map(|(path, content)| {
                let dir = path
                    .strip_suffix(".gitignore")?
                    .trim_end_matches('/')
                    .to_string();
                let mut builder = GitignoreBuilder::new(root.join(&dir));
                for line in String::from_utf8_lossy(content).lines() {
                    // A line git would not take is not a rule here either.
                    let _ = builder.add_line(None, line);
                }
                builder.build().ok().map(|g| (dir, g))
            })
            .collect();
        matchers.sort_by_key(|(dir, _)| {
            std::cmp::Reverse(dir.matches('/').count() + usize::from(!dir.is_empty()))
        });
        Self { matchers }
    }

    /// True when the base's rules ignore `path` (a folder when `is_dir`), or a folder above it.
    pub(super) fn ignores(&self, root: &Path, path: &str, is_dir: bool) -> bool {
        let full = root.join(path.trim_end_matches('/'));
        for (dir, g) in &self.matchers {
            let inside = dir.is_empty() || path.starts_with(&format!("{dir}/"));
            if !inside {
                continue;
            }
            match g.matched_path_or_any_parents(&full, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}

/// The `.gitignore` paths whose base version may hold rules: those in the index, and those
/// the change modified, deleted or renamed away (`changed`).
pub(super) fn candidates(index: &[u8], changed: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = index
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .chain(changed.filter(|p| p == ".gitignore" || p.ends_with("/.gitignore")))
        .collect();
    out.sort();
    out.dedup();
    out
}
