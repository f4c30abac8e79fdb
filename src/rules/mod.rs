//! Rules: what a phase forbids, as data in its spec. (The matching engine lands with the
//! guardrails work; for now a rule is parsed and validated, not yet enforced.)

use serde::{Deserialize, Serialize};

/// One forbidden-edit rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `D-ORM-RELATIONSHIP`.
    pub id: String,
    /// Structure or code.
    pub kind: RuleKind,
    /// The section of the phase document the rule comes from.
    pub section: String,
    /// What the rule forbids and why, for the user.
    pub message: String,
    /// Path globs the rule applies to.
    #[serde(default)]
    pub scope: Vec<String>,
}

/// The two kinds of rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Files created, deleted or renamed; protected paths; edits outside anchors.
    Structure,
    /// Calls, imports, decorators, attributes or patterns, in code only.
    Code,
}

/// Checks a plan's rendered output against the phase's rules (enforcement lands with the
/// guardrails work).
pub fn check_plan(
    _spec: &crate::spec::PhaseSpec,
    _plan: &crate::plan::Plan,
) -> Vec<crate::diag::Diagnostic> {
    Vec::new()
}
