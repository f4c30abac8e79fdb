//! SARIF 2.1.0: one run of the `hivegen` tool, its rule table (every rule of every phase, with
//! the section it comes from), one result per finding. Columns count Unicode code points.

use serde_json::{json, Value};

use crate::verify::Report;

/// The schema the log declares.
pub(super) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The report as a SARIF log.
pub(super) fn render(report: &Report) -> String {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|(phase, r)| {
            let mut rule = json!({
                "id": r.id,
                "shortDescription": { "text": r.message },
                "properties": {
                    "phase": phase,
                    "section": r.section,
                    "kind": r.kind,
                },
            });
            if let Some(help) = &r.help {
                rule["help"] = json!({ "text": help });
            }
            rule
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": "error",
                "message": { "text": match &f.help {
                    Some(h) => format!("{}\nhelp: {h}", f.message),
                    None => f.message.clone(),
                } },
            });
            if let Some(i) = report.rules.iter().position(|(_, r)| r.id == f.rule) {
                result["ruleIndex"] = json!(i);
            }
            let mut physical =
                json!({ "artifactLocation": { "uri": f.file, "uriBaseId": "%SRCROOT%" } });
            if let Some(p) = &f.place {
                let mut region = json!({
                    "startLine": p.line,
                    "startColumn": p.col,
                    "endColumn": p.col + p.width,
                });
                if let Some(src) = &p.snippet {
                    region["snippet"] = json!({ "text": src });
                }
                physical["region"] = region;
            }
            result["locations"] = json!([{ "physicalLocation": physical }]);
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "hivegen",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log serializes");
    text.push('\n');
    text
}
