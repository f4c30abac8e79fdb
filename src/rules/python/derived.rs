//! A credential minted by hand: what a route hands back that a hash or an encoding of the
//! password (its stored hash, its salt, a secret) or of random bytes produced. `sha256(f"{id}:{hash}")` or
//! `base64(f"{id}:{hash[-16:]}")` returned from a sign-in is a token by another name, whatever
//! the response calls it (§3: tokens appear in Phase K). Storing such a hash on the model
//! (`User(password_hash=scrypt(...))`) is sign-up's job, and is not a value handed back.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::{identifier, is_model};
use super::PySource;

/// The construct's name, for `syntax:` lists.
pub(super) const CONSTRUCT: &str = "credential derived from a password or random bytes";

/// Callees that hash or encode their input: a module's functions, or a method by its name.
pub(super) const MODULES: &[&str] = &["hashlib.", "hmac.", "base64.", "binascii.", "codecs."];
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
use super::shapes::ROUTE_DECORATORS as ROUTES;

/// A bound name, or a helper of the module, is followed this many times (`key = b64(raw)`,
/// `raw = f"{id}:{hash}"`, `return make_key(user)`).
const FOLLOW: usize = 3;

/// Reads the routes of one file for credentials derived from a password.
pub(super) struct Reader<'a, 't> {
    src: &'a PySource<'t>,
    aliases: &'a HashMap<String, String>,
    /// The module's top-level functions by name, and the names registered as routes without
    /// a decorator (`router.add_api_route("/k", make_key)`, `router.post("/k")(make_key)`);
    /// found when a `return` first needs them.
    module: OnceCell<(HashMap<String, Node<'a>>, HashSet<String>)>,
}

type Bindings<'a> = HashMap<String, Vec<Node<'a>>>;

impl<'a, 't> Reader<'a, 't> {
    pub(super) fn new(src: &'a PySource<'t>, aliases: &'a HashMap<String, String>) -> Self {
        Self {
            src,
            aliases,
            module: OnceCell::new(),
        }
    }

    /// True when `ret`, a `return` statement of a route handler, hands back a value that a
    /// hash or an encoding of a password-like name produced.
    pub(super) fn returns_derived(&self, ret: Node<'a>) -> bool {
        let Some(value) = ret.named_child(0) else {
            return false;
        };
        let Some(handler) = enclosing_function(ret) else {
            return false;
        };
        if !self.is_route(handler) {
            return false;
        }
        self.derived(value, &bindings(self.src, handler), FOLLOW)
    }

    fn module(&self) -> &(HashMap<String, Node<'a>>, HashSet<String>) {
        self.module.get_or_init(|| {
            let root = self.src.tree.root_node();
            let mut functions = HashMap::new();
            for i in 0..root.named_child_count() {
                let Some(mut node) = root.named_child(i) else {
                    continue;
                };
                if node.kind_name() == "decorated_definition" {
                    match node.field("definition") {
                        Some(d) => node = d,
                        None => continue,
                    }
                }
                if node.kind_name() == "function_definition" {
                    if let Some(name) = node.field("name") {
                        functions.insert(identifier(self.src.text_of(name)), node);
                    }
                }
            }
            (functions, registered(self.src, self.aliases))
        })
    }

    fn last_segment_in(&self, callee: Node<'_>, names: &[&str]) -> bool {
        last_segment_in(self.src, self.aliases, callee, names)
    }

    fn is_route(&self, def: Node<'_>) -> bool {
        if let Some(decorated) = def
            .parent()
            .filter(|p| p.kind_name() == "decorated_definition")
        {
            let decorated_route = children(decorated)
                .filter(|c| c.kind_name() == "decorator")
                .filter_map(|d| d.named_child(0))
                .filter(|e| e.kind_name() == "call")
                .filter_map(|e| e.field("function"))
                .any(|f| self.last_segment_in(f, ROUTES));
            if decorated_route {
                return true;
            }
        }
        def.field("name")
            .is_some_and(|n| self.module().1.contains(&identifier(self.src.text_of(n))))
    }

    /// True when `expr` holds (or, through names bound in the function and the module's
    /// helpers it calls, was made from) a hash or an encoding over a password-like name. A
    /// model's constructor is not looked into: what it stores is not handed back (the route
    /// answers with the account, read back by its schema).
    fn derived(&self, expr: Node<'a>, bindings: &Bindings<'a>, follow: usize) -> bool {
        let src = self.src;
        match expr.kind_name() {
            "identifier" => {
                follow > 0
                    && bindings
                        .get(&identifier(src.text_of(expr)))
                        .is_some_and(|values| {
                            values
                                .iter()
                                .any(|v| self.derived(*v, bindings, follow - 1))
                        })
            }
            "call" => {
                let Some(function) = expr.field("function") else {
                    return false;
                };
                let (callee, external) = src.dotted(function, self.aliases);
                if is_model(&callee) {
                    return false;
                }
                let hashes = MODULES.iter().any(|m| callee.starts_with(m))
                    || callee
                        .rsplit('.')
                        .next()
                        .is_some_and(|last| METHODS.contains(&last));
                if hashes && names_a_secret(src, expr, bindings, follow) {
                    return true;
                }
                // `make_key(user)`: a helper of the module, judged by what it returns.
                let helper = (!external && function.kind_name() == "identifier")
                    .then(|| self.module().0.get(&callee).copied())
                    .flatten();
                if let Some(helper) = helper.filter(|_| follow > 0) {
                    if self.helper_returns_derived(helper, follow - 1) {
                        return true;
                    }
                }
                children(expr).any(|c| self.derived(c, bindings, follow))
            }
            "lambda" | "function_definition" => false,
            // `user.email`: what an attribute of a bound object reads is its own (the object
            // may hold the password's hash beside it); `sha256(x).hexdigest` is looked into.
            "attribute" => expr
                .field("object")
                .filter(|o| o.kind_name() != "identifier" || transforms(src, expr))
                .is_some_and(|o| self.derived(o, bindings, follow)),
            _ => children(expr).any(|c| self.derived(c, bindings, follow)),
        }
    }

    /// Any `return` of `def` (not of a function nested in it) hands back a derived value.
    fn helper_returns_derived(&self, def: Node<'a>, follow: usize) -> bool {
        let Some(body) = def.field("body") else {
            return false;
        };
        let bindings = bindings(self.src, def);
        let mut found = false;
        let _ = super::preorder(body, |node| {
            if node.kind_name() == "return_statement"
                && enclosing_function(node) == Some(def)
                && node
                    .named_child(0)
                    .is_some_and(|v| self.derived(v, &bindings, follow))
            {
                found = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        found
    }
}

/// The function a statement belongs to (not a class's body, not a lambda's).
pub(super) fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut at = node.parent();
    while let Some(n) = at {
        match n.kind_name() {
            "function_definition" => return Some(n),
            "class_definition" | "lambda" => return None,
            _ => at = n.parent(),
        }
    }
    None
}

/// Plain names the function binds (`key = ...`), each with the values bound to it.
fn bindings<'n>(src: &PySource<'_>, def: Node<'n>) -> Bindings<'n> {
    let mut out: Bindings<'n> = HashMap::new();
    let Some(body) = def.field("body") else {
        return out;
    };
    let _ = super::preorder(body, |node| {
        if node.kind_name() == "assignment" {
            if let (Some(left), Some(right)) = (node.field("left"), node.field("right")) {
                if left.kind_name() == "identifier" {
                    out.entry(identifier(src.text_of(left)))
                        .or_default()
                        .push(right);
                }
            }
        }
        ControlFlow::Continue(())
    });
    out
}

/// `raw.encode`, `key.upper`: a method giving the object's value back transformed, so what
/// the object was bound to flows on (`user.email` reads another value).
fn transforms(src: &PySource<'_>, attribute: Node<'_>) -> bool {
    attribute.field("attribute").is_some_and(|a| {
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

/// Names passed to `*.add_api_route(...)` / `*.add_route(...)`, or to a route decorator
/// called as a function (`router.post("/k")(make_key)`).
pub(super) fn registered(src: &PySource<'_>, aliases: &HashMap<String, String>) -> HashSet<String> {
    let mut out = HashSet::new();
    let text = &src.text;
    if !text.contains("add_api_route") && !text.contains("add_route") && !text.contains(")(") {
        return out;
    }
    let _ = super::preorder(src.tree.root_node(), |node| {
        if node.kind_name() != "call" {
            return ControlFlow::Continue(());
        }
        let (Some(function), Some(args)) = (node.field("function"), node.field("arguments")) else {
            return ControlFlow::Continue(());
        };
        let registers = match function.kind_name() {
            "call" => function
                .field("function")
                .is_some_and(|f| last_segment_in(src, aliases, f, ROUTES)),
            _ => last_segment_in(src, aliases, function, &["add_api_route", "add_route"]),
        };
        if registers {
            for a in children(args) {
                let value = match a.kind_name() {
                    "keyword_argument" => a.field("value"),
                    _ => Some(a),
                };
                if let Some(v) = value.filter(|v| v.kind_name() == "identifier") {
                    out.insert(identifier(src.text_of(v)));
                }
            }
        }
        ControlFlow::Continue(())
    });
    out
}

/// True when `callee`'s dotted name ends in one of `names`.
fn last_segment_in(
    src: &PySource<'_>,
    aliases: &HashMap<String, String>,
    callee: Node<'_>,
    names: &[&str],
) -> bool {
    let (name, _) = src.dotted(callee, aliases);
    name.rsplit('.')
        .next()
        .is_some_and(|last| names.contains(&last))
}

fn children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i))
}

/// True when a name under `node` (an identifier or an attribute's name), or a value bound to
/// one in the handler, is a password, its hash, its salt or a secret.
fn names_a_secret(
    src: &PySource<'_>,
    node: Node<'_>,
    bindings: &Bindings<'_>,
    follow: usize,
) -> bool {
    let mut found = false;
    let _ = super::preorder(node, |n| {
        if n.kind_name() == "identifier" {
            let name = identifier(src.text_of(n));
            // `user.email` names the e-mail: the object's binding is not followed, the
            // attribute's name decides (`user.password_hash`).
            let in_attribute = n
                .parent()
                .is_some_and(|p| p.kind_name() == "attribute" && !transforms(src, p));
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
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    found
}

/// `password`, `password_hash`, `hashed_password`, `pwd`, `salt`, `secret_key`, ...
/// Random bytes (`os.urandom(24)`, `secrets.token_bytes()`) count too: encoded and handed
/// back, they are an opaque session key (a salt is stored, not returned).
fn secret_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    matches!(
        lower.as_str(),
        "urandom" | "token_bytes" | "randbytes" | "getrandbits"
    ) || lower.contains("password")
        || lower.contains("passwd")
        || lower.split('_').any(|part| {
            matches!(
                part,
                "pwd" | "pw" | "passphrase" | "salt" | "secret" | "secrets" | "hashed"
            )
        })
}

#[cfg(test)]
#[path = "derived_tests.rs"]
mod tests;
