//! Anchor content: an anchor that may hold only given statements (main.py's router wiring,
//! phase_d.md §2.4: "No additional logic allowed"). Statements are compared as code, not as
//! text: whitespace, parentheses and comments do not matter, and `from m import a, b` counts
//! as `from m import a` and `from m import b`, so the imports may be split or wrapped.

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use super::python::{NodeExt, PySource};
use crate::anchor;

/// The allowed atoms, each with the statement as shown in a message (`app.include_router(
/// ai_jobs.router)`, where the atom compared is `app.include_routerai_jobs.router`).
pub(crate) type Allowed = BTreeMap<String, String>;

/// An atom of a statement: what is compared (whitespace and parentheses left out) and what is
/// shown (whitespace runs made one space).
struct Atom {
    key: String,
    shown: String,
}

/// The atoms of a statement: one per imported name for `from … import`, else one.
fn atoms(node: Node<'_>, text: &str) -> Vec<Atom> {
    let norm = |s: &str| {
        let squeezed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        squeezed.replace(",)", ")").replace(['(', ')'], "")
    };
    let shown = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if node.kind_name() == "import_from_statement" {
        if let Some(module) = node.field("module_name") {
            let module = &text[module.byte_range()];
            let mut cursor = node.walk();
            let names: Vec<Atom> = node
                .children_by_field_name("name", &mut cursor)
                .map(|n| {
                    let name = &text[n.byte_range()];
                    Atom {
                        key: format!("from {} import {}", norm(module), norm(name)),
                        shown: format!("from {} import {}", shown(module), shown(name)),
                    }
                })
                .collect();
            if !names.is_empty() {
                return names;
            }
        }
    }
    let statement = &text[node.byte_range()];
    vec![Atom {
        key: norm(statement),
        shown: shown(statement),
    }]
}

/// Statements of `code` as (byte offset, atoms), comments left out.
fn statements(code: &str) -> Vec<(usize, Vec<Atom>)> {
    let src = PySource::parse(code);
    let root = src.tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .map(|n| (n.start_byte(), atoms(n, code)))
        .collect()
}

/// The atoms `allow` permits.
pub(crate) fn allowed_atoms(allow: &[String]) -> Allowed {
    allow
        .iter()
        .flat_map(|line| statements(line).into_iter().flat_map(|(_, a)| a))
        .map(|a| (a.key, a.shown))
        .collect()
}

/// The statements of `allowed`, as shown, that anchor `name` of `text` does not hold (nothing
/// when the anchor is absent or malformed: other checks report that).
pub(crate) fn missing_atoms(text: &str, name: &str, allowed: &Allowed) -> Vec<String> {
    let Some(body) = dedented_body(text, name) else {
        return Vec::new();
    };
    let present: BTreeSet<String> = statements(&body.1)
        .into_iter()
        .flat_map(|(_, a)| a)
        .map(|a| a.key)
        .collect();
    allowed
        .iter()
        .filter(|(key, _)| !present.contains(*key))
        .map(|(_, shown)| shown.clone())
        .collect()
}

/// The 1-based lines of `text` where anchor `name` holds a statement outside `allowed`, or
/// one it already holds (a second `app.include_router(auth.router)` registers every route of
/// the router twice; held-out corpus blind33). Nothing when the anchor is absent or
/// malformed (other checks report that).
pub(crate) fn foreign_statements(text: &str, name: &str, allowed: &Allowed) -> Vec<usize> {
    let Some((first_body_line, dedented)) = dedented_body(text, name) else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    statements(&dedented)
        .into_iter()
        .filter(|(_, atoms)| {
            let foreign = atoms.iter().any(|a| !allowed.contains_key(&a.key));
            let mut again = false;
            for a in atoms {
                again |= !seen.insert(a.key.clone());
            }
            foreign || again
        })
        .map(|(at, _)| first_body_line + dedented[..at].matches('\n').count())
        .collect()
}

/// The body of anchor `name`, dedented by the marker's indentation so that it parses as
/// top-level code, with the line it starts on.
fn dedented_body(text: &str, name: &str) -> Option<(usize, String)> {
    let (_, text) = anchor::split_bom(text);
    let anchors = anchor::parse(text).ok()?;
    let a = anchors.iter().find(|a| a.name == name)?;
    let indent = a.begin.indent.as_str();
    let dedented: String = text[a.body()]
        .split_inclusive('\n')
        .map(|l| l.strip_prefix(indent).unwrap_or_else(|| l.trim_start()))
        .collect();
    Some((a.begin.line + 1, dedented))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the body was sliced at the indent's byte length, which panicked when a body
    /// line started with a multi-byte character.
    #[test]
    fn indented_anchor_with_non_ascii_body_does_not_panic() {
        let text = "  # <!-- SECTION:S -->\naé = 1\n  # <!-- /SECTION:S -->\n";
        let allowed = Allowed::new();
        assert_eq!(foreign_statements(text, "S", &allowed), vec![2]);
    }

    fn allowed() -> Allowed {
        allowed_atoms(&[
            "from .routing import auth, projects".into(),
            "app.include_router(auth.router)".into(),
            "app.include_router(projects.router)".into(),
        ])
    }

    #[test]
    fn the_wiring_in_any_layout_is_allowed() {
        let text = "app = FastAPI()\n# <!-- SECTION:STRUCTURE -->\n# Routers.\nfrom .routing import (\n    auth,\n    projects,\n)\n\napp.include_router( auth.router )\napp.include_router(projects.router)\n# <!-- /SECTION:STRUCTURE -->\n";
        assert!(foreign_statements(text, "STRUCTURE", &allowed()).is_empty());
    }

    #[test]
    fn a_statement_repeated_is_reported_on_its_second_line() {
        let text = "# <!-- SECTION:STRUCTURE -->\nfrom .routing import auth\napp.include_router(auth.router)\napp.include_router( auth.router )\n# <!-- /SECTION:STRUCTURE -->\n";
        assert_eq!(foreign_statements(text, "STRUCTURE", &allowed()), vec![4]);
    }

    #[test]
    fn anything_else_is_reported_on_its_line() {
        let text = "# <!-- SECTION:STRUCTURE -->\nfrom .routing import auth, admin\napp.include_router(auth.router)\n@app.get('/health')\ndef health():\n    return {}\n# <!-- /SECTION:STRUCTURE -->\n";
        assert_eq!(
            foreign_statements(text, "STRUCTURE", &allowed()),
            vec![2, 4]
        );
    }

    /// Regression: a missing statement was shown as compared, without its parentheses
    /// (`app.include_routerai_jobs.router`; held-out corpus blind16 MN09).
    #[test]
    fn a_missing_statement_is_shown_as_written() {
        let text = "# <!-- SECTION:STRUCTURE -->\nfrom .routing import auth\napp.include_router(auth.router, prefix=\"/v1\")\n# <!-- /SECTION:STRUCTURE -->\n";
        assert_eq!(
            missing_atoms(text, "STRUCTURE", &allowed()),
            [
                "app.include_router(auth.router)",
                "app.include_router(projects.router)",
                "from .routing import projects"
            ]
        );
    }
}
