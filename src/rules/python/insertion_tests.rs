use super::only_inserted;

const OLD: &str = "import math\n# <!-- SECTION:LOGIC -->\nfrom .errors import AppError\n\nLIMIT = 5\n\n\ndef window(n: int) -> int:\n    \"\"\"The window.\"\"\"\n    return max(LIMIT, math.ceil(n / 2))\n\n\nclass Gone(AppError):\n    status_code = 410\n# <!-- /SECTION:LOGIC phase=d sha256=0 -->\n";

/// The body of the LOGIC anchor of `text`.
fn body(text: &str) -> std::ops::Range<usize> {
    let start = text.find("-->\n").unwrap() + 4;
    let end = text.find("# <!-- /SECTION").unwrap();
    start..end
}

fn judged(new: &str) -> Result<(), usize> {
    only_inserted(OLD, body(OLD), new, body(new))
}

fn with(find: &str, replace: &str) -> String {
    assert!(OLD.contains(find), "{find}");
    OLD.replacen(find, replace, 1)
}

#[test]
fn statements_added_between_and_after_the_old_ones_are_an_insertion() {
    for new in [
        // A new class and a new function at the end, a constant in the middle.
        with("# <!-- /SECTION", "\n\nclass Teapot(AppError):\n    status_code = 418\n\n\ndef user_key(name: str) -> str:\n    value = name.strip()\n    return value\n# <!-- /SECTION"),
        with("LIMIT = 5\n", "LIMIT = 5\nBURST = 10\n"),
        // A comment line, inside a function too; a blank line.
        with("    return max", "    # Half, rounded up.\n\n    return max"),
        // A new import of a name the old code does not use.
        with("LIMIT = 5\n", "LIMIT = 5\nfrom .errors import NotFoundError\n"),
        // A new attribute set on an old class, one its code never names (Phase E's
        // `User.projects = relationship(...)`): beside the old definitions, not in them.
        with("# <!-- /SECTION", "Gone.title = \"Gone\"\n# <!-- /SECTION"),
        // The stamp's own line gone stale: only the body is compared.
        with("sha256=0", "sha256=1"),
    ] {
        assert_eq!(judged(&new), Ok(()), "{new}");
    }
}

#[test]
fn an_old_statement_changed_or_touched_is_a_rewrite() {
    for new in [
        // Edited, removed, moved inside a function.
        with("LIMIT = 5", "LIMIT = 6"),
        with("LIMIT = 5\n", ""),
        with("    return max", "    n += 1\n    return max"),
        // A decorator put on an old function.
        with("def window", "@staticmethod\ndef window"),
        // A name the old code uses, bound again or changed.
        with(
            "# <!-- /SECTION",
            "def window(n: int) -> int:\n    return 0\n# <!-- /SECTION",
        ),
        with("# <!-- /SECTION", "LIMIT = 50\n# <!-- /SECTION"),
        with("# <!-- /SECTION", "max = min\n# <!-- /SECTION"),
        with("# <!-- /SECTION", "Gone.status_code = 200\n# <!-- /SECTION"),
        with(
            "# <!-- /SECTION",
            "setattr(Gone, 'status_code', 200)\n# <!-- /SECTION",
        ),
        with("# <!-- /SECTION", "del window\n# <!-- /SECTION"),
        with(
            "# <!-- /SECTION",
            "from .other import AppError\n# <!-- /SECTION",
        ),
        with("# <!-- /SECTION", "import math as LIMIT\n# <!-- /SECTION"),
        with(
            "# <!-- /SECTION",
            "for LIMIT in range(3):\n    pass\n# <!-- /SECTION",
        ),
        with(
            "# <!-- /SECTION",
            "if True:\n    def window(n):\n        return 1\n# <!-- /SECTION",
        ),
        // A new function that rebinds an old name when called.
        with(
            "# <!-- /SECTION",
            "def loosen() -> None:\n    global LIMIT\n    LIMIT = 50\n\n\nloosen()\n# <!-- /SECTION",
        ),
        // Broken code is not judged an insertion.
        with("# <!-- /SECTION", "def (:\n# <!-- /SECTION"),
    ] {
        assert!(judged(&new).is_err(), "{new}");
    }
}

#[test]
fn names_bound_inside_a_new_function_are_its_own() {
    let new = with(
        "# <!-- /SECTION",
        "def halve(n: int) -> int:\n    LIMIT = 2\n    return n // LIMIT\n\n\nDOUBLE = lambda LIMIT: LIMIT * 2\n# <!-- /SECTION",
    );
    assert_eq!(judged(&new), Ok(()));
}

#[test]
fn a_name_added_to_the_exports_is_an_insertion() {
    let old = "# <!-- SECTION:LOGIC -->\n__all__ = [\"a\"]\n\n\ndef a() -> None:\n    pass\n# <!-- /SECTION:LOGIC -->\n";
    let new = old.replace(
        "# <!-- /SECTION",
        "\n\ndef b() -> None:\n    pass\n\n\n__all__ += [\"b\"]\n# <!-- /SECTION",
    );
    assert_eq!(only_inserted(old, body(old), &new, body(&new)), Ok(()));
    let new = old.replace("# <!-- /SECTION", "__all__ = []\n# <!-- /SECTION");
    assert!(only_inserted(old, body(old), &new, body(&new)).is_err());
}

#[test]
fn a_rewrite_is_placed_where_the_new_text_first_differs() {
    let at = |new: &str, find: &str| Err(new.find(find).unwrap());
    let new = with("    return max", "    n += 1\n    return max");
    assert_eq!(judged(&new), at(&new, "n += 1"));
    let new = with("LIMIT = 5", "LIMIT = 6");
    assert_eq!(judged(&new), at(&new, "6\n"));
    let new = with("# <!-- /SECTION", "max = min\n# <!-- /SECTION");
    assert_eq!(judged(&new), at(&new, "max = min"));
}

#[test]
fn a_class_of_the_fill_may_gain_methods_of_its_own() {
    for new in [
        with(
            "    status_code = 410\n",
            "    status_code = 410\n\n    def __repr__(self) -> str:\n        return \"Gone\"\n",
        ),
        with(
            "    status_code = 410\n",
            "    status_code = 410\n\n    @classmethod\n    def of(cls) -> \"Gone\":\n        return cls()\n",
        ),
    ] {
        assert_eq!(judged(&new), Ok(()), "{new}");
    }
}

#[test]
fn an_old_class_changed_or_its_objects_emptied_is_a_rewrite() {
    for new in [
        // The class's header, or one of its statements, changed.
        with("class Gone(AppError):", "class Gone(AppError, Exception):"),
        with("    status_code = 410\n", "    status_code = 404\n"),
        // A field (a column, an enum member) added to an old class; one it has set again
        // after, or a private or framework name set on it.
        with(
            "    status_code = 410\n",
            "    status_code = 410\n    detail = \"gone\"\n",
        ),
        with("# <!-- /SECTION", "Gone.status_code = 404\n# <!-- /SECTION"),
        with("# <!-- /SECTION", "Gone.__init__ = None\n# <!-- /SECTION"),
        with("# <!-- /SECTION", "Gone.model_config = {}\n# <!-- /SECTION"),
        with(
            "# <!-- /SECTION",
            "Gone.title = (LIMIT := 1)\n# <!-- /SECTION",
        ),
        // A member the old code names, bound again inside the class.
        with(
            "    status_code = 410\n",
            "    status_code = 410\n    status_code = 200\n",
        ),
        // What an old object holds taken away, at import or when a new function runs.
        with("# <!-- /SECTION", "Gone.__dict__.clear()\n# <!-- /SECTION"),
        with(
            "# <!-- /SECTION",
            "def reset() -> None:\n    math.__dict__.pop(\"ceil\")\n# <!-- /SECTION",
        ),
        // Every annotation of the old code read another way.
        with(
            "from .errors import AppError\n",
            "from __future__ import annotations\nfrom .errors import AppError\n",
        ),
    ] {
        assert!(judged(&new).is_err(), "{new}");
    }
}
