//! Planning the fills of a phase: each anchor rendered, laid out like its marker, and
//! compared with what is there (empty, open, stale, edited by hand, frozen).

use serde_json::json;
use tera::Context;

use super::{
    later_marker, read, Change, FillChange, Guarded, Inputs, Plan, Protection, Reason, Refusal,
};
use crate::anchor::{self, Anchor};
use crate::error::{Error, Place, Result};
use crate::fill::{self, BodyState};
use crate::spec::FillSpec;

/// What to do with one anchor.
enum Decision {
    /// It already holds what the phase writes.
    Keep,
    /// Write it.
    Write(Reason),
    /// Write it only when forced.
    Guarded(Reason, Protection),
    /// Do not write it, and refuse the plan.
    Refuse(Refusal),
}

/// What the decision for one anchor needs to know.
struct Situation<'a> {
    /// The phase being planned (its id, as its stamps carry it).
    phase: &'a str,
    file: &'a str,
    text: &'a str,
    anchor: &'a Anchor,
    body: &'a str,
    /// The phase's own marker exists: its fills are frozen.
    complete: bool,
    /// A later phase's marker, if one exists: nothing may be rewritten.
    later: Option<&'a str>,
}

pub(super) fn plan_fills(inputs: &Inputs<'_>, base: &Context, plan: &mut Plan) -> Result<()> {
    let spec = &inputs.phase.spec;
    let later = later_marker(inputs)?;
    let complete = read(inputs.repo, &spec.marker.path)?.is_some();
    for file in spec.fill_files() {
        let fills: Vec<&FillSpec> = spec.fills.iter().filter(|f| f.file == file).collect();
        let Some(bytes) = read(inputs.repo, file)? else {
            let creator = inputs.registry.creator_of(file).map(|p| p.spec.letter());
            plan.refusals
                .extend(fills.iter().map(|f| Refusal::MissingFile {
                    file: file.to_string(),
                    anchor: f.anchor.clone(),
                    creator: creator.clone(),
                }));
            continue;
        };
        let original = fillable_text(file, &bytes)?;
        let (bom, rest) = anchor::split_bom(&original);
        let mut text = rest.to_string();
        let mut reasons = Vec::new();
        for f in fills {
            let anchors = parse_anchors(file, &text)?;
            let Some(a) = anchors.iter().find(|a| a.name == f.anchor) else {
                plan.refusals.push(Refusal::MissingAnchor {
                    file: file.to_string(),
                    anchor: f.anchor.clone(),
                    creator: inputs.registry.creator_of(file).map(|p| p.spec.letter()),
                });
                continue;
            };
            let mut context = base.clone();
            context.insert("fill", &json!({"file": f.file, "anchor": f.anchor}));
            let rendered = inputs.renderer.render(&f.template(), &context)?;
            // The body ends its lines like the marker above it (a file may mix endings).
            let eol = fill::marker_line_ending(&text, a).unwrap_or(fill::line_ending(&text));
            let body = fill::layout(&rendered, &a.begin.indent, eol);
            let situation = Situation {
                phase: &spec.id,
                file,
                text: &text,
                anchor: a,
                body: &body,
                complete,
                later: later.as_deref(),
            };
            let reason = match decide(&situation) {
                Decision::Keep => continue,
                Decision::Refuse(r) => {
                    plan.refusals.push(r);
                    continue;
                }
                Decision::Write(reason) => reason,
                Decision::Guarded(reason, why) => {
                    plan.guarded.push(Guarded {
                        file: file.to_string(),
                        anchor: a.name.clone(),
                        why,
                        place: difference(&situation),
                    });
                    reason
                }
            };
            let next = fill::replace(&text, a, &body, &spec.id, eol);
            // A template that renders an anchor marker would break the file's anchors.
            if anchor::parse(&next).map(|n| n.len()) != Ok(anchors.len()) {
                return Err(Error::Template {
                    file: inputs.renderer.display(&f.template()),
                    place: None,
                    message: format!(
                        "the fill of anchor `{}` of {file} renders an anchor marker",
                        f.anchor
                    ),
                    help: "a fill may not contain `<!-- SECTION:… -->` lines; remove them from the template".into(),
                });
            }
            text = next;
            reasons.push(FillChange {
                anchor: f.anchor.clone(),
                reason,
            });
        }
        let new = format!("{bom}{text}").into_bytes();
        if new != bytes {
            plan.changes.push(Change {
                path: file.to_string(),
                old: Some(bytes),
                new,
                fills: reasons,
            });
        }
    }
    Ok(())
}

/// The text of a file the phase fills: UTF-8, not binary.
fn fillable_text(file: &str, bytes: &[u8]) -> Result<String> {
    let unusable = |what: String, help: &str| Error::Unusable {
        file: file.to_string(),
        what,
        help: help.to_string(),
    };
    if bytes.contains(&0) {
        return Err(unusable(
            format!("{file} is a binary file"),
            "hivegen fills anchors of text files only; restore it from the scaffold",
        ));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        unusable(
            format!("{file} is not UTF-8 text"),
            "hivegen fills anchors of UTF-8 text files only",
        )
    })
}

fn parse_anchors(file: &str, text: &str) -> Result<Vec<Anchor>> {
    anchor::parse(text).map_err(|error| Error::Anchor {
        file: file.to_string(),
        place: Box::new(Place::in_text(text, error.line, error.col)),
        error: Box::new(error),
    })
}

/// Whether an anchor is rewritten, and why; or why it may not be.
fn decide(s: &Situation<'_>) -> Decision {
    let a = s.anchor;
    let current = &s.text[a.body()];
    let same = current.replace("\r\n", "\n") == s.body.replace("\r\n", "\n");
    let phase = a.stamp.as_ref().map(|st| st.phase.as_str());
    let ours = |p: Option<&str>| p == Some(s.phase);
    let state = fill::body_state(s.text, a);
    let (reason, foreign): (Reason, Option<String>) = match state {
        BodyState::Intact if same && ours(phase) => return Decision::Keep,
        BodyState::Intact if ours(phase) => (Reason::Stale, None),
        BodyState::Open | BodyState::Empty => (Reason::Body(state), None),
        BodyState::Unstamped if same => (Reason::Stamp, None),
        BodyState::Edited => (
            Reason::Body(state),
            Some("was edited by hand since hivegen wrote it".to_string()),
        ),
        BodyState::Intact => (
            Reason::Body(state),
            Some(format!("was filled by phase {}", phase.unwrap_or("?"))),
        ),
        BodyState::Unstamped => (
            Reason::Body(state),
            Some("holds content hivegen did not write".to_string()),
        ),
    };
    if let Some(marker) = s.later {
        return Decision::Refuse(Refusal::Frozen {
            phase: s.phase.to_uppercase(),
            file: s.file.to_string(),
            anchor: a.name.clone(),
            reason,
            marker: marker.to_string(),
            hand: foreign.is_some(),
            place: difference(s),
        });
    }
    match foreign {
        Some(what) => Decision::Guarded(reason, Protection::Foreign(what)),
        None if s.complete && reason == Reason::Stale => {
            Decision::Guarded(reason, Protection::Complete)
        }
        None => Decision::Write(reason),
    }
}

/// Where the anchor's body first departs from what hivegen would write: with unchanged
/// templates, that is the hand edit itself.
fn difference(s: &Situation<'_>) -> Place {
    let current = &s.text[s.anchor.body()];
    let (line, col) = first_difference(current, s.body);
    Place::in_text(s.text, s.anchor.begin.line + 1 + line, col + 1)
}

/// The 0-based line and column (in chars) where `current` first departs from `expected`,
/// line endings aside; `(0, 0)` when they are the same.
fn first_difference(current: &str, expected: &str) -> (usize, usize) {
    let mut expected_lines = expected.lines();
    for (i, have) in current.lines().enumerate() {
        match expected_lines.next() {
            Some(want) if want == have => continue,
            Some(want) => {
                let col = have
                    .chars()
                    .zip(want.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                return (i, col);
            }
            None => return (i, 0),
        }
    }
    (current.lines().count(), 0)
}
