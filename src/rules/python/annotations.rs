//! String annotations, read as the code they are.
//!
//! Python keeps `x: "int"` as text, but pydantic, SQLAlchemy (`Mapped["..."]`), FastAPI and
//! `typing.get_type_hints` evaluate that text when a model, table or route is built: an
//! annotation `"(__import__('os').system('git fetch'), int)[1]"` runs a program (attacker
//! corpus blind17 A033/A034/A216–A218). So each string in a type's place is opened as code
//! before the rules read the file: its quotes become parentheses, byte for byte the same
//! length (`"list[X]"` is read as `(list[X])`, every span holding), and the file is parsed
//! again. A string the evaluation would see through escapes (`"\x5f_import__(...)"`) cannot be
//! opened without changing its length, so it is reported as [`CONSTRUCT`]; a forward
//! reference (`"Project"`, `"models.User"`) runs nothing and is left as it is.
//!
//! A string inside `Literal[...]`, or in `Annotated[...]` after the type, is a value, not a
//! type, and stays a string.

use std::borrow::Cow;
use std::ops::{ControlFlow, Range};

use tree_sitter::{Node, Parser, Tree};

use super::comment_lines::parse_prepared;
use super::node::NodeExt;
use super::{preorder_depth, MAX_DEPTH, TOO_DEEP, TOO_TANGLED};

/// The construct of a string annotation that cannot be read as code.
pub(crate) const CONSTRUCT: &str = "string annotation read through escapes";

/// How many times string annotations inside string annotations are opened before the rest are
/// judged unreadable ([`CONSTRUCT`]).
const ROUNDS: usize = 4;

/// What [`open`] gives: the text and tree to read, why nothing in it can be read
/// ([`TOO_TANGLED`], [`TOO_DEEP`]) if so, and the string annotations left unread.
pub(super) type Opened<'a> = (Cow<'a, str>, Tree, Option<&'static str>, Vec<Range<usize>>);

/// `text` and its `tree` with every string annotation that is more than a forward reference
/// opened as code (see the module's documentation), parsed again as [`parse_prepared`] does.
/// The walk that finds them also measures the tree's depth, so a file is walked once more
/// only when it has string annotations to open.
pub(super) fn open<'a>(parser: &mut Parser, text: Cow<'a, str>, tree: Tree) -> Opened<'a> {
    let (mut text, mut tree) = (text, tree);
    let mut round = 0;
    loop {
        let Some((quotes, mut unread)) = type_strings(&text, &tree) else {
            return (text, tree, Some(TOO_DEEP), Vec::new());
        };
        if quotes.is_empty() || round == ROUNDS {
            unread.extend(quotes.into_iter().map(|q| q.open.start..q.close.end));
            return (text, tree, None, unread);
        }
        round += 1;
        let mut bytes = text.into_owned().into_bytes();
        for q in quotes {
            let (open, close) = (q.open.start, q.close.end - 1);
            bytes[q.open.clone()].fill(b' ');
            bytes[q.close.clone()].fill(b' ');
            bytes[open] = b'(';
            bytes[close] = b')';
        }
        let rewritten =
            String::from_utf8(bytes).expect("only ASCII quotes and prefixes were replaced");
        let (parsed, new_tree, tangled) = parse_prepared(parser, &rewritten);
        let parsed = Cow::Owned(parsed.into_owned());
        if tangled {
            return (parsed, new_tree, Some(TOO_TANGLED), Vec::new());
        }
        (text, tree) = (parsed, new_tree);
    }
}

/// The quotes of one string annotation to open: its prefix and opening quotes, its closing
/// quotes.
struct Quotes {
    open: Range<usize>,
    close: Range<usize>,
}

/// The string annotations of `tree` to open, and those that cannot be; `None` when the tree
/// nests deeper than [`MAX_DEPTH`] (nothing in it is read).
fn type_strings(text: &str, tree: &Tree) -> Option<(Vec<Quotes>, Vec<Range<usize>>)> {
    let (mut quotes, mut unread) = (Vec::new(), Vec::new());
    let mut covered = 0;
    let walk = preorder_depth(tree, |node, depth| {
        if depth > MAX_DEPTH {
            return ControlFlow::Break(());
        }
        if node.kind_name() == "type" && node.start_byte() >= covered {
            covered = node.end_byte();
            in_type(text, node, MAX_DEPTH - depth, &mut quotes, &mut unread);
        }
        ControlFlow::Continue(())
    });
    walk.is_continue().then_some((quotes, unread))
}

/// Collects the strings in a type's place under `node`.
/// `budget` is how many levels deeper it may recurse: the tree's depth is checked as the walk
/// goes, so a type nested near [`MAX_DEPTH`] levels must not overflow the stack first.
fn in_type(
    text: &str,
    node: Node<'_>,
    budget: usize,
    quotes: &mut Vec<Quotes>,
    unread: &mut Vec<Range<usize>>,
) {
    let Some(budget) = budget.checked_sub(1) else {
        return;
    };
    let each = |n: Node<'_>, quotes: &mut Vec<Quotes>, unread: &mut Vec<Range<usize>>| {
        in_type(text, n, budget, quotes, unread);
    };
    match node.kind_name() {
        "string" => string(text, node, quotes, unread),
        "concatenated_string" => unread.push(node.byte_range()),
        "type"
        | "union_type"
        | "type_parameter"
        | "tuple"
        | "list"
        | "expression_list"
        | "parenthesized_expression" => {
            let mut c = node.walk();
            for n in node.named_children(&mut c) {
                each(n, quotes, unread);
            }
        }
        "member_type" => {
            if let Some(n) = node.named_child(0) {
                each(n, quotes, unread);
            }
        }
        "binary_operator" if node.field("operator").is_some_and(|o| o.kind() == "|") => {
            for f in ["left", "right"] {
                if let Some(n) = node.field(f) {
                    each(n, quotes, unread);
                }
            }
        }
        "generic_type" | "subscript" => {
            let (generic, mut args) = if node.kind_name() == "generic_type" {
                let mut c = node.walk();
                let args: Vec<Node<'_>> = node
                    .named_children(&mut c)
                    .find(|n| n.kind_name() == "type_parameter")
                    .map(|p| {
                        let mut c = p.walk();
                        p.named_children(&mut c).collect()
                    })
                    .unwrap_or_default();
                (node.named_child(0), args)
            } else {
                let mut c = node.walk();
                let args = node.children_by_field_name("subscript", &mut c).collect();
                (node.field("value"), args)
            };
            let name = generic.map_or("", |g| &text[g.byte_range()]);
            match name.rsplit('.').next().unwrap_or(name).trim() {
                "Literal" => return,
                "Annotated" => args.truncate(1),
                _ => {}
            }
            for n in args {
                each(n, quotes, unread);
            }
        }
        _ => {}
    }
}

/// Adds the string `node` to `quotes` unless it is a forward reference, or to `unread` when
/// escapes or an f-string's parts make its value other than its text.
fn string(text: &str, node: Node<'_>, quotes: &mut Vec<Quotes>, unread: &mut Vec<Range<usize>>) {
    let mut c = node.walk();
    let parts: Vec<Node<'_>> = node.children(&mut c).collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return;
    };
    // A string the parser closed itself (an unterminated `x: "é`) has an empty end: there
    // is no quote to open, and writing `)` before it could split a character.
    if first.kind_name() != "string_start"
        || last.kind_name() != "string_end"
        || first.byte_range().is_empty()
        || last.byte_range().is_empty()
        || last.is_missing()
    {
        unread.push(node.byte_range());
        return;
    }
    let content = &text[first.end_byte()..last.start_byte()];
    let forward_reference = !content.trim().is_empty()
        && content
            .trim()
            .chars()
            .all(|c| c == '_' || c == '.' || c.is_alphanumeric());
    if forward_reference {
        return;
    }
    let prefix = text[first.byte_range()].to_ascii_lowercase();
    let plain = !prefix.contains(['f', 'b', 't'])
        && !content.contains('\\')
        && parts.iter().all(|p| {
            matches!(
                p.kind_name(),
                "string_start" | "string_content" | "string_end"
            )
        });
    if plain {
        quotes.push(Quotes {
            open: first.byte_range(),
            close: last.byte_range(),
        });
    } else {
        unread.push(node.byte_range());
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::python::{FactKind, PySource};

    fn facts(text: &str) -> Vec<(FactKind, String, String)> {
        let src = PySource::parse(text);
        src.facts()
            .into_iter()
            .map(|f| (f.kind, f.name, text[f.span].to_string()))
            .collect()
    }

    #[test]
    fn a_string_annotation_is_read_as_code_in_place() {
        let text = "class M:\n    x: \"(eval('1'), int)[1]\" = 0\n";
        let src = PySource::parse(text);
        assert_eq!(src.text.len(), text.len());
        assert!(src.text.contains("x: ((eval('1'), int)[1]) = 0"));
        let calls: Vec<_> = facts(text)
            .into_iter()
            .filter(|f| f.0 == FactKind::Call)
            .collect();
        assert_eq!(calls.len(), 1);
        assert_eq!((calls[0].1.as_str(), calls[0].2.as_str()), ("eval", "eval"));
    }

    #[test]
    fn strings_inside_strings_are_opened_round_by_round() {
        let text = "def f(a: \"Mapped['(exec(1), int)[1]']\") -> None: ...\n";
        assert!(facts(text)
            .iter()
            .any(|f| f.0 == FactKind::Call && f.1 == "exec"));
    }

    #[test]
    fn forward_references_literals_and_metadata_stay_as_written() {
        let text = "x: \"Project\"\ny: \"Literal['running']\"\nz: Annotated[int, \"eval(1)\"]\n";
        let src = PySource::parse(text);
        assert!(src.text.contains("x: \"Project\""));
        assert!(src.text.contains("z: Annotated[int, \"eval(1)\"]"));
        let found = facts(text);
        assert!(!found.iter().any(|f| f.0 == FactKind::Call));
        assert!(found
            .iter()
            .any(|f| f.0 == FactKind::Str && f.1 == "running"));
    }

    #[test]
    fn an_escaped_string_annotation_is_reported_whole() {
        let text = "x: \"(\\x5f_import__('os'), int)[1]\" = 0\n";
        let found = facts(text);
        assert!(found
            .iter()
            .any(|f| f.0 == FactKind::Syntax && f.1 == super::CONSTRUCT && f.2.starts_with('"')));
    }

    /// An unterminated string annotation ending in a multi-byte character: no quote to open,
    /// and no panic.
    #[test]
    fn an_unterminated_string_annotation_is_left_alone() {
        for text in ["x: \"(eval(1), é", "def f(a: \"é\n", "x: Mapped[\"(é"] {
            let src = PySource::parse(text);
            assert_eq!(src.text.len(), text.len());
            let _ = src.facts();
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Whatever the annotations hold, opening them keeps every byte offset and the text
        /// valid, and reading the facts does not panic.
        #[test]
        fn opening_keeps_the_text_whole(
            text in "(x|: |-> |def f\\(|\\)|\\[|\\]|Mapped|Literal|Annotated|\"|'|\"\"\"|r\"|f\"|\\\\|é|𝐫|\n|#|,| |eval\\(1\\)|\\|){0,24}"
        ) {
            let src = PySource::parse(&text);
            proptest::prop_assert_eq!(src.text.len(), text.len());
            let _ = src.facts();
        }
    }
}
