//! Seed specs: loading them, reading them as value trees, writing trees back as JSON or YAML.

use std::path::PathBuf;

use serde_json::Value;

use codegen::source::SourceFormat;

pub(super) struct Seed {
    pub(super) path: PathBuf,
    pub(super) format: SourceFormat,
    pub(super) text: String,
    /// `None` when the text does not parse: then only bytes are mutated.
    pub(super) value: Option<Value>,
}

pub(super) fn load_seeds(paths: &[PathBuf]) -> (Vec<Seed>, Vec<(PathBuf, String)>) {
    let mut seeds = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let format = SourceFormat::from_path(path).unwrap_or(SourceFormat::Yaml);
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let value = parse_value(format, &text);
                seeds.push(Seed {
                    path: path.clone(),
                    format,
                    text,
                    value,
                });
            }
            Err(e) => skipped.push((path.clone(), e.to_string())),
        }
    }
    (seeds, skipped)
}

/// The value tree, read by the generator's own loader (`codegen::parse_tree`), so
/// a seed's numbers and keys are what the generator sees.
pub(super) fn parse_value(format: SourceFormat, text: &str) -> Option<Value> {
    codegen::parse_tree(text, format).ok()
}

pub(super) fn serialize(format: SourceFormat, value: &Value, compact: bool) -> String {
    let json = || {
        if compact {
            serde_json::to_string(value)
        } else {
            serde_json::to_string_pretty(value)
        }
        .unwrap_or_default()
    };
    match format {
        SourceFormat::Json => json(),
        SourceFormat::Yaml => serde_yaml::to_string(value).unwrap_or_else(|_| json()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn yaml_seeds_keep_non_string_keys() {
        let value = parse_value(
            SourceFormat::Yaml,
            "a: &x {b: 1}\nresponses:\n  200: {}\n  true: 1\nc: *x\n",
        )
        .expect("yaml");
        assert_eq!(
            value,
            json!({"a": {"b": 1}, "responses": {"200": {}, "true": 1}, "c": {"b": 1}})
        );
    }
}
