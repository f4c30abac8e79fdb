//! The repository-wide part of `verify` without a base: every file holding an anchor (walked
//! like `hivegen anchors`, in parallel, honouring .gitignore) must have well-formed anchors, and
//! every fill stamped by a completed phase must still match its checksum, wherever it is:
//! frozen code is frozen in every file, not only in the files the phase spec names.

use std::path::Path;
use std::sync::Mutex;

use super::compile::RuleSet;
use super::finding::{at_line, violation};
use super::StructureCheck;
use crate::anchor;
use crate::diag::Diagnostic;
use crate::fill::{body_state, BodyState};
use crate::walk::{self, Event};

/// Judges every anchor under `root` with the structure rules of `set` (the latest completed
/// phase), for fills stamped by one of `complete` (phase ids).
pub fn judge_all_anchors(
    root: &Path,
    set: &RuleSet,
    complete: &[String],
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    walk::scan(root, b"SECTION:", &|event| match event {
        Event::Hit { rel, bytes } => {
            let file = rel.to_string_lossy().replace('\\', "/");
            let mut out = judge_file(set, complete, &file, bytes);
            if !out.is_empty() {
                found
                    .lock()
                    .expect("no panics while locked")
                    .append(&mut out);
            }
        }
        Event::Error { rel, error } => errors
            .lock()
            .expect("no panics while locked")
            .push(format!("{}: {error}", rel.display())),
        Event::Miss { .. } | Event::Binary { .. } => {}
    });
    let errors = errors.into_inner().expect("no panics while locked");
    if let Some(first) = errors.first() {
        return Err(Diagnostic::error("io", format!("cannot read {first}"))
            .help("check the permissions, or add the path to .gitignore to skip it"));
    }
    Ok(found.into_inner().expect("no panics while locked"))
}

fn judge_file(set: &RuleSet, complete: &[String], file: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Ok(text) = std::str::from_utf8(bytes) else {
        // A file with anchors that is not UTF-8 cannot be judged: say so rather than skip it.
        for r in set
            .with_check(StructureCheck::AnchorsWellFormed)
            .filter(|r| r.applies_to(file))
        {
            out.push(violation(
                set,
                r,
                file,
                Some("a file with anchors is not UTF-8 text"),
            ));
        }
        return out;
    };
    let (_, text) = anchor::split_bom(text);
    match anchor::parse(text) {
        Err(e) => {
            for r in set
                .with_check(StructureCheck::AnchorsWellFormed)
                .filter(|r| r.applies_to(file))
            {
                let what = format!("malformed anchor: {}", e.kind);
                out.push(
                    violation(set, r, file, Some(&what))
                        .at(e.line, e.col, Some(text))
                        .help(e.kind.help()),
                );
            }
        }
        Ok(anchors) => {
            for a in &anchors {
                let Some(stamp) = &a.stamp else { continue };
                if !complete.contains(&stamp.phase) || body_state(text, a) != BodyState::Edited {
                    continue;
                }
                let end = a.end.as_ref().expect("a stamped anchor is closed");
                for r in set
                    .with_check(StructureCheck::FillIntact)
                    .filter(|r| r.applies_to(file))
                {
                    let what = format!(
                        "anchor `{}` was edited after Phase {} wrote it",
                        a.name,
                        stamp.phase.to_uppercase()
                    );
                    out.push(at_line(
                        violation(set, r, file, Some(&what)),
                        text,
                        end.line,
                    ));
                }
            }
        }
    }
    out
}
