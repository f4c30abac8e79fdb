//! `hivegen spec list`, `hivegen spec show ID` and `hivegen spec lint --doc FILE`.

use std::path::Path;

use crate::assets::read_text;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Out;
use crate::registry::{Phase, Registry};
use crate::spec::doc;

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

/// Prints one phase in full, as the YAML it was read from (defaults filled in), then which
/// rules cite each bullet of its document (as YAML comments).
pub(crate) fn show(registry: &Registry, id: &str, out: &Out) -> Result<Exit> {
    let spec = &registry.get(id)?.spec;
    let yaml = serde_saphyr::to_string(spec).map_err(|e| Error::Spec {
        code: "spec",
        file: spec.origin.file.clone(),
        place: None,
        message: format!("cannot print phase `{id}`: {e}"),
        help: "this is a bug in hivegen; please report it".into(),
    })?;
    let mut text = yaml;
    let mut cites: Vec<(&str, Vec<&str>)> = Vec::new();
    for rule in &spec.rules {
        for cite in &rule.cites {
            match cites.iter_mut().find(|(c, _)| *c == cite.as_str()) {
                Some((_, ids)) => ids.push(&rule.id),
                None => cites.push((cite, vec![&rule.id])),
            }
        }
    }
    if !cites.is_empty() {
        text.push_str("\n# The bullets of the phase document, and the rules that enforce them:\n");
        for (cite, ids) in cites {
            text.push_str(&format!("#   §{cite}: {}\n", ids.join(", ")));
        }
    }
    out.data(text);
    Ok(Exit::Success)
}

/// Checks the rules of a phase against its document: every forbidden bullet is cited by a
/// rule, and every citation names a bullet. Exit 1 naming what is not, 0 when all is.
pub(crate) fn lint(
    registry: &Registry,
    doc_path: &Path,
    phase: Option<&str>,
    out: &Out,
) -> Result<Exit> {
    let text = read_text(doc_path)?;
    let phase = phase_of(registry, doc_path, phase)?;
    let lint = doc::lint(&phase.spec, &text);
    let shown = doc_path.display();
    if lint.bullets.is_empty() {
        return Err(Error::usage(
            format!("{shown} has no forbidden bullets (no §3, §4, §5, nor `Forbidden:` list)"),
            "pass the phase document, a Markdown file",
        ));
    }
    let mut report = String::new();
    for (b, rules) in &lint.bullets {
        if rules.is_empty() {
            report.push_str(&format!(
                "{shown}:{}: §{}: \"{}\" is cited by no rule of phase {}\n",
                b.line, b.section, b.text, phase.spec.id
            ));
        } else if out.is_verbose() {
            out.detail(format!(
                "§{}: {} <- {}",
                b.section,
                b.text,
                rules.join(", ")
            ));
        }
    }
    for (rule, cite) in &lint.stray {
        report.push_str(&format!(
            "{}: rule {rule} cites \"{cite}\", which {shown} does not hold\n",
            phase.spec.origin.file
        ));
    }
    out.data(report);
    let n = lint.bullets.len();
    if lint.is_clean() {
        out.say(format!(
            "hivegen: spec lint: all {n} forbidden bullets of {shown} are cited by the rules of phase {}",
            phase.spec.id
        ));
        Ok(Exit::Success)
    } else {
        let uncited = lint.bullets.iter().filter(|(_, r)| r.is_empty()).count();
        out.say(format!(
            "hivegen: spec lint: {uncited} of {n} forbidden bullets uncited, {} stray citation{}; add `cites:` to the rules that enforce them",
            lint.stray.len(),
            if lint.stray.len() == 1 { "" } else { "s" }
        ));
        Ok(Exit::Failure)
    }
}

/// The phase a document is for: `--phase`, or the one whose `document` has the file's name.
fn phase_of<'r>(registry: &'r Registry, doc_path: &Path, phase: Option<&str>) -> Result<&'r Phase> {
    if let Some(id) = phase {
        return registry.get(id);
    }
    let name = doc_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    registry
        .phases()
        .find(|p| {
            p.spec
                .document
                .as_deref()
                .and_then(|d| d.rsplit('/').next())
                .is_some_and(|d| Some(d) == name.as_deref())
        })
        .ok_or_else(|| {
            Error::usage(
                format!("no phase names {} as its document", doc_path.display()),
                "say which phase it is for with --phase ID",
            )
        })
}
