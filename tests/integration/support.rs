//! A test builder that runs the real binary in a temp dir (as just's `tests/test.rs` does).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A temporary folder to run hivegen in.
pub struct Env {
    dir: TempDir,
    assets: TempDir,
}

/// The outcome of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    pub fn new() -> Self {
        Self {
            dir: tempfile::Builder::new()
                .prefix("hivegen-test-")
                .tempdir()
                .expect("temp dir"),
            assets: tempfile::Builder::new()
                .prefix("hivegen-assets-")
                .tempdir()
                .expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (folders made as needed).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
        self
    }

    /// Writes a file outside the repository (specs, templates, domain overrides).
    pub fn asset(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.assets.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        p
    }

    pub fn asset_path(&self, rel: &str) -> String {
        self.assets.path().join(rel).display().to_string()
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Runs hivegen with `args` in the temp dir (colour off).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Runs hivegen with `args` and extra environment variables.
    pub fn run_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_hivegen"))
            .args(args)
            .current_dir(self.root())
            .env_remove("CLICOLOR_FORCE")
            .env("NO_COLOR", "1")
            .envs(vars.iter().copied())
            .output()
            .expect("hivegen runs");
        Run::from(out)
    }

    /// Every file under `rel` (sorted, `/`-separated, relative to `rel`), skipping `.git`.
    pub fn files(&self, rel: &str) -> Vec<String> {
        let base = self.path(rel);
        let mut out: Vec<String> = walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_entry(|e| e.file_name() != ".git")
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        out.sort();
        out
    }

    /// (path, bytes, mtime) of every file: to prove a run changed nothing.
    pub fn fingerprint(&self) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
        self.files("")
            .into_iter()
            .map(|f| {
                let p = self.path(&f);
                let mtime = fs::metadata(&p).unwrap().modified().unwrap();
                (f, fs::read(&p).unwrap(), mtime)
            })
            .collect()
    }
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Self {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        self.code(0)
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }

    /// The last non-empty line of stdout.
    pub fn last_line(&self) -> &str {
        self.stdout
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
    }
}

/// Runs hivegen with `args` on the repository `dir` (`--repo dir`), colour off.
pub fn hivegen_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_hivegen"))
        .args(args)
        .arg("--repo")
        .arg(dir)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .output()
        .expect("hivegen runs");
    Run::from(out)
}

/// Runs git in `dir` with a fixed identity; fails the test with git's message if git fails.
#[track_caller]
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
