//! Rendering: tera 2 templates of one phase, strict about undefined variables, with errors that
//! name the template file and line.
//!
//! A phase's templates are its folder (`phase_d/`, or the spec's `templates:`) plus the shared
//! folder `shared/`, whose files (macros and components any phase may use) are loaded into the
//! same tera instance under the name `shared/<file>`.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

use crate::assets::Source;
use crate::error::{Error, Place, Result};

/// The folder of templates every phase may use.
const SHARED: &str = "shared";

/// The templates of one phase, parsed.
pub(crate) struct Renderer {
    tera: Tera,
    /// Template name -> (name for messages, source text).
    sources: BTreeMap<String, (String, String)>,
    /// Where a template of this phase would be, for messages: `templates/phase_d/…` or the
    /// override folder's path.
    source: Source,
    /// The phase's folder.
    folder: String,
}

impl Renderer {
    /// Loads every template under `folder/` and `shared/` of `source`.
    pub(crate) fn load(source: &Source, folder: &str) -> Result<Self> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        let mut sources = BTreeMap::new();
        let mut add = |prefix: &str, named: &dyn Fn(&str) -> String| -> Result<()> {
            for (rel, text) in source.files_under(prefix)? {
                let shown = source.display(&format!("{prefix}/{rel}"));
                sources.insert(named(&rel), (shown, text));
            }
            Ok(())
        };
        add(folder, &|rel| rel.to_string())?;
        if folder != SHARED {
            add(SHARED, &|rel| format!("{SHARED}/{rel}"))?;
        }
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        )
        .map_err(|e| convert(&e, &sources))?;
        Ok(Self {
            tera,
            sources,
            source: source.clone(),
            folder: folder.to_string(),
        })
    }

    /// Where a template is, for messages.
    pub(crate) fn display(&self, name: &str) -> String {
        self.sources.get(name).map_or_else(
            || self.source.display(&format!("{}/{name}", self.folder)),
            |(d, _)| d.clone(),
        )
    }

    /// A context holding `vars` (a serializable map of top-level variables). Build the shared
    /// part once (the domain model is large) and add per-template variables to clones of it.
    pub(crate) fn context(vars: &impl Serialize) -> Result<Context> {
        Context::from_serialize(vars).map_err(|e| Error::Template {
            file: "<context>".into(),
            place: None,
            message: format!("cannot build the template context: {e}"),
            help: "the domain model must serialize to a map".into(),
        })
    }

    /// Renders `name` with `context`.
    pub(crate) fn render(&self, name: &str, context: &Context) -> Result<String> {
        if !self.sources.contains_key(name) {
            return Err(Error::Template {
                file: self.display(name),
                place: None,
                message: format!("template `{name}` not found"),
                help: "add the template (an override folder replaces the embedded one whole), or fix the fill's `template:` in the spec".into(),
            });
        }
        self.tera
            .render(name, context)
            .map_err(|e| convert(&e, &self.sources))
    }
}

fn convert(e: &tera::Error, sources: &BTreeMap<String, (String, String)>) -> Error {
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
            let place = Place {
                width: width.max(1),
                ..Place::in_text(&text, span.start_line, span.start_col + 1)
            };
            Error::Template {
                file,
                place: Some(Box::new(place)),
                message: format!("{kind}: {}", r.message()),
                help: "fix the template; the domain model is `domain`, the phase `phase`, the target `fill` or `file`".into(),
            }
        }
        _ => Error::Template {
            file: "<templates>".into(),
            place: None,
            message: e.to_string(),
            help: "fix the template".into(),
        },
    }
}
