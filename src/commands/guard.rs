//! `hivegen guard`: reads a hook payload (or, with `--path`, new content) on stdin, and
//! answers the way the assistant's hook protocol wants: Claude Code blocks an edit when the
//! hook exits 2, reading the reason on stderr (`--format json`: exit 0 and a decision object
//! on stdout). Anything that goes wrong denies: exit 1 would let the edit through.

use std::io::Read;
use std::path::Path;

use serde_json::json;

use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::guard::{self, Event, Payload, Verdict};
use crate::output::{self, Out};
use crate::registry::Registry;
use crate::rules::Finding;

/// What `guard` was asked to do.
pub(crate) struct Request<'a> {
    /// Claude Code's JSON decision on stdout instead of exit 2.
    pub(crate) json: bool,
    /// `--path FILE`: new content for FILE on stdin.
    pub(crate) path: Option<&'a Path>,
    /// The repository (for `--path` and `--install`).
    pub(crate) repo: &'a Path,
}

/// Judges one payload. An error is a deny too (the caller prints it and exits 2).
pub(crate) fn run(
    registry: impl FnOnce() -> Result<&'static Registry>,
    request: &Request<'_>,
    out: &Out,
) -> Result<Exit> {
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| Error::io("read", "stdin", e))?;
    if let Some(path) = request.path {
        return match guard::judge_content(registry()?, request.repo, path, input)? {
            Verdict::Allow => Ok(Exit::Success),
            Verdict::Deny(findings) => {
                for f in &findings {
                    out.diag(&output::finding(f));
                }
                Ok(Exit::Failure)
            }
        };
    }
    let text = String::from_utf8(input).map_err(|_| {
        Error::usage(
            "the hook payload is not UTF-8 text",
            "hivegen guard reads one JSON hook payload on stdin; the edit was denied",
        )
    })?;
    let payload = Payload::parse(&text)?;
    // Other tools and events need no spec at all: answer at once.
    if matches!(payload.event, Event::Other | Event::Stop { active: true }) {
        return Ok(Exit::Success);
    }
    let stop = matches!(payload.event, Event::Stop { .. });
    match guard::judge_payload(registry()?, &payload)? {
        Verdict::Allow => Ok(Exit::Success),
        Verdict::Deny(findings) => Ok(deny(&findings, stop, request.json, out)),
    }
}

/// Says why, the way the hook protocol reads it.
fn deny(findings: &[Finding], stop: bool, json: bool, out: &Out) -> Exit {
    let reason = reason(findings, stop);
    if !json {
        // stderr, whatever -q says: it is what the assistant reads.
        eprint!("{reason}");
        return Exit::Error;
    }
    let doc = if stop {
        json!({"decision": "block", "reason": reason})
    } else {
        json!({"hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }})
    };
    out.data(format!("{doc}\n"));
    Exit::Success
}

/// The reason an assistant can act on: each finding's rule and place, what is forbidden by
/// which section of the document, and what to do instead. No colour, no caret art.
pub(crate) fn reason(findings: &[Finding], stop: bool) -> String {
    let mut text = if stop {
        String::from("hivegen guard: the changes since the last commit cross a phase boundary; undo these before you stop:\n")
    } else {
        String::from("hivegen guard: this edit crosses a phase boundary, so it was not written:\n")
    };
    for f in findings {
        let at = match &f.place {
            Some(p) => format!("{}:{}", f.file, p.line),
            None => f.file.clone(),
        };
        text.push_str(&format!("- {} at {at}: {}\n", f.rule, f.message));
        if let Some(help) = &f.help {
            text.push_str(&format!("  instead: {help}\n"));
        }
    }
    text
}

/// `--install claude`: adds the hooks to the repository's `.claude/settings.json`.
pub(crate) fn install(repo: &Path, out: &Out) -> Result<Exit> {
    let path = repo.join(".claude/settings.json");
    if guard::install_claude(repo)? {
        out.say(format!(
            "hivegen: added the guard's PreToolUse and Stop hooks to {}",
            path.display()
        ));
    } else {
        out.say(format!(
            "hivegen: {} already runs the guard; nothing to do",
            path.display()
        ));
    }
    Ok(Exit::Success)
}
