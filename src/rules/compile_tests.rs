use super::*;

fn spec(rules: &str) -> PhaseSpec {
    let text = format!("id: d\ntitle: T\nmarker:\n  path: docs/M\n  content: \"M\\n\"\ndone: DONE\nrules:\n{rules}");
    PhaseSpec::parse(&text, "d.yaml").unwrap()
}

#[test]
fn a_lazy_glob_set_answers_as_the_set_and_builds_only_when_a_prefix_fits() {
    let patterns: Vec<String> = [
        "backend/app/models/**",
        "backend/**/*.py",
        "README*",
        ".github/**",
        "**/x.cfg",
        "docs/{a,b}.md",
        "lit\\*eral",
        "desktop/?.js",
        "docs/[ab].txt",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let paths = [
        "backend/app/models/user.py",
        "backend/app/models",
        "backend/x.py",
        "backend/a/b.txt",
        "README.md",
        "README",
        "x/README.md",
        ".github/workflows/ci.yml",
        "a/b/x.cfg",
        "x.cfg",
        "docs/a.md",
        "docs/c.md",
        "lit*eral",
        "literal",
        "desktop/a.js",
        "desktop/ab.js",
        "docs/b.txt",
        "",
        "frontend/index.ts",
    ];
    for n in 1..=patterns.len() {
        for list in patterns.windows(n) {
            let lazy = globs(list, false).unwrap();
            let eager = build(&lazy.globs).unwrap();
            for path in paths {
                assert_eq!(
                    lazy.is_match(path),
                    eager.is_match(path),
                    "{path} in {list:?}"
                );
            }
        }
    }
    let models = globs(&patterns[..1], false).unwrap();
    assert!(!models.is_match("frontend/index.ts"));
    assert!(models.set.get().is_none(), "no prefix fits: nothing built");
    assert!(models.is_match("backend/app/models/user.py"));
    assert!(models.set.get().is_some());
    assert!(
        globs(&["a/[".to_string()], false).is_err(),
        "a bad glob is told at once"
    );
}

#[test]
fn scope_globs_respect_folders() {
    let s = spec("  - {id: R, kind: structure, check: touched, section: '3', message: m, scope: ['desktop/**', '**/migrations/**', 'alembic*']}\n");
    let set = RuleSet::compile(&s, &["README*".into()], true).unwrap();
    assert!(set.is_repository_file("README.md"));
    assert!(!set.is_repository_file("backend/README.md"));
    let r = &set.rules[0];
    assert!(r.applies_to("desktop/app/main.ts"));
    assert!(r.applies_to("backend/migrations/versions/1.py"));
    assert!(r.applies_to("alembic.ini"));
    assert!(!r.applies_to("backend/alembic.ini"));
    assert!(!r.applies_to("desktopx/a"));
    assert!(set.may_create.contains("docs/M"));
}

#[test]
fn shape_errors_name_the_rule_and_point_at_it() {
    let s = spec("  - {id: R, kind: structure, check: touched, section: '3', message: m}\n  - {id: S, kind: code, section: '3', message: m}\n");
    let e = RuleSet::compile(&s, &[], true).unwrap_err();
    let Error::Spec { message, place, .. } = &e else {
        panic!("a spec error")
    };
    assert!(
        message.contains("rule `S`") && message.contains("match"),
        "{e}"
    );
    assert_eq!(place.as_ref().map(|p| p.line), Some(9));
}
