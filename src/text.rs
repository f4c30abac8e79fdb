//! Lines as Python reads them: `\n`, `\r\n` and a lone `\r` each end a line. A checker that
//! splits on `\n` alone would read `# note\rimport jwt` as one comment line, while Python
//! executes the import; every line count in hivegen goes through here.

/// One line of a text: byte offsets of its start, of the end of its content, and of the
/// start of the next line (its terminator included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    /// Offset of the first byte.
    pub(crate) start: usize,
    /// Offset just past the content (before `\r`, `\n` or `\r\n`).
    pub(crate) content_end: usize,
    /// Offset of the next line.
    pub(crate) end: usize,
}

/// The lines of `text`, each with its terminator's extent.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = Line> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let (content_end, end) = match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(i) => {
                let at = start + i;
                let crlf = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
                (at, at + if crlf { 2 } else { 1 })
            }
            None => (bytes.len(), bytes.len()),
        };
        let line = Line {
            start,
            content_end,
            end,
        };
        start = end;
        Some(line)
    })
}

/// The lines of `text` with their terminators, as slices.
pub(crate) fn split_inclusive(text: &str) -> impl Iterator<Item = &str> + '_ {
    lines(text).map(|l| &text[l.start..l.end])
}

/// The content of 1-based line `n`, without its terminator.
pub(crate) fn nth_line(text: &str, n: usize) -> Option<&str> {
    lines(text)
        .nth(n.checked_sub(1)?)
        .map(|l| &text[l.start..l.content_end])
}

/// 1-based line and character column of byte offset `at`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at];
    let mut line = 1;
    let mut line_start = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', before) {
        // A `\r\n` pair ends one line, at its `\n`.
        if before[i] == b'\r' && text.as_bytes().get(i + 1) == Some(&b'\n') {
            continue;
        }
        line += 1;
        line_start = i + 1;
    }
    (line, text[line_start..at].chars().count() + 1)
}

/// Offset of the end of the content of the line holding `at`.
pub(crate) fn line_end(text: &str, at: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_python_line_ending_ends_a_line() {
        let text = "a\nb\r\nc\rd";
        let got: Vec<&str> = split_inclusive(text).collect();
        assert_eq!(got, ["a\n", "b\r\n", "c\r", "d"]);
        assert_eq!(nth_line(text, 3), Some("c"));
        assert_eq!(nth_line(text, 4), Some("d"));
        assert_eq!(nth_line(text, 5), None);
        assert_eq!(line_col(text, text.find('d').unwrap()), (4, 1));
        assert_eq!(line_col(text, text.find('c').unwrap()), (3, 1));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col("ab\né x", 6), (2, 3));
    }
}
