//! The positive model of what a field is set to (`set_values`): every place the code sets a
//! field (`job.status = v`, `setattr(job, "status", v)`, a keyword `status=v`), and whether
//! the value is one of those allowed. A value hivegen cannot read as one of them (a variable
//! bound to something else, an index, a call) is not allowed: the model says what may be set,
//! not what may not.

use std::collections::HashMap;
use std::ops::{ControlFlow, Range};

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::strings::string_value;
use super::values::Model;
use super::{preorder, preorder_depth, PySource};

/// Calls whose keywords compare rather than set (`select(Job).filter_by(status=s)`).
const COMPARING: &[&str] = &["filter_by"];

/// How far a value is followed through names (`s = t`, `t = Status.QUEUED`).
const DEPTH: usize = 8;

/// The scope of the module's top level.
pub(super) const MODULE: usize = usize::MAX;

/// A value and the scope it is read in (a function's node id, or [`MODULE`]).
pub(super) type Value<'t> = Option<(Node<'t>, usize)>;

/// A place where `field` is set to a value that is not among `allowed` (lowercase): the span
/// of the value (or of the target, when the value cannot be told apart) and its text.
/// `names` are all the names the field goes by (`status`, `state`): a model built from a
/// dictionary with one of them given beside it (`AIJob(state="queued", **fields)`) has its
/// field set by that keyword.
pub(crate) fn disallowed_stores(
    src: &PySource<'_>,
    field: &str,
    names: &[&str],
    allowed: &[String],
) -> Vec<(Range<usize>, String)> {
    if src.unreadable() {
        return Vec::new();
    }
    let mut found = Found {
        aliases: src.aliases(),
        names,
        bindings: HashMap::new(),
        stores: Vec::new(),
    };
    // A name is looked up in the function it is read in, then in the module.
    let mut scopes: Vec<(usize, usize)> = Vec::new();
    let _ = preorder_depth(&src.tree, |node, depth| {
        while scopes.last().is_some_and(|&(d, _)| d > depth) {
            scopes.pop();
        }
        let scope = scopes.last().map_or(MODULE, |&(_, id)| id);
        found.visit(src, node, field, scope);
        if matches!(node.kind_name(), "function_definition" | "lambda") {
            scopes.push((depth + 1, node.id()));
        }
        ControlFlow::Continue(())
    });
    found.judge(src, field, allowed)
}

/// What one walk finds: each name's bindings per scope, and each store of the field (the
/// target or the call) with its value, and whether that value is a mapping holding it.
struct Found<'n, 't> {
    /// The file's imports, to tell a schema (an answer) from what is stored.
    aliases: &'n HashMap<String, String>,
    names: &'n [&'n str],
    bindings: HashMap<(usize, String), Vec<Value<'t>>>,
    stores: Vec<(Node<'t>, Value<'t>, bool)>,
}

impl<'t> Found<'_, 't> {
    fn visit(&mut self, src: &PySource<'_>, node: Node<'t>, field: &str, scope: usize) {
        match node.kind_name() {
            "assignment" => self.assignment(src, node, field, scope),
            "call" => self.setattr_call(src, node, field, scope),
            "keyword_argument" | "dictionary_splat" => self.keyword(src, node, field, scope),
            "default_parameter" | "typed_default_parameter" => {
                if let Some(name) = node.field("name") {
                    let value = node.field("value").map(|v| (v, scope));
                    self.bind(src, name, scope, value);
                }
            }
            "typed_parameter" => {
                if let Some(name) = node.named_child(0) {
                    self.bind(src, name, scope, None);
                }
            }
            "parameters" | "lambda_parameters" => {
                let mut c = node.walk();
                let plain: Vec<Node<'t>> = node
                    .named_children(&mut c)
                    .filter(|p| p.kind_name() == "identifier")
                    .collect();
                for p in plain {
                    self.bind(src, p, scope, None);
                }
            }
            "for_statement" | "for_in_clause" | "named_expression" => {
                let target = node.field("left").or_else(|| node.field("name"));
                if let Some(t) = target {
                    self.unknown_targets(src, t, scope);
                }
            }
            "as_pattern_target" => self.unknown_targets(src, node, scope),
            "pair" => self.values_pair(src, node, field, scope),
            _ => {}
        }
    }

    /// `update(Job).values({Job.status: v})` (or `{"status": v}`): the dictionary form of
    /// `.values(status=v)` (held-out corpus blind28).
    fn values_pair(&mut self, src: &PySource<'_>, node: Node<'t>, field: &str, scope: usize) {
        let names_field = node.field("key").is_some_and(|k| match k.kind_name() {
            "attribute" => k
                .field("attribute")
                .is_some_and(|a| identifier(src.text_of(a)) == field),
            "string" => string_value(src, k).as_deref() == Some(field),
            _ => false,
        });
        let in_values = node
            .parent()
            .filter(|d| d.kind_name() == "dictionary")
            .and_then(|d| d.parent())
            .filter(|a| a.kind_name() == "argument_list")
            .and_then(|a| a.parent())
            .and_then(|call| call.field("function"))
            .and_then(|f| f.field("attribute"))
            .is_some_and(|a| src.text_of(a) == "values");
        if names_field && in_values {
            self.stores
                .push((node, node.field("value").map(|v| (v, scope)), false));
        }
    }

    fn bind(&mut self, src: &PySource<'_>, name: Node<'t>, scope: usize, value: Value<'t>) {
        if name.kind_name() == "identifier" {
            self.bindings
                .entry((scope, identifier(src.text_of(name))))
                .or_default()
                .push(value);
        }
    }

    /// Every name bound by `target` (a loop's, a `with`'s, a walrus's), to a value not known.
    fn unknown_targets(&mut self, src: &PySource<'_>, target: Node<'t>, scope: usize) {
        let _ = preorder(target, |n| {
            self.bind(src, n, scope, None);
            ControlFlow::Continue(())
        });
    }

    /// `x.field = v` (a store), `name = v` (a binding); in a tuple assignment each target
    /// with its own value when the sides match, else with a value not known.
    fn assignment(&mut self, src: &PySource<'_>, node: Node<'t>, field: &str, scope: usize) {
        let Some(left) = node.field("left") else {
            return;
        };
        let right = node.field("right");
        let list = |n: Node<'t>| -> Vec<Node<'t>> {
            let mut c = n.walk();
            n.named_children(&mut c).collect()
        };
        let mut pairs: Vec<(Node<'t>, Option<Node<'t>>)> = Vec::new();
        if matches!(
            left.kind_name(),
            "pattern_list" | "tuple_pattern" | "list_pattern"
        ) {
            let targets = list(left);
            let values = right
                .filter(|r| matches!(r.kind_name(), "expression_list" | "tuple" | "list"))
                .map(list)
                .filter(|v| v.len() == targets.len());
            for (i, t) in targets.into_iter().enumerate() {
                pairs.push((t, values.as_ref().map(|v| v[i])));
            }
        } else {
            // `a = b = v`: the right side is another assignment, whose value is the value.
            let mut value = right;
            while let Some(v) = value.filter(|v| v.kind_name() == "assignment") {
                value = v.field("right");
            }
            pairs.push((left, value));
        }
        for (target, value) in pairs {
            if target.kind_name() == "identifier" && identifier(src.text_of(target)) == field {
                self.column_defaults(src, value, scope);
            }
            let value = value.map(|v| (v, scope));
            if is_field(src, target, field) {
                self.stores.push((target, value, false));
            } else if target.kind_name() == "identifier" {
                self.bind(src, target, scope, value);
            } else {
                self.unknown_targets(src, target, scope);
            }
        }
    }

    /// The field declared as a column (`status = mapped_column(default=v)`, `Column(...,
    /// server_default=v)`): its defaults are what every new row is set to.
    fn column_defaults(&mut self, src: &PySource<'_>, value: Option<Node<'t>>, scope: usize) {
        let Some(args) = value
            .filter(|v| v.kind_name() == "call")
            .and_then(|call| call.field("arguments"))
        else {
            return;
        };
        let mut c = args.walk();
        let defaults: Vec<Node<'t>> = args
            .named_children(&mut c)
            .filter(|a| {
                a.kind_name() == "keyword_argument"
                    && a.field("name").is_some_and(|n| {
                        matches!(
                            src.text_of(n),
                            "default" | "server_default" | "insert_default"
                        )
                    })
            })
            .collect();
        for kw in defaults {
            let value = kw.field("value").map(|v| (v, scope));
            self.stores.push((kw, value, false));
        }
    }

    /// `setattr(x, "field", v)` (a computed name is `D-DYNAMIC-CODE`'s).
    fn setattr_call(&mut self, src: &PySource<'_>, node: Node<'t>, field: &str, scope: usize) {
        let callee = node.field("function").map(|f| src.text_of(f));
        if !matches!(callee, Some("setattr" | "builtins.setattr")) {
            return;
        }
        let Some(args) = node.field("arguments") else {
            return;
        };
        let mut c = args.walk();
        let args: Vec<Node<'t>> = args.named_children(&mut c).collect();
        let names_field = args.get(1).is_some_and(|n| {
            n.kind_name() == "string" && string_value(src, *n).as_deref() == Some(field)
        });
        if names_field {
            self.stores
                .push((node, args.get(2).map(|&v| (v, scope)), false));
        }
    }

    /// `Job(field=v)`, `update(Job).values(field=v)`, a keyword passing one on
    /// (`initial_status=v`); not a comparing call's keyword, nor a schema's
    /// (`JobOut(status=job.status)` answers with the status, setting none). A model built from
    /// a dictionary (`AIJob(**payload.model_dump())`) sets the field to a value not known.
    fn keyword(&mut self, src: &PySource<'_>, node: Node<'t>, field: &str, scope: usize) {
        let splat = node.kind_name() == "dictionary_splat";
        let named = node.field("name").is_some_and(|n| {
            let name = identifier(src.text_of(n));
            name == field || name.strip_suffix(field).is_some_and(|p| p.ends_with('_'))
        });
        if !named && !splat {
            return;
        }
        let Some(callee) = node
            .parent()
            .filter(|args| args.kind_name() == "argument_list")
            .and_then(|args| args.parent())
            .filter(|call| call.kind_name() == "call")
            .and_then(|call| call.field("function"))
        else {
            return;
        };
        let (name, _) = src.dotted(callee, self.aliases);
        let last = name.rsplit('.').next().unwrap_or(&name);
        let schema = name.starts_with("schemas.") || name.contains(".schemas.");
        let model = super::resolve::is_model(&name);
        if splat && model {
            // With the field given as well, the dictionary cannot hold it (Python refuses a
            // keyword given twice): that keyword is the store.
            let args = node.parent().expect("a splat's argument list");
            let mut c = args.walk();
            let given = args.named_children(&mut c).any(|a| {
                a.kind_name() == "keyword_argument"
                    && a.field("name")
                        .is_some_and(|n| self.names.contains(&identifier(src.text_of(n)).as_str()))
            });
            if !given {
                let mapping = node.named_child(0).map(|m| (m, scope));
                self.stores.push((node, mapping, true));
            }
        } else if named && !COMPARING.contains(&last) && !schema {
            let value = node.field("value").map(|v| (v, scope));
            self.stores.push((node, value, false));
        }
    }

    fn judge(
        self,
        src: &PySource<'_>,
        field: &str,
        allowed: &[String],
    ) -> Vec<(Range<usize>, String)> {
        let model = Model {
            src,
            bindings: &self.bindings,
            allowed,
        };
        self.stores
            .iter()
            .filter(|(_, value, mapping)| {
                !value.is_some_and(|(v, scope)| match mapping {
                    true => model.mapping_allowed(v, scope, field, DEPTH),
                    false => model.allowed(v, scope, DEPTH),
                })
            })
            .map(|&(at, value, _)| {
                let node = value.map_or(at, |(v, _)| v);
                let text = src.text_of(node);
                let first = text.lines().next().unwrap_or("").trim();
                (node.byte_range(), first.chars().take(60).collect())
            })
            .collect()
    }
}

fn is_field(src: &PySource<'_>, target: Node<'_>, field: &str) -> bool {
    target.kind_name() == "attribute"
        && target
            .field("attribute")
            .is_some_and(|a| identifier(src.text_of(a)) == field)
}
