//! `--help` (snapshot-tested, with an example in every command), shell completions and man
//! pages, all generated from the one clap definition.

use std::process::Command;

use crate::support::{Env, Run};

/// Runs hivegen with a fixed terminal width, so that help wraps the same everywhere.
fn hivegen(env: &Env, args: &[&str]) -> Run {
    env.run_env(args, &[("COLUMNS", "100")])
}

/// Every command path: `[]`, `["phase"]`, `["spec", "show"]`, … (clap's own `help` aside).
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&hivegen::command(), Vec::new(), &mut out);
    out
}

#[test]
fn help_of_every_command_is_snapshotted_and_has_an_example() {
    let env = Env::new();
    let paths = command_paths();
    assert!(paths.len() >= 9, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let r = hivegen(&env, &args);
        r.success();
        assert!(
            r.stdout.contains("\nExample"),
            "`hivegen {}` has no example:\n{}",
            args.join(" "),
            r.stdout
        );
        let name = if path.is_empty() {
            "help__hivegen".to_string()
        } else {
            format!("help__{}", path.join("_"))
        };
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, r.stdout);
        });
    }
}

#[test]
fn completions_for_every_shell() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = hivegen(&env, &["completions", shell]);
        r.success();
        assert_eq!(r.stderr, "", "{shell}");
        for word in ["anchors", "check", "diff", "format"] {
            assert!(r.stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    hivegen(&env, &["completions", "tcsh"])
        .code(2)
        .stderr_has("invalid value 'tcsh'");
}

#[test]
fn bash_completion_is_valid_bash() {
    let env = Env::new();
    let r = hivegen(&env, &["completions", "bash"]);
    r.success();
    env.write("hivegen.bash", &r.stdout);
    let status = Command::new("bash")
        .args(["-n", "hivegen.bash"])
        .current_dir(env.root())
        .status()
        .expect("bash runs");
    assert!(status.success());
}

#[test]
fn man_page_on_stdout() {
    let env = Env::new();
    let r = hivegen(&env, &["man"]);
    r.success();
    assert_eq!(r.stderr, "");
    assert!(r.stdout.contains(".TH hivegen 1"), "{}", r.stdout);
    for word in [
        "phase",
        "anchors",
        "completions",
        ".SH EXAMPLES",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(
            r.stdout.contains(word),
            "man page lacks {word}:\n{}",
            r.stdout
        );
    }
}

#[test]
fn man_pages_into_a_folder_one_per_command() {
    let env = Env::new();
    let r = hivegen(&env, &["man", "--dir", "man1"]);
    r.success().stderr_has("wrote man1");
    assert_eq!(r.stdout, "");
    let pages = env.files("man1");
    for page in [
        "hivegen.1",
        "hivegen-phase.1",
        "hivegen-anchors.1",
        "hivegen-verify.1",
        "hivegen-spec-show.1",
    ] {
        assert!(pages.iter().any(|p| p == page), "{page} not in {pages:?}");
    }
    // Every page another page names exists, and each has EXIT STATUS and EXAMPLES.
    let refs = regex::Regex::new(r"(hivegen(?:\\-[a-z]+)*)\(1\)").unwrap();
    for page in &pages {
        let text = env.read(&format!("man1/{page}"));
        for c in refs.captures_iter(&text) {
            let named = format!("{}.1", c[1].replace("\\-", "-"));
            assert!(
                pages.contains(&named),
                "{page} names {named}, which is not written"
            );
        }
        assert!(text.contains(".SH \"EXIT STATUS\""), "{page}");
        assert!(text.contains(".SH EXAMPLES"), "{page}");
    }
    // An option's value shows in the synopsis: `--base <REV>`, not `[--base]`.
    let verify = env.read("man1/hivegen-verify.1");
    assert!(verify.contains("REV"), "{verify}");
}

#[test]
fn pre_commit_hooks_run_commands_hivegen_accepts() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .expect(".pre-commit-hooks.yaml exists");
    let hooks: Vec<serde_json::Value> = serde_saphyr::from_str(&text).expect("valid YAML");
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["hivegen-check", "hivegen-verify"]);
    for hook in &hooks {
        let mut argv: Vec<String> = hook["entry"]
            .as_str()
            .expect("entry")
            .split_whitespace()
            .map(String::from)
            .collect();
        for a in hook["args"].as_array().into_iter().flatten() {
            argv.push(a.as_str().expect("string arg").to_string());
        }
        assert_eq!(argv[0], "hivegen");
        assert_eq!(hook["pass_filenames"], false);
        if let Err(e) = hivegen::command().try_get_matches_from(&argv) {
            panic!("hook {} runs `{}`: {e}", hook["id"], argv.join(" "));
        }
    }
}

/// Regression: `hivegen phase <TAB>` offered flags, not the phases.
#[test]
fn completions_offer_the_phase_ids() {
    let env = Env::new();
    let bash = hivegen(&env, &["completions", "bash"]);
    let phase = bash
        .stdout
        .split("hivegen__subcmd__phase)")
        .nth(1)
        .expect("a case for `hivegen phase`");
    let opts = phase.lines().nth(1).unwrap_or("");
    assert!(opts.ends_with(" c d\""), "{opts}");
    let zsh = hivegen(&env, &["completions", "zsh"]);
    zsh.stdout_has("c\\:\"Backend scaffold\"");
    // And the options that do not apply are not offered: `completions` takes no --repo.
    let completions = bash
        .stdout
        .split("hivegen__subcmd__completions)")
        .nth(1)
        .unwrap_or("");
    assert!(!completions.lines().nth(1).unwrap_or("").contains("--repo"));
}
