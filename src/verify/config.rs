//! The repository's own hivegen configuration, `.hivegen/config.yaml`: the repository files
//! (beyond the default list of the specs) that no phase's structure rules judge. `verify` and
//! `guard` read it from the base revision, never from the change they judge: a change must not
//! bring the rules that judge it.

use serde::Deserialize;

use crate::error::{self, Result};

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
}
