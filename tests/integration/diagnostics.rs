//! Diagnostics like rustc's, one snapshot per kind: a malformed anchor, a spec error, a
//! template error, a refusal. Each shows `file:line:col`, the offending line with a caret, and
//! what to do next. Temp paths are filtered to `[REPO]` and `[ASSETS]`.

use crate::previews::run_colour;
use crate::support::repos::{mini_scaffold as scaffolded, run_with as run};
use crate::support::Run;

/// Exit code and stderr, as one snapshot; stdout must be empty (diagnostics are messages).
#[track_caller]
fn snapshot(name: &str, r: &Run) {
    assert_eq!(r.stdout, "", "a diagnostic went to stdout");
    let text = format!("exit: {}\n{}", r.code, r.stderr);
    insta::with_settings!({
        filters => vec![
            (r"\S*hivegen-assets-[A-Za-z0-9]+", "[ASSETS]"),
            (r"\S*hivegen-test-[A-Za-z0-9]+", "[REPO]"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn malformed_anchor() {
    let (env, assets) = scaffolded();
    env.write(
        "app/a.py",
        "\"\"\"A.\"\"\"\n\n# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTUR -->\n",
    );
    let r = run(&env, &assets, &["phase", "d"]);
    r.code(2);
    snapshot("diagnostic_malformed_anchor", &r);
}

#[test]
fn spec_error() {
    let (env, assets) = scaffolded();
    env.asset(
        "specs/d.yaml",
        "id: d\ntitle: Mini fill\nrequires: [c]\nmarker: {path: docs/BUILD_PHASE_D_COMPLETE, content: \"PHASE D COMPLETE\\n\"}\ndone: D DONE\nfils:\n  - {file: app/a.py, anchor: STRUCTURE}\n",
    );
    let r = run(&env, &assets, &["phase", "d"]);
    r.code(2);
    snapshot("diagnostic_spec_error", &r);
}

#[test]
fn template_error() {
    let (env, assets) = scaffolded();
    env.asset(
        "templates/phase_d/app/b.py.tera",
        "def run(self) -> int:\n    return {{ phase.id }\n",
    );
    let r = run(&env, &assets, &["phase", "d"]);
    r.code(2);
    snapshot("diagnostic_template_error", &r);
}

#[test]
fn refusal() {
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    env.write(
        "app/b.py",
        env.read("app/b.py")
            .replace("return 1", "return compute_it_by_hand()"),
    );
    let r = run(&env, &assets, &["phase", "d"]);
    r.code(1);
    snapshot("diagnostic_refusal", &r);
}

#[test]
fn diagnostics_are_coloured_on_request_and_plain_when_piped() {
    let (env, assets) = scaffolded();
    env.write("app/a.py", "# <!-- /SECTION:STRUCTURE -->\n");
    let plain = run_colour(&env, &assets, &["phase", "d"], &[]);
    plain.code(2);
    assert!(!plain.stderr.contains('\u{1b}'), "{:?}", plain.stderr);
    let coloured = run_colour(&env, &assets, &["phase", "d"], &[("CLICOLOR_FORCE", "1")]);
    coloured.code(2);
    // rustc's palette: the severity bold red, the gutter bold blue.
    assert!(
        coloured
            .stderr
            .starts_with("\u{1b}[1m\u{1b}[31merror[anchor]\u{1b}[0m"),
        "{:?}",
        coloured.stderr
    );
    assert!(
        coloured.stderr.contains("\u{1b}[1m\u{1b}[34m-->"),
        "{:?}",
        coloured.stderr
    );
}
