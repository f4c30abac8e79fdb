//! Phases are data all the way down: a fixture Phase E (`fixtures/phase_e/`, a spec and
//! templates, no Rust) runs on the real Phase C and D. It refuses before Phase D, runs after
//! it, leaves Phase D's fills frozen, and once its marker exists `verify` judges changes with
//! Phase E's rules instead of Phase D's.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::repos::{append_to_anchor, copy_dir, manifest};
use crate::support::{git, hivegen, Run};

/// The embedded specs and templates plus the fixture Phase E, and a Phase C whose
/// `models/project.py` carries the anchor Phase E fills.
struct Fixture {
    _dir: tempfile::TempDir,
    specs: PathBuf,
    templates: PathBuf,
    repo: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("hivegen-phase-e-")
            .tempdir()
            .unwrap();
        let specs = dir.path().join("specs");
        copy_dir(&manifest("phase_specs"), &specs);
        fs::copy(
            manifest("fixtures/phase_e/phase_e.yaml"),
            specs.join("phase_e.yaml"),
        )
        .unwrap();
        let templates = dir.path().join("templates");
        copy_dir(&manifest("templates"), &templates);
        copy_dir(&manifest("fixtures/phase_e/templates"), &templates);
        let project = templates.join("phase_c/backend/app/models/project.py.tera");
        let mut text = fs::read_to_string(&project).unwrap();
        text.push_str("\n\n# <!-- SECTION:RELATIONSHIPS -->\n# <!-- /SECTION:RELATIONSHIPS -->\n");
        fs::write(&project, text).unwrap();
        let repo = dir.path().join("repo");
        Self {
            _dir: dir,
            specs,
            templates,
            repo,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut run = hivegen()
            .args(args)
            .args(["--specs", &self.specs.display().to_string()]);
        if args[0] == "phase" {
            run = run.args(["--templates", &self.templates.display().to_string()]);
        }
        run.repo(&self.repo).run()
    }

    fn commit(&self, message: &str) {
        git(&self.repo, &["add", "-A"]);
        git(&self.repo, &["commit", "-q", "-m", message]);
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.repo.join(rel)).unwrap()
    }
}

/// The bodies of the anchors Phase D stamped, in order: what "frozen" keeps.
fn phase_d_bodies(repo: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(repo.join("backend")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "py") {
            let text = fs::read_to_string(entry.path()).unwrap();
            for a in hivegen::anchor::parse(&text).unwrap() {
                if a.stamp.as_ref().is_some_and(|s| s.phase == "d") {
                    out.push(text[a.body()].to_string());
                }
            }
        }
    }
    out
}

#[test]
fn a_fixture_phase_e_is_a_spec_and_templates() {
    let f = Fixture::new();
    f.run(&["spec", "list"])
        .success()
        .stdout_has("e   Relationships (fixture)");
    f.run(&["phase", "c"]).success();
    git(&f.repo, &["init", "-q"]);
    f.commit("Phase C");

    // Before Phase D: refused, naming what is missing.
    f.run(&["phase", "e"])
        .code(1)
        .stderr_has("Phase E must run after Phase D: docs/BUILD_PHASE_D_COMPLETE is missing")
        .stderr_has("run `hivegen phase d` first");

    f.run(&["phase", "d"]).success();
    f.commit("Phase D");
    let frozen = phase_d_bodies(&f.repo);
    assert_eq!(frozen.len(), 22);

    // After it: Phase E fills its anchor (with a component from templates/shared/).
    f.run(&["phase", "e"])
        .success()
        .stdout_is("PHASE E DONE — READY FOR PHASE F\n");
    let project = f.read("backend/app/models/project.py");
    assert!(
        project.contains(
            "Project.owner = relationship(\"User\")\n# <!-- /SECTION:RELATIONSHIPS phase=e sha256="
        ),
        "{project}"
    );
    assert_eq!(
        phase_d_bodies(&f.repo),
        frozen,
        "Phase E rewrote Phase D code"
    );
    // The change that is Phase E is judged by Phase E's rules: a relationship is its work
    // (Phase D's D-ORM-RELATIONSHIP does not apply), a websocket is not (E-WEBSOCKET, not
    // Phase D's D-WEBSOCKET).
    f.run(&["verify", "--base", "HEAD"])
        .success()
        .stderr_has("judged by Phase E");
    let model = "backend/app/models/project.py";
    let filled = f.read(model);
    append_to_anchor(&f.repo, model, "import websockets  # noqa: F401\n");
    let run = f.run(&["verify", "--base", "HEAD"]);
    run.code(1).stdout_has("error[E-WEBSOCKET]");
    assert!(!run.stdout.contains("D-WEBSOCKET"), "{}", run.stdout);
    fs::write(f.repo.join(model), filled).unwrap();
    f.commit("Phase E");

    // Phase D's fills are frozen now: a hand edit is refused, even with --force.
    let user = "backend/app/models/user.py";
    let edited = f
        .read(user)
        .replacen("class User(Base):", "class Person(Base):", 1);
    fs::write(f.repo.join(user), &edited).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["phase", "d"];
        args.extend(extra);
        f.run(&args)
            .code(1)
            .stderr_has("a later phase is complete (docs/BUILD_PHASE_E_COMPLETE)");
    }
    f.run(&["verify", "--base", "HEAD"])
        .code(1)
        .stdout_has("D-FROZEN-EDITED");
    git(&f.repo, &["checkout", "-q", "--", user]);

    // Phase E's own fills are frozen too, by its own rule, once it is complete: later code
    // may be inserted, but what Phase E wrote stays.
    append_to_anchor(&f.repo, model, "OWNER_LABEL = \"owner\"\n");
    f.run(&["verify", "--base", "HEAD"]).success();
    let rewritten = f.read(model).replacen(
        "relationship(\"User\")",
        "relationship(\"User\", lazy=\"joined\")",
        1,
    );
    fs::write(f.repo.join(model), rewritten).unwrap();
    f.run(&["verify", "--base", "HEAD"])
        .code(1)
        .stdout_has("error[E-FROZEN-EDITED]");
}
