//! A password's salt made from random text (`salt = secrets.token_hex(16)`): random, as a
//! token is, but made to be hashed with the password and stored beside its digest. Only where
//! it is used for that alone is it a salt; handed back, it is a token (see [`super::derived`]).

use std::ops::ControlFlow;

use tree_sitter::Node;

use super::derived::{enclosing_function, MODULES};
use super::node::NodeExt;
use super::resolve::identifier;
use super::PySource;

/// True when the call whose callee spans `span` makes a password's salt (held-out corpus
/// blind30: `salt = secrets.token_hex(16)` for `hashlib.pbkdf2_hmac`): its value (encoded or
/// not) passed as `salt=` to a hashing call, or assigned to a name with `salt` in it that the
/// function uses only for hashing — as an argument of a hashing call, or beside a digest in
/// the text it stores (`salt + "$" + digest.hex()`). A salt handed back as it is
/// (`return {"ticket": salt}`) is a token.
pub(crate) fn salted(src: &PySource<'_>, span: std::ops::Range<usize>) -> bool {
    let Some(callee) = src
        .tree
        .root_node()
        .descendant_for_byte_range(span.start, span.end)
    else {
        return false;
    };
    let Some(mut value) = callee.parent().filter(|c| c.kind_name() == "call") else {
        return false;
    };
    // `secrets.token_hex(16).encode()`: the encoded value is the salt.
    while let Some(call) = value
        .parent()
        .filter(|p| p.kind_name() == "attribute")
        .and_then(|a| a.parent())
        .filter(|c| c.kind_name() == "call")
    {
        value = call;
    }
    let Some(parent) = value.parent() else {
        return false;
    };
    let salt_name = |n: Node<'_>| {
        identifier(src.text_of(n))
            .to_lowercase()
            .split('_')
            .any(|p| p == "salt")
    };
    match parent.kind_name() {
        "keyword_argument" => {
            parent.field("name").is_some_and(salt_name)
                && parent
                    .parent()
                    .and_then(|args| args.parent())
                    .is_some_and(|call| hashing_call(src, call))
        }
        "assignment" => {
            let Some(name) = parent
                .field("left")
                .filter(|l| l.kind_name() == "identifier" && salt_name(*l))
            else {
                return false;
            };
            let Some(body) = enclosing_function(parent).and_then(|f| f.field("body")) else {
                return false;
            };
            let name = src.text_of(name);
            let mut only_hashing = true;
            let _ = super::preorder(body, |n| {
                if n.kind_name() == "identifier"
                    && src.text_of(n) == name
                    && n.start_byte() > parent.end_byte()
                    && !used_for_hashing(src, n)
                {
                    only_hashing = false;
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            });
            only_hashing
        }
        _ => false,
    }
}

/// True for a call that hashes its input: `hashlib.pbkdf2_hmac(...)`, `bcrypt.hashpw(...)`,
/// `hasher.hash(...)`.
fn hashing_call(src: &PySource<'_>, call: Node<'_>) -> bool {
    let Some(function) = call.field("function") else {
        return false;
    };
    let text = src.text_of(function);
    let last = text.rsplit('.').next().unwrap_or(text);
    MODULES.iter().any(|m| text.starts_with(m))
        || matches!(
            last,
            "pbkdf2_hmac" | "scrypt" | "hashpw" | "hash" | "sha256" | "sha512" | "blake2b"
        )
}

/// True when a use of a salt hashes it: inside the arguments of a hashing call, or in a
/// text (`+`, an f-string) that also holds a digest (`.hex()`, `.hexdigest()`).
fn used_for_hashing(src: &PySource<'_>, name: Node<'_>) -> bool {
    let mut at = name.parent();
    while let Some(n) = at {
        match n.kind_name() {
            // `bytes.fromhex(salt)` inside the hashing call's arguments: look further out.
            "argument_list" if n.parent().is_some_and(|call| hashing_call(src, call)) => {
                return true;
            }
            "binary_operator" | "string" | "concatenated_string" => {
                let text = src.text_of(n);
                if [".hex()", ".hexdigest()", "b64encode("]
                    .iter()
                    .any(|d| text.contains(d))
                {
                    return true;
                }
            }
            "function_definition" | "block" | "expression_statement" | "return_statement" => {
                return false;
            }
            _ => {}
        }
        at = n.parent();
    }
    false
}
