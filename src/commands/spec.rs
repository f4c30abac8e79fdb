//! `hivegen spec list` and `hivegen spec show ID`.

use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Out;
use crate::registry::Registry;

/// Prints one line per phase, in dependency order: id, title, fills, rules.
pub(crate) fn list(registry: &Registry, out: &Out) -> Exit {
    let mut text = String::new();
    for p in registry.phases().map(|p| &p.spec) {
        text.push_str(&format!(
            "{:<3} {:<44} {:>3} fills {:>3} creates {:>3} rules  requires: {}\n",
            p.id,
            p.title,
            p.fills.len(),
            p.creates.len(),
            p.rules.len(),
            if p.requires.is_empty() {
                "-".to_string()
            } else {
                p.requires.join(", ")
            }
        ));
    }
    out.data(text);
    Exit::Success
}

/// Prints one phase in full, as the YAML it was read from (defaults filled in).
pub(crate) fn show(registry: &Registry, id: &str, out: &Out) -> Result<Exit> {
    let spec = &registry.get(id)?.spec;
    let yaml = serde_saphyr::to_string(spec).map_err(|e| Error::Spec {
        code: "spec",
        file: spec.origin.file.clone(),
        place: None,
        message: format!("cannot print phase `{id}`: {e}"),
        help: "this is a bug in hivegen; please report it".into(),
    })?;
    out.data(yaml);
    Ok(Exit::Success)
}
