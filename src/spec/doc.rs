//! The phase document as the source of the rules: its forbidden bullets, read from the
//! Markdown, and the rules that cite them. Every bullet of §3, §4 and §5, and of each
//! "Forbidden:" or "Not allowed:" list under a §2.x heading, must be cited by some rule.

use super::PhaseSpec;

/// One forbidden bullet of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bullet {
    /// The section it stands in: `3`, `2.2`.
    pub(crate) section: String,
    /// Its text, as written.
    pub(crate) text: String,
    /// Its 1-based line.
    pub(crate) line: usize,
}

impl Bullet {
    /// How a rule cites it: `3: Implement ORM relationships`.
    pub(crate) fn cite(&self) -> String {
        format!("{}: {}", self.section, self.text)
    }
}

/// The sections whose every bullet is a prohibition.
const WHOLE_SECTIONS: [&str; 3] = ["3", "4", "5"];

/// The forbidden bullets of `markdown`, in document order.
pub(crate) fn forbidden_bullets(markdown: &str) -> Vec<Bullet> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut in_list = false;
    let mut fenced = false;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if let Some(heading) = trimmed.strip_prefix('#') {
            section = heading_number(heading.trim_start_matches('#').trim()).unwrap_or_default();
            in_list = false;
            continue;
        }
        let lower = trimmed.to_lowercase();
        if lower == "forbidden:" || lower == "not allowed:" {
            in_list = true;
            continue;
        }
        if let Some(text) = trimmed.strip_prefix("- ") {
            if in_list || WHOLE_SECTIONS.contains(&section.as_str()) {
                out.push(Bullet {
                    section: section.clone(),
                    text: text.trim().to_string(),
                    line: i + 1,
                });
            }
        } else if !trimmed.is_empty() {
            in_list = false;
        }
    }
    out
}

/// `3` of `3. Forbidden Actions in Phase D`, `2.2` of `2.2 Populate ORM Models`.
fn heading_number(heading: &str) -> Option<String> {
    let number: String = heading
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let number = number.trim_end_matches('.');
    (!number.is_empty()).then(|| number.to_string())
}

/// A citation or a bullet, compared loosely: case, spacing, quotes and end punctuation aside.
pub(crate) fn normalize(text: &str) -> String {
    text.replace(['“', '”'], "\"")
        .replace(['‘', '’'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ';', ','])
        .to_lowercase()
}

/// What linting a spec against its document found.
#[derive(Debug, Default)]
pub(crate) struct Lint {
    /// Each bullet, with the rules that cite it (none: the problem).
    pub(crate) bullets: Vec<(Bullet, Vec<String>)>,
    /// Citations that name no bullet of the document: (rule, citation).
    pub(crate) stray: Vec<(String, String)>,
}

impl Lint {
    /// True when every bullet is cited and every citation names a bullet.
    pub(crate) fn is_clean(&self) -> bool {
        self.stray.is_empty() && self.bullets.iter().all(|(_, rules)| !rules.is_empty())
    }
}

/// Every forbidden bullet of `markdown` with the rules of `spec` that cite it.
pub(crate) fn lint(spec: &PhaseSpec, markdown: &str) -> Lint {
    let bullets = forbidden_bullets(markdown);
    let keys: Vec<String> = bullets.iter().map(|b| normalize(&b.cite())).collect();
    let mut out = Lint {
        bullets: bullets.into_iter().map(|b| (b, Vec::new())).collect(),
        stray: Vec::new(),
    };
    for rule in &spec.rules {
        for cite in &rule.cites {
            let key = normalize(cite);
            match keys.iter().position(|k| *k == key) {
                Some(i) => out.bullets[i].1.push(rule.id.clone()),
                None => out.stray.push((rule.id.clone(), cite.clone())),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# 2. Allowed\n## 2.2 Models\nAllowed:\n- Column definitions\n\nForbidden:\n\n- Relationships (added in Phase E)  \n- Joins\n\n---\n# 3. Forbidden Actions\n```\n- not a bullet\n```\n- Touch desktop or mobile code\n# 6. Completion\n- All schemas populated\n";

    #[test]
    fn reads_the_forbidden_lists_only() {
        let cites: Vec<String> = forbidden_bullets(DOC).iter().map(Bullet::cite).collect();
        assert_eq!(
            cites,
            [
                "2.2: Relationships (added in Phase E)",
                "2.2: Joins",
                "3: Touch desktop or mobile code"
            ]
        );
    }

    #[test]
    fn the_real_document_has_its_forbidden_bullets() {
        let doc = include_str!("../../spec/phase_d.md");
        let bullets = forbidden_bullets(doc);
        assert!(bullets
            .iter()
            .any(|b| b.cite() == "3: Implement ORM relationships"));
        assert!(bullets
            .iter()
            .any(|b| b.cite() == "2.8: middleware integration"));
        assert!(!bullets.iter().any(|b| b.section == "6"));
    }
}
