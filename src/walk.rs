//! Walking a repository the way ripgrep does: in parallel, honouring `.gitignore` (also outside
//! a git repository), `.ignore` and the global git excludes, skipping hidden entries (`.git`,
//! `.venv`, …) and binary files (a NUL byte in the first 8 KiB).
//!
//! The walk is a filter, not a loader: each worker thread reads files into one buffer it reuses,
//! and only a file that holds the needle (a literal, found with `memchr::memmem`) is handed to
//! the visitor. The rest costs an open, a read and a SIMD scan, as in `rg -c NEEDLE`.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use ignore::{WalkBuilder, WalkState};
use memchr::memmem::Finder;

/// How many leading bytes decide whether a file is binary (as git and ripgrep do).
const BINARY_PROBE: usize = 8 * 1024;

/// The read buffer each walker thread starts with: most source files fit in one read.
const READ_BLOCK: usize = 64 * 1024;

/// What the walk found at one path; borrowed, so that nothing is allocated for the visitor.
#[derive(Debug)]
pub(crate) enum Event<'a> {
    /// A file that holds the needle, with its bytes.
    Hit {
        /// Path relative to the root.
        rel: &'a Path,
        /// The whole file.
        bytes: &'a [u8],
    },
    /// A file that does not hold the needle.
    Miss {
        /// Path relative to the root.
        rel: &'a Path,
    },
    /// A binary file, skipped.
    Binary {
        /// Path relative to the root.
        rel: &'a Path,
    },
    /// A path that could not be read.
    Error {
        /// The path, relative to the root where possible.
        rel: &'a Path,
        /// What went wrong.
        error: String,
    },
}

/// Walks every file under `root` and calls `visit` for each, from several threads at once.
/// A file that holds the needle is told from a binary one by its first bytes; a file without
/// it is told so only when `binary_misses` asks (`anchors -v` says which files it skipped),
/// else it is a miss, its bytes searched once.
pub(crate) fn scan(
    root: &Path,
    needle: &[u8],
    binary_misses: bool,
    visit: &(dyn Fn(Event<'_>) + Sync),
) {
    let finder = Finder::new(needle).into_owned();
    let walker = WalkBuilder::new(root)
        // A scaffold is often not (yet) a git repository; its .gitignore still says what to skip.
        .require_git(false)
        .build_parallel();
    walker.run(|| {
        let finder = finder.clone();
        // Zeroed once: each read lands in bytes already initialised.
        let mut buf: Vec<u8> = vec![0; READ_BLOCK];
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = error_path(&e);
                    let rel = path.strip_prefix(root).unwrap_or(&path);
                    visit(Event::Error {
                        rel,
                        error: e.to_string(),
                    });
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let path = entry.path();
            let rel = relative(path, root);
            let bytes = match read_into(path, &mut buf) {
                Ok(len) => &buf[..len],
                Err(e) => {
                    visit(Event::Error {
                        rel,
                        error: e.to_string(),
                    });
                    return WalkState::Continue;
                }
            };
            let binary = || memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some();
            let hit = finder.find(bytes).is_some();
            let event = if (hit || binary_misses) && binary() {
                Event::Binary { rel }
            } else if hit {
                Event::Hit { rel, bytes }
            } else {
                Event::Miss { rel }
            };
            visit(event);
            WalkState::Continue
        })
    });
}

/// Reads `path` into the front of `buf` and returns its length. One `read` is the whole of
/// a file smaller than the buffer: a regular file reads short only at its end (Linux, the
/// BSDs and macOS fill a file read up to the size asked or the end; signals do not interrupt
/// one), so the second `read` that `read_to_end` makes to see the end is left out, a system
/// call per file that rg makes and a sixth of the walk's time in the kernel. A file that
/// fills the buffer is read on to its end, and the buffer keeps its size for the next ones.
/// (`read_to_end` alone also asks each file for its size and position: two more calls.)
fn read_into(path: &Path, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut file = File::open(path)?;
    let n = file.read(buf)?;
    if n < buf.len() {
        return Ok(n);
    }
    file.take(u64::MAX).read_to_end(buf)?;
    Ok(buf.len())
}

/// `path` (which the walk built as `root` joined with more) relative to `root`. Compared as
/// text where both are UTF-8: `Path::strip_prefix` compares component by component, the
/// walk's largest cost after reading (700 instructions a file), for what is here always a
/// textual prefix. Anything else goes through `strip_prefix`.
fn relative<'p>(path: &'p Path, root: &Path) -> &'p Path {
    if let (Some(p), Some(r)) = (path.to_str(), root.to_str()) {
        let sep = std::path::is_separator;
        if let Some(rest) = p.strip_prefix(r) {
            if !r.is_empty() && (r.ends_with(sep) || rest.is_empty() || rest.starts_with(sep)) {
                return Path::new(rest.trim_start_matches(sep));
            }
        }
    }
    path.strip_prefix(root).unwrap_or(path)
}

/// The path an `ignore` error is about, if it names one.
fn error_path(e: &ignore::Error) -> std::path::PathBuf {
    match e {
        ignore::Error::WithPath { path, .. } => path.clone(),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => std::path::PathBuf::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn hands_over_hits_only_and_skips_what_rg_skips() {
        let dir = tempfile::tempdir().unwrap();
        let w = |rel: &str, content: &[u8]| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        };
        w(".gitignore", b"target/\n");
        w("a.py", b"# <!-- SECTION:A -->\n");
        w("b.py", b"nothing here\n");
        w("bin.dat", b"SECTION:\0\0");
        w("target/x.py", b"# <!-- SECTION:A -->\n");
        w(".venv/y.py", b"# <!-- SECTION:A -->\n");
        w("bin.png", b"\x89PNG\0\0");
        let events = |binary_misses| {
            let seen = Mutex::new(Vec::new());
            scan(dir.path(), b"SECTION:", binary_misses, &|e| {
                let tag = match e {
                    Event::Hit { rel, .. } => format!("hit {}", rel.display()),
                    Event::Miss { rel } => format!("miss {}", rel.display()),
                    Event::Binary { rel } => format!("binary {}", rel.display()),
                    Event::Error { rel, .. } => format!("error {}", rel.display()),
                };
                seen.lock().unwrap().push(tag);
            });
            let mut seen = seen.into_inner().unwrap();
            seen.sort();
            seen
        };
        assert_eq!(
            events(true),
            ["binary bin.dat", "binary bin.png", "hit a.py", "miss b.py"]
        );
        // A binary file without the needle is a miss unless asked; one with it never a hit.
        assert_eq!(
            events(false),
            ["binary bin.dat", "hit a.py", "miss b.py", "miss bin.png"]
        );
    }

    #[test]
    fn reads_whole_files_of_every_size_into_one_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let mut buf = vec![0; READ_BLOCK];
        for len in [
            READ_BLOCK * 3 + 7,
            0,
            READ_BLOCK,
            READ_BLOCK - 1,
            5,
            READ_BLOCK + 1,
            1,
        ] {
            let content: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let path = dir.path().join(format!("f{len}"));
            std::fs::write(&path, &content).unwrap();
            let n = read_into(&path, &mut buf).unwrap();
            assert_eq!(&buf[..n], &content[..], "a file of {len} bytes");
        }
    }

    #[test]
    fn a_relative_path_is_what_strip_prefix_gives() {
        for (path, root) in [
            ("./lib/a.py", "."),
            ("./lib/a.py", "./"),
            ("repo/lib/a.py", "repo"),
            ("repo/lib/a.py", "repo/"),
            ("/tmp/r/a.py", "/tmp/r"),
            ("a/./b/c.py", "a/./b"),
            ("a//b/c.py", "a//b"),
            ("lib/a.py", ""),
            ("/lib/a.py", ""),
            ("repository/a.py", "repo"),
        ] {
            let (path, root) = (Path::new(path), Path::new(root));
            assert_eq!(
                relative(path, root),
                path.strip_prefix(root).unwrap_or(path),
                "{path:?} in {root:?}"
            );
        }
    }
}
