//! Rendering: tera 2 templates of one phase, strict about undefined variables, with errors that
//! name the template file and line.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

use crate::assets::Source;
use crate::diag::Diagnostic;

/// The templates of one phase, parsed.
pub struct Renderer {
    tera: Tera,
    /// Template name -> (name for messages, source text).
    sources: BTreeMap<String, (String, String)>,
    /// Where a template of this phase would be, for messages: `templates/phase_d/…` or the
    /// override folder's path.
    source: Source,
    /// `phase_<id>`.
    folder: String,
}

impl Renderer {
    /// Loads every template under `phase_<id>/` of `source`.
    pub fn load(source: &Source, phase_id: &str) -> Result<Self, Diagnostic> {
        let folder = format!("phase_{phase_id}");
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        let mut sources = BTreeMap::new();
        let files = source.files_under(&folder)?;
        for (rel, text) in &files {
            sources.insert(
                rel.clone(),
                (source.display(&format!("{folder}/{rel}")), text.clone()),
            );
        }
        tera.add_raw_templates(
            files
                .iter()
                .map(|(rel, text)| (rel.as_str(), text.as_str())),
        )
        .map_err(|e| convert(&e, &sources))?;
        Ok(Self {
            tera,
            sources,
            source: source.clone(),
            folder,
        })
    }

    /// True when the phase has this template.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Where a template is, for messages.
    pub fn display(&self, name: &str) -> String {
        self.sources.get(name).map_or_else(
            || self.source.display(&format!("{}/{name}", self.folder)),
            |(d, _)| d.clone(),
        )
    }

    /// A context holding `vars` (a serializable map of top-level variables). Build the shared
    /// part once (the domain model is large) and add per-template variables to clones of it.
    pub fn context(vars: &impl Serialize) -> Result<Context, Diagnostic> {
        Context::from_serialize(vars).map_err(|e| {
            Diagnostic::error(
                "template",
                format!("cannot build the template context: {e}"),
            )
        })
    }

    /// Renders `name` with `context`.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        if !self.has(name) {
            return Err(
                Diagnostic::error("template", format!("template `{name}` not found"))
                    .file(self.display(name))
                    .help("add the template (an override folder replaces the embedded one whole), or fix the fill's `template:` in the spec"),
            );
        }
        self.tera
            .render(name, context)
            .map_err(|e| convert(&e, &self.sources))
    }
}

fn convert(e: &tera::Error, sources: &BTreeMap<String, (String, String)>) -> Diagnostic {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let (file, text) = sources
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| (r.filename().to_string(), String::new()));
            let span = r.span();
            let width = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let kind = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "syntax error"
            } else {
                "cannot render"
            };
            Diagnostic::error("template", format!("{kind}: {}", r.message()))
                .file(file)
                .at(span.start_line, span.start_col + 1, Some(&text))
                .width(width)
                .help("fix the template; the domain model is `domain`, the phase `phase`, the target `fill` or `file`")
        }
        _ => Diagnostic::error("template", e.to_string()),
    }
}
