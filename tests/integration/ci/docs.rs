//! The README's rules reference, `## Rules`: one heading per rule of every phase spec, so that
//! each SARIF rule's `helpUri` (`<repository>#<id in lower case>`) lands on its entry. It is
//! generated from `phase_specs/*.yaml`; the test fails when it is out of date
//! (`HIVEGEN_UPDATE_DOCS=1` rewrites it) and when a `helpUri` of the SARIF output points at no
//! heading.

use std::fs;

use serde_json::Value;

use super::tools::workspace;
use crate::support::hivegen_in;
use crate::support::repos::committed_handwritten_repo;

const BEGIN: &str = "<!-- rules-reference:begin (generated from phase_specs/ by tests/integration/ci/docs.rs) -->\n";
const END: &str = "<!-- rules-reference:end -->";

/// The text of `text` from the end of `start` to the beginning of `end`.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = from + text[from..].find(end)?;
    Some(&text[from..to])
}

/// Every rule of every phase spec, with its phase id, in the specs' order (by file name).
fn spec_rules() -> Vec<(String, Value)> {
    let mut files: Vec<_> = fs::read_dir(workspace().join("phase_specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut rules = Vec::new();
    for file in files {
        let spec: Value = serde_saphyr::from_str(&fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let phase = spec["id"].as_str().unwrap().to_string();
        for rule in spec["rules"].as_array().into_iter().flatten() {
            rules.push((phase.clone(), rule.clone()));
        }
    }
    rules
}

/// The reference as it should read.
fn reference() -> String {
    let mut md = String::new();
    for (phase, rule) in spec_rules() {
        let s = |key: &str| rule[key].as_str().map(str::trim);
        md.push_str(&format!("\n### {}\n\n", s("id").unwrap()));
        md.push_str(&format!(
            "Phase {}, {} rule, §{}: {}.\n\n",
            phase.to_uppercase(),
            s("kind").unwrap(),
            s("section").unwrap(),
            s("message").unwrap().trim_end_matches('.')
        ));
        if let Some(help) = s("help") {
            md.push_str(&format!("- **Fix:** {help}\n"));
        }
        if let Some(example) = s("example") {
            md.push_str(&format!("- **Caught:** {example}\n"));
        }
        if let Some(look_alike) = s("look_alike") {
            md.push_str(&format!("- **Left alone:** {look_alike}\n"));
        }
        let cites: Vec<String> = rule["cites"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|c| match c.split_once(':') {
                Some((section, bullet)) => format!("§{} “{}”", section.trim(), bullet.trim()),
                None => format!("“{c}”"),
            })
            .collect();
        if !cites.is_empty() {
            md.push_str(&format!("- **Enforces:** {}\n", cites.join("; ")));
        }
    }
    md.push('\n');
    md
}

#[test]
fn the_readme_rules_reference_is_up_to_date() {
    let path = workspace().join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let wanted = reference();
    let section = readme
        .find("\n## Rules\n")
        .expect("the README has a `## Rules` section");
    let current = between(&readme[section..], BEGIN, END).expect("the reference's markers");
    if current == wanted {
        return;
    }
    if std::env::var_os("HIVEGEN_UPDATE_DOCS").is_some() {
        let from = section + readme[section..].find(BEGIN).unwrap() + BEGIN.len();
        let to = from + current.len();
        fs::write(
            &path,
            format!("{}{wanted}{}", &readme[..from], &readme[to..]),
        )
        .unwrap();
        return;
    }
    let diff = similar::TextDiff::from_lines(current, wanted.as_str())
        .unified_diff()
        .to_string();
    panic!("README.md's rules reference is out of date; rerun with HIVEGEN_UPDATE_DOCS=1\n{diff}");
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn every_sarif_help_uri_lands_on_a_readme_heading() {
    let readme = fs::read_to_string(workspace().join("README.md")).unwrap();
    let anchors: Vec<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("### ").or_else(|| l.strip_prefix("## ")))
        .map(slug)
        .collect();
    let (_tmp, repo) = committed_handwritten_repo();
    let run = hivegen_in(&repo, &["verify", "--format", "sarif"]);
    run.code(0);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let spec_ids: Vec<String> = spec_rules()
        .iter()
        .map(|(_, r)| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids, spec_ids,
        "SARIF's rule table is every rule of every spec"
    );
    for rule in rules {
        let uri = rule["helpUri"].as_str().unwrap();
        let (home, anchor) = uri.split_once('#').unwrap_or((uri, ""));
        assert_eq!(home, env!("CARGO_PKG_REPOSITORY"), "{uri}");
        assert!(
            anchors.iter().any(|a| a == anchor),
            "{uri}: the README has no heading with anchor `#{anchor}`"
        );
    }
}

#[test]
fn github_anchors_are_computed_like_githubs() {
    assert_eq!(slug("D-ORM-RELATIONSHIP"), "d-orm-relationship");
    assert_eq!(slug("In CI: GitHub Actions"), "in-ci-github-actions");
}
