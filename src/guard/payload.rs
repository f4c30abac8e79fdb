//! Hook payloads, as Claude Code sends them on stdin: `{session_id, cwd, hook_event_name,
//! tool_name, tool_input, …}`. What cannot be read is an error, and the guard fails closed.

use std::path::PathBuf;

use serde::Deserialize;

use super::edit::Edit;
use crate::error::{Error, Result};

/// The fields the guard reads; the others are ignored.
#[derive(Deserialize)]
struct Raw {
    cwd: PathBuf,
    hook_event_name: String,
    #[serde(default)]
    tool_name: Option<String>,
    #[serde(default)]
    tool_input: Option<serde_json::Value>,
    #[serde(default)]
    stop_hook_active: bool,
}

/// One hook call.
#[derive(Debug)]
pub(crate) struct Payload {
    /// The session's working folder.
    pub(crate) cwd: PathBuf,
    /// What it asks about.
    pub(crate) event: Event,
}

/// What a hook call asks about.
#[derive(Debug)]
pub(crate) enum Event {
    /// A file edit about to happen (PreToolUse on Write, Edit or MultiEdit).
    Edit {
        /// The file, as the tool names it.
        file: PathBuf,
        /// What the tool would do to it.
        edit: Edit,
    },
    /// The assistant is about to stop; `active` when a Stop hook already sent it back.
    Stop {
        /// `stop_hook_active`.
        active: bool,
    },
    /// Anything else: another tool (Bash, Read, …) or another event.
    Other,
}

/// A tool input's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    file_path: PathBuf,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    old_string: Option<String>,
    #[serde(default)]
    new_string: Option<String>,
    #[serde(default)]
    replace_all: bool,
    #[serde(default)]
    edits: Option<Vec<OneEdit>>,
}

#[derive(Deserialize)]
struct OneEdit {
    old_string: String,
    new_string: String,
    #[serde(default)]
    replace_all: bool,
}

fn unreadable(why: impl std::fmt::Display) -> Error {
    Error::usage(
        format!("the hook payload cannot be read: {why}"),
        "hivegen guard reads one JSON hook payload on stdin; the edit was denied (the guard fails closed)",
    )
}

impl Payload {
    /// Reads one payload.
    pub(crate) fn parse(text: &str) -> Result<Self> {
        let raw: Raw = serde_json::from_str(text).map_err(unreadable)?;
        let event = match (raw.hook_event_name.as_str(), raw.tool_name.as_deref()) {
            ("Stop" | "SubagentStop", _) => Event::Stop {
                active: raw.stop_hook_active,
            },
            ("PreToolUse", Some(tool @ ("Write" | "Edit" | "MultiEdit"))) => {
                let input = raw
                    .tool_input
                    .ok_or_else(|| unreadable(format!("{tool} has no `tool_input`")))?;
                edit_of(tool, input)?
            }
            ("PreToolUse", None) => return Err(unreadable("`tool_name` is missing")),
            _ => Event::Other,
        };
        Ok(Self {
            cwd: raw.cwd,
            event,
        })
    }
}

fn edit_of(tool: &str, input: serde_json::Value) -> Result<Event> {
    // Unknown fields are tolerated (a newer Claude Code may add some); missing ones are not.
    let mut input = input;
    if let Some(map) = input.as_object_mut() {
        map.retain(|k, _| {
            [
                "file_path",
                "content",
                "old_string",
                "new_string",
                "replace_all",
                "edits",
            ]
            .contains(&k.as_str())
        });
    }
    let i: Input = serde_json::from_value(input).map_err(unreadable)?;
    let missing = |field: &str| unreadable(format!("{tool} has no `{field}`"));
    let edit = match tool {
        "Write" => Edit::Write(i.content.ok_or_else(|| missing("content"))?),
        "Edit" => Edit::Replace(vec![(
            i.old_string.ok_or_else(|| missing("old_string"))?,
            i.new_string.ok_or_else(|| missing("new_string"))?,
            i.replace_all,
        )]),
        _ => Edit::Replace(
            i.edits
                .ok_or_else(|| missing("edits"))?
                .into_iter()
                .map(|e| (e.old_string, e.new_string, e.replace_all))
                .collect(),
        ),
    };
    Ok(Event::Edit {
        file: i.file_path,
        edit,
    })
}
