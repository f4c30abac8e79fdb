//! A file's new content, computed in memory exactly as the editing tool would compute it.

/// What a tool does to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    /// Write: the whole new content.
    Write(String),
    /// Edit or MultiEdit: (old, new, replace all) applied in order.
    Replace(Vec<(String, String, bool)>),
}

/// The content after `edit`, from `old` (`None`: the file does not exist). `None` when the
/// tool would refuse: an `old_string` that is not there, or there more than once without
/// `replace_all`. A file that is not UTF-8 is read as the tools read it (Node's `utf8`: each
/// bad sequence a U+FFFD), so such a file is judged, not waved through.
pub(crate) fn apply(old: Option<&[u8]>, edit: &Edit) -> Option<Vec<u8>> {
    match edit {
        Edit::Write(content) => Some(content.clone().into_bytes()),
        Edit::Replace(edits) => {
            let mut text = match old {
                Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                // Editing a file that does not exist with an empty `old_string` creates it.
                None if edits.first().is_some_and(|(o, _, _)| o.is_empty()) => String::new(),
                None => return None,
            };
            for (from, to, all) in edits {
                if from.is_empty() {
                    if !text.is_empty() {
                        return None;
                    }
                    text = to.clone();
                    continue;
                }
                match (text.matches(from.as_str()).count(), all) {
                    (0, _) => return None,
                    (1, _) | (_, true) => text = text.replace(from.as_str(), to),
                    _ => return None,
                }
            }
            Some(text.into_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replace(edits: &[(&str, &str, bool)]) -> Edit {
        Edit::Replace(
            edits
                .iter()
                .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
                .collect(),
        )
    }

    #[test]
    fn an_edit_applies_as_the_tool_applies_it() {
        let old = Some(&b"a b a"[..]);
        assert_eq!(
            apply(old, &replace(&[("b", "c", false)])),
            Some(b"a c a".to_vec())
        );
        // Twice without replace_all: the tool refuses, and so the guard lets it fail.
        assert_eq!(apply(old, &replace(&[("a", "x", false)])), None);
        assert_eq!(
            apply(old, &replace(&[("a", "x", true)])),
            Some(b"x b x".to_vec())
        );
        assert_eq!(apply(old, &replace(&[("z", "x", false)])), None);
        assert_eq!(
            apply(old, &replace(&[("b", "c", false), ("c", "d", false)])),
            Some(b"a d a".to_vec())
        );
        assert_eq!(
            apply(None, &replace(&[("", "new", false)])),
            Some(b"new".to_vec())
        );
        assert_eq!(apply(None, &replace(&[("x", "y", false)])), None);
        assert_eq!(apply(None, &Edit::Write("w".into())), Some(b"w".to_vec()));
        // Not UTF-8: edited as the tools read it, and so judged.
        assert_eq!(
            apply(Some(b"a\xff b"), &replace(&[("b", "c", false)])),
            Some("a\u{fffd} c".as_bytes().to_vec())
        );
    }
}
