//! Parsing around comment lines: tree-sitter-python's scanner rescans each run of comment
//! lines, which made parsing quadratic in their number, so they are left out of the parser's
//! included ranges and given back only where Python would end a string in them (see
//! [`parse_prepared`]).

use std::borrow::Cow;
use std::ops::{ControlFlow, Range};

use tree_sitter::{Node, Parser, Point, Tree};

use super::node::NodeExt;
use super::preorder;

/// How many times a file is parsed again with comment lines given back (see
/// [`parse_prepared`]) before it is judged too tangled to read.
const REPARSES: usize = 16;

/// A line holding only a comment, which the parser is told to skip: the bytes from its `#` to
/// its end, and where they start and end as tree-sitter counts rows and columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CommentLine {
    pub(super) bytes: Range<usize>,
    pub(super) start: Point,
    pub(super) end: Point,
}

/// The text tree-sitter reads (see [`prepare`]) and its tree, parsed without the comment
/// lines: tree-sitter-python's scanner rescans each run of comment lines, which made parsing
/// quadratic in their number, so they are left out of the parser's included ranges (every
/// byte offset holds). A line that starts with `#` may lie in a string as Python reads it
/// (`x = """`, then `#"""` closing it, then `import jwt`): leaving it out would hide the code
/// after it. So the skipped lines where a string of the tree would end (see [`in_strings`])
/// are given back and the file parsed again, until there is none. Lines without quotes stay
/// out: they cannot end a string, so whatever they lie in, leaving them out changes no code,
/// and a long run of them costs what blank lines cost.
///
/// Each round gives back a line for every string at once, so only strings that each open on
/// the comment line closing the one before (`#""" + '''`) take a round apiece. After
/// [`REPARSES`] rounds with lines still to give back, the file is tangled (the third value is
/// true) and is not read: giving back every quoted comment line at once instead, as this did
/// before, made 20,000 of them after such a chain a parse of 64 s, and a hook that times out
/// lets the edit through.
pub(super) fn parse_prepared<'a>(parser: &mut Parser, text: &'a str) -> (Cow<'a, str>, Tree, bool) {
    let (text, mut skipped) = prepare(text);
    let mut tree = parse_skipping(parser, &text, &skipped);
    for _ in 0..REPARSES {
        let given_back = in_strings(&text, &tree, &skipped);
        if given_back.is_empty() {
            return (text, tree, false);
        }
        // `given_back` is a subsequence of `skipped`: one pass takes it out.
        let mut given_back = given_back.iter().peekable();
        skipped.retain(|c| given_back.next_if_eq(&c).is_none());
        tree = parse_skipping(parser, &text, &skipped);
    }
    let tangled = !in_strings(&text, &tree, &skipped).is_empty();
    (text, tree, tangled)
}

/// `text` parsed as if the `skipped` lines were not there.
fn parse_skipping(parser: &mut Parser, text: &str, skipped: &[CommentLine]) -> Tree {
    let mut included = Vec::with_capacity(skipped.len() + 1);
    let (mut from, mut from_point) = (0, Point::new(0, 0));
    for c in skipped {
        if c.bytes.start > from {
            included.push(tree_sitter::Range {
                start_byte: from,
                end_byte: c.bytes.start,
                start_point: from_point,
                end_point: c.start,
            });
        }
        (from, from_point) = (c.bytes.end, c.end);
    }
    included.push(tree_sitter::Range {
        start_byte: from,
        end_byte: usize::MAX,
        start_point: from_point,
        end_point: Point::new(usize::MAX, usize::MAX),
    });
    parser
        .set_included_ranges(&included)
        .expect("the ranges between comment lines are in order and apart");
    parser
        .parse(text, None)
        .expect("parsing without a timeout always yields a tree")
}

/// Of the `skipped` lines (in order), those the parser must read: for each string of `tree`
/// (and each string that never ends, which the parser leaves open to the end of the file), the
/// first skipped line inside it that holds its closing quotes, where Python ends it. For an
/// error node, whose strings are unknown, the first skipped line inside it with any quote. A
/// line without those quotes cannot end a string, so leaving it out changes no code.
fn in_strings(text: &str, tree: &Tree, skipped: &[CommentLine]) -> Vec<CommentLine> {
    let Some(last) = skipped.last() else {
        return Vec::new();
    };
    // Every line given back holds a quote: without one, no walk of the tree is needed.
    if !skipped
        .iter()
        .any(|c| text[c.bytes.clone()].contains(['"', '\'']))
    {
        return Vec::new();
    }
    let root = tree.root_node();
    let end = root.end_byte().max(last.bytes.end);
    // Each string's range and closing quotes (`None`: any quote), in preorder.
    let mut holders: Vec<(Range<usize>, Option<&str>)> = Vec::new();
    let mut open: Vec<(usize, &str)> = Vec::new();
    let _ = preorder(root, |node| {
        match node.kind_name() {
            "string" => holders.push((node.byte_range(), Some(closing_quotes(text, node)))),
            "string_start" => open.push((node.start_byte(), closing_quotes(text, node))),
            "string_end" => drop(open.pop()),
            _ if node.is_error() => holders.push((node.byte_range(), None)),
            _ => {}
        }
        ControlFlow::Continue(())
    });
    holders.extend(
        open.into_iter()
            .map(|(start, quotes)| (start..end, Some(quotes))),
    );
    let mut out: Vec<CommentLine> = holders
        .iter()
        .filter_map(|(range, quotes)| {
            let from = skipped.partition_point(|c| c.bytes.start < range.start);
            skipped[from..]
                .iter()
                .take_while(|c| c.bytes.start < range.end)
                .find(|c| {
                    let line = &text[c.bytes.clone()];
                    match quotes {
                        Some(q) => line.contains(q),
                        None => line.contains(['"', '\'']),
                    }
                })
                .cloned()
        })
        .collect();
    out.sort_by_key(|c| c.bytes.start);
    out.dedup();
    out
}

/// The quotes that end the string `node` starts (`"""` for `rb"""…`, `'` for `f'…`).
fn closing_quotes<'t>(text: &'t str, node: Node<'_>) -> &'t str {
    let at = &text[node.start_byte()..];
    let body = at.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let quote = if body.starts_with('\'') { "'" } else { "\"" };
    if body.starts_with(&quote.repeat(3)) {
        &body[..3]
    } else {
        &body[..1.min(body.len())]
    }
}

/// The text tree-sitter reads, and its comment-only lines: a lone `\r` ends a line for Python,
/// so it becomes `\n` (keeping every byte offset).
pub(super) fn prepare(text: &str) -> (Cow<'_, str>, Vec<CommentLine>) {
    let bytes = text.as_bytes();
    let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
    let comments = crate::text::lines(text)
        .enumerate()
        .filter_map(|(row, l)| {
            let line = &text[l.start..l.content_end];
            let hash = line
                .trim_start_matches([' ', '\t', '\u{c}'])
                .starts_with('#')
                .then(|| line.find('#').expect("a comment line holds #"))?;
            Some(CommentLine {
                bytes: l.start + hash..l.content_end,
                start: Point::new(row, hash),
                end: Point::new(row, line.len()),
            })
        })
        .collect();
    if !lone_cr {
        return (Cow::Borrowed(text), comments);
    }
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(i + 1) != Some(&b'\n') {
            out[i] = b'\n';
        }
    }
    let out = String::from_utf8(out).expect("ASCII replacements keep UTF-8 valid");
    (Cow::Owned(out), comments)
}
