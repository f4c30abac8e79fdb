//! The definitions of a module's top level that do work of their own: a public function,
//! class or lambda that loops, where the module's section lists the functions it may hold
//! (phase_d.md §2.6, §2.7).

use std::ops::Range;

use tree_sitter::Node;

use super::resolve::identifier;
use super::PySource;

/// Node kinds that iterate.
const LOOPS: [&str; 6] = [
    "for_statement",
    "while_statement",
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
];

/// The public top-level definitions of `src` that are not in `listed` and loop somewhere in
/// their body: (name, span of the name). Nothing in a file nested too deep to read (its one
/// fact is reported instead).
pub(crate) fn looping_definitions(
    src: &PySource<'_>,
    listed: &[String],
) -> Vec<(String, Range<usize>)> {
    if src.too_deep() {
        return Vec::new();
    }
    let root = src.tree.root_node();
    let mut cursor = root.walk();
    let mut out = Vec::new();
    for stmt in root.named_children(&mut cursor) {
        let Some((name, body)) = definition(stmt) else {
            continue;
        };
        let text = identifier(src.text_of(name));
        if text.starts_with('_') || listed.contains(&text) || !loops(body) {
            continue;
        }
        out.push((text, name.byte_range()));
    }
    out
}

/// The name and the whole node of a top-level definition: `def`, `class` (decorated or
/// not), or `name = lambda ...`.
fn definition(stmt: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    match stmt.kind() {
        "function_definition" | "class_definition" => {
            Some((stmt.child_by_field_name("name")?, stmt))
        }
        "decorated_definition" => definition(stmt.child_by_field_name("definition")?),
        "expression_statement" => {
            let assignment = stmt.named_child(0).filter(|a| a.kind() == "assignment")?;
            let left = assignment.child_by_field_name("left")?;
            let right = assignment.child_by_field_name("right")?;
            (left.kind() == "identifier" && right.kind() == "lambda").then_some((left, right))
        }
        _ => None,
    }
}

/// True when `node` holds a loop anywhere (one cursor, no recursion).
fn loops(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    loop {
        if LOOPS.contains(&cursor.node().kind()) {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == node {
                return false;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}
