//! Logic inserted into a frozen fill (phase_d.md §5: "Later phases may only insert additional
//! logic into anchors or new blocks"; "Later phases may not rewrite Phase D code"). A fill of
//! a completed phase may gain statements of its own; every statement it held stays as it was,
//! in the same order, and nothing new touches what the old code names.
//!
//! So the old fill's statements (read as tokens: comments and blank lines aside, indentation
//! kept) must all be found, in order and unchanged, among the new fill's. A line added inside
//! an old function, a decorator put on one, or an old statement edited is a rewrite. Each new
//! statement is a rewrite too when it binds a name the old file's code uses (a second `def
//! enqueue_ai_job`, `len = ...` shadowing a builtin the old code calls, `from x import
//! Session`) or changes what such a name holds (`AIJob.status = ...`, `PENDING[0] = ...`,
//! `del router`, `setattr(AIJob, ...)`): the old code would then do something else.

use std::collections::HashSet;
use std::ops::{ControlFlow, Range};

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::{preorder, PySource};

/// Why a changed fill is more than an insertion: the byte in the new text where it shows.
pub(crate) type Rewrite = usize;

/// `Ok` when the fill at `new_body` of `new` only adds statements to the fill at `old_body`
/// of `old`; otherwise the byte of `new` where the first rewrite shows.
pub(crate) fn only_inserted(
    old: &str,
    old_body: Range<usize>,
    new: &str,
    new_body: Range<usize>,
) -> Result<(), Rewrite> {
    let old_src = PySource::parse(old);
    let new_src = PySource::parse(new);
    let broken = |src: &PySource<'_>, body: &Range<usize>| {
        src.unreadable.is_some() || statements(src, body).iter().any(|s| s.has_error())
    };
    if broken(&old_src, &old_body) || broken(&new_src, &new_body) {
        return Err(new_body.start);
    }
    let before: Vec<Node<'_>> = statements(&old_src, &old_body);
    let after: Vec<(Node<'_>, Tokens)> = statements(&new_src, &new_body)
        .into_iter()
        .map(|s| (s, tokens(&new_src, s)))
        .collect();
    let used = names_in(&old_src);
    let mut kept = before.iter().map(|s| tokens(&old_src, *s).keys).peekable();
    let mut touched = None;
    for (statement, toks) in &after {
        if kept.peek() == Some(&toks.keys) {
            kept.next();
            continue;
        }
        if touched.is_none() {
            touched = touches(&new_src, *statement, &used);
        }
    }
    match (kept.peek(), touched) {
        // An old statement missing, or changed: the rewrite shows where the new statement
        // most like it first differs from it.
        (Some(lost), _) => Err(first_difference(lost, &after).unwrap_or(new_body.start)),
        (None, Some(at)) => Err(at),
        (None, None) => Ok(()),
    }
}

/// The byte where the statement of `after` that starts most like `lost` leaves it, if any
/// starts like it at all.
fn first_difference(lost: &[Key], after: &[(Node<'_>, Tokens)]) -> Option<usize> {
    let common = |keys: &[Key]| lost.iter().zip(keys).take_while(|(a, b)| a == b).count();
    let (statement, toks) = after
        .iter()
        .rev()
        .max_by_key(|(_, t)| common(&t.keys))
        .filter(|(_, t)| common(&t.keys) > 0)?;
    let at = common(&toks.keys);
    Some(toks.starts.get(at).copied().unwrap_or(statement.end_byte()))
}

/// The statements of the module that start inside `body` (an anchor's body is at module
/// level), comments aside.
fn statements<'t>(src: &'t PySource<'_>, body: &Range<usize>) -> Vec<Node<'t>> {
    let root = src.tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|n| body.contains(&n.start_byte()) && n.kind_name() != "comment")
        .collect()
}

/// A token as compared: its kind, text and depth.
type Key = (u16, String, usize);

/// A statement's tokens, and the byte where each starts.
struct Tokens {
    keys: Vec<Key>,
    starts: Vec<usize>,
}

/// A statement as its tokens: each leaf's kind, text and depth, comments left out (so a
/// comment or a blank line added inside a function changes nothing, and an indentation does).
fn tokens(src: &PySource<'_>, statement: Node<'_>) -> Tokens {
    let mut out = Tokens {
        keys: Vec::new(),
        starts: Vec::new(),
    };
    walk(statement, |node, depth| {
        if node.kind_name() == "comment" {
            return Step::Skip;
        }
        if node.child_count() == 0 {
            out.keys
                .push((node.kind_id(), src.text_of(node).to_string(), depth));
            out.starts.push(node.start_byte());
        }
        Step::Descend
    });
    out
}

/// What [`walk`] does after a node.
enum Step {
    Descend,
    Skip,
    Stop,
}

/// Visits `root`'s subtree in preorder with each node's depth below `root`, descending where
/// `visit` says so.
fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, usize) -> Step) {
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

/// Every identifier the code of `src` names, as Python reads it.
fn names_in(src: &PySource<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    let _ = preorder(src.tree.root_node(), |node| {
        if node.kind_name() == "identifier" {
            out.insert(identifier(src.text_of(node)));
        }
        ControlFlow::Continue(())
    });
    out
}

/// Where a new statement binds one of `used`, or changes what it holds; `None` when it does
/// neither. Nested functions, classes and lambdas are their own scopes: only their names
/// count.
fn touches(src: &PySource<'_>, statement: Node<'_>, used: &HashSet<String>) -> Option<usize> {
    let old =
        |n: Node<'_>| n.kind_name() == "identifier" && used.contains(&identifier(src.text_of(n)));
    let parent_kind = |n: Node<'_>| n.parent().map_or("", |p| p.kind_name());
    // `global LIMIT` in a new function: it exists to rebind the old name.
    let mut found = None;
    let _ = preorder(statement, |node| {
        if node.kind_name() == "global_statement" {
            let mut cursor = node.walk();
            let names: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            if let Some(name) = names.into_iter().find(|n| old(*n)) {
                found = Some(name.start_byte());
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if found.is_some() {
        return found;
    }
    walk(statement, |node, _| {
        let hit = match node.kind_name() {
            "function_definition" | "class_definition" => node.field("name").filter(|n| old(*n)),
            // `__all__ += [...]` only adds to what the module exports.
            "augmented_assignment" if exports_more(src, node) => None,
            "assignment" | "augmented_assignment" | "for_statement" => {
                node.field("left").and_then(|l| target_root(l, &old))
            }
            "named_expression" => node.field("name").filter(|n| old(*n)),
            "as_pattern_target" | "delete_statement" => target_root(node, &old),
            "aliased_import" => node.field("alias").filter(|n| old(*n)),
            "dotted_name" if parent_kind(node) == "import_statement" => {
                node.named_child(0).filter(|n| old(*n))
            }
            "dotted_name"
                if parent_kind(node) == "import_from_statement"
                    && node.parent().and_then(|p| p.field("module_name")) != Some(node) =>
            {
                node.named_child(0).filter(|n| old(*n))
            }
            "call" => {
                let callee = node.field("function").map(|f| src.text_of(f));
                let first = node
                    .field("arguments")
                    .and_then(|a| a.named_child(0))
                    .and_then(|a| target_root(a, &old));
                first.filter(|_| matches!(callee, Some("setattr" | "delattr")))
            }
            _ => None,
        };
        if let Some(at) = hit {
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

#[cfg(test)]
#[path = "insertion_tests.rs"]
mod tests;
