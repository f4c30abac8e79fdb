//! Who signed in, kept by hand (phase_d.md §3: "Insert authentication internals (tokens
//! appear in Phase K)"): a function that puts an account's id into the module's own state
//! (`_RECENT.append(user.id)`, `_CODES[code] = user.id`, `LIMITER._hits[receipt] = user.id`)
//! remembers who signed in between requests, which is a session whatever the state is
//! called. Counting failed sign-ins per e-mail (`throttle.failed(email)`) keeps no account.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::ops::{ControlFlow, Range};

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::{preorder, PySource};

/// The construct's name, for `syntax:` lists.
pub(super) const CONSTRUCT: &str = "an account kept in module state";

/// The construct of any store into the module's state from a function: what one request
/// leaves for the next (a schema's validator counting projects per owner, held-out corpus
/// blind29).
pub(super) const STATE_CHANGED: &str = "module state changed by a function";

/// Methods that put a value into a container.
const STORING: [&str; 12] = [
    "hit",
    "incr",
    "push",
    "append",
    "add",
    "insert",
    "update",
    "setdefault",
    "extend",
    "__setitem__",
    "put",
    "set",
];

/// The names the module binds at its top level by assignment (`_RECENT: list[int] = []`),
/// and its classes: what a class holds (`known: ClassVar[dict[str, int]] = {}`, reached as
/// `Throttle.known[client]`) lives as long as the module (held-out corpus blind29).
fn module_state(src: &PySource<'_>) -> HashSet<String> {
    let root = src.tree.root_node();
    let mut cursor = root.walk();
    let names: HashSet<String> = root
        .named_children(&mut cursor)
        .filter_map(|s| match s.kind_name() {
            "expression_statement" => s
                .named_child(0)
                .filter(|a| a.kind_name() == "assignment")
                .and_then(|a| a.field("left"))
                .filter(|l| l.kind_name() == "identifier"),
            "class_definition" => s.field("name"),
            _ => None,
        })
        .map(|l| identifier(src.text_of(l)))
        .collect();
    names
}

/// The span of `node` when, inside a function, it stores into one of `state`'s objects, and
/// whether what it stores is an account's id (`<x>.id`).
/// `state` holds [`module_state`] once a store asks for it: most files have none.
pub(super) fn kept(
    src: &PySource<'_>,
    node: Node<'_>,
    state: &OnceCell<HashSet<String>>,
) -> Option<(Range<usize>, bool)> {
    let in_state = |target: Node<'_>| {
        root_name(src, target).is_some_and(|n| state.get_or_init(|| module_state(src)).contains(&n))
    };
    let (stores, id) = match node.kind_name() {
        "call" => {
            let function = node
                .field("function")
                .filter(|f| f.kind_name() == "attribute")?;
            let method = function.field("attribute").map(|a| src.text_of(a))?;
            let stores =
                STORING.contains(&method) && function.field("object").is_some_and(in_state);
            (
                stores,
                stores && node.field("arguments").is_some_and(|a| names_an_id(src, a)),
            )
        }
        "assignment" | "augmented_assignment" => {
            let left = node
                .field("left")
                .filter(|l| l.kind_name() == "subscript")?;
            let stores = left.field("value").is_some_and(in_state);
            let id = stores
                && (names_an_id(src, left)
                    || node.field("right").is_some_and(|r| names_an_id(src, r)));
            (stores, id)
        }
        _ => (false, false),
    };
    (stores && inside_function(node)).then(|| (node.byte_range(), id))
}

/// The identifier an attribute or subscript chain starts from: `LIMITER` for
/// `LIMITER._hits[k]`.
fn root_name(src: &PySource<'_>, mut node: Node<'_>) -> Option<String> {
    loop {
        match node.kind_name() {
            "identifier" => return Some(identifier(src.text_of(node))),
            "attribute" => node = node.field("object")?,
            "subscript" => node = node.field("value")?,
            _ => return None,
        }
    }
}

/// True when `node` reads an account's id: an `id` attribute (`user.id`), a name for one
/// (`user_id`, `account_id`, `uid`), or the account itself (`user`, `account`; not
/// `user.email`, a key of failures counted per address).
fn names_an_id(src: &PySource<'_>, node: Node<'_>) -> bool {
    preorder(node, |n| {
        let id = match n.kind_name() {
            "attribute" => n
                .field("attribute")
                .is_some_and(|a| identifier(src.text_of(a)) == "id"),
            "identifier" => match identifier(src.text_of(n)).as_str() {
                "user_id" | "account_id" | "uid" => true,
                "user" | "account" => !n
                    .parent()
                    .is_some_and(|p| p.kind_name() == "attribute" && p.field("object") == Some(n)),
                _ => false,
            },
            _ => false,
        };
        if id {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// True when a function holds `node`.
fn inside_function(node: Node<'_>) -> bool {
    let mut at = node.parent();
    while let Some(n) = at {
        if n.kind_name() == "function_definition" {
            return true;
        }
        at = n.parent();
    }
    false
}
