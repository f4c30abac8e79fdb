//! Code rules: the matcher that finds what a code rule names among a file's
//! [facts](super::python::Fact) and, for `queries`, in its syntax tree.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use super::anymatch::AnyMatch;
use super::pattern::{DottedPattern, PatternSet};
use super::python::{self, Fact, FactKind, PySource, CONSTRUCTS};
use crate::spec::CodeMatch;

/// A tree-sitter query with its source text.
#[derive(Clone)]
pub(crate) struct NamedQuery {
    text: String,
    query: Arc<Query>,
}

impl fmt::Debug for NamedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NamedQuery({:?})", self.text)
    }
}

/// A compiled [`CodeMatch`].
#[derive(Debug, Clone)]
pub(crate) struct CompiledCode {
    /// Callees, and decorators too: `@app.middleware("http")` and
    /// `app.middleware("http")(f)` are one thing.
    callables: PatternSet,
    imports: PatternSet,
    attributes: PatternSet,
    names: Vec<String>,
    keywords: Vec<String>,
    syntax: Vec<String>,
    /// Lowercased.
    strings: Vec<String>,
    string_patterns: AnyMatch,
    defined_names: AnyMatch,
    defined_except: AnyMatch,
    allowed_headers: Vec<String>,
    /// Each field with the values it may be set to, lowercased.
    set_values: Vec<(String, Vec<String>)>,
    except_compared: bool,
    except_salt: bool,
    /// The positive model; empty when the rule has none.
    allowed: PatternSet,
    /// The positive model in a line, for findings: `typing, fastapi.{APIRouter, Depends}`.
    allowed_summary: String,
    stub_only: bool,
    pure_calls: Vec<DottedPattern>,
    validators: Vec<DottedPattern>,
    only_functions: Vec<String>,
    queries: Vec<NamedQuery>,
    except: PatternSet,
}

/// One place a code rule matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// The bytes of the offending node.
    pub(crate) span: Range<usize>,
    /// What matched, for the message: ``call `relationship` ``.
    pub(crate) what: String,
    /// Advice for this hit in particular, when the rule's own is not enough.
    pub(crate) help: Option<String>,
}

fn compile_all(list: &[String]) -> Result<Vec<DottedPattern>, String> {
    list.iter()
        .map(|p| DottedPattern::new(p).map_err(|e| e.to_string()))
        .collect()
}

/// A rule's case-insensitive regular expressions, as one set (see [`AnyMatch`]). `identifiers`
/// says the texts matched are identifiers, NFKC-normalised as Python reads them: the long s and
/// the Kelvin sign, the only letters whose case folds to ASCII, are then ASCII already, so
/// ASCII patterns without class escapes match them alike without Unicode, for half the compile
/// time; any other pattern keeps Unicode.
fn regexes(list: &[String], what: &str, identifiers: bool) -> Result<AnyMatch, String> {
    // ASCII text with no class escape (`\w`, `\d`, `\s`, `\b`, `\p`...): the same matches
    // without Unicode. A non-ASCII letter, or a class, would change them.
    let plain = |p: &String| {
        p.is_ascii()
            && !p
                .as_bytes()
                .windows(2)
                .any(|w| w[0] == b'\\' && w[1].is_ascii_alphabetic())
    };
    if identifiers && list.iter().all(plain) {
        if let Ok(set) = AnyMatch::new(list, what, false) {
            return Ok(set);
        }
    }
    AnyMatch::new(list, what, true)
}

/// Patterns grouped by their first segment: `typing, fastapi.{APIRouter, Depends}`.
fn summary(patterns: &[String]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for p in patterns {
        let (head, rest) = p.split_once('.').unwrap_or((p, ""));
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, rests)) => rests.push(rest),
            None => groups.push((head, vec![rest])),
        }
    }
    groups
        .into_iter()
        .map(|(head, rests)| {
            if rests.iter().any(|r| r.is_empty()) {
                head.to_string()
            } else if rests.len() == 1 {
                format!("{head}.{}", rests[0])
            } else {
                format!("{head}.{{{}}}", rests.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl CompiledCode {
    /// Compiles `m`; an error names the bad pattern or query.
    pub(crate) fn new(m: &CodeMatch) -> Result<Self, String> {
        let language = python::language();
        // All of a rule's queries as the patterns of one query: tree-sitter's query analysis
        // costs about a millisecond per query, far less per extra pattern.
        let queries = if m.queries.is_empty() {
            Vec::new()
        } else {
            let text = m.queries.join("\n");
            let query = Query::new(&language, &text).map_err(|e| {
                let bad = m.queries.get(e.row).map_or(text.as_str(), String::as_str);
                format!("bad tree-sitter query `{bad}`: {e}")
            })?;
            vec![NamedQuery {
                text,
                query: Arc::new(query),
            }]
        };
        if let Some(bad) = m.syntax.iter().find(|s| !CONSTRUCTS.contains(&s.as_str())) {
            return Err(format!(
                "unknown construct `{bad}` in `syntax` (hivegen knows: {})",
                CONSTRUCTS.join(", ")
            ));
        }
        let mut callables = compile_all(&m.calls)?;
        callables.extend(compile_all(&m.decorators)?);
        Ok(Self {
            callables: PatternSet::new(callables),
            imports: PatternSet::new(compile_all(&m.imports)?),
            attributes: PatternSet::new(compile_all(&m.attributes)?),
            names: m.names.clone(),
            keywords: m.keywords.clone(),
            syntax: m.syntax.clone(),
            strings: m.strings.iter().map(|s| s.to_lowercase()).collect(),
            string_patterns: regexes(&m.string_patterns, "string pattern", false)?,
            defined_names: regexes(&m.defined_names, "defined-name pattern", true)?,
            defined_except: regexes(&m.defined_names_except, "defined-name pattern", true)?,
            allowed_headers: m.allowed_headers.clone(),
            set_values: m
                .set_values
                .iter()
                .map(|(f, v)| (f.clone(), v.iter().map(|v| v.to_lowercase()).collect()))
                .collect(),
            except_compared: m.except_compared,
            except_salt: m.except_salt,
            allowed: PatternSet::new(compile_all(&m.allow_imports)?),
            allowed_summary: summary(&m.allow_imports),
            stub_only: m.stub_only,
            pure_calls: compile_all(&m.pure_calls)?,
            validators: compile_all(&m.validators_only)?,
            only_functions: m.only_functions.clone(),
            queries,
            except: PatternSet::new(compile_all(&m.except)?),
        })
    }

    /// A matching fact left alone: a value only compared, a salt, an ordinary header.
    fn excepted(&self, src: &PySource<'_>, f: &Fact) -> bool {
        (self.except_compared && python::compared(src, f.span.clone()))
            || (self.except_salt && python::salted(src, f.span.clone()))
            || self.allowed_header(src, f)
    }

    fn defined(&self, name: &str) -> bool {
        self.defined_names.is_match(name) && !self.defined_except.is_match(name)
    }

    fn fact_matches(&self, fact: &Fact) -> bool {
        let pats = match fact.kind {
            FactKind::Call | FactKind::Decorator => &self.callables,
            FactKind::Attribute => &self.attributes,
            FactKind::Import => &self.imports,
            FactKind::Name => return self.names.contains(&fact.name),
            FactKind::Keyword => return self.keywords.contains(&fact.name),
            FactKind::Syntax => return self.syntax.contains(&fact.name),
            FactKind::Str => {
                return (!self.strings.is_empty()
                    && self.strings.contains(&fact.name.to_lowercase()))
                    || self.string_patterns.is_match(&fact.name)
            }
            FactKind::Def => return false,
            FactKind::Defined => return self.defined(&fact.name),
        };
        if pats.is_empty() {
            return false;
        }
        let hit = if fact.kind == FactKind::Import {
            pats.matches_prefix(&fact.name)
        } else {
            pats.matches(&fact.name)
        };
        hit && !self.except.matches(&fact.name)
    }

    /// True when `fact` calls `Header()` for a header of the positive model (`allowed_headers`).
    fn allowed_header(&self, src: &PySource<'_>, fact: &Fact) -> bool {
        !self.allowed_headers.is_empty()
            && fact.kind == FactKind::Call
            && matches!(
                fact.name.as_str(),
                "fastapi.Header" | "fastapi.params.Header"
            )
            && python::header_of(src, fact.span.clone())
                .is_some_and(|h| self.allowed_headers.contains(&h))
    }

    /// True when `fact` names something from another module that the positive model lacks.
    fn not_allowed(&self, fact: &Fact) -> bool {
        if self.allowed.is_empty()
            || !fact.external
            || !matches!(
                fact.kind,
                FactKind::Import | FactKind::Call | FactKind::Decorator | FactKind::Attribute
            )
        {
            return false;
        }
        !self.allowed.admits(&fact.name)
    }

    /// The stores of `set_values` (see [`python::disallowed_stores`]) to a value not allowed,
    /// each place reported once among `out`, the rule's other hits.
    fn store_hits(&self, src: &PySource<'_>, out: &mut Vec<Hit>) {
        let names: Vec<&str> = self.set_values.iter().map(|(f, _)| f.as_str()).collect();
        for (field, allowed) in &self.set_values {
            for (span, shown) in python::disallowed_stores(src, field, &names, allowed) {
                // `job.status = "running"` is a string hit already, `**dict(status=s)` a
                // store inside a store: one report for one place is enough.
                if out
                    .iter()
                    .any(|h| h.span.start < span.end && span.start < h.span.end)
                {
                    continue;
                }
                out.push(Hit {
                    span,
                    what: format!("`{field}` set to `{shown}`"),
                    help: Some(format!("`{field}` may be set to: {}", allowed.join(", "))),
                });
            }
        }
    }

    /// Every hit in `src`, given its `facts`.
    pub(crate) fn hits(&self, src: &PySource<'_>, facts: &[Fact]) -> Vec<Hit> {
        let mut out: Vec<Hit> = facts
            .iter()
            .filter(|f| self.fact_matches(f) && !self.excepted(src, f))
            .map(|f| Hit {
                span: f.span.clone(),
                what: match f.kind {
                    // As written (`RefreshKey`), not as matched (`refresh_key`).
                    FactKind::Defined => format!("the name `{}`", &src.text[f.span.clone()]),
                    // A string's line breaks and other controls as escapes, on one line.
                    _ => format!("{} `{}`", f.kind.describe(), f.name.escape_debug()),
                },
                help: None,
            })
            .collect();
        // One report per name and line: `os.system` is both an attribute and a call.
        // (Lines by a search over their starts: counting from the top for each fact made a
        // long file quadratic.)
        let mut seen = std::collections::HashSet::new();
        // Built for the first such fact only: most files have none, and each rule would scan
        // the whole text again.
        let mut starts: Option<Vec<usize>> = None;
        for f in facts.iter().filter(|f| self.not_allowed(f)) {
            let starts = starts
                .get_or_insert_with(|| crate::text::lines(&src.text).map(|l| l.start).collect());
            let line = starts.partition_point(|&s| s <= f.span.start);
            if seen.insert((line, f.name.clone())) {
                out.push(Hit {
                    span: f.span.clone(),
                    what: format!("`{}` is not among the names this code may use", f.name),
                    help: Some(format!("this code may use: {}", self.allowed_summary)),
                });
            }
        }
        self.store_hits(src, &mut out);
        if !self.validators.is_empty() {
            let shown = |span: &Range<usize>| -> String {
                let first = src.text[span.clone()].lines().next().unwrap_or("").trim();
                first.chars().take(60).collect()
            };
            for span in python::unused_functions(src, facts, &self.validators) {
                let shown = shown(&span);
                out.push(Hit {
                    span,
                    what: format!("`{shown}` is neither a validator nor used by one"),
                    help: None,
                });
            }
            for span in python::fields_set(src, &self.validators) {
                let shown = shown(&span);
                out.push(Hit {
                    span,
                    what: format!(
                        "`{shown}` sets another field: a validator refuses or normalises what it validates, and deriving one field from others is business logic"
                    ),
                    help: None,
                });
            }
        }
        if !self.only_functions.is_empty() {
            for (name, span) in python::looping_definitions(src, &self.only_functions) {
                out.push(Hit {
                    span,
                    what: format!("`{name}` loops, and is none of the functions its section lists"),
                    help: None,
                });
            }
        }
        if self.stub_only {
            for span in python::non_stub_statements(src, &self.pure_calls) {
                let first = src.text[span.clone()].lines().next().unwrap_or("").trim();
                let shown: String = first.chars().take(60).collect();
                out.push(Hit {
                    span,
                    what: format!("`{shown}` is more than a stub"),
                    help: None,
                });
            }
        }
        for q in &self.queries {
            let mut cursor = QueryCursor::new();
            let mut matches = cursor.matches(&q.query, src.tree.root_node(), src.text.as_bytes());
            while let Some(m) = matches.next() {
                let Some(node) = m.captures.first().map(|c| c.node) else {
                    continue;
                };
                let text = &src.text[node.byte_range()];
                let first = text.lines().next().unwrap_or("").trim();
                let shown: String = first.chars().take(40).collect();
                out.push(Hit {
                    span: node.byte_range(),
                    what: format!("`{shown}`"),
                    help: None,
                });
            }
        }
        out.sort_by_key(|h| h.span.start);
        out
    }
}

#[cfg(test)]
#[path = "code_tests.rs"]
mod tests;
