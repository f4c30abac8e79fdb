//! The command line: clap's structs (`args`), turned at once into a plain, validated
//! [`Config`] (every path checked here, once), or handled here when they need no repository
//! at all (completions and man pages, as fd does). Nothing else in hivegen imports clap.

use std::path::{Path, PathBuf};

use clap::Parser;
use clap_complete::Shell;

mod args;
mod generate;

pub(crate) use generate::{command, print_completions, print_man};

use crate::assets::Overrides;
use crate::config::{Change, Config, Mode, Task, Verbosity, VerifyFormat};
use crate::error::{Error, Result};
use args::{
    AssetArgs, Cli, ColorArg, Command, FormatArg, RepoArgs, SpecCommand, SpecsArgs, VerifyFormatArg,
};

/// What the command line asks for.
pub(crate) enum Action {
    /// A run on a repository.
    Run(Config),
    /// Print the completion script of a shell.
    Completions(Shell),
    /// Print the man page, or write every page into a folder.
    Man(Option<PathBuf>),
}

/// How a run talks: verbosity, and whether to colour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Talk {
    /// How much to say on stderr.
    pub(crate) verbosity: Verbosity,
    /// `Some(true)` always, `Some(false)` never, `None` as the terminal and the environment say.
    pub(crate) color: Option<bool>,
}

/// Parses the process's arguments (clap prints usage errors and exits 2 itself).
pub(crate) fn parse() -> (Result<Action>, Talk) {
    let cli = Cli::parse();
    let talk = talk_of(&cli.command);
    (into_action(cli.command), talk)
}

fn talk_of(command: &Command) -> Talk {
    let output = match command {
        Command::Phase { output, .. }
        | Command::Verify { out: output, .. }
        | Command::Guard { output, .. }
        | Command::Anchors { output, .. }
        | Command::Explain { output, .. } => Some(output),
        Command::Spec { command } => Some(match command {
            SpecCommand::List { output, .. }
            | SpecCommand::Show { output, .. }
            | SpecCommand::Lint { output, .. } => output,
        }),
        Command::Completions { .. } | Command::Man { .. } => None,
    };
    let Some(o) = output else {
        return Talk {
            verbosity: Verbosity::Normal,
            color: None,
        };
    };
    Talk {
        verbosity: if o.quiet {
            Verbosity::Quiet
        } else if o.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        },
        color: match o.color {
            ColorArg::Auto => None,
            ColorArg::Always => Some(true),
            ColorArg::Never => Some(false),
        },
    }
}

/// The validated request: every path the command line names is checked here.
fn into_action(command: Command) -> Result<Action> {
    let none = AssetArgs {
        templates: None,
        domain: None,
    };
    let (task, repo, specs, assets) = match command {
        Command::Completions { shell } => return Ok(Action::Completions(shell)),
        Command::Man { dir } => return Ok(Action::Man(dir)),
        Command::Phase {
            id,
            force,
            diff,
            check,
            format,
            repo,
            specs,
            assets,
            ..
        } => {
            let json = format == FormatArg::Json;
            let mode = mode(diff, check);
            let task = Task::Phase {
                id,
                force,
                mode,
                json,
            };
            (task, repo, specs, assets)
        }
        Command::Verify {
            base,
            staged,
            format,
            output,
            exit_zero,
            repo,
            specs,
            ..
        } => {
            let task = Task::Verify {
                change: change(base, staged),
                format: verify_format(format),
                output,
                exit_zero,
            };
            (task, repo, specs, none)
        }
        Command::Guard {
            format,
            path,
            install,
            repo,
            specs,
            ..
        } => {
            let json = format == FormatArg::Json;
            let install = install.is_some();
            (
                Task::Guard {
                    json,
                    path,
                    install,
                },
                repo,
                specs,
                none,
            )
        }
        Command::Anchors { format, repo, .. } => {
            let json = format == FormatArg::Json;
            (
                Task::Anchors { json },
                repo,
                SpecsArgs { specs: None },
                none,
            )
        }
        Command::Explain {
            rule, repo, specs, ..
        } => (Task::Explain { rule }, repo, specs, none),
        Command::Spec { command } => match command {
            SpecCommand::List { repo, specs, .. } => (Task::SpecList, repo, specs, none),
            SpecCommand::Show {
                id, repo, specs, ..
            } => (Task::SpecShow { id }, repo, specs, none),
            SpecCommand::Lint {
                doc,
                phase,
                repo,
                specs,
                ..
            } => {
                check_exists(&doc)?;
                (Task::SpecLint { doc, phase }, repo, specs, none)
            }
        },
    };
    config(task, repo, specs, assets).map(Action::Run)
}

fn mode(diff: bool, check: bool) -> Mode {
    if diff {
        Mode::Diff
    } else if check {
        Mode::Check
    } else {
        Mode::Apply
    }
}

fn change(base: Option<String>, staged: bool) -> Change {
    match (base, staged) {
        (Some(rev), _) => Change::Since(rev),
        (None, true) => Change::Staged,
        (None, false) => Change::None,
    }
}

fn verify_format(format: VerifyFormatArg) -> VerifyFormat {
    match format {
        VerifyFormatArg::Human => VerifyFormat::Human,
        VerifyFormatArg::Json => VerifyFormat::Json,
        VerifyFormatArg::Github => VerifyFormat::Github,
        VerifyFormatArg::Sarif => VerifyFormat::Sarif,
    }
}

fn config(task: Task, repo: RepoArgs, specs: SpecsArgs, assets: AssetArgs) -> Result<Config> {
    // A scaffold phase may lay a folder that does not exist yet, and `spec` and `explain`
    // only read a repository's own `.hivegen/` when there is one; the others need one.
    let may_be_absent = matches!(
        task,
        Task::Phase { .. }
            | Task::SpecList
            | Task::SpecShow { .. }
            | Task::SpecLint { .. }
            | Task::Explain { .. }
    );
    check_folder(&repo.repo, may_be_absent)?;
    for path in [&specs.specs, &assets.templates, &assets.domain]
        .into_iter()
        .flatten()
    {
        check_exists(path)?;
    }
    Ok(Config {
        repo: repo.repo,
        overrides: Overrides {
            specs: specs.specs,
            templates: assets.templates,
            domain: assets.domain,
        },
        task,
    })
}

fn check_exists(path: &Path) -> Result<()> {
    if path.exists() {
        Ok(())
    } else {
        Err(Error::NotAFolder {
            path: path.to_path_buf(),
            exists: false,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_apply_where_they_make_sense() {
        let cmd = command();
        let sub = |name: &str| cmd.find_subcommand(name).unwrap().clone();
        let has =
            |c: &clap::Command, long: &str| c.get_arguments().any(|a| a.get_long() == Some(long));
        assert!(!has(&sub("completions"), "repo"));
        assert!(!has(&sub("man"), "color"));
        assert!(has(&sub("phase"), "templates"));
        assert!(!has(&sub("verify"), "templates"));
        assert!(has(&sub("verify"), "staged"));
    }
}
