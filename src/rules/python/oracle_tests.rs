//! The rules read Python as CPython does, judged by CPython itself: random files of lines built
//! from the pieces that confuse a reader (quotes of every kind, comment lines holding quotes,
//! backslashes, f-strings; each line ended by `\n`, `\r\n` or a lone `\r`), an `import jwt`
//! among them. CPython's `ast` (one `python3` process for every file) says whether the import
//! is code; whenever it is, the facts must show it. A file CPython refuses proves nothing and
//! is left out.

use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::any;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

use super::{FactKind, PySource};

const PIECES: &[&str] = &[
    r#"x = """"#,
    r#"""""#,
    "'''",
    "x = '''",
    r##"#""""##,
    "#'''",
    "# it's",
    r##"# "q""##,
    r#"y = "a\"#,
    r#"""#,
    r#"z = f"""{"#,
    r#"}""""#,
    r#"s = r"""\""""#,
    r"\",
    "import jwt",
    "    import jwt",
    "if 1:",
    "def f():",
    "x = (",
    ")",
    "#",
    r"# \",
    r#"b = b"""#,
    r"u = '\''",
    "t = f'{1}'",
    r#"  # """ x"#,
    "v = rb'''",
    "#'''#",
    r##"w = """#""""##,
    "q = '#'",
    "n = 1",
    "    '''",
    r#"    """"#,
    "pass",
    "    #'''",
    r#"r = """\"#,
    r#"k = f"{"}"}""#,
    r#"m = f"""{""""#,
    r#""""}""""#,
    "\u{c}#'''",
    "\t#\"\"\"",
    "a = [",
    "# ]",
    "]",
    r"c = '''\''''",
    r#"e = "\"""#,
    r#"g = u""""#,
];

const ENDINGS: &[&str] = &["\n", "\n", "\n", "\n", "\r\n", "\r"];

/// Whether CPython finds `import jwt` in each file (`None`: not Python at all).
fn cpython_imports_jwt(files: &[String]) -> Vec<Option<bool>> {
    let script = "import ast, json, sys\n\
        def imports(src):\n\
        \x20   try:\n\
        \x20       tree = ast.parse(src)\n\
        \x20   except (SyntaxError, ValueError):\n\
        \x20       return None\n\
        \x20   return any(isinstance(n, ast.Import) and any(a.name == 'jwt' for a in n.names)\n\
        \x20              for n in ast.walk(tree))\n\
        print(json.dumps([imports(s) for s in json.load(sys.stdin)]))\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (the test suite needs Python 3)");
    let input = serde_json::to_vec(files).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python3 failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_import_cpython_runs_is_an_import_fact() {
    let piece = proptest::sample::select(PIECES)
        .prop_flat_map(|p| proptest::sample::select(ENDINGS).prop_map(move |e| format!("{p}{e}")));
    let import = proptest::sample::select(ENDINGS).prop_map(|e| format!("import jwt{e}"));
    let file = (
        proptest::collection::vec(piece, 2..8),
        import,
        any::<proptest::sample::Index>(),
    )
        .prop_map(|(mut lines, import, at)| {
            lines.insert(at.index(lines.len() + 1), import);
            lines.concat()
        });
    let mut runner = TestRunner::deterministic();
    let files: Vec<String> = (0..6000)
        .map(|_| file.new_tree(&mut runner).unwrap().current())
        .collect();
    let verdicts = cpython_imports_jwt(&files);
    let mut valid = 0;
    let mut importing = 0;
    for (text, verdict) in files.iter().zip(verdicts) {
        let Some(imports) = verdict else { continue };
        valid += 1;
        if imports {
            importing += 1;
            let facts = PySource::parse(text).facts();
            assert!(
                facts
                    .iter()
                    .any(|f| f.kind == FactKind::Import && f.name == "jwt"),
                "CPython runs `import jwt` in {text:?}; the facts miss it"
            );
        }
    }
    // The pieces make enough valid files, and enough of them import, to be a test.
    assert!(
        valid >= 300 && importing >= 200,
        "{valid} valid, {importing} importing"
    );
}
