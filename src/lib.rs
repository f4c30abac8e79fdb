//! hivegen turns a HiveSync phase document into a program: it fills the phase's anchors from
//! templates (all of it or nothing, idempotent), previews and checks the change, and refuses
//! edits that cross a phase boundary.
//!
//! The flow is read (specs, templates, the tree) -> plan (pure) -> apply or diff. Dependencies
//! point one way: `spec` (data) <- `rules` (a pure engine) <- `registry` <- `plan` / `verify`
//! <- `commands` <- `cli`. The library exports only what `main`, the fuzz targets and the
//! tests use.

pub mod anchor;
mod apply;
mod assets;
mod cli;
mod commands;
mod config;
mod diff;
mod domain;
mod error;
mod exit;
pub mod fill;
mod guard;
mod output;
mod plan;
mod registry;
mod render;
mod repo;
mod report;
pub mod rules;
mod spec;
mod text;
mod verify;
mod walk;

use std::process::ExitCode;

pub use error::Error;
pub use registry::Registry;
pub use spec::PhaseSpec;

use crate::assets::Assets;
use crate::cli::Action;
use crate::config::{Config, Task};
use crate::exit::Exit;
use crate::output::Out;
use crate::repo::DiskRepo;

/// The whole program: parse the arguments, run, print any error, and say how it ended.
pub fn main() -> ExitCode {
    // A bug is exit 2 like any error, never Rust's 101: an assistant's hook reads any exit
    // but 2 as "go ahead", and the guard must fail closed.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "hivegen: internal error: {info}\n  = help: this is a bug in hivegen; please report it"
        );
        std::process::exit(i32::from(Exit::Error.code()));
    }));
    let (action, talk) = cli::parse();
    output::set_colour(talk.color);
    let out = Out {
        verbosity: talk.verbosity,
    };
    let result = action.and_then(|action| match action {
        Action::Run(config) => run(&config, &out),
        Action::Completions(shell) => Ok(cli::print_completions(shell, &out)),
        Action::Man(dir) => cli::print_man(dir.as_deref(), &out),
    });
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            output::print_diag(&output::error(&e));
            Exit::Error.into()
        }
    }
}

/// The clap definition of the command line (for tests that walk every subcommand).
pub fn command() -> clap::Command {
    cli::command()
}

/// Runs one command on a repository. An error means exit 2.
fn run(config: &Config, out: &Out) -> Result<Exit, Error> {
    let repo = DiskRepo::new(config.repo.clone());
    // Specs are read only by the commands that need them, so that a broken spec cannot break
    // `anchors`; `verify` and `guard` never take them from the repository they judge.
    let load = |repo_local: bool| -> Result<(Assets, Registry), Error> {
        let assets = Assets::resolve(&config.overrides, &config.repo, repo_local)?;
        let registry = Registry::load(&assets)?;
        Ok((assets, registry))
    };
    match &config.task {
        Task::Anchors { json } => Ok(commands::anchors::run(&config.repo, *json, out)),
        Task::Phase {
            id,
            force,
            mode,
            json,
        } => {
            let (assets, registry) = load(true)?;
            let request = commands::phase::Request {
                id,
                force: *force,
                mode: *mode,
                json: *json,
            };
            commands::phase::run(&registry, &assets, &repo, &request, out)
        }
        Task::Verify {
            change,
            format,
            output,
            exit_zero,
        } => {
            let request = commands::verify::Request {
                change,
                format: *format,
                output: output.as_deref(),
                exit_zero: *exit_zero,
            };
            // A spec that cannot load still leaves a report saying the run failed.
            let registry = match load(false) {
                Ok((_, registry)) => registry,
                Err(e) => return Err(commands::verify::report_error(None, &request, out, e)),
            };
            let result = commands::verify::run(&registry, &repo, &request, out);
            // The process ends with this command: taking the compiled rules apart one
            // allocation at a time would cost `verify` 3% of its work for nothing.
            std::mem::forget(registry);
            result
        }
        Task::Guard { install: true, .. } => commands::guard::install(&config.repo, out),
        Task::Guard { json, path, .. } => {
            let request = commands::guard::Request {
                json: *json,
                path: path.as_deref(),
                repo: &config.repo,
            };
            // Leaked, as `verify`'s is forgotten: the process ends with the judgement, and
            // taking the compiled rules apart was a fifth of a guard's work.
            let leaked = || Ok(&*Box::leak(Box::new(load(false)?.1)));
            commands::guard::run(leaked, &request, out)
        }
        Task::Explain { rule } => commands::explain::run(&load(true)?.1, rule, out),
        Task::SpecList => Ok(commands::spec::list(&load(true)?.1, out)),
        Task::SpecShow { id } => commands::spec::show(&load(true)?.1, id, out),
        Task::SpecLint { doc, phase } => {
            commands::spec::lint(&load(true)?.1, doc, phase.as_deref(), out)
        }
    }
}
