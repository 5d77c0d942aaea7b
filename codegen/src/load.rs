//! Loading: spec text (JSON or YAML) to a JSON value tree, plus the OpenAPI version.
//!
//! Both OpenAPI 3.0 and 3.1 load into the same tree; the version only changes how
//! [`crate::schema`] reads schema keywords. Syntax errors carry line and column.

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{LineCol, SourceFormat};

/// The OpenAPI versions the generator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecVersion {
    /// OpenAPI 3.0.x (JSON Schema draft-05 subset, `nullable`, boolean exclusive bounds).
    V3_0,
    /// OpenAPI 3.1.x (JSON Schema 2020-12).
    V3_1,
    /// OpenAPI 3.2.x, read as 3.1 (its additions get diagnostics).
    V3_2,
}

/// A parsed spec: its text, the value tree and the version.
#[derive(Debug, Clone)]
pub struct Document {
    /// The source text, kept to locate diagnostics.
    pub text: String,
    /// JSON or YAML.
    pub format: SourceFormat,
    /// The whole document.
    pub root: Value,
    /// The `openapi:` version.
    pub version: SpecVersion,
}

/// Parses `text` and checks that it is an OpenAPI 3.x document.
pub fn load(text: &str, format: SourceFormat) -> Result<Document, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = parse_tree(text, format).map_err(|diagnostic| {
        let mut all = Diagnostics::new();
        all.push(diagnostic);
        all
    })?;
    let version = read_version(&root).map_err(|diagnostic| {
        let mut all = Diagnostics::new();
        all.push(diagnostic);
        all.locate(text, format);
        all
    })?;
    Ok(Document {
        text: text.to_owned(),
        format,
        root,
        version,
    })
}

/// The value tree of `text` as the generator reads it (YAML merge keys applied, keys and
/// numbers converted the same way), without the `openapi:` version check: for tools
/// that mutate documents (the fuzzer) and must read them as the generator does.
pub fn parse_tree(text: &str, format: SourceFormat) -> Result<Value, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        SourceFormat::Json => parse_json(text),
        SourceFormat::Yaml => parse_yaml(text),
    }
}

fn parse_json(text: &str) -> Result<Value, Diagnostic> {
    serde_json::from_str(text).map_err(|error| {
        let mut diagnostic = Diagnostic::error(
            "",
            format!("invalid JSON: {}", strip_position(&error.to_string())),
        );
        diagnostic.location = Some(LineCol {
            line: error.line().max(1),
            column: error.column().max(1),
        });
        diagnostic
    })
}

fn parse_yaml(text: &str) -> Result<Value, Diagnostic> {
    let parsed = serde_yaml::from_str::<serde_yaml::Value>(text).and_then(|mut value| {
        value.apply_merge()?;
        Ok(value)
    });
    match parsed {
        Ok(value) => Ok(yaml_to_json(value)),
        Err(error) => {
            let mut diagnostic = Diagnostic::error(
                "",
                format!("invalid YAML: {}", strip_position(&error.to_string())),
            );
            diagnostic.location = error.location().map(|at| LineCol {
                line: at.line(),
                column: at.column(),
            });
            Err(diagnostic)
        }
    }
}

/// serde's messages end with "at line X column Y"; the location is shown separately.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// Converts a YAML value to JSON. Mapping keys that are not strings (`200:`, `true:`)
/// become their text, as OpenAPI means them.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(yaml_to_json).collect())
        }
        serde_yaml::Value::Mapping(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (key, value) in entries {
                map.insert(yaml_key(key), yaml_to_json(value));
            }
            Value::Object(map)
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Null => "null".to_owned(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => serde_json::to_string(&yaml_to_json(other)).unwrap_or_default(),
    }
}

pub(crate) fn read_version(root: &Value) -> Result<SpecVersion, Diagnostic> {
    let Some(object) = root.as_object() else {
        return Err(Diagnostic::error(
            "",
            "the document is not an object: an OpenAPI document starts with `openapi: 3.x.y`",
        ));
    };
    if let Some(swagger) = object.get("swagger") {
        return Err(Diagnostic::error(
            "/swagger",
            format!(
                "this is a Swagger {} document; the generator reads OpenAPI 3.0 and 3.1: convert it first \
                 (for example with `npx swagger2openapi`)",
                display_scalar(swagger)
            ),
        ));
    }
    let Some(version) = object.get("openapi") else {
        return Err(Diagnostic::error(
            "",
            "missing `openapi` field: an OpenAPI document starts with `openapi: 3.x.y`",
        ));
    };
    let text = display_scalar(version);
    let mut parts = text.split('.');
    match (parts.next(), parts.next()) {
        (Some("3"), Some("0")) => Ok(SpecVersion::V3_0),
        (Some("3"), Some("1")) => Ok(SpecVersion::V3_1),
        (Some("3"), Some("2")) => Ok(SpecVersion::V3_2),
        _ => Err(Diagnostic::error(
            "/openapi",
            format!(
                "unsupported OpenAPI version `{text}`: the generator reads 3.0.x, 3.1.x and 3.2.x"
            ),
        )),
    }
}

fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
