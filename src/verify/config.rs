//! The repository's own hivegen configuration, `.hivegen/config.yaml`: the repository files
//! (beyond the default list of the specs) that no phase's structure rules judge. `verify` and
//! `guard` read it from the base revision, never from the change they judge: a change must not
//! bring the rules that judge it.

use serde::Deserialize;

use crate::error::{self, Error, Result};
use crate::registry::Registry;

/// What `.hivegen/config.yaml` says.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RepoConfig {
    /// Globs of more files that are the repository's own (`scripts/**`, `Makefile`).
    #[serde(default)]
    pub(crate) repository_files: Vec<String>,
}

impl RepoConfig {
    /// Parses the file's bytes (`None`: there is none, the defaults hold).
    pub(crate) fn parse(bytes: Option<&[u8]>, origin: &str) -> Result<Self> {
        let Some(bytes) = bytes else {
            return Ok(Self::default());
        };
        let text = String::from_utf8_lossy(bytes);
        serde_saphyr::from_str(&text).map_err(|e| {
            error::yaml(
                "config",
                &e,
                &text,
                origin,
                "`.hivegen/config.yaml` holds `repository_files:`, a list of globs",
            )
        })
    }

    /// Refuses globs that would take a phase's own files out of its rules: a file a phase
    /// creates or fills, or a phase marker, is never a repository file.
    pub(crate) fn check_against(&self, registry: &Registry) -> Result<()> {
        if self.repository_files.is_empty() {
            return Ok(());
        }
        let phase_files = registry.phases().flat_map(|p| {
            let s = &p.spec;
            s.creates
                .iter()
                .map(move |c| (c.path.as_str(), s))
                .chain(s.fills.iter().map(move |f| (f.file.as_str(), s)))
                .chain(std::iter::once((s.marker.path.as_str(), s)))
        });
        let globs: Vec<globset::GlobMatcher> = self
            .repository_files
            .iter()
            .filter_map(|g| globset::Glob::new(g).ok().map(|g| g.compile_matcher()))
            .collect();
        for (path, spec) in phase_files {
            if let Some(glob) = globs.iter().find(|g| g.is_match(path)) {
                return Err(Error::Unusable {
                    file: super::git::CONFIG.to_string(),
                    what: format!(
                        "`repository_files` in {} names `{}`, which matches {path}, a file of Phase {}: a phase's own files cannot be taken out of its rules",
                        super::git::CONFIG,
                        glob.glob(),
                        spec.letter()
                    ),
                    help: "name the repository's own files only (`scripts/**`, `Makefile`), outside what the phases lay and fill".into(),
                });
            }
        }
        Ok(())
    }
}
