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

use tree_sitter::{Language, Node, Parser, Tree};

mod annotations;
mod apis;
mod claims;
mod comment_lines;
mod compared;
mod defs;
mod derived;
mod facts;
mod insertion;
mod node;
mod old_code;
mod resolve;
mod salts;
mod sessions;
mod shapes;
mod stores;
mod strings;
mod stubs;
mod validators;
mod values;

use comment_lines::parse_prepared;
pub(crate) use compared::compared;
pub(crate) use defs::{header_of, looping_definitions};
pub(crate) use insertion::{blocks_leave_old, only_inserted};
pub(crate) use node::NodeExt;
pub(crate) use resolve::{module_of, Module};
pub(crate) use salts::salted;
pub(crate) use stores::disallowed_stores;
pub(crate) use stubs::non_stub_statements;
pub(crate) use validators::{fields_set, unused_functions};

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
    /// The text as parsed: the file's text with each lone `\r` made `\n` and each string
    /// annotation Python evaluates opened as code (see [`annotations`]), byte for byte the
    /// same length (so spans hold for both).
    pub(crate) text: Cow<'a, str>,
    /// Its syntax tree (possibly with error nodes: a broken file still yields facts).
    pub(crate) tree: Tree,
    /// The module's dotted name (`app.models.user`), to resolve relative imports.
    module: Option<Module>,
    /// Why nothing in the tree is read ([`TOO_DEEP`], [`TOO_TANGLED`]), if so.
    unreadable: Option<&'static str>,
    /// The string annotations that could not be opened as code ([`annotations::CONSTRUCT`]).
    unread_annotations: Vec<Range<usize>>,
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
    shapes::DYNAMIC_VALUE,
    apis::DATABASE_LISTENER,
    apis::IMPORT_TIME_QUERY,
    apis::STREAMING_ROUTE,
    apis::KEYED_DIGEST,
    apis::AFTER_RESPONSE,
    derived::CONSTRUCT,
    claims::CONSTRUCT,
    claims::RECLAIM,
    sessions::CONSTRUCT,
    sessions::STATE_CHANGED,
    annotations::CONSTRUCT,
    TOO_DEEP,
    TOO_TANGLED,
];

/// The construct a file nested deeper than [`MAX_DEPTH`] shows, over the whole file.
pub(crate) const TOO_DEEP: &str = "nesting deeper than 1000 levels";

/// The construct of a file whose strings end in comment lines one after another more than
/// 16 times (see [`comment_lines::parse_prepared`]), over the whole file.
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
        let (text, tree, unreadable, unread_annotations) = if tangled {
            (text, tree, Some(TOO_TANGLED), Vec::new())
        } else {
            annotations::open(&mut parser, text, tree)
        };
        Self {
            text,
            tree,
            module,
            unreadable,
            unread_annotations,
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
        let mut facts = facts::collect(self);
        if self.unread_annotations.is_empty() {
            return facts;
        }
        facts.extend(self.unread_annotations.iter().map(|span| Fact {
            kind: FactKind::Syntax,
            name: annotations::CONSTRUCT.to_string(),
            span: span.clone(),
            external: false,
        }));
        facts.sort_by_key(|f| f.span.start);
        facts
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

/// True when some node of `root`'s subtree (itself included) is one `found` picks; the walk
/// stops at the first.
pub(super) fn any_node<'t>(root: Node<'t>, mut found: impl FnMut(Node<'t>) -> bool) -> bool {
    preorder(root, |n| {
        if found(n) {
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

#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod stores_tests;
#[cfg(test)]
mod tests;
