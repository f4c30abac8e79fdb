//! Reading a repository. The planner sees the tree only through [`Repo`], so it can be tested
//! on an in-memory tree; [`DiskRepo`] is the real one.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Read access to a repository, by `/`-separated relative paths.
pub trait Repo {
    /// The bytes of a file, `None` if it does not exist.
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>>;
    /// The names of the entries of a folder (empty if it does not exist).
    fn list(&self, rel: &str) -> io::Result<Vec<String>>;
    /// How the repository is named in messages.
    fn name(&self) -> String;
}

/// A repository on disk.
#[derive(Debug, Clone)]
pub struct DiskRepo {
    /// Its root folder.
    pub root: PathBuf,
}

impl DiskRepo {
    /// A repository rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The absolute path of a relative one.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Repo for DiskRepo {
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        let path = self.path(rel);
        refuse_escape(&self.root, &path)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list(&self, rel: &str) -> io::Result<Vec<String>> {
        let dir = if rel.is_empty() {
            self.root.clone()
        } else {
            self.path(rel)
        };
        match std::fs::read_dir(&dir) {
            Ok(rd) => {
                let mut names: Vec<String> = rd
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                Ok(names)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    fn name(&self) -> String {
        self.root.display().to_string()
    }
}

/// Refuses a path that, through a symbolic link, leads outside `root`: the path itself, or,
/// for a path that does not exist yet, its nearest existing folder (a symlinked parent would
/// carry a created file outside).
pub fn refuse_escape(root: &Path, path: &Path) -> io::Result<()> {
    let Ok(real_root) = root.canonicalize() else {
        return Ok(());
    };
    let mut probe = path;
    while probe.symlink_metadata().is_err() {
        match probe.parent() {
            Some(parent) if parent.starts_with(root) || parent == root => probe = parent,
            _ => return Ok(()),
        }
    }
    let real = probe.canonicalize()?;
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} leads outside the repository (to {})",
                probe.display(),
                real.display()
            ),
        ))
    }
}

/// A repository in memory, for tests.
#[derive(Debug, Clone, Default)]
pub struct MemRepo {
    /// Files by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemRepo {
    /// Adds a file.
    pub fn with(mut self, rel: &str, text: &str) -> Self {
        self.files.insert(rel.to_string(), text.as_bytes().to_vec());
        self
    }
}

impl Repo for MemRepo {
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(self.files.get(rel).cloned())
    }

    fn list(&self, rel: &str) -> io::Result<Vec<String>> {
        let prefix = if rel.is_empty() {
            String::new()
        } else {
            format!("{rel}/")
        };
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|r| r.split('/').next().unwrap_or(r).to_string())
            .collect();
        names.dedup();
        Ok(names)
    }

    fn name(&self) -> String {
        "<memory>".into()
    }
}
