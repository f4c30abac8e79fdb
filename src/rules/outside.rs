//! Edits outside anchors: an existing file may change only inside its anchor bodies. The text
//! outside the bodies (the skeleton: every line but body lines, end markers included) must stay
//! byte for byte; an anchor closed before must stay closed. The one part of an end marker a fill
//! may rewrite is its stamp, and only with a stamp that records this phase's fill of the body
//! it closes; any other stamp change (a forged phase, a broken checksum) counts as an edit.

use std::borrow::Cow;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::anchor::{self, Anchor, AnchorError};

/// Which stamps the skeleton leaves out.
#[derive(Clone, Copy)]
enum Stamps<'p> {
    /// Every stamp (the text before the change).
    All,
    /// Only stamps of `phase` whose checksum holds, or that the old text had already.
    ValidFor(&'p str, &'p [Anchor]),
}

/// The skeleton of a text: (1-based line number, line) for every line outside anchor bodies,
/// end markers without the stamps `stamps` leaves out.
fn skeleton<'a>(
    text: &'a str,
    anchors: &[Anchor],
    stamps: Stamps<'_>,
) -> Vec<(usize, Cow<'a, str>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let span = start..start + line.len();
        start = span.end;
        let in_body = anchors.iter().any(|a| {
            let body = a.body();
            span.start >= body.start && span.start < body.end
        });
        if in_body {
            continue;
        }
        let content = line.strip_suffix('\n').unwrap_or(line);
        let end_of = anchors
            .iter()
            .find(|a| a.end.as_ref().is_some_and(|e| e.span.start == span.start));
        // An end marker that closes an anchor open before is the fill's own: not skeleton.
        if let (Some(a), Stamps::ValidFor(_, old_anchors)) = (end_of, stamps) {
            if old_anchors
                .iter()
                .any(|o| o.name == a.name && o.end.is_none())
            {
                continue;
            }
        }
        let kept = match end_of {
            Some(a) => {
                let end = a.end.as_ref().expect("found by its end marker");
                let trailer = end.trailer.clone();
                let trailer = trailer.start.min(content.len())..trailer.end.min(content.len());
                let stamp = stamp_in_skeleton(text, a, stamps);
                Cow::Owned(format!(
                    "{}{stamp}{}",
                    &content[..trailer.start],
                    &content[trailer.end..]
                ))
            }
            None => Cow::Borrowed(content),
        };
        out.push((i + 1, kept));
    }
    // A last line without its newline differs from the same line with one (the end marker's
    // newline removed is an edit outside the anchors).
    if !text.is_empty() && !text.ends_with('\n') {
        let last = text.split_inclusive('\n').count();
        if let Some((n, line)) = out.last_mut().filter(|(n, _)| *n == last) {
            debug_assert_eq!(*n, last);
            *line = Cow::Owned(format!("{line}\u{0}no newline at end of file"));
        }
    }
    out
}

/// What stands in the skeleton for the stamp on `a`'s end marker: nothing when a fill may
/// have written it (any stamp before the change; after it, a stamp of the judging phase,
/// whose checksum the fill-intact check judges, or the stamp the anchor already had), the
/// stamp itself when it was forged (another phase's), and a mark when a stamp was removed
/// (which would hide a hand edit of frozen code).
fn stamp_in_skeleton<'t>(text: &'t str, a: &Anchor, stamps: Stamps<'_>) -> &'t str {
    let Stamps::ValidFor(phase, old_anchors) = stamps else {
        return "";
    };
    let old_stamp = old_anchors
        .iter()
        .find(|o| o.name == a.name)
        .and_then(|o| o.stamp.as_ref());
    match (&a.stamp, old_stamp) {
        (None, Some(_)) => " <stamp removed>",
        (None, None) => "",
        (Some(s), old) if s.phase == phase || old == Some(s) => "",
        (Some(_), _) => {
            let end = a.end.as_ref().expect("a stamped anchor is closed");
            let line = &text[end.span.clone()];
            &line[end.trailer.clone()]
        }
    }
}

/// The lines of `new` (1-based, one per changed region) where text outside the anchor bodies
/// differs from `old`. An error means `new`'s anchors are malformed. When `old`'s anchors are
/// malformed, its whole text counts as outside.
/// A stamp on an end marker may change only to a stamp of `phase` that holds for its body.
/// With `crlf_stored`, `new`'s CRLF line endings are what git stores (its index holds them),
/// not a checkout's conversion. With `new_blocks` (a later phase's work, §5: "insert
/// additional logic into anchors or new blocks"), an anchor block `new` adds, markers and
/// body, is not outside, nor are blank lines.
pub(crate) fn outside_changes(
    old: &str,
    new: &str,
    phase: &str,
    crlf_stored: bool,
    new_blocks: bool,
) -> Result<Vec<usize>, AnchorError> {
    // A checkout with `core.autocrlf` turns an LF blob into a CRLF file, every line of it: not
    // an edit. One CRLF line among LF ones is (git stores that `\r`).
    let new: Cow<'_, str> = if !crlf_stored && crate::text::crlf_checkout(old, new) {
        Cow::Owned(new.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(new)
    };
    let new = new.as_ref();
    let (_, old_text) = anchor::split_bom(old);
    let (_, new_text) = anchor::split_bom(new);
    let new_anchors = anchor::parse(new_text)?;
    let old_anchors = anchor::parse(old_text).unwrap_or_default();
    let mut lines = Vec::new();
    if old.starts_with('\u{feff}') != new.starts_with('\u{feff}') {
        lines.push(1);
    }
    let mut old_skel = skeleton(old_text, &old_anchors, Stamps::All);
    let mut new_skel = skeleton(
        new_text,
        &new_anchors,
        Stamps::ValidFor(phase, &old_anchors),
    );
    if new_blocks {
        let added: Vec<(usize, usize)> = new_anchors
            .iter()
            .filter(|a| !old_anchors.iter().any(|o| o.name == a.name))
            .filter_map(|a| a.end.as_ref().map(|e| (a.begin.line, e.line)))
            .collect();
        new_skel.retain(|(n, line)| {
            !line.trim().is_empty() && !added.iter().any(|(b, e)| (*b..=*e).contains(n))
        });
        old_skel.retain(|(_, line)| !line.trim().is_empty());
    }
    let a: Vec<&str> = old_skel.iter().map(|(_, l)| l.as_ref()).collect();
    let b: Vec<&str> = new_skel.iter().map(|(_, l)| l.as_ref()).collect();
    let last_line = new_text.lines().count().max(1);
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (new_index, new_len) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete { new_index, .. } => (new_index, 0),
            DiffOp::Insert {
                new_index, new_len, ..
            } => (new_index, new_len),
            DiffOp::Replace {
                new_index, new_len, ..
            } => (new_index, new_len),
        };
        let line = new_skel.get(new_index).map_or(last_line, |(n, _)| *n);
        debug_assert!(new_len == 0 || new_skel.get(new_index).is_some());
        lines.push(line);
    }
    // An anchor closed in `old` must stay closed: its end marker is not part of the skeleton.
    for o in old_anchors.iter().filter(|a| a.end.is_some()) {
        if let Some(n) = new_anchors
            .iter()
            .find(|n| n.name == o.name && n.end.is_none())
        {
            lines.push(n.begin.line);
        }
    }
    lines.sort_unstable();
    lines.dedup();
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill;

    const OLD: &str =
        "\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\n# <!-- /SECTION:A -->\ntail = 1\n";

    #[test]
    fn a_fill_with_its_stamp_is_not_outside() {
        let sum = fill::checksum("y = 2\n");
        let new = format!("\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\ny = 2\n# <!-- /SECTION:A phase=d sha256={sum} -->\ntail = 1\n");
        assert_eq!(
            outside_changes(OLD, &new, "d", false, false).unwrap(),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn a_forged_or_removed_stamp_is_outside_a_broken_one_is_the_fill_checks() {
        let sum = fill::checksum("y = 2\n");
        let forged = format!("\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\ny = 2\n# <!-- /SECTION:A phase=z sha256={sum} -->\ntail = 1\n");
        assert_eq!(
            outside_changes(OLD, &forged, "d", false, false).unwrap(),
            vec![5]
        );
        // Edited after the fill: the stamp is this phase's; fill-intact reports the edit.
        let broken = "\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\ny = 2\n# <!-- /SECTION:A phase=d sha256=0123456789abcdef -->\ntail = 1\n";
        assert!(outside_changes(OLD, broken, "d", false, false)
            .unwrap()
            .is_empty());
        // A stamp removed (to hide an edit of a frozen fill) is an edit of the end marker.
        let stamped =
            format!("# <!-- SECTION:A -->\ny = 2\n# <!-- /SECTION:A phase=d sha256={sum} -->\n");
        let unstamped = "# <!-- SECTION:A -->\ny = 3\n# <!-- /SECTION:A -->\n";
        assert_eq!(
            outside_changes(&stamped, unstamped, "d", false, false).unwrap(),
            vec![3]
        );
    }

    #[test]
    fn crlf_checkout_of_an_lf_blob_is_not_an_edit() {
        let crlf = OLD.replace('\n', "\r\n");
        assert!(outside_changes(OLD, &crlf, "d", false, false)
            .unwrap()
            .is_empty());
        // Unless git stores the CRLF (a commit of it): then every line changed, one region.
        assert_eq!(
            outside_changes(OLD, &crlf, "d", true, false).unwrap(),
            vec![1]
        );
        // One CRLF line among LF ones is what git stores: an edit.
        let one = OLD.replacen('\n', "\r\n", 1);
        assert_eq!(
            outside_changes(OLD, &one, "d", false, false).unwrap(),
            vec![1]
        );
    }

    #[test]
    fn the_final_newline_removed_is_outside() {
        assert_eq!(
            outside_changes(OLD, OLD.trim_end_matches('\n'), "d", false, false).unwrap(),
            vec![OLD.lines().count()]
        );
    }

    #[test]
    fn an_edited_end_marker_is_outside() {
        let new =
            "\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\n#   <!-- /SECTION:A -->\ntail = 1\n";
        assert_eq!(
            outside_changes(OLD, new, "d", false, false).unwrap(),
            vec![4]
        );
    }

    #[test]
    fn an_open_anchor_may_be_closed_by_a_fill() {
        let old = "a\n# <!-- SECTION:A -->\nb\n";
        let new = "a\n# <!-- SECTION:A -->\nx\n# <!-- /SECTION:A -->\nb\n";
        assert!(outside_changes(old, new, "d", false, false)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn edits_above_below_and_removals_are_reported() {
        let new = "\"\"\"Doc.\"\"\"\nimport x\nimport y\n# <!-- SECTION:A -->\nz\n# <!-- /SECTION:A -->\n";
        assert_eq!(
            outside_changes(OLD, new, "d", false, false).unwrap(),
            vec![3, 6]
        );
    }

    #[test]
    fn removing_an_end_marker_is_reported() {
        let new = "\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\ntail = 1\n";
        assert_eq!(
            outside_changes(OLD, new, "d", false, false).unwrap(),
            vec![3, 4]
        );
    }

    #[test]
    fn malformed_new_anchors_are_an_error() {
        assert!(outside_changes(OLD, "# <!-- /SECTION:A -->\n", "d", false, false).is_err());
    }
}
