//! The command line: clap's structs, turned at once into a plain, validated [`Config`] (paths
//! checked here, once), or handled here when they need no repository at all (completions and
//! man pages, as fd does). Nothing else in hivegen imports clap.

use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::assets::Overrides;
use crate::config::{Config, Mode, Task, Verbosity, VerifyFormat};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Out;

/// Turns a HiveSync phase document into a program: fill its anchors, refuse forbidden edits,
/// verify phase boundaries in CI.
#[derive(Debug, Parser)]
#[command(name = "hivegen", version, about, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  hivegen phase c --repo demo          # lay the scaffold into a new folder\n  hivegen phase d --repo demo          # fill the Phase D anchors\n  hivegen phase d --diff | less -R     # preview as a unified diff\n  hivegen phase d --check              # exit 1 if anything would change\n  hivegen anchors --format json        # every anchor and its state\n  hivegen verify --base origin/main --format github"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The HiveSync repository to work on.
    #[arg(
        long,
        short = 'C',
        global = true,
        value_name = "DIR",
        default_value = "."
    )]
    repo: PathBuf,
    /// Read phase specs from DIR instead of the embedded ones.
    #[arg(long, global = true, value_name = "DIR")]
    specs: Option<PathBuf>,
    /// Read templates from DIR (one folder per phase, e.g. DIR/phase_d/…) instead of the embedded ones.
    #[arg(long, global = true, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Read the domain model from FILE instead of the embedded one.
    #[arg(long, global = true, value_name = "FILE")]
    domain: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print each file considered and each decision.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a phase: `c` lays the scaffold, `d` fills its anchors.
    #[command(
        after_help = "Examples:\n  hivegen phase c --repo demo     # scaffold into a new folder\n  hivegen phase d --repo demo     # fill the Phase D anchors\n  hivegen phase d --diff          # preview, write nothing\n  hivegen phase d --check         # exit 1 if anything would change"
    )]
    Phase {
        /// The phase id (`c`, `d`).
        id: String,
        /// Overwrite fills that were edited by hand.
        #[arg(long)]
        force: bool,
        /// Print the plan as a unified diff; write nothing.
        #[arg(long, conflicts_with = "check")]
        diff: bool,
        /// Write nothing; list what would change; exit 1 if anything would.
        #[arg(long)]
        check: bool,
    },
    /// Check phase boundaries: the tree, and the change since a base revision.
    #[command(
        after_help = "Examples:\n  hivegen verify                          # the working tree\n  hivegen verify --base origin/main       # the change since origin/main\n  hivegen verify --base HEAD~1 --format github"
    )]
    Verify {
        /// Also judge the change from REV (read with git) to the working tree.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// How to print findings.
        #[arg(long, value_enum, default_value = "human")]
        format: VerifyFormatArg,
    },
    /// List every anchor of the repository with its state.
    #[command(
        after_help = "Examples:\n  hivegen anchors\n  hivegen anchors --format json | jq '.[] | select(.state != \"empty\")'"
    )]
    Anchors {
        /// Table or JSON.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
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
    /// Inspect the phase specs.
    #[command(after_help = "Examples:\n  hivegen spec list\n  hivegen spec show d")]
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SpecCommand {
    /// List the phases hivegen knows.
    #[command(after_help = "Example:\n  hivegen spec list")]
    List,
    /// Print one phase spec in full.
    #[command(after_help = "Example:\n  hivegen spec show d --specs my_specs/")]
    Show {
        /// The phase id.
        id: String,
    },
}

/// Output formats shared by listing commands.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// For people.
    Human,
    /// For programs.
    Json,
}

/// How `verify` prints findings (the command-line spelling of [`VerifyFormat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyFormatArg {
    /// rustc-style diagnostics.
    Human,
    /// A JSON document.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

impl From<VerifyFormatArg> for VerifyFormat {
    fn from(arg: VerifyFormatArg) -> Self {
        match arg {
            VerifyFormatArg::Human => VerifyFormat::Human,
            VerifyFormatArg::Json => VerifyFormat::Json,
            VerifyFormatArg::Github => VerifyFormat::Github,
            VerifyFormatArg::Sarif => VerifyFormat::Sarif,
        }
    }
}

/// Parses the process's arguments (clap prints usage errors and exits 2 itself) and says how
/// talkative the run is.
pub(crate) fn parse() -> (Result<Action>, Verbosity) {
    let cli = Cli::parse();
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    (cli.into_action(), verbosity)
}

/// What the command line asks for.
pub(crate) enum Action {
    /// A run on a repository.
    Run(Config),
    /// Print the completion script of a shell.
    Completions(Shell),
    /// Print the man page, or write every page into a folder.
    Man(Option<PathBuf>),
}

impl Cli {
    /// The validated request: every path the command line names is checked here.
    fn into_action(self) -> Result<Action> {
        let task = match self.command {
            Command::Completions { shell } => return Ok(Action::Completions(shell)),
            Command::Man { dir } => return Ok(Action::Man(dir)),
            Command::Phase {
                id,
                force,
                diff,
                check,
            } => Task::Phase {
                id,
                force,
                mode: if diff {
                    Mode::Diff
                } else if check {
                    Mode::Check
                } else {
                    Mode::Apply
                },
            },
            Command::Verify { base, format } => Task::Verify {
                base,
                format: format.into(),
            },
            Command::Anchors { format } => Task::Anchors {
                json: matches!(format, FormatArg::Json),
            },
            Command::Spec { command } => match command {
                SpecCommand::List => Task::SpecList,
                SpecCommand::Show { id } => Task::SpecShow { id },
            },
        };
        // A scaffold phase may lay a folder that does not exist yet, and `spec` only reads a
        // repository's own `.hivegen/` when there is one; `verify` and `anchors` need one.
        let may_be_absent = matches!(
            task,
            Task::Phase { .. } | Task::SpecList | Task::SpecShow { .. }
        );
        check_folder(&self.repo, may_be_absent)?;
        for path in [&self.specs, &self.templates, &self.domain]
            .into_iter()
            .flatten()
        {
            if !path.exists() {
                return Err(Error::NotAFolder {
                    path: path.clone(),
                    exists: false,
                });
            }
        }
        Ok(Action::Run(Config {
            repo: self.repo,
            overrides: Overrides {
                specs: self.specs,
                templates: self.templates,
                domain: self.domain,
            },
            task,
        }))
    }
}

/// `path` must be a folder; with `may_be_absent`, it may also not exist (yet).
fn check_folder(path: &Path, may_be_absent: bool) -> Result<()> {
    match (path.is_dir(), path.exists()) {
        (true, _) => Ok(()),
        (false, false) if may_be_absent => Ok(()),
        (false, exists) => Err(Error::NotAFolder {
            path: path.to_path_buf(),
            exists,
        }),
    }
}

/// The clap definition of the command line.
pub(crate) fn command() -> clap::Command {
    Cli::command()
}

/// Prints the completion script of `shell`, generated from the same definition clap parses
/// with.
pub(crate) fn print_completions(shell: Shell, out: &Out) -> Exit {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "hivegen", &mut buf);
    out.data(String::from_utf8_lossy(&buf));
    Exit::Success
}

/// Prints the man page (roff) on stdout, or writes every page into `dir`.
pub(crate) fn print_man(dir: Option<&Path>, out: &Out) -> Result<Exit> {
    let io = |e: std::io::Error| Error::io("write", dir.unwrap_or(Path::new("the man page")), e);
    match dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(io)?;
            out.data(String::from_utf8_lossy(&buf));
        }
        Some(dir) => {
            for page in man_pages_to(dir).map_err(io)? {
                out.say(format!("wrote {}", page.display()));
            }
        }
    }
    Ok(Exit::Success)
}

/// Writes one man page per command into `dir` and returns their paths.
fn man_pages_to(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(Cli::command(), dir)?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("hivegen") && n.ends_with(".1"))
        })
        .collect();
    pages.sort();
    Ok(pages)
}
