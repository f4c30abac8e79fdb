//! Completions and man pages, generated from the same clap definition the parser uses, so
//! they never drift from it. The man pages add what clap_mangen leaves out: EXIT STATUS and
//! EXAMPLES sections.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use super::args::Cli;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Out;

/// The clap definition of the command line.
pub(crate) fn command() -> clap::Command {
    Cli::command()
}

/// Prints the completion script of `shell`.
pub(crate) fn print_completions(shell: Shell, out: &Out) -> Exit {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "hivegen", &mut buf);
    out.data(String::from_utf8_lossy(&buf));
    Exit::Success
}

/// Prints the man page (roff) on stdout, or writes every page into `dir`.
pub(crate) fn print_man(dir: Option<&Path>, out: &Out) -> Result<Exit> {
    let io = |e: std::io::Error| Error::io("write", dir.unwrap_or(Path::new("the man page")), e);
    match dir {
        None => out.data(String::from_utf8_lossy(&page(&command()).map_err(io)?)),
        Some(dir) => {
            for page in pages_to(dir).map_err(io)? {
                out.say(format!("wrote {}", page.display()));
            }
        }
    }
    Ok(Exit::Success)
}

const EXIT_STATUS: [(&str, &str); 3] = [
    ("0", "Done, clean, up to date (and, for guard, the edit is allowed)."),
    ("1", "The repository breaks a rule or is out of date: refused, violations found, would change (guard --path: the edit is denied)."),
    ("2", "hivegen could not do its job: bad arguments, spec, template, I/O, not a HiveSync repository (guard: the edit is denied, or the payload is unreadable)."),
];

/// One man page: clap_mangen's sections, then EXIT STATUS, EXAMPLES, and the version.
fn page(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let man = Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    synopsis(cmd).to_writer(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    if cmd.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut buf)?;
    }
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        roff.control("TP", [])
            .text([bold(code)])
            .text([roman(meaning)]);
    }
    if let Some(examples) = cmd.get_after_help() {
        roff.control("SH", ["EXAMPLES"]);
        for line in examples.to_string().lines().skip(1) {
            roff.control("IP", []).text([roman(line.trim())]);
        }
    }
    roff.control("SH", ["VERSION"]);
    roff.text([roman(format!("v{}", env!("CARGO_PKG_VERSION")))]);
    roff.to_writer(&mut buf)?;
    Ok(buf)
}

/// The SYNOPSIS section, each option with its value (`[--base <REV>]`; clap_mangen shows
/// `[--base]`).
fn synopsis(cmd: &clap::Command) -> Roff {
    let mut cmd = cmd.clone();
    cmd.build();
    let mut parts = vec![bold(
        cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string(),
    )];
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let takes = arg.get_num_args().is_some_and(|n| n.takes_values());
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .or_else(|| takes.then(|| arg.get_id().as_str().to_uppercase()))
            .filter(|_| takes)
            .map(|v| format!(" <{v}>"));
        let text = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => format!("--{long}{}", value.unwrap_or_default()),
            (None, Some(short)) => format!("-{short}{}", value.unwrap_or_default()),
            (None, None) => format!("<{}>", arg.get_id().as_str().to_uppercase()),
        };
        let shown = if arg.is_required_set() || arg.is_positional() {
            text
        } else {
            format!("[{text}]")
        };
        parts.push(roman(format!(" {shown}")));
    }
    if cmd.get_subcommands().next().is_some() {
        parts.push(roman(" <COMMAND>"));
    }
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]).text(parts);
    roff
}

/// Writes `hivegen.1` and one page per subcommand (`hivegen-phase.1`, `hivegen-spec-lint.1`)
/// into `dir`, and returns their paths.
fn pages_to(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    let mut stack = vec![(command(), "hivegen".to_string())];
    while let Some((cmd, name)) = stack.pop() {
        for sub in cmd.get_subcommands() {
            stack.push((sub.clone(), format!("{name}-{}", sub.get_name())));
        }
        let path = dir.join(format!("{name}.1"));
        let renamed = cmd.name(name.clone()).bin_name(name.replace('-', " "));
        std::fs::write(&path, page(&renamed)?)?;
        out.push(path);
    }
    out.sort();
    Ok(out)
}
