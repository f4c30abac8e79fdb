//! Where a SARIF result points: the file as an RFC 3986 URI reference relative to the
//! repository root, a region on every result (a finding about a whole file points at line 1),
//! and the `primaryLocationLineHash` that GitHub code scanning tracks a result by.

use std::collections::HashMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::rules::Finding;

/// `path` (relative, `/`-separated) as a relative-path URI reference: every byte of its UTF-8
/// other than RFC 3986's unreserved characters and `/` is percent-encoded, so a space, `%`,
/// `#`, `?`, `:` or a non-ASCII letter cannot change what the URI means.
pub(super) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The physical location of `f`.
pub(super) fn physical(f: &Finding) -> Value {
    let region = match &f.place {
        Some(p) => {
            let mut region = json!({
                "startLine": p.line,
                "startColumn": p.col,
                "endLine": p.line,
                "endColumn": p.col + p.width,
            });
            if let Some(src) = &p.snippet {
                region["snippet"] = json!({ "text": src });
            }
            region
        }
        // A file created, deleted or renamed, or a phase's state: the finding is about the
        // whole file. Code scanning needs a region to show it; the file's start is the honest one.
        None => json!({ "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 }),
    };
    json!({
        "artifactLocation": { "uri": uri(&f.file), "uriBaseId": "%SRCROOT%" },
        "region": region,
    })
}

/// One `primaryLocationLineHash` per finding, as GitHub's own uploader writes them:
/// `<16 hex digits>:<occurrence>`. The hash is of the offending line with all whitespace
/// removed (so re-indenting it or moving it keeps the alert), and the occurrence counts the
/// same hash for the same rule in the same file, from 1. Code scanning combines it with the
/// rule and the file.
pub(super) fn line_hashes(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, String), usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let line = f.place.as_ref().and_then(|p| p.snippet.as_deref());
            let text: String = line
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let digest = Sha256::digest(text.as_bytes());
            let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            let n = seen
                .entry((f.file.as_str(), f.rule.as_str(), hash.clone()))
                .or_insert(0);
            *n += 1;
            format!("{hash}:{n}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_encode_what_rfc_3986_reserves() {
        assert_eq!(uri("backend/app/x.py"), "backend/app/x.py");
        assert_eq!(uri("a b/100%.py"), "a%20b/100%25.py");
        assert_eq!(uri("é#?:.py"), "%C3%A9%23%3F%3A.py");
    }
}
