//! Turning a rule violation into a [`Diagnostic`]: the rule id as its code, the message citing
//! the section of the phase document, the place as file:line:col with a caret under the node.

use std::ops::Range;

use super::compile::{CompiledRule, RuleSet};
use crate::diag::Diagnostic;

/// A violation of `rule` in `file`; `what` (``call `relationship` ``) leads the message.
pub(crate) fn violation(
    set: &RuleSet,
    rule: &CompiledRule,
    file: &str,
    what: Option<&str>,
) -> Diagnostic {
    let r = &rule.rule;
    let cite = format!("({} §{})", set.document, r.section);
    let message = match what {
        Some(w) => format!("{w}: {} {cite}", r.message),
        None => format!("{} {cite}", r.message),
    };
    let d = Diagnostic::refused(r.id.clone(), message).file(file);
    match &r.help {
        Some(h) => d.help(h.clone()),
        None => d,
    }
}

/// Places `d` at the byte range `span` of `text`: line, column (in characters), and a caret as
/// wide as the span's first line.
pub(crate) fn at_span(d: Diagnostic, text: &str, span: &Range<usize>) -> Diagnostic {
    let (line, col) = line_col(text, span.start);
    let end = text[span.start..]
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    let width = text[span.start..span.end.min(end).max(span.start)]
        .chars()
        .count();
    d.at(line, col, Some(text)).width(width)
}

/// 1-based line and character column of byte offset `at`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Places `d` at the start of 1-based `line` of `text`, the caret under the line's text.
pub(crate) fn at_line(d: Diagnostic, text: &str, line: usize) -> Diagnostic {
    let src = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let indent = src.len() - src.trim_start().len();
    let col = src[..indent].chars().count() + 1;
    let width = src.trim().chars().count();
    d.at(line, col, Some(text)).width(width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col("ab\né x", 6), (2, 3));
        let d = at_span(Diagnostic::refused("R", "m"), "x = 1\n  rel(a)\n", &(8..14));
        assert_eq!((d.line, d.col, d.width), (Some(2), Some(3), 6));
    }
}
