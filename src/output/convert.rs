//! Errors, refusals and findings made into diagnostics: the one place that words them for
//! the terminal, with the help that fits each kind.

use super::diag::Diagnostic;
use crate::error::Error;
use crate::plan::{Guarded, Protection, Refusal};
use crate::rules::Finding;

/// The diagnostic of an error (exit 2).
pub(crate) fn error(e: &Error) -> Diagnostic {
    let message = e.to_string();
    let d = |code: &str| Diagnostic::error(code, message.clone());
    match e {
        Error::NotAFolder { .. } => d("usage").help("pass the repository with --repo DIR"),
        Error::Io { .. } => {
            d("io").help("check that the path exists and that hivegen may read and write it")
        }
        Error::PartlyWritten { written, total, .. } => d("io").help(format!(
            "{written} of {total} files were written, each whole; the others are untouched. Run the phase again to complete it"
        )),
        Error::NothingWritten { source } => {
            let inner = error(source);
            let help = match &inner.help {
                Some(h) => format!("{h}; nothing was written"),
                None => "nothing was written; fix the cause and run again".into(),
            };
            inner.help(help)
        }
        Error::Unusable { file, help, .. } => d("io").file(file.clone()).help(help.clone()),
        Error::Raced { file } => d("io")
            .file(file.clone())
            .help("another program wrote it meanwhile; run the phase again"),
        Error::Spec {
            code,
            file,
            place,
            help,
            ..
        } => d(code).file(file.clone()).place(place.as_deref()).help(help.clone()),
        Error::Template {
            file, place, help, ..
        } => d("template")
            .file(file.clone())
            .place(place.as_deref())
            .help(help.clone()),
        Error::Anchor { file, place, error } => d("anchor")
            .file(file.clone())
            .place(Some(place))
            .help(error.kind.help()),
        Error::Git { help, .. } => match help {
            Some(h) => d("git").help(h.clone()),
            None => d("git"),
        },
        Error::Locked { .. } => d("locked").help("wait for it to finish, then run again"),
        Error::Usage { help, .. } => d("usage").help(help.clone()),
    }
}

/// The diagnostic of a finding in `verify`'s report.
pub(crate) fn finding(f: &Finding) -> Diagnostic {
    let d = Diagnostic::error(f.rule.clone(), f.message.clone())
        .file(f.file.clone())
        .place(f.place.as_ref());
    match &f.help {
        Some(h) => d.help(h.clone()),
        None => d,
    }
}

/// The diagnostic of a refusal (exit 1).
pub(crate) fn refusal(r: &Refusal) -> Diagnostic {
    match r {
        Refusal::Prerequisite {
            phase,
            required,
            required_id,
            marker,
        } => Diagnostic::refused(
            "prerequisite",
            format!("Phase {phase} must run after Phase {required}: {marker} is missing"),
        )
        .file(marker.clone())
        .help(format!("run `hivegen phase {required_id}` first")),
        Refusal::MissingFile {
            file,
            anchor,
            creator,
        } => Diagnostic::refused(
            "missing-file",
            format!("{file} does not exist, so anchor `{anchor}` cannot be filled"),
        )
        .file(file.clone())
        .help(restore(file, creator.as_deref())),
        Refusal::MissingAnchor {
            file,
            anchor,
            creator,
        } => Diagnostic::refused("missing-anchor", format!("{file} has no anchor `{anchor}`"))
            .file(file.clone())
            .help(format!(
                "the anchor is `<!-- SECTION:{anchor} -->` … `<!-- /SECTION:{anchor} -->`; {}",
                restore(file, creator.as_deref())
            )),
        Refusal::Guarded(g) => guarded(g),
        Refusal::Frozen {
            phase,
            file,
            anchor,
            reason,
            marker,
            hand,
            place,
        } => {
            let help = if *hand {
                format!("revert the edit (`git checkout -- {file}`): a later phase adds code in its own anchors, never in Phase {phase}'s")
            } else {
                format!("Phase {phase} can no longer write its fills; if that later phase is not really complete, remove {marker}")
            };
            Diagnostic::refused(
                "frozen",
                format!(
                    "anchor `{anchor}` of {file} would be rewritten ({}), but a later phase is complete ({marker}): Phase {phase} code is frozen",
                    reason.describe()
                ),
            )
            .file(file.clone())
            .place(Some(place))
            .help(help)
        }
        Refusal::NotEmpty {
            phase,
            repo,
            entries,
        } => {
            let shown: Vec<&str> = entries.iter().take(3).map(String::as_str).collect();
            let more = if entries.len() > 3 { ", …" } else { "" };
            Diagnostic::refused(
                "not-empty",
                format!(
                    "Phase {phase} lays its scaffold beside repository files only (README, LICENSE, .gitignore, .github/, …), and {repo} holds {}{more}",
                    shown.join(", ")
                ),
            )
            .help("choose a new folder with --repo, or a fresh repository")
        }
        Refusal::Exists { path } => Diagnostic::refused(
            "exists",
            format!("{path} already exists, and the scaffold would overwrite it"),
        )
        .file(path.clone())
        .help("move it out of the way, or lay the scaffold into another folder with --repo"),
        Refusal::Rule(f) => {
            let mut d = finding(f);
            d.severity = super::diag::Severity::Refused;
            d
        }
    }
}

/// A fill that only `--force` may overwrite, in a run without it.
fn guarded(g: &Guarded) -> Diagnostic {
    let (code, message, help) = match &g.why {
        Protection::Foreign(what) => (
            "hand-edit",
            format!("anchor `{}` of {} {what}", g.anchor, g.file),
            "keep the edit by moving it out of the fill, or rerun with --force to overwrite it",
        ),
        Protection::Complete => (
            "frozen",
            format!(
                "anchor `{}` of {} is frozen: its phase is complete, and the templates or the domain model now render it differently",
                g.anchor, g.file
            ),
            "code of a completed phase stays as it is; rerun with --force to reopen the phase and rewrite it",
        ),
    };
    Diagnostic::refused(code, message)
        .file(g.file.clone())
        .place(Some(&g.place))
        .help(help)
}

/// How to restore a file a phase needs: from the phase that lays it, when hivegen knows it.
fn restore(file: &str, creator: Option<&str>) -> String {
    match creator {
        Some(phase) => format!(
            "Phase {phase} lays {file}; restore it (`git checkout -- {file}`) and run again"
        ),
        None => format!("restore {file} and run again"),
    }
}
