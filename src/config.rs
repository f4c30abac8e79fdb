//! The plain, validated configuration of a run, built from the command line by `cli`.

use std::path::PathBuf;

use crate::assets::Overrides;
// The completion generator's own shell list: completions are made from the clap definition.
pub use crate::cli::Shell;

/// How `verify` prints findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyFormat {
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
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// A summary.
    Normal,
    /// Every file considered and every decision.
    Verbose,
}

/// What `phase` does with its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write it.
    Apply,
    /// Print it as a unified diff.
    Diff,
    /// Say whether anything would change.
    Check,
}

/// The job of this run.
#[derive(Debug, Clone)]
pub enum Task {
    /// Run a phase.
    Phase {
        /// Phase id.
        id: String,
        /// Overwrite hand edits.
        force: bool,
        /// Apply, diff or check.
        mode: Mode,
    },
    /// Check phase boundaries.
    Verify {
        /// The base revision of the change, if any.
        base: Option<String>,
        /// Output format.
        format: VerifyFormat,
    },
    /// List anchors.
    Anchors {
        /// JSON instead of a table.
        json: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: Shell,
    },
    /// Print the man page, or write every page into a folder.
    Man {
        /// Where to write the pages; stdout when `None`.
        dir: Option<PathBuf>,
    },
    /// List the phases.
    SpecList,
    /// Show one phase.
    SpecShow {
        /// Phase id.
        id: String,
    },
}

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// The repository.
    pub repo: PathBuf,
    /// Where specs, templates and the domain model come from.
    pub overrides: Overrides,
    /// How talkative.
    pub verbosity: Verbosity,
    /// What to do.
    pub task: Task,
}
