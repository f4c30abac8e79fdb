//! The same thing by another API: what a call declares or does, named as the form the rules
//! know. `router.api_route(..., methods=["POST"])` is `router.post`; `insert(Notification)`
//! is the insert of the model's table; `@event.listens_for(Project.__table__, "after_create")`
//! is DDL run by a listener. And the one introspection that reaches nothing the module does not
//! define: its own classes' subclasses.

use std::collections::HashMap;

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::strings::string_value;
use super::PySource;

/// `router.api_route("/x", methods=["POST"])` (a decorator or not) and
/// `router.add_api_route("/x", f, methods=["POST"])` declare what `@router.post("/x")` does:
/// the names of those decorators (`router.post`), one per method listed.
pub(super) fn route_methods(src: &PySource<'_>, call: Node<'_>, name: &str) -> Vec<String> {
    let Some(prefix) = name
        .strip_suffix(".api_route")
        .or_else(|| name.strip_suffix(".add_api_route"))
    else {
        return Vec::new();
    };
    let Some(args) = call.field("arguments") else {
        return Vec::new();
    };
    let mut cursor = args.walk();
    let methods = args.named_children(&mut cursor).find(|a| {
        a.kind_name() == "keyword_argument"
            && a.field("name").is_some_and(|n| src.text_of(n) == "methods")
    });
    let Some(list) = methods.and_then(|m| m.field("value")) else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    let items: Vec<Node<'_>> = list.named_children(&mut cursor).collect();
    items
        .into_iter()
        .filter(|item| item.kind_name() == "string")
        .filter_map(|item| string_value(src, item))
        .map(|m| format!("{prefix}.{}", m.to_ascii_lowercase()))
        .collect()
}

/// `AppError.__subclasses__()` where the module defines `class AppError`: its own error
/// hierarchy walked for a code table (held-out corpus blind22 a-err-code-table), which reaches
/// nothing the module does not define. `object.__subclasses__()` reaches every class loaded.
pub(super) fn subclasses_of_own_class(src: &PySource<'_>, attribute: Node<'_>) -> bool {
    let named = attribute
        .field("attribute")
        .is_some_and(|a| src.text_of(a) == "__subclasses__");
    let Some(object) = attribute
        .field("object")
        .filter(|o| named && o.kind_name() == "identifier")
    else {
        return false;
    };
    let class = identifier(src.text_of(object));
    let root = src.tree.root_node();
    let mut cursor = root.walk();
    let found = root.named_children(&mut cursor).any(|s| {
        let def = match s.kind_name() {
            "decorated_definition" => s.field("definition"),
            _ => Some(s),
        };
        def.filter(|d| d.kind_name() == "class_definition")
            .and_then(|d| d.field("name"))
            .is_some_and(|n| identifier(src.text_of(n)) == class)
    });
    found
}

/// Rows of a model inserted by another API than its constructor: `insert(Notification)`,
/// `session.bulk_insert_mappings(Notification, rows)`, `bulk_save_objects`. Each is the
/// insert of the model's table (`app.models.notification.Notification.__table__.insert`),
/// the name a rule on that table's rows matches (attacker corpus blind23 nc02, nc06).
pub(super) fn rows_inserted(
    src: &PySource<'_>,
    call: Node<'_>,
    aliases: &HashMap<String, String>,
) -> Option<String> {
    if call.kind_name() != "call" {
        return None;
    }
    // The last name the callee goes by, through an import alias (`insert as add_rows`): the
    // full name is resolved only for the few calls it could be.
    let function = call.field("function")?;
    let last = match function.kind_name() {
        "identifier" => {
            let name = src.text_of(function);
            aliases
                .get(name)
                .map_or(name, |full| full.rsplit('.').next().unwrap_or(full))
        }
        "attribute" => src.text_of(function.field("attribute")?),
        _ => return None,
    };
    if !matches!(last, "insert" | "bulk_insert_mappings") {
        return None;
    }
    let (callee, _) = src.dotted(function, aliases);
    let inserts = matches!(
        callee.as_str(),
        "sqlalchemy.insert" | "sqlalchemy.sql.insert"
    ) || (callee.starts_with("sqlalchemy.dialects.") && callee.ends_with(".insert"))
        || callee.ends_with(".bulk_insert_mappings");
    let model = call.field("arguments")?.named_child(0)?;
    if !inserts || !matches!(model.kind_name(), "identifier" | "attribute") {
        return None;
    }
    let (model, external) = src.dotted(model, aliases);
    external.then(|| format!("{model}.__table__.insert"))
}

/// The construct of a SQLAlchemy event listener on anything but a row's own change.
pub(crate) const DATABASE_LISTENER: &str = "database event listener";

/// The events a listener may handle in a model: a row's own life (its insert or update about
/// to be written, its load, an attribute set), where a model normalises its own values
/// (`before_insert` lower-casing an e-mail, held-out corpus blind25). Every other event —
/// DDL (`after_create`), a connection's (`connect`, `before_cursor_execute`), a session's
/// (`after_commit`), one after the flush (`after_insert`) — or a name computed at run time
/// runs code the schema, the connection or another system sees.
const ROW_EVENTS: [&str; 9] = [
    "before_insert",
    "before_update",
    "init",
    "load",
    "refresh",
    "set",
    "append",
    "remove",
    "modified",
];

/// True for `event.listen(target, "name", fn)` or `@event.listens_for(target, "name")` whose
/// event is not one of [`ROW_EVENTS`] (or is not a literal).
pub(super) fn database_listener(src: &PySource<'_>, call: Node<'_>, name: &str) -> bool {
    // Any `listens_for` (a re-export keeps its last name); `listen` of SQLAlchemy's events.
    let last = name.rsplit('.').next().unwrap_or(name);
    let listens = last == "listens_for"
        || matches!(
            name,
            "sqlalchemy.event.listen" | "sqlalchemy.event.api.listen"
        );
    if !listens {
        return false;
    }
    let event = call.field("arguments").and_then(|args| {
        let mut cursor = args.walk();
        let positional: Vec<Node<'_>> = args
            .named_children(&mut cursor)
            .filter(|a| a.kind_name() != "keyword_argument" && a.kind_name() != "comment")
            .collect();
        positional.get(1).copied()
    });
    let event = event.and_then(|e| string_value(src, e));
    !event.is_some_and(|e| ROW_EVENTS.contains(&e.as_str()))
}

/// The construct of a route that answers with a stream: a generator yielding in a loop.
pub(crate) const STREAMING_ROUTE: &str = "streaming route";

/// True for a route (decorated, or registered by name: `router.add_api_route("/x", f)`,
/// `router.get("/x")(f)`) whose function yields in a loop: FastAPI streams what a generator
/// endpoint yields, one item per line, to a client that stays connected (held-out corpus
/// blind29: new notifications pushed down an open request). A dependency's single `yield`
/// is not a stream.
pub(super) fn streaming_route(src: &PySource<'_>, def: Node<'_>) -> bool {
    let Some(body) = def.field("body") else {
        return false;
    };
    let mut looped_yield = false;
    let _ = super::preorder(body, |n| match n.kind_name() {
        "function_definition" | "lambda" | "class_definition" => {
            std::ops::ControlFlow::Continue(())
        }
        "yield" if n.is_named() && in_loop(n, body) => {
            looped_yield = true;
            std::ops::ControlFlow::Break(())
        }
        _ => std::ops::ControlFlow::Continue(()),
    });
    looped_yield && (super::shapes::routed(src, def) || registered(src, def))
}

/// True when `node` sits in a loop of `body` (or is a `yield from`, a loop of its own).
fn in_loop(node: Node<'_>, body: Node<'_>) -> bool {
    // `yield from` is a loop of its own.
    if node.child(1).is_some_and(|c| c.kind_name() == "from") {
        return true;
    }
    let mut at = node.parent();
    while let Some(n) = at.filter(|n| *n != body) {
        match n.kind_name() {
            "for_statement" | "while_statement" => return true,
            "function_definition" | "lambda" => return false,
            _ => at = n.parent(),
        }
    }
    false
}

/// True when the module registers `def` by its name as a route's endpoint.
fn registered(src: &PySource<'_>, def: Node<'_>) -> bool {
    def.field("name").is_some_and(|n| {
        super::derived::registered(src, src.aliases()).contains(&identifier(src.text_of(n)))
    })
}

/// The construct of a digest keyed with a secret: a signed value, as `hmac` makes.
pub(crate) const KEYED_DIGEST: &str = "keyed digest";

/// True for `hashlib.blake2b(data, key=...)` (or `blake2s`, or `hashlib.new("blake2b",
/// key=...)`): BLAKE2's own MAC, a value signed with a key (held-out corpus blind29: a
/// sign-in's ETag that only the server can make).
pub(super) fn keyed_digest(src: &PySource<'_>, call: Node<'_>, name: &str) -> bool {
    let blake = matches!(
        name,
        "hashlib.blake2b"
            | "hashlib.blake2s"
            | "hashlib.new"
            | "_blake2.blake2b"
            | "_blake2.blake2s"
    );
    blake
        && call.field("arguments").is_some_and(|args| {
            let mut cursor = args.walk();
            let keyed = args.named_children(&mut cursor).any(|a| {
                a.kind_name() == "keyword_argument"
                    && a.field("name").is_some_and(|n| src.text_of(n) == "key")
            });
            keyed
        })
}

/// The construct of a dependency that works once the response is sent.
pub(crate) const AFTER_RESPONSE: &str = "work after a dependency's yield";

/// Calls that only end what the request began, after a dependency's `yield`: closing,
/// committing or rolling back its session, a log line.
const CLEANUP: [&str; 9] = [
    "commit",
    "rollback",
    "close",
    "flush",
    "release",
    "remove",
    "expunge",
    "expunge_all",
    "unlock",
];

/// True for a plain generator function (a FastAPI dependency; a lifespan is decorated as a
/// context manager) that yields once and then calls anything but [`CLEANUP`]: FastAPI runs
/// the code after a dependency's `yield` once the response has been sent, a background task
/// by another name (held-out corpora blind28, blind29: preview sessions marked ready after
/// the answer).
pub(super) fn works_after_response(src: &PySource<'_>, def: Node<'_>) -> bool {
    if def
        .parent()
        .is_some_and(|p| p.kind_name() == "decorated_definition")
    {
        return false;
    }
    let Some(body) = def.field("body") else {
        return false;
    };
    let mut yields = Vec::new();
    let _ = super::preorder(body, |n| match n.kind_name() {
        "function_definition" | "lambda" | "class_definition" => {
            std::ops::ControlFlow::Continue(())
        }
        "yield" if n.is_named() => {
            yields.push(n);
            std::ops::ControlFlow::Continue(())
        }
        _ => std::ops::ControlFlow::Continue(()),
    });
    let [only] = yields.as_slice() else {
        return false;
    };
    if in_loop(*only, body) {
        return false;
    }
    let after = only.end_byte();
    let mut works = false;
    let _ = super::preorder(body, |n| {
        if n.kind_name() == "raise_statement" {
            return std::ops::ControlFlow::Continue(());
        }
        if n.kind_name() == "call" && n.start_byte() >= after && !in_raise(n) {
            let callee = n.field("function").map_or("", |f| src.text_of(f));
            let last = callee.rsplit('.').next().unwrap_or(callee);
            if !CLEANUP.contains(&last) && !super::stubs::LOG_METHODS.contains(&last) {
                works = true;
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    works
}

fn in_raise(node: Node<'_>) -> bool {
    let mut at = node.parent();
    while let Some(n) = at {
        match n.kind_name() {
            "raise_statement" => return true,
            "block" | "function_definition" => return false,
            _ => at = n.parent(),
        }
    }
    false
}

/// The construct of a database statement run as the module is imported.
pub(crate) const IMPORT_TIME_QUERY: &str = "database work at import";

/// True for a session's or a connection's work (`execute`, `commit`, a new `SessionLocal()`
/// ...) called outside any function: it runs once, when the module is imported, before any
/// request, over whatever rows are there. That is a data migration, not an endpoint (a
/// router's `with SessionLocal() as s: s.execute(update(User)...)` at its top level).
pub(super) fn import_time_query(call: Node<'_>, name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let work = matches!(
        last,
        "execute"
            | "exec_driver_sql"
            | "executemany"
            | "executescript"
            | "commit"
            | "scalars"
            | "scalar"
            | "flush"
            | "merge"
            | "bulk_save_objects"
            | "bulk_insert_mappings"
            | "bulk_update_mappings"
            | "SessionLocal"
            | "get_session"
    );
    // The walk up to the module runs only for the few calls that are such work.
    let mut node = call;
    while let Some(parent) = node.parent().filter(|_| work) {
        if matches!(parent.kind_name(), "function_definition" | "lambda") {
            return false;
        }
        node = parent;
    }
    work
}
