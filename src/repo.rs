//! Reading a repository. The planner sees the tree only through [`Repo`]; [`DiskRepo`] is the
//! real one. Every read is capped at [`MAX_FILE_BYTES`] and never follows a link out of the
//! repository.

use std::io;
use std::path::{Path, PathBuf};

/// The largest file hivegen reads: far beyond any source file, small enough to hold in memory.
pub(crate) const MAX_FILE_BYTES: usize = 16 << 20;

/// Read access to a repository, by `/`-separated relative paths.
pub(crate) trait Repo {
    /// The bytes of a file, `None` if it does not exist.
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>>;
    /// The names of the entries of a folder (empty if it does not exist).
    fn list(&self, rel: &str) -> io::Result<Vec<String>>;
    /// How the repository is named in messages.
    fn name(&self) -> String;
}

/// A repository on disk.
#[derive(Debug, Clone)]
pub(crate) struct DiskRepo {
    /// Its root folder.
    pub(crate) root: PathBuf,
}

impl DiskRepo {
    /// A repository rooted at `root`.
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The absolute path of a relative one.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Repo for DiskRepo {
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        let path = self.path(rel);
        refuse_escape(&self.root, &path)?;
        read_capped(&path)
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
pub(crate) fn refuse_escape(root: &Path, path: &Path) -> io::Result<()> {
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

/// The bytes of `path`, `None` if it does not exist or is a folder (a folder where a file
/// belongs holds no file: `docs/BUILD_PHASE_D_COMPLETE/` is no marker); a file larger than
/// [`MAX_FILE_BYTES`] is an error (`InvalidData`) rather than a read of gigabytes.
pub(crate) fn read_capped(path: &Path) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    let limit = MAX_FILE_BYTES as u64;
    // A folder opens; reading it is what fails (no `stat` for every file read).
    match file.take(limit + 1).read_to_end(&mut bytes) {
        Err(e) if e.kind() == io::ErrorKind::IsADirectory => return Ok(None),
        result => result?,
    };
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {} MiB", MAX_FILE_BYTES >> 20),
        ));
    }
    Ok(Some(bytes))
}
