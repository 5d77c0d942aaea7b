//! Node predicates: what a node of a spec is (schema, operation, path item, parameter, ...).

use serde_json::Value;

use super::tree::{key_at, SegRef};

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const SCHEMA_HINTS: &[&str] = &[
    "type",
    "properties",
    "$ref",
    "allOf",
    "oneOf",
    "anyOf",
    "items",
    "enum",
    "format",
    "additionalProperties",
    "nullable",
    "const",
    "prefixItems",
];

pub(super) fn is_schema_like(path: &[SegRef<'_>], value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    if SCHEMA_HINTS.iter().any(|k| map.contains_key(*k)) {
        return true;
    }
    if matches!(
        key_at(path, 1),
        Some(
            "schema"
                | "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "contentSchema"
        )
    ) {
        return true;
    }
    if matches!(
        key_at(path, 2),
        Some(
            "properties"
                | "schemas"
                | "$defs"
                | "definitions"
                | "patternProperties"
                | "dependentSchemas"
        )
    ) {
        return true;
    }
    matches!(path.last(), Some(SegRef::Index(_)))
        && matches!(
            key_at(path, 2),
            Some("allOf" | "oneOf" | "anyOf" | "prefixItems")
        )
}

pub(super) fn is_operation(path: &[SegRef<'_>], value: &Value) -> bool {
    path.len() == 3
        && matches!(path[0], SegRef::Key("paths" | "webhooks"))
        && key_at(path, 1).is_some_and(|m| HTTP_METHODS.contains(&m))
        && value.is_object()
}

pub(super) fn is_path_item(path: &[SegRef<'_>], value: &Value) -> bool {
    path.len() == 2 && matches!(path[0], SegRef::Key("paths" | "webhooks")) && value.is_object()
}

pub(super) fn is_parameter(path: &[SegRef<'_>], value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    map.contains_key("in")
        || (matches!(path.last(), Some(SegRef::Index(_))) && key_at(path, 2) == Some("parameters"))
        || key_at(path, 2) == Some("parameters")
}

pub(super) fn is_container(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}
