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
    let assets = Assets::resolve(&config.overrides, &config.repo)?;
    let registry = Registry::from_sources(&assets.spec_sources()?)?;
    let repo = DiskRepo::new(config.repo.clone());
    match &config.task {
        Task::Phase { id, force, mode } => {
            commands::phase::run(&registry, &assets, &repo, id, *force, *mode, &out)
        }
        Task::Verify { base, format } => {
            commands::verify::run(&registry, &repo, base.as_deref(), *format, &out)
        }
        Task::Anchors { json } => commands::anchors::run(&registry, &repo, *json, &out),
        Task::SpecList => Ok(commands::spec::list(&registry, &out)),
        Task::SpecShow { id } => commands::spec::show(&registry, id, &out),
    }
}
