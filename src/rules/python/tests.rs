//! Facts as Python reads the source.

use super::comment_lines::prepare;
use super::*;
use crate::rules::pattern::DottedPattern;

/// A corpus built on a file Python cannot parse would prove little: tree-sitter reads the
/// hand-written Phase D bodies (`fixtures/handwritten_d/`) with no syntax error.
#[test]
fn handwritten_d_is_valid_python() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/handwritten_d");
    let mut n = 0;
    for entry in walkdir::WalkDir::new(&base) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "py") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let src = PySource::parse(&text);
            assert!(
                !src.tree.root_node().has_error(),
                "{} does not parse",
                entry.path().display()
            );
            n += 1;
        }
    }
    assert_eq!(n, 22, "one body per Phase D fill");
}

fn facts(text: &str, kind: FactKind) -> Vec<String> {
    PySource::parse(text)
        .facts()
        .into_iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.name)
        .collect()
}

#[test]
fn async_constructs_and_endless_loops_are_syntax_facts() {
    let text = "async def f():\n    await g()\n    async with a:\n        pass\n    async for x in y:\n        pass\n\nwhile True:\n    pass\nwhile 1:\n    pass\nwhile 0:\n    pass\nwhile x:\n    pass\ndef h():\n    with a:\n        pass\n";
    assert_eq!(
        facts(text, FactKind::Syntax),
        [
            "async def",
            "await",
            "async with",
            "async for",
            "while",
            "while True",
            "while",
            "while True",
            "while",
            "while"
        ]
    );
}

#[test]
fn calls_resolve_through_imports() {
    let text = "from sqlalchemy.orm import relationship as rel\nimport sqlalchemy.orm\nx = rel('A')\ny = sqlalchemy.orm.relationship('B')\n";
    assert_eq!(
        facts(text, FactKind::Call),
        ["sqlalchemy.orm.relationship", "sqlalchemy.orm.relationship"]
    );
}

#[test]
fn comments_strings_and_docstrings_yield_no_calls() {
    let text = "\"\"\"relationship('A') here.\"\"\"\n# relationship('B')\nx = \"relationship('C')\"\nrelationship_count = 1\n";
    assert!(facts(text, FactKind::Call).is_empty());
    assert!(!facts(text, FactKind::Name).contains(&"relationship".to_string()));
}

#[test]
fn imports_decorators_attributes_keywords() {
    let text = "import jwt\nfrom fastapi import BackgroundTasks as BT\nfrom ..models import user\n@app.middleware('http')\nasync def f(): return ', '.join(x), q.join(y)\nz = f(backref='p')\n";
    assert_eq!(
        facts(text, FactKind::Import),
        ["jwt", "fastapi.BackgroundTasks", "..models.user"]
    );
    assert_eq!(facts(text, FactKind::Decorator), ["app.middleware"]);
    assert_eq!(
        facts(text, FactKind::Attribute),
        ["app.middleware", "<str>.join", "q.join"]
    );
    assert_eq!(facts(text, FactKind::Keyword), ["backref"]);
}

#[test]
fn while_loops_of_any_kind_are_syntax_facts() {
    let text = "while not stop.is_set():\n    pass\n";
    assert_eq!(facts(text, FactKind::Syntax), ["while"]);
}

#[test]
fn names_resolve_through_assignments_and_partial() {
    let text = "from sqlalchemy import orm\nimport functools\n_r = orm.relationship\nx = _r('A')\np = functools.partial(orm.relationship, 'B')\ny = p()\nz = len('c')\n";
    assert_eq!(
        facts(text, FactKind::Call),
        [
            "sqlalchemy.orm.relationship",
            "functools.partial",
            "sqlalchemy.orm.relationship",
            "len"
        ]
    );
}

#[test]
fn identifiers_are_read_as_python_normalises_them() {
    // Fullwidth letters: Python's NFKC makes this `relationship`.
    let text = "from sqlalchemy.orm import \u{ff52}elationship\nx = \u{ff52}elationship('A')\n";
    assert_eq!(facts(text, FactKind::Call), ["sqlalchemy.orm.relationship"]);
}

#[test]
fn a_lone_carriage_return_ends_a_comment_as_it_does_for_python() {
    let text = "# a note\rimport jwt\n";
    assert_eq!(facts(text, FactKind::Import), ["jwt"]);
}

#[test]
fn comment_lines_are_skipped_with_their_rows_and_columns() {
    let text = "# one\n  # two\r\nx = 1  # three\n";
    let (prepared, skipped) = prepare(text);
    assert_eq!(prepared, text);
    let at: Vec<_> = skipped
        .iter()
        .map(|c| {
            (
                c.bytes.clone(),
                (c.start.row, c.start.column),
                (c.end.row, c.end.column),
            )
        })
        .collect();
    assert_eq!(at, [(0..5, (0, 0), (0, 5)), (8..13, (1, 2), (1, 7))]);
    // What follows a skipped line is read where it is.
    let src = PySource::parse(text);
    let x = src.tree.root_node().named_child(0).expect("the assignment");
    assert_eq!((x.start_position().row, x.start_position().column), (2, 0));
    assert_eq!(x.start_byte(), 15);
}

#[test]
fn a_long_run_of_comment_lines_then_code_is_read() {
    let text = format!("{}import jwt\n", "    # note\n".repeat(5000));
    assert_eq!(facts(&text, FactKind::Import), ["jwt"]);
}

#[test]
fn a_comment_line_that_ends_a_string_as_python_reads_it_is_not_blanked() {
    // Python: the string closes on line 2, `import jwt` runs, line 4 is a comment.
    let text = "NOTE = \"\"\"\n#\"\"\"\nimport jwt\n#\"\"\"\n";
    assert_eq!(facts(text, FactKind::Import), ["jwt"]);
    let text = "NOTE = '''\n  #'''; import jwt\n";
    assert_eq!(facts(text, FactKind::Import), ["jwt"]);
}

#[test]
fn strings_closed_by_comment_lines_one_after_another_are_all_read() {
    // Python: each string ends on its `#"""` line; every `import` runs.
    let mut text = String::new();
    for i in 0..20 {
        text.push_str(&format!(
            "s{i} = \"\"\"\n# it's text\n#\"\"\"\nimport m{i}\n"
        ));
    }
    let imports = facts(&text, FactKind::Import);
    assert_eq!(imports.len(), 20, "{imports:?}");
    assert_eq!(imports[19], "m19");
}

/// `x = """`, then comment lines each closing the string before and opening the next
/// (`#""" + '''`), `links` of them, then `import jwt` after the last string ends.
fn chained(links: usize, tail: &str) -> String {
    let quotes = ["\"\"\"", "'''"];
    let mut text = String::from("x = \"\"\"\n");
    for i in 0..links {
        text.push_str(&format!("#{} + {}\n", quotes[i % 2], quotes[(i + 1) % 2]));
    }
    text.push_str(&format!("#{}\nimport jwt\n{tail}", quotes[links % 2]));
    text
}

#[test]
fn strings_each_opened_on_the_comment_line_closing_the_last_are_read_up_to_the_limit() {
    // Each link takes a round of its own; 15 links and the last line are 16 rounds.
    assert_eq!(facts(&chained(15, ""), FactKind::Import), ["jwt"]);
}

/// A longer chain is not read, and neither is anything after it: it is one fact over the
/// whole file. (Giving back every quoted comment line instead made 20,000 of them after the
/// chain a parse of over a minute.)
#[test]
fn a_longer_chain_is_one_fact_over_the_whole_file() {
    let tail = "# it's \"noted\"\n".repeat(20_000);
    let text = chained(16, &tail);
    let src = PySource::parse(&text);
    assert_eq!(
        src.facts(),
        [Fact {
            kind: FactKind::Syntax,
            name: TOO_TANGLED.into(),
            span: 0..text.len(),
            external: false,
        }]
    );
    assert_eq!(non_stub_statements(&src, &[]), vec![(0..text.len())]);
}

#[test]
fn only_a_comment_line_with_the_strings_own_quotes_ends_it() {
    let text = format!(
        "x = \"\"\"\n{}\"\"\"\nimport jwt\n",
        "# don't\n".repeat(3000)
    );
    assert_eq!(facts(&text, FactKind::Import), ["jwt"]);
    let text = format!(
        "x = '''\n{}#'''\nimport jwt\n",
        "# \"quoted\"\n".repeat(3000)
    );
    assert_eq!(facts(&text, FactKind::Import), ["jwt"]);
}

#[test]
fn comment_lines_in_a_docstring_are_its_text() {
    let text = "def f():\n    \"\"\"Use:\n    # from jwt import encode\n    \"\"\"\n";
    let src = PySource::parse(text);
    assert_eq!(src.text, text);
    assert!(facts(text, FactKind::Import).is_empty());
}

#[test]
fn relative_imports_resolve_within_the_package() {
    let module = module_of("backend/app/models/user.py", "backend");
    let text = "from ..database import Base\nfrom . import job\nfrom ...outside import x\n";
    let src = PySource::parse_module(text, module);
    let imports: Vec<String> = src
        .facts()
        .into_iter()
        .filter(|f| f.kind == FactKind::Import)
        .map(|f| f.name)
        .collect();
    assert_eq!(
        imports,
        ["app.database.Base", "app.models.job", "...outside.x"]
    );
}

#[test]
fn string_values_are_facts_docstrings_are_not() {
    let text = "\"\"\"Doc with 'access_token'.\"\"\"\nx = {\"access_token\": t}\nh = headers['Authorization']\ny = f'{a}'\n";
    assert_eq!(
        facts(text, FactKind::Str),
        ["access_token", "Authorization"]
    );
}

#[test]
fn strings_built_from_literals_are_facts_of_their_whole_text() {
    let text = "a = 'succ' + 'eeded'\nb = ('AL' 'TER') + (' TABLE')\nc = f'alter {t} add'\nd = 'x' + name\n";
    assert_eq!(
        facts(text, FactKind::Str),
        [
            "succeeded",
            "succ",
            "eeded",
            "ALTER TABLE",
            " TABLE",
            "alter {} add",
            "x{}",
            "x"
        ]
    );
}

#[test]
fn getattr_with_a_computed_name_or_on_a_module_is_a_construct() {
    let text = "import sqlalchemy.orm as orm\na = getattr(orm, 'relationship')\nb = getattr(obj, 'rel' + 'ationship')\nc = getattr(self, column.name)\nd = getattr(obj, 'name')\n";
    assert_eq!(
        facts(text, FactKind::Syntax),
        ["getattr on a module", "computed getattr"]
    );
}

#[test]
fn stubs_may_hold_signatures_docstrings_and_pure_returns() {
    let pure = [DottedPattern::new("pathlib.PurePosixPath").unwrap()];
    let text = concat!(
        "from dataclasses import dataclass\n",
        "from pathlib import Path, PurePosixPath\n",
        "ROOT = PurePosixPath('mirrors')\n",
        "@dataclass(frozen=True)\n",
        "class Status:\n    \"\"\"A status.\"\"\"\n    name: str\n    state: str = 'none'\n",
        "def mirror_path(name: str) -> PurePosixPath:\n    \"\"\"Where.\"\"\"\n    return ROOT / name\n",
        "def status(name: str) -> Status:\n    return Status(name=name)\n",
        "def sync(root: Path) -> None:\n    \"\"\"Phase J.\"\"\"\n    raise NotImplementedError('Phase J')\n",
        "def write(root: Path) -> None:\n    root.write_text('x')\n",
        "def clone(url: str) -> None:\n    return Path(url).mkdir()\n",
    );
    let src = PySource::parse(text);
    let bad: Vec<&str> = non_stub_statements(&src, &pure)
        .into_iter()
        .map(|r| src.text[r].lines().next().unwrap().trim())
        .collect();
    // `dataclass(frozen=True)` is not listed as pure: the decorated class is reported.
    assert_eq!(
        bad,
        [
            "@dataclass(frozen=True)",
            "root.write_text('x')",
            "return Path(url).mkdir()"
        ]
    );
}

/// A chain far deeper than Python compiles neither overflows the stack (which would abort a
/// guard hook, and an aborted hook lets the edit through) nor takes quadratic time: the file
/// is one fact, over all of it. Run on a thread with a small stack, as rayon's are.
#[test]
fn a_file_nested_too_deep_to_read_is_one_fact_over_all_of_it() {
    let text = format!("import os\nx = os.system\ny = a{}\n", ".b".repeat(200_000));
    let facts = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let src = PySource::parse(&text);
            let stubs = non_stub_statements(&src, &[]);
            assert_eq!(stubs, vec![(0..text.len())]);
            assert!(unused_functions(&src, &src.facts(), &[]).is_empty());
            (src.facts(), text.len())
        })
        .unwrap()
        .join()
        .unwrap();
    let (facts, len) = facts;
    assert_eq!(
        facts,
        [Fact {
            kind: FactKind::Syntax,
            name: TOO_DEEP.into(),
            span: 0..len,
            external: false,
        }]
    );
}

/// The limit is on depth, not size: a long flat file, and nesting just under the limit, are
/// read as usual.
#[test]
fn long_files_and_nesting_under_the_limit_are_read() {
    let flat = format!("import os\nX = [{}]\n", "1, ".repeat(100_000));
    assert_eq!(facts(&flat, FactKind::Import), ["os"]);
    let nested = format!("import os\ny = os{}\n", ".b".repeat(MAX_DEPTH - 10));
    let attributes = facts(&nested, FactKind::Attribute);
    assert_eq!(attributes.len(), MAX_DEPTH - 10);
    assert!(facts(&nested, FactKind::Syntax).is_empty());
}

/// A public top-level definition beyond the listed ones is reported when it loops anywhere
/// (a `for`, a `while`, a comprehension, in a method too); listed, private and loop-free
/// ones, and loops in the listed functions, are not.
#[test]
fn looping_definitions_beyond_the_listed_ones() {
    let text = concat!(
        "def enqueue_ai_job(jobs):\n    return [j for j in jobs]\n",
        "def job_priority(kind):\n    return {'a': 1}.get(kind, 5)\n",
        "def _walk(xs):\n    for x in xs:\n        pass\n",
        "def take_batch(db):\n    for job in db:\n        job.queued_at = None\n",
        "@decorated\ndef gather(todo):\n    while todo:\n        todo.pop()\n",
        "class Bundle:\n    def script(self):\n        return ''.join(p for p in self.parts)\n",
        "strip = lambda s: [l for l in s]\n",
        "same = lambda s: s\n",
        "def condense(source):\n    return '\\n'.join(filter(str.strip, map(str.rstrip, source.splitlines())))\n",
        "def reduced(xs):\n    return functools.reduce(max, xs)\n",
        "def mapped(xs):\n    return xs.map(1)\n",
    );
    let src = PySource::parse(text);
    let names: Vec<String> = looping_definitions(&src, &["enqueue_ai_job".to_string()])
        .into_iter()
        .map(|(name, span)| {
            assert_eq!(&src.text[span], name);
            name
        })
        .collect();
    assert_eq!(
        names,
        [
            "take_batch",
            "gather",
            "Bundle",
            "strip",
            "condense",
            "reduced"
        ]
    );
}

#[test]
fn a_module_reached_through_another_stands_for_itself() {
    // A module's namespace holds what it imported: `typing.sys` is `sys` (blind19 X13, X28).
    let text = "import typing\nimport dataclasses\nimport logging as log\ntyping.sys.modules['os'].system('w')\ndataclasses.builtins.compile('x', 'y', 'exec')\nlog.os.system('ls')\n";
    assert_eq!(
        facts(text, FactKind::Call),
        ["<expr>.system", "builtins.compile", "os.system"]
    );
    assert!(facts(text, FactKind::Attribute).contains(&"sys.modules".to_string()));
    assert_eq!(
        facts(text, FactKind::Import),
        ["typing", "dataclasses", "logging", "sys", "builtins", "os"]
    );
    // Ordinary attributes named like modules they are not, and a module's own submodules.
    let text = "import datetime\nimport sqlalchemy as sa\nimport os\nimport asyncio\ndatetime.time(1)\nsa.select(1)\nos.path.join('a')\nself.os.x()\nasyncio.sleep(1)\n";
    assert_eq!(
        facts(text, FactKind::Call),
        [
            "datetime.time",
            "sqlalchemy.select",
            "os.path.join",
            "self.os.x",
            "asyncio.sleep"
        ]
    );
    assert_eq!(
        facts(text, FactKind::Import),
        ["datetime", "sqlalchemy", "os", "asyncio"]
    );
}

#[test]
fn escape_sequences_read_as_python_reads_them() {
    let text = "a = 'AL\\x54ER\\tT\\u0041BLE'\nb = r'\\x41'\nc = '\\d\\n'\n";
    assert_eq!(
        facts(text, FactKind::Str),
        ["ALTER\tTABLE", "\\x41", "\\d\n"]
    );
}

#[test]
fn a_literal_getattr_is_the_attribute_it_names() {
    let text = "from fastapi import APIRouter\nr = APIRouter()\ngetattr(r, 'add_websocket_route')('/live', f)\n";
    let calls = facts(text, FactKind::Call);
    assert!(
        calls.iter().any(|c| c.ends_with(".add_websocket_route")),
        "{calls:?}"
    );
}
