//! The guardrail corpus (`fixtures/corpus/**/*.yaml`), one test per case so that the cases run
//! in parallel: each runs the real binary on a real git repository, starting from Phase C laid
//! by `hivegen phase c` and committed, then a compliant hand-written Phase D
//! (`fixtures/handwritten_d/`, uncommitted) or hivegen's own (committed), then the case's edits.
//!
//! A file names the rule its cases are about (`rule:`); a file without one (the independent
//! corpus, written from the phase document without the rule list) counts any finding. When
//! every case ran, the detection table is computed and must match the one in README.md
//! (`HIVEGEN_UPDATE_DOCS=1` rewrites it).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use libtest_mimic::{Arguments, Failed, Trial};
use serde::Deserialize;

#[allow(dead_code, unreachable_pub)]
#[path = "../integration/support/mod.rs"]
mod support;

mod table;

use support::repos::{append_to_anchor, apply_handwritten_d, copy_dir, manifest};
use support::{git, hivegen_in, Run};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorpusFile {
    /// The rule the cases are about; `None` for the independent corpus.
    #[serde(default)]
    rule: Option<String>,
    cases: Vec<Case>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Caught,
    Clean,
}

/// What a case tries: the plain violation, an evasion of the rule (an alias, another library,
/// another API, a computed name), or a compliant look-alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    #[default]
    Plain,
    Evasion,
    LookAlike,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Setup {
    /// Phase C committed; the hand-written Phase D and its marker uncommitted.
    #[default]
    Handwritten,
    /// Phase C and hivegen's Phase D committed; the working tree clean.
    Hivegen,
    /// Phase C committed; hivegen's Phase D written and not committed (the Phase D change,
    /// as an engineer adjusts it before committing).
    Generated,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    expect: Expect,
    #[serde(default)]
    kind: Kind,
    #[serde(default)]
    setup: Setup,
    /// Why the case is a violation (or is not), citing the document.
    #[serde(default)]
    why: Option<String>,
    /// Run `verify` without `--base`.
    #[serde(default)]
    tree: bool,
    #[serde(default)]
    append: Vec<Append>,
    #[serde(default)]
    edit: Vec<Edit>,
    #[serde(default)]
    write: Vec<Write>,
    #[serde(default)]
    delete: Vec<String>,
    #[serde(default)]
    rename: Vec<Rename>,
    /// Code inserted on the line after the last end marker of a file (outside the anchor).
    #[serde(default)]
    after_anchor: Vec<Append>,
    /// Stamps an attacker would forge, applied after the edits: `restamp` recomputes the
    /// checksum of every stamped anchor of the file, `unstamp` removes the stamps, and
    /// `bad_stamp` writes a checksum that does not hold.
    #[serde(default)]
    restamp: Vec<String>,
    #[serde(default)]
    unstamp: Vec<String>,
    #[serde(default)]
    bad_stamp: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Append {
    file: String,
    code: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    find: String,
    replace: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    file: String,
    content: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rename {
    from: String,
    to: String,
}

/// The two starting points of the corpus, built once.
struct Setups {
    _dir: tempfile::TempDir,
    handwritten: PathBuf,
    hivegen: PathBuf,
    generated: PathBuf,
}

impl Setups {
    fn get() -> &'static Setups {
        static SETUPS: OnceLock<Setups> = OnceLock::new();
        SETUPS.get_or_init(Setups::new)
    }

    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("hivegen-corpus-")
            .tempdir()
            .unwrap();
        let c = dir.path().join("c");
        let run = hivegen_in(&c, &["phase", "c"]);
        assert_eq!(run.code, 0, "phase c: {}", run.stderr);
        git(&c, &["init", "-q"]);
        git(&c, &["add", "-A"]);
        git(&c, &["commit", "-q", "-m", "Phase C"]);
        let handwritten = dir.path().join("handwritten");
        copy_dir(&c, &handwritten);
        apply_handwritten_d(&handwritten);
        let generated = dir.path().join("generated");
        copy_dir(&c, &generated);
        let run = hivegen_in(&generated, &["phase", "d"]);
        assert_eq!(run.code, 0, "phase d: {}", run.stderr);
        let hivegen = dir.path().join("hivegen");
        copy_dir(&generated, &hivegen);
        git(&hivegen, &["add", "-A"]);
        git(&hivegen, &["commit", "-q", "-m", "Phase D"]);
        Self {
            _dir: dir,
            handwritten,
            hivegen,
            generated,
        }
    }
}

/// Applies the case's edits to a copy of its setup at `at`.
fn prepare(case: &Case, at: &Path) -> Result<(), String> {
    let setups = Setups::get();
    let from = match case.setup {
        Setup::Handwritten => &setups.handwritten,
        Setup::Hivegen => &setups.hivegen,
        Setup::Generated => &setups.generated,
    };
    copy_dir(from, at);
    for a in &case.append {
        append_to_anchor(at, &a.file, &a.code);
    }
    for e in &case.edit {
        let path = at.join(&e.file);
        let text = fs::read_to_string(&path).map_err(|err| format!("{}: {err}", e.file))?;
        if !text.contains(&e.find) {
            return Err(format!("{} lacks {:?}", e.file, e.find));
        }
        fs::write(&path, text.replacen(&e.find, &e.replace, 1)).unwrap();
    }
    for w in &case.write {
        let path = at.join(&w.file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, &w.content).unwrap();
    }
    for a in &case.after_anchor {
        let path = at.join(&a.file);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", a.file))?;
        let end = text
            .rfind("<!-- /SECTION:")
            .ok_or(format!("{} has no end marker", a.file))?;
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        fs::write(
            &path,
            format!("{}{}{}", &text[..line_end], a.code, &text[line_end..]),
        )
        .unwrap();
    }
    for (files, how) in [
        (&case.restamp, Stamping::Recompute),
        (&case.unstamp, Stamping::Remove),
        (&case.bad_stamp, Stamping::Break),
    ] {
        for file in files {
            let path = at.join(file);
            let text = fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
            fs::write(&path, stamp(&text, how)).unwrap();
        }
    }
    for d in &case.delete {
        fs::remove_file(at.join(d)).map_err(|e| format!("delete {d}: {e}"))?;
    }
    for r in &case.rename {
        if let Some(parent) = at.join(&r.to).parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::rename(at.join(&r.from), at.join(&r.to))
            .map_err(|e| format!("rename {}: {e}", r.from))?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Stamping {
    Recompute,
    Remove,
    Break,
}

/// `text` with the stamp of every stamped end marker forged as `how` says.
fn stamp(text: &str, how: Stamping) -> String {
    let anchors = hivegen::anchor::parse(text).expect("the case keeps the anchors well formed");
    let mut out = text.to_string();
    for a in anchors.iter().rev() {
        let (Some(end), Some(_)) = (&a.end, &a.stamp) else {
            continue;
        };
        let trailer = end.span.start + end.trailer.start..end.span.start + end.trailer.end;
        let new = match how {
            Stamping::Recompute => {
                format!(
                    " phase=d sha256={}",
                    hivegen::fill::checksum(&text[a.body()])
                )
            }
            Stamping::Remove => String::new(),
            Stamping::Break => " phase=d sha256=0123456789abcdef".to_string(),
        };
        out.replace_range(trailer, &new);
    }
    out
}

/// The rule ids `verify` reports for one case.
fn run_case(case: &Case) -> Result<Vec<String>, String> {
    let work = tempfile::Builder::new()
        .prefix("hivegen-case-")
        .tempdir()
        .unwrap();
    let at = work.path().join("repo");
    prepare(case, &at)?;
    let mut args = vec!["verify", "--format", "json"];
    if !case.tree {
        args.extend(["--base", "HEAD"]);
    }
    let Run {
        code,
        stdout,
        stderr,
    } = hivegen_in(&at, &args);
    if code != 0 && code != 1 {
        return Err(format!("exit {code}\n{stderr}"));
    }
    let doc: serde_json::Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("verify printed no JSON ({e}): {stdout}"))?;
    let rules: Vec<String> = doc["findings"]
        .as_array()
        .ok_or("no findings array")?
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("?").to_string())
        .collect();
    if (code == 1) == rules.is_empty() {
        return Err(format!("exit {code} disagrees with the findings {rules:?}"));
    }
    Ok(rules)
}

/// One case's outcome, for the table.
#[derive(Debug, Clone)]
struct Outcome {
    /// The corpus file's rule, or `None` (independent corpus).
    rule: Option<String>,
    expect: Expect,
    kind: Kind,
    /// The expectation held.
    held: bool,
}

static OUTCOMES: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());

fn judge(rule: Option<&str>, case: &Case) -> Result<(), Failed> {
    let found = run_case(case).map_err(|e| Failed::from(format!("case could not run: {e}")))?;
    let held = match (case.expect, rule) {
        (Expect::Caught, Some(rule)) => found.iter().any(|f| f == rule),
        (Expect::Caught, None) => !found.is_empty(),
        (Expect::Clean, _) => found.is_empty(),
    };
    OUTCOMES.lock().unwrap().push(Outcome {
        rule: rule.map(str::to_string),
        expect: case.expect,
        kind: case.kind,
        held,
    });
    if held {
        return Ok(());
    }
    let why = case.why.as_deref().unwrap_or("");
    Err(match case.expect {
        Expect::Caught => format!("missed ({why}); found {found:?}"),
        Expect::Clean => format!("false alarm ({why}): {found:?}"),
    }
    .into())
}

/// Every corpus file, by path relative to `fixtures/corpus`.
fn corpus() -> Vec<(String, CorpusFile)> {
    let base = manifest("fixtures/corpus");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let file: CorpusFile = serde_saphyr::from_str(&fs::read_to_string(entry.path()).unwrap())
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        out.push((rel, file));
    }
    out
}

fn main() {
    let args = Arguments::from_args();
    let files = corpus();
    let mut trials = Vec::new();
    for (rel, file) in files {
        let file = std::sync::Arc::new(file);
        for i in 0..file.cases.len() {
            let name = format!("{}::{}", rel.trim_end_matches(".yaml"), file.cases[i].name);
            let file = file.clone();
            trials.push(Trial::test(name, move || {
                judge(file.rule.as_deref(), &file.cases[i])
            }));
        }
    }
    let total = trials.len();
    let all = args.filter.is_none() && args.skip.is_empty() && !args.list;
    let conclusion = libtest_mimic::run(&args, trials);
    let outcomes = OUTCOMES.lock().unwrap().clone();
    if all && outcomes.len() == total {
        if let Err(problem) = table::check(&outcomes) {
            eprintln!("{problem}");
            std::process::exit(101);
        }
    }
    conclusion.exit();
}
