//! Phase specs: one phase of the HiveSync build as data (`phase_specs/*.yaml`), parsed into
//! typed structs. Unknown keys are rejected, and every error carries file:line:column, taken
//! from the YAML parser's own spans (never by searching the text).

use std::collections::BTreeSet;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

pub(crate) mod doc;
mod rule;

pub(crate) use rule::{CodeMatch, Rule, RuleKind, StructureCheck};

use crate::error::{self, Error, Place, Result};

/// One phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseSpec {
    /// Short id, lowercase letters: `c`, `d`, ….
    pub(crate) id: String,
    /// Human title.
    pub(crate) title: String,
    /// The phase document this spec encodes (informational).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) document: Option<String>,
    /// Ids of the phases that must be complete before this one runs.
    pub(crate) requires: Vec<String>,
    /// When true the phase lays a scaffold into a folder that holds no scaffold yet.
    pub(crate) scaffold: bool,
    /// The folder of the phase's templates, relative to the templates root.
    pub(crate) templates: String,
    /// Globs of the repository's own files around the phases' tree (`README*`, `.github/**`):
    /// a scaffold lays itself beside them and leaves them as they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) repository_files: Vec<String>,
    /// The folder that holds the Python packages (`backend`: `backend/app/models/user.py` is
    /// `app.models.user`), for resolving relative imports in code rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) python_root: Option<String>,
    /// The marker file the phase writes when done.
    pub(crate) marker: MarkerSpec,
    /// The line printed when the phase is done.
    pub(crate) done: String,
    /// What to do next, said (on stderr) once the phase is done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next: Option<String>,
    /// Files the phase creates (besides its marker), each from a template.
    pub(crate) creates: Vec<CreateSpec>,
    /// Anchors the phase fills, each from a template.
    pub(crate) fills: Vec<FillSpec>,
    /// Named lists of import patterns that fills share (`@common` in a fill's `imports`).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub(crate) import_groups: std::collections::BTreeMap<String, Vec<String>>,
    /// What the phase forbids.
    pub(crate) rules: Vec<Rule>,
    /// Where each rule was written, for errors found when the rules are compiled.
    #[serde(skip)]
    pub(crate) origin: Origin,
}

/// Where a spec came from: its file and its text (to point at a rule that does not compile).
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    /// The file, as named in messages.
    pub(crate) file: String,
    /// The YAML text.
    text: std::sync::Arc<str>,
}

/// The phase marker file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkerSpec {
    /// Path relative to the repository root.
    pub(crate) path: String,
    /// Exact content.
    pub(crate) content: String,
    /// Where any phase's marker is, `*` standing for its id in capitals
    /// (`docs/BUILD_PHASE_*_COMPLETE`): how a phase hivegen has no spec for is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pattern: Option<String>,
}

/// A file the phase creates.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateSpec {
    /// Path relative to the repository root.
    pub(crate) path: String,
    /// Template, relative to the phase's template folder; defaults to `<path>.tera`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) template: Option<String>,
}

impl CreateSpec {
    /// The template that renders this file.
    pub(crate) fn template(&self) -> String {
        self.template
            .clone()
            .unwrap_or_else(|| format!("{}.tera", self.path))
    }
}

/// An anchor the phase fills.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FillSpec {
    /// File, relative to the repository root.
    pub(crate) file: String,
    /// Anchor name.
    pub(crate) anchor: String,
    /// Template, relative to the phase's template folder; defaults to `<file>.tera`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) template: Option<String>,
    /// The section of the phase document this fill implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) section: Option<String>,
    /// The positive model of the fill: the only names its code may import or use from other
    /// modules (dotted patterns, or `@group` for a list of the spec's `import_groups`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) imports: Vec<String>,
    /// What the fill must hold for the phase to be complete (§6 of a phase document): names
    /// its code defines or decorates with, as dotted patterns; `a | b` accepts either.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) requires: Vec<String>,
}

impl FillSpec {
    /// The template that renders this fill.
    pub(crate) fn template(&self) -> String {
        self.template
            .clone()
            .unwrap_or_else(|| format!("{}.tera", self.file))
    }
}

/// A spec as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    id: String,
    title: String,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    scaffold: bool,
    #[serde(default)]
    templates: Option<String>,
    #[serde(default)]
    repository_files: Vec<String>,
    #[serde(default)]
    python_root: Option<String>,
    marker: MarkerSpec,
    done: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    creates: Vec<CreateSpec>,
    #[serde(default)]
    fills: Vec<FillSpec>,
    #[serde(default)]
    import_groups: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    rules: Vec<Rule>,
}

/// Where a part of a spec is: read again from the YAML, with spans, only when there is an
/// error to point at (spans make parsing slower, and a sound spec needs none).
#[derive(Deserialize)]
struct Locator {
    id: Spanned<IgnoredAny>,
    #[serde(default)]
    templates: Option<Spanned<IgnoredAny>>,
    marker: Spanned<IgnoredAny>,
    #[serde(default)]
    creates: Vec<Spanned<IgnoredAny>>,
    #[serde(default)]
    fills: Vec<Spanned<IgnoredAny>>,
    #[serde(default)]
    rules: Vec<Spanned<IgnoredAny>>,
}

/// A part of a spec an error points at.
#[derive(Debug, Clone, Copy)]
enum Part {
    Id,
    Templates,
    Marker,
    Create(usize),
    Fill(usize),
    Rule(usize),
}

/// The place of `part` in the YAML `text`, if it can be found.
fn locate(text: &str, part: Part) -> Option<Place> {
    let l: Locator = serde_saphyr::from_str(text).ok()?;
    let at = match part {
        Part::Id => &l.id.referenced,
        Part::Templates => &l.templates.as_ref()?.referenced,
        Part::Marker => &l.marker.referenced,
        Part::Create(i) => &l.creates.get(i)?.referenced,
        Part::Fill(i) => &l.fills.get(i)?.referenced,
        Part::Rule(i) => &l.rules.get(i)?.referenced,
    };
    (at.line() > 0).then(|| Place::in_text(text, at.line() as usize, at.column() as usize))
}

impl Origin {
    /// Where rule `i` of the spec is written.
    pub(crate) fn rule_place(&self, i: usize) -> Option<Place> {
        locate(&self.text, Part::Rule(i))
    }
}

impl RawSpec {
    /// Checks what the YAML's shape cannot: ids, paths, the marker pattern, unique fills.
    /// An error says which part of the spec is wrong.
    fn validate(&self) -> std::result::Result<(), (Part, String, &'static str)> {
        let id = &self.id;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err((
                Part::Id,
                format!("phase id `{id}` must be lowercase letters"),
                FIX_HELP,
            ));
        }
        for (p, part) in self.paths() {
            if !is_safe_relative(&p) {
                return Err((
                    part,
                    format!("path `{p}` escapes the repository"),
                    PATH_HELP,
                ));
            }
        }
        let marker = &self.marker;
        if let Some(pattern) = &marker.pattern {
            if marker_id(pattern, &marker.path).as_deref() != Some(id.as_str()) {
                return Err((
                    Part::Marker,
                    format!(
                        "the marker pattern `{pattern}` does not match the phase's own marker `{}`",
                        marker.path
                    ),
                    "write the pattern as the marker's path with `*` where the phase id stands",
                ));
            }
        }
        if self.scaffold && !self.fills.is_empty() {
            return Err((
                Part::Fill(0),
                "a scaffold phase creates files; it fills no anchors".into(),
                "move the fills to a phase that requires this one",
            ));
        }
        for (i, f) in self.fills.iter().enumerate() {
            for group in f.imports.iter().filter_map(|i| i.strip_prefix('@')) {
                if !self.import_groups.contains_key(group) {
                    let message = format!(
                        "the fill of `{}` names `@{group}`, which `import_groups` lacks",
                        f.file
                    );
                    return Err((Part::Fill(i), message, FIX_HELP));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, f) in self.fills.iter().enumerate() {
            if !seen.insert((&f.file, &f.anchor)) {
                let message = format!("anchor `{}` of `{}` is filled twice", f.anchor, f.file);
                return Err((Part::Fill(i), message, FIX_HELP));
            }
        }
        Ok(())
    }

    /// Every path the spec names, with where: the marker, files, templates.
    fn paths(&self) -> Vec<(String, Part)> {
        let mut paths = vec![(self.marker.path.clone(), Part::Marker)];
        for (i, c) in self.creates.iter().enumerate() {
            paths.push((c.path.clone(), Part::Create(i)));
            paths.push((c.template(), Part::Create(i)));
        }
        for (i, f) in self.fills.iter().enumerate() {
            paths.push((f.file.clone(), Part::Fill(i)));
            paths.push((f.template(), Part::Fill(i)));
        }
        if let Some(t) = &self.templates {
            paths.push((t.clone(), Part::Templates));
        }
        paths
    }

    fn into_spec(self, text: &str, origin: &str) -> PhaseSpec {
        let id = self.id;
        PhaseSpec {
            templates: self.templates.unwrap_or_else(|| format!("phase_{id}")),
            title: self.title,
            document: self.document,
            requires: self.requires,
            scaffold: self.scaffold,
            repository_files: self.repository_files,
            python_root: self.python_root,
            marker: self.marker,
            done: self.done,
            next: self.next,
            creates: self.creates,
            fills: self.fills,
            import_groups: self.import_groups,
            origin: Origin {
                file: origin.to_string(),
                text: text.into(),
            },
            rules: self.rules,
            id,
        }
    }
}

const FIX_HELP: &str =
    "fix the spec at this line; `hivegen spec show d` prints a valid one to compare with";
const PATH_HELP: &str =
    "paths in a spec are relative to the repository, with `/`, and never leave it";

impl PhaseSpec {
    /// Parses and validates one spec; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let raw: RawSpec = serde_saphyr::from_str(text)
            .map_err(|e| error::yaml("spec", &e, text, origin, FIX_HELP))?;
        raw.validate().map_err(|(part, message, help)| {
            Error::spec(origin, locate(text, part), message, help)
        })?;
        Ok(raw.into_spec(text, origin))
    }

    /// The spec in `json` (the same spec as the YAML `text`, converted when hivegen was
    /// built): the fast way to load an embedded spec. `None` when it is not sound, so that
    /// the caller parses the YAML and reports the error with its place.
    pub(crate) fn from_json(json: &str, text: &str, origin: &str) -> Option<Self> {
        let raw: RawSpec = serde_json::from_str(json).ok()?;
        raw.validate().ok()?;
        Some(raw.into_spec(text, origin))
    }

    /// The files the phase fills, each once, in spec order.
    pub(crate) fn fill_files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = Vec::new();
        for f in &self.fills {
            if !files.contains(&f.file.as_str()) {
                files.push(&f.file);
            }
        }
        files
    }

    /// The positive model of `file`: the `imports` of the fills of that file, groups
    /// expanded; `None` when no fill of the file lists any.
    pub(crate) fn imports_of(&self, file: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for f in self.fills.iter().filter(|f| f.file == file) {
            for entry in &f.imports {
                match entry.strip_prefix('@') {
                    Some(group) => {
                        out.extend(self.import_groups.get(group).into_iter().flatten().cloned())
                    }
                    None => out.push(entry.clone()),
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The uppercase letters used in messages: `D`.
    pub(crate) fn letter(&self) -> String {
        self.id.to_uppercase()
    }
}

/// The phase id a marker path stands for under `pattern` (`docs/BUILD_PHASE_*_COMPLETE`):
/// `docs/BUILD_PHASE_E_COMPLETE` -> `e`. `None` when the path does not fit the pattern.
pub(crate) fn marker_id(pattern: &str, path: &str) -> Option<String> {
    let (head, tail) = pattern.split_once('*')?;
    let id = path.strip_prefix(head)?.strip_suffix(tail)?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphabetic())).then(|| id.to_lowercase())
}

/// True for a relative path that stays inside its root: no `..`, no absolute path, no `\`.
///
/// Nor may it go into `.git` (a spec that writes `.git/config` could make git run commands) or
/// `.hivegen` (hivegen's own overrides).
pub(crate) fn is_safe_relative(p: &str) -> bool {
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

#[cfg(test)]
mod tests;
