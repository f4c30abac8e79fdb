//! Property tests of the anchor parser and the fill round trip, on random files with random
//! anchors, indentation, comment prefixes, line endings and BOMs.

use hivegen::anchor::{self, split_bom};
use hivegen::fill::{self, BodyState};
use hivegen::rules::{judge_changes, ChangeStatus, FileChange, RuleSet};
use hivegen::Registry;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Segment {
    Line(String),
    Anchor {
        indent: String,
        prefix: String,
        body: Vec<String>,
        open: bool,
    },
}

fn plain_line() -> impl Strategy<Value = String> {
    // Text that cannot form a marker; `<!--` and `-->` are allowed on their own.
    "[ a-zA-Z0-9_=()<>!#/;:.,'\"-]{0,40}".prop_filter("no markers", |s| !s.contains("SECTION:"))
}

fn segment() -> impl Strategy<Value = Segment> {
    prop_oneof![
        plain_line().prop_map(Segment::Line),
        (
            prop::sample::select(vec!["", "  ", "    ", "\t"]),
            prop::sample::select(vec!["", "#", "//", "--", ";"]),
            prop::collection::vec(plain_line(), 0..4),
            any::<bool>(),
        )
            .prop_map(|(indent, prefix, body, open)| Segment::Anchor {
                indent: indent.into(),
                prefix: prefix.into(),
                body,
                open,
            }),
    ]
}

/// A generated file: its text, and per anchor (name, rendered template).
#[derive(Debug, Clone)]
struct Case {
    text: String,
    fills: Vec<(String, String)>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(segment(), 0..12),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(prop::collection::vec(plain_line(), 0..5), 12),
    )
        .prop_map(|(segments, crlf, bom, renders)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            let mut fills = Vec::new();
            let mut n = 0;
            for seg in segments {
                match seg {
                    Segment::Line(l) => {
                        text.push_str(&l);
                        text.push_str(eol);
                    }
                    Segment::Anchor {
                        indent,
                        prefix,
                        body,
                        open,
                    } => {
                        let name = format!("A{n}");
                        let sep = if prefix.is_empty() { "" } else { " " };
                        text.push_str(&format!(
                            "{indent}{prefix}{sep}<!-- SECTION:{name} -->{eol}"
                        ));
                        if !open {
                            for b in &body {
                                text.push_str(&format!("{indent}{b}{eol}"));
                            }
                            text.push_str(&format!(
                                "{indent}{prefix}{sep}<!-- /SECTION:{name} -->{eol}"
                            ));
                        }
                        fills.push((name, renders[n].join("\n")));
                        n += 1;
                    }
                }
            }
            Case { text, fills }
        })
}

/// Fills every anchor of `text` (BOM included) the way the planner does.
fn fill_all(text: &str, fills: &[(String, String)]) -> String {
    let (bom, rest) = split_bom(text);
    let mut body_text = rest.to_string();
    let eol = fill::line_ending(&body_text);
    for (name, rendered) in fills {
        let anchors = anchor::parse(&body_text).expect("generated anchors are well formed");
        let a = anchors
            .iter()
            .find(|a| &a.name == name)
            .expect("anchor present");
        let body = fill::layout(rendered, &a.begin.indent, eol);
        body_text = fill::replace(&body_text, a, &body, "d", eol);
    }
    format!("{bom}{body_text}")
}

/// The text with every anchor body and stamp cut out: what a fill must never change.
fn skeleton(text: &str) -> String {
    let (_, rest) = split_bom(text);
    let anchors = anchor::parse(rest).unwrap();
    let mut out = String::new();
    let mut at = 0;
    for a in &anchors {
        let body = a.body();
        out.push_str(&rest[at..body.start]);
        let end = a.end.as_ref().expect("closed");
        let line = &rest[end.span.clone()];
        out.push_str(&line[..end.trailer.start]);
        out.push_str(&line[end.trailer.end..]);
        at = end.span.end;
    }
    out.push_str(&rest[at..]);
    out
}

/// The embedded Phase D rules, as `verify --base` uses them (compiled once).
fn phase_d_rules() -> &'static RuleSet {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY
        .get_or_init(|| Registry::embedded().unwrap())
        .rule_set("d")
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn filling_then_parsing_round_trips(c in case()) {
        let filled = fill_all(&c.text, &c.fills);
        let (bom, rest) = split_bom(&filled);
        prop_assert_eq!(bom.is_empty(), !c.text.starts_with('\u{feff}'));
        let anchors = anchor::parse(rest).unwrap();
        prop_assert_eq!(anchors.len(), c.fills.len());
        let eol = fill::line_ending(rest);
        for (a, (name, rendered)) in anchors.iter().zip(&c.fills) {
            prop_assert_eq!(&a.name, name);
            prop_assert!(a.end.is_some());
            prop_assert_eq!(fill::body_state(rest, a), BodyState::Intact);
            prop_assert_eq!(&rest[a.body()], fill::layout(rendered, &a.begin.indent, eol));
        }
        if c.text.contains("\r\n") {
            prop_assert!(!filled.replace("\r\n", "").contains('\n'), "LF crept into a CRLF file");
        }
    }

    #[test]
    fn applying_twice_equals_applying_once(c in case()) {
        let once = fill_all(&c.text, &c.fills);
        let twice = fill_all(&once, &c.fills);
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn bytes_outside_bodies_are_kept(c in case()) {
        // Only closed anchors: an open one gains its end marker, by design.
        let closed = fill_all(&c.text, &c.fills);
        let refilled: Vec<(String, String)> = c.fills.iter().map(|(n, r)| (n.clone(), format!("{r}\nextra = 1"))).collect();
        let again = fill_all(&closed, &refilled);
        prop_assert_eq!(skeleton(&closed), skeleton(&again));
    }

    #[test]
    fn any_byte_changed_inside_a_fill_is_a_hand_edit(c in case(), pick in any::<prop::sample::Index>(), which in any::<prop::sample::Index>()) {
        let filled = fill_all(&c.text, &c.fills);
        let (bom, rest) = split_bom(&filled);
        let anchors = anchor::parse(rest).unwrap();
        let candidates: Vec<_> = anchors.iter().filter(|a| {
            rest[a.body()].bytes().any(|b| b != b'\n' && b != b'\r')
        }).collect();
        prop_assume!(!candidates.is_empty());
        let a = candidates[which.index(candidates.len())];
        let body = a.body();
        let positions: Vec<usize> = body.clone().filter(|&i| !matches!(rest.as_bytes()[i], b'\n' | b'\r')).collect();
        let i = positions[pick.index(positions.len())];
        let mut bytes = rest.as_bytes().to_vec();
        bytes[i] = if bytes[i] == b'Z' { b'Q' } else { b'Z' };
        let edited = String::from_utf8(bytes).unwrap();
        let reparsed = anchor::parse(&edited).unwrap();
        let same = reparsed.iter().find(|x| x.name == a.name).unwrap();
        prop_assert_eq!(fill::body_state(&edited, same), BodyState::Edited, "{}{}", bom, edited);
    }

    #[test]
    fn any_byte_changed_outside_the_bodies_is_reported_by_verify(
        c in case(),
        pick in any::<prop::sample::Index>(),
        replacement in prop::sample::select(vec![b'Z', b'#', b' ', b'\n']),
    ) {
        let filled = fill_all(&c.text, &c.fills);
        let (bom, rest) = split_bom(&filled);
        let anchors = anchor::parse(rest).unwrap();
        let inside = |i: usize| anchors.iter().any(|a| a.body().contains(&i));
        let outside: Vec<usize> = (0..rest.len()).filter(|&i| !inside(i) && rest.is_char_boundary(i)).collect();
        prop_assume!(!outside.is_empty());
        let i = outside[pick.index(outside.len())];
        prop_assume!(rest.as_bytes()[i] != replacement);
        let mut bytes = rest.as_bytes().to_vec();
        bytes[i] = replacement;
        prop_assume!(String::from_utf8(bytes.clone()).is_ok());
        let new = [bom.as_bytes(), &bytes].concat();
        let change = FileChange {
            path: "backend/app/models/user.py".into(),
            status: ChangeStatus::Modified,
            old: Some(filled.clone().into_bytes()),
            new: Some(new),
            modes: None,
            crlf_stored: false,
        };
        let findings = judge_changes(phase_d_rules(), &[change]);
        // Turning a CRLF's CR into LF moves a line break into a body: verify's fill-intact
        // check reports that one (the body no longer matches its stamp).
        let edited_fill = String::from_utf8(bytes.clone()).ok().and_then(|t| {
            anchor::parse(&t).ok().map(|anchors| {
                anchors.iter().any(|a| fill::body_state(&t, a) == BodyState::Edited)
            })
        }) == Some(true);
        prop_assert!(
            edited_fill
                || findings.iter().any(|f| f.rule_id() == "D-OUTSIDE-ANCHOR" || f.rule_id() == "D-ANCHOR-MALFORMED"),
            "byte {} changed to {:?} was not reported: {:?}", i, replacement as char, findings
        );
    }
}
