//! SARIF `reportingDescriptor`s: one per rule of every phase, with what GitHub code scanning
//! requires of each (`shortDescription`, `fullDescription`, `help` as text and markdown) and a
//! `helpUri` into the README's rules reference.

use serde_json::{json, Value};

use crate::report::rule_uri;
use crate::spec::{Rule, RuleKind};

/// GitHub displays at most this many characters of a description.
const DESCRIPTION_LIMIT: usize = 1024;

/// The descriptor of `rule`, a rule of phase `phase`.
pub(super) fn descriptor(phase: &str, rule: &Rule) -> Value {
    let kind = match rule.kind {
        RuleKind::Structure => "structure",
        RuleKind::Code => "code",
    };
    json!({
        "id": rule.id,
        "name": name(&rule.id),
        "shortDescription": { "text": limit(&rule.message) },
        "fullDescription": { "text": limit(&full_description(phase, rule)) },
        "help": {
            "text": help_text(phase, rule),
            "markdown": help_markdown(phase, rule, kind),
        },
        "helpUri": rule_uri(&rule.id),
        "defaultConfiguration": { "level": "error" },
        "properties": {
            "phase": phase,
            "section": rule.section,
            "kind": kind,
            "tags": ["phase-boundary", format!("phase-{phase}"), kind],
            "problem.severity": "error",
        },
    })
}

/// `D-ORM-RELATIONSHIP` -> `DOrmRelationship`: the Pascal-case name SARIF asks of a rule.
fn name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect()
}

/// The rule's message as a sentence, then the document's section and the bullets it enforces.
fn full_description(phase: &str, rule: &Rule) -> String {
    let mut text = sentence(&rule.message);
    text.push_str(&format!(
        " Phase {} document, section {}",
        phase.to_uppercase(),
        rule.section
    ));
    let bullets = bullets(rule);
    if bullets.is_empty() {
        text.push('.');
    } else {
        text.push_str(&format!(": {}.", bullets.join("; ")));
    }
    text
}

/// The cited bullets as `§3 “Implement ORM relationships”`.
fn bullets(rule: &Rule) -> Vec<String> {
    rule.cites
        .iter()
        .map(|c| match c.split_once(':') {
            Some((section, bullet)) => format!("§{} “{}”", section.trim(), bullet.trim()),
            None => format!("“{}”", c.trim()),
        })
        .collect()
}

/// What to do, as plain text: the fix, an example, a look-alike, where to read more.
fn help_text(phase: &str, rule: &Rule) -> String {
    let mut text = format!("{}\n\n", full_description(phase, rule));
    match &rule.help {
        Some(help) => text.push_str(&format!("Fix: {}\n", sentence(help))),
        None => text.push_str("Fix: revert the change, or leave it to the phase that allows it.\n"),
    }
    if let Some(example) = &rule.example {
        text.push_str(&format!("Caught: {example}\n"));
    }
    if let Some(look_alike) = &rule.look_alike {
        text.push_str(&format!("Left alone: {look_alike}\n"));
    }
    text.push_str(&format!("Rule reference: {}\n", rule_uri(&rule.id)));
    text
}

/// The same as Markdown, which GitHub shows instead of the text.
fn help_markdown(phase: &str, rule: &Rule, kind: &str) -> String {
    let mut md = format!(
        "**{}**: a {kind} rule of Phase {}, from section {} of its document.\n\n{}\n",
        rule.id,
        phase.to_uppercase(),
        rule.section,
        sentence(&rule.message)
    );
    let bullets = bullets(rule);
    if !bullets.is_empty() {
        md.push_str("\nIt enforces:\n\n");
        for b in bullets {
            md.push_str(&format!("- {b}\n"));
        }
    }
    match &rule.help {
        Some(help) => md.push_str(&format!("\n**Fix:** {}\n", sentence(help))),
        None => {
            md.push_str("\n**Fix:** revert the change, or leave it to the phase that allows it.\n")
        }
    }
    if let Some(example) = &rule.example {
        md.push_str(&format!("\n**Caught:** {example}\n"));
    }
    if let Some(look_alike) = &rule.look_alike {
        md.push_str(&format!("\n**Left alone:** {look_alike}\n"));
    }
    md.push_str(&format!(
        "\n[The rule in hivegen's reference]({})\n",
        rule_uri(&rule.id)
    ));
    md
}

/// `text` with a capital first letter and a final full stop.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut s: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// `text` cut to what GitHub shows, on a character boundary.
fn limit(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_LIMIT {
        return text.to_string();
    }
    let mut s: String = text.chars().take(DESCRIPTION_LIMIT - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(name("D-ORM-RELATIONSHIP"), "DOrmRelationship");
        assert_eq!(name("D-AI-SDK"), "DAiSdk");
    }

    #[test]
    fn sentences_start_capitalised_and_end_with_a_stop() {
        assert_eq!(sentence("main.py's anchor"), "Main.py's anchor.");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(sentence("ç"), "Ç.");
    }

    #[test]
    fn descriptions_fit_githubs_limit() {
        let long = "é".repeat(2000);
        assert_eq!(limit(&long).chars().count(), DESCRIPTION_LIMIT);
        assert_eq!(limit("short"), "short");
    }
}
