//! `hivegen guard --install claude`: the two hooks in the repository's
//! `.claude/settings.json`, merged with what is there, written atomically; a second run
//! changes nothing.

use std::path::Path;

use serde_json::{json, Value};

use crate::error::{Error, Result};

/// The command the hooks run.
const COMMAND: &str = "hivegen guard";

/// The hooks hivegen adds: before every file edit, and when the assistant stops.
fn hooks() -> [(&'static str, Value); 2] {
    let hook = json!({"type": "command", "command": COMMAND});
    [
        (
            "PreToolUse",
            json!({"matcher": "Write|Edit|MultiEdit", "hooks": [hook.clone()]}),
        ),
        ("Stop", json!({"hooks": [hook]})),
    ]
}

/// Adds the hooks to `<root>/.claude/settings.json`; true when the file changed.
pub(crate) fn install_claude(root: &Path) -> Result<bool> {
    let dir = root.join(".claude");
    let path = dir.join("settings.json");
    let mut settings: Value = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| Error::Unusable {
            file: path.display().to_string(),
            what: format!("{} is not valid JSON: {e}", path.display()),
            help: "fix the file (or move it away); nothing was written".into(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => json!({}),
        Err(e) => return Err(Error::io("read", &path, e)),
    };
    let before = settings.clone();
    let Some(object) = settings.as_object_mut() else {
        return Err(Error::Unusable {
            file: path.display().to_string(),
            what: format!("{} does not hold a JSON object", path.display()),
            help: "fix the file (or move it away); nothing was written".into(),
        });
    };
    let all = object.entry("hooks").or_insert_with(|| json!({}));
    let Some(all) = all.as_object_mut() else {
        return Err(Error::Unusable {
            file: path.display().to_string(),
            what: format!("`hooks` in {} is not an object", path.display()),
            help: "fix the file (or move it away); nothing was written".into(),
        });
    };
    for (event, entry) in hooks() {
        let list = all.entry(event).or_insert_with(|| json!([]));
        let Some(list) = list.as_array_mut() else {
            continue;
        };
        let present = list.iter().any(|e| {
            e["hooks"]
                .as_array()
                .is_some_and(|h| h.iter().any(|h| h["command"] == COMMAND))
        });
        if !present {
            list.push(entry);
        }
    }
    if settings == before {
        return Ok(false);
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create folder", &dir, e))?;
    let mut text = serde_json::to_string_pretty(&settings).expect("JSON serializes");
    text.push('\n');
    let mut temp =
        tempfile::NamedTempFile::new_in(&dir).map_err(|e| Error::io("write in", &dir, e))?;
    std::io::Write::write_all(&mut temp, text.as_bytes())
        .map_err(|e| Error::io("write", &path, e))?;
    temp.persist(&path)
        .map_err(|e| Error::io("write", &path, e.error))?;
    Ok(true)
}
