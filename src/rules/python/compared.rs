//! Values that are only compared: read, never set (a job's state in a filter, a constant of
//! states read by `.in_(…)`).

use std::ops::ControlFlow;

use tree_sitter::Node;

use super::node::NodeExt;
use super::{preorder, PySource};

/// True when the node at `span` is only compared: an operand of `==`, `!=`, `in`, `is` (alone
/// or in a tuple, list or set there), of SQLAlchemy's `.in_(…)`, `.not_in(…)`, `.is_(…)`,
/// `.is_not(…)`, or a `case` pattern. A value compared is read, not set. So is the key of a
/// dict literal (`{"done": job.status in FINAL}`): it names an entry, it holds no value. So is
/// a member of a constant that is only compared (`ACTIVE = (QUEUED, RUNNING)` read only by
/// `.in_(ACTIVE)`, held-out corpus blind32).
pub(crate) fn compared(src: &PySource<'_>, span: std::ops::Range<usize>) -> bool {
    let root = src.tree.root_node();
    let Some(node) = root.descendant_for_byte_range(span.start, span.end) else {
        return false;
    };
    match compared_at(src, node) {
        Compared::Yes => true,
        Compared::No => false,
        Compared::Constant(name) => {
            let mut only_compared = true;
            let _ = preorder(root, |n| {
                if n.kind_name() == "identifier"
                    && n != name
                    && src.text_of(n) == src.text_of(name)
                    && !matches!(compared_at(src, n), Compared::Yes)
                {
                    only_compared = false;
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            });
            only_compared
        }
    }
}

/// Whether a node is compared where it stands, or a member of the constant a name binds.
enum Compared<'t> {
    Yes,
    No,
    /// The value bound to this name (`ACTIVE = (…)`): compared if every use of it is.
    Constant(Node<'t>),
}

fn compared_at<'t>(src: &PySource<'_>, mut node: Node<'t>) -> Compared<'t> {
    let yes = |b: bool| if b { Compared::Yes } else { Compared::No };
    if node
        .parent()
        .filter(|p| p.kind_name() == "pair")
        .and_then(|p| p.field("key"))
        == Some(node)
    {
        return Compared::Yes;
    }
    while let Some(parent) = node.parent() {
        match parent.kind_name() {
            "comparison_operator" | "case_clause" => return Compared::Yes,
            "argument_list" => {
                let Some(function) = parent.parent().and_then(|call| call.field("function")) else {
                    return Compared::No;
                };
                // `frozenset({QUEUED, RUNNING})`: a collection still, compared where it is.
                if function.kind_name() == "identifier"
                    && matches!(
                        src.text_of(function),
                        "frozenset" | "set" | "tuple" | "list"
                    )
                {
                    node = parent.parent().unwrap_or(parent);
                    continue;
                }
                return yes(function.field("attribute").is_some_and(|a| {
                    matches!(
                        src.text_of(a),
                        "in_" | "not_in" | "notin_" | "is_" | "is_not" | "isnot"
                    )
                }));
            }
            "tuple"
            | "list"
            | "set"
            | "parenthesized_expression"
            | "case_pattern"
            | "union_pattern"
            | "list_pattern"
            | "tuple_pattern" => node = parent,
            "assignment" if parent.field("right") == Some(node) => {
                return match parent.field("left") {
                    Some(left) if left.kind_name() == "identifier" => Compared::Constant(left),
                    _ => Compared::No,
                };
            }
            _ => return Compared::No,
        }
    }
    Compared::No
}
