//! The repositories tests start from: a mini phase set on a temp folder, the real scaffold
//! with a hand-written or a generated Phase D, committed or not.

use std::fs;
use std::path::{Path, PathBuf};

use super::{git, hivegen_in, Env, Run};

/// A path in hivegen's own source tree.
pub fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A small phase set (c scaffolds, d fills) for engine tests that must not depend on the real
/// HiveSync templates. Returns the `--specs`/`--templates` arguments.
pub fn mini_phases(env: &Env) -> Vec<String> {
    env.asset(
        "specs/c.yaml",
        "id: c\ntitle: Mini scaffold\nscaffold: true\nmarker: {path: docs/BUILD_PHASE_C_COMPLETE, content: \"PHASE C COMPLETE\\n\", pattern: \"docs/BUILD_PHASE_*_COMPLETE\"}\ndone: C DONE\ncreates:\n  - path: app/a.py\n  - path: app/b.py\n",
    );
    env.asset(
        "specs/d.yaml",
        "id: d\ntitle: Mini fill\nrequires: [c]\nmarker: {path: docs/BUILD_PHASE_D_COMPLETE, content: \"PHASE D COMPLETE\\n\", pattern: \"docs/BUILD_PHASE_*_COMPLETE\"}\ndone: PHASE D DONE — READY FOR PHASE E\nfills:\n  - {file: app/a.py, anchor: STRUCTURE}\n  - {file: app/b.py, anchor: LOGIC}\n",
    );
    env.asset(
        "templates/phase_c/app/a.py.tera",
        "\"\"\"A.\"\"\"\n\n# <!-- SECTION:STRUCTURE -->\n# <!-- /SECTION:STRUCTURE -->\n",
    );
    env.asset(
        "templates/phase_c/app/b.py.tera",
        "\"\"\"B.\"\"\"\n\n\nclass B:\n    # <!-- SECTION:LOGIC -->\n    # <!-- /SECTION:LOGIC -->\n    pass\n",
    );
    env.asset(
        "templates/phase_d/app/a.py.tera",
        "A = \"{{ phase.id }}\"\n",
    );
    env.asset(
        "templates/phase_d/app/b.py.tera",
        "def run(self) -> int:\n    return 1\n",
    );
    vec![
        "--specs".into(),
        env.asset_path("specs"),
        "--templates".into(),
        env.asset_path("templates"),
    ]
}

/// A mini Phase C laid into a new env's root; returns the env and the asset arguments.
pub fn mini_scaffold() -> (Env, Vec<String>) {
    let env = Env::new();
    let assets = mini_phases(&env);
    run_with(&env, &assets, &["phase", "c"]).success();
    (env, assets)
}

/// Runs hivegen in `env` with the asset arguments after `args` (`phase d --specs …`).
pub fn run_with(env: &Env, assets: &[String], args: &[&str]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(assets.iter().map(String::as_str));
    env.run(&all)
}

/// Copies a folder, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Inserts `code` just before the last end marker of `file`.
pub fn append_to_anchor(root: &Path, file: &str, code: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let at = text
        .rfind("# <!-- /SECTION:")
        .unwrap_or_else(|| panic!("{file} has no end marker"));
    let mut code = code.to_string();
    if !code.ends_with('\n') {
        code.push('\n');
    }
    fs::write(&path, format!("{}{code}{}", &text[..at], &text[at..])).unwrap();
}

/// Writes the hand-written Phase D (`fixtures/handwritten_d/`) into the anchors of a Phase C
/// tree, with its marker.
pub fn apply_handwritten_d(root: &Path) {
    let base = manifest("fixtures/handwritten_d");
    for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() || entry.file_name() == "README.md" {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        append_to_anchor(root, &rel, &fs::read_to_string(entry.path()).unwrap());
    }
    fs::write(
        root.join("docs/BUILD_PHASE_D_COMPLETE"),
        "PHASE D COMPLETE\n",
    )
    .unwrap();
}

/// A git repository `repo` in a new temp folder with Phase C committed.
pub fn phase_c_repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("hivegen-repo-")
        .tempdir()
        .unwrap();
    let repo = dir.path().join("repo");
    hivegen_in(&repo, &["phase", "c"]).code(0);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Phase C"]);
    (dir, repo)
}

/// Phase C committed, and the hand-written Phase D applied on top (uncommitted).
pub fn handwritten_repo() -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = phase_c_repo();
    apply_handwritten_d(&repo);
    (dir, repo)
}

/// [`handwritten_repo`] with the hand-written Phase D committed: a clean tree after Phase D.
pub fn committed_handwritten_repo() -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = handwritten_repo();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Phase D"]);
    (dir, repo)
}

/// Phase C and hivegen's own Phase D, both committed.
pub fn generated_repo() -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = phase_c_repo();
    hivegen_in(&repo, &["phase", "d"]).code(0);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Phase D"]);
    (dir, repo)
}

/// A temp folder `r` with hivegen's phases `ids` run in order (no git).
pub fn generated(ids: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r");
    for id in ids {
        hivegen_in(&repo, &["phase", id]).code(0);
    }
    (dir, repo)
}
