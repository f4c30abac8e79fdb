//! `hivegen verify`: the CI gate. (Being built on the guardrails branch.)

use crate::config::VerifyFormat;
use crate::diag::Diagnostic;
use crate::exit::Exit;
use crate::output::Out;
use crate::repo::DiskRepo;
use crate::spec::Registry;

/// Verifies the repository (and the change since `base`).
pub fn run(
    _registry: &Registry,
    _repo: &DiskRepo,
    _base: Option<&str>,
    _format: VerifyFormat,
    _out: &Out,
) -> Result<Exit, Diagnostic> {
    Err(Diagnostic::error(
        "usage",
        "`hivegen verify` is not built yet",
    ))
}
