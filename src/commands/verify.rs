//! `hivegen verify`: the CI gate. Judges the tree, and the change since `--base`, then prints
//! the findings in the asked format (stdout) and a one-line summary (stderr).

use crate::config::VerifyFormat;
use crate::error::Result;
use crate::exit::Exit;
use crate::output::Out;
use crate::registry::Registry;
use crate::repo::DiskRepo;
use crate::report;
use crate::verify;

/// Verifies the repository (and the change since `base`): exit 0 clean, 1 violations.
pub(crate) fn run(
    registry: &Registry,
    repo: &DiskRepo,
    base: Option<&str>,
    format: VerifyFormat,
    out: &Out,
) -> Result<Exit> {
    let report = verify::verify(registry, repo, base)?;
    out.data(report::render(&report, format));
    out.say(report::summary(&report));
    Ok(if report.is_clean() {
        Exit::Success
    } else {
        Exit::Failure
    })
}
