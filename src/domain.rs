//! The HiveSync domain model (placeholder until the payload lands): entities and fields as YAML.

use serde::{Deserialize, Serialize};

/// The domain model, handed to every template as `domain`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Domain(pub serde_json::Value);

/// Parses the domain model.
pub fn parse(text: &str) -> Result<Domain, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}
