//! The engine on a small phase set: anchors, line endings, refusals, idempotence, atomicity.

use crate::support::repos::{mini_phases, mini_scaffold as scaffolded, run_with};
use crate::support::{Env, Run};

fn phase_d(env: &Env, assets: &[String], extra: &[&str]) -> Run {
    let mut args = vec!["phase", "d"];
    args.extend(extra);
    run_with(env, assets, &args)
}

#[test]
fn phase_c_then_d_fills_every_anchor_and_writes_the_marker() {
    let (env, assets) = scaffolded();
    assert_eq!(
        env.read("docs/BUILD_PHASE_C_COMPLETE"),
        "PHASE C COMPLETE\n"
    );
    phase_d(&env, &assets, &[])
        .success()
        .stdout_is("PHASE D DONE — READY FOR PHASE E\n")
        .stderr_is(concat!(
            "  filled  app/a.py  STRUCTURE (empty)\n",
            "  filled  app/b.py  LOGIC (empty)\n",
            "  created docs/BUILD_PHASE_D_COMPLETE\n",
            "hivegen: Phase D wrote 3 files in .\n",
        ));
    assert_eq!(
        env.read("docs/BUILD_PHASE_D_COMPLETE"),
        "PHASE D COMPLETE\n"
    );
    let a = env.read("app/a.py");
    assert!(a.starts_with("\"\"\"A.\"\"\"\n\n# <!-- SECTION:STRUCTURE -->\nA = \"d\"\n# <!-- /SECTION:STRUCTURE phase=d sha256="), "{a}");
}

#[test]
fn second_run_changes_no_byte_and_no_mtime() {
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    let before = env.fingerprint();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = phase_d(&env, &assets, &[]);
    run.success().stderr_has("nothing to do");
    assert_eq!(run.last_line(), "PHASE D DONE — READY FOR PHASE E");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn indented_anchor_body_takes_the_marker_indentation() {
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    let b = env.read("app/b.py");
    assert!(b.contains("    # <!-- SECTION:LOGIC -->\n    def run(self) -> int:\n        return 1\n    # <!-- /SECTION:LOGIC phase=d"), "{b}");
    assert!(b.ends_with(" -->\n    pass\n"), "{b}");
}

#[test]
fn crlf_file_stays_crlf_and_every_byte_outside_the_body_is_kept() {
    let (env, assets) = scaffolded();
    let crlf = "\"\"\"A.\"\"\"\r\n\r\nx = 1  \r\n# <!-- SECTION:STRUCTURE -->\r\n# <!-- /SECTION:STRUCTURE -->\r\ntail\r\n";
    env.write("app/a.py", crlf);
    phase_d(&env, &assets, &[]).success();
    let a = env.read("app/a.py");
    assert!(
        !a.replace("\r\n", "").contains('\n'),
        "a bare LF crept in: {a:?}"
    );
    assert!(a.starts_with("\"\"\"A.\"\"\"\r\n\r\nx = 1  \r\n# <!-- SECTION:STRUCTURE -->\r\nA = \"d\"\r\n# <!-- /SECTION:STRUCTURE phase=d sha256="));
    assert!(a.ends_with(" -->\r\ntail\r\n"));
    // Idempotent on CRLF too.
    let before = env.fingerprint();
    phase_d(&env, &assets, &[]).success();
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn utf8_bom_is_preserved() {
    let (env, assets) = scaffolded();
    env.write(
        "app/a.py",
        "\u{feff}# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n",
    );
    phase_d(&env, &assets, &[]).success();
    let a = env.bytes("app/a.py");
    assert_eq!(&a[..3], b"\xef\xbb\xbf");
    assert!(String::from_utf8(a)
        .unwrap()
        .contains("\n# <!-- /SECTION:STRUCTURE phase=d"));
}

#[test]
fn open_anchor_is_closed_by_the_first_fill() {
    let (env, assets) = scaffolded();
    env.write("app/a.py", "# <!-- SECTION:STRUCTURE -->\nAFTER = 1\n");
    phase_d(&env, &assets, &[]).success();
    let a = env.read("app/a.py");
    assert!(
        a.starts_with(
            "# <!-- SECTION:STRUCTURE -->\nA = \"d\"\n# <!-- /SECTION:STRUCTURE phase=d sha256="
        ),
        "{a}"
    );
    assert!(a.ends_with(" -->\nAFTER = 1\n"), "{a}");
}

#[test]
fn each_malformed_anchor_is_an_error_with_file_and_line_and_nothing_is_written() {
    let cases = [
        ("duplicate", "# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n", "app/a.py:3:3", "appears twice"),
        ("end without begin", "x = 1\n# <!-- /SECTION:STRUCTURE -->\n", "app/a.py:2:3", "has no begin marker"),
        ("nested", "# <!-- SECTION:STRUCTURE -->\n# <!-- SECTION:INNER -->\n# <!-- /SECTION:INNER -->\n# <!-- /SECTION:STRUCTURE -->\n", "app/a.py:2:3", "nested"),
        ("mismatched", "# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:OTHER -->\n", "app/a.py:2:3", "closes anchor `STRUCTURE`"),
        ("prefix", "# <!-- SECTION:STRUCTURE -->\n// <!-- /SECTION:STRUCTURE -->\n", "app/a.py:2:4", "behind `//`"),
    ];
    for (what, text, location, message) in cases {
        let (env, assets) = scaffolded();
        env.write("app/a.py", text);
        let before = env.fingerprint();
        let run = phase_d(&env, &assets, &[]);
        run.code(2)
            .stderr_has(location)
            .stderr_has(message)
            .stderr_has("help:");
        assert_eq!(env.fingerprint(), before, "{what}: something was written");
    }
}

#[test]
fn missing_prerequisite_is_refused() {
    let env = Env::new();
    let assets = mini_phases(&env);
    env.write(
        "app/a.py",
        "# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n",
    );
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(1)
        .stderr_has("Phase D must run after Phase C: docs/BUILD_PHASE_C_COMPLETE is missing")
        .stderr_has("run `hivegen phase c` first");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn missing_anchor_in_the_last_file_writes_nothing_at_all() {
    let (env, assets) = scaffolded();
    // app/b.py is the last file of the plan; app/a.py would be filled first.
    env.write("app/b.py", "class B:\n    pass\n");
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(1)
        .stderr_has("app/b.py has no anchor `LOGIC`")
        .stderr_has("nothing was written");
    assert_eq!(env.fingerprint(), before);
    assert!(!env.path("docs/BUILD_PHASE_D_COMPLETE").exists());
}

#[test]
fn template_error_in_the_last_fill_writes_nothing_and_names_the_template_line() {
    let (env, assets) = scaffolded();
    env.asset(
        "templates/phase_d/app/b.py.tera",
        "def run(self) -> int:\n    return {{ nowhere.to_be_found }}\n",
    );
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(2)
        .stderr_has("error[template]")
        .stderr_has("phase_d/app/b.py.tera:2:");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn missing_file_is_refused_naming_file_and_anchor() {
    let (env, assets) = scaffolded();
    std::fs::remove_file(env.path("app/a.py")).unwrap();
    phase_d(&env, &assets, &[])
        .code(1)
        .stderr_has("app/a.py does not exist, so anchor `STRUCTURE` cannot be filled");
}

#[test]
fn a_later_phase_marker_freezes_the_fills() {
    let (env, assets) = scaffolded();
    env.write("docs/BUILD_PHASE_E_COMPLETE", "PHASE E COMPLETE\n");
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(1)
        .stderr_has("a later phase is complete (docs/BUILD_PHASE_E_COMPLETE)")
        .stderr_has("frozen");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn a_later_phase_marker_is_fine_when_nothing_changes() {
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    env.write("docs/BUILD_PHASE_E_COMPLETE", "PHASE E COMPLETE\n");
    phase_d(&env, &assets, &[])
        .success()
        .stderr_has("nothing to do");
}

#[test]
fn a_hand_edited_fill_is_refused_and_force_overwrites_it() {
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    let edited = env.read("app/a.py").replace("A = \"d\"", "A = \"mine\"");
    env.write("app/a.py", &edited);
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(1)
        .stderr_has("refused[hand-edit]: anchor `STRUCTURE` of app/a.py was edited by hand")
        // The caret points at the first character the hand edit changed.
        .stderr_has("app/a.py:4:6")
        .stderr_has("--force");
    assert_eq!(env.fingerprint(), before);
    phase_d(&env, &assets, &["--force"])
        .success()
        .stderr_has("--force overwrote the hand-edited fill `STRUCTURE` of app/a.py");
    assert!(env.read("app/a.py").contains("A = \"d\""));
}

/// A completed phase is frozen (phase_d.md §5): when the templates change after it, `phase`
/// refuses to rewrite its fills, and `--force` reopens it.
#[test]
fn a_stale_fill_of_a_completed_phase_is_frozen_until_forced() {
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    env.asset(
        "templates/phase_d/app/a.py.tera",
        "A = \"{{ phase.id }}2\"\n",
    );
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(1)
        .stderr_has("refused[frozen]: anchor `STRUCTURE` of app/a.py is frozen")
        .stderr_has("--force");
    assert_eq!(env.fingerprint(), before);
    phase_d(&env, &assets, &["--force"])
        .success()
        .stderr_has("stale")
        .stderr_has("--force reopened Phase D");
    assert!(env.read("app/a.py").contains("A = \"d2\""));
}

/// Before the phase is complete (no marker yet), a stale fill is simply rewritten.
#[test]
fn a_stale_fill_of_a_phase_in_progress_is_rewritten() {
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    std::fs::remove_file(env.path("docs/BUILD_PHASE_D_COMPLETE")).unwrap();
    env.asset(
        "templates/phase_d/app/a.py.tera",
        "A = \"{{ phase.id }}2\"\n",
    );
    phase_d(&env, &assets, &[]).success().stderr_has("stale");
    assert!(env.read("app/a.py").contains("A = \"d2\""));
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let (env, assets) = scaffolded();
    std::fs::set_permissions(env.path("app/a.py"), std::fs::Permissions::from_mode(0o750)).unwrap();
    phase_d(&env, &assets, &[]).success();
    let mode = std::fs::metadata(env.path("app/a.py"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o750);
}

/// A fresh GitHub repository (a README, a LICENSE, a `.gitignore`, a workflow) takes the
/// scaffold beside its files, which stay byte for byte; anything else is refused by name.
#[test]
fn phase_c_lays_the_scaffold_beside_repository_files_only() {
    let env = Env::new();
    let files: [(&str, &[u8]); 5] = [
        ("README.md", b"# HiveSync\r\n"),
        ("LICENSE", b"MIT\n"),
        (".gitignore", b"*.pyc\n"),
        (".github/workflows/ci.yml", b"name: ci\n"),
        (".editorconfig", b"root = true\n"),
    ];
    for (rel, bytes) in files {
        env.write(rel, bytes);
    }
    env.run(&["phase", "c"])
        .success()
        .stdout_is("PHASE C DONE — READY FOR PHASE D\n");
    for (rel, bytes) in files {
        assert_eq!(env.bytes(rel), bytes, "{rel} changed");
    }
    assert!(env.path("backend/app/main.py").is_file());

    let other = Env::new();
    other
        .write("README.md", "mine\n")
        .write("notes.txt", "mine\n");
    other
        .run(&["phase", "c"])
        .code(1)
        .stderr_has("holds notes.txt")
        .stderr_has("nothing was written");
    assert_eq!(other.files(""), ["README.md", "notes.txt"]);
}

/// A file the scaffold lays that is already there is refused by its name, not overwritten.
#[test]
fn phase_c_refuses_a_scaffold_path_that_exists() {
    let env = Env::new();
    env.write("backend/app/main.py", "print('mine')\n");
    let run = env.run(&["phase", "c"]);
    run.code(1)
        .stderr_has("refused[exists]: backend/app/main.py already exists");
    assert_eq!(env.read("backend/app/main.py"), "print('mine')\n");
    assert_eq!(env.files(""), ["backend/app/main.py"]);
}

#[test]
fn phase_c_refuses_a_folder_with_content_but_accepts_an_empty_git_repo() {
    let env = Env::new();
    let assets = mini_phases(&env);
    let mut args: Vec<&str> = vec!["phase", "c"];
    args.extend(assets.iter().map(String::as_str));
    env.write("notes.txt", "mine\n");
    env.run(&args)
        .code(1)
        .stderr_has("holds notes.txt")
        .stderr_has("--repo");
    assert_eq!(env.files(""), ["notes.txt"]);

    let git = Env::new();
    let assets = mini_phases(&git);
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(git.root())
        .status()
        .unwrap();
    assert!(status.success());
    let mut args: Vec<&str> = vec!["phase", "c"];
    args.extend(assets.iter().map(String::as_str));
    git.run(&args).success();
    // And a second run is a no-op.
    git.run(&args).success().stderr_has("nothing to do");
}

#[test]
fn phase_c_creates_a_missing_target_folder() {
    let env = Env::new();
    let assets = mini_phases(&env);
    let mut args: Vec<&str> = vec!["phase", "c", "--repo", "new/demo"];
    args.extend(assets.iter().map(String::as_str));
    env.run(&args).success();
    assert!(env.path("new/demo/app/a.py").is_file());
}

#[test]
fn spec_with_an_unknown_key_is_an_error_with_file_line_and_column() {
    let env = Env::new();
    let assets = mini_phases(&env);
    let spec = env.asset_path("specs/d.yaml");
    let text = std::fs::read_to_string(&spec).unwrap() + "colour: blue\n";
    std::fs::write(&spec, text).unwrap();
    env.run(&["spec", "list", &assets[0], &assets[1]])
        .code(2)
        .stderr_has("error[spec]")
        .stderr_has("d.yaml:9:1")
        .stderr_has("colour");
}

#[test]
fn unknown_phase_is_an_error() {
    Env::new()
        .run(&["phase", "x"])
        .code(2)
        .stderr_has("no phase `x`")
        .stderr_has("known phases: c, d");
}

#[test]
fn spec_list_and_show_print_the_embedded_specs() {
    let env = Env::new();
    let list = env.run(&["spec", "list"]);
    list.success()
        .stdout_has("Backend scaffold")
        .stdout_has("Backend Implementation (Part 2)");
    let show = env.run(&["spec", "show", "d"]);
    show.success()
        .stdout_has("done: PHASE D DONE — READY FOR PHASE E")
        .stdout_has("backend/app/models/user.py");
}

#[test]
fn bad_arguments_exit_2() {
    Env::new().run(&["phase"]).code(2);
    Env::new().run(&["phase", "d", "--diff", "--check"]).code(2);
}

#[test]
fn concurrent_runs_cannot_interleave() {
    let (env, assets) = scaffolded();
    // Hold the lock the way a running hivegen does: an exclusive lock on the repository folder.
    let dir = std::fs::File::open(env.root()).unwrap();
    dir.lock().unwrap();
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(2)
        .stderr_has("another hivegen is writing to")
        .stderr_has("wait for it to finish");
    assert_eq!(env.fingerprint(), before);
    dir.unlock().unwrap();
    phase_d(&env, &assets, &[]).success();
}

#[test]
fn hostile_targets_are_refused_with_nothing_written() {
    let huge = "# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n".to_string()
        + &"x".repeat(17 << 20);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "binary",
            b"# <!-- SECTION:STRUCTURE -->\n\0\0\n# <!-- /SECTION:STRUCTURE -->\n".to_vec(),
            "app/a.py is a binary file",
        ),
        (
            "invalid utf-8",
            b"# <!-- SECTION:STRUCTURE -->\n\xff\xfe\n# <!-- /SECTION:STRUCTURE -->\n".to_vec(),
            "app/a.py is not UTF-8 text",
        ),
        ("huge", huge.into_bytes(), "more than hivegen fills"),
    ];
    for (what, bytes, message) in cases {
        let (env, assets) = scaffolded();
        env.write("app/a.py", &bytes);
        let before = env.fingerprint();
        phase_d(&env, &assets, &[]).code(2).stderr_has(message);
        assert_eq!(env.fingerprint(), before, "{what}");
    }
}

#[cfg(unix)]
#[test]
fn a_target_that_is_a_symlink_leading_outside_is_refused() {
    let (env, assets) = scaffolded();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.py");
    std::fs::write(
        &victim,
        "# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n",
    )
    .unwrap();
    std::fs::remove_file(env.path("app/a.py")).unwrap();
    std::os::unix::fs::symlink(&victim, env.path("app/a.py")).unwrap();
    phase_d(&env, &assets, &[])
        .code(2)
        .stderr_has("leads outside the repository");
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n"
    );
}

#[test]
fn hostile_specs_are_refused() {
    let yaml_bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    let cases = [
        ("dot-dot", "id: d\ntitle: T\nmarker: {path: ../outside, content: x}\ndone: D\n", "escapes the repository"),
        ("absolute", "id: d\ntitle: T\nmarker: {path: docs/M, content: x}\ndone: D\nfills:\n  - {file: /etc/passwd, anchor: A}\n", "escapes the repository"),
        ("template", "id: d\ntitle: T\nmarker: {path: docs/M, content: x}\ndone: D\nfills:\n  - {file: a.py, anchor: A, template: ../../x.tera}\n", "escapes the repository"),
        ("yaml bomb", yaml_bomb, "error[spec]"),
    ];
    for (what, text, message) in cases {
        let env = Env::new();
        let specs = env.asset("specs/d.yaml", text);
        let specs = specs.parent().unwrap().display().to_string();
        let run = env.run(&["phase", "d", "--specs", &specs]);
        run.code(2).stderr_has(message);
        assert!(env.files("").is_empty(), "{what}: something was written");
    }
}

#[test]
fn a_template_that_renders_an_anchor_marker_is_an_error() {
    let (env, assets) = scaffolded();
    env.asset(
        "templates/phase_d/app/a.py.tera",
        "A = 1\n# <!-- SECTION:SNEAKY -->\n",
    );
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(2)
        .stderr_has("renders an anchor marker");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn repository_local_templates_override_the_embedded_ones() {
    let (env, assets) = scaffolded();
    // Only --specs on the command line; templates come from the repository's .hivegen/.
    env.write(
        ".hivegen/templates/phase_d/app/a.py.tera",
        "A = \"local\"\n",
    );
    env.write(
        ".hivegen/templates/phase_d/app/b.py.tera",
        "def run(self) -> int:\n    return 2\n",
    );
    env.run(&["phase", "d", "--specs", &assets[1]]).success();
    assert!(env.read("app/a.py").contains("A = \"local\""));
    assert!(env.read("app/b.py").contains("        return 2"));
}

#[cfg(unix)]
#[test]
fn a_template_symlink_leading_outside_the_templates_folder_is_refused() {
    let (env, assets) = scaffolded();
    let outside = env.asset("outside/secret.tera", "SECRET = 1\n");
    let link = std::path::Path::new(&assets[3]).join("phase_d/app/a.py.tera");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(2)
        .stderr_has("is a symbolic link leading outside")
        .stderr_has("copy the file into the folder");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn a_read_only_target_is_refused_with_nothing_written() {
    let (env, assets) = scaffolded();
    let b = env.path("app/b.py");
    let mut perms = std::fs::metadata(&b).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&b, perms).unwrap();
    let before = env.fingerprint();
    phase_d(&env, &assets, &[])
        .code(2)
        .stderr_has("app/b.py is read-only")
        .stderr_has("chmod u+w app/b.py")
        .stderr_has("nothing was written");
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn phase_d_before_phase_c_is_one_refusal() {
    let env = Env::new();
    let run = env.run(&["phase", "d"]);
    run.code(1).stderr_has("Phase D must run after Phase C");
    assert_eq!(run.stderr.matches("refused[").count(), 1, "{}", run.stderr);
}

#[test]
fn phase_d_on_a_folder_that_does_not_exist_says_so() {
    Env::new()
        .run(&["phase", "d", "--repo", "nowhere"])
        .code(2)
        .stderr_has("nowhere does not exist");
}

/// Data that cannot be written is an error: a truncated report must not pass for a clean one.
#[cfg(target_os = "linux")]
#[test]
fn output_to_a_full_disk_is_an_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hivegen"))
        .args(["spec", "list"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the output"));
}

/// A template missing from an override folder is named by its path there.
#[test]
fn a_missing_template_is_named_in_the_override_folder() {
    let (env, assets) = scaffolded();
    std::fs::remove_file(std::path::Path::new(&assets[3]).join("phase_d/app/b.py.tera")).unwrap();
    phase_d(&env, &assets, &[])
        .code(2)
        .stderr_has("template `app/b.py.tera` not found")
        .stderr_has(&format!("{}/phase_d/app/b.py.tera", assets[3]))
        .stderr_has("replaces the embedded one whole");
}
