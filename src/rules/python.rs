//! Python source as facts: the calls, imports, decorators, attribute accesses, names and
//! keyword arguments of a file, each with its place, read with a real parser (tree-sitter).
//!
//! Only code yields facts: a comment, a string or a docstring is a leaf to the parser, so
//! "relationship" written there is never a call. Names are resolved through the file's imports
//! (`from sqlalchemy.orm import relationship as rel` makes `rel(...)` a call of
//! `sqlalchemy.orm.relationship`).

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Language, Node, Parser, Tree};

/// What a fact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FactKind {
    /// `f(...)`: the dotted name of the callee.
    Call,
    /// `import m`, `from m import x`: the full name imported (`m`, `m.x`).
    Import,
    /// `@d` or `@d(...)`: the decorator's dotted name.
    Decorator,
    /// `a.b`: the dotted name, the object resolved (`<str>` for a string literal, `<call>` for
    /// a call, `<expr>` for anything else).
    Attribute,
    /// An identifier.
    Name,
    /// `f(key=...)`: the keyword.
    Keyword,
    /// A construct of the language, by a fixed name: `await`, `async def`, `async with`,
    /// `async for`, `while True`.
    Syntax,
}

impl FactKind {
    /// A word for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            FactKind::Call => "call",
            FactKind::Import => "import",
            FactKind::Decorator => "decorator",
            FactKind::Attribute => "attribute",
            FactKind::Name => "name",
            FactKind::Keyword => "keyword argument",
            FactKind::Syntax => "construct",
        }
    }
}

/// One fact of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fact {
    /// What it is.
    pub(crate) kind: FactKind,
    /// Its dotted name, resolved through the file's imports.
    pub(crate) name: String,
    /// The bytes of the node that shows it.
    pub(crate) span: Range<usize>,
}

/// The Python language of tree-sitter.
pub(crate) fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

/// A parsed Python file.
pub(crate) struct PySource<'a> {
    /// The text.
    pub(crate) text: &'a str,
    /// Its syntax tree (possibly with error nodes: a broken file still yields facts).
    pub(crate) tree: Tree,
}

impl<'a> PySource<'a> {
    /// Parses `text`.
    pub(crate) fn parse(text: &'a str) -> Self {
        let mut parser = Parser::new();
        parser
            .set_language(&language())
            .expect("the bundled tree-sitter-python matches the tree-sitter version");
        let tree = parser
            .parse(text, None)
            .expect("parsing without a timeout always yields a tree");
        Self { text, tree }
    }

    /// Every fact of the file, in source order.
    pub(crate) fn facts(&self) -> Vec<Fact> {
        let aliases = self.aliases();
        let mut facts = Vec::new();
        // Depth first, in source order, with one cursor and no allocation per node.
        let mut cursor = self.tree.walk();
        loop {
            self.visit(cursor.node(), &aliases, &mut facts);
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return facts;
                }
            }
        }
    }

    fn text_of(&self, node: Node) -> &'a str {
        &self.text[node.byte_range()]
    }

    fn visit(&self, node: Node, aliases: &HashMap<String, String>, facts: &mut Vec<Fact>) {
        let mut push = |kind, name: String, at: Node| {
            facts.push(Fact {
                kind,
                name,
                span: at.byte_range(),
            })
        };
        match node.kind() {
            "call" => {
                if let Some(f) = node.child_by_field_name("function") {
                    push(FactKind::Call, self.dotted(f, aliases), f);
                }
            }
            "decorator" => {
                if let Some(expr) = node.named_child(0) {
                    let target = match expr.kind() {
                        "call" => expr.child_by_field_name("function").unwrap_or(expr),
                        _ => expr,
                    };
                    push(FactKind::Decorator, self.dotted(target, aliases), node);
                }
            }
            "attribute" => push(FactKind::Attribute, self.dotted(node, aliases), node),
            "identifier" => push(FactKind::Name, self.text_of(node).to_string(), node),
            "keyword_argument" => {
                if let Some(name) = node.child_by_field_name("name") {
                    push(FactKind::Keyword, self.text_of(name).to_string(), name);
                }
            }
            "import_statement" | "import_from_statement" => {
                for (full, _, at) in self.imports_of(node) {
                    push(FactKind::Import, full, at);
                }
            }
            "await" if node.is_named() => push(FactKind::Syntax, "await".into(), node),
            "function_definition" | "with_statement" | "for_statement" => {
                let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
                if is_async {
                    let what = match node.kind() {
                        "function_definition" => "async def",
                        "with_statement" => "async with",
                        _ => "async for",
                    };
                    push(FactKind::Syntax, what.into(), node);
                }
            }
            "while_statement" => {
                // `while True:`, and its spellings `while 1:`, `while 2:` …
                let forever = node.child_by_field_name("condition").is_some_and(|c| {
                    c.kind() == "true"
                        || (c.kind() == "integer"
                            && !self.text_of(c).trim_start_matches('0').is_empty())
                });
                if forever {
                    push(FactKind::Syntax, "while True".into(), node);
                }
            }
            _ => {}
        }
    }

    /// The dotted name of an expression, its first segment resolved through `aliases`.
    fn dotted(&self, node: Node, aliases: &HashMap<String, String>) -> String {
        match node.kind() {
            "identifier" => {
                let name = self.text_of(node);
                aliases
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| name.to_string())
            }
            "attribute" => {
                let object = node
                    .child_by_field_name("object")
                    .map_or_else(|| "<expr>".to_string(), |o| self.dotted(o, aliases));
                let attr = node
                    .child_by_field_name("attribute")
                    .map_or("", |a| self.text_of(a));
                format!("{object}.{attr}")
            }
            "call" => "<call>".to_string(),
            "string" | "concatenated_string" => "<str>".to_string(),
            "parenthesized_expression" => node
                .named_child(0)
                .map_or_else(|| "<expr>".to_string(), |inner| self.dotted(inner, aliases)),
            _ => "<expr>".to_string(),
        }
    }

    /// The names an import statement brings in: (full name, local name, node).
    fn imports_of<'t>(&self, node: Node<'t>) -> Vec<(String, Option<String>, Node<'t>)> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        if node.kind() == "import_statement" {
            for child in node.children_by_field_name("name", &mut cursor) {
                match child.kind() {
                    "aliased_import" => {
                        let full = child
                            .child_by_field_name("name")
                            .map_or("", |n| self.text_of(n));
                        let alias = child
                            .child_by_field_name("alias")
                            .map(|a| self.text_of(a).to_string());
                        out.push((full.to_string(), alias, child));
                    }
                    _ => {
                        let full = self.text_of(child).to_string();
                        let local = full.split('.').next().unwrap_or(&full).to_string();
                        // `import a.b` binds `a`, which stands for `a` itself.
                        out.push((full, Some(local), child));
                    }
                }
            }
            return out;
        }
        let module = node
            .child_by_field_name("module_name")
            .map_or("", |m| self.text_of(m));
        let module: String = module.chars().filter(|c| !c.is_whitespace()).collect();
        let join = |name: &str| {
            if module.ends_with('.') {
                format!("{module}{name}")
            } else {
                format!("{module}.{name}")
            }
        };
        let mut any = false;
        for child in node.children_by_field_name("name", &mut cursor) {
            any = true;
            match child.kind() {
                "aliased_import" => {
                    let name = child
                        .child_by_field_name("name")
                        .map_or("", |n| self.text_of(n));
                    let alias = child
                        .child_by_field_name("alias")
                        .map(|a| self.text_of(a).to_string());
                    out.push((join(name), alias, child));
                }
                _ => {
                    let name = self.text_of(child);
                    out.push((join(name), Some(name.to_string()), child));
                }
            }
        }
        if !any {
            // `from m import *`
            out.push((module, None, node));
        }
        out
    }

    /// Local name -> full name, from every import of the file.
    fn aliases(&self) -> HashMap<String, String> {
        let mut map = HashMap::new();
        let mut stack = vec![self.tree.root_node()];
        let mut cursor = self.tree.walk();
        while let Some(node) = stack.pop() {
            match node.kind() {
                "import_statement" => {
                    for (full, local, _) in self.imports_of(node) {
                        if let Some(local) = local {
                            let target = if full.starts_with(&format!("{local}.")) {
                                local.clone()
                            } else {
                                full
                            };
                            map.insert(local, target);
                        }
                    }
                }
                "import_from_statement" => {
                    for (full, local, _) in self.imports_of(node) {
                        if let Some(local) = local {
                            map.insert(local, full);
                        }
                    }
                }
                _ => {
                    cursor.reset(node);
                    stack.extend(node.children(&mut cursor));
                }
            }
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus built on a file Python cannot parse would prove little: tree-sitter reads the
    /// hand-written Phase D bodies (`fixtures/handwritten_d/`) with no syntax error.
    #[test]
    fn handwritten_d_is_valid_python() {
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/handwritten_d");
        let mut n = 0;
        for entry in walkdir::WalkDir::new(&base) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "py") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let src = PySource::parse(&text);
                assert!(
                    !src.tree.root_node().has_error(),
                    "{} does not parse",
                    entry.path().display()
                );
                n += 1;
            }
        }
        assert_eq!(n, 22, "one body per Phase D fill");
    }

    fn facts(text: &str, kind: FactKind) -> Vec<String> {
        PySource::parse(text)
            .facts()
            .into_iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.name)
            .collect()
    }

    #[test]
    fn async_constructs_and_endless_loops_are_syntax_facts() {
        let text = "async def f():\n    await g()\n    async with a:\n        pass\n    async for x in y:\n        pass\n\nwhile True:\n    pass\nwhile 1:\n    pass\nwhile 0:\n    pass\nwhile x:\n    pass\ndef h():\n    with a:\n        pass\n";
        assert_eq!(
            facts(text, FactKind::Syntax),
            [
                "async def",
                "await",
                "async with",
                "async for",
                "while True",
                "while True"
            ]
        );
    }

    #[test]
    fn calls_resolve_through_imports() {
        let text = "from sqlalchemy.orm import relationship as rel\nimport sqlalchemy.orm\nx = rel('A')\ny = sqlalchemy.orm.relationship('B')\n";
        assert_eq!(
            facts(text, FactKind::Call),
            ["sqlalchemy.orm.relationship", "sqlalchemy.orm.relationship"]
        );
    }

    #[test]
    fn comments_strings_and_docstrings_yield_no_calls() {
        let text = "\"\"\"relationship('A') here.\"\"\"\n# relationship('B')\nx = \"relationship('C')\"\nrelationship_count = 1\n";
        assert!(facts(text, FactKind::Call).is_empty());
        assert!(!facts(text, FactKind::Name).contains(&"relationship".to_string()));
    }

    #[test]
    fn imports_decorators_attributes_keywords() {
        let text = "import jwt\nfrom fastapi import BackgroundTasks as BT\nfrom ..models import user\n@app.middleware('http')\nasync def f(): return ', '.join(x), q.join(y)\nz = f(backref='p')\n";
        assert_eq!(
            facts(text, FactKind::Import),
            ["jwt", "fastapi.BackgroundTasks", "..models.user"]
        );
        assert_eq!(facts(text, FactKind::Decorator), ["app.middleware"]);
        assert_eq!(
            facts(text, FactKind::Attribute),
            ["app.middleware", "<str>.join", "q.join"]
        );
        assert_eq!(facts(text, FactKind::Keyword), ["backref"]);
    }
}
