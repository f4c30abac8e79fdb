//! Applying a plan: all of it or nothing. Every new content is first written to a temporary
//! file beside its target (same folder, so the rename is atomic; permissions copied); only when
//! every one is staged, and no target changed since it was planned, are they renamed into place.
//! A failure while staging leaves the tree untouched; a failure while renaming leaves each file
//! wholly old or wholly new (the marker is renamed last), and a rerun completes the phase.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::plan::Change;

/// Simulated failures, for tests of what a failing disk leaves behind: compiled into the
/// unit tests only, so the shipped binary cannot be made to fail on purpose.
#[derive(Debug, Clone, Copy, Default)]
struct Faults {
    /// Fail the Nth staged write (1-based) as a full disk would.
    #[cfg(test)]
    write: Option<usize>,
    /// Fail the Nth rename (1-based).
    #[cfg(test)]
    rename: Option<usize>,
}

impl Faults {
    fn write(&self, n: usize) -> bool {
        #[cfg(test)]
        return self.write == Some(n);
        #[cfg(not(test))]
        {
            let _ = n;
            false
        }
    }

    fn rename(&self, n: usize) -> bool {
        #[cfg(test)]
        return self.rename == Some(n);
        #[cfg(not(test))]
        {
            let _ = n;
            false
        }
    }
}

/// Writes every change under `root`. On an error nothing was written (the error says so),
/// unless it is [`Error::PartlyWritten`].
pub(crate) fn apply(root: &Path, changes: &[Change]) -> Result<()> {
    apply_with(root, changes, Faults::default())
}

fn apply_with(root: &Path, changes: &[Change], faults: Faults) -> Result<()> {
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let staged = match stage(root, changes, &mut created_dirs, faults) {
        Ok(s) => s,
        Err(e) => {
            for dir in created_dirs.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
            return Err(Error::NothingWritten {
                source: Box::new(e),
            });
        }
    };
    let total = staged.len();
    for (n, (temp, target)) in staged.into_iter().enumerate() {
        let result = if faults.rename(n + 1) {
            Err(io::Error::other("simulated rename failure"))
        } else {
            temp.persist(&target).map(|_| ()).map_err(|e| e.error)
        };
        if let Err(source) = result {
            return Err(Error::PartlyWritten {
                path: target,
                written: n,
                total,
                source,
            });
        }
    }
    Ok(())
}

fn stage(
    root: &Path,
    changes: &[Change],
    created_dirs: &mut Vec<PathBuf>,
    faults: Faults,
) -> Result<Vec<(NamedTempFile, PathBuf)>> {
    // A read-only file is the user's "do not touch": refuse before writing anything, even
    // though renaming over it would work.
    for change in changes.iter().filter(|c| c.old.is_some()) {
        let target = root.join(&change.path);
        let meta = fs::metadata(&target).map_err(|e| Error::io("read", &target, e))?;
        if meta.permissions().readonly() {
            return Err(Error::Unusable {
                file: change.path.clone(),
                what: format!("{} is read-only", change.path),
                help: format!(
                    "make it writable (`chmod u+w {}`) to let the phase fill it",
                    change.path
                ),
            });
        }
    }
    let mut staged = Vec::with_capacity(changes.len());
    for (n, change) in changes.iter().enumerate() {
        let target = root.join(&change.path);
        crate::repo::refuse_escape(root, &target).map_err(|e| Error::io("write", &target, e))?;
        let dir = target.parent().unwrap_or(root).to_path_buf();
        create_dirs(&dir, created_dirs).map_err(|e| Error::io("create folder", &dir, e))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".hivegen-").suffix(".tmp");
        if change.old.is_none() {
            // A new file gets what any editor would give it: 0666 less the umask (tempfile's
            // own default, 0600, is for secrets). Existing files keep their mode, below.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(fs::Permissions::from_mode(0o666));
            }
        }
        let mut temp = builder
            .tempfile_in(&dir)
            .map_err(|e| Error::io("write in", &dir, e))?;
        let written = if faults.write(n + 1) {
            Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device (simulated)",
            ))
        } else {
            temp.write_all(&change.new)
        };
        written.map_err(|e| Error::io("write", &target, e))?;
        if change.old.is_some() {
            let perms = fs::metadata(&target)
                .map_err(|e| Error::io("read", &target, e))?
                .permissions();
            fs::set_permissions(temp.path(), perms)
                .map_err(|e| Error::io("keep the permissions of", &target, e))?;
        }
        staged.push((temp, target));
    }
    sync_all(&staged)?;
    // Someone may have written a target between plan and apply: refuse rather than lose it.
    for (change, (_, target)) in changes.iter().zip(&staged) {
        let now = match fs::read(target) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io("read", target, e)),
        };
        if now != change.old {
            return Err(Error::Raced {
                file: change.path.clone(),
            });
        }
    }
    Ok(staged)
}

/// Flushes every staged file to disk before any is renamed into place. fsync waits on the
/// disk, not the CPU, so several wait at once.
fn sync_all(staged: &[(NamedTempFile, PathBuf)]) -> Result<()> {
    if staged.is_empty() {
        return Ok(());
    }
    let per_thread = staged.len().div_ceil(8);
    std::thread::scope(|scope| {
        let handles: Vec<_> = staged
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk.iter().try_for_each(|(temp, target)| {
                        temp.as_file()
                            .sync_data()
                            .map_err(|e| Error::io("write", target, e))
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a sync thread panicked"))
    })
}

fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    // The empty path is the current folder (the parent of a relative `--repo new`).
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    fs::create_dir(dir)?;
    created.push(dir.to_path_buf());
    Ok(())
}

/// Takes an exclusive lock on the repository folder itself (no lock file is left behind), so
/// two runs on one repository cannot interleave. The lock lasts as long as the returned file.
pub(crate) fn lock(root: &Path) -> Result<File> {
    let dir = File::open(root).map_err(|e| Error::io("open", root, e))?;
    match dir.try_lock() {
        Ok(()) => Ok(dir),
        Err(fs::TryLockError::WouldBlock) => Err(Error::Locked {
            root: root.to_path_buf(),
        }),
        Err(fs::TryLockError::Error(e)) => Err(Error::io("lock", root, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::BodyState;
    use crate::plan::{FillChange, Reason};

    fn change(path: &str, old: Option<&str>, new: &str) -> Change {
        Change {
            path: path.into(),
            old: old.map(|o| o.as_bytes().to_vec()),
            new: new.as_bytes().to_vec(),
            fills: vec![FillChange {
                anchor: "A".into(),
                reason: Reason::Body(BodyState::Empty),
            }],
        }
    }

    fn setup() -> (tempfile::TempDir, Vec<Change>) {
        let dir = tempfile::tempdir().unwrap();
        for f in ["a", "b", "c"] {
            fs::write(dir.path().join(f), format!("old {f}")).unwrap();
        }
        let changes = vec![
            change("a", Some("old a"), "new a"),
            change("b", Some("old b"), "new b"),
            change("c", Some("old c"), "new c"),
            change("sub/marker", None, "done"),
        ];
        (dir, changes)
    }

    fn contents(dir: &Path) -> Vec<String> {
        ["a", "b", "c"]
            .iter()
            .map(|f| fs::read_to_string(dir.join(f)).unwrap())
            .collect()
    }

    #[test]
    fn a_failed_write_at_any_point_writes_nothing() {
        for n in 1..=4 {
            let (dir, changes) = setup();
            let err = apply_with(
                dir.path(),
                &changes,
                Faults {
                    write: Some(n),
                    rename: None,
                },
            )
            .unwrap_err();
            assert!(err.to_string().contains("no space left"), "{err}");
            assert_eq!(
                contents(dir.path()),
                ["old a", "old b", "old c"],
                "write {n}"
            );
            assert!(
                !dir.path().join("sub").exists(),
                "a created folder was left behind"
            );
            let names: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names.len(), 3, "temp files left behind: {names:?}");
        }
    }

    #[test]
    fn a_failed_rename_leaves_each_file_whole_and_a_rerun_completes() {
        for n in 1..=4 {
            let (dir, changes) = setup();
            apply_with(
                dir.path(),
                &changes,
                Faults {
                    write: None,
                    rename: Some(n),
                },
            )
            .unwrap_err();
            for (i, f) in ["a", "b", "c"].iter().enumerate() {
                let text = fs::read_to_string(dir.path().join(f)).unwrap();
                let expected = if i + 1 < n {
                    format!("new {f}")
                } else {
                    format!("old {f}")
                };
                assert_eq!(text, expected, "rename {n}");
            }
            // The rerun plans from what is there now.
            let rest: Vec<Change> = changes
                .iter()
                .map(|c| {
                    let now = fs::read(dir.path().join(&c.path)).ok();
                    Change {
                        old: now,
                        ..c.clone()
                    }
                })
                .filter(|c| c.old.as_ref() != Some(&c.new))
                .collect();
            apply(dir.path(), &rest).unwrap();
            assert_eq!(contents(dir.path()), ["new a", "new b", "new c"]);
            assert_eq!(
                fs::read_to_string(dir.path().join("sub/marker")).unwrap(),
                "done"
            );
        }
    }

    #[test]
    fn a_file_changed_since_the_plan_is_not_overwritten() {
        let (dir, changes) = setup();
        fs::write(dir.path().join("c"), "someone else").unwrap();
        let err = apply(dir.path(), &changes).unwrap_err();
        assert!(
            err.to_string()
                .contains("changed while hivegen was planning"),
            "{err}"
        );
        assert_eq!(contents(dir.path()), ["old a", "old b", "someone else"]);
    }

    #[test]
    fn a_read_only_file_is_refused_before_anything_is_written() {
        let (dir, changes) = setup();
        let c = dir.path().join("c");
        let mut perms = fs::metadata(&c).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&c, perms).unwrap();
        let err = apply(dir.path(), &changes).unwrap_err();
        let Error::NothingWritten { source } = &err else {
            panic!("{err}")
        };
        let Error::Unusable { what, help, .. } = source.as_ref() else {
            panic!("{err}")
        };
        assert!(what.contains("c is read-only"), "{err}");
        assert!(help.contains("chmod u+w c"), "{err}");
        assert_eq!(contents(dir.path()), ["old a", "old b", "old c"]);
        assert!(!dir.path().join("sub").exists());
    }

    #[test]
    fn a_second_lock_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _held = lock(dir.path()).unwrap();
        let err = lock(dir.path()).unwrap_err();
        assert!(err.to_string().contains("another hivegen"), "{err}");
    }
}
