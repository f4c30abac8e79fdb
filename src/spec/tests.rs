//! Spec parsing: errors point at the entry, not at a comment naming it.

use super::*;

const MINIMAL: &str = "id: d\ntitle: T\nmarker:\n  path: docs/M\n  content: \"M\\n\"\ndone: DONE\n";

fn message(e: &Error) -> String {
    e.to_string()
}

#[test]
fn parses_a_minimal_spec() {
    let s = PhaseSpec::parse(MINIMAL, "d.yaml").unwrap();
    assert_eq!(s.id, "d");
    assert_eq!(s.templates, "phase_d");
    assert!(s.fills.is_empty());
}

#[test]
fn unknown_key_is_an_error_with_a_location() {
    let text = format!("{MINIMAL}colour: blue\n");
    let Error::Spec { file, place, .. } = PhaseSpec::parse(&text, "d.yaml").unwrap_err() else {
        panic!("a spec error")
    };
    assert_eq!(file, "d.yaml");
    assert_eq!(place.map(|p| p.line), Some(7));
}

#[test]
fn an_error_points_at_the_offending_entry_not_at_a_comment_naming_it() {
    let text = "# fills: backend/x.py is filled twice below\nid: d\ntitle: T\nmarker: {path: docs/M, content: M}\ndone: D\nfills:\n  - {file: backend/x.py, anchor: A}\n  - {file: backend/x.py, anchor: A}\n";
    let e = PhaseSpec::parse(text, "d.yaml").unwrap_err();
    let Error::Spec { place, .. } = &e else {
        panic!("a spec error")
    };
    assert_eq!(place.as_ref().map(|p| p.line), Some(8), "{e}");
    assert!(message(&e).contains("filled twice"));
}

#[test]
fn marker_ids_follow_the_pattern() {
    assert_eq!(
        marker_id("docs/BUILD_PHASE_*_COMPLETE", "docs/BUILD_PHASE_E_COMPLETE").as_deref(),
        Some("e")
    );
    assert_eq!(
        marker_id("docs/BUILD_PHASE_*_COMPLETE", "docs/README.md"),
        None
    );
    assert_eq!(
        marker_id("docs/BUILD_PHASE_*_COMPLETE", "docs/BUILD_PHASE__COMPLETE"),
        None
    );
}

#[test]
fn escaping_paths_are_refused() {
    assert!(!is_safe_relative("../x"));
    assert!(!is_safe_relative("/etc/passwd"));
    assert!(!is_safe_relative("a/../../b"));
    assert!(is_safe_relative("backend/app/main.py"));
    assert!(!is_safe_relative(".git/config"));
    assert!(!is_safe_relative("a/.GIT/hooks/pre-commit"));
    assert!(!is_safe_relative(".hivegen/specs/d.yaml"));
    let text = MINIMAL.replace("docs/M", "../M");
    assert!(message(&PhaseSpec::parse(&text, "d.yaml").unwrap_err()).contains("escapes"));
}
