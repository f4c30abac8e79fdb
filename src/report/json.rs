//! A JSON document: what was checked, and one object per finding; or, when the run could not
//! do its job, the error. Its schema is `schemas/verify.schema.json`; `version` changes
//! when a field changes meaning or goes away (a new field does not change it).

use serde_json::json;

use crate::output::Diagnostic;
use crate::verify::Report;

/// The document's version.
const VERSION: u32 = 1;

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
        "version": VERSION,
        "clean": report.is_clean(),
        "base": report.base,
        "complete_phases": report.complete,
        "judged_phases": report.judged,
        "changed_files": report.changed_files,
        "findings": findings,
    });
    pretty(&doc)
}

/// The document of a run that ended in `error` (exit 2): not known clean, and why.
pub(super) fn render_error(error: &Diagnostic) -> String {
    let doc = json!({
        "version": VERSION,
        "clean": false,
        "error": {
            "code": error.code,
            "message": error.message,
            "file": error.file,
            "line": error.line,
            "col": error.col,
            "help": error.help,
        },
    });
    pretty(&doc)
}

fn pretty(doc: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(doc).expect("a report serializes");
    text.push('\n');
    text
}
