//! `hivegen anchors`: every anchor of the repository with its state, as a table or as JSON.
//!
//! The walk ([`crate::walk`]) hands over only files that hold `SECTION:`; those are parsed with
//! [`anchor::parse`] and each anchor is classified with [`fill::body_state`]. A malformed file is
//! a row with state `malformed`, not an abort; an unreadable path is reported and makes the run
//! exit 2 once every other file has been listed.

use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;

use crate::anchor::{self, AnchorError, AnchorErrorKind};
use crate::exit::Exit;
use crate::fill::{self, BodyState};
use crate::output::{Diagnostic, Out};
use crate::walk::{self, Event};

/// The state of one anchor, as listed: what it holds, or that its markers are wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum State {
    /// Well formed, holding this.
    Anchor(BodyState),
    /// The markers are wrong; the row's `error` says how.
    Malformed,
}

impl State {
    /// The word JSON uses: `empty`, `open`, `filled`, `edited`, `unstamped`, `malformed`.
    fn key(self) -> &'static str {
        match self {
            State::Anchor(BodyState::Empty) => "empty",
            State::Anchor(BodyState::Open) => "open",
            State::Anchor(BodyState::Intact) => "filled",
            State::Anchor(BodyState::Edited) => "edited",
            State::Anchor(BodyState::Unstamped) => "unstamped",
            State::Malformed => "malformed",
        }
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// One anchor, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Row {
    /// Path relative to the repository, with `/`.
    file: String,
    /// 1-based line of the begin marker (of the offending marker when malformed).
    line: usize,
    /// The anchor's name.
    name: String,
    /// Its state.
    state: State,
    /// The phase that stamped it (filled or edited).
    #[serde(skip_serializing_if = "Option::is_none")]
    phase: Option<String>,
    /// What is wrong (malformed).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Row {
    /// The state in words: `filled by phase d`, `edited by hand`, ….
    fn describe(&self) -> String {
        let phase = self.phase.as_deref().unwrap_or("?");
        match self.state {
            State::Anchor(BodyState::Empty) => "empty".into(),
            State::Anchor(BodyState::Open) => "open (no end marker yet)".into(),
            State::Anchor(BodyState::Intact) => format!("filled by phase {phase}"),
            State::Anchor(BodyState::Edited) => {
                format!("edited by hand (was filled by phase {phase})")
            }
            State::Anchor(BodyState::Unstamped) => "filled (no stamp)".into(),
            State::Malformed => format!("malformed: {}", self.error.as_deref().unwrap_or("")),
        }
    }
}

/// Lists the anchors of `root` as a table or JSON on stdout. Exit 0, or 2 if a path could not
/// be read.
pub(crate) fn run(root: &Path, json: bool, out: &Out) -> Exit {
    let rows = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    // Messages are formatted only with -v: most files of a large tree are misses.
    let verbose = out.is_verbose();
    walk::scan(root, b"SECTION:", verbose, &|event| match event {
        Event::Hit { rel, bytes } => {
            let file = slash_path(rel);
            let found = rows_of(&file, bytes);
            if verbose {
                out.detail(format!("{file}: {}", found.summary()));
            }
            if let Found::Rows(mut found) = found {
                rows.lock()
                    .expect("no panics while locked")
                    .append(&mut found);
            }
        }
        Event::Miss { rel } if verbose => out.detail(format!("{}: no anchors", slash_path(rel))),
        Event::Binary { rel } if verbose => {
            out.detail(format!("{}: skipped (binary)", slash_path(rel)))
        }
        Event::Miss { .. } | Event::Binary { .. } => {}
        Event::Error { rel, error } => errors
            .lock()
            .expect("no panics while locked")
            .push((slash_path(rel), error)),
    });
    let mut rows = rows.into_inner().expect("no panics while locked");
    rows.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    if json {
        let doc = serde_json::json!({"version": 1, "anchors": rows});
        let text = serde_json::to_string_pretty(&doc).expect("rows serialize");
        out.data(format!("{text}\n"));
    } else {
        out.data(table(&rows));
    }
    out.say(summary(&rows));
    let mut errors = errors.into_inner().expect("no panics while locked");
    errors.sort();
    for (file, error) in &errors {
        let d = Diagnostic::error("io", format!("cannot read {file}: {error}"))
            .help("check the permissions, or add the path to .gitignore to skip it");
        out.diag(&if file.is_empty() { d } else { d.file(file) });
    }
    if errors.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    }
}

/// What one file holding `SECTION:` yields.
enum Found {
    Rows(Vec<Row>),
    NotText,
}

impl Found {
    fn summary(&self) -> String {
        match self {
            Found::NotText => "skipped (not UTF-8)".into(),
            Found::Rows(r) if r.iter().any(|r| r.state == State::Malformed) => {
                "malformed anchor".into()
            }
            Found::Rows(r) if r.is_empty() => "no anchors".into(),
            Found::Rows(r) => format!("{} anchor{}", r.len(), plural(r.len())),
        }
    }
}

/// The rows of one file.
fn rows_of(file: &str, bytes: &[u8]) -> Found {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Found::NotText;
    };
    let (_, text) = anchor::split_bom(text);
    match anchor::parse(text) {
        Ok(anchors) => Found::Rows(
            anchors
                .iter()
                .map(|a| {
                    let state = State::Anchor(fill::body_state(text, a));
                    Row {
                        file: file.to_string(),
                        line: a.begin.line,
                        name: a.name.clone(),
                        state,
                        phase: a.stamp.as_ref().map(|s| s.phase.clone()),
                        error: None,
                    }
                })
                .collect(),
        ),
        Err(e) => Found::Rows(vec![malformed(file, &e)]),
    }
}

fn malformed(file: &str, e: &AnchorError) -> Row {
    let name = match &e.kind {
        AnchorErrorKind::Duplicate { name, .. }
        | AnchorErrorKind::EndWithoutBegin { name }
        | AnchorErrorKind::PrefixMismatch { name, .. }
        | AnchorErrorKind::BeginTrailer { name, .. }
        | AnchorErrorKind::BadStamp { name, .. } => name,
        AnchorErrorKind::Nested { inner, .. } => inner,
        AnchorErrorKind::Mismatched { found, .. } => found,
    };
    Row {
        file: file.to_string(),
        line: e.line,
        name: name.clone(),
        state: State::Malformed,
        phase: None,
        error: Some(format!("{} (column {})", e.kind, e.col)),
    }
}

/// `file:line  NAME  state`, the first two columns aligned.
fn table(rows: &[Row]) -> String {
    let locs: Vec<String> = rows
        .iter()
        .map(|r| format!("{}:{}", r.file, r.line))
        .collect();
    let w_loc = locs.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let w_name = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (row, loc) in rows.iter().zip(&locs) {
        out.push_str(&format!(
            "{loc:<w_loc$}  {:<w_name$}  {}\n",
            row.name,
            row.describe()
        ));
    }
    out
}

/// `hivegen: 5 anchors in 2 files: 3 empty, 2 filled`.
fn summary(rows: &[Row]) -> String {
    let mut files: Vec<&str> = rows.iter().map(|r| r.file.as_str()).collect();
    files.dedup();
    let mut head = format!(
        "hivegen: {} anchor{} in {} file{}",
        rows.len(),
        plural(rows.len()),
        files.len(),
        plural(files.len())
    );
    let counts: Vec<String> = [
        (State::Anchor(BodyState::Empty), "empty"),
        (State::Anchor(BodyState::Open), "open"),
        (State::Anchor(BodyState::Intact), "filled"),
        (State::Anchor(BodyState::Edited), "edited by hand"),
        (State::Anchor(BodyState::Unstamped), "filled (no stamp)"),
        (State::Malformed, "malformed"),
    ]
    .iter()
    .filter_map(|(s, word)| {
        let n = rows.iter().filter(|r| r.state == *s).count();
        (n > 0).then(|| format!("{n} {word}"))
    })
    .collect();
    if !counts.is_empty() {
        head.push_str(": ");
        head.push_str(&counts.join(", "));
    }
    head
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A relative path as the user types it, with `/`.
fn slash_path(rel: &Path) -> String {
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(text: &str) -> Vec<(usize, String, State)> {
        match rows_of("f.py", text.as_bytes()) {
            Found::Rows(r) => r.into_iter().map(|r| (r.line, r.name, r.state)).collect(),
            Found::NotText => panic!("not text"),
        }
    }

    #[test]
    fn classifies_each_anchor() {
        let filled = fill::replace(
            "<!-- SECTION:A -->\n<!-- /SECTION:A -->\n",
            &anchor::parse("<!-- SECTION:A -->\n<!-- /SECTION:A -->\n").unwrap()[0],
            "x\n",
            "d",
            "\n",
        );
        let text = format!(
            "{filled}# <!-- SECTION:B -->\n# <!-- /SECTION:B -->\n# <!-- SECTION:C -->\nhand\n# <!-- /SECTION:C -->\n"
        );
        assert_eq!(
            states(&text),
            [
                (1, "A".into(), State::Anchor(BodyState::Intact)),
                (4, "B".into(), State::Anchor(BodyState::Empty)),
                (6, "C".into(), State::Anchor(BodyState::Unstamped))
            ]
        );
        assert_eq!(
            states(&filled.replace("x\n", "y\n")),
            [(1, "A".into(), State::Anchor(BodyState::Edited))]
        );
    }

    #[test]
    fn a_malformed_file_is_one_row() {
        assert_eq!(
            states("ok\n<!-- /SECTION:Z -->\n"),
            [(2, "Z".into(), State::Malformed)]
        );
    }
}
