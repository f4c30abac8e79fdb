//! Where specs, templates and the domain model come from: embedded in the binary, or a folder
//! given with `--specs`/`--templates`/`--domain`, or a repository-local `.hivegen/`.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::error::{Error, Result};

static SPECS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/phase_specs");
static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static DOMAIN: &str = include_str!("../domain/hivesync.yaml");
/// The embedded specs converted to JSON by `build.rs`: (name for messages, JSON).
static SPECS_JSON: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/specs_json.rs"));

/// A folder of text files: embedded or on disk.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Compiled into the binary; `label` is the folder's name in hivegen's own source tree.
    Embedded {
        /// The embedded tree.
        dir: &'static Dir<'static>,
        /// How errors name it: `templates`, `phase_specs`.
        label: &'static str,
    },
    /// A folder on disk.
    Disk(PathBuf),
}

impl Source {
    /// How a file of this source is named in messages.
    pub(crate) fn display(&self, rel: &str) -> String {
        match self {
            Source::Embedded { label, .. } => format!("{label}/{rel}"),
            Source::Disk(root) => root.join(rel).display().to_string(),
        }
    }

    /// Every file under `prefix` (a folder, relative), as (path relative to `prefix`, text).
    pub(crate) fn files_under(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        match self {
            Source::Embedded { dir, .. } => {
                let sub = if prefix.is_empty() {
                    Some(*dir)
                } else {
                    dir.get_dir(prefix)
                };
                if let Some(sub) = sub {
                    collect_embedded(sub, prefix, &mut out);
                }
            }
            Source::Disk(root) => {
                let base = root.join(prefix);
                if base.is_dir() {
                    let real_root = root
                        .canonicalize()
                        .map_err(|e| Error::io("read", root, e))?;
                    for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
                        let entry = entry.map_err(|e| {
                            let path = e.path().unwrap_or(&base).to_path_buf();
                            Error::io("read", path, e.into())
                        })?;
                        if entry.path_is_symlink() {
                            refuse_escaping_link(entry.path(), &real_root, root)?;
                            if !entry.path().is_file() {
                                continue;
                            }
                        } else if !entry.file_type().is_file() {
                            continue;
                        }
                        let rel = entry
                            .path()
                            .strip_prefix(&base)
                            .expect("walkdir stays under its root")
                            .to_string_lossy()
                            .replace('\\', "/");
                        out.push((rel, read_text(entry.path())?));
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Refuses a symbolic link, in a specs or templates folder, that leads outside that folder.
fn refuse_escaping_link(link: &Path, real_root: &Path, root: &Path) -> Result<()> {
    match link.canonicalize() {
        Ok(target) if target.starts_with(real_root) => Ok(()),
        Ok(target) => Err(Error::Unusable {
            file: link.display().to_string(),
            what: format!(
                "{} is a symbolic link leading outside {} (to {})",
                link.display(),
                root.display(),
                target.display()
            ),
            help: "copy the file into the folder instead of linking to it".into(),
        }),
        Err(e) => Err(Error::io("follow", link, e)),
    }
}

fn collect_embedded(dir: &Dir<'static>, prefix: &str, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        let full = file.path().to_string_lossy().replace('\\', "/");
        let rel = full
            .strip_prefix(prefix)
            .map(|r| r.trim_start_matches('/').to_string())
            .unwrap_or(full.clone());
        out.push((rel, file.contents_utf8().unwrap_or_default().to_string()));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, prefix, out);
    }
}

/// Reads a UTF-8 text file, with a clear error.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    String::from_utf8(bytes).map_err(|e| Error::Unusable {
        file: path.display().to_string(),
        what: format!("{} is not UTF-8 text", path.display()),
        help: format!(
            "fix the invalid byte at offset {}",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// The specs, templates and domain model of a run.
#[derive(Debug, Clone)]
pub(crate) struct Assets {
    /// Phase specs (`*.yaml` at the top of the folder).
    pub(crate) specs: Source,
    /// Templates, one folder per phase (`phase_d/…`).
    pub(crate) templates: Source,
    /// The domain model: (name for messages, text).
    pub(crate) domain: (String, String),
}

/// Where the user asked assets to come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    /// `--specs DIR`.
    pub(crate) specs: Option<PathBuf>,
    /// `--templates DIR`.
    pub(crate) templates: Option<PathBuf>,
    /// `--domain FILE`.
    pub(crate) domain: Option<PathBuf>,
}

impl Assets {
    /// Resolves each asset: the command line first, then `<repo>/.hivegen/`, then embedded.
    ///
    /// `repo_local` false ignores `<repo>/.hivegen/`: `verify` must not take its rules from the
    /// repository it judges (a change could add `.hivegen/specs/` with no rules).
    pub(crate) fn resolve(overrides: &Overrides, repo: &Path, repo_local: bool) -> Result<Self> {
        let local = repo.join(".hivegen");
        // The command line checked that the paths it names exist.
        let pick = |flag: &Option<PathBuf>, local_name: &str| -> Result<Option<PathBuf>> {
            match flag {
                Some(p) => Ok(Some(p.clone())),
                None if repo_local => Ok(Some(local.join(local_name)).filter(|p| p.exists())),
                None => Ok(None),
            }
        };
        let specs = match pick(&overrides.specs, "specs")? {
            Some(p) => Source::Disk(p),
            None => Source::Embedded {
                dir: &SPECS,
                label: "phase_specs",
            },
        };
        let templates = match pick(&overrides.templates, "templates")? {
            Some(p) => Source::Disk(p),
            None => Source::Embedded {
                dir: &TEMPLATES,
                label: "templates",
            },
        };
        let domain = match pick(&overrides.domain, "domain.yaml")? {
            Some(p) => (p.display().to_string(), read_text(&p)?),
            None => ("domain/hivesync.yaml".to_string(), DOMAIN.to_string()),
        };
        Ok(Self {
            specs,
            templates,
            domain,
        })
    }

    /// The embedded defaults.
    pub(crate) fn embedded() -> Self {
        Self {
            specs: Source::Embedded {
                dir: &SPECS,
                label: "phase_specs",
            },
            templates: Source::Embedded {
                dir: &TEMPLATES,
                label: "templates",
            },
            domain: ("domain/hivesync.yaml".to_string(), DOMAIN.to_string()),
        }
    }

    /// The embedded specs as JSON (name for messages, JSON), when the specs are the embedded
    /// ones: loading them skips YAML parsing.
    pub(crate) fn specs_json(&self) -> Option<&'static [(&'static str, &'static str)]> {
        matches!(self.specs, Source::Embedded { .. }).then_some(SPECS_JSON)
    }

    /// Every spec as (name for messages, text).
    pub(crate) fn spec_sources(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .specs
            .files_under("")?
            .into_iter()
            .filter(|(rel, _)| {
                !rel.contains('/') && (rel.ends_with(".yaml") || rel.ends_with(".yml"))
            })
            .map(|(rel, text)| (self.specs.display(&rel), text))
            .collect())
    }
}
