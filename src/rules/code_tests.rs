use super::*;

fn hits(m: CodeMatch, text: &str) -> Vec<String> {
    let code = CompiledCode::new(&m).unwrap();
    let src = PySource::parse(text);
    code.hits(&src, &src.facts())
        .into_iter()
        .map(|h| h.what)
        .collect()
}

#[test]
fn defined_names_keep_unicode_where_a_pattern_needs_it() {
    let set = |p: &str| regexes(&[p.to_string()], "defined-name pattern", true).unwrap();
    assert!(set(r"^\w+_token$").is_match("clé_token"));
    assert!(set("(^|_)секрет(_|$)").is_match("мой_СЕКРЕТ"));
    assert!(!set(r"\bkey\b").is_match("ékey"));
    assert!(set("(^|_)api_keys?(_|$)").is_match("USER_API_KEY"));
}

#[test]
fn string_join_and_path_join_are_excepted() {
    let m = CodeMatch {
        attributes: vec!["**.join".into()],
        except: vec!["<str>.join".into(), "os.path.join".into()],
        ..Default::default()
    };
    let text = "import os\na = ', '.join(x)\nb = os.path.join('a', 'b')\nc = select(A).join(B)\n";
    assert_eq!(hits(m, text), ["attribute `<call>.join`"]);
}

#[test]
fn queries_report_their_first_capture() {
    let m = CodeMatch {
        queries: vec![
            "(await) @hit".into(),
            "(while_statement condition: (true)) @hit".into(),
        ],
        ..Default::default()
    };
    let text = "async def f():\n    await g()\n    while True:\n        pass\n";
    assert_eq!(hits(m, text), ["`await g()`", "`while True:`"]);
}

#[test]
fn a_bad_query_is_an_error() {
    let m = CodeMatch {
        queries: vec!["(nonsense_node) @x".into()],
        ..Default::default()
    };
    assert!(CompiledCode::new(&m).unwrap_err().contains("nonsense_node"));
}

#[test]
fn an_unknown_construct_is_an_error_naming_the_known_ones() {
    let m = CodeMatch {
        syntax: vec!["while".into(), "whlie True".into()],
        ..Default::default()
    };
    let e = CompiledCode::new(&m).unwrap_err();
    assert!(e.contains("unknown construct `whlie True`"), "{e}");
    assert!(e.contains("while True"), "{e}");
}

#[test]
fn patterns_match_as_one_set_and_a_bad_one_is_named() {
    let m = CodeMatch {
        defined_names: vec!["(^|_)api_keys?(_|$)".into(), "(?s)^remember_me$".into()],
        ..Default::default()
    };
    let code = CompiledCode::new(&m).unwrap();
    assert!(code.defined_names.is_match("user_api_key"));
    assert!(code.defined_names.is_match("REMEMBER_ME"));
    assert!(!code.defined_names.is_match("remember_me_not"));
    let bad = CodeMatch {
        string_patterns: vec!["ok".into(), "(unclosed".into()],
        ..Default::default()
    };
    let e = CompiledCode::new(&bad).unwrap_err();
    assert!(e.contains("bad string pattern `(unclosed`"), "{e}");
}
