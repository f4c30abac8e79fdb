//! A violation found by a rule, as data: the rule and phase, the file and the place in it, what
//! matched, and the rule's message citing the phase document. `output` and `report` render it;
//! nothing here formats for a terminal.

use std::collections::BTreeSet;

use super::compile::{CompiledRule, RuleSet};
use crate::error::Place;

/// One violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id: `D-ORM-RELATIONSHIP`.
    pub(crate) rule: String,
    /// The phase whose rule it is.
    pub(crate) phase: String,
    /// The file, relative to the repository, with `/`.
    pub(crate) file: String,
    /// Where in the file, when the finding has a place.
    pub(crate) place: Option<Place>,
    /// What matched: ``call `sqlalchemy.orm.relationship` ``, `` `x.py` is a new file ``.
    pub(crate) what: Option<String>,
    /// The whole headline: what matched, the rule's message and the section it cites.
    pub(crate) message: String,
    /// What to do instead.
    pub(crate) help: Option<String>,
    /// Reported only when no other rule reports on the same line.
    pub(crate) fallback: bool,
}

impl Finding {
    /// A violation of `rule` in `file`; `what` leads the message.
    pub(crate) fn new(set: &RuleSet, rule: &CompiledRule, file: &str, what: Option<&str>) -> Self {
        let r = &rule.rule;
        let cite = format!("({} §{})", set.document, r.section);
        let message = match what {
            Some(w) => format!("{w}: {} {cite}", r.message),
            None => format!("{} {cite}", r.message),
        };
        Self {
            rule: r.id.clone(),
            phase: set.phase.clone(),
            file: file.to_string(),
            place: None,
            what: what.map(str::to_string),
            message,
            help: r.help.clone(),
            fallback: r.fallback,
        }
    }

    /// The id of the rule it breaks.
    pub fn rule_id(&self) -> &str {
        &self.rule
    }

    /// The same finding at `place`.
    pub(crate) fn at(mut self, place: Place) -> Self {
        self.place = Some(place);
        self
    }

    /// The same finding with other advice.
    pub(crate) fn help(mut self, help: String) -> Self {
        self.help = Some(help);
        self
    }

    /// The 1-based line, when known.
    pub(crate) fn line(&self) -> Option<usize> {
        self.place.as_ref().map(|p| p.line)
    }
}

/// `f`, with the hit's own advice when it has some.
pub(crate) fn with_help(f: Finding, help: &Option<String>) -> Finding {
    match help {
        Some(h) => f.help(h.clone()),
        None => f,
    }
}

/// Sorts findings by place and drops repeats of one rule on one line.
pub(crate) fn finish(mut out: Vec<Finding>) -> Vec<Finding> {
    let key = |f: &Finding| {
        (
            f.file.clone(),
            f.line(),
            f.place.as_ref().map(|p| p.col),
            f.rule.clone(),
        )
    };
    out.sort_by_key(key);
    let mut seen = BTreeSet::new();
    out.retain(|f| seen.insert((f.file.clone(), f.line(), f.rule.clone())));
    let specific: BTreeSet<(String, Option<usize>)> = out
        .iter()
        .filter(|f| !f.fallback)
        .map(|f| (f.file.clone(), f.line()))
        .collect();
    out.retain(|f| !f.fallback || !specific.contains(&(f.file.clone(), f.line())));
    out
}
