//! The clap definition of the command line. Options are grouped and flattened into the
//! subcommands they apply to, so `completions` and `man` take none of them, and `--templates`
//! belongs to `phase` alone.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

const ABOUT_EXAMPLES: &str = "Examples:
  hivegen phase c --repo demo          # lay the scaffold into a new folder
  hivegen phase d --repo demo          # fill the Phase D anchors
  hivegen phase d --diff | less -R     # preview as a unified diff
  hivegen phase d --check              # exit 1 if anything would change
  hivegen anchors --format json        # every anchor and its state
  hivegen verify --base origin/main --format github
  hivegen explain D-ORM-RELATIONSHIP   # what a rule forbids, and how to fix it";

/// Turns a HiveSync phase document into a program: fill its anchors, refuse forbidden edits,
/// verify phase boundaries in CI.
#[derive(Debug, Parser)]
#[command(name = "hivegen", version, about, max_term_width = 100)]
#[command(after_help = ABOUT_EXAMPLES, disable_help_subcommand = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// How talkative, and in colour or not.
#[derive(Debug, Clone, Args)]
pub(crate) struct OutputArgs {
    /// Print only errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Print each file considered and each decision.
    #[arg(long, short)]
    pub(crate) verbose: bool,
    /// When to colour the output (`auto` honours NO_COLOR and CLICOLOR_FORCE).
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub(crate) color: ColorArg,
}

/// The repository a command works on.
#[derive(Debug, Clone, Args)]
pub(crate) struct RepoArgs {
    /// The HiveSync repository to work on.
    #[arg(long, short = 'C', value_name = "DIR", default_value = ".")]
    pub(crate) repo: PathBuf,
}

/// Where phase specs come from.
#[derive(Debug, Clone, Args)]
pub(crate) struct SpecsArgs {
    /// Read phase specs from DIR instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub(crate) specs: Option<PathBuf>,
}

/// Where a phase's templates and the domain model come from.
#[derive(Debug, Clone, Args)]
pub(crate) struct AssetArgs {
    /// Read templates from DIR (one folder per phase, e.g. DIR/phase_d/…) instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub(crate) templates: Option<PathBuf>,
    /// Read the domain model from FILE instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub(crate) domain: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run a phase: `c` lays the scaffold, `d` fills its anchors.
    #[command(
        after_help = "Examples:\n  hivegen phase c --repo demo     # scaffold into a new folder\n  hivegen phase d --repo demo     # fill the Phase D anchors\n  hivegen phase d --diff          # preview, write nothing\n  hivegen phase d --check         # exit 1 if anything would change\n  hivegen phase d --check --format json"
    )]
    Phase {
        /// The phase id.
        #[arg(value_parser = PhaseId)]
        id: String,
        /// Overwrite fills that were edited by hand, and reopen a completed phase.
        #[arg(long)]
        force: bool,
        /// Print the plan as a unified diff; write nothing.
        #[arg(long, conflicts_with = "check")]
        diff: bool,
        /// Write nothing; list what would change; exit 1 if anything would.
        #[arg(long)]
        check: bool,
        /// How `--check` lists the changes.
        #[arg(long, value_enum, default_value = "human", requires = "check")]
        format: FormatArg,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        specs: SpecsArgs,
        #[command(flatten)]
        assets: AssetArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Check phase boundaries: the tree, and the change since a base revision (or the staged one).
    #[command(
        after_help = "Examples:\n  hivegen verify                          # the working tree\n  hivegen verify --base origin/main       # and the change since origin/main\n  hivegen verify --staged                 # and what the next commit holds (pre-commit)\n  hivegen verify --base HEAD~1 --format sarif --output hivegen.sarif --exit-zero"
    )]
    Verify {
        /// Also judge the change from REV (read with git) to the working tree.
        #[arg(long, value_name = "REV", conflicts_with = "staged")]
        base: Option<String>,
        /// Also judge the staged change (the index against HEAD): what the next commit holds.
        #[arg(long)]
        staged: bool,
        /// How to print findings.
        #[arg(long, value_enum, default_value = "human")]
        format: VerifyFormatArg,
        /// Write the report to FILE instead of stdout (the summary stays on stderr).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Report the findings but exit 0 (errors still exit 2).
        #[arg(long)]
        exit_zero: bool,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        specs: SpecsArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Judge a code assistant's edit before it is written (a hook): a payload on stdin.
    #[command(
        after_help = "Examples:\n  hivegen guard < payload.json              # a Claude Code PreToolUse or Stop hook\n  hivegen guard --format json < payload.json\n  hivegen guard --path backend/app/models/user.py < new_content.py\n  hivegen guard --install claude            # write the hooks into .claude/settings.json"
    )]
    Guard {
        /// `human`: a deny is exit 2 with the reason on stderr; `json`: exit 0 with Claude
        /// Code's decision object on stdout.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        /// Judge new content for FILE, given on stdin (exit 0 allow, 1 deny, 2 error), for
        /// assistants and editors other than Claude Code.
        #[arg(long, value_name = "FILE", conflicts_with = "install")]
        path: Option<PathBuf>,
        /// Add the hooks to the repository's settings of an assistant.
        #[arg(long, value_enum, value_name = "ASSISTANT")]
        install: Option<AssistantArg>,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        specs: SpecsArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List every anchor of the repository with its state.
    #[command(
        after_help = "Examples:\n  hivegen anchors\n  hivegen anchors --format json | jq '.anchors[] | select(.state != \"filled\")'"
    )]
    Anchors {
        /// Table or JSON.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Explain a rule: what it forbids, which bullet of the phase document, an example, the fix.
    #[command(
        after_help = "Examples:\n  hivegen explain D-ORM-RELATIONSHIP\n  hivegen explain d-imports"
    )]
    Explain {
        /// The rule id.
        rule: String,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        specs: SpecsArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Inspect the phase specs.
    #[command(
        after_help = "Examples:\n  hivegen spec list\n  hivegen spec show d\n  hivegen spec lint --doc spec/phase_d.md"
    )]
    #[command(disable_help_subcommand = true)]
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
    /// Print a shell completion script for SHELL on stdout.
    #[command(
        after_help = "Examples:\n  hivegen completions bash > ~/.local/share/bash-completion/completions/hivegen\n  hivegen completions zsh > ~/.zfunc/_hivegen\n  hivegen completions fish > ~/.config/fish/completions/hivegen.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff) on stdout, or write one page per subcommand into DIR.
    #[command(
        after_help = "Examples:\n  hivegen man | man -l -\n  hivegen man --dir ~/.local/share/man/man1"
    )]
    Man {
        /// Write hivegen.1, hivegen-phase.1, … into DIR instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SpecCommand {
    /// List the phases hivegen knows.
    #[command(after_help = "Example:\n  hivegen spec list")]
    List {
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        specs: SpecsArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Print one phase spec in full, with the document bullets its rules cite.
    #[command(after_help = "Example:\n  hivegen spec show d --specs my_specs/")]
    Show {
        /// The phase id.
        #[arg(value_parser = PhaseId)]
        id: String,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        specs: SpecsArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Check a phase's rules against its document: exit 1 naming every forbidden bullet no rule cites.
    #[command(
        after_help = "Example:\n  hivegen spec lint --doc spec/phase_d.md\n  hivegen spec lint --doc docs/phase_e.md --phase e"
    )]
    Lint {
        /// The phase document (Markdown).
        #[arg(long, value_name = "FILE")]
        doc: PathBuf,
        /// The phase the document is for (by default, the one whose `document` has the file's name).
        #[arg(long, value_name = "ID", value_parser = PhaseId)]
        phase: Option<String>,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        specs: SpecsArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Output formats shared by listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// For people.
    Human,
    /// For programs.
    Json,
}

/// How `verify` prints findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyFormatArg {
    /// rustc-style diagnostics.
    Human,
    /// A JSON document (its schema: schemas/verify.schema.json).
    Json,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorArg {
    /// On a terminal, unless NO_COLOR is set or CLICOLOR_FORCE forces it.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The code assistants whose hooks `guard --install` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AssistantArg {
    /// Claude Code: `.claude/settings.json`.
    Claude,
}

/// A phase id: any string (a spec given with `--specs` may define any phase), with the
/// embedded phases offered by completions and help.
#[derive(Debug, Clone, Copy)]
struct PhaseId;

impl TypedValueParser for PhaseId {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let registry = crate::registry::Registry::embedded().ok()?;
        let values: Vec<PossibleValue> = registry
            .phases()
            .map(|p| PossibleValue::new(p.spec.id.clone()).help(p.spec.title.clone()))
            .collect();
        Some(Box::new(values.into_iter()))
    }
}
