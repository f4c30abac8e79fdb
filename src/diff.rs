//! The plan as a unified diff, file by file.

use similar::TextDiff;

use crate::plan::Change;

/// Renders every change as a unified diff with `---`/`+++` headers and 3 lines of context.
pub fn unified(changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        let old = change
            .old
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let new = String::from_utf8_lossy(&change.new);
        let (from, to) = match change.old {
            Some(_) => (format!("a/{}", change.path), format!("b/{}", change.path)),
            None => ("/dev/null".to_string(), format!("b/{}", change.path)),
        };
        let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&from, &to)
                .to_string(),
        );
    }
    out
}
