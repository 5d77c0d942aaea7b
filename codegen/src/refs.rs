//! JSON pointers and `$ref` resolution inside one document.
//!
//! A `$ref` may point anywhere in the document (`#/components/...`, `#/paths/...`, into a
//! nested `definitions`); its fragment is percent-decoded, then split into tokens with
//! `~1` and `~0` decoded. Chains of references are followed with cycle detection.

use percent_encoding::percent_decode_str;
use std::borrow::Cow;

use serde_json::Value;

pub use crate::pointer::split as split_pointer;

/// The value at `pointer`, if any: `serde_json::Value::pointer`, without allocating for
/// reference tokens that need no unescaping (nearly all of them; schemas are looked up
/// by pointer all through lowering).
pub fn get<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut node = root;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token: Cow<'_, str> = if token.contains('~') {
            Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(token)
        };
        node = match node {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(list) => list.get(array_index(&token)?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// An array index token as RFC 6901 writes it: digits, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// Why a `$ref` could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// The reference points into another document.
    External(String),
    /// The reference's target does not exist.
    Missing(String),
    /// The reference is not a string.
    NotAString,
    /// References lead back to themselves.
    Cycle(String),
}

impl RefError {
    /// A sentence for a diagnostic.
    pub fn message(&self) -> String {
        match self {
            RefError::External(target) => format!(
                "`$ref: {target}` points into another document; bundle the spec into one file first \
                 (for example with `npx @redocly/cli bundle`)"
            ),
            RefError::Missing(target) => format!("unresolvable `$ref: {target}`: nothing exists at that pointer"),
            RefError::NotAString => "`$ref` must be a string".to_owned(),
            RefError::Cycle(target) => format!("`$ref: {target}` leads back to itself"),
        }
    }
}

/// Turns a `$ref` string into the JSON pointer of its target in this document.
pub fn ref_to_pointer(reference: &str) -> Result<String, RefError> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(RefError::External(reference.to_owned()));
    };
    let decoded = percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned();
    if decoded.is_empty() || decoded.starts_with('/') {
        Ok(decoded)
    } else {
        // `#Foo` style anchors are not JSON pointers.
        Err(RefError::Missing(reference.to_owned()))
    }
}

/// The `$ref` string of a reference object, if `value` is one.
pub fn ref_of(value: &Value) -> Option<&Value> {
    value.as_object().and_then(|object| object.get("$ref"))
}

/// Follows `$ref`s starting at `pointer` until a node that is not a reference.
/// Returns the pointer of that node.
pub fn resolve(root: &Value, pointer: &str) -> Result<String, RefError> {
    let mut current = pointer.to_owned();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let Some(node) = get(root, &current) else {
            return Err(RefError::Missing(format!("#{current}")));
        };
        let Some(reference) = ref_of(node) else {
            return Ok(current);
        };
        let Some(reference) = reference.as_str() else {
            return Err(RefError::NotAString);
        };
        let target = ref_to_pointer(reference)?;
        if get(root, &target).is_none() {
            return Err(RefError::Missing(reference.to_owned()));
        }
        if seen.contains(&target) || target == pointer {
            return Err(RefError::Cycle(reference.to_owned()));
        }
        seen.push(current);
        current = target;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn get_finds_what_serde_json_pointer_finds() {
        let root = json!({
            "paths": {"/a/{b}": {"get": {"x~y": [10, {"z": true}]}}},
            "": {"": 1},
            "list": [0, 1, 2],
        });
        for pointer in [
            "",
            "/paths",
            "/paths/~1a~1{b}/get",
            "/paths/~1a~1{b}/get/x~0y/1/z",
            "/paths/~1a~1{b}/get/x~0y/0",
            "/",
            "//",
            "/list/2",
            "/list/02",
            "/list/+1",
            "/list/3",
            "/list/-",
            "/missing",
            "/paths/~1a~1{b}/get/x~y",
            "paths",
            "/list/0/deeper",
        ] {
            assert_eq!(get(&root, pointer), root.pointer(pointer), "{pointer:?}");
        }
        assert_eq!(get(&root, "/list/2"), Some(&json!(2)));
        assert_eq!(
            get(&root, "/paths/~1a~1{b}/get/x~0y/1/z"),
            Some(&json!(true))
        );
    }

    #[test]
    fn splits_and_unescapes_tokens() {
        assert_eq!(
            split_pointer("/paths/~1pets~1{id}/get"),
            ["paths", "/pets/{id}", "get"]
        );
        assert_eq!(split_pointer("/a~01"), ["a~1"]);
        assert!(split_pointer("").is_empty());
    }

    #[test]
    fn decodes_percent_encoding_in_refs() {
        assert_eq!(
            ref_to_pointer("#/paths/~1a%7Bb%7D").as_deref(),
            Ok("/paths/~1a{b}")
        );
        assert!(matches!(
            ref_to_pointer("other.yaml#/x"),
            Err(RefError::External(_))
        ));
    }

    #[test]
    fn follows_chains_and_detects_cycles() {
        let root = json!({
            "a": {"$ref": "#/b"},
            "b": {"$ref": "#/c"},
            "c": {"type": "string"},
            "x": {"$ref": "#/y"},
            "y": {"$ref": "#/x"},
            "m": {"$ref": "#/nope"}
        });
        assert_eq!(resolve(&root, "/a").as_deref(), Ok("/c"));
        assert!(matches!(resolve(&root, "/x"), Err(RefError::Cycle(_))));
        assert!(matches!(resolve(&root, "/m"), Err(RefError::Missing(_))));
    }
}
