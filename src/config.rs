//! The plain, validated configuration of a run, built from the command line by `cli`. Nothing
//! here knows clap.

use std::path::PathBuf;

use crate::assets::Overrides;

/// How `verify` prints findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerifyFormat {
    /// rustc-style diagnostics.
    Human,
    /// A JSON document.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

/// How much hivegen says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verbosity {
    /// Errors only.
    Quiet,
    /// A summary.
    Normal,
    /// Every file considered and every decision.
    Verbose,
}

/// What `phase` does with its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Write it.
    Apply,
    /// Print it as a unified diff.
    Diff,
    /// Say whether anything would change.
    Check,
}

/// Which change `verify` judges, besides the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// None: the tree alone.
    None,
    /// From a base revision to the working tree.
    Since(String),
    /// The index against HEAD: what the next commit holds.
    Staged,
}

/// The job of this run.
#[derive(Debug, Clone)]
pub(crate) enum Task {
    /// Run a phase.
    Phase {
        /// Phase id.
        id: String,
        /// Overwrite hand edits and reopen a completed phase.
        force: bool,
        /// Apply, diff or check.
        mode: Mode,
        /// `--check` as JSON.
        json: bool,
    },
    /// Check phase boundaries.
    Verify {
        /// The change judged besides the tree.
        change: Change,
        /// Output format.
        format: VerifyFormat,
        /// Where the report goes (stdout when `None`).
        output: Option<PathBuf>,
        /// Exit 0 whatever the findings.
        exit_zero: bool,
    },
    /// Judge an assistant's edit.
    Guard {
        /// Claude Code's JSON decision instead of exit codes.
        json: bool,
        /// `--path FILE`: new content for FILE on stdin.
        path: Option<PathBuf>,
        /// `--install`: write the hooks instead.
        install: bool,
    },
    /// List anchors.
    Anchors {
        /// JSON instead of a table.
        json: bool,
    },
    /// Explain one rule.
    Explain {
        /// The rule id.
        rule: String,
    },
    /// List the phases.
    SpecList,
    /// Show one phase.
    SpecShow {
        /// Phase id.
        id: String,
    },
    /// Check a phase's rules against its document.
    SpecLint {
        /// The document.
        doc: PathBuf,
        /// The phase, when the document's name does not say.
        phase: Option<String>,
    },
}

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The repository: an existing folder, except for `phase`, where a scaffold phase may
    /// create it.
    pub(crate) repo: PathBuf,
    /// Where specs, templates and the domain model come from (each path checked to exist).
    pub(crate) overrides: Overrides,
    /// What to do.
    pub(crate) task: Task,
}
