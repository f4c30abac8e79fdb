//! SARIF 2.1.0 as GitHub code scanning takes it: one run of the `hivegen` tool, its rule table
//! (every rule of every phase, each with the descriptions and help code scanning requires and a
//! link into the README's rules reference), one result per finding with a region and a
//! fingerprint, and the invocation. A run that could not do its job (exit 2) is still a log:
//! no results, and the error as a tool execution notification, so an upload step has a file
//! to upload and code scanning shows why. Columns count Unicode code points.

mod location;
mod rules;

use serde_json::{json, Value};

use crate::output::Diagnostic;
use crate::report::REPOSITORY;
use crate::spec::Rule;
use crate::verify::Report;

/// The schema the log declares.
pub(super) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The report as a SARIF log.
pub(super) fn render(report: &Report) -> String {
    let hashes = location::line_hashes(&report.findings);
    let results: Vec<Value> = report
        .findings
        .iter()
        .zip(hashes)
        .map(|(f, hash)| {
            let text = match &f.help {
                Some(h) => format!("{}\nhelp: {h}", f.message),
                None => f.message.clone(),
            };
            let mut result = json!({
                "ruleId": f.rule,
                "level": "error",
                "message": { "text": text },
                "locations": [{ "physicalLocation": location::physical(f) }],
                "partialFingerprints": { "primaryLocationLineHash": hash },
            });
            if let Some(i) = report.rules.iter().position(|(_, r)| r.id == f.rule) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    log(
        &report.rules,
        results,
        json!({ "executionSuccessful": true }),
    )
}

/// A log for a run that ended in `error` (exit 2): no results, the error as a notification.
pub(super) fn render_error(error: &Diagnostic, rules: &[(String, Rule)]) -> String {
    let mut text = error.message.clone();
    if let Some(help) = &error.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let mut notification = json!({
        "level": "error",
        "message": { "text": text },
        "descriptor": { "id": error.code },
    });
    if let Some(file) = &error.file {
        let mut physical = json!({
            "artifactLocation": { "uri": location::uri(file), "uriBaseId": "%SRCROOT%" },
        });
        if let Some(line) = error.line {
            let col = error.col.unwrap_or(1);
            physical["region"] = json!({
                "startLine": line,
                "startColumn": col,
                "endLine": line,
                "endColumn": col + error.width,
            });
        }
        notification["locations"] = json!([{ "physicalLocation": physical }]);
    }
    let invocation = json!({
        "executionSuccessful": false,
        "exitCode": 2,
        "toolExecutionNotifications": [notification],
    });
    log(rules, Vec::new(), invocation)
}

/// The whole log around `results`.
fn log(rules: &[(String, Rule)], results: Vec<Value>, invocation: Value) -> String {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|(phase, r)| rules::descriptor(phase, r))
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "hivegen",
                "version": version,
                "semanticVersion": version,
                "informationUri": REPOSITORY,
                "rules": descriptors,
            } },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log serializes");
    text.push('\n');
    text
}
