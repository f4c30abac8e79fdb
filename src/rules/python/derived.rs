//! A credential minted by hand: what a route hands back that a hash or an encoding of the
//! password (its stored hash, its salt, a secret) produced. `sha256(f"{id}:{hash}")` or
//! `base64(f"{id}:{hash[-16:]}")` returned from a sign-in is a token by another name, whatever
//! the response calls it (§3: tokens appear in Phase K). Storing such a hash on the model
//! (`User(password_hash=scrypt(...))`) is sign-up's job, and is not a value handed back.

use std::collections::HashMap;

use tree_sitter::Node;

use super::resolve::identifier;
use super::PySource;

/// The construct's name, for `syntax:` lists.
pub(super) const CONSTRUCT: &str = "credential derived from a password";

/// Callees that hash or encode their input: a module's functions, or a method by its name.
const MODULES: &[&str] = &["hashlib.", "hmac.", "base64.", "binascii.", "codecs."];
const METHODS: &[&str] = &[
    "hex",
    "hexdigest",
    "digest",
    "b64encode",
    "urlsafe_b64encode",
    "b32encode",
    "b16encode",
    "b85encode",
];

/// The decorators that make a function a route (`@router.post(...)`), by their last segment.
const ROUTES: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
];

/// A bound name is followed this many times (`key = b64(raw)`, `raw = f"{id}:{hash}"`).
const FOLLOW: usize = 3;

/// True when `ret`, a `return` statement of a route handler, hands back a value that a hash
/// or an encoding of a password-like name produced.
pub(super) fn returns_derived(
    src: &PySource<'_>,
    ret: Node<'_>,
    aliases: &HashMap<String, String>,
) -> bool {
    let Some(value) = ret.named_child(0) else {
        return false;
    };
    let Some(handler) = enclosing_function(ret) else {
        return false;
    };
    if !is_route(src, handler, aliases) {
        return false;
    }
    let bindings = bindings(src, handler);
    derived(src, value, aliases, &bindings, FOLLOW)
}

/// The function a statement belongs to (not a class's body, not a lambda's).
fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut at = node.parent();
    while let Some(n) = at {
        match n.kind() {
            "function_definition" => return Some(n),
            "class_definition" | "lambda" => return None,
            _ => at = n.parent(),
        }
    }
    None
}

fn is_route(src: &PySource<'_>, def: Node<'_>, aliases: &HashMap<String, String>) -> bool {
    let Some(decorated) = def.parent().filter(|p| p.kind() == "decorated_definition") else {
        return false;
    };
    let mut cursor = decorated.walk();
    let is_route = decorated
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "decorator")
        .filter_map(|d| d.named_child(0))
        .filter_map(|e| match e.kind() {
            "call" => e.child_by_field_name("function"),
            _ => None,
        })
        .any(|f| {
            let (name, _) = src.dotted(f, aliases);
            name.rsplit('.')
                .next()
                .is_some_and(|last| ROUTES.contains(&last))
        });
    is_route
}

/// Plain names the function binds (`key = ...`), each with the values bound to it.
fn bindings<'t>(src: &PySource<'t>, def: Node<'t>) -> HashMap<String, Vec<Node<'t>>> {
    let mut out: HashMap<String, Vec<Node<'t>>> = HashMap::new();
    let Some(body) = def.child_by_field_name("body") else {
        return out;
    };
    let _ = super::preorder(body, |node| {
        if node.kind() == "assignment" {
            if let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) {
                if left.kind() == "identifier" {
                    out.entry(identifier(src.text_of(left)))
                        .or_default()
                        .push(right);
                }
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    out
}

/// True when `expr` holds (or, through names bound in the handler, was made from) a hash or
/// an encoding over a password-like name. A model's constructor is not looked into: what it
/// stores is not handed back (the route answers with the account, read back by its schema).
fn derived(
    src: &PySource<'_>,
    expr: Node<'_>,
    aliases: &HashMap<String, String>,
    bindings: &HashMap<String, Vec<Node<'_>>>,
    follow: usize,
) -> bool {
    match expr.kind() {
        "identifier" => {
            follow > 0
                && bindings
                    .get(&identifier(src.text_of(expr)))
                    .is_some_and(|values| {
                        values
                            .iter()
                            .any(|v| derived(src, *v, aliases, bindings, follow - 1))
                    })
        }
        "call" => {
            let Some(function) = expr.child_by_field_name("function") else {
                return false;
            };
            let (callee, _) = src.dotted(function, aliases);
            if callee.starts_with("models.") || callee.contains(".models.") {
                return false;
            }
            let hashes = MODULES.iter().any(|m| callee.starts_with(m))
                || callee
                    .rsplit('.')
                    .next()
                    .is_some_and(|last| METHODS.contains(&last));
            if hashes && (names_a_secret(src, expr, bindings, follow)) {
                return true;
            }
            children(expr).any(|c| derived(src, c, aliases, bindings, follow))
        }
        "lambda" | "function_definition" => false,
        // `user.email`: what an attribute of a bound object reads is its own (the object may
        // hold the password's hash beside it); `sha256(x).hexdigest` is looked into.
        "attribute" => expr
            .child_by_field_name("object")
            .filter(|o| o.kind() != "identifier" || transforms(src, expr))
            .is_some_and(|o| derived(src, o, aliases, bindings, follow)),
        _ => children(expr).any(|c| derived(src, c, aliases, bindings, follow)),
    }
}

/// `raw.encode`, `key.upper`: a method giving the object's value back transformed, so what
/// the object was bound to flows on (`user.email` reads another value).
fn transforms(src: &PySource<'_>, attribute: Node<'_>) -> bool {
    attribute.child_by_field_name("attribute").is_some_and(|a| {
        matches!(
            src.text_of(a),
            "encode"
                | "decode"
                | "lower"
                | "upper"
                | "casefold"
                | "strip"
                | "lstrip"
                | "rstrip"
                | "replace"
                | "format"
                | "hex"
                | "zfill"
                | "removeprefix"
                | "removesuffix"
        )
    })
}

fn children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i))
}

/// True when a name under `node` (an identifier or an attribute's name), or a value bound to
/// one in the handler, is a password, its hash, its salt or a secret.
fn names_a_secret(
    src: &PySource<'_>,
    node: Node<'_>,
    bindings: &HashMap<String, Vec<Node<'_>>>,
    follow: usize,
) -> bool {
    let mut found = false;
    let _ = super::preorder(node, |n| {
        if n.kind() == "identifier" {
            let name = identifier(src.text_of(n));
            // `user.email` names the e-mail: the object's binding is not followed, the
            // attribute's name decides (`user.password_hash`).
            let in_attribute = n
                .parent()
                .is_some_and(|p| p.kind() == "attribute" && !transforms(src, p));
            found = secret_name(&name)
                || (!in_attribute
                    && follow > 0
                    && bindings.get(&name).is_some_and(|values| {
                        values
                            .iter()
                            .any(|v| names_a_secret(src, *v, bindings, follow - 1))
                    }));
        }
        if found {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    found
}

/// `password`, `password_hash`, `hashed_password`, `pwd`, `salt`, `secret_key`, ...
fn secret_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.contains("password")
        || lower.contains("passwd")
        || lower.split('_').any(|part| {
            matches!(
                part,
                "pwd" | "pw" | "passphrase" | "salt" | "secret" | "secrets" | "hashed"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::secret_name;

    #[test]
    fn secret_names_are_what_a_password_is_kept_as() {
        for name in [
            "password",
            "password_hash",
            "hashed_password",
            "pwd",
            "salt",
            "PasswordHash",
            "pw_hash",
            "secret_key",
        ] {
            assert!(secret_name(name), "{name}");
        }
        for name in [
            "email",
            "user_id",
            "display_name",
            "content_hash",
            "passport",
            "salty_name",
        ] {
            assert!(!secret_name(name), "{name}");
        }
    }
}
