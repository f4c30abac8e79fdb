//! rustc-style findings: `error[RULE]: message`, `--> file:line:col`, the offending line with
//! a caret, and the help.

use crate::output;
use crate::verify::Report;

/// Every finding as a rustc-style block, separated by blank lines.
pub(super) fn render(report: &Report) -> String {
    report
        .findings
        .iter()
        .map(|f| output::finding(f).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
