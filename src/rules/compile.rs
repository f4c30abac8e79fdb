//! Compiling a phase's rules: globs into matchers, patterns and tree-sitter queries checked,
//! and each rule's shape validated (a structure rule names a `check`, a code rule a `match`).

use std::collections::BTreeSet;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::code::CompiledCode;
use super::{Rule, RuleKind, StructureCheck};
use crate::spec::PhaseSpec;

/// Why a rule does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule `{rule}`: {message}")]
pub struct RuleError {
    /// The rule's id.
    pub rule: String,
    /// What is wrong with it.
    pub message: String,
}

/// One rule, ready to match.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// The rule as written.
    pub rule: Rule,
    scope: Option<GlobSet>,
    exclude: GlobSet,
    /// The code matcher of a code rule.
    pub(crate) code: Option<CompiledCode>,
}

impl CompiledRule {
    /// True when `path` is in the rule's scope.
    pub fn applies_to(&self, path: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.is_match(path)) && !self.exclude.is_match(path)
    }

    /// The structure check, if this is a structure rule.
    pub fn check(&self) -> Option<StructureCheck> {
        self.rule.check
    }
}

/// The compiled rules of one phase, with what their messages cite.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// The phase id (`d`).
    pub phase: String,
    /// The phase document's file name, cited in messages (`phase_d.md`).
    pub document: String,
    /// Paths the phase may create: its marker and its `creates`.
    pub may_create: BTreeSet<String>,
    /// The rules, in spec order.
    pub rules: Vec<CompiledRule>,
}

impl RuleSet {
    /// Compiles the rules of `spec`.
    pub fn compile(spec: &PhaseSpec) -> Result<Self, RuleError> {
        let mut seen = BTreeSet::new();
        let mut rules = Vec::with_capacity(spec.rules.len());
        for rule in &spec.rules {
            let err = |message: String| RuleError {
                rule: rule.id.clone(),
                message,
            };
            if rule.id.trim().is_empty() {
                return Err(err("the id is empty".into()));
            }
            if !seen.insert(rule.id.clone()) {
                return Err(err("the id is used twice".into()));
            }
            validate_shape(rule).map_err(err)?;
            let code = match &rule.matcher {
                Some(m) => Some(CompiledCode::new(m).map_err(err)?),
                None => None,
            };
            rules.push(CompiledRule {
                rule: rule.clone(),
                scope: if rule.scope.is_empty() {
                    None
                } else {
                    Some(globs(&rule.scope).map_err(err)?)
                },
                exclude: globs(&rule.exclude).map_err(err)?,
                code,
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
        Ok(Self {
            phase: spec.id.clone(),
            document,
            may_create,
            rules,
        })
    }

    /// The rules that run a structure check.
    pub fn with_check(&self, check: StructureCheck) -> impl Iterator<Item = &CompiledRule> {
        self.rules
            .iter()
            .filter(move |r| r.rule.check == Some(check))
    }

    /// The code rules.
    pub fn code_rules(&self) -> impl Iterator<Item = &CompiledRule> {
        self.rules.iter().filter(|r| r.code.is_some())
    }
}

fn validate_shape(rule: &Rule) -> Result<(), String> {
    match rule.kind {
        RuleKind::Structure => {
            let Some(check) = rule.check else {
                return Err("a structure rule needs `check:` (created, deleted, renamed, touched, outside-anchor, anchor-content, phase-order, fill-intact, anchors-well-formed)".into());
            };
            if rule.matcher.is_some() {
                return Err("a structure rule has no `match:`; make it `kind: code`".into());
            }
            if check == StructureCheck::AnchorContent
                && (rule.anchor.is_none() || rule.allow.is_empty())
            {
                return Err(
                    "an `anchor-content` rule needs `anchor:` and a non-empty `allow:`".into(),
                );
            }
            if check != StructureCheck::AnchorContent
                && (rule.anchor.is_some() || !rule.allow.is_empty())
            {
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
                None => return Err("a code rule needs `match:` (calls, imports, decorators, attributes, names, keywords, queries)".into()),
                Some(m) if m.is_empty() => return Err("`match:` lists nothing to match".into()),
                Some(_) => {}
            }
        }
    }
    Ok(())
}

fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(glob(p)?);
    }
    builder.build().map_err(|e| e.to_string())
}

fn glob(pattern: &str) -> Result<Glob, String> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("bad scope glob `{pattern}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(rules: &str) -> PhaseSpec {
        let text = format!("id: d\ntitle: T\nmarker:\n  path: docs/M\n  content: \"M\\n\"\ndone: DONE\nrules:\n{rules}");
        serde_saphyr::from_str::<PhaseSpec>(&text).unwrap()
    }

    #[test]
    fn scope_globs_respect_folders() {
        let s = spec("  - {id: R, kind: structure, check: touched, section: '3', message: m, scope: ['desktop/**', '**/migrations/**', 'alembic*']}\n");
        let set = RuleSet::compile(&s).unwrap();
        let r = &set.rules[0];
        assert!(r.applies_to("desktop/app/main.ts"));
        assert!(r.applies_to("backend/migrations/versions/1.py"));
        assert!(r.applies_to("alembic.ini"));
        assert!(!r.applies_to("backend/alembic.ini"));
        assert!(!r.applies_to("desktopx/a"));
        assert!(set.may_create.contains("docs/M"));
    }

    #[test]
    fn shape_errors_name_the_rule() {
        let s = spec("  - {id: R, kind: code, section: '3', message: m}\n");
        let e = RuleSet::compile(&s).unwrap_err();
        assert_eq!(e.rule, "R");
        assert!(e.message.contains("match"), "{e}");
    }
}
