//! Reading one schema node into a version-independent [`Schema`].
//!
//! This is where OpenAPI 3.0 and 3.1 meet: 3.0's `nullable` and boolean
//! `exclusiveMinimum`, and 3.1's `type` arrays, `const`, numeric exclusive bounds,
//! `examples`, boolean schemas, `$ref` with siblings, `prefixItems` and
//! `contentEncoding` all land in the same fields. Every keyword is either read here or
//! listed in [`IGNORED_KEYWORDS`] (annotations with no effect on the generated code);
//! anything else gets a warning, so no keyword is dropped silently.
//!
//! Adding a constraint keyword touches, in data-flow order (the compiler lists the
//! places marked *guided* once step 2 is done):
//! 1. `ir.rs`: a [`Check`](crate::ir::Check) variant; the compiler then asks for its
//!    [`CheckKind`](crate::ir::CheckKind) (`kind`, `ALL`, `keyword`);
//! 2. here: a field of [`Assertions`] read from the node, and its kind in `present`;
//! 3. *guided*: `diff/compare/checks.rs` (`compare_here`: how a change of it is
//!    classified), `lower/audit.rs` (`asked`: whether a field's type must enforce it),
//!    `emit/types.rs` (`check_tokens`, the rule's code; `rule_words`, its docs);
//! 4. `lower/types.rs`: the `Check` pushed where the position's checks are collected (a
//!    forgotten push is caught when generating: the audit finds the field's rule without
//!    the check its schema asked for, and refuses to emit);
//! 5. `runtime/src/validate.rs`: the check itself, if no existing helper does it;
//! 6. a fixture under `tests/fixtures/specs` and a diff pair under `tests/fixtures/diff`.

use serde_json::{Map, Value};

use crate::diag::{child, Diagnostics};
use crate::ir::CheckKind;
use crate::load::SpecVersion;

/// JSON types a schema admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JsonType {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
    /// `array`
    Array,
    /// `object`
    Object,
}

impl JsonType {
    /// The `type` keyword's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    /// Reads a `type` keyword's value (`"null"` is not a type here: it is nullability).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            _ => return None,
        })
    }
}

/// A subschema position: the pointer of the child schema (which may be a `$ref`).
pub type SchemaPtr = String;

/// `additionalProperties` / `items` when given as a boolean or a schema.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Sub {
    /// Not given.
    #[default]
    Absent,
    /// `true` (or `{}`): anything.
    Any,
    /// `false`: nothing.
    Never,
    /// A schema.
    Schema(SchemaPtr),
}

/// Numeric bound with its exclusivity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// True for `exclusiveMinimum`/`exclusiveMaximum`.
    pub exclusive: bool,
}

/// Validation keywords (JSON Schema's assertions).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assertions {
    /// `minimum` / `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum` / `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
}

impl Assertions {
    /// True when no assertion is present.
    pub fn is_empty(&self) -> bool {
        *self == Assertions::default()
    }

    /// The keywords present that JSON Schema applies to values of type `ty`.
    pub fn applicable(&self, ty: JsonType) -> Vec<CheckKind> {
        self.present()
            .into_iter()
            .filter(|(_, types)| types.contains(&ty))
            .map(|(keyword, _)| keyword)
            .collect()
    }

    /// The keywords present that do not apply to values of type `ty` (JSON Schema
    /// ignores them for such values).
    pub fn inapplicable(&self, ty: JsonType) -> Vec<CheckKind> {
        self.present()
            .into_iter()
            .filter(|(_, types)| !types.contains(&ty))
            .map(|(keyword, _)| keyword)
            .collect()
    }

    fn present(&self) -> Vec<(CheckKind, &'static [JsonType])> {
        const NUMBERS: &[JsonType] = &[JsonType::Integer, JsonType::Number];
        const STRINGS: &[JsonType] = &[JsonType::String];
        const ARRAYS: &[JsonType] = &[JsonType::Array];
        const OBJECTS: &[JsonType] = &[JsonType::Object];
        let mut out = Vec::new();
        let mut add = |present: bool, keyword, types| {
            if present {
                out.push((keyword, types));
            }
        };
        add(self.minimum.is_some(), CheckKind::Minimum, NUMBERS);
        add(self.maximum.is_some(), CheckKind::Maximum, NUMBERS);
        add(self.multiple_of.is_some(), CheckKind::MultipleOf, NUMBERS);
        add(self.min_length.is_some(), CheckKind::MinLength, STRINGS);
        add(self.max_length.is_some(), CheckKind::MaxLength, STRINGS);
        add(self.pattern.is_some(), CheckKind::Pattern, STRINGS);
        add(self.min_items.is_some(), CheckKind::MinItems, ARRAYS);
        add(self.max_items.is_some(), CheckKind::MaxItems, ARRAYS);
        add(self.unique_items, CheckKind::UniqueItems, ARRAYS);
        add(
            self.min_properties.is_some(),
            CheckKind::MinProperties,
            OBJECTS,
        );
        add(
            self.max_properties.is_some(),
            CheckKind::MaxProperties,
            OBJECTS,
        );
        out
    }
}

/// One schema node, read the same way for every OpenAPI version.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Where the node is.
    pub pointer: String,
    /// `$ref` target pointer, when the node is a reference (3.1 allows siblings).
    pub reference: Option<String>,
    /// `false` schema: no value is valid.
    pub never: bool,
    /// Admitted types; empty means any type.
    pub types: Vec<JsonType>,
    /// `null` is admitted (`nullable: true`, `type: [.., "null"]`, `type: "null"`).
    pub nullable: bool,
    /// `type: "null"`, `enum: [null]` or `const: null`: nothing but `null`.
    pub only_null: bool,
    /// `format`.
    pub format: Option<String>,
    /// `contentEncoding` (3.1).
    pub content_encoding: Option<String>,
    /// `contentMediaType` (3.1).
    pub content_media_type: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `default`.
    pub default: Option<Value>,
    /// `example` and `examples` (3.1 arrays; 3.0 slips with maps are read as their values).
    pub examples: Vec<Value>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly: true`.
    pub read_only: bool,
    /// `writeOnly: true`.
    pub write_only: bool,
    /// `enum`.
    pub enum_values: Option<Vec<Value>>,
    /// `const` (3.1).
    pub const_value: Option<Value>,
    /// `properties`, in document order.
    pub properties: Vec<(String, SchemaPtr)>,
    /// `required`.
    pub required: Vec<String>,
    /// `additionalProperties`.
    pub additional: Sub,
    /// `patternProperties` (3.1).
    pub pattern_properties: Vec<(String, SchemaPtr)>,
    /// `propertyNames` (3.1).
    pub property_names: Option<SchemaPtr>,
    /// `dependentRequired` (3.1).
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// `items`.
    pub items: Sub,
    /// `prefixItems` (3.1 tuples).
    pub prefix_items: Vec<SchemaPtr>,
    /// `contains` (3.1).
    pub contains: Option<SchemaPtr>,
    /// `minContains` (3.1).
    pub min_contains: Option<u64>,
    /// `maxContains` (3.1).
    pub max_contains: Option<u64>,
    /// `allOf`.
    pub all_of: Vec<SchemaPtr>,
    /// `oneOf`.
    pub one_of: Vec<SchemaPtr>,
    /// `anyOf`.
    pub any_of: Vec<SchemaPtr>,
    /// `not`.
    pub not: Option<SchemaPtr>,
    /// `discriminator.propertyName`.
    pub discriminator: Option<String>,
    /// `discriminator.mapping`: value → target pointer.
    pub discriminator_mapping: Vec<(String, String)>,
    /// Validation keywords.
    pub assertions: Assertions,
    /// Keywords the generator cannot express: the schema falls back to `serde_json::Value`.
    pub unsupported: Vec<String>,
}

/// Annotation keywords that change nothing in the generated code (besides docs).
pub const IGNORED_KEYWORDS: &[&str] = &[
    "xml",
    "externalDocs",
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "definitions",
    "id",
    // 2020-12 annotation describing a decoded string's content; it asserts nothing.
    "contentSchema",
];

impl Schema {
    /// True when the schema admits `ty` (an empty type list admits every type).
    pub fn admits(&self, ty: JsonType) -> bool {
        self.types.is_empty() || self.types.contains(&ty)
    }

    /// Docs for the generated item: title and description, then default and examples.
    pub fn doc_text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(title) = &self.title {
            if self
                .description
                .as_deref()
                .is_none_or(|d| !d.starts_with(title.as_str()))
            {
                parts.push(title.trim().to_owned());
            }
        }
        if let Some(description) = &self.description {
            if !description.trim().is_empty() {
                parts.push(description.trim().to_owned());
            }
        }
        if self.deprecated {
            parts.push("Deprecated in the spec.".to_owned());
        }
        parts.join("\n\n")
    }
}

/// Reads the schema node at `pointer` (a `$ref` node is read with its reference set;
/// nothing is followed here).
pub fn read(root: &Value, pointer: &str, version: SpecVersion, diags: &mut Diagnostics) -> Schema {
    let mut schema = Schema {
        pointer: pointer.to_owned(),
        ..Schema::default()
    };
    let Some(node) = crate::refs::get(root, pointer) else {
        diags.error(pointer, "schema expected here, found nothing");
        schema.never = true;
        return schema;
    };
    match node {
        Value::Bool(true) => return schema,
        Value::Bool(false) => {
            schema.never = true;
            return schema;
        }
        Value::Object(object) => {
            read_object(&mut schema, object, version, diags);
            // `enum: [null]` and `const: null` (drf-spectacular's `NullEnum`) admit only
            // `null`, like `type: "null"`.
            let null_only = match (&schema.enum_values, &schema.const_value) {
                (_, Some(value)) => value.is_null(),
                (Some(values), None) => !values.is_empty() && values.iter().all(Value::is_null),
                (None, None) => false,
            };
            if null_only {
                schema.nullable = true;
                schema.only_null = true;
            }
        }
        other => {
            diags.warning(
                pointer,
                format!(
                    "a schema must be an object or a boolean, found {}; read as any value",
                    kind_of(other)
                ),
            );
        }
    }
    schema
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn read_object(
    schema: &mut Schema,
    object: &Map<String, Value>,
    version: SpecVersion,
    diags: &mut Diagnostics,
) {
    let ptr = schema.pointer.clone();
    let at = |key: &str| child(&ptr, key);
    let is_31 = version >= SpecVersion::V3_1;
    for (key, value) in object {
        match key.as_str() {
            "$ref" => match value.as_str().map(crate::refs::ref_to_pointer) {
                Some(Ok(target)) => schema.reference = Some(target),
                Some(Err(error)) => diags.error(at(key), error.message()),
                None => diags.error(at(key), "`$ref` must be a string"),
            },
            "type" => read_type(schema, value, &at(key), diags),
            "nullable" => schema.nullable |= value.as_bool().unwrap_or(false),
            "format" => schema.format = value.as_str().map(str::to_owned),
            "contentEncoding" => schema.content_encoding = value.as_str().map(str::to_owned),
            "contentMediaType" => schema.content_media_type = value.as_str().map(str::to_owned),
            "title" => schema.title = value.as_str().map(str::to_owned),
            "description" => schema.description = value.as_str().map(str::to_owned),
            "default" => schema.default = Some(value.clone()),
            "example" => schema.examples.push(value.clone()),
            "examples" => match value {
                Value::Array(items) => schema.examples.extend(items.iter().cloned()),
                Value::Object(map) => {
                    diags.warning(
                        at(key),
                        "`examples` in a schema is a list; read this map's values as the examples",
                    );
                    schema.examples.extend(map.values().map(|v| v.get("value").unwrap_or(v).clone()));
                }
                other => schema.examples.push(other.clone()),
            },
            "deprecated" => schema.deprecated = value.as_bool().unwrap_or(false),
            "readOnly" => schema.read_only = value.as_bool().unwrap_or(false),
            "writeOnly" => schema.write_only = value.as_bool().unwrap_or(false),
            "enum" => match value {
                Value::Array(values) => schema.enum_values = Some(values.clone()),
                _ => diags.warning(at(key), "`enum` must be a list; ignored"),
            },
            "const" => schema.const_value = Some(value.clone()),
            "properties" => match value {
                Value::Object(properties) => {
                    for (name, property) in properties {
                        // A common slip: `additionalProperties` written inside `properties`.
                        if name == "additionalProperties" && (property.is_boolean() || looks_like_misplaced(property)) {
                            diags.warning(
                                child(&at(key), name),
                                "`additionalProperties` is written inside `properties`; read it as the object's \
                                 `additionalProperties`",
                            );
                            schema.additional = sub(property, child(&at(key), name));
                            continue;
                        }
                        schema.properties.push((name.clone(), child(&at(key), name)));
                    }
                }
                _ => diags.warning(at(key), "`properties` must be a map; ignored"),
            },
            "required" => match value {
                Value::Array(names) => {
                    schema.required = names.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect()
                }
                Value::Bool(_) => diags.warning(
                    at(key),
                    "`required: true` on a schema is not JSON Schema (list the names in the parent's `required`); ignored",
                ),
                _ => diags.warning(at(key), "`required` must be a list of property names; ignored"),
            },
            "additionalProperties" => schema.additional = sub(value, at(key)),
            "unevaluatedProperties" => schema.unsupported.push(key.clone()),
            "patternProperties" => {
                if let Value::Object(patterns) = value {
                    for name in patterns.keys() {
                        schema.pattern_properties.push((name.clone(), child(&at(key), name)));
                    }
                }
            }
            "propertyNames" => schema.property_names = Some(at(key)),
            "dependentRequired" => {
                if let Value::Object(map) = value {
                    for (name, needs) in map {
                        let needs = needs
                            .as_array()
                            .map(|list| list.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect())
                            .unwrap_or_default();
                        schema.dependent_required.push((name.clone(), needs));
                    }
                }
            }
            "items" => match value {
                // 3.0 writers sometimes give a list (draft-04 tuple form).
                Value::Array(list) if !is_31 || !list.is_empty() => {
                    diags.warning(at(key), "`items` given as a list (a tuple); read as `prefixItems`");
                    schema.prefix_items = (0..list.len()).map(|i| child(&at(key), &i.to_string())).collect();
                    schema.items = Sub::Never;
                }
                _ => schema.items = sub(value, at(key)),
            },
            "prefixItems" => {
                if let Value::Array(list) = value {
                    schema.prefix_items = (0..list.len()).map(|i| child(&at(key), &i.to_string())).collect();
                }
            }
            "contains" => schema.contains = Some(at(key)),
            "minContains" => schema.min_contains = value.as_u64(),
            "maxContains" => schema.max_contains = value.as_u64(),
            "allOf" | "oneOf" | "anyOf" => {
                let list = match value {
                    Value::Array(list) => (0..list.len()).map(|i| child(&at(key), &i.to_string())).collect(),
                    Value::Object(_) => {
                        diags.warning(at(key), format!("`{key}` must be a list; read this one schema as a list of one"));
                        vec![at(key)]
                    }
                    _ => {
                        diags.warning(at(key), format!("`{key}` must be a list of schemas; ignored"));
                        Vec::new()
                    }
                };
                match key.as_str() {
                    "allOf" => schema.all_of = list,
                    "oneOf" => schema.one_of = list,
                    _ => schema.any_of = list,
                }
            }
            "not" => schema.not = Some(at(key)),
            "discriminator" => read_discriminator(schema, value, &at(key), diags),
            "minimum" => set_bound(&mut schema.assertions.minimum, value, false, Side::Lower),
            "maximum" => set_bound(&mut schema.assertions.maximum, value, false, Side::Upper),
            // 3.1: a number is an exclusive bound of its own; 3.0: a boolean flag on
            // `minimum`/`maximum`, applied once every keyword is read.
            "exclusiveMinimum" if value.is_number() => {
                set_bound(&mut schema.assertions.minimum, value, true, Side::Lower)
            }
            "exclusiveMaximum" if value.is_number() => {
                set_bound(&mut schema.assertions.maximum, value, true, Side::Upper)
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {}
            "multipleOf" => schema.assertions.multiple_of = value.as_f64().filter(|d| *d > 0.0),
            "minLength" => schema.assertions.min_length = value.as_u64(),
            "maxLength" => schema.assertions.max_length = value.as_u64(),
            "pattern" => schema.assertions.pattern = value.as_str().map(str::to_owned),
            "minItems" => schema.assertions.min_items = value.as_u64(),
            "maxItems" => schema.assertions.max_items = value.as_u64(),
            "uniqueItems" => schema.assertions.unique_items = value.as_bool().unwrap_or(false),
            "minProperties" => schema.assertions.min_properties = value.as_u64(),
            "maxProperties" => schema.assertions.max_properties = value.as_u64(),
            "if" | "then" | "else" | "dependentSchemas" | "$dynamicRef" | "$dynamicAnchor" | "$recursiveRef"
            | "$recursiveAnchor" | "unevaluatedItems" => schema.unsupported.push(key.clone()),
            key if key.starts_with("x-") => {}
            key if IGNORED_KEYWORDS.contains(&key) => {}
            other => diags.warning(at(other), format!("unknown schema keyword `{other}`; ignored")),
        }
    }
    // 3.0: a boolean `exclusiveMinimum` needs its `minimum`, which may come after it.
    if let Some(Value::Bool(true)) = object.get("exclusiveMinimum") {
        if let Some(bound) = &mut schema.assertions.minimum {
            bound.exclusive = true;
        }
    }
    if let Some(Value::Bool(true)) = object.get("exclusiveMaximum") {
        if let Some(bound) = &mut schema.assertions.maximum {
            bound.exclusive = true;
        }
    }
}

fn looks_like_misplaced(property: &Value) -> bool {
    // `additionalProperties: {type: string}` inside `properties` reads like a schema for the
    // extra values; a real property of that name would normally carry a description.
    property
        .as_object()
        .is_some_and(|o| !o.contains_key("description") && !o.contains_key("title"))
}

fn sub(value: &Value, pointer: String) -> Sub {
    match value {
        Value::Bool(true) => Sub::Any,
        Value::Bool(false) => Sub::Never,
        Value::Object(object) if object.is_empty() => Sub::Any,
        _ => Sub::Schema(pointer),
    }
}

fn read_type(schema: &mut Schema, value: &Value, pointer: &str, diags: &mut Diagnostics) {
    let names: Vec<&str> = match value {
        Value::String(name) => vec![name.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => {
            diags.warning(
                pointer,
                "`type` must be a string or a list of strings; ignored",
            );
            return;
        }
    };
    for name in &names {
        if *name == "null" {
            schema.nullable = true;
        } else if let Some(ty) = JsonType::parse(name) {
            if !schema.types.contains(&ty) {
                schema.types.push(ty);
            }
        } else {
            diags.warning(pointer, format!("unknown type `{name}`; ignored"));
        }
    }
    schema.only_null = schema.nullable && schema.types.is_empty() && !names.is_empty();
}

fn read_discriminator(schema: &mut Schema, value: &Value, pointer: &str, diags: &mut Diagnostics) {
    let Some(object) = value.as_object() else {
        diags.warning(pointer, "`discriminator` must be an object; ignored");
        return;
    };
    match object.get("propertyName").and_then(Value::as_str) {
        Some(name) => schema.discriminator = Some(name.to_owned()),
        None => {
            diags.warning(pointer, "`discriminator` without `propertyName`; ignored");
            return;
        }
    }
    if let Some(Value::Object(mapping)) = object.get("mapping") {
        for (tag, target) in mapping {
            let Some(target) = target.as_str() else {
                continue;
            };
            // A mapping value is a `$ref` or a bare schema name.
            let pointer = if target.starts_with('#') {
                crate::refs::ref_to_pointer(target).unwrap_or_default()
            } else {
                format!("/components/schemas/{}", crate::diag::escape_token(target))
            };
            schema.discriminator_mapping.push((tag.clone(), pointer));
        }
    }
}

/// Which end of the range a bound limits.
#[derive(Clone, Copy)]
enum Side {
    Lower,
    Upper,
}

/// Records a bound; when the schema states two (3.1 `minimum` and `exclusiveMinimum`),
/// keeps the stricter, since a value must satisfy both.
fn set_bound(slot: &mut Option<Bound>, value: &Value, exclusive: bool, side: Side) {
    let Some(number) = value.as_f64() else { return };
    let candidate = Bound {
        value: number,
        exclusive,
    };
    let stricter = match (*slot, side) {
        (None, _) => true,
        (Some(existing), Side::Lower) => {
            number > existing.value || (number == existing.value && exclusive)
        }
        (Some(existing), Side::Upper) => {
            number < existing.value || (number == existing.value && exclusive)
        }
    };
    if stricter {
        *slot = Some(candidate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bounds(schema: Value, version: SpecVersion) -> (Option<Bound>, Option<Bound>) {
        let root = json!({ "s": schema });
        let read = read(&root, "/s", version, &mut Diagnostics::new());
        (read.assertions.minimum, read.assertions.maximum)
    }

    #[test]
    fn both_bounds_of_3_1_keep_the_stricter() {
        let lower = |value, exclusive| Some(Bound { value, exclusive });
        assert_eq!(
            bounds(
                json!({"minimum": 5, "exclusiveMinimum": 3}),
                SpecVersion::V3_1
            )
            .0,
            lower(5.0, false)
        );
        assert_eq!(
            bounds(
                json!({"exclusiveMinimum": 3, "minimum": 5}),
                SpecVersion::V3_1
            )
            .0,
            lower(5.0, false)
        );
        assert_eq!(
            bounds(
                json!({"minimum": 3, "exclusiveMinimum": 3}),
                SpecVersion::V3_1
            )
            .0,
            lower(3.0, true)
        );
        assert_eq!(
            bounds(
                json!({"maximum": 5, "exclusiveMaximum": 9}),
                SpecVersion::V3_1
            )
            .1,
            lower(5.0, false)
        );
        assert_eq!(
            bounds(
                json!({"exclusiveMaximum": 4, "maximum": 9}),
                SpecVersion::V3_1
            )
            .1,
            lower(4.0, true)
        );
    }

    #[test]
    fn boolean_exclusive_bounds_of_3_0_mark_minimum_and_maximum() {
        let (min, max) = bounds(
            json!({"exclusiveMinimum": true, "minimum": 1, "maximum": 2, "exclusiveMaximum": false}),
            SpecVersion::V3_0,
        );
        assert_eq!(
            min,
            Some(Bound {
                value: 1.0,
                exclusive: true
            })
        );
        assert_eq!(
            max,
            Some(Bound {
                value: 2.0,
                exclusive: false
            })
        );
    }
}
