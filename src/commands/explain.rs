//! `hivegen explain RULE`: one rule for a person: what it forbids and why, the section and
//! the bullets of the phase document, a change it catches and a look-alike it leaves alone,
//! and how to fix a finding.

use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Out;
use crate::registry::Registry;
use crate::spec::{Rule, RuleKind};

/// Prints the rule with id `id` (any case); an unknown id is an error naming the known ones.
pub(crate) fn run(registry: &Registry, id: &str, out: &Out) -> Result<Exit> {
    let found = registry.phases().find_map(|p| {
        p.spec
            .rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id))
            .map(|r| (p, r))
    });
    let Some((phase, rule)) = found else {
        let known: Vec<&str> = registry
            .phases()
            .flat_map(|p| p.spec.rules.iter().map(|r| r.id.as_str()))
            .collect();
        return Err(Error::usage(
            format!("no rule `{id}`"),
            format!("known rules: {}", known.join(", ")),
        ));
    };
    out.data(text(&phase.rules.document, rule));
    Ok(Exit::Success)
}

fn text(document: &str, rule: &Rule) -> String {
    let kind = match rule.kind {
        RuleKind::Structure => "structure rule",
        RuleKind::Code => "code rule (Python code only, never comments or docstrings)",
    };
    let mut t = format!("{}: {}\n\n", rule.id, rule.message);
    t.push_str(&format!("  kind:      {kind}\n"));
    t.push_str(&format!("  document:  {document} §{}\n", rule.section));
    for cite in &rule.cites {
        t.push_str(&format!("  enforces:  §{cite}\n"));
    }
    if !rule.scope.is_empty() {
        t.push_str(&format!("  applies:   {}\n", rule.scope.join(", ")));
    }
    if !rule.exclude.is_empty() {
        t.push_str(&format!("  except:    {}\n", rule.exclude.join(", ")));
    }
    if let Some(example) = &rule.example {
        t.push_str(&format!("\nCaught, for example: {example}\n"));
    }
    if let Some(look_alike) = &rule.look_alike {
        t.push_str(&format!("Left alone, for example: {look_alike}\n"));
    }
    if let Some(help) = &rule.help {
        t.push_str(&format!("\nTo fix: {help}\n"));
    }
    t
}
