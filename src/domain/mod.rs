//! The HiveSync domain model (`domain/hivesync.yaml`): the entities Phase D stores, their fields
//! and enums, as typed data.
//!
//! Templates render the ORM models, the Pydantic schemas, the routers' field mapping and the
//! service signatures from it, so a field added to the YAML reaches every layer at once. The
//! model is checked as it is parsed (unknown keys, dangling references, constraints that do not
//! fit a type, docs that would not fit a line of Python), because a mistake here would otherwise
//! surface as broken generated code.
//!
//! Templates see it as `domain`, serialized with every default filled in, so they never need
//! `is defined`: `domain.entities.project.fields` is a list of fields in YAML order,
//! `domain.enums.ai_job_status.values` a list of strings, and an absent constraint is `none`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

mod check;

/// Longest `doc` line: it becomes a docstring indented by 4 inside `"""…"""`, and the generated
/// code keeps to ruff's 88 columns.
pub(crate) const MAX_DOC_LEN: usize = 78;

/// The domain model, handed to every template as `domain`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "DomainSource")]
pub(crate) struct Domain {
    /// Enumerations by key (`ai_job_status`), referenced by fields of type `enum`.
    pub(crate) enums: BTreeMap<String, EnumDef>,
    /// Entities by key (`project`), one table each.
    pub(crate) entities: BTreeMap<String, Entity>,
}

/// The YAML as written, before the cross-checks that make it a [`Domain`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainSource {
    #[serde(default)]
    enums: BTreeMap<String, EnumDef>,
    entities: BTreeMap<String, Entity>,
}

/// An enumeration, rendered as a Python `StrEnum` in the model module of the entity using it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnumDef {
    /// Python class name, CamelCase: `AIJobStatus`.
    pub(crate) class: String,
    /// One-line docstring of the class.
    pub(crate) doc: String,
    /// Members, in order; each is stored and sent as is, and named in upper case in Python.
    pub(crate) values: Vec<String>,
}

/// An entity: one ORM model, one table, and the schemas that expose it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entity {
    /// Python class name of the model, CamelCase: `AIJob`.
    pub(crate) class: String,
    /// Table name: `ai_jobs`.
    pub(crate) table: String,
    /// Module under `app/models/` that defines the model: `job`.
    pub(crate) module: String,
    /// Human name used in docstrings and messages: `AI job`.
    pub(crate) label: String,
    /// One-line docstring of the model class.
    pub(crate) doc: String,
    /// Fields, in order, besides the implicit `id` and `created_at`.
    pub(crate) fields: Vec<Field>,
    /// Extra (usually composite) indexes, besides the per-field `index` and `unique`.
    #[serde(default)]
    pub(crate) indexes: Vec<IndexDef>,
}

/// One field of an entity: a column, and a schema field wherever `expose` says.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Field {
    /// Column and attribute name, snake_case.
    pub(crate) name: String,
    /// What kind of value the field holds.
    #[serde(rename = "type")]
    pub(crate) kind: FieldType,
    /// One-line docstring of the column and the schema fields.
    pub(crate) doc: String,
    /// False makes the column nullable and the request field optional (default `None`).
    #[serde(default = "yes")]
    pub(crate) required: bool,
    /// Shortest allowed string (string-like types).
    #[serde(default)]
    pub(crate) min_length: Option<u32>,
    /// Longest allowed string (string-like types); the column's length for `string`, `email`
    /// and `url`.
    #[serde(default)]
    pub(crate) max_length: Option<u32>,
    /// Regular expression a string must match (string-like types).
    #[serde(default)]
    pub(crate) pattern: Option<String>,
    /// Smallest allowed value (`integer`).
    #[serde(default)]
    pub(crate) ge: Option<i64>,
    /// Largest allowed value (`integer`).
    #[serde(default)]
    pub(crate) le: Option<i64>,
    /// Key of the enum in `enums` (type `enum` only).
    #[serde(default, rename = "enum")]
    pub(crate) enum_key: Option<String>,
    /// Key of the referenced entity (type `reference` only): a foreign key to its `id`.
    #[serde(default)]
    pub(crate) references: Option<String>,
    /// Value a new row gets when none is given: an enum value or a boolean.
    #[serde(default)]
    pub(crate) default: Option<DefaultValue>,
    /// A unique index on the column.
    #[serde(default)]
    pub(crate) unique: bool,
    /// Uniqueness ignores case (`string` fields with `unique` only): the value is stored as
    /// given, and a unique index on its lower-case form refuses `Ada` beside `ada`.
    #[serde(default)]
    pub(crate) ignore_case: bool,
    /// An index on the column (lists filter or sort by it).
    #[serde(default)]
    pub(crate) index: bool,
    /// The schemas that carry the field.
    #[serde(default)]
    pub(crate) expose: Vec<Exposure>,
    /// A tag gathering fields that a service writes together (`bundle`).
    #[serde(default)]
    pub(crate) group: Option<String>,
}

fn yes() -> bool {
    true
}

/// The kinds of field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FieldType {
    /// Short text: a `String(max_length)` column.
    String,
    /// Long text: a `Text` column.
    Text,
    /// An email address, validated and lowercased on the way in (so unique and looked up
    /// regardless of case); a `String(max_length)` column.
    Email,
    /// An https URL without user info, validated by pattern; a `String(max_length)` column.
    Url,
    /// A password: accepted in requests, stored only as `<name>_hash`, never returned.
    Password,
    /// A 64-bit integer.
    Integer,
    /// A boolean.
    Boolean,
    /// A timezone-aware UTC timestamp.
    Datetime,
    /// One value of the enum named by `enum`.
    Enum,
    /// The `id` of a row of the entity named by `references`.
    Reference,
}

impl FieldType {
    fn is_text(self) -> bool {
        matches!(
            self,
            Self::String | Self::Text | Self::Email | Self::Url | Self::Password
        )
    }
}

/// The schemas a field appears in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Exposure {
    /// The request body that creates the entity.
    Create,
    /// The partial-update (PATCH) body.
    Update,
    /// The response body.
    Read,
    /// The sign-in body.
    Login,
}

/// A default value: an enum value (a string) or a boolean.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum DefaultValue {
    /// For a `boolean` field.
    Bool(bool),
    /// For an `enum` field: one of its values.
    Text(String),
}

/// An index over one or more columns.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndexDef {
    /// Column names, in index order; `id` and `created_at` may be used.
    pub(crate) columns: Vec<String>,
    /// A unique index.
    #[serde(default)]
    pub(crate) unique: bool,
}

/// What is wrong with a domain model that parsed as YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DomainError(String);

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DomainError {}

impl TryFrom<DomainSource> for Domain {
    type Error = DomainError;

    fn try_from(source: DomainSource) -> Result<Self, DomainError> {
        let domain = Domain {
            enums: source.enums,
            entities: source.entities,
        };
        domain.check()?;
        Ok(domain)
    }
}

/// Parses the domain model and checks it (see [`Domain::check`]).
pub(crate) fn parse(text: &str) -> Result<Domain, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../domain/hivesync.yaml");

    fn with(extra_field: &str) -> String {
        format!(
            "entities:\n  thing:\n    class: Thing\n    table: things\n    module: thing\n    \
             label: thing\n    doc: A thing.\n    fields:\n{extra_field}"
        )
    }

    #[test]
    fn the_shipped_model_parses() {
        let domain = parse(SHIPPED).unwrap();
        let project = &domain.entities["project"];
        assert_eq!(project.class, "Project");
        assert_eq!(project.fields[0].name, "name");
        assert!(domain.enums["ai_job_type"]
            .values
            .contains(&"review".to_string()));
    }

    #[test]
    fn templates_see_every_key_even_when_absent_from_the_yaml() {
        let domain = parse(SHIPPED).unwrap();
        let value = serde_json::to_value(&domain).unwrap();
        let name = &value["entities"]["project"]["fields"][0];
        assert_eq!(name["type"], "string");
        assert_eq!(name["required"], true);
        assert_eq!(name["pattern"], serde_json::Value::Null);
        assert_eq!(
            name["expose"],
            serde_json::json!(["create", "update", "read"])
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = with("      - { name: a, type: text, doc: A., colour: blue }\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn dangling_references_are_refused() {
        let text = with("      - { name: a_id, type: reference, references: nothing, doc: A. }\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("no entity `nothing`"), "{err}");
    }

    #[test]
    fn unknown_enums_and_bad_defaults_are_refused() {
        let text = with("      - { name: s, type: enum, enum: mood, doc: S. }\n");
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("no enum `mood`"));
        let text = format!(
            "enums:\n  mood:\n    class: Mood\n    doc: M.\n    values: [calm]\n{}",
            with("      - { name: s, type: enum, enum: mood, default: angry, doc: S. }\n")
        );
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("default `angry`"));
    }

    #[test]
    fn constraints_must_fit_the_type() {
        let text = with("      - { name: n, type: integer, max_length: 3, doc: N. }\n");
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("text types only"));
        let text = with("      - { name: s, type: string, doc: S. }\n");
        assert!(parse(&text).unwrap_err().to_string().contains("max_length"));
    }

    #[test]
    fn implicit_fields_cannot_be_redefined() {
        let text = with("      - { name: created_at, type: datetime, doc: C. }\n");
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("defined twice"));
    }

    #[test]
    fn long_docs_are_refused() {
        let doc = "x".repeat(MAX_DOC_LEN + 1);
        let text = with(&format!("      - {{ name: t, type: text, doc: {doc} }}\n"));
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("longer than"));
    }

    #[test]
    fn an_enum_belongs_to_exactly_one_entity() {
        let text = format!(
            "enums:\n  mood:\n    class: Mood\n    doc: M.\n    values: [calm]\n{}",
            with("      - { name: t, type: text, doc: T. }\n")
        );
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("used by 0 entities"));
    }

    #[test]
    fn an_index_is_declared_once() {
        let text = format!(
            "{}    indexes:\n      - columns: [t]\n",
            with("      - { name: t, type: text, index: true, doc: T. }\n")
        );
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("indexed twice"));
    }

    #[test]
    fn ignore_case_is_for_unique_strings() {
        let text =
            with("      - { name: h, type: string, max_length: 9, ignore_case: true, doc: H. }\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("ignore_case"), "{err}");
        let text = with(
            "      - { name: e, type: email, max_length: 9, unique: true, ignore_case: true, doc: E. }\n",
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("ignore_case"), "{err}");
        let text = with(
            "      - { name: h, type: string, max_length: 9, unique: true, ignore_case: true, doc: H. }\n",
        );
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn patterns_must_compile_as_the_validator_compiles_them() {
        let text =
            with("      - { name: s, type: string, max_length: 9, pattern: '^(a$', doc: S. }\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("does not compile"), "{err}");
        // Look-around is Python's, not the Rust engine pydantic validates with.
        let text =
            with("      - { name: s, type: string, max_length: 9, pattern: '^(?!x)', doc: S. }\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("does not compile"), "{err}");
    }

    #[test]
    fn passwords_are_never_read_back() {
        let text = with(
            "      - { name: p, type: password, max_length: 9, expose: [create, read], doc: P. }\n",
        );
        assert!(parse(&text)
            .unwrap_err()
            .to_string()
            .contains("never read back"));
    }
}
