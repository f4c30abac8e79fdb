//! `hivegen spec list` and `hivegen spec show ID`.

use crate::diag::Diagnostic;
use crate::exit::Exit;
use crate::output::Out;
use crate::spec::Registry;

/// Prints one line per phase: id, title, fills, rules.
pub fn list(registry: &Registry, out: &Out) -> Exit {
    let mut text = String::new();
    for p in registry.phases.values() {
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
pub fn show(registry: &Registry, id: &str, out: &Out) -> Result<Exit, Diagnostic> {
    let spec = registry.get(id)?;
    let yaml = serde_saphyr::to_string(spec)
        .map_err(|e| Diagnostic::error("spec", format!("cannot print phase `{id}`: {e}")))?;
    out.data(yaml);
    Ok(Exit::Success)
}
