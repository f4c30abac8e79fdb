//! Walking a parsed file into [facts](super::Fact): one cursor, depth first, in source order.

use std::collections::HashMap;
use std::ops::ControlFlow;

use tree_sitter::Node;

use super::defs::names_defined_by;
use super::derived;
use super::node::NodeExt;
use super::resolve::{self, identifier};
use super::shapes::{asgi_signature, endless, handler_signature, router_class, router_wide};
use super::strings::{holds_string, joined_text, string_fact, string_value};
use super::{apis, claims, sessions, shapes};
use super::{preorder, Fact, FactKind, PySource};

/// Every fact of `src`, in source order.
pub(super) fn collect(src: &PySource<'_>) -> Vec<Fact> {
    let (aliases, modules) = src.aliases_and_modules();
    let mut facts = Vec::new();
    let mut defined = Vec::new();
    let credentials = derived::Reader::new(src, aliases);
    let state = std::cell::OnceCell::new();
    let _ = preorder(src.tree.root_node(), |node| {
        visit(src, node, aliases, &mut facts);
        names_defined_by(src, node, &mut defined);
        for (name, at) in defined.drain(..) {
            facts.push(Fact {
                kind: FactKind::Defined,
                name,
                span: at.byte_range(),
                external: false,
            });
        }
        if node.kind_name() == "return_statement" && credentials.returns_derived(node) {
            facts.push(syntax(derived::CONSTRUCT, node.byte_range()));
        }
        if node.kind_name() == "function_definition" {
            for (construct, span) in claims::claims(src, aliases, node) {
                facts.push(syntax(construct, span));
            }
        }
        if let Some(name) = apis::rows_inserted(src, node, aliases) {
            facts.push(Fact {
                kind: FactKind::Call,
                name,
                span: node.byte_range(),
                external: true,
            });
        }
        if let Some((span, id)) = sessions::kept(src, node, &state) {
            if id {
                facts.push(syntax(sessions::CONSTRUCT, span.clone()));
            }
            facts.push(syntax(sessions::STATE_CHANGED, span));
        }
        if node.kind_name() == "call" && router_wide(src, node) {
            facts.push(syntax(shapes::ROUTER_WIDE, node.byte_range()));
        }
        // Only a builtin's name can be one (read as Python reads it: NFKC for non-ASCII).
        let raw = src.text_of(node);
        if node.kind_name() == "identifier" && (!raw.is_ascii() || resolve::BUILTINS.contains(&raw))
        {
            let name = identifier(raw);
            if !aliases.contains_key(&name) && shapes::dynamic_value(node, &name) {
                facts.push(syntax(shapes::DYNAMIC_VALUE, node.byte_range()));
            }
        }
        if node.kind_name() == "call" {
            if let Some(what) = dynamic_access(src, node, aliases, modules) {
                facts.push(syntax(what, node.byte_range()));
            }
        }
        ControlFlow::Continue(())
    });
    facts
}

fn visit(
    src: &PySource<'_>,
    node: Node<'_>,
    aliases: &HashMap<String, String>,
    facts: &mut Vec<Fact>,
) {
    let mut push = |kind, (name, external): (String, bool), at: Node<'_>| {
        facts.push(Fact {
            kind,
            name,
            span: at.byte_range(),
            external,
        })
    };
    match node.kind_name() {
        "call" => call_facts(src, node, aliases, &mut push),
        "decorator" => {
            if let Some(expr) = node.named_child(0) {
                let target = match expr.kind_name() {
                    "call" => expr.field("function").unwrap_or(expr),
                    _ => expr,
                };
                push(FactKind::Decorator, src.dotted(target, aliases), node);
            }
        }
        "attribute" => {
            if apis::subclasses_of_own_class(src, node) {
                return;
            }
            let (name, external) = src.dotted(node, aliases);
            if external && reaches_module(src, node, &name) {
                push(FactKind::Import, (name.clone(), true), node);
            }
            push(FactKind::Attribute, (name, external), node);
        }
        "identifier" => {
            let name = identifier(src.text_of(node));
            let external = aliases.contains_key(&name);
            push(FactKind::Name, (name, external), node);
        }
        "keyword_argument" => {
            if let Some(name) = node.field("name") {
                push(
                    FactKind::Keyword,
                    (identifier(src.text_of(name)), false),
                    name,
                );
            }
        }
        "import_statement" | "import_from_statement" => {
            for (full, _, at) in src.imports_of(node) {
                push(FactKind::Import, (full, true), at);
            }
        }
        "string" | "concatenated_string" | "binary_operator" | "subscript" => {
            if let Some(value) = string_fact(src, node) {
                push(FactKind::Str, (value, false), node);
            }
        }
        "await" if node.is_named() => push(FactKind::Syntax, ("await".into(), false), node),
        "assignment" | "augmented_assignment" if patches_another_module(src, node, aliases) => {
            push(
                FactKind::Syntax,
                ("assignment to another module".into(), false),
                node,
            );
        }
        "class_definition" => {
            if let Some(name) = node.field("name") {
                push(FactKind::Def, (identifier(src.text_of(name)), false), name);
            }
            if router_class(src, node) {
                facts.push(syntax(shapes::ROUTER_CLASS, node.byte_range()));
            }
        }
        "function_definition" | "with_statement" | "for_statement" | "while_statement" => {
            facts.extend(construct(src, node));
        }
        // `EXCEPTION_HANDLERS = {NotFound: lambda request, exc: JSONResponse(...)}`
        "lambda" if handler_signature(src, node) => {
            facts.push(syntax(shapes::EXCEPTION_HANDLER, node.byte_range()))
        }
        _ => {}
    }
}

/// The facts of a call: its callee, the routes and listeners it declares, the text it joins.
fn call_facts(
    src: &PySource<'_>,
    node: Node<'_>,
    aliases: &HashMap<String, String>,
    push: &mut impl FnMut(FactKind, (String, bool), Node<'_>),
) {
    if let Some(f) = node.field("function") {
        let (name, external) = src.dotted(f, aliases);
        for method in apis::route_methods(src, node, &name) {
            push(FactKind::Decorator, (method, external), node);
        }
        if apis::database_listener(src, node, &name) {
            push(
                FactKind::Syntax,
                (apis::DATABASE_LISTENER.into(), false),
                node,
            );
        }
        if apis::import_time_query(node, &name) {
            push(
                FactKind::Syntax,
                (apis::IMPORT_TIME_QUERY.into(), false),
                node,
            );
        }
        if apis::keyed_digest(src, node, &name) {
            push(FactKind::Syntax, (apis::KEYED_DIGEST.into(), false), node);
        }
        if let Some((attribute, external)) = literal_getattr(src, node, &name, aliases) {
            let called = node
                .parent()
                .and_then(|p| p.field("function"))
                .is_some_and(|f| f == node);
            if called {
                push(FactKind::Call, (attribute.clone(), external), node);
            }
            push(FactKind::Attribute, (attribute, external), node);
        }
        push(FactKind::Call, (name, external), f);
    }
    if let Some(value) = joined_text(src, node) {
        push(FactKind::Str, (value, false), node);
    }
}

/// `getattr(router, "add_websocket_route")` is `router.add_websocket_route`, a literal name
/// read as the attribute it names (held-out corpus blind33: a websocket route, `create_all`,
/// a metadata's `tables`, each reached so), with its object resolved as `a.b` would be.
fn literal_getattr(
    src: &PySource<'_>,
    call: Node<'_>,
    callee: &str,
    aliases: &HashMap<String, String>,
) -> Option<(String, bool)> {
    if !matches!(callee, "getattr" | "builtins.getattr") {
        return None;
    }
    let args = call.field("arguments")?;
    let object = args.named_child(0)?;
    let name = args.named_child(1).filter(|n| n.kind_name() == "string")?;
    let name = string_value(src, name)?;
    let (object, external) = src.dotted(object, aliases);
    Some((format!("{object}.{name}"), external))
}

/// `typing.sys`: a module reached through another is imported, as far as the positive model
/// of a fill's imports is concerned.
fn reaches_module(src: &PySource<'_>, node: Node<'_>, name: &str) -> bool {
    !name.contains('.')
        && node.field("attribute").is_some_and(|a| {
            resolve::REACHED_MODULES.contains(&identifier(src.text_of(a)).as_str())
        })
}

/// `fastapi.routing.run_endpoint_function = f`: another module patched at run time; so is an
/// entry of its objects (`os.environ["X"] = "1"`, `sys.modules[k] = m`).
fn patches_another_module(
    src: &PySource<'_>,
    node: Node<'_>,
    aliases: &HashMap<String, String>,
) -> bool {
    node.field("left").is_some_and(|l| match l.kind_name() {
        "attribute" => src.dotted(l, aliases).1,
        "subscript" => l.field("value").is_some_and(|v| src.dotted(v, aliases).1),
        _ => false,
    })
}

/// The fact that `span` shows the construct `name`.
fn syntax(name: &str, span: std::ops::Range<usize>) -> Fact {
    Fact {
        kind: FactKind::Syntax,
        name: name.to_string(),
        span,
        external: false,
    }
}

/// The facts of a definition or a compound statement: the name a `def` defines, and the
/// constructs named `async def`, `async with`, `async for`, `while`, `while True`.
fn construct(src: &PySource<'_>, node: Node<'_>) -> Vec<Fact> {
    let fact = |kind, name: String, at: Node<'_>| Fact {
        kind,
        name,
        span: at.byte_range(),
        external: false,
    };
    let mut out = Vec::new();
    match node.kind_name() {
        "function_definition" | "with_statement" | "for_statement" => {
            if node.kind_name() == "function_definition" {
                if let Some(name) = node.field("name") {
                    out.push(fact(FactKind::Def, identifier(src.text_of(name)), name));
                }
                if apis::streaming_route(src, node) {
                    out.push(fact(FactKind::Syntax, apis::STREAMING_ROUTE.into(), node));
                }
                if apis::works_after_response(src, node) {
                    out.push(fact(FactKind::Syntax, apis::AFTER_RESPONSE.into(), node));
                }
                if asgi_signature(src, node) {
                    out.push(fact(FactKind::Syntax, "ASGI application".into(), node));
                }
                if handler_signature(src, node) {
                    out.push(fact(
                        FactKind::Syntax,
                        shapes::EXCEPTION_HANDLER.into(),
                        node,
                    ));
                }
            }
            if node.kind_name() == "for_statement" && endless(src, node) {
                out.push(fact(FactKind::Syntax, shapes::ENDLESS_FOR.into(), node));
            }
            if node.child(0).is_some_and(|c| c.kind_name() == "async") {
                let what = match node.kind_name() {
                    "function_definition" => "async def",
                    "with_statement" => "async with",
                    _ => "async for",
                };
                out.push(fact(FactKind::Syntax, what.into(), node));
            }
        }
        "while_statement" => {
            if !shapes::progresses(src, node) {
                out.push(fact(FactKind::Syntax, "while".into(), node));
            }
            // `while True:`, and its spellings `while 1:`, `while 2:` …
            let forever = node.field("condition").is_some_and(|c| {
                c.kind_name() == "true"
                    || (c.kind_name() == "integer"
                        && !src.text_of(c).trim_start_matches('0').is_empty())
            });
            if forever {
                out.push(fact(FactKind::Syntax, "while True".into(), node));
            }
        }
        _ => {}
    }
    out
}

/// `getattr(x, name)` and its kin reach attributes by a name the rules cannot read. On a
/// module, any of them does (`getattr(orm, "relationship")`); elsewhere, a `getattr` with a
/// computed name (anything but a string literal) does, but not on the object's own
/// attributes (`getattr(self, column.name)`, as `as_dict()` does). Setting or testing a
/// computed attribute of an object (`setattr(project, field, value)` in a PATCH) calls
/// nothing, and stays allowed.
fn dynamic_access(
    src: &PySource<'_>,
    call: Node<'_>,
    aliases: &HashMap<String, String>,
    modules: &std::collections::HashSet<String>,
) -> Option<&'static str> {
    let function = call.field("function")?;
    if function.kind_name() != "identifier" {
        return None;
    }
    let name = identifier(src.text_of(function));
    if aliases.contains_key(&name) {
        return None;
    }
    let args = call.field("arguments")?;
    if !matches!(name.as_str(), "getattr" | "setattr" | "delattr" | "hasattr") {
        return module_passed(src, &name, args, modules);
    }
    let object = args.named_child(0)?;
    let attribute = args.named_child(1)?;
    let mut root = object;
    while root.kind_name() == "attribute" {
        root = root.field("object")?;
    }
    if root.kind_name() == "identifier" && modules.contains(&identifier(src.text_of(root))) {
        return Some("getattr on a module");
    }
    // A name built from string literals (`"rel" + "ationship"`, `"pihsnoitaler"[::-1]`, an
    // f-string) hides what it reaches; a name from data (`getattr(self, column.name)`,
    // `getattr(user, field)`) reads the object's own attributes, as `as_dict()` does.
    let literal = attribute.kind_name() == "string" && string_value(src, attribute).is_some();
    let built = !literal && holds_string(attribute);
    // On a name imported from another module (`getattr(JobState, name)`), any computed name
    // reaches into that module's object.
    let imported =
        root.kind_name() == "identifier" && aliases.contains_key(&identifier(src.text_of(root)));
    (name == "getattr" && (built || (imported && !literal))).then_some("computed getattr")
}

/// `pick(orm)`: a module handed to a function of the file (or a lambda), which can then reach
/// any of its names (`m.relationship`) where the rules see only a parameter. The builtins that
/// only test or show a value (`isinstance(v, datetime)`) are not that.
fn module_passed(
    src: &PySource<'_>,
    callee: &str,
    args: Node<'_>,
    modules: &std::collections::HashSet<String>,
) -> Option<&'static str> {
    if matches!(
        callee,
        "isinstance"
            | "issubclass"
            | "type"
            | "id"
            | "repr"
            | "str"
            | "print"
            | "hash"
            | "callable"
            | "bool"
    ) {
        return None;
    }
    let mut cursor = args.walk();
    let passed = args.named_children(&mut cursor).any(|a| {
        let value = match a.kind_name() {
            "keyword_argument" => a.field("value"),
            _ => Some(a),
        };
        value.is_some_and(|v| {
            v.kind_name() == "identifier" && modules.contains(&identifier(src.text_of(v)))
        })
    });
    passed.then_some("module passed to a function")
}
