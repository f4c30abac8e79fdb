//! Checking the domain model beyond its YAML shape: names, references between entities and
//! enums, constraints that fit their field's type, defaults, indexes and docs.

use super::*;

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
    pub(crate) fn check(&self) -> Result<(), DomainError> {
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
        if let Some(pattern) = &field.pattern {
            if pattern.contains('"') {
                return fail("a pattern may not contain `\"`");
            }
            // Pydantic validates patterns with Rust's regex engine, this one: a pattern it cannot
            // compile would make the generated schema module fail at import.
            if let Err(e) = regex::Regex::new(pattern) {
                return fail(&format!(
                    "pattern `{pattern}` does not compile (Rust regex syntax, as pydantic \
                     validates it; no look-around or back-references): {e}"
                ));
            }
        }
        if field.ignore_case && !(kind == FieldType::String && field.unique) {
            return fail("ignore_case is for unique string fields (an email is lowercased anyway)");
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
