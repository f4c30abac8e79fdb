//! Test support: the one way tests run the real binary ([`hivegen`], a builder as just's
//! `tests/test.rs` has), its outcome ([`Run`], compared whole with a diff on mismatch), a temp
//! folder to run in ([`Env`]), and the repositories many tests start from ([`repos`]).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

pub mod repos;

/// A run of the hivegen binary under test, built up then [`run`](Hivegen::run): colour off
/// unless asked for, nothing on stdin unless given.
pub struct Hivegen {
    cmd: Command,
    stdin: Option<Vec<u8>>,
}

/// A run of the real binary, colour off.
pub fn hivegen() -> Hivegen {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hivegen"));
    cmd.env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env("NO_COLOR", "1");
    Hivegen { cmd, stdin: None }
}

impl Hivegen {
    /// Adds arguments.
    pub fn args<S: AsRef<std::ffi::OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.cmd.args(args);
        self
    }

    /// Runs on the repository `dir` (`--repo dir`).
    pub fn repo(mut self, dir: &Path) -> Self {
        self.cmd.arg("--repo").arg(dir);
        self
    }

    /// Runs in the folder `dir`.
    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Sets environment variables.
    pub fn envs(mut self, vars: &[(&str, &str)]) -> Self {
        self.cmd.envs(vars.iter().copied());
        self
    }

    /// Lets the colour variables be exactly `vars` (none of hivegen's defaults).
    pub fn colour(mut self, vars: &[(&str, &str)]) -> Self {
        self.cmd.env_remove("NO_COLOR");
        self.envs(vars)
    }

    /// Gives `bytes` on stdin (the guard tests feed hook payloads this way).
    #[allow(dead_code)]
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs it and waits.
    pub fn run(mut self) -> Run {
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("hivegen runs");
        if let Some(bytes) = self.stdin.take() {
            let mut stdin = child.stdin.take().expect("stdin is piped");
            // A hivegen that stops reading early must not fail the test with a broken pipe.
            let _ = stdin.write_all(&bytes);
        }
        Run::from(child.wait_with_output().expect("hivegen ends"))
    }
}

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
        hivegen()
            .args(args)
            .current_dir(self.root())
            .envs(vars)
            .run()
    }

    /// Every file under `rel` (sorted, `/`-separated, relative to `rel`), skipping `.git`.
    pub fn files(&self, rel: &str) -> Vec<String> {
        files_under(&self.path(rel))
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

    /// stdout is exactly `expected`; a mismatch shows a line diff.
    #[track_caller]
    pub fn stdout_is(&self, expected: &str) -> &Self {
        assert_same("stdout", &self.stdout, expected);
        self
    }

    /// stderr is exactly `expected`; a mismatch shows a line diff.
    #[track_caller]
    pub fn stderr_is(&self, expected: &str) -> &Self {
        assert_same("stderr", &self.stderr, expected);
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

/// Every file under `base` (sorted, `/`-separated, relative to `base`), skipping `.git`.
pub fn files_under(base: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(base)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Fails with a line diff unless `actual` is `expected`.
#[track_caller]
fn assert_same(what: &str, actual: &str, expected: &str) {
    if actual == expected {
        return;
    }
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    panic!("{what} differs from what was expected:\n{diff}");
}

/// Runs hivegen with `args` on the repository `dir` (`--repo dir`), colour off.
pub fn hivegen_in(dir: &Path, args: &[&str]) -> Run {
    hivegen().args(args).repo(dir).run()
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
