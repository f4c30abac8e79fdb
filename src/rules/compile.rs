//! Compiling a phase's rules: globs into matchers, patterns and tree-sitter queries checked,
//! and each rule's shape validated (a structure rule names a `check`, a code rule a `match`).
//! An error names the rule and points at it in the spec.

use std::collections::BTreeSet;

use std::sync::{Arc, OnceLock};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::code::CompiledCode;
use super::python::{self, PySource};
use crate::error::{Error, Result};
use crate::spec::{CodeMatch, PhaseSpec, Rule, RuleKind, StructureCheck};

/// One rule, ready to match.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    /// The rule as written.
    pub(crate) rule: Rule,
    scope: Option<LazyGlobs>,
    exclude: LazyGlobs,
    /// The code matcher of a code rule, compiled when first needed (a change of one file
    /// needs few of them; the regular expressions and queries of all take ~10 ms).
    code: Option<LazyCode>,
    /// A `fill_imports` rule's matcher for each file a fill names imports for, compiled when
    /// first needed (a guard judges one file).
    per_file: std::collections::HashMap<String, LazyCode>,
}

/// A matcher compiled on first use; its clones share the one compiled matcher (fills that
/// share an import list compile it once).
#[derive(Debug, Clone)]
struct LazyCode {
    source: std::sync::Arc<CodeMatch>,
    compiled: std::sync::Arc<std::sync::OnceLock<CompiledCode>>,
}

impl LazyCode {
    /// `source`'s matcher, compiled now when `check` (a spec read from its YAML, whose errors
    /// must be told at once), else when first used.
    fn new(source: CodeMatch, check: bool) -> std::result::Result<Self, String> {
        let compiled = std::sync::OnceLock::new();
        if check {
            let _ = compiled.set(CompiledCode::new(&source)?);
        }
        Ok(Self {
            source: std::sync::Arc::new(source),
            compiled: std::sync::Arc::new(compiled),
        })
    }

    fn get(&self) -> &CompiledCode {
        self.compiled.get_or_init(|| {
            // Every matcher compiled once when the spec was loaded from its YAML, and the
            // embedded specs' matchers are compiled by the tests: this cannot fail.
            CompiledCode::new(&self.source).expect("the matcher compiled before")
        })
    }
}

impl CompiledRule {
    /// True when `path` is in the rule's scope.
    pub(crate) fn applies_to(&self, path: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.is_match(path)) && !self.exclude.is_match(path)
    }

    /// The code matcher for `path`, if this is a code rule that judges it.
    pub(crate) fn code_for(&self, path: &str) -> Option<&CompiledCode> {
        self.code
            .as_ref()
            .or_else(|| self.per_file.get(path))
            .map(LazyCode::get)
    }
}

/// The compiled rules of one phase, with what their messages cite.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// The phase id (`d`).
    pub(crate) phase: String,
    /// The phase document's file name, cited in messages (`phase_d.md`).
    pub(crate) document: String,
    /// Paths the phase may create: its marker and its `creates`.
    pub(crate) may_create: BTreeSet<String>,
    /// The folder of the Python packages, for relative imports.
    pub(crate) python_root: Option<String>,
    /// The repository's own files (`README*`, `.github/**`, ...): created, deleted, renamed
    /// and edited freely, whatever the phase.
    repository: LazyGlobs,
    /// The globs `repository` was built from.
    repository_globs: Vec<String>,
    /// The rules, in spec order.
    pub(crate) rules: Vec<CompiledRule>,
    /// True when the rules judge a later phase's work (this phase complete at the base, no
    /// spec for the next): §5 lets later phases "insert additional logic into anchors or new
    /// blocks", so a new anchor block outside the old ones is no edit outside the anchors.
    pub(crate) new_blocks: bool,
}

impl RuleSet {
    /// Compiles the rules of `spec`, leaving `repository_files` (globs) to the repository; an
    /// error points at the broken rule in the spec.
    ///
    /// With `check` false, the fills' import lists are compiled when first used instead (the
    /// embedded specs, whose lists the tests compile).
    pub(crate) fn compile(
        spec: &PhaseSpec,
        repository_files: &[String],
        check: bool,
    ) -> Result<Self> {
        let mut memo = Globs {
            sets: std::collections::HashMap::new(),
            check,
        };
        let mut seen = BTreeSet::new();
        let mut rules = Vec::with_capacity(spec.rules.len());
        for (i, rule) in spec.rules.iter().enumerate() {
            let err = |message: String| {
                Error::spec(
                    spec.origin.file.clone(),
                    spec.origin.rule_place(i),
                    format!("rule `{}`: {message}", rule.id),
                    "see the Guardrails section of the README for how a rule is written",
                )
            };
            if rule.id.trim().is_empty() {
                return Err(err("the id is empty".into()));
            }
            if !seen.insert(rule.id.clone()) {
                return Err(err("the id is used twice".into()));
            }
            validate_shape(rule).map_err(err)?;
            let mut per_file = std::collections::HashMap::new();
            let code = match &rule.matcher {
                Some(m) if m.fill_imports => {
                    let mut lists: Vec<(Vec<String>, LazyCode)> = Vec::new();
                    for file in spec.fill_files() {
                        let Some(imports) = spec.imports_of(file) else {
                            continue;
                        };
                        // Fills that share a list share its matcher.
                        let lazy = match lists.iter().find(|(list, _)| *list == imports) {
                            Some((_, lazy)) => lazy.clone(),
                            None => {
                                let source = CodeMatch {
                                    allow_imports: imports.clone(),
                                    fill_imports: false,
                                    ..m.clone()
                                };
                                let lazy = LazyCode::new(source, check).map_err(err)?;
                                lists.push((imports, lazy.clone()));
                                lazy
                            }
                        };
                        per_file.insert(file.to_string(), lazy);
                    }
                    None
                }
                Some(m) => Some(LazyCode::new(m.clone(), check).map_err(err)?),
                None => None,
            };
            rules.push(CompiledRule {
                rule: rule.clone(),
                scope: if rule.scope.is_empty() {
                    None
                } else {
                    Some(memo.get(&rule.scope).map_err(err)?)
                },
                exclude: memo.get(&rule.exclude).map_err(err)?,
                code,
                per_file,
            });
        }
        let document = spec
            .document
            .as_deref()
            .map(|d| d.rsplit('/').next().unwrap_or(d).to_string())
            .unwrap_or_else(|| format!("phase_{}.md", spec.id));
        let mut may_create: BTreeSet<String> =
            spec.creates.iter().map(|c| c.path.clone()).collect();
        may_create.insert(spec.marker.path.clone());
        let repository = globs(repository_files, check).map_err(|message| {
            Error::spec(
                spec.origin.file.clone(),
                None,
                format!("repository files: {message}"),
                "write globs such as `README*` or `.github/**`",
            )
        })?;
        Ok(Self {
            phase: spec.id.clone(),
            document,
            may_create,
            python_root: spec.python_root.clone(),
            repository,
            repository_globs: repository_files.to_vec(),
            new_blocks: false,
            rules,
        })
    }

    /// The same rules, with more of the repository's own files (from its `.hivegen/`
    /// configuration) left alone.
    pub(crate) fn widened(&self, extra: &[String]) -> std::result::Result<Self, String> {
        if extra.is_empty() {
            return Ok(self.clone());
        }
        let mut all = self.repository_globs.clone();
        all.extend(extra.iter().cloned());
        Ok(Self {
            repository: globs(&all, true)?,
            repository_globs: all,
            ..self.clone()
        })
    }

    /// These rules, judging the work of a later phase hivegen has no spec for: new anchor
    /// blocks allowed (see [`RuleSet::new_blocks`]).
    pub(crate) fn for_later_work(mut self) -> Self {
        self.new_blocks = true;
        self
    }

    /// True for one of the repository's own files, which no structure rule judges.
    pub(crate) fn is_repository_file(&self, path: &str) -> bool {
        self.repository.is_match(path)
    }

    /// The rules that run a structure check on `path`.
    pub(crate) fn checking<'s>(
        &'s self,
        check: StructureCheck,
        path: &'s str,
    ) -> impl Iterator<Item = &'s CompiledRule> + 's {
        self.rules
            .iter()
            .filter(move |r| r.rule.check == Some(check) && r.applies_to(path))
    }

    /// `path` parsed as Python, its relative imports resolved through its package.
    pub(crate) fn parse<'t>(&self, path: &str, text: &'t str) -> PySource<'t> {
        let module = self
            .python_root
            .as_deref()
            .and_then(|root| python::module_of(path, root));
        PySource::parse_module(text, module)
    }

    /// The code rules that apply to `path`, each with its matcher there.
    pub(crate) fn code_rules_for(&self, path: &str) -> Vec<(&CompiledRule, &CompiledCode)> {
        self.rules
            .iter()
            .filter(|r| r.applies_to(path))
            .filter_map(|r| r.code_for(path).map(|c| (r, c)))
            .collect()
    }
}

fn validate_shape(rule: &Rule) -> Result<(), String> {
    match rule.kind {
        RuleKind::Structure => {
            let Some(check) = rule.check else {
                return Err("a structure rule needs `check:` (created, deleted, renamed, touched, outside-anchor, anchor-content, phase-order, fill-intact, anchors-well-formed, fills-complete)".into());
            };
            if rule.matcher.is_some() {
                return Err("a structure rule has no `match:`; make it `kind: code`".into());
            }
            let content = check == StructureCheck::AnchorContent;
            if content && (rule.anchor.is_none() || rule.allow.is_empty()) {
                return Err(
                    "an `anchor-content` rule needs `anchor:` and a non-empty `allow:`".into(),
                );
            }
            if !content && (rule.anchor.is_some() || !rule.allow.is_empty()) {
                return Err(
                    "`anchor:` and `allow:` belong to `check: anchor-content` rules only".into(),
                );
            }
        }
        RuleKind::Code => {
            if rule.check.is_some() || rule.anchor.is_some() || !rule.allow.is_empty() {
                return Err(
                    "a code rule has `match:` only, not `check:`, `anchor:` or `allow:`".into(),
                );
            }
            match &rule.matcher {
                None => return Err("a code rule needs `match:` (calls, imports, decorators, attributes, names, keywords, syntax, strings, string_patterns, defined_names, queries)".into()),
                Some(m) if m.is_empty() => return Err("`match:` lists nothing to match".into()),
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// Glob sets made once per list: many rules share a scope (`backend/**/*.py`).
struct Globs {
    sets: std::collections::HashMap<Vec<String>, LazyGlobs>,
    /// Build each set at once (a spec read from its YAML, whose errors must be told now).
    check: bool,
}

impl Globs {
    fn get(&mut self, patterns: &[String]) -> Result<LazyGlobs, String> {
        if let Some(set) = self.sets.get(patterns) {
            return Ok(set.clone());
        }
        let set = globs(patterns, self.check)?;
        self.sets.insert(patterns.to_vec(), set.clone());
        Ok(set)
    }
}

/// A glob set built into a matcher (which compiles regular expressions) only when first asked
/// about a path that could match: one that starts with a glob's literal prefix, what comes
/// before its first `*`, `?`, `[`, `{` or `\`. A guard judges one file against the scope of
/// every rule, and building every set was a sixth of its work; most scopes cannot hold the
/// file. Clones share the one matcher.
#[derive(Debug, Clone)]
struct LazyGlobs {
    globs: Arc<Vec<Glob>>,
    prefixes: Vec<String>,
    set: Arc<OnceLock<GlobSet>>,
}

impl LazyGlobs {
    fn is_match(&self, path: &str) -> bool {
        self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
            && self
                .set
                .get_or_init(|| {
                    build(&self.globs).expect("the globs were built when the spec was compiled")
                })
                .is_match(path)
    }
}

fn build(globs: &[Glob]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        builder.add(g.clone());
    }
    builder.build().map_err(|e| e.to_string())
}

/// `patterns` as a set; built now when `check` (else each glob is only parsed).
fn globs(patterns: &[String], check: bool) -> Result<LazyGlobs, String> {
    let globs = patterns
        .iter()
        .map(|p| glob(p))
        .collect::<Result<Vec<_>, _>>()?;
    let set = OnceLock::new();
    if check {
        let _ = set.set(build(&globs)?);
    }
    Ok(LazyGlobs {
        prefixes: patterns
            .iter()
            .map(|p| p[..p.find(['*', '?', '[', '{', '\\']).unwrap_or(p.len())].to_string())
            .collect(),
        globs: Arc::new(globs),
        set: Arc::new(set),
    })
}

fn glob(pattern: &str) -> Result<Glob, String> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("bad scope glob `{pattern}`: {e}"))
}

#[cfg(test)]
#[path = "compile_tests.rs"]
mod tests;
