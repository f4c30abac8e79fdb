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

/// Prints one phase in full, as YAML-like JSON (stable, machine-readable).
pub fn show(registry: &Registry, id: &str, out: &Out) -> Result<Exit, Diagnostic> {
    let spec = registry.get(id)?;
    let json = serde_json::to_string_pretty(spec).expect("a spec serializes");
    out.data(format!("{json}\n"));
    Ok(Exit::Success)
}
