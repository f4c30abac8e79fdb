//! Rule data: what a phase forbids, as its spec writes it (`rules:`). The engine that compiles
//! and applies rules is [`crate::rules`]; this module only describes them.

use serde::{Deserialize, Serialize};

/// One forbidden-edit rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rule {
    /// Stable id, e.g. `D-ORM-RELATIONSHIP`: what reports, annotations and SARIF name.
    pub(crate) id: String,
    /// Structure or code.
    pub(crate) kind: RuleKind,
    /// The section of the phase document the rule comes from (`2.2`, `4`).
    pub(crate) section: String,
    /// The bullets of the phase document the rule enforces, as `"<section>: <bullet>"`
    /// (`"3: Implement ORM relationships"`): `hivegen spec lint --doc` checks that every
    /// forbidden bullet is cited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) cites: Vec<String>,
    /// What the rule forbids and why, for the user; the section is cited after it.
    pub(crate) message: String,
    /// What to do instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) help: Option<String>,
    /// Path globs the rule applies to (`backend/app/models/*.py`); empty means every path.
    /// `*` stays within a folder, `**` crosses folders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) scope: Vec<String>,
    /// Path globs the rule does not apply to, even within its scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) exclude: Vec<String>,
    /// Structure rules: what is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) check: Option<StructureCheck>,
    /// `anchor-content` rules: the anchor whose content is restricted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) anchor: Option<String>,
    /// `anchor-content` rules: the only statements the anchor may hold (compared with
    /// whitespace and parentheses ignored; comments are always allowed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) allow: Vec<String>,
    /// Code rules: what to match.
    #[serde(rename = "match", default, skip_serializing_if = "Option::is_none")]
    pub(crate) matcher: Option<CodeMatch>,
    /// A broad rule (a positive model) reports only what no other rule reports on the same
    /// line: one finding per thing, the most specific one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) fallback: bool,
    /// For `hivegen explain`: a change the rule catches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) example: Option<String>,
    /// For `hivegen explain`: a look-alike the rule leaves alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) look_alike: Option<String>,
}

/// The two kinds of rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RuleKind {
    /// Files created, deleted or renamed; protected paths; edits outside anchors.
    Structure,
    /// Calls, imports, decorators, attributes or patterns, in code only.
    Code,
}

/// What a structure rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum StructureCheck {
    /// A file is created, other than the phase's marker and the files its spec creates.
    Created,
    /// A file is deleted.
    Deleted,
    /// A file is renamed.
    Renamed,
    /// Any change (create, edit, delete, rename) of a path in scope: `desktop/**`, ….
    Touched,
    /// An existing file changes outside its anchor bodies (end-marker stamps excepted).
    OutsideAnchor,
    /// The anchor named by `anchor` holds a statement not in `allow`.
    AnchorContent,
    /// A phase is complete but a phase it requires is not (tree check).
    PhaseOrder,
    /// A fill of a completed phase no longer matches its checksum: frozen code was edited
    /// (tree check).
    FillIntact,
    /// The anchors of a completed phase's files are well formed and present (tree check).
    AnchorsWellFormed,
    /// Every anchor a completed phase fills holds something: a marker alone does not make a
    /// phase complete (tree check).
    FillsComplete,
}

/// What a code rule matches. Dotted patterns (`calls`, `imports`, `decorators`, `attributes`)
/// use `*` for one segment and `**` for any number: `**.relationship` is any callee whose last
/// segment is `relationship`. Imports also match the modules beneath (`jwt` matches
/// `from jwt.algorithms import RSAAlgorithm`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeMatch {
    /// Callees: `**.relationship`, `subprocess.**`, `open`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) calls: Vec<String>,
    /// Imported modules or names: `jwt`, `fastapi.BackgroundTasks`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) imports: Vec<String>,
    /// Decorators: `**.middleware`, `**.exception_handler`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) decorators: Vec<String>,
    /// Attribute accesses: `**.join`, `**.session.query`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) attributes: Vec<String>,
    /// Identifiers, exactly: `WebSocket`, `AsyncSession`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) names: Vec<String>,
    /// Keyword arguments, exactly: `backref`, `back_populates`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) keywords: Vec<String>,
    /// Constructs, by name: `await`, `async def`, `async with`, `async for`, `while True`,
    /// `while` (any loop of that kind), `computed getattr`, `getattr on a module`, `module passed
    /// to a function`, `credential derived from a password or random bytes` (a route returning
    /// a hash or an encoding of the password, its hash or salt, or of random bytes); a name
    /// hivegen does not know is an error that lists them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) syntax: Vec<String>,
    /// String values used in code (dict keys, arguments, subscripts; never docstrings),
    /// exactly but regardless of case: `access_token`, `Authorization`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) strings: Vec<String>,
    /// String values (as `strings`, and the text built from literals: `"AL" + "TER"`, an
    /// f-string with `{}` for each interpolation) matching a regular expression, regardless of
    /// case: `^\s*alter\s+table\b`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) string_patterns: Vec<String>,
    /// Names the code defines (functions, classes, parameters, fields, assignment targets), in
    /// snake case (`ApiKey` is `api_key`), matching a regular expression:
    /// `(^|_)api_keys?(_|$)`. What a thing is called says what it is for, whatever it calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) defined_names: Vec<String>,
    /// Defined names `defined_names` matches but that are something else, by a regular
    /// expression: a set of column names (`_SECRET_COLUMNS`) lists fields, it holds none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) defined_names_except: Vec<String>,
    /// The positive model of request headers: a call of `fastapi.Header` (or
    /// `fastapi.params.Header`) that `calls` matches is not reported when the header it reads
    /// (its `alias`, else its parameter's name; lowercase, `_` for `-`) is one of these:
    /// `if_none_match`, `user_agent`. Any other header, or a computed alias, is reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) allowed_headers: Vec<String>,
    /// The positive model of what fields are set to: for each field, the values it may be set
    /// to (`status: [created, queued]`). Setting it (`job.status = v`, `setattr(job, "status",
    /// v)`, a keyword `status=v`) to anything else is reported, and so is a value hivegen cannot
    /// read as one of them (a variable bound to something else, an index, a call). A value is
    /// a string, a name, the last segment of a dotted name (`AIJobStatus.QUEUED`), one of
    /// those passed to a call or subscript (`AIJobStatus("queued")`), or a name bound only to
    /// such values; regardless of case.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub(crate) set_values: std::collections::BTreeMap<String, Vec<String>>,
    /// Values only compared (`==`, `!=`, `in`, a `case` pattern) are read, not set: a fact
    /// there is not reported (`status == Status.FAILED` filters; `status = Status.FAILED`
    /// sets).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) except_compared: bool,
    /// A value made to be a password's salt is not reported: assigned to a name that says so
    /// (`salt = secrets.token_hex(16)`), or passed as `salt=`, encoded or not. Where the
    /// salt goes next is the derived-credential construct's to judge.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) except_salt: bool,
    /// The positive model: the only names this code may import or use from other modules
    /// (dotted patterns; a pattern also allows the names beneath it, and importing a module
    /// is allowed when a name beneath it is). Anything else from another module is a
    /// violation, however it is spelled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) allow_imports: Vec<String>,
    /// Stub-only code: function bodies hold a docstring, `pass`, `...`, `raise
    /// NotImplementedError`, or return a pure value; nothing else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) stub_only: bool,
    /// With `stub_only`: the callables whose calls are pure values (`pathlib.PurePosixPath`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) pure_calls: Vec<String>,
    /// Validators only: every function must be decorated with one of these (dotted
    /// patterns), or be used elsewhere in the file (a helper of a validator).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) validators_only: Vec<String>,
    /// The functions a module's section lists (`create_preview_session`): any other public
    /// function, class or lambda at the module's top level that loops (a `for`, a `while`, a
    /// comprehension) is processing of its own. Private helpers (`_name`) and code that only
    /// computes one value (`job_priority`) stay allowed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) only_functions: Vec<String>,
    /// The positive model of each fill: every fill's own `imports:` list, in the file it
    /// fills, as `allow_imports`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) fill_imports: bool,
    /// tree-sitter queries over the Python syntax tree (each costs about a millisecond to
    /// compile: prefer `syntax` and the lists above); the first capture (or the whole
    /// match) is reported: `(await) @hit`, `(while_statement condition: (true)) @hit`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) queries: Vec<String>,
    /// Dotted names never reported, though a pattern above matches them: `os.path.join`,
    /// `<str>.join` (a string's join is not a database join).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) except: Vec<String>,
}

impl CodeMatch {
    /// True when the matcher lists nothing to find.
    pub(crate) fn is_empty(&self) -> bool {
        self.calls.is_empty()
            && self.imports.is_empty()
            && self.decorators.is_empty()
            && self.attributes.is_empty()
            && self.names.is_empty()
            && self.keywords.is_empty()
            && self.syntax.is_empty()
            && self.strings.is_empty()
            && self.string_patterns.is_empty()
            && self.defined_names.is_empty()
            && self.set_values.is_empty()
            && self.allow_imports.is_empty()
            && !self.stub_only
            && self.validators_only.is_empty()
            && self.only_functions.is_empty()
            && !self.fill_imports
            && self.queries.is_empty()
    }
}
