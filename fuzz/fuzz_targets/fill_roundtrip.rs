//! Fill every anchor of arbitrary text with a body taken from the input, then check the
//! round trip: the result parses, every fill is intact, and filling again changes nothing.
#![no_main]

use hivegen::{anchor, fill};
use libfuzzer_sys::fuzz_target;

fn fill_all(text: &str, rendered: &str) -> Option<String> {
    let mut text = text.to_string();
    let eol = fill::line_ending(&text);
    let names: Vec<String> = anchor::parse(&text).ok()?.into_iter().map(|a| a.name).collect();
    for name in &names {
        let anchors = anchor::parse(&text).expect("a filled text still parses");
        let a = anchors.iter().find(|a| &a.name == name).expect("anchor kept");
        let body = fill::layout(rendered, &a.begin.indent, eol);
        text = fill::replace(&text, a, &body, "d", eol);
    }
    Some(text)
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let (text, rendered) = input.split_once('\u{0}').unwrap_or((input, "x = 1\n"));
    if rendered.contains("SECTION:") {
        return; // a template that renders a marker is refused upstream
    }
    let Some(once) = fill_all(text, rendered) else { return };
    let anchors = anchor::parse(&once).expect("filled text parses");
    for a in &anchors {
        assert_eq!(fill::body_state(&once, a), fill::BodyState::Intact);
    }
    let twice = fill_all(&once, rendered).expect("parses");
    assert_eq!(once, twice, "filling is idempotent");
});
