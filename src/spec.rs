//! Phase specs: one phase of the HiveSync build as data (`phase_specs/*.yaml`), parsed into
//! typed structs. Unknown keys are rejected and every error carries file:line:column.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::rules::Rule;

/// One phase.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    /// Short id, a lowercase letter: `c`, `d`, ….
    pub id: String,
    /// Human title.
    pub title: String,
    /// The phase document this spec encodes (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// Ids of the phases that must be complete before this one runs.
    #[serde(default)]
    pub requires: Vec<String>,
    /// When true the phase lays a scaffold and refuses a folder that already has content.
    #[serde(default)]
    pub scaffold: bool,
    /// The marker file the phase writes when done.
    pub marker: MarkerSpec,
    /// The line printed when the phase is done.
    pub done: String,
    /// Files the phase creates (besides its marker), each from a template.
    #[serde(default)]
    pub creates: Vec<CreateSpec>,
    /// Anchors the phase fills, each from a template.
    #[serde(default)]
    pub fills: Vec<FillSpec>,
    /// What the phase forbids.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The rules compiled (tree-sitter queries, globs): done once, when the spec is loaded.
    #[serde(skip)]
    compiled: std::sync::OnceLock<std::sync::Arc<crate::rules::RuleSet>>,
}

/// The phase marker file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerSpec {
    /// Path relative to the repository root.
    pub path: String,
    /// Exact content.
    pub content: String,
}

/// A file the phase creates.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSpec {
    /// Path relative to the repository root.
    pub path: String,
    /// Template, relative to the phase's template folder; defaults to `<path>.tera`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

impl CreateSpec {
    /// The template that renders this file.
    pub fn template(&self) -> String {
        self.template
            .clone()
            .unwrap_or_else(|| format!("{}.tera", self.path))
    }
}

/// An anchor the phase fills.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FillSpec {
    /// File, relative to the repository root.
    pub file: String,
    /// Anchor name.
    pub anchor: String,
    /// Template, relative to the phase's template folder; defaults to `<file>.tera`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The section of the phase document this fill implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl FillSpec {
    /// The template that renders this fill.
    pub fn template(&self) -> String {
        self.template
            .clone()
            .unwrap_or_else(|| format!("{}.tera", self.file))
    }
}

impl PhaseSpec {
    /// Parses and validates one spec; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, Diagnostic> {
        let spec: PhaseSpec =
            serde_saphyr::from_str(text).map_err(|e| {
                yaml_error(&e, text, origin).help(
                    "fix the spec at this line; `hivegen spec show d` prints a valid one to compare with",
                )
            })?;
        spec.validate(text, origin)?;
        Ok(spec)
    }

    /// The phase's rules, compiled on first use and kept.
    pub fn rule_set(
        &self,
    ) -> Result<std::sync::Arc<crate::rules::RuleSet>, crate::rules::RuleError> {
        if let Some(set) = self.compiled.get() {
            return Ok(set.clone());
        }
        let set = std::sync::Arc::new(crate::rules::RuleSet::compile(self)?);
        Ok(self.compiled.get_or_init(|| set).clone())
    }

    /// The files the phase fills, each once, in spec order.
    pub fn fill_files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = Vec::new();
        for f in &self.fills {
            if !files.contains(&f.file.as_str()) {
                files.push(&f.file);
            }
        }
        files
    }

    /// The uppercase letter used in messages: `D`.
    pub fn letter(&self) -> String {
        self.id.to_uppercase()
    }

    fn validate(&self, text: &str, origin: &str) -> Result<(), Diagnostic> {
        let bad = |what: String, needle: &str| {
            let (line, col) = find(text, needle);
            Diagnostic::error("spec", what)
                .file(origin)
                .at(line, col, Some(text))
                .help(
                    "paths in a spec are relative to the repository, with `/`, and never leave it",
                )
        };
        if self.id.is_empty() || !self.id.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(bad(
                format!("phase id `{}` must be lowercase letters", self.id),
                "id:",
            ));
        }
        let mut paths: Vec<&str> = vec![&self.marker.path];
        paths.extend(self.creates.iter().map(|c| c.path.as_str()));
        paths.extend(self.fills.iter().map(|f| f.file.as_str()));
        let templates: Vec<String> = self
            .creates
            .iter()
            .map(CreateSpec::template)
            .chain(self.fills.iter().map(FillSpec::template))
            .collect();
        for p in paths
            .iter()
            .copied()
            .chain(templates.iter().map(String::as_str))
        {
            if !is_safe_relative(p) {
                return Err(bad(format!("path `{p}` escapes the repository"), p));
            }
        }
        if let Err(e) = self.rule_set() {
            let (line, col) = find(text, &e.rule);
            return Err(Diagnostic::error("spec", e.to_string())
                .file(origin)
                .at(line, col, Some(text))
                .help("see the Guardrails section of the README for how a rule is written"));
        }
        let mut seen = BTreeMap::new();
        for f in &self.fills {
            if seen
                .insert((f.file.as_str(), f.anchor.as_str()), ())
                .is_some()
            {
                return Err(bad(
                    format!("anchor `{}` of `{}` is filled twice", f.anchor, f.file),
                    &f.file,
                ));
            }
        }
        Ok(())
    }
}

/// The phase id of a marker file's name in `docs/`: `BUILD_PHASE_E_COMPLETE` -> `e`, for phases
/// hivegen may have no spec for.
pub fn marker_phase_id(file_name: &str) -> Option<String> {
    file_name
        .strip_prefix("BUILD_PHASE_")
        .and_then(|n| n.strip_suffix("_COMPLETE"))
        .map(str::to_lowercase)
}

/// True for a relative path that stays inside its root: no `..`, no absolute path, no `\`.
///
/// Nor may it go into `.git` (a spec that writes `.git/config` could make git run commands) or
/// `.hivegen` (hivegen's own overrides).
pub fn is_safe_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains('\\')
        && !p.contains(':')
        && p.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && !c.eq_ignore_ascii_case(".git")
                && !c.eq_ignore_ascii_case(".hivegen")
        })
}

/// 1-based line and column of the first occurrence of `needle` in `text` (1:1 if absent).
pub fn find(text: &str, needle: &str) -> (usize, usize) {
    match text.find(needle) {
        Some(at) => {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, col)
        }
        None => (1, 1),
    }
}

/// Turns a serde-saphyr error into a diagnostic with the file's line and column.
pub fn yaml_error(e: &serde_saphyr::Error, text: &str, origin: &str) -> Diagnostic {
    let message = first_line(&e.to_string());
    let d = Diagnostic::error("spec", message).file(origin);
    match e.location() {
        Some(loc) => d.at(loc.line() as usize, loc.column() as usize, Some(text)),
        None => d,
    }
}

/// The first line of a serde-saphyr message, without its own `error: line N column M:` lead
/// (the diagnostic says where).
fn first_line(s: &str) -> String {
    static LEAD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:error:\s*)?(?:line \d+ column \d+:\s*)?").expect("valid regex")
    });
    let line = s.lines().next().unwrap_or(s).trim();
    LEAD.replace(line, "").into_owned()
}

/// Every phase hivegen knows, by id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Specs by id, in id order.
    pub phases: BTreeMap<String, PhaseSpec>,
}

impl Registry {
    /// Builds the registry from `(origin, text)` pairs, checking ids and requirements.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Self, Diagnostic> {
        let mut phases = BTreeMap::new();
        for (origin, text) in sources {
            let spec = PhaseSpec::parse(text, origin)?;
            if phases.contains_key(&spec.id) {
                let (line, col) = find(text, "id:");
                return Err(Diagnostic::error(
                    "spec",
                    format!("phase `{}` is defined twice", spec.id),
                )
                .file(origin.clone())
                .at(line, col, Some(text)));
            }
            phases.insert(spec.id.clone(), spec);
        }
        for spec in phases.values() {
            for r in &spec.requires {
                if !phases.contains_key(r) {
                    return Err(Diagnostic::error(
                        "spec",
                        format!(
                            "phase `{}` requires phase `{r}`, which no spec defines",
                            spec.id
                        ),
                    ));
                }
            }
        }
        Ok(Self { phases })
    }

    /// The phase with this id, case-insensitively.
    pub fn get(&self, id: &str) -> Result<&PhaseSpec, Diagnostic> {
        self.phases.get(&id.to_lowercase()).ok_or_else(|| {
            let known: Vec<&str> = self.phases.keys().map(String::as_str).collect();
            Diagnostic::error("spec", format!("no phase `{id}`")).help(format!(
                "known phases: {}; see `hivegen spec list`",
                known.join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str =
        "id: d\ntitle: T\nmarker:\n  path: docs/M\n  content: \"M\\n\"\ndone: DONE\n";

    #[test]
    fn parses_a_minimal_spec() {
        let s = PhaseSpec::parse(MINIMAL, "d.yaml").unwrap();
        assert_eq!(s.id, "d");
        assert!(s.fills.is_empty());
    }

    #[test]
    fn unknown_key_is_an_error_with_a_location() {
        let text = format!("{MINIMAL}colour: blue\n");
        let d = PhaseSpec::parse(&text, "d.yaml").unwrap_err();
        assert_eq!(d.file.as_deref(), Some("d.yaml"));
        assert_eq!(d.line, Some(7));
        assert!(d.message.contains("colour"), "{}", d.message);
    }

    #[test]
    fn escaping_paths_are_refused() {
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("a/../../b"));
        assert!(is_safe_relative("backend/app/main.py"));
        assert!(!is_safe_relative(".git/config"));
        assert!(!is_safe_relative("a/.GIT/hooks/pre-commit"));
        assert!(!is_safe_relative(".hivegen/specs/d.yaml"));
        let text = MINIMAL.replace("docs/M", "../M");
        assert!(PhaseSpec::parse(&text, "d.yaml")
            .unwrap_err()
            .message
            .contains("escapes"));
    }
}
