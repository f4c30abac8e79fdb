//! What a value set to a field reads as ([`super::stores`]): one of the allowed values
//! (`AIJobStatus.QUEUED`, `"queued"`, a name bound only to such), or not.

use std::collections::HashMap;

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::stores::{Value, MODULE};
use super::strings::string_value;
use super::PySource;

/// The allowed values of a field, and the names of the file they may be reached through.
pub(super) struct Model<'s, 'p, 't> {
    pub(super) src: &'s PySource<'p>,
    pub(super) bindings: &'s HashMap<(usize, String), Vec<Value<'t>>>,
    pub(super) allowed: &'s [String],
}

impl Model<'_, '_, '_> {
    /// True when the name `node` (read in `scope`: its function's, else the module's) is
    /// bound, and `ok` holds for every value it is bound to (each with the scope it is read in).
    fn each_binding(
        &self,
        node: Node<'_>,
        scope: usize,
        ok: impl Fn(Node<'_>, usize) -> bool,
    ) -> bool {
        let name = identifier(self.src.text_of(node));
        let bound = self
            .bindings
            .get(&(scope, name.clone()))
            .or_else(|| self.bindings.get(&(MODULE, name)));
        bound.is_some_and(|all| all.iter().all(|b| b.is_some_and(|(v, s)| ok(v, s))))
    }

    /// True for an allowed value's name (quoted too: a `server_default` of `"'queued'"`).
    fn named(&self, name: &str) -> bool {
        let name = name.trim().trim_matches(['\'', '"']);
        self.allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// True when `mapping` (read in `scope`, unpacked into a model) sets `field` to an allowed
    /// value or leaves it out: a dictionary (`{"status": Status.QUEUED, ...}`), `dict(...)`,
    /// or a name bound only to such.
    pub(super) fn mapping_allowed(
        &self,
        mapping: Node<'_>,
        scope: usize,
        field: &str,
        depth: usize,
    ) -> bool {
        if depth == 0 {
            return false;
        }
        let src = self.src;
        let mut c = mapping.walk();
        let items: Vec<Node<'_>> = mapping.named_children(&mut c).collect();
        let sets = |item: &Node<'_>, key: Option<Node<'_>>, value: Option<Node<'_>>| {
            let names_field = key.is_some_and(|k| {
                (k.kind_name() == "string" && string_value(src, k).as_deref() == Some(field))
                    || (k.kind_name() == "identifier"
                        && item.kind_name() == "keyword_argument"
                        && identifier(src.text_of(k)) == field)
            });
            !names_field || value.is_some_and(|v| self.allowed(v, scope, depth - 1))
        };
        match mapping.kind_name() {
            "dictionary" => items.iter().all(|item| match item.kind_name() {
                "pair" => sets(item, item.field("key"), item.field("value")),
                "dictionary_splat" => item
                    .named_child(0)
                    .is_some_and(|m| self.mapping_allowed(m, scope, field, depth - 1)),
                _ => false,
            }),
            "call"
                if mapping
                    .field("function")
                    .is_some_and(|f| src.text_of(f) == "dict") =>
            {
                let args = mapping.field("arguments");
                let mut c = mapping.walk();
                let args: Vec<Node<'_>> = args
                    .map(|a| a.named_children(&mut c).collect())
                    .unwrap_or_default();
                args.iter().all(|a| {
                    a.kind_name() == "keyword_argument"
                        && sets(a, a.field("name"), a.field("value"))
                })
            }
            "identifier" => self.each_binding(mapping, scope, |v, s| {
                self.mapping_allowed(v, s, field, depth - 1)
            }),
            _ => false,
        }
    }

    /// True when `value` (read in `scope`) is one of the allowed values: a string literal, a
    /// name or the last segment of a dotted name (`AIJobStatus.QUEUED`, `.value` of one), one
    /// passed to a call or a subscript (`AIJobStatus("queued")`, `AIJobStatus["QUEUED"]`),
    /// either branch of a conditional, or a name every binding of which is one.
    pub(super) fn allowed(&self, value: Node<'_>, scope: usize, depth: usize) -> bool {
        if depth == 0 {
            return false;
        }
        let src = self.src;
        let each = |nodes: &[Node<'_>]| nodes.iter().all(|&n| self.allowed(n, scope, depth - 1));
        let children = |field: Option<&str>| -> Vec<Node<'_>> {
            let mut c = value.walk();
            match field {
                Some(f) => value.children_by_field_name(f, &mut c).collect(),
                None => value.named_children(&mut c).collect(),
            }
        };
        match value.kind_name() {
            "parenthesized_expression" => value.named_child(0).is_some_and(|v| each(&[v])),
            "string" => string_value(src, value).is_some_and(|s| self.named(&s)),
            "attribute" => {
                let Some(attr) = value.field("attribute") else {
                    return false;
                };
                let attr = identifier(src.text_of(attr));
                if matches!(attr.as_str(), "value" | "name") {
                    return value.field("object").is_some_and(|o| each(&[o]));
                }
                self.named(&attr)
            }
            "identifier" => {
                let name = identifier(src.text_of(value));
                if self.named(&name) {
                    return true;
                }
                self.each_binding(value, scope, |v, s| self.allowed(v, s, depth - 1))
            }
            "call" => {
                let args = value
                    .field("arguments")
                    .map(|a| {
                        let mut c = a.walk();
                        a.named_children(&mut c).collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                args.len() == 1 && each(&args)
            }
            "subscript" => {
                let index = children(Some("subscript"));
                index.len() == 1 && each(&index)
            }
            "conditional_expression" => {
                let parts = children(None);
                parts.len() == 3 && each(&[parts[0], parts[2]])
            }
            _ => false,
        }
    }
}
