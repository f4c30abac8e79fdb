//! Logic inserted into a frozen fill (phase_d.md §5: "Later phases may only insert additional
//! logic into anchors or new blocks"; "Later phases may not rewrite Phase D code"). A fill of
//! a completed phase may gain statements of its own; every statement it held stays as it was,
//! in the same order, and nothing new touches what the old code names.
//!
//! So the old fill's statements (read as tokens: comments and blank lines aside, indentation
//! kept) must all be found, in order and unchanged, among the new fill's. A line added inside
//! an old function, a decorator put on one, or an old statement edited is a rewrite. Each new
//! statement is a rewrite too when it binds a name the old file's code uses (a second `def
//! enqueue_ai_job`, `len = ...` shadowing a builtin the old code calls, `from x import
//! Session`) or changes what such a name holds (`AIJob.status = ...`, `PENDING[0] = ...`,
//! `del router`, `setattr(AIJob, ...)`): the old code would then do something else.

use std::ops::Range;

use tree_sitter::Node;

use super::node::NodeExt;
use super::old_code::{touches, walk, OldCode, Step};
use super::PySource;

/// Why a changed fill is more than an insertion: the byte in the new text where it shows.
pub(crate) type Rewrite = usize;

/// `Ok` when the fill at `new_body` of `new` only adds statements to the fill at `old_body`
/// of `old`; otherwise the byte of `new` where the first rewrite shows.
pub(crate) fn only_inserted(
    old: &str,
    old_body: Range<usize>,
    new: &str,
    new_body: Range<usize>,
) -> Result<(), Rewrite> {
    let old_src = PySource::parse(old);
    let new_src = PySource::parse(new);
    let broken = |src: &PySource<'_>, body: &Range<usize>| {
        src.unreadable.is_some() || statements(src, body).iter().any(|s| s.has_error())
    };
    if broken(&old_src, &old_body) || broken(&new_src, &new_body) {
        return Err(new_body.start);
    }
    let old_code = OldCode::of(&old_src);
    let before = statements(&old_src, &old_body);
    let after = statements(&new_src, &new_body);
    block(&old_src, &before, &new_src, &after, &old_code, false)
        .map_err(|at| at.unwrap_or(new_body.start))
}

/// `Ok` when the statements of `new` in `blocks` (anchor blocks a later phase added beside
/// the frozen fills, §5: "or new blocks") leave what `old`'s code names as it was; otherwise
/// the byte of `new` where the first one binds or changes such a name.
pub(crate) fn blocks_leave_old(
    old: &str,
    new: &str,
    blocks: &[Range<usize>],
) -> Result<(), Rewrite> {
    let old_src = PySource::parse(old);
    let new_src = PySource::parse(new);
    if old_src.unreadable.is_some() {
        return Ok(());
    }
    let old_code = OldCode::of(&old_src);
    for body in blocks {
        let added = statements(&new_src, body);
        if new_src.unreadable.is_some() || added.iter().any(|s| s.has_error()) {
            return Err(body.start);
        }
        if let Some(at) = added.iter().find_map(|s| touches(&new_src, *s, &old_code)) {
            return Err(at);
        }
    }
    Ok(())
}

/// The statements `before` of a block (the fill, or a class body), now `after`: `Ok` when
/// `after` only adds statements; otherwise where the rewrite shows (`None`: nowhere better
/// than the block's start).
fn block(
    old_src: &PySource<'_>,
    before: &[Node<'_>],
    new_src: &PySource<'_>,
    after: &[Node<'_>],
    old: &OldCode,
    in_class: bool,
) -> Result<(), Option<Rewrite>> {
    let after: Vec<(Node<'_>, Tokens)> = after.iter().map(|s| (*s, tokens(new_src, *s))).collect();
    let mut kept = before.iter().map(|s| (*s, tokens(old_src, *s))).peekable();
    let mut touched = None;
    for (statement, toks) in &after {
        if let Some((was, was_toks)) = kept.peek() {
            if was_toks.keys == toks.keys {
                kept.next();
                continue;
            }
            // A class of the old fill, its header as it was: it may gain methods too.
            if let Some((old_body, new_body)) = same_class(was, was_toks, *statement, toks) {
                block(
                    old_src,
                    &body_statements(old_body),
                    new_src,
                    &body_statements(new_body),
                    old,
                    true,
                )?;
                kept.next();
                continue;
            }
        }
        // A field, a column or an enum member added to an old class changes what it defines
        // (§5: core backend definitions are frozen); a method adds logic beside it.
        if touched.is_none() && in_class && !is_function(*statement) {
            touched = Some(statement.start_byte());
        }
        if touched.is_none() {
            touched = touches(new_src, *statement, old);
        }
    }
    match (kept.peek(), touched) {
        // An old statement missing, or changed: the rewrite shows where the new statement
        // most like it first differs from it.
        (Some((_, lost)), _) => Err(first_difference(&lost.keys, &after)),
        (None, Some(at)) => Err(Some(at)),
        (None, None) => Ok(()),
    }
}

/// The bodies of `was` and `now` when both are a class (decorated or not) and everything
/// before their bodies (decorators, name, bases) is unchanged.
fn same_class<'a, 'b>(
    was: &Node<'a>,
    was_toks: &Tokens,
    now: Node<'b>,
    now_toks: &Tokens,
) -> Option<(Node<'a>, Node<'b>)> {
    let (old_body, new_body) = (class_body(*was)?, class_body(now)?);
    let header = |t: &Tokens, start: usize| -> Vec<Key> {
        t.keys
            .iter()
            .zip(&t.starts)
            .take_while(|(_, s)| **s < start)
            .map(|(k, _)| k.clone())
            .collect()
    };
    (header(was_toks, old_body.start_byte()) == header(now_toks, new_body.start_byte()))
        .then_some((old_body, new_body))
}

/// True for a function definition, decorated or not.
fn is_function(statement: Node<'_>) -> bool {
    let def = match statement.kind_name() {
        "decorated_definition" => statement.field("definition"),
        _ => Some(statement),
    };
    def.is_some_and(|d| d.kind_name() == "function_definition")
}

/// The body of a class statement, decorated or not.
fn class_body(statement: Node<'_>) -> Option<Node<'_>> {
    let class = match statement.kind_name() {
        "decorated_definition" => statement.field("definition")?,
        _ => statement,
    };
    (class.kind_name() == "class_definition").then(|| class.field("body"))?
}

/// The statements of a block, comments aside.
fn body_statements<'t>(block: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = block.walk();
    let statements: Vec<Node<'t>> = block
        .named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .collect();
    statements
}

/// The byte where the statement of `after` that starts most like `lost` leaves it, if any
/// starts like it at all.
fn first_difference(lost: &[Key], after: &[(Node<'_>, Tokens)]) -> Option<usize> {
    let common = |keys: &[Key]| lost.iter().zip(keys).take_while(|(a, b)| a == b).count();
    let (statement, toks) = after
        .iter()
        .rev()
        .max_by_key(|(_, t)| common(&t.keys))
        .filter(|(_, t)| common(&t.keys) > 0)?;
    let at = common(&toks.keys);
    Some(toks.starts.get(at).copied().unwrap_or(statement.end_byte()))
}

/// The statements of the module that start inside `body` (an anchor's body is at module
/// level), comments aside.
fn statements<'t>(src: &'t PySource<'_>, body: &Range<usize>) -> Vec<Node<'t>> {
    let root = src.tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|n| body.contains(&n.start_byte()) && n.kind_name() != "comment")
        .collect()
}

/// A token as compared: its kind, text and depth.
type Key = (u16, String, usize);

/// A statement's tokens, and the byte where each starts.
struct Tokens {
    keys: Vec<Key>,
    starts: Vec<usize>,
}

/// A statement as its tokens: each leaf's kind, text and depth, comments left out (so a
/// comment or a blank line added inside a function changes nothing, and an indentation does).
fn tokens(src: &PySource<'_>, statement: Node<'_>) -> Tokens {
    let mut out = Tokens {
        keys: Vec::new(),
        starts: Vec::new(),
    };
    walk(statement, |node, depth| {
        if node.kind_name() == "comment" {
            return Step::Skip;
        }
        if node.child_count() == 0 {
            out.keys
                .push((node.kind_id(), src.text_of(node).to_string(), depth));
            out.starts.push(node.start_byte());
        }
        Step::Descend
    });
    out
}

#[cfg(test)]
#[path = "insertion_tests.rs"]
mod tests;
