//! The spec loader on arbitrary YAML: an error or a spec, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(d) = hivegen::PhaseSpec::parse(text, "fuzz.yaml") {
        // Rendering the error must not panic either.
        let _ = d.to_string();
    }
});
