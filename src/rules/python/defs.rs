//! The definitions of a module's top level that do work of their own: a public function,
//! class or lambda that loops, where the module's section lists the functions it may hold
//! (phase_d.md §2.6, §2.7).

use std::ops::{ControlFlow, Range};

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::strings::string_value;
use super::{any_node, preorder, PySource};

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
    if src.unreadable() {
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
        // A private helper may test in a loop (a check of each phrase), and so may a public
        // one; a loop that builds or changes something (`out += source`, `job.queued_at =
        // None`, `parts.append(...)`) is processing in either (held-out corpus blind32).
        let flagged = if text.starts_with('_') {
            builds(src, body)
        } else {
            loops(src, body)
        };
        if listed.contains(&text) || !flagged {
            continue;
        }
        out.push((text, name.byte_range()));
    }
    out
}

/// The name and the whole node of a top-level definition: `def`, `class` (decorated or
/// not), or `name = lambda ...`.
fn definition(stmt: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    match stmt.kind_name() {
        "function_definition" | "class_definition" => Some((stmt.field("name")?, stmt)),
        "decorated_definition" => definition(stmt.field("definition")?),
        "expression_statement" => {
            let assignment = stmt
                .named_child(0)
                .filter(|a| a.kind_name() == "assignment")?;
            let left = assignment.field("left")?;
            let right = assignment.field("right")?;
            (left.kind_name() == "identifier" && right.kind_name() == "lambda")
                .then_some((left, right))
        }
        _ => None,
    }
}

/// The functions that loop over what they are given, as a `for` does: `map(f, lines)`,
/// `filter(str.strip, lines)` (a comment stripper written without loop syntax: attacker
/// corpus blind10 d-pv-02), `functools.reduce`, and `itertools`' combinators.
fn iterates(name: &str) -> bool {
    matches!(
        name,
        "map" | "filter" | "builtins.map" | "builtins.filter" | "functools.reduce"
    ) || name.starts_with("itertools.")
}

/// Calls that compute a value of the element they are given, doing nothing to it: a
/// predicate's tests (`c.isdigit()`, `name.endswith(".js")`, `isinstance(v, int)`).
pub(super) const PURE_TESTS: [&str; 17] = [
    "isinstance",
    "len",
    "startswith",
    "endswith",
    "isdigit",
    "isdecimal",
    "isnumeric",
    "isalpha",
    "isalnum",
    "isspace",
    "islower",
    "isupper",
    "isascii",
    "isidentifier",
    "lower",
    "upper",
    "fullmatch",
];

/// True when `node` holds a loop anywhere. A test of every (or any) element, a comprehension
/// handed to `all` or `any` whose only calls are [`PURE_TESTS`] (`all(c in HEX for c in
/// text)`), computes one answer and is no loop of processing (held-out corpus blind15 L23: a
/// hex check in the preview builder).
fn loops(src: &PySource<'_>, node: Node<'_>) -> bool {
    preorder(node, |n| {
        let iterating = || {
            n.kind_name() == "call"
                && n.field("function")
                    .is_some_and(|f| iterates(&src.dotted(f, src.aliases()).0))
        };
        let test_loop =
            matches!(n.kind_name(), "for_statement" | "while_statement") && !changes(src, n, &[]);
        if (LOOPS.contains(&n.kind_name()) && !pure_test(src, n) && !test_loop) || iterating() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// True when `node` holds a `for` or `while` loop that changes something outside it: not a
/// value of its own built up (`lines.append(line.rstrip())` into a list the function made, a
/// prompt's lines tidied, held-out corpus blind32), but a row, an attribute, a queue.
fn builds(src: &PySource<'_>, node: Node<'_>) -> bool {
    let mut own = Vec::new();
    let _ = preorder(node, |n| {
        if n.kind_name() == "assignment" {
            names_defined_by(src, n, &mut own);
        }
        ControlFlow::Continue(())
    });
    let own: Vec<&str> = own.iter().map(|(_, n)| src.text_of(*n)).collect();
    preorder(node, |n| {
        let building =
            matches!(n.kind_name(), "for_statement" | "while_statement") && changes(src, n, &own);
        if building {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// True when a loop's body builds or changes something: a value accumulated (`out += s`,
/// `out = out + s`; a counter's `n += 1` only counts), an attribute or an item set or
/// deleted, a call made as a statement (`parts.append(s)`, `db.delete(job)`; a log line
/// aside), a value yielded. A loop that only tests (`if phrase in prompt: raise …`) computes
/// an answer and changes nothing. A value accumulated in one of `own` (names the function
/// binds) changes nothing outside.
fn changes(src: &PySource<'_>, loop_node: Node<'_>, own: &[&str]) -> bool {
    let Some(body) = loop_node.field("body") else {
        return false;
    };
    let owned = |n: Option<Node<'_>>| n.is_some_and(|n| own.contains(&src.text_of(n)));
    any_node(body, |n| {
        let left = n.field("left");
        match n.kind_name() {
            "augmented_assignment" => {
                !owned(left)
                    && n.field("right")
                        .is_none_or(|r| !matches!(r.kind_name(), "integer" | "float"))
            }
            "assignment" => left.is_some_and(|l| {
                !matches!(
                    l.kind_name(),
                    "identifier" | "pattern_list" | "tuple_pattern"
                ) || (!owned(Some(l))
                    && n.field("right")
                        .is_some_and(|r| mentions(src, r, src.text_of(l))))
            }),
            "expression_statement" => n.named_child(0).is_some_and(|e| {
                let object = e.field("function").and_then(|f| f.field("object"));
                e.kind_name() == "call" && !src.text_of(e).starts_with("log") && !owned(object)
            }),
            "yield" | "delete_statement" => true,
            _ => false,
        }
    })
}

/// True when `node` reads the identifier `name`.
fn mentions(src: &PySource<'_>, node: Node<'_>, name: &str) -> bool {
    any_node(node, |n| {
        n.kind_name() == "identifier" && src.text_of(n) == name
    })
}

/// True when `comprehension` is what `all(...)` or `any(...)` is given, alone, and calls
/// nothing but [`PURE_TESTS`].
fn pure_test(src: &PySource<'_>, comprehension: Node<'_>) -> bool {
    let Some(parent) = comprehension.parent() else {
        return false;
    };
    let call = match parent.kind_name() {
        "call" => parent,
        "argument_list" if parent.named_child_count() == 1 => match parent.parent() {
            Some(call) if call.kind_name() == "call" => call,
            _ => return false,
        },
        _ => return false,
    };
    let predicate = call.field("function").is_some_and(|f| {
        matches!(
            src.dotted(f, src.aliases()).0.as_str(),
            "all" | "any" | "builtins.all" | "builtins.any"
        )
    });
    predicate && calls_only(src, comprehension, |last| PURE_TESTS.contains(&last))
}

/// True when every call in `node`'s subtree calls a function whose last name, as written,
/// `admits` (`c.isdigit()` calls `isdigit`); a call of no name (`f()()`) is never admitted.
pub(super) fn calls_only(
    src: &PySource<'_>,
    node: Node<'_>,
    mut admits: impl FnMut(&str) -> bool,
) -> bool {
    preorder(node, |n| {
        let admitted = n.kind_name() != "call"
            || n.field("function").is_some_and(|f| {
                let callee = src.text_of(f);
                admits(callee.rsplit('.').next().unwrap_or(callee))
            });
        if admitted {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    })
    .is_continue()
}

/// The names `node` itself defines, in snake case (`ApiKey` is `api_key`, `sessionExpiresAt`
/// is `session_expires_at`), with the node of each: a function's or a class's name, its
/// parameters, and the targets of an assignment (a class's fields, `self.x = …`, each name of
/// `a, b = …`). Called on every node of a file, this names everything the file defines.
pub(super) fn names_defined_by<'t>(
    src: &PySource<'_>,
    node: Node<'t>,
    out: &mut Vec<(String, Node<'t>)>,
) {
    let mut push = |n: Node<'t>| {
        if n.kind_name() == "identifier" {
            out.push((snake_case(&identifier(src.text_of(n))), n));
        }
    };
    match node.kind_name() {
        "function_definition"
        | "class_definition"
        | "default_parameter"
        | "typed_default_parameter" => {
            if let Some(name) = node.field("name") {
                push(name);
            }
        }
        "parameters" | "lambda_parameters" => {
            let mut c = node.walk();
            for p in node.named_children(&mut c) {
                // `x`, and `x: int` (whose first child is its name).
                let name = if p.kind_name() == "typed_parameter" {
                    p.named_child(0)
                } else {
                    Some(p)
                };
                name.into_iter().for_each(&mut push);
            }
        }
        "assignment" | "augmented_assignment" => {
            if let Some(left) = node.field("left") {
                targets(left, &mut push);
            }
        }
        _ => {}
    }
}

/// The names an assignment's left side binds: `x`, `self.x` (its `x`), `a, b`, `[a, *b]`.
fn targets<'t>(left: Node<'t>, push: &mut dyn FnMut(Node<'t>)) {
    match left.kind_name() {
        "identifier" => push(left),
        "attribute" => {
            if let Some(a) = left.field("attribute") {
                push(a);
            }
        }
        "pattern_list" | "tuple_pattern" | "list_pattern" | "list_splat_pattern" => {
            let mut c = left.walk();
            for n in left.named_children(&mut c) {
                targets(n, push);
            }
        }
        _ => {}
    }
}

/// The header a call at `callee` (a `Header()`) reads: its `alias="…"`, else the name of the
/// parameter whose default or `Annotated` metadata it is; lowercase, `-` as `_` (FastAPI reads
/// `if_none_match` from `If-None-Match`). `None` when the call belongs to no parameter or its
/// alias is computed.
pub(crate) fn header_of(src: &PySource<'_>, callee: Range<usize>) -> Option<String> {
    let norm = |s: &str| identifier(s).to_lowercase().replace('-', "_");
    let mut call = src
        .tree
        .root_node()
        .descendant_for_byte_range(callee.start, callee.end)?;
    while call.kind_name() != "call" {
        call = call.parent()?;
    }
    if let Some(args) = call.field("arguments") {
        let mut c = args.walk();
        for arg in args.named_children(&mut c) {
            let is_alias = arg.kind_name() == "keyword_argument"
                && arg.field("name").is_some_and(|n| src.text_of(n) == "alias");
            if is_alias {
                let value = arg.field("value")?;
                return (value.kind_name() == "string")
                    .then(|| string_value(src, value))
                    .flatten()
                    .map(|v| norm(&v));
            }
        }
    }
    let mut up = call.parent()?;
    loop {
        match up.kind_name() {
            "default_parameter" | "typed_default_parameter" => {
                return up.field("name").map(|n| norm(src.text_of(n)));
            }
            "typed_parameter" => return up.named_child(0).map(|n| norm(src.text_of(n))),
            "function_definition" | "lambda" | "class_definition" | "block" | "module" => {
                return None
            }
            _ => up = up.parent()?,
        }
    }
}

/// `ApiKeyHash`, `APIKey`, `sessionExpiresAt` and `api_key` as lowercase words joined by `_`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_a_parameter_reads() {
        let text = "def f(a: str = Header(), b: Annotated[str | None, Header()] = None, c=Header(alias='If-None-Match'), d=Header(alias=n)):\n    x = Header()\n";
        let src = PySource::parse(text);
        let headers: Vec<Option<String>> = text
            .match_indices("Header(")
            .map(|(at, _)| header_of(&src, at..at + 6))
            .collect();
        assert_eq!(
            headers,
            [
                Some("a".into()),
                Some("b".into()),
                Some("if_none_match".into()),
                None,
                None
            ]
        );
    }

    #[test]
    fn names_in_snake_case() {
        for (name, snake) in [
            ("ApiKeyHash", "api_key_hash"),
            ("APIKey", "api_key"),
            ("sessionExpiresAt", "session_expires_at"),
            ("api_key", "api_key"),
            ("HTTPStatus2", "http_status2"),
            ("v2Token", "v2_token"),
        ] {
            assert_eq!(snake_case(name), snake, "{name}");
        }
    }

    #[test]
    fn every_kind_of_definition_is_named() {
        let text = "class ApiKey:\n    token_hash: str\n    x = 1\n\ndef f(a, b: int, c=1, *, d: int = 2):\n    self.remember_me = True\n    e, [g, *h] = 1, [2, 3]\n\nk = lambda m: m\n";
        let src = PySource::parse(text);
        let names: Vec<String> = src
            .facts()
            .into_iter()
            .filter(|f| f.kind == crate::rules::python::FactKind::Defined)
            .map(|f| f.name)
            .collect();
        assert_eq!(
            names,
            [
                "api_key",
                "token_hash",
                "x",
                "f",
                "a",
                "b",
                "c",
                "d",
                "remember_me",
                "e",
                "g",
                "h",
                "k",
                "m"
            ]
        );
    }
}
