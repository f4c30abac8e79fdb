//! The rules engine: a phase's rules (data in its spec, [`crate::spec::Rule`]) compiled into a
//! [`RuleSet`], and the pure functions that judge plain data with it: a list of file changes
//! (path, old bytes, new bytes) or the bytes of one file of a tree. It knows nothing of plans,
//! git or the disk; `plan`, `verify` and `guard` read what they judge and call it.
//!
//! A **structure** rule names a `check` (a file created, deleted, renamed, a protected path
//! touched, an edit outside the anchors, ...); a **code** rule names what to `match` in Python
//! code (calls, imports, decorators, attributes, names, keywords, constructs, tree-sitter
//! queries), never in comments, strings or docstrings.

mod anchor_content;
mod anymatch;
mod change;
mod code;
mod compile;
mod finding;
mod frozen;
mod outside;
mod pattern;
pub(crate) mod python;
mod tree;

pub use change::{judge_changes, ChangeStatus, FileChange};
pub use compile::RuleSet;
pub use finding::Finding;

pub(crate) use finding::finish;
pub(crate) use frozen::judge_frozen;
pub(crate) use tree::{
    judge_anchored_file, judge_fill_file, linked_fill_file, marker_content, phase_order, unmarked,
};
