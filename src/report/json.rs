//! A JSON document: what was checked, and one object per finding.

use serde_json::json;

use crate::verify::Report;

/// The report as pretty-printed JSON.
pub(super) fn render(report: &Report) -> String {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|d| {
            json!({
                "rule": d.code,
                "severity": d.severity,
                "message": d.message,
                "file": d.file,
                "line": d.line,
                "col": d.col,
                "width": d.width,
                "source_line": d.source_line,
                "help": d.help,
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "clean": report.is_clean(),
        "base": report.base,
        "complete_phases": report.complete,
        "judged_phases": report.judged,
        "changed_files": report.changed_files,
        "findings": findings,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("a report serializes");
    text.push('\n');
    text
}
