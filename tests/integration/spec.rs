//! The phase document as the source of the rules (`spec lint --doc`, `spec show`), and
//! `explain`.

use crate::support::repos::manifest;
use crate::support::Env;

#[test]
fn every_forbidden_bullet_of_the_document_is_cited() {
    let env = Env::new();
    let doc = manifest("spec/phase_d.md").display().to_string();
    env.run(&["spec", "lint", "--doc", &doc])
        .success()
        .stdout_is("")
        .stderr_is(&format!(
            "hivegen: spec lint: all 38 forbidden bullets of {doc} are cited by the rules of phase d\n"
        ));
    // The copy hivegen carries is the document itself.
    let shared = manifest("../shared/spec/phase_d.md");
    if shared.exists() {
        assert_eq!(
            std::fs::read_to_string(&shared).unwrap(),
            std::fs::read_to_string(manifest("spec/phase_d.md")).unwrap(),
            "spec/phase_d.md differs from the phase document"
        );
        env.run(&["spec", "lint", "--doc", &shared.display().to_string()])
            .success();
    }
}

#[test]
fn a_bullet_no_rule_cites_fails_the_lint_naming_it() {
    let env = Env::new();
    let text = std::fs::read_to_string(manifest("spec/phase_d.md")).unwrap();
    let extra = text.replace(
        "- Write migrations  \n",
        "- Write migrations  \n- Mine cryptocurrency on the build servers\n",
    );
    assert_ne!(extra, text);
    env.write("phase_d.md", extra);
    let run = env.run(&["spec", "lint", "--doc", "phase_d.md"]);
    run.code(1).stdout_is(
        "phase_d.md:264: §3: \"Mine cryptocurrency on the build servers\" is cited by no rule of phase d\n",
    );
    run.stderr_has("1 of 39 forbidden bullets uncited");
    env.run(&["spec", "lint", "--doc", "missing.md"])
        .code(2)
        .stderr_has("missing.md does not exist");
    env.write("notes.md", "# Notes\nnothing forbidden\n");
    env.run(&["spec", "lint", "--doc", "notes.md", "--phase", "d"])
        .code(2)
        .stderr_has("has no forbidden bullets");
}

#[test]
fn spec_show_maps_the_bullets_to_their_rules() {
    let env = Env::new();
    env.run(&["spec", "show", "d"])
        .success()
        .stdout_has("# The bullets of the phase document, and the rules that enforce them:\n")
        .stdout_has("#   §3: Implement ORM relationships: D-ORM-RELATIONSHIP\n")
        .stdout_has("#   §3: Write migrations: D-MIGRATIONS, D-DDL\n");
}

#[test]
fn explain_says_what_a_rule_forbids_and_how_to_fix_it() {
    let env = Env::new();
    env.run(&["explain", "d-orm-backref"])
        .success()
        .stdout_is(concat!(
            "D-ORM-BACKREF: backrefs are relationships, added in Phase E\n",
            "\n",
            "  kind:      code rule (Python code only, never comments or docstrings)\n",
            "  document:  phase_d.md §2.2\n",
            "  enforces:  §2.2: Backrefs\n",
            "  applies:   backend/**/*.py\n",
            "\n",
            "Caught, for example: `relationship('Comment', backref='project')`\n",
            "Left alone, for example: a column named `back_reference_id`\n",
            "\n",
            "To fix: remove the backref; Phase E adds both sides of the relationship\n",
        ));
    env.run(&["explain", "D-NOPE"])
        .code(2)
        .stderr_has("error[usage]: no rule `D-NOPE`")
        .stderr_has("known rules: D-FILE-CREATED, ");
}

/// Every rule can be explained with an example and a look-alike.
#[test]
fn every_rule_has_an_example_and_a_look_alike() {
    let env = Env::new();
    let list = env.run(&["explain", "x"]);
    let known = list.stderr.split("known rules: ").nth(1).unwrap().trim();
    for id in known.split(", ") {
        let run = env.run(&["explain", id]);
        run.success()
            .stdout_has("Caught, for example: ")
            .stdout_has("Left alone, for example: ")
            .stdout_has("To fix: ");
    }
}
