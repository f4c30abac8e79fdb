//! hivegen in CI, judged by the tools CI uses: its SARIF logs by Microsoft's SARIF multitool
//! (`validate`, and `validate --rule-kind Gh`, GitHub's ingestion rules), the README's GitHub
//! Actions workflow by actionlint, its pre-commit manifest by pre-commit itself, on a real
//! commit. Also: the README's rules reference (which SARIF's `helpUri`s point into) against the
//! specs, and the release profile. The tools are installed by `tools`, once.

mod docs;
mod tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::repos::{append_to_anchor, committed_handwritten_repo, generated_repo};
use crate::support::{git, hivegen_in};

/// Three SARIF logs of the real binary, in `dir`: violations (a code finding, a file-level
/// finding on a file whose name needs percent-encoding), a clean run, and a run that ended in
/// an error (exit 2).
fn sarif_logs(dir: &Path) -> Vec<PathBuf> {
    let (_tmp, repo) = committed_handwritten_repo();
    let clean = dir.join("clean.sarif");
    let out = clean.display().to_string();
    hivegen_in(
        &repo,
        &["verify", "--base", "HEAD", "--format", "sarif", "-o", &out],
    )
    .code(0);
    let error = dir.join("error.sarif");
    let out = error.display().to_string();
    hivegen_in(
        &repo,
        &[
            "verify",
            "--base",
            "no-such-rev",
            "--format",
            "sarif",
            "-o",
            &out,
        ],
    )
    .code(2);
    append_to_anchor(
        &repo,
        "backend/app/models/project.py",
        "from sqlalchemy.orm import relationship\n",
    );
    fs::write(repo.join("backend/app/new file 100%é.py"), "x = 1\n").unwrap();
    let violations = dir.join("violations.sarif");
    let out = violations.display().to_string();
    let run = hivegen_in(
        &repo,
        &["verify", "--base", "HEAD", "--format", "sarif", "-o", &out],
    );
    run.code(1);
    let log: Value = serde_json::from_str(&fs::read_to_string(&violations).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r["ruleId"] == "D-FILE-CREATED")
            && results.iter().any(|r| r["ruleId"] == "D-ORM-RELATIONSHIP"),
        "{log:#}"
    );
    vec![violations, clean, error]
}

/// What the multitool reported in its output log: `file: LEVEL RULE: message` for each error
/// and warning (a result's level defaults to its rule's, then to `warning`).
fn multitool_findings(output: &Path) -> Vec<String> {
    let log: Value = serde_json::from_str(&fs::read_to_string(output).unwrap()).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().cloned();
    let mut found = Vec::new();
    for r in run["results"].as_array().into_iter().flatten() {
        let rule_level = r["ruleIndex"]
            .as_u64()
            .and_then(|i| rules.as_ref()?.get(i as usize))
            .and_then(|d| d["defaultConfiguration"]["level"].as_str());
        let level = r["level"].as_str().or(rule_level).unwrap_or("warning");
        if level == "error" || level == "warning" {
            let file = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("?");
            let file = file.rsplit('/').next().unwrap_or(file);
            found.push(format!(
                "{file}: {level} {}: {}",
                r["ruleId"].as_str().unwrap_or("?"),
                r["message"]["text"].as_str().unwrap_or("")
            ));
        }
    }
    for invocation in run["invocations"].as_array().into_iter().flatten() {
        assert_eq!(invocation["executionSuccessful"], true, "{invocation:#}");
    }
    found
}

#[test]
fn sarif_logs_pass_the_sarif_multitool_with_no_error_or_warning() {
    let dir = tempfile::tempdir().unwrap();
    let logs = sarif_logs(dir.path());
    // A log with what the issue found in the old output: a rule with no fullDescription, a file
    // name that is no URI, a result with no region. The multitool must flag it, or a clean
    // answer below would mean nothing.
    let mut old: Value = serde_json::from_str(&fs::read_to_string(&logs[0]).unwrap()).unwrap();
    let run = &mut old["runs"][0];
    run["tool"]["driver"]["rules"][0]
        .as_object_mut()
        .unwrap()
        .remove("fullDescription");
    for r in run["results"].as_array_mut().unwrap() {
        if r["ruleId"] == "D-FILE-CREATED" {
            let physical = &mut r["locations"][0]["physicalLocation"];
            physical["artifactLocation"]["uri"] = "backend/app/new file 100%é.py".into();
            physical.as_object_mut().unwrap().remove("region");
        }
    }
    let bad = dir.path().join("old.sarif");
    fs::write(&bad, serde_json::to_string_pretty(&old).unwrap()).unwrap();

    for kind in [None, Some("Gh")] {
        let output = dir
            .path()
            .join(format!("validated-{}.sarif", kind.unwrap_or("Sarif")));
        let mut cmd = tools::multitool_command();
        cmd.arg("validate")
            .args(&logs)
            .arg(&bad)
            .arg("--output")
            .arg(&output)
            .args(["--log", "ForceOverwrite"]);
        if let Some(kind) = kind {
            cmd.args(["--rule-kind", kind]);
        }
        let out = tools::check("the SARIF multitool", &mut cmd);
        let console = String::from_utf8_lossy(&out.stdout);
        let found = multitool_findings(&output);
        let (old_found, ours): (Vec<_>, Vec<_>) =
            found.into_iter().partition(|f| f.starts_with("old.sarif:"));
        assert!(
            ours.is_empty(),
            "validate {}: hivegen's SARIF has errors or warnings:\n{}\n{console}",
            kind.map_or(String::new(), |k| format!("--rule-kind {k}")),
            ours.join("\n")
        );
        let expected: &[&str] = match kind {
            None => &["error SARIF1002", "warning SARIF2017"],
            Some(_) => &["error GH2012"],
        };
        for e in expected {
            assert!(
                old_found.iter().any(|f| f.contains(e)),
                "the multitool no longer reports {e} on the old SARIF output: {old_found:#?}\n{console}"
            );
        }
    }
}

/// The README's GitHub Actions workflow, between its markers.
fn readme_workflow() -> String {
    let readme = fs::read_to_string(tools::workspace().join("README.md")).unwrap();
    let block = docs::between(
        &readme,
        "<!-- github-workflow:begin",
        "<!-- github-workflow:end -->",
    )
    .expect("the README has the workflow between its markers");
    let yaml = block
        .split_once("```yaml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(yaml, _)| yaml.to_string())
        .expect("the workflow is a yaml block");
    assert!(
        yaml.starts_with("# .github/workflows/hivegen.yml\n"),
        "{yaml}"
    );
    yaml
}

#[test]
fn the_readme_workflow_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    fs::create_dir_all(&workflows).unwrap();
    let yaml = readme_workflow();
    fs::write(workflows.join("hivegen.yml"), &yaml).unwrap();
    // A copy with a mistake, so that a silent linter cannot pass for a clean workflow.
    let broken = dir.path().join("broken/.github/workflows");
    fs::create_dir_all(&broken).unwrap();
    fs::write(
        broken.join("hivegen.yml"),
        yaml.replace("security-events: write", "security-event: write"),
    )
    .unwrap();

    let out = tools::actionlint(&workflows.join("*.yml"))
        .current_dir(dir.path())
        .output()
        .expect("actionlint runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("Checking 1 workflow file"),
        "actionlint ({}):\n{said}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tools::actionlint(&broken.join("*.yml"))
        .current_dir(dir.path())
        .output()
        .expect("actionlint runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && said.contains("unknown permission scope"),
        "actionlint passed a broken workflow:\n{said}"
    );
}

#[test]
fn the_readme_workflow_judges_pushes_and_uploads_sarif() {
    let yaml = readme_workflow();
    let steps: Vec<&str> = yaml.split("\n      - ").skip(1).collect();
    let step = |needle: &str| -> &str {
        steps
            .iter()
            .copied()
            .find(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("no step with `{needle}`:\n{yaml}"))
    };
    // On a push, `github.base_ref` is empty: the base is the commit the push started from.
    assert!(
        step("id: base").contains("${{ github.event.before }}"),
        "{yaml}"
    );
    assert!(!yaml.contains("base_ref"), "{yaml}");
    assert!(yaml.contains("security-events: write"), "{yaml}");
    let sarif = step("--format sarif");
    assert!(
        sarif.contains("--exit-zero") && sarif.contains("--output hivegen.sarif"),
        "{sarif}"
    );
    let upload = step("upload-sarif");
    assert!(upload.contains("sarif_file: hivegen.sarif"), "{upload}");
    // The job fails on the exit of a run without --exit-zero, after the upload.
    let gate = step("--format github");
    assert!(!gate.contains("--exit-zero"), "{gate}");
    let at = |s: &str| yaml.find(s).unwrap();
    assert!(at(sarif) < at(upload) && at(upload) < at(gate), "{yaml}");
    assert!(
        yaml.contains(&format!("--git {} hivegen", env!("CARGO_PKG_REPOSITORY"))),
        "{yaml}"
    );
}

/// The hooks of `.pre-commit-hooks.yaml`.
fn manifest_hooks() -> Vec<Value> {
    let text = fs::read_to_string(tools::workspace().join(".pre-commit-hooks.yaml")).unwrap();
    serde_saphyr::from_str(&text).expect("the manifest is YAML")
}

#[test]
fn the_pre_commit_manifest_validates_and_its_hooks_judge_only_the_commit() {
    let env = tools::precommit_env();
    let pre_commit = tools::bin(env, "pre-commit");
    tools::check(
        "pre-commit validate-manifest",
        Command::new(&pre_commit)
            .arg("validate-manifest")
            .arg(tools::workspace().join(".pre-commit-hooks.yaml")),
    );
    let hooks = manifest_hooks();
    let verify = hooks
        .iter()
        .find(|h| h["id"] == "hivegen-verify")
        .expect("a hivegen-verify hook");
    assert_eq!(verify["entry"], "hivegen verify --staged");

    // The manifest's hooks, run as pre-commit runs them, on the binary under test: the same
    // entries and arguments, only `language: system` instead of building hivegen with cargo.
    let (_tmp, repo) = generated_repo();
    let local: Vec<Value> = hooks
        .iter()
        .map(|h| {
            let mut h = h.clone();
            h["language"] = "system".into();
            h
        })
        .collect();
    let config = serde_json::json!({ "repos": [{ "repo": "local", "hooks": local }] });
    fs::write(repo.join(".pre-commit-config.yaml"), config.to_string()).unwrap();
    git(&repo, &["add", ".pre-commit-config.yaml"]);
    git(&repo, &["commit", "-q", "-m", "pre-commit"]);
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    link(
        Path::new(env!("CARGO_BIN_EXE_hivegen")),
        &bin.join("hivegen"),
    );
    let path = std::env::join_paths(
        [bin.clone(), env.join("bin")]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["-c", "user.email=t@example.invalid", "-c", "user.name=t"])
            .args(args)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path().join("cache"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    tools::check(
        "pre-commit install",
        Command::new(&pre_commit)
            .arg("install")
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", home.path().join("cache")),
    );

    // An untracked file Phase D may not create, which is not part of the commit: pre-commit
    // does not stash it, and `verify --base HEAD` judged it and blocked the commit.
    fs::write(repo.join("backend/app/services/search.py"), "x = 1\n").unwrap();
    assert_eq!(
        hivegen_in(&repo, &["verify", "--base", "HEAD"]).code,
        1,
        "the untracked file is a violation of the working tree"
    );
    fs::write(repo.join("README.md"), "# HiveSync\n").unwrap();
    git(&repo, &["add", "README.md"]);
    let ok = run(&["commit", "-m", "README"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(ok.status.success(), "the commit was blocked:\n{said}");
    assert!(
        said.contains("hivegen verify --staged") && said.contains("Passed"),
        "{said}"
    );

    // The same file staged is part of the commit: blocked, with the rule.
    git(&repo, &["add", "backend/app/services/search.py"]);
    let blocked = run(&["commit", "-m", "search"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(
        !blocked.status.success(),
        "the commit went through:\n{said}"
    );
    assert!(said.contains("D-FILE-CREATED"), "{said}");
}

#[cfg(unix)]
fn link(from: &Path, to: &Path) {
    std::os::unix::fs::symlink(from, to).unwrap();
}

#[cfg(not(unix))]
fn link(from: &Path, to: &Path) {
    fs::copy(from, to.with_extension("exe")).unwrap();
}

#[test]
fn the_readme_pre_commit_advice_names_no_tag_that_does_not_exist() {
    let readme = fs::read_to_string(tools::workspace().join("README.md")).unwrap();
    let section = docs::between(&readme, "## pre-commit", "\n## ").expect("a pre-commit section");
    let ids: Vec<String> = manifest_hooks()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    let mut revs = 0;
    for line in section.lines().map(str::trim) {
        if let Some(rev) = line.strip_prefix("rev: ") {
            revs += 1;
            let rev = rev.split('#').next().unwrap().trim();
            // No tag is published yet: the example is a placeholder for a commit.
            assert_eq!(rev, "COMMIT", "{line}");
        }
        if let Some(id) = line.strip_prefix("- id: ") {
            let id = id.split('#').next().unwrap().trim();
            assert!(
                ids.iter().any(|i| i == id),
                "the README names a hook `{id}` the manifest lacks"
            );
        }
        if line.starts_with("- repo: ") {
            assert_eq!(line, format!("- repo: {}", env!("CARGO_PKG_REPOSITORY")));
        }
    }
    assert_eq!(revs, 1, "{section}");
    assert!(section.contains("hivegen verify --staged"), "{section}");
}

#[test]
fn the_release_binary_keeps_no_debug_info_and_the_first_command_shows_progress() {
    let manifest = fs::read_to_string(tools::workspace().join("Cargo.toml")).unwrap();
    let release = docs::between(&manifest, "[profile.release]", "\n[").expect("a release profile");
    // Line tables made the binary 40 MiB; without debug info it is about 10.5 MiB.
    assert!(release.contains("debug = false"), "{release}");
    assert!(release.contains("strip = \"debuginfo\""), "{release}");
    let readme = fs::read_to_string(tools::workspace().join("README.md")).unwrap();
    let first = readme
        .lines()
        .find(|l| l.starts_with("cargo "))
        .expect("a first command");
    assert!(first.contains("--release"), "{first}");
    assert!(
        !first
            .split_whitespace()
            .any(|w| w == "-q" || w == "--quiet"),
        "the README's first command builds for minutes; cargo must show its progress: {first}"
    );
}
