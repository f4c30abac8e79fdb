//! A set of case-insensitive regular expressions asked one question only: does any of them
//! match this text? (A rule's `string_patterns` and `defined_names`.)
//!
//! `regex::RegexSet` answers it too, but builds for every question it could be asked: a
//! reverse automaton to find where a match starts, a one-pass and a backtracking engine for
//! captures, literal prefilters. A `verify` or a `guard` compiles the sets of every rule it
//! needs and asks each a few hundred times, so building was most of their cost (38% of a
//! `guard`'s instructions). Here the set is one forward automaton, searched by the lazy DFA
//! for the earliest match; where the lazy DFA cannot answer (a Unicode word boundary next to
//! a non-ASCII byte, or its cache given up), the PikeVM answers from the same automaton. Both
//! are the `regex` crate's own engines, so what matches is what `regex` would match.

use std::fmt;
use std::sync::Mutex;

use regex_automata::hybrid::dfa::{self, DFA};
use regex_automata::nfa::thompson::{self, pikevm, pikevm::PikeVM};
use regex_automata::util::syntax;
use regex_automata::Input;

/// `regex`'s default limit on the size of a compiled automaton.
const NFA_SIZE_LIMIT: usize = 10 * (1 << 20);

/// Does any of a set of patterns match? See the module documentation.
pub(crate) struct AnyMatch {
    /// The lazy DFA, when the automaton fits its cache, and the PikeVM.
    engines: Option<(Option<DFA>, PikeVM)>,
    /// Search state of each engine, reused across searches and threads.
    caches: Mutex<Vec<(Option<dfa::Cache>, pikevm::Cache)>>,
}

impl AnyMatch {
    /// Compiles `list`, case-insensitively; Unicode-aware unless `unicode` is false. An error
    /// names the bad pattern, in `regex`'s words, as `bad {what} ...`.
    pub(crate) fn new(list: &[String], what: &str, unicode: bool) -> Result<Self, String> {
        if list.is_empty() {
            return Ok(Self::from_engines(None));
        }
        let built = thompson::Compiler::new()
            .syntax(
                syntax::Config::new()
                    .case_insensitive(true)
                    .unicode(unicode),
            )
            .configure(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::None)
                    // `regex`'s own limit: a pattern such as `\w{1000}{100}` is refused at
                    // once rather than built into gigabytes.
                    .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
            )
            .build_many(list)
            .map_err(|e| e.to_string())
            .and_then(|nfa| {
                // An automaton too big for the lazy DFA's cache is searched by the PikeVM
                // alone, as `regex` does.
                let dfa = DFA::builder()
                    .configure(DFA::config().unicode_word_boundary(true))
                    .build_from_nfa(nfa.clone())
                    .ok();
                let vm = PikeVM::new_from_nfa(nfa).map_err(|e| e.to_string())?;
                Ok((dfa, vm))
            });
        match built {
            Ok(engines) => Ok(Self::from_engines(Some(engines))),
            Err(set_error) => Err(list
                .iter()
                .find_map(|p| {
                    regex::RegexBuilder::new(p)
                        .case_insensitive(true)
                        .unicode(unicode)
                        .build()
                        .err()
                        .map(|e| format!("bad {what} `{p}`: {e}"))
                })
                .unwrap_or_else(|| format!("bad {what}s: {set_error}"))),
        }
    }

    fn from_engines(engines: Option<(Option<DFA>, PikeVM)>) -> Self {
        Self {
            engines,
            caches: Mutex::new(Vec::new()),
        }
    }

    /// True when one of the patterns matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let Some((dfa, vm)) = &self.engines else {
            return false;
        };
        let taken = self.caches.lock().expect("no panics while locked").pop();
        let (mut dfa_cache, mut vm_cache) =
            taken.unwrap_or_else(|| (dfa.as_ref().map(DFA::create_cache), vm.create_cache()));
        let input = Input::new(text).earliest(true);
        let lazy = dfa
            .as_ref()
            .zip(dfa_cache.as_mut())
            .and_then(|(dfa, cache)| dfa.try_search_fwd(cache, &input).ok());
        let found = match lazy {
            Some(half) => half.is_some(),
            None => vm.is_match(&mut vm_cache, input),
        };
        self.caches
            .lock()
            .expect("no panics while locked")
            .push((dfa_cache, vm_cache));
        found
    }
}

impl Clone for AnyMatch {
    fn clone(&self) -> Self {
        Self::from_engines(self.engines.clone())
    }
}

impl fmt::Debug for AnyMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyMatch")
            .field(
                "patterns",
                &self
                    .engines
                    .as_ref()
                    .map(|(_, vm)| vm.get_nfa().pattern_len()),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &[&str], unicode: bool) -> AnyMatch {
        let list: Vec<String> = list.iter().map(|p| p.to_string()).collect();
        AnyMatch::new(&list, "pattern", unicode).unwrap()
    }

    #[test]
    fn answers_as_a_regex_set_does() {
        let patterns = [
            r"(?s)^\s*(select\s.+\sfrom|delete\s+from)\b",
            r"\bset\s+([^;]*,\s*)?(status|state)\s*=",
            r"^x-[0-9a-z_.-]*(key|token)$",
            r"(^|_)(log_?out|sessions)(_|$)",
        ];
        let reference = regex::RegexSetBuilder::new(patterns)
            .case_insensitive(true)
            .build()
            .unwrap();
        let ours = set(&patterns, true);
        let texts = [
            "SELECT * FROM users",
            "  select\tid\nfrom t",
            "selectfrom",
            "délete from x",
            "DELETE FROM é",
            "UPDATE jobs SET a = 1, status = 'x'",
            "x-Hive.Key",
            "x-hive-keys",
            "user_logout",
            "logouts",
            "sessions",
            "",
            "é",
            "select é from t",
            "deleteé from x",
            "délete fromé",
        ];
        for t in texts {
            assert_eq!(ours.is_match(t), reference.is_match(t), "{t:?}");
        }
        // A Unicode word boundary beside a non-ASCII letter: the lazy DFA gives up, the
        // PikeVM answers.
        assert!(!ours.is_match("delete fromé"));
        assert!(ours.is_match("select 1 from é"));
    }

    #[test]
    fn an_empty_set_matches_nothing_and_a_bad_pattern_is_named() {
        assert!(!set(&[], true).is_match("anything"));
        let bad = AnyMatch::new(&["ok".into(), "(unclosed".into()], "string pattern", true);
        let e = bad.unwrap_err();
        assert!(e.starts_with("bad string pattern `(unclosed`"), "{e}");
    }

    #[test]
    fn a_huge_pattern_is_refused_and_a_big_one_searched_without_the_lazy_dfa() {
        let huge = AnyMatch::new(&[r"\w{1000}{100}".into()], "string pattern", true);
        let e = huge.unwrap_err();
        assert!(e.contains("size limit"), "{e}");
        // Too big for the lazy DFA's cache, not for the PikeVM (nor for `regex`).
        let words: Vec<String> = (0..20_000).map(|i| format!("word{i:05}x")).collect();
        let big = AnyMatch::new(&[words.join("|")], "string pattern", true).unwrap();
        assert!(big.engines.as_ref().is_some_and(|(dfa, _)| dfa.is_none()));
        assert!(big.is_match("a word19999x here"));
        assert!(!big.is_match("word20000x"));
    }

    #[test]
    fn without_unicode_case_folds_ascii_only() {
        // The Kelvin sign folds to `k` with Unicode; identifiers are NFKC-normalised first.
        assert!(set(&["^key$"], true).is_match("\u{212a}ey"));
        assert!(!set(&["^key$"], false).is_match("\u{212a}ey"));
        assert!(set(&["^key$"], false).is_match("KEY"));
    }

    #[test]
    fn shared_across_threads() {
        let s = set(&["needle"], true);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for i in 0..200 {
                        assert!(s.is_match(&format!("hay {i} NEEDLE")));
                        assert!(!s.is_match("hay"));
                    }
                });
            }
        });
    }
}
