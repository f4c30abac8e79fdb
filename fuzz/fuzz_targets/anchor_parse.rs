//! The anchor parser on arbitrary text: no panic, no hang, and every anchor it returns lies
//! inside the text with its body between its markers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (_, text) = hivegen::anchor::split_bom(text);
    if let Ok(anchors) = hivegen::anchor::parse(text) {
        for a in &anchors {
            let body = a.body();
            assert!(a.begin.span.end <= text.len());
            assert!(body.start <= body.end && body.end <= text.len());
            if let Some(end) = &a.end {
                assert!(a.begin.line < end.line);
                assert!(text.is_char_boundary(end.span.start + end.trailer.start));
            }
        }
    }
});
