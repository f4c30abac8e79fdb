//! Rules: what a phase forbids, as data in its spec (`rules:`), and the engine that judges a
//! change or a tree against them.
//!
//! A rule has an id, the section of the phase document it comes from, a message, a scope (path
//! globs) and a kind. A **structure** rule names a `check` (a file created, deleted, renamed, a
//! protected path touched, an edit outside the anchors, ...); a **code** rule names what to
//! `match` in Python code (calls, imports, decorators, attributes, names, keywords, tree-sitter
//! queries), never in comments, strings or docstrings.
//!
//! The same rules judge three things: hivegen's own plan before it writes ([`check_plan`]), a
//! change from a base revision (`hivegen verify --base`), and a tree (`hivegen verify`).

mod anchor_content;
mod change;
mod code;
mod compile;
mod finding;
mod outside;
pub mod pattern;
pub mod python;
mod scan;
mod tree;

use serde::{Deserialize, Serialize};

pub use change::{finish, judge_changes, ChangeStatus, FileChange};
pub use code::CodeMatch;
pub use compile::{CompiledRule, RuleError, RuleSet};
pub use scan::judge_all_anchors;
pub use tree::{complete_phases, judge_tree};

use crate::diag::Diagnostic;
use crate::plan::Plan;
use crate::spec::PhaseSpec;

/// One forbidden-edit rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `D-ORM-RELATIONSHIP`: what reports, annotations and SARIF name.
    pub id: String,
    /// Structure or code.
    pub kind: RuleKind,
    /// The section of the phase document the rule comes from (`2.2`, `4`).
    pub section: String,
    /// What the rule forbids and why, for the user; the section is cited after it.
    pub message: String,
    /// What to do instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Path globs the rule applies to (`backend/app/models/*.py`); empty means every path.
    /// `*` stays within a folder, `**` crosses folders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// Path globs the rule does not apply to, even within its scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Structure rules: what is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<StructureCheck>,
    /// `anchor-content` rules: the anchor whose content is restricted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// `anchor-content` rules: the only statements the anchor may hold (compared with
    /// whitespace and parentheses ignored; comments are always allowed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// Code rules: what to match.
    #[serde(rename = "match", default, skip_serializing_if = "Option::is_none")]
    pub matcher: Option<CodeMatch>,
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

/// What a structure rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StructureCheck {
    /// A file is created, other than the phase's marker and the files its spec creates.
    Created,
    /// A file is deleted.
    Deleted,
    /// A file is renamed.
    Renamed,
    /// Any change (create, edit, delete, rename) of a path in scope: `desktop/**`, ….
    Touched,
    /// An existing file changes outside its anchor bodies (end-marker stamps excepted).
    OutsideAnchor,
    /// The anchor named by `anchor` holds a statement not in `allow`.
    AnchorContent,
    /// A phase is complete but a phase it requires is not (tree check).
    PhaseOrder,
    /// A fill of a completed phase no longer matches its checksum: frozen code was edited
    /// (tree check).
    FillIntact,
    /// The anchors of a completed phase's files are well formed and present (tree check).
    AnchorsWellFormed,
    /// Every anchor a completed phase fills holds something: a marker alone does not make a
    /// phase complete (tree check).
    FillsComplete,
}

impl StructureCheck {
    /// True for checks that judge a change (and so need a base); false for tree checks.
    pub fn judges_change(self) -> bool {
        matches!(
            self,
            Self::Created
                | Self::Deleted
                | Self::Renamed
                | Self::Touched
                | Self::OutsideAnchor
                | Self::AnchorContent
        )
    }
}

/// Checks a plan's rendered output against the phase's rules, exactly as `verify --base`
/// judges a change: a template that renders a forbidden construct refuses the plan with the
/// rule id, the file and the line in the new text. A rule set that does not compile is
/// reported as a refusal too (the spec is broken, nothing may be written).
pub fn check_plan(spec: &PhaseSpec, plan: &Plan) -> Vec<Diagnostic> {
    let rules = match tree::compile(spec) {
        Ok(r) => r,
        Err(d) => return vec![d],
    };
    let changes: Vec<FileChange> = plan
        .changes
        .iter()
        .map(|c| FileChange {
            path: c.path.clone(),
            status: if c.old.is_some() {
                ChangeStatus::Modified
            } else {
                ChangeStatus::Added
            },
            old: c.old.clone(),
            new: Some(c.new.clone()),
        })
        .collect();
    judge_changes(&rules, &changes)
}
