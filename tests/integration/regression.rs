//! Regression tests, gathered in one place as ripgrep does: each says what broke, and runs the
//! real binary on the case that broke it.

use std::fs;

use crate::support::repos::{
    committed_handwritten_repo, generated, manifest, mini_scaffold as scaffolded, phase_c_repo,
    run_with,
};
use crate::support::{git, hivegen_in as hivegen, Env, Run};

fn phase_d(env: &Env, assets: &[String], extra: &[&str]) -> Run {
    let mut args = vec!["phase", "d"];
    args.extend(extra);
    run_with(env, assets, &args)
}

// --- phase ------------------------------------------------------------------------------------

/// Regression: created files had tempfile's 0600 mode whatever the umask, so a shared checkout
/// or a container running as another user could not read the scaffold.
#[cfg(unix)]
#[test]
fn created_files_get_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    for file in [
        "app/a.py",
        "docs/BUILD_PHASE_C_COMPLETE",
        "docs/BUILD_PHASE_D_COMPLETE",
    ] {
        let mode = std::fs::metadata(env.path(file))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        // 0666 less the umask: readable by others under the usual 022 or 002.
        assert_eq!(mode & 0o644, 0o644 & mode, "{file}: {mode:o}");
        assert!(
            mode & 0o044 != 0 || mode & 0o600 == 0o600,
            "{file}: {mode:o}"
        );
        assert_ne!(mode, 0o600, "{file} has tempfile's private mode");
    }
}

/// Regression: a path that did not exist yet was not checked, so a symlinked parent folder
/// carried a created file outside the repository.
#[cfg(unix)]
#[test]
fn a_created_file_under_a_symlinked_folder_leading_outside_is_refused() {
    let env = Env::new();
    let outside = tempfile::tempdir().unwrap();
    env.asset(
        "specs/x.yaml",
        "id: x\ntitle: X\nmarker: {path: out/MARK, content: \"X\\n\"}\ndone: X DONE\n",
    );
    std::os::unix::fs::symlink(outside.path(), env.path("out")).unwrap();
    let specs = env.asset_path("specs");
    env.run(&["phase", "x", "--specs", &specs])
        .code(2)
        .stderr_has("leads outside the repository");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// Regression: a spec could name `.git/config` (git runs commands from it).
#[test]
fn a_spec_path_into_dot_git_is_refused() {
    let env = Env::new();
    env.asset(
        "specs/x.yaml",
        "id: x\ntitle: X\nmarker: {path: .git/config, content: \"[core]\\n\"}\ndone: X DONE\n",
    );
    let specs = env.asset_path("specs");
    env.run(&["phase", "x", "--specs", &specs])
        .code(2)
        .stderr_has("escapes the repository");
    assert!(!env.path(".git").exists());
}

/// Regression: a marker with other content made `phase d` refuse its own rewrite of the marker
/// as an edit outside the anchors.
#[test]
fn a_marker_with_other_content_is_rewritten() {
    let env = Env::new();
    env.run(&["phase", "c"]).success();
    env.run(&["phase", "d"]).success();
    env.write("docs/BUILD_PHASE_D_COMPLETE", "garbage\r\n");
    env.run(&["phase", "d"]).success();
    assert_eq!(
        env.read("docs/BUILD_PHASE_D_COMPLETE"),
        "PHASE D COMPLETE\n"
    );
}

/// Regression: with a later phase complete, a hand edit was refused with "rerun with --force",
/// and --force then refused as frozen: the advice went round in a circle.
#[test]
fn a_hand_edit_under_a_later_phase_gets_one_consistent_answer() {
    let (env, assets) = scaffolded();
    phase_d(&env, &assets, &[]).success();
    let edited = env.read("app/a.py").replace("A = \"d\"", "A = \"mine\"");
    env.write("app/a.py", &edited);
    env.write("docs/BUILD_PHASE_E_COMPLETE", "PHASE E COMPLETE\n");
    for extra in [&[][..], &["--force"][..]] {
        let run = phase_d(&env, &assets, extra);
        run.code(1)
            .stderr_has("refused[frozen]: anchor `STRUCTURE` of app/a.py would be rewritten (edited by hand)")
            .stderr_has("git checkout -- app/a.py");
        assert!(
            !run.stderr.contains("--force to overwrite"),
            "{}",
            run.stderr
        );
    }
}

/// Regression: a failed `phase c` into a new folder left the folder behind.
#[test]
fn a_failed_phase_c_into_a_new_folder_leaves_nothing() {
    let env = Env::new();
    let empty_templates = env.asset("templates/phase_c/.keep", "");
    let templates = empty_templates
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .display()
        .to_string();
    env.run(&[
        "phase",
        "c",
        "--templates",
        &templates,
        "--repo",
        "new/demo",
    ])
    .code(2)
    .stderr_has("not found");
    assert!(!env.path("new").exists());
}

/// Regression: the line ending was taken from the file's first line, so a file with an LF
/// header and CRLF anchors got an LF body between CRLF markers.
#[test]
fn the_body_ends_its_lines_like_its_marker() {
    let (env, assets) = scaffolded();
    env.write(
        "app/a.py",
        "\"\"\"A.\"\"\"\n# <!-- SECTION:STRUCTURE -->\r\n# <!-- /SECTION:STRUCTURE -->\r\n",
    );
    phase_d(&env, &assets, &[]).success();
    let a = env.read("app/a.py");
    assert!(
        a.contains("# <!-- SECTION:STRUCTURE -->\r\nA = \"d\"\r\n# <!-- /SECTION:STRUCTURE"),
        "{a:?}"
    );
}

/// Regression: `phase c` in a repository where Phase D had filled the scaffold refused as if
/// the folder were someone else's, with a "frozen" refusal that made no sense for Phase C.
#[test]
fn phase_c_after_phase_d_has_nothing_to_do() {
    let env = Env::new();
    env.run(&["phase", "c"]).success();
    env.run(&["phase", "d"]).success();
    let before = env.fingerprint();
    env.run(&["phase", "c"])
        .success()
        .stderr_has("nothing to do");
    assert_eq!(env.fingerprint(), before);
}

// --- verify -----------------------------------------------------------------------------------

/// Regression: the change itself could lift Phase D's rules by adding a marker of a phase
/// hivegen does not know, or by deleting Phase D's marker; both are read from base now.
#[test]
fn a_change_cannot_lift_its_own_rules() {
    let (_dir, repo) = committed_handwritten_repo();
    fs::write(
        repo.join("docs/BUILD_PHASE_Z_COMPLETE"),
        "PHASE Z COMPLETE\n",
    )
    .unwrap();
    fs::write(
        repo.join("backend/app/models/extra.py"),
        "x = relationship('A')\n",
    )
    .unwrap();
    let out = hivegen(&repo, &["verify", "--base", "HEAD"]);
    out.code(1);
    assert!(out.stdout.contains("D-FILE-CREATED"), "{}", out.stdout);
    assert!(out.stdout.contains("D-ORM-RELATIONSHIP"), "{}", out.stdout);

    fs::remove_file(repo.join("docs/BUILD_PHASE_Z_COMPLETE")).unwrap();
    fs::remove_file(repo.join("docs/BUILD_PHASE_D_COMPLETE")).unwrap();
    let out = hivegen(&repo, &["verify", "--base", "HEAD"]);
    out.code(1);
    assert!(out.stdout.contains("D-FILE-DELETED"), "{}", out.stdout);
    assert!(out.stdout.contains("D-ORM-RELATIONSHIP"), "{}", out.stdout);
}

/// Regression: `verify` took its rules from the repository's own `.hivegen/specs/`, so a change
/// adding a spec without rules passed.
#[test]
fn verify_ignores_the_repositorys_own_spec_overrides() {
    let (_dir, repo) = committed_handwritten_repo();
    let specs = repo.join(".hivegen/specs");
    fs::create_dir_all(&specs).unwrap();
    for name in ["phase_c.yaml", "phase_d.yaml"] {
        let text = fs::read_to_string(manifest(&format!("phase_specs/{name}"))).unwrap();
        let cut = text.find("\nrules:").map_or(text.len(), |i| i);
        fs::write(specs.join(name), format!("{}\nrules: []\n", &text[..cut])).unwrap();
    }
    fs::write(
        repo.join("backend/app/models/extra.py"),
        "x = relationship('A')\n",
    )
    .unwrap();
    let out = hivegen(&repo, &["verify", "--base", "HEAD"]);
    out.code(1);
    assert!(out.stdout.contains("D-ORM-RELATIONSHIP"), "{}", out.stdout);
}

/// Regression: `verify` in a folder that is not a HiveSync repository said "clean" with exit
/// 0, so a wrong `--repo` in CI passed.
#[test]
fn verify_outside_a_hivesync_repository_exits_2() {
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("notes.txt"), "mine\n").unwrap();
    for args in [&["verify"][..], &["verify", "--base", "HEAD"][..]] {
        let run = hivegen(plain.path(), args);
        run.code(2);
        assert!(
            run.stderr.contains("is not a HiveSync repository"),
            "{}",
            run.stderr
        );
    }
}

/// Regression: a Phase D file with a byte that is not UTF-8 was skipped by every check, so a
/// forbidden construct next to it passed.
#[test]
fn a_fill_file_that_is_not_utf8_is_a_violation() {
    let (_dir, repo) = generated(&["c", "d"]);
    let project = repo.join("backend/app/models/project.py");
    let mut bytes = fs::read(&project).unwrap();
    bytes.extend_from_slice(b"# caf\xe9\n");
    fs::write(&project, bytes).unwrap();
    let out = hivegen(&repo, &["verify"]);
    out.code(1);
    assert!(out.stdout.contains("is not UTF-8 text"), "{}", out.stdout);
}

/// Regression: `verify --base` followed symlinks, so a link to /dev/zero read until memory ran
/// out, and a link to a file outside the repository had that file judged (and shown).
#[cfg(unix)]
#[test]
fn verify_base_judges_a_symlink_as_its_target_path() {
    let (_dir, repo) = committed_handwritten_repo();
    std::os::unix::fs::symlink("/dev/zero", repo.join("backend/app/zero.py")).unwrap();
    let out = hivegen(&repo, &["verify", "--base", "HEAD"]);
    out.code(1);
    assert!(out.stdout.contains("D-FILE-CREATED"), "{}", out.stdout);
}

/// Regression: a tree holding only Phase D's marker, every anchor empty, verified clean.
#[test]
fn a_marker_alone_does_not_complete_phase_d() {
    let (_dir, repo) = generated(&["c"]);
    fs::write(
        repo.join("docs/BUILD_PHASE_D_COMPLETE"),
        "PHASE D COMPLETE\n",
    )
    .unwrap();
    let out = hivegen(&repo, &["verify"]);
    out.code(1);
    assert_eq!(
        out.stdout.matches("error[D-INCOMPLETE]").count(),
        22,
        "{}",
        out.stdout
    );
}

/// Regression: every anchor filled and no marker said "remove docs/BUILD_PHASE_D_COMPLETE",
/// a file that is not there; the help now says how to write it.
#[test]
fn a_missing_marker_is_asked_for_not_removed() {
    let (_dir, repo) = phase_c_repo();
    hivegen(&repo, &["phase", "d"]).code(0);
    fs::remove_file(repo.join("docs/BUILD_PHASE_D_COMPLETE")).unwrap();
    let out = hivegen(&repo, &["verify", "--base", "HEAD"]);
    out.code(1);
    assert!(
        out.stdout
            .contains("its marker docs/BUILD_PHASE_D_COMPLETE is missing")
            && out
                .stdout
                .contains("run `hivegen phase d` to write the marker")
            && !out.stdout.contains("remove docs/BUILD_PHASE_D_COMPLETE"),
        "{}",
        out.stdout
    );
}

/// Regression: a file Phase D fills replaced by a symbolic link to a file outside the
/// repository ended `verify` with an I/O error (exit 2, no finding) instead of reporting it
/// (attacker corpus blind17 A170).
#[cfg(unix)]
#[test]
fn a_fill_file_linked_outside_is_a_finding() {
    let (_dir, repo) = phase_c_repo();
    hivegen(&repo, &["phase", "d"]).code(0);
    let outside = tempfile::tempdir().unwrap();
    let file = "backend/app/services/repo_mirror.py";
    let copy = outside.path().join("repo_mirror.py");
    fs::copy(repo.join(file), &copy).unwrap();
    fs::remove_file(repo.join(file)).unwrap();
    std::os::unix::fs::symlink(&copy, repo.join(file)).unwrap();
    for args in [&["verify"][..], &["verify", "--base", "HEAD"]] {
        let out = hivegen(&repo, args);
        out.code(1);
        assert!(
            out.stdout.contains(&format!(
                "`{file}`, filled by Phase D, is a symbolic link (to {})",
                copy.display()
            )),
            "{args:?}: {}",
            out.stdout
        );
    }
}

/// Regression: with `--base`, code rules looked at changed lines only, so deleting the quotes
/// around an unchanged `relationship(...)` line made it code without a finding.
#[test]
fn unquoting_an_unchanged_line_is_judged() {
    let (_dir, repo) = generated(&["c"]);
    let project = repo.join("backend/app/models/project.py");
    let text = fs::read_to_string(&project).unwrap();
    let quoted = text.replace(
        "# <!-- /SECTION:STRUCTURE -->",
        "_NOTE = \"\"\"\nowner = relationship(\"User\")\n\"\"\"\n# <!-- /SECTION:STRUCTURE -->",
    );
    fs::write(&project, &quoted).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    hivegen(&repo, &["verify", "--base", "HEAD"]).code(0);
    let unquoted = quoted.replace("_NOTE = \"\"\"\n", "").replace(
        "owner = relationship(\"User\")\n\"\"\"\n",
        "owner = relationship(\"User\")\n",
    );
    fs::write(&project, unquoted).unwrap();
    fs::write(
        repo.join("docs/BUILD_PHASE_D_COMPLETE"),
        "PHASE D COMPLETE\n",
    )
    .unwrap();
    let out = hivegen(&repo, &["verify", "--base", "HEAD"]);
    assert!(out.stdout.contains("D-ORM-RELATIONSHIP"), "{}", out.stdout);
}

/// Regression: verify compared bytes only, so `chmod 755` of a scaffold file (an edit git
/// records and a checkout applies) verified clean; so did the same mode committed. A mode
/// change is an edit outside the anchors, committed, staged or not.
#[cfg(unix)]
#[test]
fn a_mode_change_is_an_edit_outside_the_anchors() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, repo) = committed_handwritten_repo();
    let database = repo.join("backend/app/database.py");
    fs::set_permissions(&database, fs::Permissions::from_mode(0o755)).unwrap();
    for args in [
        &["verify", "--base", "HEAD"][..],
        &["verify", "--staged"][..],
    ] {
        if args[1] == "--staged" {
            git(&repo, &["add", "-A"]);
        }
        let out = hivegen(&repo, args);
        out.code(1);
        assert!(
            out.stdout
                .contains("error[D-OUTSIDE-ANCHOR]: its mode changed from 100644 to 100755"),
            "{args:?}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains("chmod 644 backend/app/database.py"),
            "{}",
            out.stdout
        );
    }
    // Back to 0644: nothing changed.
    fs::set_permissions(&database, fs::Permissions::from_mode(0o644)).unwrap();
    git(&repo, &["add", "-A"]);
    hivegen(&repo, &["verify", "--base", "HEAD"]).code(0);
}

/// Regression: a file turned from LF to CRLF and committed verified clean (every line changed in
/// git's eyes), because a checkout's CRLF (`core.autocrlf`) is no edit; one CRLF line among LF
/// ones went unseen too. Now the index decides: CRLF it holds is an edit.
#[test]
fn crlf_that_git_stores_is_an_edit_a_checkouts_is_not() {
    let (_dir, repo) = phase_c_repo();
    let errors = repo.join("backend/app/utils/errors.py");
    let lf = fs::read_to_string(&errors).unwrap();
    let crlf = lf.replace('\n', "\r\n");
    // A checkout's conversion, with a change inside the anchor: only the code is judged.
    git(&repo, &["config", "core.autocrlf", "true"]);
    let filled = crlf.replace(
        "# <!-- /SECTION:STRUCTURE",
        "RETRY_AFTER = 30\r\n# <!-- /SECTION:STRUCTURE",
    );
    fs::write(&errors, &filled).unwrap();
    hivegen(&repo, &["verify", "--base", "HEAD"]).code(0);
    // The same bytes stored as they are: every line of the file is an edit.
    git(&repo, &["config", "core.autocrlf", "false"]);
    fs::write(&errors, &crlf).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "CRLF"]);
    let out = hivegen(&repo, &["verify", "--base", "HEAD~1"]);
    out.code(1);
    assert!(
        out.stdout.contains("error[D-OUTSIDE-ANCHOR]"),
        "{}",
        out.stdout
    );
    // One CRLF line among LF ones, uncommitted.
    git(&repo, &["checkout", "-q", "HEAD~1", "--", "."]);
    fs::write(&errors, lf.replacen('\n', "\r\n", 1)).unwrap();
    let out = hivegen(&repo, &["verify", "--base", "HEAD~1"]);
    out.code(1);
    assert!(out.stdout.contains("errors.py:1"), "{}", out.stdout);
}

/// Regression: a folder where the marker belongs (`docs/BUILD_PHASE_D_COMPLETE/README` holding
/// the marker's words) stopped `verify` with an I/O error, "Is a directory" (exit 2). A folder is
/// no marker, and what it holds is a file the phase created.
#[test]
fn a_folder_at_the_markers_path_is_no_marker() {
    let (_dir, repo) = phase_c_repo();
    hivegen(&repo, &["phase", "d"]).code(0);
    let marker = repo.join("docs/BUILD_PHASE_D_COMPLETE");
    fs::remove_file(&marker).unwrap();
    fs::create_dir(&marker).unwrap();
    fs::write(marker.join("README"), "PHASE D COMPLETE\n").unwrap();
    for args in [&["verify", "--base", "HEAD"][..], &["verify"][..]] {
        let out = hivegen(&repo, args);
        assert!(
            out.stderr.is_empty() || !out.stderr.contains("error[io]"),
            "{}",
            out.stderr
        );
        if args.len() > 1 {
            out.code(1);
            assert!(
                out.stdout
                    .contains("`docs/BUILD_PHASE_D_COMPLETE/README` is a new file"),
                "{}",
                out.stdout
            );
        } else {
            // The tree alone: Phase C is complete, Phase D is not (its marker is missing).
            out.code(0);
        }
    }
}
