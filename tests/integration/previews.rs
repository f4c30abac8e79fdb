//! Previews and everyday use: `phase --diff`, `phase --check`, `anchors`, colour, `-q`/`-v`,
//! and the split of messages (stderr) from data (stdout).

use std::io::Write;
use std::process::Command;

use crate::support::repos::{mini_phases, mini_scaffold as scaffolded, run_with as run};
use crate::support::{hivegen, Env, Run};

/// Runs hivegen with the colour variables as given (nothing else set), stdout piped.
pub fn run_colour(env: &Env, assets: &[String], args: &[&str], vars: &[(&str, &str)]) -> Run {
    hivegen()
        .args(args)
        .args(assets)
        .current_dir(env.root())
        .colour(vars)
        .run()
}

const ESC: char = '\u{1b}';

// --- --diff -----------------------------------------------------------------------------------

#[test]
fn diff_prints_the_plan_file_by_file_and_writes_nothing() {
    let (env, assets) = scaffolded();
    let before = env.fingerprint();
    let r = run(&env, &assets, &["phase", "d", "--diff"]);
    r.success()
        .stderr_has("hivegen: Phase D would write 3 files; nothing was written");
    assert_eq!(env.fingerprint(), before, "--diff wrote something");
    let headers: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("--- ") || l.starts_with("+++ "))
        .collect();
    assert_eq!(
        headers,
        [
            "--- a/app/a.py",
            "+++ b/app/a.py",
            "--- a/app/b.py",
            "+++ b/app/b.py",
            "--- /dev/null",
            "+++ b/docs/BUILD_PHASE_D_COMPLETE",
        ]
    );
    assert!(r.stdout.contains(
        "@@ -3,5 +3,7 @@\n \n class B:\n     # <!-- SECTION:LOGIC -->\n-    # <!-- /SECTION:LOGIC -->\n+    def run(self) -> int:\n+        return 1\n"
    ), "{}", r.stdout);
    assert!(r.stdout.ends_with(
        "--- /dev/null\n+++ b/docs/BUILD_PHASE_D_COMPLETE\n@@ -0,0 +1 @@\n+PHASE D COMPLETE\n"
    ));
}

#[test]
fn diff_of_a_scaffold_shows_every_file_as_created() {
    let env = Env::new();
    let assets = mini_phases(&env);
    let r = run(&env, &assets, &["phase", "c", "--diff"]);
    r.success();
    assert_eq!(
        r.stdout.matches("--- /dev/null\n").count(),
        3,
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("--- /dev/null\n+++ b/app/a.py\n@@ -0,0 +1,4 @@\n+\"\"\"A.\"\"\"\n"));
    assert!(env.files("").is_empty(), "--diff wrote {:?}", env.files(""));
}

#[test]
fn diff_applied_with_git_apply_gives_the_tree_phase_d_writes() {
    let (previewed, assets_a) = scaffolded();
    let (applied, assets_b) = scaffolded();
    let diff = run(&previewed, &assets_a, &["phase", "d", "--diff"]);
    diff.success();
    let mut git = Command::new("git")
        .args(["apply", "-p1", "-"])
        .current_dir(previewed.root())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    git.stdin
        .take()
        .expect("stdin")
        .write_all(diff.stdout.as_bytes())
        .expect("diff written to git");
    let status = git.wait().expect("git ends");
    assert!(
        status.success(),
        "git apply refused the diff:\n{}",
        diff.stdout
    );
    run(&applied, &assets_b, &["phase", "d"]).success();
    for f in applied.files("") {
        assert_eq!(previewed.read(&f), applied.read(&f), "{f}");
    }
    assert_eq!(previewed.files(""), applied.files(""));
}

#[test]
fn diff_keeps_crlf_line_endings_so_the_patch_applies() {
    let (env, assets) = scaffolded();
    env.write(
        "app/a.py",
        "\"\"\"A.\"\"\"\r\n\r\n# <!-- SECTION:STRUCTURE -->\r\n# <!-- /SECTION:STRUCTURE -->\r\n",
    );
    let r = run(&env, &assets, &["phase", "d", "--diff"]);
    r.success()
        .stdout_has("-# <!-- /SECTION:STRUCTURE -->\r\n+A = \"d\"\r\n");
}

#[test]
fn diff_when_up_to_date_is_empty_and_exits_0() {
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    let r = run(&env, &assets, &["phase", "d", "--diff"]);
    r.success()
        .stderr_has("hivegen: Phase D is up to date; the diff is empty");
    assert_eq!(r.stdout, "");
}

#[test]
fn diff_of_a_refused_plan_prints_the_refusal_and_exits_1() {
    // A refused plan writes nothing, so there is no diff to show: the refusal is the answer.
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    env.write(
        "app/a.py",
        env.read("app/a.py").replace("A = \"d\"", "A = 2"),
    );
    let r = run(&env, &assets, &["phase", "d", "--diff"]);
    r.code(1).stderr_has("refused[hand-edit]");
    assert_eq!(r.stdout, "");
}

#[test]
fn piped_diff_has_no_colour() {
    let (env, assets) = scaffolded();
    let r = run_colour(&env, &assets, &["phase", "d", "--diff"], &[]);
    r.success();
    assert!(!r.stdout.contains(ESC), "{:?}", r.stdout);
    assert!(r.stdout.starts_with("--- a/app/a.py\n"));
}

#[test]
fn clicolor_force_colours_the_diff_with_word_highlights() {
    let (env, assets) = scaffolded();
    let r = run_colour(
        &env,
        &assets,
        &["phase", "d", "--diff"],
        &[("CLICOLOR_FORCE", "1")],
    );
    r.success();
    // Headers bold, removed lines red, added green, the stamp words bold and underlined.
    r.stdout_has("\u{1b}[1m--- a/app/a.py\u{1b}[0m\n")
        .stdout_has("\u{1b}[31m-# <!-- /SECTION:STRUCTURE -->\u{1b}[0m\n")
        .stdout_has("\u{1b}[32m+A = \"d\"\u{1b}[0m\n")
        .stdout_has("\u{1b}[1m\u{1b}[4m\u{1b}[32mphase=d sha256=");
}

#[test]
fn no_color_wins_over_clicolor_force() {
    let (env, assets) = scaffolded();
    let r = run_colour(
        &env,
        &assets,
        &["phase", "d", "--diff"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    r.success();
    assert!(!r.stdout.contains(ESC));
}

// --- --check ----------------------------------------------------------------------------------

#[test]
fn check_lists_files_anchors_and_reasons_and_exits_1() {
    let (env, assets) = scaffolded();
    let before = env.fingerprint();
    let r = run(&env, &assets, &["phase", "d", "--check"]);
    r.code(1)
        .stderr_has("hivegen: Phase D would change 3 files; run `hivegen phase d` to write them");
    assert_eq!(
        r.stdout,
        "app/a.py                     STRUCTURE  empty\n\
         app/b.py                     LOGIC      empty\n\
         docs/BUILD_PHASE_D_COMPLETE  -          phase marker\n"
    );
    assert_eq!(env.fingerprint(), before, "--check wrote something");
}

#[test]
fn check_when_up_to_date_exits_0_and_lists_nothing() {
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    let r = run(&env, &assets, &["phase", "d", "--check"]);
    r.success().stderr_has("hivegen: Phase D is up to date");
    assert_eq!(r.stdout, "");
}

#[test]
fn check_reports_a_stale_fill_when_the_template_changed() {
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    env.asset(
        "templates/phase_d/app/b.py.tera",
        "def run(self) -> int:\n    return 2\n",
    );
    let r = run(&env, &assets, &["phase", "d", "--check"]);
    r.code(1);
    // Phase D is complete, so its fills are frozen: --check says so rather than "stale", and
    // gives one next step.
    r.stdout_is("app/b.py  LOGIC  frozen (the templates changed since)\n")
        .stderr_is("hivegen: Phase D would change 1 file; Phase D is complete and its fills are frozen, so `hivegen phase d` refuses to rewrite them: keep them, or run `hivegen phase d --force` to reopen the phase\n");
}

#[test]
fn check_reports_a_hand_edit_as_edited_by_hand_not_as_a_refusal() {
    // Decision: --check answers "would `phase d` change this?"; a hand-edited fill is listed
    // with the reason `edited by hand` (exit 1), and a note says `phase d` itself refuses it.
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    env.write(
        "app/a.py",
        env.read("app/a.py").replace("A = \"d\"", "A = 2"),
    );
    let before = env.fingerprint();
    let r = run(&env, &assets, &["phase", "d", "--check"]);
    // One next step, not two that contradict each other (regression: it said both "run
    // `hivegen phase d` to write it" and "`hivegen phase d` refuses to overwrite it").
    r.code(1)
        .stdout_is("app/a.py  STRUCTURE  edited by hand\n")
        .stderr_is("hivegen: Phase D would change 1 file; 1 fill was edited by hand, so `hivegen phase d` refuses: move the edit out of the anchor, or run `hivegen phase d --force` to overwrite it\n");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn check_reports_content_hivegen_did_not_write() {
    let (env, assets) = scaffolded();
    env.write(
        "app/a.py",
        "# <!-- SECTION:STRUCTURE -->\nmine = 1\n# <!-- /SECTION:STRUCTURE -->\n",
    );
    let r = run(&env, &assets, &["phase", "d", "--check"]);
    r.code(1)
        .stdout_has("app/a.py                     STRUCTURE  filled without hivegen\n");
}

#[test]
fn check_of_a_refused_plan_shows_the_refusal_and_exits_1() {
    let env = Env::new();
    let assets = mini_phases(&env);
    env.write(
        "app/a.py",
        "# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n",
    );
    let r = run(&env, &assets, &["phase", "d", "--check"]);
    r.code(1)
        .stderr_has("refused[prerequisite]: Phase D must run after Phase C");
}

#[test]
fn check_quiet_prints_nothing_and_keeps_the_exit_code() {
    let (env, assets) = scaffolded();
    let r = run(&env, &assets, &["phase", "d", "--check", "-q"]);
    r.code(1);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
}

// --- anchors ----------------------------------------------------------------------------------

const FILLED: &str =
    "x = 1\n# <!-- SECTION:A -->\nA = \"d\"\n# <!-- /SECTION:A phase=d sha256=PLACEHOLDER -->\n";

/// A repository with one anchor in each state, and files the walk must skip.
fn anchors_repo() -> Env {
    let env = Env::new();
    // A real stamp: the checksum of `A = "d"\n`, as a fill leaves it.
    let sum = sha_prefix("A = \"d\"\n");
    env.write("src/filled.py", FILLED.replace("PLACEHOLDER", &sum));
    env.write(
        "src/edited.py",
        FILLED
            .replace("PLACEHOLDER", &sum)
            .replace("A = \"d\"", "A = \"me\""),
    );
    env.write(
        "src/empty.py",
        "  // <!-- SECTION:E -->\n  // <!-- /SECTION:E -->\n",
    );
    env.write("src/open.py", "# <!-- SECTION:OPEN -->\n");
    env.write(
        "src/hand.py",
        "# <!-- SECTION:H -->\nmine = 1\n# <!-- /SECTION:H -->\n",
    );
    env.write(
        "src/broken.py",
        "# <!-- SECTION:B -->\n# <!-- /SECTION:C -->\n",
    );
    env.write("README.md", "no anchors, though it says SECTION: here\n");
    env.write("notes.txt", "nothing\n");
    // Skipped: ignored folders, hidden folders, .git, binaries.
    env.write(".gitignore", "target/\nnode_modules/\n");
    env.write("target/gen.py", "# <!-- SECTION:T -->\n");
    env.write("node_modules/m.js", "// <!-- SECTION:N -->\n");
    env.write(".venv/lib/v.py", "# <!-- SECTION:V -->\n");
    env.write(".git/x", "# <!-- SECTION:G -->\n");
    env.write("blob.bin", b"# <!-- SECTION:BIN -->\n\0\0\0".as_slice());
    env
}

fn sha_prefix(body: &str) -> String {
    hivegen::fill::checksum(body)
}

#[test]
fn anchors_lists_every_anchor_with_its_state_sorted() {
    let env = anchors_repo();
    let r = env.run(&["anchors"]);
    r.success().stderr_has(
        "hivegen: 6 anchors in 6 files: 1 empty, 1 open, 1 filled, 1 edited by hand, 1 filled (no stamp), 1 malformed",
    );
    assert_eq!(
        r.stdout,
        "src/broken.py:2  C     malformed: end marker `/SECTION:C` closes anchor `B` (begun at line 1) (column 3)\n\
         src/edited.py:2  A     edited by hand (was filled by phase d)\n\
         src/empty.py:1   E     empty\n\
         src/filled.py:2  A     filled by phase d\n\
         src/hand.py:1    H     filled (no stamp)\n\
         src/open.py:1    OPEN  open (no end marker yet)\n"
    );
}

#[test]
fn anchors_json_is_a_versioned_list_of_objects() {
    let env = anchors_repo();
    let r = env.run(&["anchors", "--format", "json"]);
    r.success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("stdout is JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["anchors"],
        serde_json::json!([
            {"file": "src/broken.py", "line": 2, "name": "C", "state": "malformed",
             "error": "end marker `/SECTION:C` closes anchor `B` (begun at line 1) (column 3)"},
            {"file": "src/edited.py", "line": 2, "name": "A", "state": "edited", "phase": "d"},
            {"file": "src/empty.py", "line": 1, "name": "E", "state": "empty"},
            {"file": "src/filled.py", "line": 2, "name": "A", "state": "filled", "phase": "d"},
            {"file": "src/hand.py", "line": 1, "name": "H", "state": "unstamped"},
            {"file": "src/open.py", "line": 1, "name": "OPEN", "state": "open"},
        ])
    );
}

#[test]
fn anchors_of_an_empty_tree_is_an_empty_list() {
    let env = Env::new();
    let r = env.run(&["anchors", "--format", "json"]);
    r.success()
        .stderr_has("hivegen: 0 anchors in 0 files")
        .stdout_is("{\n  \"version\": 1,\n  \"anchors\": []\n}\n");
}

#[test]
fn anchors_honours_gitignore_outside_a_git_repository_and_skips_hidden_and_binary() {
    let env = anchors_repo();
    let r = env.run(&["anchors"]);
    for skipped in ["target/", "node_modules/", ".venv/", ".git/", "blob.bin"] {
        assert!(
            !r.stdout.contains(skipped),
            "{skipped} listed:\n{}",
            r.stdout
        );
    }
}

#[test]
fn anchors_with_repo_flag_and_a_missing_folder_exits_2() {
    let env = anchors_repo();
    env.run(&["anchors", "--repo", "src"])
        .success()
        .stdout_has("filled.py:2");
    env.run(&["anchors", "--repo", "nowhere"])
        .code(2)
        .stderr_has("error[usage]: nowhere does not exist");
}

#[test]
fn anchors_verbose_lists_each_file_considered_and_its_decision() {
    let env = anchors_repo();
    let r = env.run(&["anchors", "-v"]);
    r.success()
        .stderr_has("  src/filled.py: 1 anchor\n")
        .stderr_has("  src/broken.py: malformed anchor\n")
        .stderr_has("  README.md: no anchors\n")
        .stderr_has("  notes.txt: no anchors\n")
        .stderr_has("  blob.bin: skipped (binary)\n");
    assert!(
        !r.stdout.contains("  notes.txt"),
        "messages leaked to stdout"
    );
}

#[test]
fn anchors_quiet_prints_the_data_and_no_message() {
    let env = anchors_repo();
    let r = env.run(&["anchors", "--format", "json", "-q"]);
    r.success();
    assert_eq!(r.stderr, "");
    serde_json::from_str::<serde_json::Value>(&r.stdout).expect("stdout is JSON");
}

#[test]
fn anchors_works_with_a_broken_spec_override() {
    // The walk needs no spec, so a broken one (the repository's own) must not stop it.
    let env = anchors_repo();
    env.write(".hivegen/specs/d.yaml", "id: [\n");
    env.run(&["anchors"]).success();
}

// --- quiet, verbose, stdout vs stderr ---------------------------------------------------------

#[test]
fn quiet_phase_prints_nothing_when_all_is_well() {
    let (env, assets) = scaffolded();
    let r = run(&env, &assets, &["phase", "d", "-q"]);
    r.success();
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
}

#[test]
fn quiet_still_prints_errors_and_refusals() {
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    env.write(
        "app/a.py",
        env.read("app/a.py").replace("A = \"d\"", "A = 2"),
    );
    let r = run(&env, &assets, &["phase", "d", "-q"]);
    r.code(1).stderr_has("refused[hand-edit]");
    assert!(
        !r.stderr.contains("hivegen: Phase D refused"),
        "{}",
        r.stderr
    );
    let r = run(&env, &assets, &["phase", "x", "-q"]);
    r.code(2).stderr_has("error[usage]: no phase `x`");
}

#[test]
fn verbose_phase_lists_each_file_and_decision() {
    let (env, assets) = scaffolded();
    run(&env, &assets, &["phase", "d"]).success();
    env.asset(
        "templates/phase_d/app/b.py.tera",
        "def run(self) -> int:\n    return 2\n",
    );
    let r = run(&env, &assets, &["phase", "d", "--check", "-v"]);
    r.code(1);
    let details: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(str::trim_end)
        .collect();
    assert_eq!(
        details,
        [
            "  app/a.py                                 STRUCTURE        up to date",
            "  app/b.py                                 LOGIC            fill (stale)",
            "  docs/BUILD_PHASE_D_COMPLETE              -                up to date",
        ]
    );
}

#[test]
fn diff_data_on_stdout_messages_on_stderr() {
    let (env, assets) = scaffolded();
    let r = run(&env, &assets, &["phase", "d", "--diff", "-v"]);
    r.success();
    assert!(
        r.stdout.lines().all(|l| {
            ["--- ", "+++ ", "@@ ", " ", "+", "-", "\\"]
                .iter()
                .any(|p| l.starts_with(p))
                || l.is_empty()
        }),
        "stdout holds more than the diff:\n{}",
        r.stdout
    );
    assert!(!r.stderr.contains("+++"), "the diff leaked to stderr");
    r.stderr_has("fill (empty)");
}

/// An open anchor is listed as open, as `--check` calls it, not as empty.
#[test]
fn anchors_lists_an_open_anchor_as_open() {
    let env = Env::new();
    env.write("a.py", "# <!-- SECTION:A -->\nx = 1\n");
    env.write("b.py", "x = 'SECTION: not a marker'\n");
    let run = env.run(&["anchors", "--format", "json", "-v"]);
    run.success();
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows["anchors"][0]["state"], "open");
    assert!(run.stderr.contains("b.py: no anchors"), "{}", run.stderr);
}
