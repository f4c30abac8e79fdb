//! `hivegen anchors`: every anchor of the repository with its state.

use crate::diag::Diagnostic;
use crate::exit::Exit;
use crate::output::Out;
use crate::repo::DiskRepo;
use crate::spec::Registry;

/// Lists anchors as a table or JSON.
pub fn run(
    _registry: &Registry,
    _repo: &DiskRepo,
    _json: bool,
    _out: &Out,
) -> Result<Exit, Diagnostic> {
    Err(Diagnostic::error(
        "usage",
        "`hivegen anchors` is not built yet",
    ))
}
