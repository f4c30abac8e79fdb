//! Printing a verification [`Report`]: for people (rustc-style), for programs (JSON), for
//! GitHub Actions (workflow command annotations) and for code-scanning tools (SARIF 2.1.0).

mod github;
mod human;
mod json;
mod sarif;

use crate::config::VerifyFormat;
use crate::output::Diagnostic;
use crate::spec::Rule;
use crate::verify::Report;

/// hivegen's home (Cargo.toml's `repository`): SARIF's `informationUri`, and the page whose
/// README holds the rules reference that each rule's `helpUri` points into.
pub(crate) const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The README's reference of rule `id`: one heading per rule under `## Rules`, so its anchor
/// is the id in lower case (`#d-orm-relationship`).
pub(crate) fn rule_uri(id: &str) -> String {
    format!("{REPOSITORY}#{}", id.to_lowercase())
}

/// The report as text in `format`; `styled` (for a terminal) colours the human format.
pub(crate) fn render(report: &Report, format: VerifyFormat, styled: bool) -> String {
    match format {
        VerifyFormat::Human => human::render(report, styled),
        VerifyFormat::Json => json::render(report),
        VerifyFormat::Github => github::render(report),
        VerifyFormat::Sarif => sarif::render(report),
    }
}

/// For a run that could not do its job (exit 2), the report a program reading `format` still
/// gets: a JSON document with the error, or a SARIF log with the error as a tool execution
/// notification (and the rule table, `rules`). `None` for the formats people read: the error
/// itself is on stderr.
pub(crate) fn render_error(
    error: &Diagnostic,
    rules: &[(String, Rule)],
    format: VerifyFormat,
) -> Option<String> {
    match format {
        VerifyFormat::Human | VerifyFormat::Github => None,
        VerifyFormat::Json => Some(json::render_error(error)),
        VerifyFormat::Sarif => Some(sarif::render_error(error, rules)),
    }
}

/// One line for stderr: clean, or how many violations of how many rules in how many files.
pub(crate) fn summary(report: &Report) -> String {
    let scope = match (&report.base, report.changed_files) {
        (Some(base), Some(n)) => format!(
            "the tree and the change since {base} ({n} file{}{})",
            if n == 1 { "" } else { "s" },
            if report.judged.is_empty() {
                ", which completes no phase".to_string()
            } else {
                format!(
                    ", judged by Phase {}{}",
                    letters(&report.judged),
                    if report.held {
                        ", complete: hivegen has no spec for the phase after it, so its rules hold"
                    } else {
                        ""
                    }
                )
            }
        ),
        _ => "the tree".to_string(),
    };
    let complete = if report.complete.is_empty() {
        "no phase complete".to_string()
    } else {
        format!("Phase {} complete", letters(&report.complete))
    };
    if report.is_clean() {
        return format!("hivegen: verify: clean ({complete}; checked {scope})");
    }
    let n = report.findings.len();
    let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let mut files: Vec<&str> = report.findings.iter().map(|f| f.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    format!(
        "hivegen: verify: {n} violation{} of {} rule{} in {} file{} ({complete}; checked {scope})",
        plural(n),
        rules.len(),
        plural(rules.len()),
        files.len(),
        plural(files.len())
    )
}

/// For findings made by the rules of a complete phase that still hold (hivegen has no spec
/// for the phase after it): what to do when the change is that later phase's own work.
pub(crate) fn held_note(report: &Report) -> Option<String> {
    (report.held && !report.is_clean()).then(|| {
        let phase = letters(&report.judged);
        format!(
            "hivegen: note: Phase {phase}'s rules judged this change because hivegen has no spec \
             for the phase after it; if the change is that phase's work (what Phase {phase}'s \
             messages say comes later), give verify that phase's spec with `--specs DIR`, DIR \
             holding every phase's spec"
        )
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn letters(ids: &[String]) -> String {
    ids.iter()
        .map(|i| i.to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}
