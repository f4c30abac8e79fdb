//! Anchors: the `<!-- SECTION:NAME -->` … `<!-- /SECTION:NAME -->` regions that a phase may
//! write into. This module only reads: it finds every anchor of a text, with byte offsets, and
//! reports malformed ones with a line and column. Writing bodies is `fill`'s job.

mod marker;

use std::collections::HashMap;
use std::ops::Range;

/// The stamp a fill leaves on its end marker: which phase wrote it and a checksum of its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The phase id, e.g. `d`.
    pub phase: String,
    /// The first 16 hex digits of the SHA-256 of the body (line endings folded to LF).
    pub sum: String,
}

/// One marker line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerLine {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column of `<!--`.
    pub col: usize,
    /// Byte range of the whole line, terminator included.
    pub span: Range<usize>,
    /// Byte range, within the line, of the trailer (` phase=d sha256=…`), possibly empty.
    pub trailer: Range<usize>,
    /// The comment prefix (`#`, `//`, …), if any.
    pub prefix: Option<String>,
    /// Leading whitespace of the line.
    pub indent: String,
}

/// An anchor found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The anchor's name (`STRUCTURE`, `LOGIC`, …).
    pub name: String,
    /// The begin marker.
    pub begin: MarkerLine,
    /// The end marker; `None` for an open anchor, which its first fill closes.
    pub end: Option<MarkerLine>,
    /// The stamp on the end marker, if a fill left one.
    pub stamp: Option<Stamp>,
}

impl Anchor {
    /// Byte range of the body: between the begin line and the end line (empty when open).
    pub fn body(&self) -> Range<usize> {
        match &self.end {
            Some(end) => self.begin.span.end..end.span.start,
            None => self.begin.span.end..self.begin.span.end,
        }
    }
}

/// What is wrong with a malformed anchor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorErrorKind {
    #[error("anchor `{name}` appears twice in this file (first at line {first})")]
    Duplicate { name: String, first: usize },
    #[error("end marker `/SECTION:{name}` has no begin marker")]
    EndWithoutBegin { name: String },
    #[error("anchor `{inner}` is nested inside anchor `{outer}` (begun at line {outer_line})")]
    Nested {
        outer: String,
        outer_line: usize,
        inner: String,
    },
    #[error(
        "end marker `/SECTION:{found}` closes anchor `{expected}` (begun at line {begin_line})"
    )]
    Mismatched {
        expected: String,
        found: String,
        begin_line: usize,
    },
    #[error("end marker of `{name}` is behind `{end}` but its begin marker is behind `{begin}`")]
    PrefixMismatch {
        name: String,
        begin: String,
        end: String,
    },
    #[error("unexpected `{text}` on the begin marker of `{name}`")]
    BeginTrailer { name: String, text: String },
    #[error("unreadable stamp `{text}` on the end marker of `{name}`")]
    BadStamp { name: String, text: String },
}

impl AnchorErrorKind {
    /// What the user can do about it.
    pub fn help(&self) -> String {
        match self {
            Self::Duplicate { name, .. } => {
                format!("give each anchor a unique name, or remove the second `SECTION:{name}`")
            }
            Self::EndWithoutBegin { name } => {
                format!("add `<!-- SECTION:{name} -->` above it, or remove the stray end marker")
            }
            Self::Nested { outer, .. } => {
                format!("close `{outer}` with `<!-- /SECTION:{outer} -->` before opening another anchor")
            }
            Self::Mismatched { expected, .. } => {
                format!("the end marker must repeat the begin marker's name: `<!-- /SECTION:{expected} -->`")
            }
            Self::PrefixMismatch { begin, .. } => {
                format!("write the end marker behind the same comment prefix as its begin marker: `{begin}`")
            }
            Self::BeginTrailer { .. } => {
                "only an end marker carries a stamp; remove the extra text".into()
            }
            Self::BadStamp { .. } => {
                "a stamp reads `phase=ID sha256=HEX16`; remove it to let hivegen write it again"
                    .into()
            }
        }
    }
}

/// A malformed anchor: what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct AnchorError {
    /// What is wrong.
    pub kind: AnchorErrorKind,
    /// 1-based line of the offending marker.
    pub line: usize,
    /// 1-based column of the offending marker's `<!--`.
    pub col: usize,
}

struct Raw<'t> {
    marker: MarkerLine,
    name: &'t str,
    is_end: bool,
    trailer: &'t str,
}

/// Finds every marker line of `text` (which must not start with a BOM: strip it first).
/// `\n`, `\r\n` and a lone `\r` each end a line, as they do for Python.
fn markers(text: &str) -> Vec<Raw<'_>> {
    let mut out = Vec::new();
    for (number, l) in crate::text::lines_containing(text, "SECTION:") {
        let line = &text[l.start..l.content_end];
        let Some(p) = marker::parts(line) else {
            continue;
        };
        out.push(Raw {
            marker: MarkerLine {
                line: number,
                col: line[..p.open].chars().count() + 1,
                span: l.start..l.end,
                trailer: p.trailer.clone(),
                prefix: p.prefix.map(|r| line[r].to_string()),
                indent: line[p.indent].to_string(),
            },
            name: &line[p.name],
            is_end: p.is_end,
            trailer: line[p.trailer].trim(),
        });
    }
    out
}

fn parse_stamp(name: &str, trailer: &str, at: &MarkerLine) -> Result<Option<Stamp>, AnchorError> {
    if trailer.is_empty() {
        return Ok(None);
    }
    let bad = || AnchorError {
        kind: AnchorErrorKind::BadStamp {
            name: name.to_string(),
            text: trailer.to_string(),
        },
        line: at.line,
        col: at.col,
    };
    let mut phase = None;
    let mut sum = None;
    for part in trailer.split_whitespace() {
        match part.split_once('=') {
            Some(("phase", v)) if !v.is_empty() && phase.is_none() => phase = Some(v.to_string()),
            Some(("sha256", v))
                if v.len() == 16 && v.bytes().all(|b| b.is_ascii_hexdigit()) && sum.is_none() =>
            {
                sum = Some(v.to_ascii_lowercase())
            }
            _ => return Err(bad()),
        }
    }
    match (phase, sum) {
        (Some(phase), Some(sum)) => Ok(Some(Stamp { phase, sum })),
        _ => Err(bad()),
    }
}

fn prefix_text(p: &Option<String>) -> String {
    p.clone().unwrap_or_else(|| "no prefix".to_string())
}

/// Parses every anchor of `text`, in order. `text` must not start with a BOM.
pub fn parse(text: &str) -> Result<Vec<Anchor>, AnchorError> {
    let raws = markers(text);
    // Index of the last end marker of each name, and the first begin line of each name: both
    // looked up per marker, so that a file of many markers stays linear.
    let mut last_end: HashMap<&str, usize> = HashMap::new();
    for (i, m) in raws.iter().enumerate() {
        if m.is_end {
            last_end.insert(m.name, i);
        }
    }
    let mut first_begin: HashMap<&str, usize> = HashMap::new();
    let mut anchors: Vec<Anchor> = Vec::new();
    let mut i = 0;
    while i < raws.len() {
        let r = &raws[i];
        check_begin(r, &first_begin)?;
        first_begin.insert(r.name, r.marker.line);
        match raws.get(i + 1) {
            Some(next) if next.is_end => {
                anchors.push(closed(r, next)?);
                i += 2;
            }
            next => {
                // No end right after: an open anchor, unless its end comes later (then the
                // marker in between is nested inside it).
                if let Some(next) = next {
                    let ends_later = last_end.get(r.name).is_some_and(|&e| e > i);
                    check_open(r, next, ends_later)?;
                }
                anchors.push(Anchor {
                    name: r.name.to_string(),
                    begin: r.marker.clone(),
                    end: None,
                    stamp: None,
                });
                i += 1;
            }
        }
    }
    Ok(anchors)
}

fn error_at(m: &MarkerLine, kind: AnchorErrorKind) -> AnchorError {
    AnchorError {
        kind,
        line: m.line,
        col: m.col,
    }
}

/// A marker where a begin marker must be: not an end, no trailer, a name not used before.
fn check_begin(r: &Raw, first_begin: &HashMap<&str, usize>) -> Result<(), AnchorError> {
    let name = || r.name.to_string();
    if r.is_end {
        return Err(error_at(
            &r.marker,
            AnchorErrorKind::EndWithoutBegin { name: name() },
        ));
    }
    if !r.trailer.is_empty() {
        let text = r.trailer.to_string();
        return Err(error_at(
            &r.marker,
            AnchorErrorKind::BeginTrailer { name: name(), text },
        ));
    }
    if let Some(&first) = first_begin.get(r.name) {
        return Err(error_at(
            &r.marker,
            AnchorErrorKind::Duplicate {
                name: name(),
                first,
            },
        ));
    }
    Ok(())
}

/// The anchor begun by `r` and ended by `end`, which must match it.
fn closed(r: &Raw, end: &Raw) -> Result<Anchor, AnchorError> {
    if end.name != r.name {
        return Err(error_at(
            &end.marker,
            AnchorErrorKind::Mismatched {
                expected: r.name.to_string(),
                found: end.name.to_string(),
                begin_line: r.marker.line,
            },
        ));
    }
    if end.marker.prefix != r.marker.prefix {
        return Err(error_at(
            &end.marker,
            AnchorErrorKind::PrefixMismatch {
                name: r.name.to_string(),
                begin: prefix_text(&r.marker.prefix),
                end: prefix_text(&end.marker.prefix),
            },
        ));
    }
    Ok(Anchor {
        name: r.name.to_string(),
        begin: r.marker.clone(),
        end: Some(end.marker.clone()),
        stamp: parse_stamp(r.name, end.trailer, &end.marker)?,
    })
}

/// An open anchor `r` followed by the begin marker `next`: the same name again is a
/// duplicate; when `r`'s end comes later, `next` is nested inside it.
fn check_open(r: &Raw, next: &Raw, ends_later: bool) -> Result<(), AnchorError> {
    if !next.is_end && next.name == r.name {
        return Err(error_at(
            &next.marker,
            AnchorErrorKind::Duplicate {
                name: next.name.to_string(),
                first: r.marker.line,
            },
        ));
    }
    if ends_later {
        return Err(error_at(
            &next.marker,
            AnchorErrorKind::Nested {
                outer: r.name.to_string(),
                outer_line: r.marker.line,
                inner: next.name.to_string(),
            },
        ));
    }
    Ok(())
}

/// Splits a leading UTF-8 byte order mark off `text`.
pub fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_closed_and_open_anchors() {
        let text =
            "a\n# <!-- SECTION:ONE -->\nbody\n# <!-- /SECTION:ONE -->\n  // <!-- SECTION:TWO -->\n";
        let anchors = parse(text).unwrap();
        assert_eq!(anchors.len(), 2);
        assert_eq!(&text[anchors[0].body()], "body\n");
        assert!(anchors[1].end.is_none());
        assert_eq!(anchors[1].begin.indent, "  ");
        assert_eq!(anchors[1].begin.prefix.as_deref(), Some("//"));
    }

    #[test]
    fn reads_a_stamp() {
        let text = "<!-- SECTION:A -->\nx\n<!-- /SECTION:A phase=d sha256=0123456789abcdef -->";
        let a = &parse(text).unwrap()[0];
        assert_eq!(
            a.stamp,
            Some(Stamp {
                phase: "d".into(),
                sum: "0123456789abcdef".into()
            })
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_marker_line() {
        let text = "# <!-- SECTION:A -->\rx = 1\r# <!-- /SECTION:A -->\rimport jwt\n";
        let a = &parse(text).unwrap()[0];
        assert_eq!(&text[a.body()], "x = 1\r");
        assert_eq!(a.end.as_ref().map(|e| e.line), Some(3));
    }

    #[test]
    fn marker_inside_code_is_not_a_marker() {
        assert!(parse("x = '<!-- SECTION:A -->'\n").unwrap().is_empty());
    }

    /// Many open anchors parse (their parsing time is measured in `bench/run.py`: nesting was
    /// once checked by scanning every later marker for each open anchor, which was quadratic).
    #[test]
    fn many_open_anchors_parse() {
        let text: String = (0..2_000)
            .map(|i| format!("# <!-- SECTION:A{i} -->\n"))
            .collect();
        let anchors = parse(&text).unwrap();
        assert_eq!(anchors.len(), 2_000);
        assert!(anchors.iter().all(|a| a.end.is_none()));
    }

    #[test]
    fn malformed_cases() {
        let kind = |t: &str| parse(t).unwrap_err().kind;
        assert!(matches!(
            kind("<!-- /SECTION:A -->\n"),
            AnchorErrorKind::EndWithoutBegin { .. }
        ));
        assert!(matches!(
            kind("<!-- SECTION:A -->\n<!-- /SECTION:A -->\n<!-- SECTION:A -->\n<!-- /SECTION:A -->\n"),
            AnchorErrorKind::Duplicate { .. }
        ));
        assert!(matches!(
            kind("<!-- SECTION:A -->\n<!-- SECTION:B -->\n<!-- /SECTION:B -->\n<!-- /SECTION:A -->\n"),
            AnchorErrorKind::Nested { .. }
        ));
        assert!(matches!(
            kind("<!-- SECTION:A -->\n<!-- /SECTION:B -->\n"),
            AnchorErrorKind::Mismatched { .. }
        ));
        assert!(matches!(
            kind("# <!-- SECTION:A -->\n// <!-- /SECTION:A -->\n"),
            AnchorErrorKind::PrefixMismatch { .. }
        ));
        assert!(matches!(
            kind("<!-- SECTION:A -->\n<!-- SECTION:A -->\n<!-- /SECTION:A -->\n"),
            AnchorErrorKind::Duplicate { .. }
        ));
        let e = parse("ok\n\n  <!-- /SECTION:Z -->\n").unwrap_err();
        assert_eq!((e.line, e.col), (3, 3));
    }
}
