//! GitHub Actions workflow commands: one `::error file=…,line=…,col=…,title=RULE::message`
//! per finding, which the runner turns into an annotation on the pull request's diff.

use crate::verify::Report;

/// Escapes a command's message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per finding.
pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let mut props = vec![format!("file={}", escape_property(&f.file))];
        if let Some(p) = &f.place {
            props.push(format!("line={}", p.line));
            props.push(format!("col={}", p.col));
            props.push(format!("endColumn={}", p.col + p.width));
        }
        props.push(format!("title={}", escape_property(&f.rule)));
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::error {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_syntax() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
