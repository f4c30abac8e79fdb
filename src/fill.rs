//! Fills: writing a rendered body into an anchor, and the checksum stamp that lets a later run
//! tell a fill hivegen wrote from one edited by hand (as cog does with its end markers).

use sha2::{Digest, Sha256};

use crate::anchor::{Anchor, Stamp};

/// The checksum of a body: SHA-256 over its text with CRLF folded to LF, first 16 hex digits.
pub fn checksum(body: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(body.replace("\r\n", "\n").as_bytes());
    let digest = hasher.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The line ending a file uses: that of its first line (`\n` when it has none).
pub fn line_ending(text: &str) -> &'static str {
    crate::text::lines(text)
        .next()
        .and_then(|l| ending(&text[l.content_end..l.end]))
        .unwrap_or("\n")
}

/// The line ending of `a`'s begin marker line, if it has one.
pub(crate) fn marker_line_ending(text: &str, a: &Anchor) -> Option<&'static str> {
    let line = &text[a.begin.span.clone()];
    let content = line.trim_end_matches(['\r', '\n']);
    ending(&line[content.len()..])
}

fn ending(terminator: &str) -> Option<&'static str> {
    match terminator {
        "\r\n" => Some("\r\n"),
        "\n" => Some("\n"),
        "\r" => Some("\r"),
        _ => None,
    }
}

/// Lays out a rendered template as an anchor body: every non-blank line indented like the
/// marker, trailing blank lines dropped, each line ended with `eol`.
pub fn layout(rendered: &str, indent: &str, eol: &str) -> String {
    let trimmed = rendered.trim_end_matches(['\n', '\r', ' ', '\t']);
    let trimmed = trimmed.trim_start_matches(['\n', '\r']);
    if trimmed.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(trimmed.len() + 64);
    for line in trimmed.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line).trim_end();
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
        out.push_str(eol);
    }
    out
}

/// What an anchor holds: the one description of an anchor's state, shared by planning,
/// `anchors` and `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyState {
    /// A begin marker with no end marker yet: the first fill closes it.
    Open,
    /// Nothing but whitespace.
    Empty,
    /// Carries a stamp whose checksum holds.
    Intact,
    /// Carries a stamp whose checksum does not hold: edited by hand.
    Edited,
    /// Has content but no stamp: written by hand or by another tool.
    Unstamped,
}

/// Classifies the body of `anchor` in `text`.
pub fn body_state(text: &str, anchor: &Anchor) -> BodyState {
    if anchor.end.is_none() {
        return BodyState::Open;
    }
    let body = &text[anchor.body()];
    match &anchor.stamp {
        Some(stamp) if checksum(body) == stamp.sum => BodyState::Intact,
        Some(_) => BodyState::Edited,
        None if body.trim().is_empty() => BodyState::Empty,
        None => BodyState::Unstamped,
    }
}

/// Returns `text` with the body of `anchor` replaced by `body` (already laid out) and the end
/// marker stamped with `phase` and the body's checksum. Every byte outside the body and the
/// end marker's stamp stays as it was.
pub fn replace(text: &str, anchor: &Anchor, body: &str, phase: &str, eol: &str) -> String {
    let stamp = Stamp {
        phase: phase.to_string(),
        sum: checksum(body),
    };
    let stamp_text = format!(" phase={} sha256={}", stamp.phase, stamp.sum);
    let mut out = String::with_capacity(text.len() + body.len() + 64);
    match &anchor.end {
        Some(end) => {
            out.push_str(&text[..anchor.begin.span.end]);
            out.push_str(body);
            let line = &text[end.span.clone()];
            out.push_str(&line[..end.trailer.start]);
            out.push_str(&stamp_text);
            out.push_str(&line[end.trailer.end..]);
            out.push_str(&text[end.span.end..]);
        }
        None => {
            let begin_line = &text[anchor.begin.span.clone()];
            out.push_str(&text[..anchor.begin.span.end]);
            let terminated = begin_line.ends_with('\n');
            if !terminated {
                out.push_str(eol);
            }
            out.push_str(body);
            // The end marker mirrors the begin marker, slash and stamp added.
            let content = begin_line.trim_end_matches(['\n', '\r']);
            let at = content
                .find("SECTION:")
                .expect("a begin marker holds SECTION:");
            let name_end = at + "SECTION:".len() + anchor.name.len();
            out.push_str(&content[..at]);
            out.push('/');
            out.push_str(&content[at..name_end]);
            out.push_str(&stamp_text);
            out.push_str(&content[name_end..]);
            if terminated {
                out.push_str(eol);
            }
            out.push_str(&text[anchor.begin.span.end..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anchor::parse;

    #[test]
    fn fill_round_trips_and_is_idempotent() {
        let text = "head\r\n    # <!-- SECTION:A -->\r\n    # <!-- /SECTION:A -->\r\ntail\r\n";
        let a = &parse(text).unwrap()[0];
        let eol = line_ending(text);
        let body = layout("x = 1\n\nif x:\n    y = 2\n", &a.begin.indent, eol);
        let once = replace(text, a, &body, "d", eol);
        assert!(once.starts_with(
            "head\r\n    # <!-- SECTION:A -->\r\n    x = 1\r\n\r\n    if x:\r\n        y = 2\r\n"
        ));
        assert!(once.ends_with("\r\ntail\r\n"));
        let a2 = &parse(&once).unwrap()[0];
        assert_eq!(body_state(&once, a2), BodyState::Intact);
        assert_eq!(replace(&once, a2, &body, "d", eol), once);
    }

    #[test]
    fn open_anchor_is_closed_by_its_first_fill() {
        let text = "# <!-- SECTION:A -->\nrest\n";
        let a = &parse(text).unwrap()[0];
        let out = replace(text, a, "x\n", "d", "\n");
        assert_eq!(
            out,
            format!(
                "# <!-- SECTION:A -->\nx\n# <!-- /SECTION:A phase=d sha256={} -->\nrest\n",
                checksum("x\n")
            )
        );
    }

    #[test]
    fn edited_body_is_detected() {
        let filled = replace(
            "<!-- SECTION:A -->\n<!-- /SECTION:A -->\n",
            &parse("<!-- SECTION:A -->\n<!-- /SECTION:A -->\n").unwrap()[0],
            "x\n",
            "d",
            "\n",
        );
        let edited = filled.replace("x\n", "y\n");
        let a = &parse(&edited).unwrap()[0];
        assert_eq!(body_state(&edited, a), BodyState::Edited);
    }
}
