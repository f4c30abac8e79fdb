//! Python source as facts: the calls, imports, decorators, attribute accesses, names, keyword
//! arguments, string values and constructs of a file, each with its place, read with a real
//! parser (tree-sitter) the way Python reads it.
//!
//! Only code yields facts: a comment or a docstring is a leaf to the parser, so
//! "relationship" written there is never a call. Names are resolved through the file's imports
//! and through assignments (`from sqlalchemy.orm import relationship as rel; r = rel` makes
//! `r(...)` a call of `sqlalchemy.orm.relationship`), relative imports through the module's
//! place in its package, and identifiers are NFKC-normalised as Python does (`ｒelationship` is
//! `relationship`).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::{ControlFlow, Range};

use tree_sitter::{Language, Node, Parser, Point, Tree};

mod claims;
mod defs;
mod derived;
mod facts;
mod node;
mod resolve;
mod shapes;
mod stores;
mod strings;
mod stubs;
mod values;

pub(crate) use defs::{header_of, looping_definitions};
pub(crate) use facts::compared;
pub(crate) use node::NodeExt;
pub(crate) use resolve::{module_of, Module};
pub(crate) use stores::disallowed_stores;
pub(crate) use stubs::{non_stub_statements, unused_functions};

/// What a fact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FactKind {
    /// `f(...)`: the dotted name of the callee.
    Call,
    /// `import m`, `from m import x`: the full name imported (`m`, `m.x`).
    Import,
    /// `@d` or `@d(...)`: the decorator's dotted name.
    Decorator,
    /// `a.b`: the dotted name, the object resolved (`<str>` for a string literal, `<call>` for
    /// a call, `<expr>` for anything else).
    Attribute,
    /// An identifier.
    Name,
    /// `f(key=...)`: the keyword.
    Keyword,
    /// A construct of the language, by a fixed name: `await`, `async def`, `async with`,
    /// `async for`, `while True`, `while`, `computed getattr`, `getattr on a module`.
    Syntax,
    /// A string literal used as a value (a dict key, an argument, a subscript, ...), never a
    /// docstring: its text, without quotes.
    Str,
    /// `def f` or `class C`: the name defined.
    Def,
    /// A name the file defines (a function, a class, a parameter, an assignment's target), in
    /// snake case: `ApiKey` is `api_key`.
    Defined,
}

impl FactKind {
    /// A word for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            FactKind::Call => "call",
            FactKind::Import => "import",
            FactKind::Decorator => "decorator",
            FactKind::Attribute => "attribute",
            FactKind::Name => "name",
            FactKind::Keyword => "keyword argument",
            FactKind::Syntax => "construct",
            FactKind::Str => "string",
            FactKind::Def => "definition",
            FactKind::Defined => "name defined",
        }
    }
}

/// One fact of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fact {
    /// What it is.
    pub(crate) kind: FactKind,
    /// Its dotted name, resolved through the file's imports and assignments.
    pub(crate) name: String,
    /// The bytes of the node that shows it.
    pub(crate) span: Range<usize>,
    /// True when the name comes from another module (an import, or a name bound to one).
    pub(crate) external: bool,
}

/// The Python language of tree-sitter.
pub(crate) fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

/// A parsed Python file.
pub(crate) struct PySource<'a> {
    /// The text as parsed: the file's text with each lone `\r` made `\n`, byte for byte the
    /// same length (so spans hold for both).
    pub(crate) text: Cow<'a, str>,
    /// Its syntax tree (possibly with error nodes: a broken file still yields facts).
    pub(crate) tree: Tree,
    /// The module's dotted name (`app.models.user`), to resolve relative imports.
    module: Option<Module>,
    /// Why nothing in the tree is read ([`TOO_DEEP`], [`TOO_TANGLED`]), if so.
    unreadable: Option<&'static str>,
    /// The aliases and module names of the file, read once (see
    /// [`PySource::aliases_and_modules`]).
    bindings: OnceCell<(HashMap<String, String>, HashSet<String>)>,
}

/// How deep a syntax tree may nest for hivegen to read it. CPython itself refuses to compile
/// code nested some 3,000 levels deep ("maximum recursion depth exceeded during compilation"),
/// and no module written by hand comes near 1,000; the walks below recurse, and resolve the
/// dotted names of every link of a chain, so a deeper file (`a.b.b.b...` 200,000 times) would
/// overflow the stack, which aborts the process: a hook that aborts lets the edit through.
pub(crate) const MAX_DEPTH: usize = 1000;

/// Every construct a `syntax:` list may name: the names of [`FactKind::Syntax`] facts.
pub(crate) const CONSTRUCTS: &[&str] = &[
    "await",
    "async def",
    "async with",
    "async for",
    "while",
    "while True",
    shapes::ENDLESS_FOR,
    "ASGI application",
    shapes::EXCEPTION_HANDLER,
    shapes::ROUTER_WIDE,
    shapes::ROUTER_CLASS,
    "computed getattr",
    "getattr on a module",
    "assignment to another module",
    "module passed to a function",
    derived::CONSTRUCT,
    claims::CONSTRUCT,
    TOO_DEEP,
    TOO_TANGLED,
];

/// The construct a file nested deeper than [`MAX_DEPTH`] shows, over the whole file.
pub(crate) const TOO_DEEP: &str = "nesting deeper than 1000 levels";

/// The construct of a file whose strings end in comment lines one after another more than
/// [`REPARSES`] times (see [`parse_prepared`]), over the whole file.
pub(crate) const TOO_TANGLED: &str = "strings closed in comment lines more than 16 times in a row";

impl<'a> PySource<'a> {
    /// Parses `text` as a module whose place in its package is unknown.
    pub(crate) fn parse(text: &'a str) -> Self {
        Self::parse_module(text, None)
    }

    /// Parses `text`, the source of `module` (from [`module_of`]), if known.
    pub(crate) fn parse_module(text: &'a str, module: Option<Module>) -> Self {
        let mut parser = Parser::new();
        parser
            .set_language(&language())
            .expect("the bundled tree-sitter-python matches the tree-sitter version");
        let (text, tree, tangled) = parse_prepared(&mut parser, text);
        let unreadable = if tangled {
            Some(TOO_TANGLED)
        } else {
            deeper_than(&tree, MAX_DEPTH).then_some(TOO_DEEP)
        };
        Self {
            text,
            tree,
            module,
            unreadable,
            bindings: OnceCell::new(),
        }
    }

    /// Every fact of the file, in source order. A file too deep or too tangled to read has
    /// one: the construct [`TOO_DEEP`] or [`TOO_TANGLED`], spanning the whole file, since
    /// nothing in it can be judged.
    pub(crate) fn facts(&self) -> Vec<Fact> {
        if let Some(why) = self.unreadable {
            return vec![Fact {
                kind: FactKind::Syntax,
                name: why.to_string(),
                span: 0..self.text.len(),
                external: false,
            }];
        }
        facts::collect(self)
    }

    /// True when nothing in the file is read (see [`PySource::facts`]).
    pub(crate) fn unreadable(&self) -> bool {
        self.unreadable.is_some()
    }
}

/// Visits every node of `root`'s subtree in preorder (source order) with one cursor, no
/// recursion, until `visit` breaks.
pub(super) fn preorder<'t>(
    root: Node<'t>,
    mut visit: impl FnMut(Node<'t>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut cursor = root.walk();
    loop {
        visit(cursor.node())?;
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == root {
                return ControlFlow::Continue(());
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return ControlFlow::Continue(());
            }
        }
    }
}

/// True when some node of `tree` lies more than `limit` levels below the root.
fn deeper_than(tree: &Tree, limit: usize) -> bool {
    preorder_depth(tree, |_, depth| {
        if depth > limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// Visits every node of `tree` in preorder with its depth (the root's is 0), with one cursor
/// and no recursion, until `visit` breaks.
pub(super) fn preorder_depth<'t>(
    tree: &'t Tree,
    mut visit: impl FnMut(Node<'t>, usize) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        visit(cursor.node(), depth)?;
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return ControlFlow::Continue(());
            }
            depth -= 1;
        }
    }
}

/// How many times a file is parsed again with comment lines given back (see
/// [`parse_prepared`]) before it is judged too tangled to read.
const REPARSES: usize = 16;

/// A line holding only a comment, which the parser is told to skip: the bytes from its `#` to
/// its end, and where they start and end as tree-sitter counts rows and columns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CommentLine {
    bytes: Range<usize>,
    start: Point,
    end: Point,
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
fn parse_prepared<'a>(parser: &mut Parser, text: &'a str) -> (Cow<'a, str>, Tree, bool) {
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
fn prepare(text: &str) -> (Cow<'_, str>, Vec<CommentLine>) {
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

#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod stores_tests;
#[cfg(test)]
mod tests;
