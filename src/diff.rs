//! The plan as a unified diff, file by file: `---`/`+++` headers (`/dev/null` for a created
//! file), hunks with 3 lines of context, and a word-level highlight inside changed lines.
//!
//! The text is always styled; `anstream` strips the escapes when stdout is not a terminal, so
//! piped output is exactly the plain unified diff that `git apply` and `patch -p1` take.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use similar::udiff::UnifiedHunkHeader;
use similar::{ChangeTag, TextDiff};

use crate::plan::Change;

/// Lines of context around each hunk.
const CONTEXT: usize = 3;

const HEADER: Style = Style::new().bold();
const HUNK: Style = AnsiColor::Cyan.on_default();
const OLD: Style = AnsiColor::Red.on_default();
const NEW: Style = AnsiColor::Green.on_default();
/// A changed word inside a changed line: the line's colour, bold and underlined.
const fn emphasis(line: Style) -> Style {
    line.bold().underline()
}

/// Renders every change as a styled unified diff.
pub(crate) fn unified(changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        file_diff(&mut out, change);
    }
    out
}

fn file_diff(out: &mut String, change: &Change) {
    let old = change
        .old
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let new = String::from_utf8_lossy(&change.new);
    let from = match change.old {
        Some(_) => format!("a/{}", change.path),
        None => "/dev/null".to_string(),
    };
    let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
    let groups = diff.grouped_ops(CONTEXT);
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(out, "{HEADER}--- {from}{HEADER:#}");
    let _ = writeln!(out, "{HEADER}+++ b/{}{HEADER:#}", change.path);
    for group in &groups {
        let _ = writeln!(out, "{HUNK}{}{HUNK:#}", UnifiedHunkHeader::new(group));
        for op in group {
            for line in diff.iter_inline_changes(op) {
                let (sign, style) = match line.tag() {
                    ChangeTag::Equal => (' ', Style::new()),
                    ChangeTag::Delete => ('-', OLD),
                    ChangeTag::Insert => ('+', NEW),
                };
                // Highlight words only in a line that is partly the same: a wholly new or wholly
                // removed line is coloured already.
                let partial = line
                    .values()
                    .iter()
                    .any(|(e, v)| !e && !v.trim().is_empty());
                let _ = write!(out, "{style}{sign}");
                for (emphasized, value) in line.iter_strings_lossy() {
                    let value = value.strip_suffix('\n').unwrap_or(&value);
                    let value = value.strip_suffix('\r').map_or(value, |v| v);
                    if emphasized && partial && line.tag() != ChangeTag::Equal {
                        let em = emphasis(style);
                        let _ = write!(out, "{style:#}{em}{value}{em:#}{style}");
                    } else {
                        out.push_str(value);
                    }
                }
                let _ = write!(out, "{style:#}");
                out.push_str(line_end(&line));
                if line.missing_newline() {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
}

/// The line's own terminator (`\r\n` stays `\r\n`, so a CRLF file's diff still applies), or
/// nothing when the file ends without one.
fn line_end(line: &similar::InlineChange<'_, str>) -> &'static str {
    let last = line.values().last().map_or("", |(_, v)| *v);
    if last.ends_with("\r\n") {
        "\r\n"
    } else if last.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn strip(s: &str) -> String {
        let mut buf = Vec::new();
        write!(anstream::StripStream::new(&mut buf), "{s}").unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn change(path: &str, old: Option<&str>, new: &str) -> Change {
        Change {
            path: path.into(),
            old: old.map(|o| o.as_bytes().to_vec()),
            new: new.as_bytes().to_vec(),
            fills: Vec::new(),
        }
    }

    #[test]
    fn stripped_output_is_similars_plain_unified_diff() {
        let cases = [
            ("a\nb\nc\n", "a\nB c\nc\nd"),
            ("x = 1\r\ny = 2\r\n", "x = 1\r\ny = 3\r\n"),
            ("one\n", "one\ntwo\n"),
        ];
        for (old, new) in cases {
            let styled = unified(&[change("f.py", Some(old), new)]);
            let plain = TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(CONTEXT)
                .header("a/f.py", "b/f.py")
                .to_string();
            assert_eq!(strip(&styled), plain, "{old:?} -> {new:?}");
        }
    }

    #[test]
    fn created_file_diffs_from_dev_null() {
        let text = strip(&unified(&[change("n.py", None, "x\n")]));
        assert_eq!(text, "--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+x\n");
    }

    #[test]
    fn changed_words_are_emphasized() {
        let styled = unified(&[change("f.py", Some("a = 1\n"), "a = 2\n")]);
        let em = emphasis(NEW);
        assert!(styled.contains(&format!("{em}2{em:#}")), "{styled:?}");
    }

    #[test]
    fn a_wholly_new_line_is_not_emphasized() {
        let styled = unified(&[change("f.py", Some("a\nx\n"), "a\ny = 1\n")]);
        assert!(!styled.contains(&emphasis(NEW).to_string()), "{styled:?}");
    }
}
