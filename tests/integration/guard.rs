//! `hivegen guard`: hook payloads in the shapes Claude Code sends (every documented field),
//! one per tool and outcome, each run through the real binary; `--path`, `--install
//! claude`; and an assistant writing Phase D by hand, edit by edit, ending with `verify`
//! clean.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};

use crate::support::repos::{append_to_anchor, generated_repo, manifest, phase_c_repo};
use crate::support::{files_under, git, hivegen, hivegen_in, Run};

/// A hook payload as Claude Code sends it: the common fields, then the event's.
fn payload(cwd: &Path, event: &str, rest: Value) -> String {
    let mut p = json!({
        "session_id": "8c35adc1-2c4e-4c1e-9a55-0c8f3b1a7d21",
        "transcript_path": "/home/dev/.claude/projects/-repo/8c35adc1.jsonl",
        "cwd": cwd,
        "permission_mode": "acceptEdits",
        "hook_event_name": event,
    });
    p.as_object_mut()
        .unwrap()
        .extend(rest.as_object().unwrap().clone());
    p.to_string()
}

fn tool(cwd: &Path, name: &str, input: Value) -> String {
    payload(
        cwd,
        "PreToolUse",
        json!({"tool_name": name, "tool_input": input, "tool_use_id": "toolu_01DUmV3kq"}),
    )
}

fn write(cwd: &Path, file: &str, content: &str) -> String {
    tool(
        cwd,
        "Write",
        json!({"file_path": cwd.join(file), "content": content}),
    )
}

fn edit(cwd: &Path, file: &str, old: &str, new: &str) -> String {
    tool(
        cwd,
        "Edit",
        json!({"file_path": cwd.join(file), "old_string": old, "new_string": new, "replace_all": false}),
    )
}

fn guard(payload: &str) -> Run {
    hivegen().args(["guard"]).stdin(payload).run()
}

fn guard_json(payload: &str) -> Run {
    hivegen()
        .args(["guard", "--format", "json"])
        .stdin(payload)
        .run()
}

/// The end marker of the one anchor of `file`, as it stands in the scaffold.
const END: &str = "# <!-- /SECTION:STRUCTURE -->";

/// `code` put into the STRUCTURE anchor: the edit an assistant makes.
fn into_anchor(code: &str) -> String {
    format!("{code}{END}")
}

const USER: &str = "backend/app/models/user.py";

/// Every file of `repo` with its bytes (but `.git`): to prove the guard wrote nothing.
fn snapshot(repo: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(repo)
        .into_iter()
        .map(|f| {
            let bytes = fs::read(repo.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[track_caller]
fn allowed(run: &Run) {
    run.success().stdout_is("").stderr_is("");
}

#[track_caller]
fn denied(run: &Run, rule: &str) {
    run.code(2)
        .stdout_is("")
        .stderr_has(&format!("- {rule} at "));
}

#[test]
fn an_edit_inside_the_anchor_of_the_phase_in_progress_is_allowed() {
    let (_dir, repo) = phase_c_repo();
    let before = snapshot(&repo);
    let model = fs::read_to_string(manifest("fixtures/handwritten_d").join(USER)).unwrap();
    allowed(&guard(&edit(&repo, USER, END, &into_anchor(&model))));
    // The guard judges; the tool writes. Nothing on disk changed.
    assert_eq!(snapshot(&repo), before);
}

#[test]
fn a_relationship_is_denied_by_write_by_edit_and_by_multiedit() {
    let (_dir, repo) = phase_c_repo();
    let before = snapshot(&repo);
    let code = "from sqlalchemy.orm import relationship\n\nposts = relationship(\"Post\")\n";
    let scaffold = fs::read_to_string(repo.join(USER)).unwrap();
    let by_write = write(&repo, USER, &scaffold.replace(END, &into_anchor(code)));
    let by_edit = edit(&repo, USER, END, &into_anchor(code));
    let by_multi = tool(
        &repo,
        "MultiEdit",
        json!({"file_path": repo.join(USER), "edits": [
            {"old_string": END, "new_string": into_anchor("import sqlalchemy.orm as o\n")},
            {"old_string": END, "new_string": into_anchor("posts = o.relationship(\"Post\")\n"), "replace_all": false},
        ]}),
    );
    let expected = "\
hivegen guard: this edit crosses a phase boundary, so it was not written:
- D-ORM-RELATIONSHIP at backend/app/models/user.py:4: import `sqlalchemy.orm.relationship`: ORM relationships are added in Phase E, not Phase D (phase_d.md §2.2)
  instead: keep the foreign key column; the relationship comes in Phase E
- D-ORM-RELATIONSHIP at backend/app/models/user.py:6: call `sqlalchemy.orm.relationship`: ORM relationships are added in Phase E, not Phase D (phase_d.md §2.2)
  instead: keep the foreign key column; the relationship comes in Phase E
";
    guard(&by_write).code(2).stdout_is("").stderr_is(expected);
    guard(&by_edit).code(2).stdout_is("").stderr_is(expected);
    denied(&guard(&by_multi), "D-ORM-RELATIONSHIP");
    assert_eq!(snapshot(&repo), before);
}

#[test]
fn with_format_json_a_deny_is_claude_codes_decision_object() {
    let (_dir, repo) = phase_c_repo();
    let run = guard_json(&write(&repo, "backend/app/models/tag.py", "TAG = 1\n"));
    run.success().stderr_is("");
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        doc,
        json!({"hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "hivegen guard: this edit crosses a phase boundary, so it was not written:\n- D-FILE-CREATED at backend/app/models/tag.py: `backend/app/models/tag.py` is a new file: Phase D may only fill anchors inside existing files; it may not create files (other than its marker) (phase_d.md §4)\n  instead: move the code into an anchor of an existing file, or leave it for the phase that creates the file\n",
        }})
    );
    // Allowed: nothing at all on stdout, as for the human format.
    let model = fs::read_to_string(manifest("fixtures/handwritten_d").join(USER)).unwrap();
    allowed(&guard_json(&edit(&repo, USER, END, &into_anchor(&model))));
}

#[test]
fn structure_rules_deny_a_new_file_an_edit_outside_an_anchor_and_the_clients() {
    let (_dir, repo) = phase_c_repo();
    denied(
        &guard(&write(&repo, "backend/app/models/tag.py", "TAG = 1\n")),
        "D-FILE-CREATED",
    );
    denied(
        &guard(&edit(
            &repo,
            USER,
            "HiveSync accounts",
            "HiveSync accounts, and more",
        )),
        "D-OUTSIDE-ANCHOR",
    );
    denied(
        &guard(&write(&repo, "desktop/src/main.ts", "export {};\n")),
        "D-DESKTOP-MOBILE",
    );
    denied(
        &guard(&edit(&repo, "mobile/README.md", "#", "##")),
        "D-DESKTOP-MOBILE",
    );
    // A relative path is the session folder's; `..` is taken as the tool takes it.
    denied(
        &guard(&tool(
            &repo,
            "Write",
            json!({"file_path": "backend/app/models/new/../tag.py", "content": "T = 1\n"}),
        )),
        "D-FILE-CREATED",
    );
    // The marker of the phase in progress is the one file it may create.
    allowed(&guard(&write(
        &repo,
        "docs/BUILD_PHASE_D_COMPLETE",
        "PHASE D COMPLETE\n",
    )));
}

#[test]
fn a_frozen_fill_is_denied_once_its_phase_is_complete() {
    let (_dir, repo) = generated_repo();
    let text = fs::read_to_string(repo.join(USER)).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("String(32)"))
        .expect("the generated model has a 32-character username");
    let run = guard(&edit(&repo, USER, line, &line.replace("32", "64")));
    denied(&run, "D-FROZEN-EDITED");
}

#[test]
fn outside_the_repository_other_tools_and_other_repositories_are_allowed() {
    let (dir, repo) = phase_c_repo();
    let outside = dir.path().join("notes.py");
    allowed(&guard(&tool(
        &repo,
        "Write",
        json!({"file_path": outside, "content": "from sqlalchemy.orm import relationship\n"}),
    )));
    // Shell writes are the Stop hook's and CI's: Bash is let through.
    allowed(&guard(&tool(
        &repo,
        "Bash",
        json!({"command": "echo 'x = 1' > backend/app/models/tag.py", "description": "write"}),
    )));
    allowed(&guard(&tool(
        &repo,
        "Read",
        json!({"file_path": repo.join(USER)}),
    )));
    allowed(&guard(&tool(
        &repo,
        "NotebookEdit",
        json!({"notebook_path": repo.join("n.ipynb"), "new_source": "x"}),
    )));
    allowed(&guard(&payload(
        &repo,
        "UserPromptSubmit",
        json!({"prompt": "write Phase D"}),
    )));
    // A repository that is not HiveSync.
    let other = dir.path().join("other");
    fs::create_dir_all(&other).unwrap();
    git(&other, &["init", "-q"]);
    allowed(&guard(&write(&other, "desktop/app.py", "import os\n")));
    // Inside `.git`, the tool edits git's own files, no phase's.
    allowed(&guard(&write(&repo, ".git/info/exclude", "*.tmp\n")));
}

#[test]
fn an_edit_of_the_repository_from_another_folder_is_judged_by_the_repository() {
    let (dir, repo) = phase_c_repo();
    let code = "from sqlalchemy.orm import relationship\n\nposts = relationship(\"Post\")\n";
    let mut edit =
        serde_json::from_str::<Value>(&edit(&repo, USER, END, &into_anchor(code))).unwrap();
    // The assistant runs in a folder that is no repository, or in its parent.
    for cwd in [dir.path().to_path_buf(), std::env::temp_dir()] {
        edit["cwd"] = json!(cwd);
        denied(&guard(&edit.to_string()), "D-ORM-RELATIONSHIP");
    }
    // A compliant edit from there is allowed, as from the repository.
    let model = fs::read_to_string(manifest("fixtures/handwritten_d").join(USER)).unwrap();
    let mut ok = serde_json::from_str::<Value>(&edit_payload(&repo, &model)).unwrap();
    ok["cwd"] = json!(dir.path());
    allowed(&guard(&ok.to_string()));
}

fn edit_payload(repo: &Path, model: &str) -> String {
    edit(repo, USER, END, &into_anchor(model))
}

#[test]
fn an_unreadable_payload_is_denied() {
    let (_dir, repo) = phase_c_repo();
    let full = write(&repo, "backend/app/models/tag.py", "TAG = 1\n");
    let truncated = &full[..full.len() / 2];
    guard(truncated)
        .code(2)
        .stdout_is("")
        .stderr_has("the hook payload cannot be read: EOF while parsing")
        .stderr_has("the edit was denied (the guard fails closed)");
    guard("")
        .code(2)
        .stderr_has("the hook payload cannot be read");
    let no_content = tool(&repo, "Write", json!({"file_path": repo.join(USER)}));
    guard(&no_content)
        .code(2)
        .stderr_has("the hook payload cannot be read: Write has no `content`");
    let no_tool = payload(&repo, "PreToolUse", json!({"tool_input": {}}));
    guard(&no_tool).code(2).stderr_has("`tool_name` is missing");
    let no_cwd = r#"{"hook_event_name": "PreToolUse", "tool_name": "Write"}"#;
    guard(no_cwd).code(2).stderr_has("missing field `cwd`");
    hivegen()
        .args(["guard"])
        .stdin(vec![0xff, 0xfe, b'{'])
        .run()
        .code(2)
        .stderr_has("the hook payload is not UTF-8 text");
    // With --format json too: an error is exit 2, which blocks.
    guard_json(truncated).code(2).stdout_is("");
}

#[test]
fn an_edit_that_cannot_apply_is_left_to_the_tool_to_refuse() {
    let (_dir, repo) = phase_c_repo();
    // `old_string` absent: the Edit tool fails on its own; nothing is written either way.
    allowed(&guard(&edit(
        &repo,
        USER,
        "not in the file",
        "relationship()",
    )));
    // Twice without replace_all: the tool refuses too.
    allowed(&guard(&edit(
        &repo,
        "backend/app/models/job.py",
        "\n",
        "\nx\n",
    )));
    // With replace_all, it applies, and is judged.
    denied(
        &guard(&tool(
            &repo,
            "Edit",
            json!({"file_path": repo.join(USER), "old_string": "\n", "new_string": "\n\n", "replace_all": true}),
        )),
        "D-OUTSIDE-ANCHOR",
    );
}

#[test]
fn ignored_files_are_allowed_by_the_gitignore_at_head_only() {
    let (_dir, repo) = phase_c_repo();
    // backend/.gitignore at HEAD ignores caches and virtual environments.
    allowed(&guard(&write(
        &repo,
        "backend/.venv/lib/site.py",
        "import os\n",
    )));
    allowed(&guard(&write(&repo, "backend/app/x.pyc", "")));
    // A .gitignore the assistant writes itself hides nothing.
    fs::write(repo.join("backend/app/.gitignore"), "tag.py\n").unwrap();
    denied(
        &guard(&write(&repo, "backend/app/models/tag.py", "TAG = 1\n")),
        "D-FILE-CREATED",
    );
}

#[test]
fn the_repositorys_configuration_is_read_at_head() {
    let (_dir, repo) = phase_c_repo();
    fs::create_dir_all(repo.join(".hivegen")).unwrap();
    fs::write(
        repo.join(".hivegen/config.yaml"),
        "repository_files: [\"scripts/**\"]\n",
    )
    .unwrap();
    let script = write(&repo, "scripts/seed.py", "print('seed')\n");
    // Not committed: the working tree's configuration does not count.
    denied(&guard(&script), "D-FILE-CREATED");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "scripts are ours"]);
    allowed(&guard(&script));
}

#[test]
fn without_a_commit_the_disk_says_which_phases_are_complete() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r");
    hivegen_in(&repo, &["phase", "c"]).success();
    git(&repo, &["init", "-q"]);
    denied(
        &guard(&write(&repo, "backend/app/models/tag.py", "TAG = 1\n")),
        "D-FILE-CREATED",
    );
    let model = fs::read_to_string(manifest("fixtures/handwritten_d").join(USER)).unwrap();
    allowed(&guard(&edit(&repo, USER, END, &into_anchor(&model))));
}

fn stop(repo: &Path, active: bool) -> String {
    payload(repo, "Stop", json!({"stop_hook_active": active}))
}

#[test]
fn stop_blocks_on_the_trees_change_since_head_then_lets_go() {
    let (_dir, repo) = phase_c_repo();
    allowed(&guard(&stop(&repo, false)));
    // Written by the shell, past the PreToolUse hook: untracked, not ignored.
    fs::write(repo.join("backend/app/models/tag.py"), "TAG = 1\n").unwrap();
    append_to_anchor(&repo, USER, "from sqlalchemy.orm import relationship\n");
    let run = guard(&stop(&repo, false));
    run.code(2)
        .stdout_is("")
        .stderr_has("hivegen guard: the changes since the last commit cross a phase boundary; undo these before you stop:\n")
        .stderr_has("- D-FILE-CREATED at backend/app/models/tag.py: ")
        .stderr_has("- D-ORM-RELATIONSHIP at backend/app/models/user.py:4: ");
    // Sent back once already: never block again (no loops).
    allowed(&guard(&stop(&repo, true)));
    let run = guard_json(&stop(&repo, false));
    run.success().stderr_is("");
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["decision"], "block");
    assert!(doc["reason"]
        .as_str()
        .unwrap()
        .contains("D-FILE-CREATED at backend/app/models/tag.py"));
    // SubagentStop is judged the same way.
    guard(&payload(
        &repo,
        "SubagentStop",
        json!({"stop_hook_active": false}),
    ))
    .code(2);
}

#[test]
fn path_judges_new_content_given_on_stdin() {
    let (dir, repo) = phase_c_repo();
    let model = fs::read_to_string(manifest("fixtures/handwritten_d").join(USER)).unwrap();
    let scaffold = fs::read_to_string(repo.join(USER)).unwrap();
    let good = scaffold.replace(END, &into_anchor(&model));
    let bad = scaffold.replace(
        END,
        &into_anchor("from sqlalchemy.orm import relationship\n"),
    );
    let path = |content: &str| {
        hivegen()
            .args(["guard", "--path", USER])
            .current_dir(&repo)
            .stdin(content)
            .run()
    };
    path(&good).success().stdout_is("").stderr_is("");
    path(&bad)
        .code(1)
        .stdout_is("")
        .stderr_has("error[D-ORM-RELATIONSHIP]: import `sqlalchemy.orm.relationship`")
        .stderr_has("backend/app/models/user.py:4");
    // An absolute path, from anywhere, with --repo.
    hivegen()
        .args(["guard", "--path"])
        .args([repo.join("desktop/x.ts")])
        .repo(&repo)
        .current_dir(dir.path())
        .stdin("x")
        .run()
        .code(1)
        .stderr_has("error[D-DESKTOP-MOBILE]");
    hivegen()
        .args(["guard", "--path"])
        .args([dir.path().join("elsewhere.py")])
        .repo(&repo)
        .stdin("x")
        .run()
        .code(2)
        .stderr_has("is not in the repository");
}

#[test]
fn install_claude_merges_the_hooks_once_and_atomically() {
    let (_dir, repo) = phase_c_repo();
    let settings = repo.join(".claude/settings.json");
    hivegen_in(&repo, &["guard", "--install", "claude"])
        .success()
        .stderr_has("added the guard's PreToolUse and Stop hooks");
    let written = fs::read_to_string(&settings).unwrap();
    assert_eq!(
        written,
        r#"{
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Write|Edit|MultiEdit",
        "hooks": [
          {
            "type": "command",
            "command": "hivegen guard"
          }
        ]
      }
    ],
    "Stop": [
      {
        "hooks": [
          {
            "type": "command",
            "command": "hivegen guard"
          }
        ]
      }
    ]
  }
}
"#
    );
    // The README shows this JSON for those who write it by hand.
    let readme = fs::read_to_string(manifest("README.md")).unwrap();
    assert!(
        readme.contains(written.trim_end()),
        "README lacks the settings JSON"
    );
    hivegen_in(&repo, &["guard", "--install", "claude"])
        .success()
        .stderr_has("already runs the guard; nothing to do");
    assert_eq!(fs::read_to_string(&settings).unwrap(), written);

    // Merged with what is there, keys and other hooks kept in their order.
    let mine = json!({
        "permissions": {"allow": ["Bash(cargo test:*)"]},
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./lint.sh"}]}]},
    });
    fs::write(&settings, serde_json::to_string_pretty(&mine).unwrap()).unwrap();
    hivegen_in(&repo, &["guard", "--install", "claude"]).success();
    let merged: Value = serde_json::from_str(&fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(merged["permissions"], mine["permissions"]);
    let pre = merged["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2);
    assert_eq!(pre[0]["hooks"][0]["command"], "./lint.sh");
    assert_eq!(pre[1]["matcher"], "Write|Edit|MultiEdit");
    assert_eq!(
        merged["hooks"]["Stop"][0]["hooks"][0]["command"],
        "hivegen guard"
    );

    // Not JSON: refused, the file left as it was.
    fs::write(&settings, "{ \"hooks\": ").unwrap();
    hivegen_in(&repo, &["guard", "--install", "claude"])
        .code(2)
        .stderr_has(".claude/settings.json is not valid JSON")
        .stderr_has("nothing was written");
    assert_eq!(fs::read_to_string(&settings).unwrap(), "{ \"hooks\": ");
}

/// An assistant writes Phase D by hand: for each file of the hand-written Phase D, an Edit
/// into its anchor (or a Write of the whole file), each judged before it is applied; one
/// forbidden edit on the way is denied; then the marker; then `verify --base` is clean.
#[test]
fn an_assistant_writes_phase_d_edit_by_edit_and_verify_agrees() {
    let (_dir, repo) = phase_c_repo();
    let base = manifest("fixtures/handwritten_d");
    let mut files = files_under(&base);
    files.retain(|f| f != "README.md");
    assert!(
        files.len() >= 20,
        "the hand-written Phase D has {} files",
        files.len()
    );
    for (i, rel) in files.iter().enumerate() {
        let code = fs::read_to_string(base.join(rel)).unwrap();
        let text = fs::read_to_string(repo.join(rel)).unwrap();
        let at = text.rfind("# <!-- /SECTION:").unwrap();
        let new = format!("{}{code}{}", &text[..at], &text[at..]);
        // Half the files by Write, half by Edit of the end marker's line.
        let p = if i % 2 == 0 {
            write(&repo, rel, &new)
        } else {
            let end = &text[at..text[at..].find('\n').map_or(text.len(), |n| at + n)];
            edit(&repo, rel, end, &format!("{code}{end}"))
        };
        let run = guard(&p);
        assert_eq!(run.code, 0, "{rel} was denied:\n{}", run.stderr);
        fs::write(repo.join(rel), &new).unwrap();
        if rel == "backend/app/services/ai_pipeline.py" {
            // On the way, the assistant reaches for a real AI client: denied, not applied.
            let bad = edit(
                &repo,
                rel,
                code.lines().next().unwrap(),
                &format!("import openai\n{}", code.lines().next().unwrap()),
            );
            denied(&guard(&bad), "D-AI-SDK");
        }
    }
    allowed(&guard(&write(
        &repo,
        "docs/BUILD_PHASE_D_COMPLETE",
        "PHASE D COMPLETE\n",
    )));
    fs::write(
        repo.join("docs/BUILD_PHASE_D_COMPLETE"),
        "PHASE D COMPLETE\n",
    )
    .unwrap();
    allowed(&guard(&stop(&repo, false)));
    hivegen_in(&repo, &["verify", "--base", "HEAD"])
        .success()
        .stderr_has("hivegen: verify: clean (Phase C, D complete;");
}
