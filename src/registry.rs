//! Every phase hivegen knows, parsed and compiled once: each spec with its rule set, in the
//! order their `requires` give (a phase comes after every phase it requires; ties by id).
//! Nothing about a particular phase is written in Rust: order, markers and rules are data.

use crate::error::{Error, Result};
use crate::rules::RuleSet;
use crate::spec::PhaseSpec;

/// One phase: its spec and its compiled rules.
#[derive(Debug, Clone)]
pub(crate) struct Phase {
    /// The spec as written.
    pub(crate) spec: PhaseSpec,
    /// Its rules, compiled.
    pub(crate) rules: RuleSet,
}

/// The phases, in dependency order.
#[derive(Debug, Clone)]
pub struct Registry {
    phases: Vec<Phase>,
}

impl Registry {
    /// Builds the registry from `(origin, text)` pairs: each spec parsed and its rules
    /// compiled; ids unique; every requirement defined; no cycle.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Self> {
        let mut specs: Vec<PhaseSpec> = Vec::new();
        for (origin, text) in sources {
            let spec = PhaseSpec::parse(text, origin)?;
            if specs.iter().any(|p| p.id == spec.id) {
                return Err(Error::spec(
                    origin.clone(),
                    None,
                    format!("phase `{}` is defined twice", spec.id),
                    "give each spec its own `id`",
                ));
            }
            specs.push(spec);
        }
        Self::from_specs(specs, true)
    }

    /// Builds the registry from parsed specs: rules compiled, requirements checked, ordered.
    /// With `check` false (embedded specs), parts of the rules compile when first used.
    fn from_specs(specs: Vec<PhaseSpec>, check: bool) -> Result<Self> {
        let mut ids: Vec<&str> = specs.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::spec(
                "phase_specs",
                None,
                format!("phase `{}` is defined twice", w[0]),
                "give each spec its own `id`",
            ));
        }
        // The repository's own files are the same for every phase: any spec may name them.
        let mut repository_files: Vec<String> = specs
            .iter()
            .flat_map(|s| s.repository_files.iter().cloned())
            .collect();
        repository_files.sort();
        repository_files.dedup();
        let mut phases = Vec::with_capacity(specs.len());
        for spec in specs {
            let rules = RuleSet::compile(&spec, &repository_files, check)?;
            phases.push(Phase { spec, rules });
        }
        for p in &phases {
            for r in &p.spec.requires {
                if !phases.iter().any(|q| &q.spec.id == r) {
                    return Err(Error::spec(
                        p.spec.origin.file.clone(),
                        None,
                        format!(
                            "phase `{}` requires phase `{r}`, which no spec defines",
                            p.spec.id
                        ),
                        "add the spec of that phase, or remove it from `requires`",
                    ));
                }
            }
        }
        Ok(Self {
            phases: order(phases)?,
        })
    }

    /// The embedded phases.
    pub fn embedded() -> Result<Self> {
        Self::load(&crate::assets::Assets::embedded())
    }

    /// The phases of `assets`: the embedded ones from their JSON form when every one of them
    /// loads from it, else from the YAML (which reports errors with their place).
    pub(crate) fn load(assets: &crate::assets::Assets) -> Result<Self> {
        let sources = assets.spec_sources()?;
        if let Some(json) = assets.specs_json() {
            let specs: Option<Vec<PhaseSpec>> = sources
                .iter()
                .map(|(origin, text)| {
                    let (_, j) = json.iter().find(|(name, _)| name == origin)?;
                    PhaseSpec::from_json(j, text, origin)
                })
                .collect();
            if let Some(specs) = specs.filter(|s| s.len() == json.len()) {
                return Self::from_specs(specs, false);
            }
        }
        Self::from_sources(&sources)
    }

    /// The compiled rules of phase `id`, if hivegen knows it.
    pub fn rule_set(&self, id: &str) -> Option<&RuleSet> {
        self.get(id).ok().map(|p| &p.rules)
    }

    /// Every phase, each after the phases it requires.
    pub(crate) fn phases(&self) -> impl DoubleEndedIterator<Item = &Phase> {
        self.phases.iter()
    }

    /// The phase with this id, case-insensitively.
    pub(crate) fn get(&self, id: &str) -> Result<&Phase> {
        let id = id.to_lowercase();
        self.phases.iter().find(|p| p.spec.id == id).ok_or_else(|| {
            let known: Vec<&str> = self.phases.iter().map(|p| p.spec.id.as_str()).collect();
            Error::usage(
                format!("no phase `{id}`"),
                format!(
                    "known phases: {}; see `hivegen spec list`",
                    known.join(", ")
                ),
            )
        })
    }

    /// True when `later` requires `earlier`, directly or through other phases.
    pub(crate) fn requires(&self, later: &str, earlier: &str) -> bool {
        let mut stack = vec![later];
        let mut seen = Vec::new();
        while let Some(id) = stack.pop() {
            let Some(p) = self.phases.iter().find(|p| p.spec.id == id) else {
                continue;
            };
            for r in &p.spec.requires {
                if r == earlier {
                    return true;
                }
                if !seen.contains(r) {
                    seen.push(r.clone());
                    stack.push(r);
                }
            }
        }
        false
    }

    /// The phase whose scaffold creates `path`, if any: who can restore it.
    pub(crate) fn creator_of(&self, path: &str) -> Option<&Phase> {
        self.phases
            .iter()
            .find(|p| p.spec.creates.iter().any(|c| c.path == path))
    }

    /// The phase whose marker file is `path`, if any.
    pub(crate) fn by_marker(&self, path: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.spec.marker.path == path)
    }

    /// The phase id of a marker file of a phase hivegen may have no spec for, by the specs'
    /// marker patterns (`docs/BUILD_PHASE_*_COMPLETE`).
    pub(crate) fn marker_id(&self, path: &str) -> Option<String> {
        self.phases
            .iter()
            .filter_map(|p| p.spec.marker.pattern.as_deref())
            .find_map(|pattern| crate::spec::marker_id(pattern, path))
    }

    /// The folders where markers live (for listing them), from the specs' patterns.
    pub(crate) fn marker_folders(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .phases
            .iter()
            .filter_map(|p| p.spec.marker.pattern.as_deref())
            .map(|pattern| pattern.rsplit_once('/').map_or("", |(dir, _)| dir))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The phases that may run once `complete` are complete: every phase they require is
    /// complete, and they are not complete themselves. In dependency order.
    pub(crate) fn next(&self, complete: &[&str]) -> Vec<&Phase> {
        self.phases
            .iter()
            .filter(|p| {
                !complete.contains(&p.spec.id.as_str())
                    && p.spec
                        .requires
                        .iter()
                        .all(|r| complete.contains(&r.as_str()))
            })
            .collect()
    }
}

/// Orders phases so that each comes after those it requires (ties by id); a cycle is an error.
fn order(mut pending: Vec<Phase>) -> Result<Vec<Phase>> {
    pending.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
    let mut done: Vec<Phase> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending.iter().position(|p| {
            p.spec
                .requires
                .iter()
                .all(|r| done.iter().any(|d| &d.spec.id == r))
        });
        match ready {
            Some(i) => done.push(pending.remove(i)),
            None => {
                let ids: Vec<&str> = pending.iter().map(|p| p.spec.id.as_str()).collect();
                return Err(Error::spec(
                    pending[0].spec.origin.file.clone(),
                    None,
                    format!(
                        "the phases {} require each other in a cycle",
                        ids.join(", ")
                    ),
                    "a phase may only require phases that come before it",
                ));
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str, requires: &str) -> (String, String) {
        (
            format!("{id}.yaml"),
            format!("id: {id}\ntitle: T\nrequires: [{requires}]\nmarker: {{path: docs/{id}, content: x}}\ndone: D\n"),
        )
    }

    #[test]
    fn phases_follow_their_requirements_not_their_names() {
        let r = Registry::from_sources(&[spec("a", "z"), spec("z", ""), spec("m", "a")]).unwrap();
        let ids: Vec<&str> = r.phases().map(|p| p.spec.id.as_str()).collect();
        assert_eq!(ids, ["z", "a", "m"]);
        assert!(r.requires("m", "z"));
        assert!(!r.requires("z", "m"));
        let next: Vec<&str> = r.next(&["z"]).iter().map(|p| p.spec.id.as_str()).collect();
        assert_eq!(next, ["a"]);
    }

    #[test]
    fn a_cycle_is_an_error() {
        let e = Registry::from_sources(&[spec("a", "b"), spec("b", "a")]).unwrap_err();
        assert!(e.to_string().contains("cycle"), "{e}");
    }

    /// The embedded specs load from JSON without compiling every list up front: here they
    /// are loaded from their YAML with every part compiled, and both agree.
    #[test]
    fn the_embedded_rules_compile_in_full() {
        let assets = crate::assets::Assets::embedded();
        let checked = Registry::from_sources(&assets.spec_sources().unwrap()).unwrap();
        let fast = Registry::embedded().unwrap();
        let ids = |r: &Registry| -> Vec<String> {
            r.phases()
                .flat_map(|p| p.spec.rules.iter().map(|r| r.id.clone()))
                .collect()
        };
        assert_eq!(ids(&checked), ids(&fast));
        assert!(ids(&fast).len() > 30);
    }

    #[test]
    fn the_embedded_phases_load() {
        let r = Registry::embedded().unwrap();
        assert!(r.requires("d", "c"));
        assert_eq!(
            r.marker_id("docs/BUILD_PHASE_K_COMPLETE").as_deref(),
            Some("k")
        );
        assert_eq!(
            r.creator_of("backend/app/main.py")
                .map(|p| p.spec.id.as_str()),
            Some("c")
        );
    }
}
