//! Schema modules (phase_d.md §2.1: "Schemas may include: request/response models, field
//! validation rules, enums, constraints"; "Schemas must not include any business logic"):
//! the functions that are validators, and what a validator may do.
//!
//! A function of a schema module is a validator, a serializer or a computed field (marked by
//! one of the rule's decorators), or used by one, or a check of one value's form; any other
//! is behaviour of its own. A validator refuses or normalises what it validates: one that sets
//! another field (`self.priority = …` in a model validator, `data["priority"] = …` in a
//! `before` one) derives data from data, which is business logic.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::defs::{calls_only, PURE_TESTS};
use super::node::NodeExt;
use super::resolve::identifier;
use super::{Fact, FactKind, PySource};
use crate::rules::pattern::{split, DottedPattern};

/// True when one of `decorators` marks `def`.
fn decorated_by(
    src: &PySource<'_>,
    def: Node<'_>,
    aliases: &HashMap<String, String>,
    decorators: &[DottedPattern],
) -> bool {
    let Some(parent) = def
        .parent()
        .filter(|p| p.kind_name() == "decorated_definition")
    else {
        return false;
    };
    let mut c = parent.walk();
    let found = parent
        .named_children(&mut c)
        .filter(|d| d.kind_name() == "decorator")
        .any(|d| {
            let target = d.named_child(0).map(|e| match e.kind_name() {
                "call" => e.field("function").unwrap_or(e),
                _ => e,
            });
            target.is_some_and(|t| {
                let (name, _) = src.dotted(t, aliases);
                decorators.iter().any(|p| p.matches_segments(&split(&name)))
            })
        });
    found
}

/// The statements by which a validator of `src` (a function one of `decorators` marks) sets
/// a field of what it validates other than one it reads there: `self.priority = …`,
/// `data["priority"] = …`, `setattr(self, "priority", …)`, `object.__setattr__(…)`.
/// `self.name = self.name.strip()` normalises its own field and is no such statement.
pub(crate) fn fields_set(src: &PySource<'_>, decorators: &[DottedPattern]) -> Vec<Range<usize>> {
    if src.unreadable() {
        return Vec::new();
    }
    let aliases = src.aliases();
    let mut out = Vec::new();
    let mut stack = vec![src.tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if node.kind_name() != "function_definition"
            || !decorated_by(src, node, aliases, decorators)
        {
            continue;
        }
        let params = parameters(src, node);
        if let Some(body) = node.field("body") {
            setting_statements(src, body, &params, &mut out);
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// The names of `def`'s parameters.
fn parameters(src: &PySource<'_>, def: Node<'_>) -> Vec<String> {
    let Some(params) = def.field("parameters") else {
        return Vec::new();
    };
    let mut c = params.walk();
    let names: Vec<String> = params
        .named_children(&mut c)
        .filter_map(|p| match p.kind_name() {
            "identifier" => Some(p),
            _ => p.named_child(0).filter(|n| n.kind_name() == "identifier"),
        })
        .map(|n| identifier(src.text_of(n)))
        .collect();
    names
}

/// The field of a parameter that `target` names (`self.x`, `data["x"]`): the parameter and
/// the field's name (`None` for a computed key).
fn field_of(
    src: &PySource<'_>,
    target: Node<'_>,
    params: &[String],
) -> Option<(String, Option<String>)> {
    let (object, key) = match target.kind_name() {
        "attribute" => (
            target.field("object")?,
            target
                .field("attribute")
                .map(|a| identifier(src.text_of(a))),
        ),
        "subscript" => {
            let index = target.field("subscript")?;
            let key = (index.kind_name() == "string").then(|| string_value(src, index));
            (target.field("value")?, key)
        }
        _ => return None,
    };
    let object = identifier(src.text_of(object));
    params.contains(&object).then_some((object, key))
}

/// A plain string literal's text, quotes and prefixes aside.
fn string_value(src: &PySource<'_>, string: Node<'_>) -> String {
    src.text_of(string)
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string()
}

/// Pushes the statements of `body` (nested functions and lambdas aside) that set a field of
/// one of `params` without reading it.
fn setting_statements(
    src: &PySource<'_>,
    body: Node<'_>,
    params: &[String],
    out: &mut Vec<Range<usize>>,
) {
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "function_definition" | "lambda" | "class_definition" => continue,
            "assignment" | "augmented_assignment" => {
                let set = node.field("left").and_then(|l| field_of(src, l, params));
                // `data[key] = value.strip()` in a loop over the fields: a computed key is
                // taken for the field the statement reads.
                if let Some((object, key)) = set {
                    let reads = node.kind_name() == "assignment"
                        && node.field("right").is_some_and(|r| {
                            key.as_deref()
                                .is_none_or(|k| reads_field(src, r, &object, k))
                        });
                    if !reads {
                        out.push(node.byte_range());
                    }
                }
            }
            "call" => {
                if let Some(key) = setattr_on(src, node, params) {
                    let value = node.field("arguments").and_then(|a| a.named_child(2));
                    let reads = value.is_some_and(|v| {
                        key.1
                            .as_deref()
                            .is_none_or(|k| reads_field(src, v, &key.0, k))
                    });
                    if !reads {
                        out.push(node.byte_range());
                    }
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
}

/// `setattr(self, "x", v)` or `object.__setattr__(self, "x", v)` on a parameter: the parameter
/// and the field.
fn setattr_on(
    src: &PySource<'_>,
    call: Node<'_>,
    params: &[String],
) -> Option<(String, Option<String>)> {
    let callee = src.text_of(call.field("function")?);
    if !matches!(callee, "setattr" | "object.__setattr__") {
        return None;
    }
    let args = call.field("arguments")?;
    let object = identifier(src.text_of(args.named_child(0)?));
    if !params.contains(&object) {
        return None;
    }
    let key = args
        .named_child(1)
        .filter(|k| k.kind_name() == "string")
        .map(|k| string_value(src, k));
    Some((object, key))
}

/// True when `expr` reads field `key` of `object` (`self.key`, `data["key"]`,
/// `data.get("key")`).
fn reads_field(src: &PySource<'_>, expr: Node<'_>, object: &str, key: &str) -> bool {
    let mut stack = vec![expr];
    while let Some(node) = stack.pop() {
        let read = match node.kind_name() {
            "attribute" | "subscript" => field_of(src, node, &[object.to_string()])
                .is_some_and(|(_, k)| k.as_deref() == Some(key)),
            "call" => node.field("function").is_some_and(|f| {
                f.kind_name() == "attribute"
                    && src.text_of(f) == format!("{object}.get")
                    && node
                        .field("arguments")
                        .and_then(|a| a.named_child(0))
                        .is_some_and(|k| k.kind_name() == "string" && string_value(src, k) == key)
            }),
            _ => false,
        };
        if read {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// The functions of `src` that are neither decorated with one of `decorators` (a validator,
/// a serializer) nor used anywhere else in the file: in a schema module, behaviour of its
/// own, which is business logic (phase_d.md §2.1). None in a file too deep or tangled to
/// read (its one fact, [`super::TOO_DEEP`] or [`super::TOO_TANGLED`], is what is reported).
pub(crate) fn unused_functions(
    src: &PySource<'_>,
    facts: &[Fact],
    decorators: &[DottedPattern],
) -> Vec<Range<usize>> {
    if src.unreadable() {
        return Vec::new();
    }
    let aliases = src.aliases();
    let mut out = Vec::new();
    let mut stack = vec![src.tree.root_node()];
    let mut cursor = src.tree.root_node().walk();
    while let Some(node) = stack.pop() {
        cursor.reset(node);
        stack.extend(node.named_children(&mut cursor));
        // `apply_patch = lambda patch, project: ...` is a function by another syntax
        // (attacker corpus blind23 sc03).
        let lambda = node.kind_name() == "assignment"
            && node
                .field("right")
                .is_some_and(|r| r.kind_name() == "lambda");
        if node.kind_name() != "function_definition" && !lambda {
            continue;
        }
        let decorated = !lambda && decorated_by(src, node, aliases, decorators);
        let name = match lambda {
            true => node.field("left").filter(|l| l.kind_name() == "identifier"),
            false => node.field("name"),
        };
        let Some(name) = name else {
            continue;
        };
        let name = identifier(src.text_of(name));
        let used = facts.iter().any(|f| {
            f.kind == FactKind::Name && f.name == name && !node.byte_range().contains(&f.span.start)
        });
        if !decorated && !used && !name.starts_with("__") && (lambda || !format_check(src, node)) {
            out.push(node.byte_range());
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Calls that test a value's form: a pattern matched (`SLUG.fullmatch(value)`) or a `str`
/// test (`value.isidentifier()`).
const FORM_TESTS: [&str; 3] = ["fullmatch", "match", "search"];

/// True when `def` checks the form of one value, a validation rule whether or not a
/// validator calls it yet (held-out corpus blind14 L13, `def is_slug(value: str) -> bool:
/// return bool(SLUG.fullmatch(value))`): one parameter, a body that is one `return` (after a
/// docstring) calling nothing but pure tests and `bool`, one of them a pattern match or a
/// `str.is…` test. `return plan == "pro"` (no form tested) and a check of two values
/// (`can_edit(project, user_id)`) stay business logic.
fn format_check(src: &PySource<'_>, def: Node<'_>) -> bool {
    let one_parameter = def.field("parameters").is_some_and(|p| {
        p.named_child_count() == 1
            && p.named_child(0)
                .is_some_and(|a| matches!(a.kind_name(), "identifier" | "typed_parameter"))
            && !src.text_of(p).contains('*')
    });
    let Some(body) = def.field("body") else {
        return false;
    };
    let mut c = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut c)
        .filter(|n| n.kind_name() != "comment")
        .collect();
    let returned = match statements.as_slice() {
        [r] => r,
        [doc, r]
            if doc.kind_name() == "expression_statement"
                && doc
                    .named_child(0)
                    .is_some_and(|s| s.kind_name() == "string") =>
        {
            r
        }
        _ => return false,
    };
    if !one_parameter || returned.kind_name() != "return_statement" {
        return false;
    }
    let mut tested = listed(src, *returned);
    let pure = calls_only(src, *returned, |last| {
        tested |=
            FORM_TESTS.contains(&last) || (last.starts_with("is") && PURE_TESTS.contains(&last));
        last == "bool"
            || FORM_TESTS.contains(&last)
            || PURE_TESTS.contains(&last)
            || NORMALISERS.contains(&last)
    });
    pure && tested
}

/// What a value may be normalised with before it is tested (`name.strip().casefold()`).
const NORMALISERS: [&str; 2] = ["strip", "casefold"];

/// True when `returned` returns whether a value is among a constant list: `name in RESERVED`
/// (an upper-case name), or a literal of strings (held-out corpus blind24: a reserved user
/// name check). `plan in user.plans` tests data against data.
fn listed(src: &PySource<'_>, returned: Node<'_>) -> bool {
    let Some(test) = returned.named_child(0) else {
        return false;
    };
    if test.kind_name() != "comparison_operator" || test.named_child_count() != 2 {
        return false;
    }
    let mut cursor = test.walk();
    let membership = test
        .children(&mut cursor)
        .any(|c| matches!(src.text_of(c), "in" | "not in") && !c.is_named());
    let constant = test
        .named_child(1)
        .is_some_and(|list| match list.kind_name() {
            "identifier" => {
                let name = src.text_of(list);
                name.chars().any(|c| c.is_ascii_uppercase())
                    && !name.chars().any(|c| c.is_ascii_lowercase())
            }
            "set" | "tuple" | "list" => {
                let mut c = list.walk();
                let all_strings = list
                    .named_children(&mut c)
                    .all(|item| item.kind_name() == "string");
                all_strings
            }
            _ => false,
        });
    membership && constant
}
