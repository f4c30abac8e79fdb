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
use std::ops::{ControlFlow, Range};

use tree_sitter::{Language, Node, Parser, Tree};

mod defs;
mod facts;
mod resolve;
mod strings;
mod stubs;

pub(crate) use defs::{header_of, looping_definitions};
pub(crate) use facts::compared;
pub(crate) use resolve::{module_of, Module};
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
    /// The text as parsed: the file's text with each lone `\r` made `\n` and each
    /// comment-only line blanked, byte for byte the same length (so spans hold for both).
    pub(crate) text: Cow<'a, str>,
    /// Its syntax tree (possibly with error nodes: a broken file still yields facts).
    pub(crate) tree: Tree,
    /// The module's dotted name (`app.models.user`), to resolve relative imports.
    module: Option<Module>,
    /// True when the tree nests deeper than [`MAX_DEPTH`]: nothing in it is read.
    too_deep: bool,
}

/// How deep a syntax tree may nest for hivegen to read it. CPython itself refuses to compile
/// code nested some 3,000 levels deep ("maximum recursion depth exceeded during compilation"),
/// and no module written by hand comes near 1,000; the walks below recurse, and resolve the
/// dotted names of every link of a chain, so a deeper file (`a.b.b.b...` 200,000 times) would
/// overflow the stack, which aborts the process: a hook that aborts lets the edit through.
pub(crate) const MAX_DEPTH: usize = 1000;

/// The construct a file nested deeper than [`MAX_DEPTH`] shows, over the whole file.
pub(crate) const TOO_DEEP: &str = "nesting deeper than 1000 levels";

impl<'a> PySource<'a> {
    /// Parses `text` as a module whose place in its package is unknown.
    pub(crate) fn parse(text: &'a str) -> Self {
        Self::parse_module(text, None)
    }

    /// Parses `text`, the source of `module` (from [`module_of`]), if known.
    pub(crate) fn parse_module(text: &'a str, module: Option<Module>) -> Self {
        let text = prepare(text);
        let mut parser = Parser::new();
        parser
            .set_language(&language())
            .expect("the bundled tree-sitter-python matches the tree-sitter version");
        let tree = parser
            .parse(text.as_ref(), None)
            .expect("parsing without a timeout always yields a tree");
        let too_deep = deeper_than(&tree, MAX_DEPTH);
        Self {
            text,
            tree,
            module,
            too_deep,
        }
    }

    /// Every fact of the file, in source order. A file nested too deep to read has one: the
    /// construct [`TOO_DEEP`], spanning the whole file, since nothing in it can be judged.
    pub(crate) fn facts(&self) -> Vec<Fact> {
        if self.too_deep {
            return vec![Fact {
                kind: FactKind::Syntax,
                name: TOO_DEEP.to_string(),
                span: 0..self.text.len(),
                external: false,
            }];
        }
        facts::collect(self)
    }

    /// True when the file nests deeper than [`MAX_DEPTH`] (see [`PySource::facts`]).
    pub(crate) fn too_deep(&self) -> bool {
        self.too_deep
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

/// True when some node of `tree` lies more than `limit` levels below the root (one cursor,
/// no recursion).
fn deeper_than(tree: &Tree, limit: usize) -> bool {
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        if depth > limit {
            return true;
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// The text tree-sitter reads: a lone `\r` ends a line for Python, so it becomes `\n`; a line
/// holding only a comment becomes blank (tree-sitter-python's scanner rescans runs of comment
/// lines, which made parsing quadratic in their number). Both keep every byte offset.
fn prepare(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
    let comment_line =
        crate::text::lines(text).any(|l| is_comment_line(&text[l.start..l.content_end]));
    if !lone_cr && !comment_line {
        return Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(i + 1) != Some(&b'\n') {
            out[i] = b'\n';
        }
    }
    for l in crate::text::lines(text) {
        let line = &text[l.start..l.content_end];
        if is_comment_line(line) {
            let hash = l.start + line.find('#').expect("a comment line holds #");
            out[hash..l.content_end].fill(b' ');
        }
    }
    Cow::Owned(String::from_utf8(out).expect("ASCII replacements keep UTF-8 valid"))
}

fn is_comment_line(line: &str) -> bool {
    line.trim_start_matches([' ', '\t', '\u{c}'])
        .starts_with('#')
}

#[cfg(test)]
mod tests;
