//! A JSON document: what was checked, and one object per finding.

use serde_json::json;

use crate::verify::Report;

/// The report as pretty-printed JSON.
pub(super) fn render(report: &Report) -> String {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let place = f.place.as_ref();
            json!({
                "rule": f.rule,
                "phase": f.phase,
                "level": "error",
                "message": f.message,
                "file": f.file,
                "line": place.map(|p| p.line),
                "col": place.map(|p| p.col),
                "width": place.map_or(1, |p| p.width),
                "source_line": place.and_then(|p| p.snippet.as_deref()),
                "help": f.help,
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
