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

/// Longest `doc` line: it becomes a docstring indented by 4 inside `"""…"""`, and the generated
/// code keeps to ruff's 88 columns.
pub const MAX_DOC_LEN: usize = 78;

/// The domain model, handed to every template as `domain`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "DomainSource")]
pub struct Domain {
    /// Enumerations by key (`ai_job_status`), referenced by fields of type `enum`.
    pub enums: BTreeMap<String, EnumDef>,
    /// Entities by key (`project`), one table each.
    pub entities: BTreeMap<String, Entity>,
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
pub struct EnumDef {
    /// Python class name, CamelCase: `AIJobStatus`.
    pub class: String,
    /// One-line docstring of the class.
    pub doc: String,
    /// Members, in order; each is stored and sent as is, and named in upper case in Python.
    pub values: Vec<String>,
}

/// An entity: one ORM model, one table, and the schemas that expose it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Python class name of the model, CamelCase: `AIJob`.
    pub class: String,
    /// Table name: `ai_jobs`.
    pub table: String,
    /// Module under `app/models/` that defines the model: `job`.
    pub module: String,
    /// Human name used in docstrings and messages: `AI job`.
    pub label: String,
    /// One-line docstring of the model class.
    pub doc: String,
    /// Fields, in order, besides the implicit `id` and `created_at`.
    pub fields: Vec<Field>,
    /// Extra (usually composite) indexes, besides the per-field `index` and `unique`.
    #[serde(default)]
    pub indexes: Vec<IndexDef>,
}

/// One field of an entity: a column, and a schema field wherever `expose` says.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Column and attribute name, snake_case.
    pub name: String,
    /// What kind of value the field holds.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// One-line docstring of the column and the schema fields.
    pub doc: String,
    /// False makes the column nullable and the request field optional (default `None`).
    #[serde(default = "yes")]
    pub required: bool,
    /// Shortest allowed string (string-like types).
    #[serde(default)]
    pub min_length: Option<u32>,
    /// Longest allowed string (string-like types); the column's length for `string`, `email`
    /// and `url`.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Regular expression a string must match (string-like types).
    #[serde(default)]
    pub pattern: Option<String>,
    /// Smallest allowed value (`integer`).
    #[serde(default)]
    pub ge: Option<i64>,
    /// Largest allowed value (`integer`).
    #[serde(default)]
    pub le: Option<i64>,
    /// Key of the enum in `enums` (type `enum` only).
    #[serde(default, rename = "enum")]
    pub enum_key: Option<String>,
    /// Key of the referenced entity (type `reference` only): a foreign key to its `id`.
    #[serde(default)]
    pub references: Option<String>,
    /// Value a new row gets when none is given: an enum value or a boolean.
    #[serde(default)]
    pub default: Option<DefaultValue>,
    /// A unique index on the column.
    #[serde(default)]
    pub unique: bool,
    /// An index on the column (lists filter or sort by it).
    #[serde(default)]
    pub index: bool,
    /// The schemas that carry the field.
    #[serde(default)]
    pub expose: Vec<Exposure>,
    /// A tag gathering fields that a service writes together (`bundle`).
    #[serde(default)]
    pub group: Option<String>,
}

fn yes() -> bool {
    true
}

/// The kinds of field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Short text: a `String(max_length)` column.
    String,
    /// Long text: a `Text` column.
    Text,
    /// An email address, validated; a `String(max_length)` column.
    Email,
    /// An http(s) URL, validated by pattern; a `String(max_length)` column.
    Url,
    /// A password: accepted in requests, stored only as `<name>_hash`, never returned.
    Password,
    /// An integer.
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
pub enum Exposure {
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
pub enum DefaultValue {
    /// For a `boolean` field.
    Bool(bool),
    /// For an `enum` field: one of its values.
    Text(String),
}

/// An index over one or more columns.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndexDef {
    /// Column names, in index order; `id` and `created_at` may be used.
    pub columns: Vec<String>,
    /// A unique index.
    #[serde(default)]
    pub unique: bool,
}

/// What is wrong with a domain model that parsed as YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError(String);

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
pub fn parse(text: &str) -> Result<Domain, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}

fn is_snake(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_camel(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn check_doc(doc: &str, what: &str) -> Result<(), DomainError> {
    let bad = |why: &str| Err(DomainError(format!("doc of {what} {why}")));
    if doc.trim().is_empty() {
        return bad("is empty");
    }
    if doc.chars().count() > MAX_DOC_LEN {
        return bad(&format!("is longer than {MAX_DOC_LEN} characters"));
    }
    if doc.contains(['\n', '\\', '"']) {
        return bad("must be one line without `\"` or `\\`");
    }
    Ok(())
}

impl Domain {
    /// Checks what the YAML shape alone cannot: names, references between entities and enums,
    /// constraints that fit their field's type, defaults, indexes and docs.
    pub fn check(&self) -> Result<(), DomainError> {
        for (key, e) in &self.enums {
            let what = format!("enum `{key}`");
            if !is_snake(key) || !is_camel(&e.class) {
                return Err(DomainError(format!(
                    "{what}: keys are snake_case and classes CamelCase"
                )));
            }
            if e.values.is_empty() || e.values.iter().any(|v| !is_snake(v)) {
                return Err(DomainError(format!(
                    "{what}: values must be snake_case, and there must be some"
                )));
            }
            check_doc(&e.doc, &what)?;
        }
        for (key, entity) in &self.entities {
            self.check_entity(key, entity)?;
        }
        // An enum is defined in the model module of the entity that uses it.
        for key in self.enums.keys() {
            let users: Vec<&str> = self
                .entities
                .iter()
                .filter(|(_, e)| e.fields.iter().any(|f| f.enum_key.as_ref() == Some(key)))
                .map(|(k, _)| k.as_str())
                .collect();
            if users.len() != 1 {
                return Err(DomainError(format!(
                    "enum `{key}` is used by {} entities ({}); each enum belongs to exactly one, \
                     whose model module defines it",
                    users.len(),
                    users.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn check_entity(&self, key: &str, entity: &Entity) -> Result<(), DomainError> {
        let what = format!("entity `{key}`");
        let fail = |msg: String| Err(DomainError(format!("{what}: {msg}")));
        if !is_snake(key) || !is_snake(&entity.table) || !is_snake(&entity.module) {
            return fail("key, table and module are snake_case".into());
        }
        if !is_camel(&entity.class) {
            return fail(format!("class `{}` is not CamelCase", entity.class));
        }
        check_doc(&entity.doc, &what)?;
        let mut names: Vec<&str> = vec!["id", "created_at"];
        for field in &entity.fields {
            if names.contains(&field.name.as_str()) {
                return fail(format!(
                    "field `{}` is defined twice (`id` and `created_at` are implicit)",
                    field.name
                ));
            }
            names.push(&field.name);
            self.check_field(field)
                .map_err(|e| DomainError(format!("{what}, field `{}`: {e}", field.name)))?;
        }
        for index in &entity.indexes {
            if index.columns.is_empty() {
                return fail("an index needs columns".into());
            }
            if let Some(c) = index.columns.iter().find(|c| !names.contains(&c.as_str())) {
                return fail(format!("index column `{c}` is not a field"));
            }
            if let [only] = index.columns.as_slice() {
                if entity
                    .fields
                    .iter()
                    .any(|f| &f.name == only && (f.index || f.unique))
                {
                    return fail(format!(
                        "`{only}` is indexed twice: by its field's `index`/`unique` and by `indexes`"
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_field(&self, field: &Field) -> Result<(), DomainError> {
        let fail = |msg: &str| Err(DomainError(msg.to_string()));
        if !is_snake(&field.name) {
            return fail("the name must be snake_case");
        }
        check_doc(&field.doc, "the field")?;
        let kind = field.kind;
        let has_length =
            field.min_length.is_some() || field.max_length.is_some() || field.pattern.is_some();
        if has_length && !kind.is_text() {
            return fail("min_length, max_length and pattern apply to text types only");
        }
        if (field.ge.is_some() || field.le.is_some()) && kind != FieldType::Integer {
            return fail("ge and le apply to integers only");
        }
        if matches!(kind, FieldType::String | FieldType::Email | FieldType::Url)
            && field.max_length.is_none()
        {
            return fail("string, email and url fields need a max_length (the column length)");
        }
        if let (Some(min), Some(max)) = (field.min_length, field.max_length) {
            if min > max {
                return fail("min_length is above max_length");
            }
        }
        if field.pattern.as_deref().is_some_and(|p| p.contains('"')) {
            return fail("a pattern may not contain `\"`");
        }
        match (kind, &field.enum_key) {
            (FieldType::Enum, Some(e)) if self.enums.contains_key(e) => {}
            (FieldType::Enum, Some(e)) => return fail(&format!("no enum `{e}`")),
            (FieldType::Enum, None) => return fail("an enum field names its `enum`"),
            (_, Some(_)) => return fail("only enum fields name an `enum`"),
            _ => {}
        }
        match (kind, &field.references) {
            (FieldType::Reference, Some(r)) if self.entities.contains_key(r) => {}
            (FieldType::Reference, Some(r)) => return fail(&format!("no entity `{r}`")),
            (FieldType::Reference, None) => return fail("a reference names what it `references`"),
            (_, Some(_)) => return fail("only reference fields name what they `references`"),
            _ => {}
        }
        match (&field.default, kind) {
            (None, _) | (Some(DefaultValue::Bool(_)), FieldType::Boolean) => {}
            (Some(DefaultValue::Text(v)), FieldType::Enum) => {
                let key = field.enum_key.as_deref().unwrap_or_default();
                if !self.enums[key].values.contains(v) {
                    return fail(&format!("default `{v}` is not a value of enum `{key}`"));
                }
            }
            _ => return fail("defaults are for enum and boolean fields"),
        }
        if kind == FieldType::Password
            && field
                .expose
                .iter()
                .any(|e| matches!(e, Exposure::Read | Exposure::Update))
        {
            return fail("a password is never read back nor updated in place");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../domain/hivesync.yaml");

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
