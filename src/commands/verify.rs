//! `hivegen verify`: the CI gate. Judges the tree, and the change asked for, then prints the
//! findings in the asked format (stdout, or `--output FILE`) and a one-line summary (stderr).
//! A run that cannot do its job still leaves a JSON or SARIF report (the error in it) where the
//! report would have gone, so that a CI step that uploads it has a file; it exits 2 all the same.

use std::path::Path;

use crate::config::{Change, VerifyFormat};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::{self, Out};
use crate::registry::Registry;
use crate::repo::DiskRepo;
use crate::report;
use crate::verify;

/// What `verify` was asked to do.
pub(crate) struct Request<'a> {
    /// The change judged besides the tree.
    pub(crate) change: &'a Change,
    /// How to print the findings.
    pub(crate) format: VerifyFormat,
    /// Where the report goes; stdout when `None`.
    pub(crate) output: Option<&'a Path>,
    /// Exit 0 whatever the findings (errors still exit 2).
    pub(crate) exit_zero: bool,
}

/// Verifies the repository and the change: exit 0 clean, 1 violations (0 with `exit_zero`).
pub(crate) fn run(
    registry: &Registry,
    repo: &DiskRepo,
    request: &Request<'_>,
    out: &Out,
) -> Result<Exit> {
    let report = match verify::verify(registry, repo, request.change) {
        Ok(report) => report,
        Err(e) => return Err(report_error(Some(registry), request, out, e)),
    };
    // Coloured for stdout, where the stream drops colour off a terminal; never in a file.
    let text = report::render(&report, request.format, request.output.is_none());
    emit(request, out, &text)?;
    out.say(report::summary(&report));
    if let Some(note) = report::held_note(&report) {
        out.say(note);
    }
    Ok(if report.is_clean() || request.exit_zero {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// Leaves the report of a run that failed with `error` (JSON and SARIF only; with the rule
/// table when the specs loaded), and gives the error back for the exit: 2, the error on stderr.
pub(crate) fn report_error(
    registry: Option<&Registry>,
    request: &Request<'_>,
    out: &Out,
    error: Error,
) -> Error {
    let rules: Vec<_> = registry
        .into_iter()
        .flat_map(Registry::phases)
        .flat_map(|p| p.spec.rules.iter().map(|r| (p.spec.id.clone(), r.clone())))
        .collect();
    if let Some(text) = report::render_error(&output::error(&error), &rules, request.format) {
        if let Err(e) = emit(request, out, &text) {
            // The first error is the one to fix; the second only says the report is missing.
            output::print_diag(&output::error(&e));
        }
    }
    error
}

/// Prints `text` on stdout, or writes it to `--output`.
fn emit(request: &Request<'_>, out: &Out, text: &str) -> Result<()> {
    match request.output {
        None => {
            out.data(text);
            Ok(())
        }
        Some(path) => write_report(path, text),
    }
}

/// Writes the report to `path` whole (a temporary file renamed into place), so that an upload
/// step never reads half a report.
fn write_report(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io("write in", dir, e))?;
    std::io::Write::write_all(&mut temp, text.as_bytes())
        .map_err(|e| Error::io("write", path, e))?;
    temp.persist(path)
        .map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}
