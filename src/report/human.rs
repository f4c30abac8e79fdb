//! rustc-style findings: `error[RULE]: message`, `--> file:line:col`, the offending line with
//! a caret, and the help.

use crate::output;
use crate::verify::Report;

/// Every finding as a rustc-style block, separated by blank lines; with `styled`, in
/// rustc's colours (the stream strips them where colour is off).
pub(super) fn render(report: &Report, styled: bool) -> String {
    report
        .findings
        .iter()
        .map(|f| output::finding(f).render(styled))
        .collect::<Vec<_>>()
        .join("\n")
}
