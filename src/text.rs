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

/// The lines of `text` that contain `needle`, each with its 1-based number: the needle is
/// searched for, and only the line breaks before each hit are counted, so a file with few
/// hits costs a search rather than a visit of every line.
pub(crate) fn lines_containing<'t>(
    text: &'t str,
    needle: &'t str,
) -> impl Iterator<Item = (usize, Line)> + 't {
    let bytes = text.as_bytes();
    let mut hits = memchr::memmem::find_iter(bytes, needle.as_bytes());
    // Line breaks are counted up to `counted`, a line start, which is line `number`.
    let (mut counted, mut number) = (0, 1);
    let mut next_line = 0;
    std::iter::from_fn(move || loop {
        let at = hits.next()?;
        if at < next_line {
            continue; // another hit on the line just given
        }
        let start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1);
        number += breaks(&bytes[counted..start]);
        counted = start;
        let line = lines(&text[start..])
            .next()
            .map(|l| Line {
                start,
                content_end: start + l.content_end,
                end: start + l.end,
            })
            .expect("a hit lies on a line");
        next_line = line.end;
        return Some((number, line));
    })
}

/// How many lines end in `bytes` (which does not end between the two bytes of a `\r\n`).
/// Counted, not visited: the byte comparisons compile to vector code, where stopping at each
/// line break cost a search call per line (a fifth of reading a tree's anchors).
fn breaks(bytes: &[u8]) -> usize {
    let newlines = count(bytes, b'\n');
    if memchr::memchr(b'\r', bytes).is_none() {
        return newlines;
    }
    newlines + count(bytes, b'\r') - memchr::memmem::find_iter(bytes, b"\r\n").count()
}

/// How many times `byte` occurs in `bytes`: summed in blocks of 64 into a byte (which cannot
/// overflow), a shape the compiler turns into vector code where a plain filtered count stays
/// one byte at a time.
fn count(bytes: &[u8], byte: u8) -> usize {
    let mut blocks = bytes.chunks_exact(64);
    let mut n = 0;
    for block in &mut blocks {
        n += usize::from(block.iter().map(|&b| u8::from(b == byte)).sum::<u8>());
    }
    n + blocks.remainder().iter().filter(|&&b| b == byte).count()
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

/// The line starts of one text, to find the line of many offsets without rescanning it (a
/// file with thousands of findings would otherwise cost time quadratic in its length).
pub(crate) struct LineIndex {
    /// Offset just past each line terminator, in order.
    ends: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`.
    pub(crate) fn new(text: &str) -> Self {
        let ends = lines(text)
            .filter(|l| l.end > l.content_end)
            .map(|l| l.end)
            .collect();
        Self { ends }
    }

    /// 1-based line and character column of byte offset `at`, as the scan of the text before it.
    pub(crate) fn line_col(&self, text: &str, at: usize) -> (usize, usize) {
        let before = self.ends.partition_point(|&e| e <= at);
        let start = before.checked_sub(1).map_or(0, |i| self.ends[i]);
        (before + 1, text[start..at].chars().count() + 1)
    }

    /// The content of 1-based line `n`, as [`nth_line`].
    pub(crate) fn nth_line<'t>(&self, text: &'t str, n: usize) -> Option<&'t str> {
        let start = match n.checked_sub(2) {
            None if n == 0 => return None,
            None => 0,
            Some(i) => *self.ends.get(i)?,
        };
        (start < text.len()).then(|| &text[start..line_end(text, start)])
    }
}

/// Offset of the end of the content of the line holding `at`.
pub(crate) fn line_end(text: &str, at: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i)
}

/// True when `new` is `old` as a checkout with `core.autocrlf` may have written it: `old` has
/// no `\r`, and every line of `new` that ends ends with `\r\n`. (One CRLF line among LF
/// ones is no checkout's: git stores that `\r`.)
pub(crate) fn crlf_checkout(old: &str, new: &str) -> bool {
    !old.contains('\r') && all_crlf(new)
}

/// True when every line of `text` that ends ends with `\r\n`, and one does.
fn all_crlf(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut any = false;
    for i in memchr::memchr_iter(b'\n', bytes) {
        if i == 0 || bytes[i - 1] != b'\r' {
            return false;
        }
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1-based line (by a scan, the reference for [`LineIndex::line_col`]) and character column of byte offset `at`.
    fn line_col(text: &str, at: usize) -> (usize, usize) {
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

    /// The index answers as the scans do, at every offset of texts with every line ending.
    #[test]
    fn the_line_index_agrees_with_the_scans() {
        for text in [
            "",
            "a",
            "a\n",
            "a\nb\r\nc\rd",
            "\n\n\r\r\n",
            "é\r\nx\ry\n\nz",
        ] {
            let index = LineIndex::new(text);
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_eq!(
                    index.line_col(text, at),
                    line_col(text, at),
                    "{text:?} at {at}"
                );
            }
            for n in 0..8 {
                assert_eq!(
                    index.nth_line(text, n),
                    nth_line(text, n),
                    "{text:?} line {n}"
                );
            }
        }
    }

    proptest::proptest! {
        /// The search finds the lines a visit of every line finds, with the same numbers.
        #[test]
        fn lines_containing_agrees_with_a_visit_of_every_line(
            text in "(SECTION:|SEC|x|é|\r|\n|\r\n| ){0,40}"
        ) {
            let visited: Vec<(usize, Line)> = lines(&text)
                .enumerate()
                .filter(|(_, l)| text[l.start..l.content_end].contains("SECTION:"))
                .map(|(i, l)| (i + 1, l))
                .collect();
            let searched: Vec<(usize, Line)> = lines_containing(&text, "SECTION:").collect();
            proptest::prop_assert_eq!(searched, visited);
        }
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col("ab\né x", 6), (2, 3));
    }
}
