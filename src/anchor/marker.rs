//! One marker line read: `[indent][prefix ]<!-- [/]SECTION:NAME[ key=value…] -->`, as byte
//! ranges within the line. A scan of the line, once: a regex with capture groups read every
//! marker of a tree with its backtracking engine, a quarter of the cost of reading a tree's
//! anchors. The regex is kept below as the scan's specification, and a property test holds
//! the two to the same answer.

use std::ops::Range;

/// The parts of a marker line (which holds no line terminator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parts {
    /// Leading blanks.
    pub(super) indent: Range<usize>,
    /// The comment prefix: `#`, `//`, `--` or `;`.
    pub(super) prefix: Option<Range<usize>>,
    /// Where `<!--` starts.
    pub(super) open: usize,
    /// `/SECTION:` rather than `SECTION:`.
    pub(super) is_end: bool,
    /// The anchor's name: ASCII letters, digits, `_`.
    pub(super) name: Range<usize>,
    /// ` key=value` pairs (a stamp), possibly empty, without the blanks before `-->`.
    pub(super) trailer: Range<usize>,
}

fn blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The first offset from `at` that is not a blank.
fn skip_blanks(b: &[u8], mut at: usize) -> usize {
    while b.get(at).copied().is_some_and(blank) {
        at += 1;
    }
    at
}

/// The end of the run of bytes from `at` that satisfy `keep`.
fn run(b: &[u8], mut at: usize, end: usize, keep: impl Fn(u8) -> bool) -> usize {
    while at < end && keep(b[at]) {
        at += 1;
    }
    at
}

/// The parts of `line` when it is a marker line, else `None`.
pub(super) fn parts(line: &str) -> Option<Parts> {
    let b = line.as_bytes();
    let indent = 0..skip_blanks(b, 0);
    let mut i = indent.end;
    let prefix_len = match &b[i..] {
        [b'#' | b';', ..] => 1,
        [b'/', b'/', ..] | [b'-', b'-', ..] => 2,
        _ => 0,
    };
    let prefix = (prefix_len > 0).then(|| i..i + prefix_len);
    i = if prefix_len > 0 {
        skip_blanks(b, i + prefix_len)
    } else {
        i
    };
    let open = i;
    i = skip_blanks(b, i + b[i..].starts_with(b"<!--").then_some(4)?);
    let is_end = b.get(i) == Some(&b'/');
    i += usize::from(is_end);
    i += b[i..].starts_with(b"SECTION:").then_some(8)?;
    let name = i..run(b, i, b.len(), |c| c.is_ascii_alphanumeric() || c == b'_');
    if name.is_empty() {
        return None;
    }
    // The line ends in `-->` and blanks; what lies between the name and them is the trailer.
    let mut end = b.len();
    while end > name.end && blank(b[end - 1]) {
        end -= 1;
    }
    if end < name.end + 3 || &b[end - 3..end] != b"-->" {
        return None;
    }
    let mut trailer_end = end - 3;
    while trailer_end > name.end && blank(b[trailer_end - 1]) {
        trailer_end -= 1;
    }
    let mut at = name.end;
    while at < trailer_end {
        let key = skip_blanks(b, at);
        let key_end = run(b, key, trailer_end, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit()
        });
        if key == at || key_end == key || b.get(key_end) != Some(&b'=') || key_end >= trailer_end {
            return None;
        }
        at = run(b, key_end + 1, trailer_end, |c| !blank(c) && c != b'>');
        if at < trailer_end && b[at] == b'>' {
            return None;
        }
    }
    Some(Parts {
        indent,
        prefix,
        open,
        is_end,
        name: name.clone(),
        trailer: name.end..trailer_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The marker line as a regex: the scan's specification.
    const SPEC: &str = r"^(?P<indent>[ \t]*)(?:(?P<prefix>#|//|--|;)[ \t]*)?<!--[ \t]*(?P<slash>/?)SECTION:(?P<name>[A-Za-z0-9_]+)(?P<trailer>(?:[ \t]+[a-z0-9]+=[^ \t>]*)*)[ \t]*-->[ \t]*$";

    fn by_spec(re: &Regex, line: &str) -> Option<Parts> {
        let c = re.captures(line)?;
        Some(Parts {
            indent: c.name("indent")?.range(),
            prefix: c.name("prefix").map(|m| m.range()),
            open: line.find("<!--")?,
            is_end: !c["slash"].is_empty(),
            name: c.name("name")?.range(),
            trailer: c.name("trailer")?.range(),
        })
    }

    #[test]
    fn reads_each_part() {
        let p = parts("  # <!-- /SECTION:A_1 phase=d sha256=00ff -->  ").unwrap();
        assert_eq!(
            (p.indent, p.prefix, p.open, p.is_end),
            (0..2, Some(2..3), 4, true)
        );
        assert_eq!((p.name, p.trailer), (18..21, 21..41));
        assert!(parts("<!-- SECTION:A phase=d>x -->").is_none());
        assert!(parts("x <!-- SECTION:A -->").is_none());
        assert_eq!(parts("<!--SECTION:A-->").map(|p| p.name), Some(12..13));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn the_scan_reads_lines_as_the_regex_does(
            line in "( |\t|#|//|--|-|;|<!--|<|/|SECTION:|A|a|_|9|=|>|é|phase=d|sha256=0f|-->){0,14}"
        ) {
            let re = Regex::new(SPEC).unwrap();
            proptest::prop_assert_eq!(parts(&line), by_spec(&re, &line), "{:?}", line);
        }
    }
}
