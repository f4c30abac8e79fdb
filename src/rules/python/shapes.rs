//! Shapes of code that are a construct whatever their names: a function with the signature
//! of an ASGI application or of an exception handler, dependencies given to a whole router,
//! a `for` loop without end.

use std::collections::HashMap;

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::identifier;
use super::PySource;

/// `(scope, receive, send)` (after `self`): the signature of an ASGI application, which is
/// what middleware is.
pub(super) fn asgi_signature(src: &PySource<'_>, def: Node<'_>) -> bool {
    let Some(params) = def.field("parameters") else {
        return false;
    };
    let mut cursor = params.walk();
    let names: Vec<String> = params
        .named_children(&mut cursor)
        .map(|p| {
            let n = p.field("name").unwrap_or(p);
            let n = if n.kind_name() == "identifier" {
                n
            } else {
                n.named_child(0).unwrap_or(n)
            };
            identifier(src.text_of(n))
        })
        .filter(|n| n != "self")
        .collect();
    names.len() >= 3 && names[..3] == ["scope", "receive", "send"]
}

/// The construct of dependencies given to a whole router or app (see [`router_wide`]).
pub(crate) const ROUTER_WIDE: &str = "router-wide dependency";

/// `APIRouter(..., dependencies=[...])`, `FastAPI(dependencies=...)`,
/// `app.include_router(r, dependencies=...)`: code run around every request of a router, the
/// request pipeline as middleware is. A route's own `dependencies=[Depends(limit)]` applies
/// a rate limit where the route says so, and stays allowed.
pub(super) fn router_wide(
    src: &PySource<'_>,
    call: Node<'_>,
    aliases: &HashMap<String, String>,
) -> bool {
    let (Some(function), Some(args)) = (call.field("function"), call.field("arguments")) else {
        return false;
    };
    let callee = src.dotted(function, aliases).0;
    let last = callee.rsplit('.').next().unwrap_or_default();
    if !matches!(last, "APIRouter" | "FastAPI" | "include_router") {
        return false;
    }
    let mut cursor = args.walk();
    let found = args.named_children(&mut cursor).any(|a| {
        a.kind_name() == "keyword_argument"
            && a.field("name")
                .is_some_and(|n| identifier(src.text_of(n)) == "dependencies")
    });
    found
}

/// The construct of a `for` loop that never runs out (see [`endless`]).
pub(crate) const ENDLESS_FOR: &str = "endless for";

/// A `for` over an iterator without end: `iter(f, sentinel)` (called until `f` returns the
/// sentinel: `iter(int, 1)` never does), `itertools.count()`, `itertools.cycle(...)`,
/// `itertools.repeat(x)` without a count. Each is `while True:` by another name.
pub(super) fn endless(src: &PySource<'_>, for_loop: Node<'_>) -> bool {
    let Some(call) = for_loop.field("right").filter(|r| r.kind_name() == "call") else {
        return false;
    };
    let (Some(function), Some(args)) = (call.field("function"), call.field("arguments")) else {
        return false;
    };
    let mut cursor = args.walk();
    let count = args.named_children(&mut cursor).count();
    match src.dotted(function, src.aliases()).0.as_str() {
        "iter" | "builtins.iter" => count == 2,
        "itertools.count" | "itertools.cycle" => true,
        "itertools.repeat" => count == 1,
        _ => false,
    }
}

/// The construct of a function shaped as an exception handler (see [`handler_signature`]).
pub(crate) const EXCEPTION_HANDLER: &str = "exception handler";

/// `(request: Request, exc: SomeError)` (after `self`): what Starlette calls with a request and
/// the error an endpoint raised, i.e. an exception handler, registered or not. The request is a
/// parameter annotated `Request` (any module's), or unannotated and named `request` or `req`;
/// the error one annotated with an exception class (`Exception`, `…Error`, `…Exception`), or
/// unannotated and named `exc`, `exception`, `error`, `err` or `e`. A mapping function takes
/// the error alone; an endpoint's second parameter is its input.
pub(super) fn handler_signature(src: &PySource<'_>, def: Node<'_>) -> bool {
    let Some(params) = def.field("parameters") else {
        return false;
    };
    let mut cursor = params.walk();
    let params: Vec<(String, Option<String>)> = params
        .named_children(&mut cursor)
        .map(|p| {
            let name = p.field("name").unwrap_or(p);
            let name = if name.kind_name() == "identifier" {
                name
            } else {
                name.named_child(0).unwrap_or(name)
            };
            let annotation = p.field("type").map(|t| {
                let t = t.named_child(0).unwrap_or(t);
                let last = src.text_of(t).rsplit('.').next().unwrap_or_default();
                identifier(last.trim())
            });
            (identifier(src.text_of(name)), annotation)
        })
        .filter(|(n, _)| n != "self")
        .collect();
    let [(request, request_type), (error, error_type), ..] = params.as_slice() else {
        return false;
    };
    let is_request = match request_type {
        Some(t) => t == "Request",
        None => matches!(request.as_str(), "request" | "req"),
    };
    let is_error = match error_type {
        Some(t) => t.ends_with("Error") || t.ends_with("Exception"),
        None => matches!(error.as_str(), "exc" | "exception" | "error" | "err" | "e"),
    };
    is_request && is_error
}

/// The construct of a router or route class of one's own (see [`router_class`]).
pub(crate) const ROUTER_CLASS: &str = "router class";

/// `class R(APIRouter)` (or `APIRoute`, Starlette's `Router`, `Route`), under any alias: a
/// class that decides how every route of its routers is registered or run, and so can wrap
/// each endpoint (`add_api_route` overridden to catch every error), an interceptor of the
/// whole backend. A router is made from `APIRouter(...)`, never by subclassing it.
pub(super) fn router_class(
    src: &PySource<'_>,
    class: Node<'_>,
    aliases: &HashMap<String, String>,
) -> bool {
    let Some(bases) = class.field("superclasses") else {
        return false;
    };
    let mut cursor = bases.walk();
    let found = bases.named_children(&mut cursor).any(|base| {
        let name = src.dotted(base, aliases).0;
        let last = name.rsplit('.').next().unwrap_or_default();
        matches!(last, "APIRouter" | "APIRoute" | "Router" | "Route")
    });
    found
}
