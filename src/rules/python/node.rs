//! Node kinds and fields by number. tree-sitter's `Node::kind()` measures and UTF-8-checks
//! the kind's C string on every call, and `child_by_field_name()` finds a field by comparing
//! its name with each of the grammar's in turn: together a tenth of `verify`'s instructions on
//! a Phase D tree. The grammar's names are read into tables once instead.

use std::collections::HashMap;
use std::sync::OnceLock;

use tree_sitter::Node;

struct Tables {
    /// Each kind's name, by kind id.
    kinds: Vec<&'static str>,
    /// Each field's id, by name.
    fields: HashMap<&'static str, u16>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let language = super::language();
        let ids = |n: usize| (0..n).filter_map(|id| u16::try_from(id).ok());
        Tables {
            kinds: ids(language.node_kind_count())
                .map(|id| language.node_kind_for_id(id).unwrap_or_default())
                .collect(),
            fields: ids(language.field_count() + 1)
                .filter_map(|id| language.field_name_for_id(id).map(|name| (name, id)))
                .collect(),
        }
    })
}

/// What the rules ask of a node, answered from the tables.
pub(crate) trait NodeExt<'t> {
    /// The node's kind, as [`Node::kind`] names it.
    fn kind_name(&self) -> &'static str;
    /// The child in the field `name`, as [`Node::child_by_field_name`] finds it.
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn kind_name(&self) -> &'static str {
        match tables().kinds.get(usize::from(self.kind_id())) {
            Some(kind) if !kind.is_empty() => kind,
            // `ERROR` and other built-in kinds lie outside the grammar's table.
            _ => self.kind(),
        }
    }

    fn field(&self, name: &str) -> Option<Node<'t>> {
        tables()
            .fields
            .get(name)
            .and_then(|&id| self.child_by_field_id(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_fields_answer_as_tree_sitter_does() {
        let text = "import os\n@app.get('/x')\ndef f(a: int = 1) -> str:\n    return (a +\n";
        let src = super::super::PySource::parse(text);
        let mut cursor = src.tree.walk();
        let mut seen = 0;
        loop {
            let node = cursor.node();
            assert_eq!(node.kind_name(), node.kind());
            for name in ["name", "body", "function", "left", "right", "value", "nope"] {
                assert_eq!(node.field(name), node.child_by_field_name(name), "{name}");
            }
            seen += 1;
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            while cursor.goto_parent() && !cursor.goto_next_sibling() {}
            if cursor.node() == src.tree.root_node() {
                break;
            }
        }
        assert!(seen > 20, "the walk saw {seen} nodes");
        assert!(
            src.tree.root_node().has_error(),
            "an ERROR node is among them"
        );
    }
}
