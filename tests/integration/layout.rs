//! The shape of the source tree, checked like any other behaviour: dependencies between the
//! top-level modules point one way (no cycle), files and functions fit on a screen or two, the
//! library exports a handful of items, and every dependency in `Cargo.toml` is used.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 450;
const MAX_FN_LINES: usize = 100;
const MAX_EXPORTS: usize = 12;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = walkdir::WalkDir::new(src())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = fs::read_to_string(e.path()).unwrap();
            (e.path().to_path_buf(), text)
        })
        .collect();
    out.sort();
    out
}

/// The top-level module a source file belongs to (`src/rules/code.rs` -> `rules`).
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// The top-level modules each module uses through `crate::`.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let re = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in sources() {
        let Some(from) = module_of(&path) else {
            continue;
        };
        let deps = out.entry(from.clone()).or_default();
        // Code only: a doc comment may name another module without depending on it.
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for c in re.captures_iter(line) {
                if c[1] != from {
                    deps.insert(c[1].to_string());
                }
            }
        }
    }
    out
}

/// A cycle through `start`, if any, as the list of modules on it.
fn cycle_from(start: &str, graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn dfs(
        node: &str,
        start: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if dfs(next, start, graph, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    dfs(start, start, graph, &mut path, &mut seen).then_some(path)
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let graph = edges();
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_from(m, &graph))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_rules_engine_reads_no_disk_and_knows_no_plan() {
    let graph = edges();
    let rules = &graph["rules"];
    for forbidden in [
        "plan", "verify", "repo", "walk", "registry", "commands", "cli",
    ] {
        assert!(!rules.contains(forbidden), "rules uses {forbidden}");
    }
    for (path, text) in sources() {
        // Unit tests (`tests.rs`, `*_tests.rs`) may read their fixtures and run CPython.
        let unit_tests = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == "tests.rs" || n.ends_with("_tests.rs"));
        if module_of(&path).as_deref() == Some("rules") && !unit_tests {
            let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
            for io in ["std::fs", "std::process", "walkdir", "ignore::"] {
                assert!(!code.contains(io), "{} uses {io}", path.display());
            }
        }
    }
}

#[test]
fn files_and_functions_fit_on_a_screen() {
    let fn_start =
        regex::Regex::new(r"^(\s*)(?:pub(?:\([a-z]+\))? )?(?:const )?(?:unsafe )?fn ([a-z_0-9]+)")
            .unwrap();
    let mut problems = Vec::new();
    for (path, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > MAX_FILE_LINES {
            problems.push(format!("{}: {} lines", path.display(), lines.len()));
        }
        for (i, line) in lines.iter().enumerate() {
            let Some(c) = fn_start.captures(line) else {
                continue;
            };
            if line.trim_end().ends_with(';') {
                continue; // a declaration in a trait
            }
            let close = format!("{}}}", &c[1]);
            let len = lines[i..]
                .iter()
                .position(|l| *l == close)
                .map_or(0, |n| n + 1);
            if len > MAX_FN_LINES {
                problems.push(format!("{}: fn {} is {len} lines", path.display(), &c[2]));
            }
        }
        assert!(
            !text.contains("too_many_arguments"),
            "{} allows too_many_arguments",
            path.display()
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_library_exports_a_handful_of_items() {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    let item = regex::Regex::new(r"(?m)^pub (?:mod|fn|use) ([^;{(]+)").unwrap();
    let mut exported = Vec::new();
    for c in item.captures_iter(&lib) {
        let names = c[1].trim();
        // `pub use a::{B, C}` exports two items.
        match names.split_once('{') {
            Some((_, list)) => exported.extend(
                list.trim_end_matches('}')
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
            ),
            None => exported.push(names.to_string()),
        }
    }
    assert!(
        exported.len() <= MAX_EXPORTS,
        "lib.rs exports {} items: {exported:?}",
        exported.len()
    );
    let cargo =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("unreachable_pub = \"deny\""),
        "unreachable_pub is denied in Cargo.toml"
    );
}

#[test]
fn every_dependency_is_used() {
    let manifest: toml_like::Manifest = toml_like::read();
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let all: String = sources()
        .into_iter()
        .map(|(_, t)| t)
        .chain(
            walkdir::WalkDir::new(tests)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
                .map(|e| fs::read_to_string(e.path()).unwrap()),
        )
        .collect();
    let unused: Vec<&String> = manifest
        .dependencies
        .iter()
        .filter(|d| {
            let name = d.replace('-', "_");
            !all.contains(&format!("{name}::"))
                && !all.contains(&format!("use {name}"))
                && !all.contains(&format!("{name}!"))
        })
        .collect();
    assert!(unused.is_empty(), "unused dependencies: {unused:?}");
}

/// Just enough of Cargo.toml: the names under `[dependencies]` and `[dev-dependencies]`.
mod toml_like {
    pub(super) struct Manifest {
        pub(super) dependencies: Vec<String>,
    }

    pub(super) fn read() -> Manifest {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
        let mut in_deps = false;
        let mut dependencies = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_deps = line == "[dependencies]" || line == "[dev-dependencies]";
                continue;
            }
            if in_deps {
                if let Some((name, _)) = line.split_once('=') {
                    if !name.trim().is_empty() && !name.starts_with('#') {
                        dependencies.push(name.trim().to_string());
                    }
                }
            }
        }
        Manifest { dependencies }
    }
}
