//! Edits outside anchors: an existing file may change only inside its anchor bodies. The text
//! outside the bodies (the skeleton: every line but body lines and end markers, whose stamps a
//! fill rewrites) must stay byte for byte; an anchor closed before must stay closed.

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::anchor::{self, Anchor, AnchorError};

/// The skeleton of a text: (1-based line number, line) for every line outside anchor bodies,
/// end markers left out.
fn skeleton<'a>(text: &'a str, anchors: &[Anchor]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let span = start..start + line.len();
        start = span.end;
        let inside = anchors.iter().any(|a| {
            let body = a.body();
            (span.start >= body.start && span.start < body.end)
                || a.end.as_ref().is_some_and(|e| e.span.start == span.start)
        });
        if !inside {
            out.push((i + 1, line.strip_suffix('\n').unwrap_or(line)));
        }
    }
    out
}

/// The lines of `new` (1-based, one per changed region) where text outside the anchor bodies
/// differs from `old`. An error means `new`'s anchors are malformed. When `old`'s anchors are
/// malformed, its whole text counts as outside.
pub(crate) fn outside_changes(old: &str, new: &str) -> Result<Vec<usize>, AnchorError> {
    let (_, old_text) = anchor::split_bom(old);
    let (_, new_text) = anchor::split_bom(new);
    let new_anchors = anchor::parse(new_text)?;
    let old_anchors = anchor::parse(old_text).unwrap_or_default();
    let mut lines = Vec::new();
    if old.starts_with('\u{feff}') != new.starts_with('\u{feff}') {
        lines.push(1);
    }
    let old_skel = skeleton(old_text, &old_anchors);
    let new_skel = skeleton(new_text, &new_anchors);
    let a: Vec<&str> = old_skel.iter().map(|(_, l)| *l).collect();
    let b: Vec<&str> = new_skel.iter().map(|(_, l)| *l).collect();
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

    const OLD: &str =
        "\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\n# <!-- /SECTION:A -->\ntail = 1\n";

    #[test]
    fn a_fill_with_a_stamp_is_not_outside() {
        let new = "\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\ny = 2\n# <!-- /SECTION:A phase=d sha256=0123456789abcdef -->\ntail = 1\n";
        assert_eq!(outside_changes(OLD, new).unwrap(), Vec::<usize>::new());
    }

    #[test]
    fn an_open_anchor_may_be_closed_by_a_fill() {
        let old = "a\n# <!-- SECTION:A -->\nb\n";
        let new = "a\n# <!-- SECTION:A -->\nx\n# <!-- /SECTION:A -->\nb\n";
        assert!(outside_changes(old, new).unwrap().is_empty());
    }

    #[test]
    fn edits_above_below_and_removals_are_reported() {
        let new = "\"\"\"Doc.\"\"\"\nimport x\nimport y\n# <!-- SECTION:A -->\nz\n# <!-- /SECTION:A -->\n";
        assert_eq!(outside_changes(OLD, new).unwrap(), vec![3, 6]);
    }

    #[test]
    fn removing_an_end_marker_is_reported() {
        let new = "\"\"\"Doc.\"\"\"\nimport x\n# <!-- SECTION:A -->\ntail = 1\n";
        assert_eq!(outside_changes(OLD, new).unwrap(), vec![3]);
    }

    #[test]
    fn malformed_new_anchors_are_an_error() {
        assert!(outside_changes(OLD, "# <!-- /SECTION:A -->\n").is_err());
    }
}
