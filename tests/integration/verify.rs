//! `hivegen verify` and the self-check of `hivegen phase d`: exit codes, the four formats (the
//! SARIF one validated against the official 2.1.0 schema), and refusals.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::repos::{
    committed_handwritten_repo, copy_dir, generated, generated_repo, handwritten_repo, manifest,
    phase_c_repo,
};
use crate::support::{git, hivegen_in as hivegen};

/// Adds a relationship and a websocket endpoint to the hand-written Phase D.
fn add_violations(repo: &Path) {
    let edit = |rel: &str, code: &str| {
        let path = repo.join(rel);
        let text = fs::read_to_string(&path).unwrap();
        let at = text.rfind("# <!-- /SECTION:").unwrap();
        fs::write(&path, format!("{}{code}{}", &text[..at], &text[at..])).unwrap();
    };
    edit(
        "backend/app/models/project.py",
        "from sqlalchemy.orm import relationship\n\nProject.owner = relationship(\"User\")  # Phase E\n",
    );
    edit(
        "backend/app/routing/notifications.py",
        "@router.websocket(\"/live\")\ndef live() -> None:\n    pass\n",
    );
}

/// After Phase D, the last phase hivegen has a spec for, its rules judge every change, and the
/// summary says why (Phase D's own change, on a Phase C base, is judged without that note).
#[test]
fn after_the_last_phase_with_a_spec_its_rules_hold_and_the_summary_says_so() {
    const HELD: &str = "judged by Phase D, complete: hivegen has no spec for the phase after it, so its rules hold";
    let (_dir, repo) = committed_handwritten_repo();
    fs::create_dir_all(repo.join("backend/tests")).unwrap();
    fs::write(
        repo.join("backend/tests/test_health.py"),
        "def test_ok() -> None:\n    assert True\n",
    )
    .unwrap();
    let later = hivegen(&repo, &["verify", "--base", "HEAD"]);
    later.code(1);
    assert!(later.stdout.contains("D-FILE-CREATED"), "{}", later.stdout);
    assert!(later.stderr.contains(HELD), "{}", later.stderr);
    assert!(
        later.stderr.contains("hivegen: note: Phase D's rules judged this change because hivegen has no spec for the phase after it; if the change is that phase's work")
            && later.stderr.contains("`--specs DIR`"),
        "{}",
        later.stderr
    );
    let (_dir, repo) = handwritten_repo();
    let own = hivegen(&repo, &["verify", "--base", "HEAD"]);
    own.code(0);
    assert!(own.stderr.contains("judged by Phase D)"), "{}", own.stderr);
    assert!(!own.stderr.contains("note:"), "{}", own.stderr);
}

#[test]
fn handwritten_phase_d_verifies_clean_with_and_without_base() {
    let (_dir, repo) = handwritten_repo();
    let base = hivegen(&repo, &["verify", "--base", "HEAD"]);
    base.code(0);
    assert!(base.stdout.is_empty(), "{}", base.stdout);
    assert!(
        base.stderr.contains("clean") && base.stderr.contains("judged by Phase D"),
        "{}",
        base.stderr
    );
    hivegen(&repo, &["verify"]).code(0);
}

#[test]
fn violations_in_the_four_formats() {
    let (_dir, repo) = handwritten_repo();
    add_violations(&repo);
    let human = hivegen(&repo, &["verify", "--base", "HEAD"]);
    human.code(1);
    insta::assert_snapshot!("verify_human", human.stdout);
    assert!(
        human.stderr.contains("3 violations of 2 rules in 2 files"),
        "{}",
        human.stderr
    );
    let json = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "json"]);
    json.code(1);
    insta::assert_snapshot!("verify_json", json.stdout);
    let github = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "github"]);
    github.code(1);
    insta::assert_snapshot!("verify_github", github.stdout);
    let sarif = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "sarif"]);
    sarif.code(1);
    assert_valid_sarif(&sarif.stdout);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["ruleId"], "D-ORM-RELATIONSHIP");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startColumn"],
        28
    );
}

fn assert_valid_sarif(text: &str) {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(schema_path).unwrap()).unwrap();
    // The official schema's `language` patterns have a stray `]`, which ECMA-262 reads as a
    // literal and the Rust regex engine refuses: escape it (same meaning), keep the rest as is.
    assert_eq!(
        patch_patterns(&mut schema),
        2,
        "the schema changed: review the patch"
    );
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{}]})),
        "the validator validates"
    );
    assert_validates(&validator, text, "SARIF does not validate");
}

fn patch_patterns(v: &mut serde_json::Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == BAD {
                    *value = serde_json::json!("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                    n += 1;
                } else {
                    n += patch_patterns(value);
                }
            }
            n
        }
        serde_json::Value::Array(items) => items.iter_mut().map(patch_patterns).sum(),
        _ => 0,
    }
}

#[test]
fn a_clean_sarif_log_validates_too() {
    let (_dir, repo) = handwritten_repo();
    let sarif = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "sarif"]);
    sarif.code(0);
    assert_valid_sarif(&sarif.stdout);
}

#[test]
fn a_committed_change_is_judged_from_its_base() {
    let (_dir, repo) = handwritten_repo();
    add_violations(&repo);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Phase D by hand"]);
    let out = hivegen(&repo, &["verify", "--base", "HEAD~1", "--format", "json"]);
    out.code(1);
    assert!(out.stdout.contains("\"D-WEBSOCKET\""), "{}", out.stdout);
    // Without a base, the code rules still hold inside the completed phase's anchors.
    let tree = hivegen(&repo, &["verify", "--format", "json"]);
    tree.code(1);
    assert!(
        tree.stdout.contains("\"D-ORM-RELATIONSHIP\""),
        "{}",
        tree.stdout
    );
}

#[test]
fn a_later_unknown_phase_at_base_lifts_phase_d_change_rules() {
    // Phase E adds relationships; once its marker exists at base, a change is no longer
    // Phase D's to judge.
    let (_dir, repo) = handwritten_repo();
    fs::write(
        repo.join("docs/BUILD_PHASE_E_COMPLETE"),
        "PHASE E COMPLETE\n",
    )
    .unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Phase D and E"]);
    fs::write(
        repo.join("backend/app/models/extra.py"),
        "x = relationship('A')\n",
    )
    .unwrap();
    hivegen(&repo, &["verify", "--base", "HEAD"]).code(0);
}

#[test]
fn phase_d_marker_without_phase_c_is_a_violation() {
    let (_dir, repo) = handwritten_repo();
    fs::remove_file(repo.join("docs/BUILD_PHASE_C_COMPLETE")).unwrap();
    let out = hivegen(&repo, &["verify"]);
    out.code(1);
    assert!(
        out.stdout.contains("error[D-PHASE-ORDER]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Phase D is complete but Phase C is not"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_malformed_anchor_is_reported_with_its_line() {
    let (_dir, repo) = handwritten_repo();
    let path = repo.join("backend/app/schemas/auth.py");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("# <!-- /SECTION:STRUCTURE -->", "# <!-- /SECTION:LOGIC -->"),
    )
    .unwrap();
    let out = hivegen(&repo, &["verify"]);
    out.code(1);
    assert!(
        out.stdout.contains("error[D-ANCHOR-MALFORMED]"),
        "{}",
        out.stdout
    );
    let line = text
        .lines()
        .position(|l| l.contains("/SECTION:STRUCTURE"))
        .unwrap()
        + 1;
    assert!(
        out.stdout
            .contains(&format!("--> backend/app/schemas/auth.py:{line}:3")),
        "{}",
        out.stdout
    );
}

#[test]
fn base_errors_exit_2() {
    let (_dir, repo) = handwritten_repo();
    let bad = hivegen(&repo, &["verify", "--base", "no-such-rev"]);
    bad.code(2);
    assert!(
        bad.stderr.contains("`no-such-rev` is not a commit"),
        "{}",
        bad.stderr
    );
    let plain = tempfile::tempdir().unwrap();
    let scaffold = plain.path().join("scaffold");
    hivegen(&scaffold, &["phase", "c"]).code(0);
    let not_git = hivegen(&scaffold, &["verify", "--base", "HEAD"]);
    not_git.code(2);
    assert!(
        not_git.stderr.contains("needs a git repository"),
        "{}",
        not_git.stderr
    );
}

#[test]
fn hivegens_own_phase_d_verifies_clean() {
    let (_dir, repo) = phase_c_repo();
    hivegen(&repo, &["phase", "d"]).code(0);
    hivegen(&repo, &["verify", "--base", "HEAD"]).code(0);
    hivegen(&repo, &["verify"]).code(0);
    // And once committed: a clean tree after Phase D.
    let (_dir, repo) = generated_repo();
    hivegen(&repo, &["verify", "--base", "HEAD"]).code(0);
    hivegen(&repo, &["verify"]).code(0);
}

/// Copies the embedded templates to `to`, so that a test may break one.
fn copy_templates(to: &Path) {
    copy_dir(&manifest("templates"), to);
}

#[test]
fn phase_d_refuses_a_template_that_renders_a_forbidden_construct() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    copy_templates(&templates);
    let model = templates.join("phase_d/backend/app/models/comment.py.tera");
    let mut text = fs::read_to_string(&model).unwrap();
    text.push_str("\nComment.author = relationship(\"User\", backref=\"comments\")\n");
    fs::write(&model, text).unwrap();
    let repo = dir.path().join("r");
    let t = templates.display().to_string();
    hivegen(&repo, &["phase", "c", "--templates", &t]).code(0);
    let before: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&repo)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect();
    let out = hivegen(&repo, &["phase", "d", "--templates", &t]);
    out.code(1);
    assert!(
        out.stderr.contains("refused[D-ORM-RELATIONSHIP]"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("refused[D-ORM-BACKREF]"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--> backend/app/models/comment.py:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("(phase_d.md §2.2)"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    let after: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&repo)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect();
    assert!(before == after, "phase d wrote despite the refusal");
}

#[test]
fn without_a_base_every_anchor_of_the_tree_is_judged() {
    let (_dir, repo) = generated(&["c", "d"]);
    // A malformed anchor in a file no phase fills, and a Phase D fill edited by hand: the
    // stamp no longer holds, which says the fill was edited, not when (without a base there
    // is no change to call a rewrite of frozen code).
    std::fs::create_dir_all(repo.join("lib")).unwrap();
    std::fs::write(
        repo.join("lib/extra.py"),
        "# <!-- SECTION:X -->\n# <!-- /SECTION:Y -->\n",
    )
    .unwrap();
    let projects = repo.join("backend/app/routing/projects.py");
    let text = std::fs::read_to_string(&projects).unwrap();
    std::fs::write(
        &projects,
        text.replace("MAX_PAGE_SIZE = 100", "MAX_PAGE_SIZE = 1000"),
    )
    .unwrap();
    // Ignored paths are not judged.
    std::fs::write(repo.join(".gitignore"), "node_modules/\n").unwrap();
    std::fs::create_dir_all(repo.join("node_modules/x")).unwrap();
    std::fs::write(repo.join("node_modules/x/y.py"), "# <!-- /SECTION:Z -->\n").unwrap();
    let out = hivegen(&repo, &["verify", "--format", "json"]);
    out.code(1);
    let findings: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<(String, String)> = findings["findings"]
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&("D-ANCHOR-MALFORMED".into(), "lib/extra.py".into())),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(_, f)| f == "backend/app/routing/projects.py"),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, f)| f.starts_with("node_modules")),
        "{found:?}"
    );
}

/// Validates `text` against `schemas/verify.schema.json`.
#[track_caller]
fn assert_valid_json_report(text: &str) {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/verify.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the report schema compiles");
    assert!(
        !validator.is_valid(&serde_json::json!({"version": 1, "clean": true})),
        "the validator validates"
    );
    assert_validates(
        &validator,
        text,
        "the JSON report does not match its schema",
    );
}

/// Fails with every schema error unless the JSON `text` is valid for `validator`.
#[track_caller]
fn assert_validates(validator: &jsonschema::Validator, text: &str, what: &str) {
    let instance: serde_json::Value = serde_json::from_str(text).expect("the output is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}\n{text}", errors.join("\n"));
}

#[test]
fn the_json_report_matches_its_schema_in_every_case() {
    let (_dir, repo) = handwritten_repo();
    let clean_tree = hivegen(&repo, &["verify", "--format", "json"]);
    clean_tree.code(0);
    assert_valid_json_report(&clean_tree.stdout);
    let clean = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "json"]);
    clean.code(0);
    assert_valid_json_report(&clean.stdout);
    add_violations(&repo);
    fs::write(repo.join("backend/app/extra.py"), "x = 1\n").unwrap();
    let found = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "json"]);
    found.code(1);
    assert_valid_json_report(&found.stdout);
    let doc: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let created = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "D-FILE-CREATED")
        .expect("the new file is a finding");
    assert_eq!(created["line"], serde_json::Value::Null);
    let staged = hivegen(&repo, &["verify", "--staged", "--format", "json"]);
    assert_valid_json_report(&staged.stdout);
    let error = hivegen(
        &repo,
        &["verify", "--base", "no-such-rev", "--format", "json"],
    );
    error.code(2);
    assert_valid_json_report(&error.stdout);
}

#[test]
fn an_error_still_leaves_a_report_with_the_error_in_it() {
    // The upload step after `verify --format sarif --output FILE` failed for want of a file.
    let (_dir, repo) = handwritten_repo();
    let out = repo.join("hivegen.sarif");
    let path = out.display().to_string();
    let run = hivegen(
        &repo,
        &[
            "verify",
            "--base",
            "no-such-rev",
            "--format",
            "sarif",
            "-o",
            &path,
        ],
    );
    run.code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("`no-such-rev` is not a commit"),
        "{}",
        run.stderr
    );
    let text = fs::read_to_string(&out).expect("a SARIF log was written");
    assert_valid_sarif(&text);
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run0 = &log["runs"][0];
    assert_eq!(run0["results"], serde_json::json!([]));
    let invocation = &run0["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .contains("`no-such-rev` is not a commit"),
        "{note:#}"
    );
    // Not a HiveSync repository: an error of another kind, on stdout this time.
    let plain = tempfile::tempdir().unwrap();
    let sarif = hivegen(plain.path(), &["verify", "--format", "sarif"]);
    sarif.code(2);
    assert_valid_sarif(&sarif.stdout);
    assert!(
        sarif.stdout.contains("is not a HiveSync repository"),
        "{}",
        sarif.stdout
    );
    let json = hivegen(plain.path(), &["verify", "--format", "json"]);
    json.code(2);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["clean"], false);
    assert_eq!(doc["error"]["code"], "usage");
    // The formats people read get the error on stderr only.
    let human = hivegen(plain.path(), &["verify"]);
    human.code(2);
    assert!(human.stdout.is_empty(), "{}", human.stdout);
}

#[test]
fn output_writes_the_report_to_a_file_and_exit_zero_reports_with_exit_0() {
    let (_dir, repo) = handwritten_repo();
    add_violations(&repo);
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("report.json");
    let path = file.display().to_string();
    let run = hivegen(
        &repo,
        &[
            "verify", "--base", "HEAD", "--format", "json", "--output", &path,
        ],
    );
    run.code(1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("3 violations of 2 rules in 2 files"),
        "the summary stays on stderr: {}",
        run.stderr
    );
    let on_stdout = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "json"]);
    assert_eq!(fs::read_to_string(&file).unwrap(), on_stdout.stdout);
    let zero = hivegen(
        &repo,
        &[
            "verify",
            "--base",
            "HEAD",
            "--format",
            "sarif",
            "--exit-zero",
        ],
    );
    zero.code(0);
    assert!(zero.stderr.contains("violations"), "{}", zero.stderr);
    let log: serde_json::Value = serde_json::from_str(&zero.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 3);
    // --exit-zero does not hide an error.
    hivegen(&repo, &["verify", "--base", "no-such-rev", "--exit-zero"]).code(2);
}

#[test]
fn the_sarif_log_has_what_github_code_scanning_requires() {
    let (_dir, repo) = handwritten_repo();
    add_violations(&repo);
    // A file-level finding, on a name that is no URI as it stands.
    fs::write(repo.join("backend/app/new file 100%é.py"), "x = 1\n").unwrap();
    let run = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "sarif"]);
    run.code(1);
    assert_valid_sarif(&run.stdout);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.len() >= 30, "{}", rules.len());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        for key in ["shortDescription", "fullDescription"] {
            assert!(
                !rule[key]["text"].as_str().unwrap_or("").is_empty(),
                "{id}: no {key}"
            );
        }
        assert!(
            !rule["help"]["text"].as_str().unwrap_or("").is_empty(),
            "{id}"
        );
        assert!(
            !rule["help"]["markdown"].as_str().unwrap_or("").is_empty(),
            "{id}"
        );
        assert_eq!(
            rule["helpUri"],
            format!("{}#{}", env!("CARGO_PKG_REPOSITORY"), id.to_lowercase())
        );
    }
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let mut fingerprints = std::collections::BTreeSet::new();
    for r in results {
        let fp = r["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap_or_else(|| panic!("no fingerprint: {r:#}"));
        let (hash, n) = fp.split_once(':').unwrap();
        assert!(hash.len() == 16 && n.parse::<u32>().unwrap() >= 1, "{fp}");
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(fingerprints.insert((r["ruleId"].to_string(), uri.to_string(), fp.to_string())));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[key].as_u64().is_some_and(|v| v >= 1), "{key}: {r:#}");
        }
    }
    let created = results
        .iter()
        .find(|r| r["ruleId"] == "D-FILE-CREATED")
        .expect("the new file is a finding");
    let location = &created["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "backend/app/new%20file%20100%25%C3%A9.py"
    );
    assert_eq!(location["region"]["startLine"], 1);
    // A fingerprint follows the line, not its number: the same finding one line lower keeps it.
    let first = results[0]["partialFingerprints"].clone();
    let model = repo.join("backend/app/models/project.py");
    let text = fs::read_to_string(&model).unwrap();
    let at = text
        .find("from sqlalchemy.orm import relationship")
        .unwrap();
    fs::write(&model, format!("{}\n{}", &text[..at], &text[at..])).unwrap();
    let moved = hivegen(&repo, &["verify", "--base", "HEAD", "--format", "sarif"]);
    let moved: serde_json::Value = serde_json::from_str(&moved.stdout).unwrap();
    let again = &moved["runs"][0]["results"][0];
    assert_eq!(again["partialFingerprints"], first);
    assert_eq!(
        again["locations"][0]["physicalLocation"]["region"]["startLine"],
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            + 1
    );
}

#[test]
fn human_findings_are_coloured_where_colour_is_on_and_never_in_a_file() {
    let (_dir, repo) = handwritten_repo();
    add_violations(&repo);
    let run = |args: &[&str]| {
        crate::support::hivegen()
            .args(["verify", "--base", "HEAD"])
            .args(args)
            .repo(&repo)
            .run()
    };
    let coloured = run(&["--color", "always"]);
    coloured.code(1);
    // rustc's palette, as `phase` prints its diagnostics: the severity bold red.
    assert!(
        coloured.stdout.starts_with("\u{1b}[1m\u{1b}[31merror[D-"),
        "{:?}",
        &coloured.stdout[..coloured.stdout.len().min(200)]
    );
    let piped = run(&[]);
    piped.code(1);
    assert!(!piped.stdout.contains('\u{1b}'), "{:?}", piped.stdout);
    assert!(piped.stdout.starts_with("error[D-"), "{}", piped.stdout);
    let file = repo.join("../report.txt");
    run(&["--color", "always", "--output", file.to_str().unwrap()]).code(1);
    let written = fs::read_to_string(&file).unwrap();
    assert_eq!(written, piped.stdout, "the file holds the plain report");
}

#[test]
fn the_repositorys_configuration_cannot_take_a_phases_files_out_of_its_rules() {
    let (_dir, repo) = phase_c_repo();
    for glob in ["backend/**", "**/*.py", "docs/*"] {
        fs::create_dir_all(repo.join(".hivegen")).unwrap();
        fs::write(
            repo.join(".hivegen/config.yaml"),
            format!("repository_files: [\"scripts/**\", \"{glob}\"]\n"),
        )
        .unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "config", "--allow-empty"]);
        fs::write(repo.join("backend/app/models/tag.py"), "TAG = 1\n").unwrap();
        hivegen(&repo, &["verify", "--base", "HEAD"])
            .code(2)
            .stderr_has(&format!(
                "`repository_files` in .hivegen/config.yaml names `{glob}`, which matches "
            ))
            .stderr_has("a phase's own files cannot be taken out of its rules");
        fs::remove_file(repo.join("backend/app/models/tag.py")).unwrap();
    }
}
