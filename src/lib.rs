//! hivegen turns a HiveSync phase document into a program: it fills the phase's anchors from
//! templates (all of it or nothing, idempotent), previews and checks the change, and refuses
//! edits that cross a phase boundary.
//!
//! The flow is read (specs, templates, the tree) -> plan (pure) -> apply or diff.

pub mod anchor;
pub mod apply;
pub mod assets;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod diff;
pub mod domain;
pub mod exit;
pub mod fill;
pub mod output;
pub mod plan;
pub mod render;
pub mod repo;
pub mod report;
pub mod rules;
pub mod spec;
pub mod verify;
pub mod walk;

use crate::assets::Assets;
use crate::config::{Config, Task};
use crate::diag::Diagnostic;
use crate::exit::Exit;
use crate::output::Out;
use crate::repo::DiskRepo;
use crate::spec::Registry;

/// Runs one command. A [`Diagnostic`] error means exit 2.
pub fn run(config: Config) -> Result<Exit, Diagnostic> {
    let out = Out {
        verbosity: config.verbosity,
    };
    // Commands that need no specs run first, so that a broken spec cannot break them.
    match &config.task {
        Task::Anchors { json } => return commands::anchors::run(&config.repo, *json, &out),
        Task::Completions { shell } => return Ok(commands::generate::completions(*shell, &out)),
        Task::Man { dir } => return commands::generate::man(dir.as_deref(), &out),
        _ => {}
    }
    let repo_local = !matches!(config.task, Task::Verify { .. });
    let assets = Assets::resolve(&config.overrides, &config.repo, repo_local)?;
    let registry = Registry::from_sources(&assets.spec_sources()?)?;
    let repo = DiskRepo::new(config.repo.clone());
    match &config.task {
        Task::Phase { id, force, mode } => {
            commands::phase::run(&registry, &assets, &repo, id, *force, *mode, &out)
        }
        Task::Verify { base, format } => {
            commands::verify::run(&registry, &repo, base.as_deref(), *format, &out)
        }
        Task::Anchors { .. } | Task::Completions { .. } | Task::Man { .. } => {
            unreachable!("handled above")
        }
        Task::SpecList => Ok(commands::spec::list(&registry, &out)),
        Task::SpecShow { id } => commands::spec::show(&registry, id, &out),
    }
}
