//! The reference validator: the `jsonschema` crate, with the spec's document registered
//! as one resource so any schema of it is validated by pointer (`$ref`s inside resolve
//! as the spec wrote them). Draft 4 for OpenAPI 3.0 (boolean `exclusiveMinimum`, `$ref`
//! siblings ignored), 2020-12 for 3.1. Formats are asserted, as our generated types
//! assert `uuid`, `date-time`, `date` and `byte`.

use jsonschema::{Draft, Registry, Validator};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::spec::Spec;

const BASE: &str = "urn:conformance:spec";

/// What a URI fragment may hold as it is (RFC 3986 `pchar` and `/`, `?`).
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

pub struct Reference {
    draft: Draft,
    registry: Registry,
}

impl Reference {
    pub fn new(spec: &Spec) -> Result<Self, String> {
        let draft = if spec.v31 {
            Draft::Draft202012
        } else {
            Draft::Draft4
        };
        let resource = draft.create_resource(spec.as_json_schema.clone());
        let registry = Registry::try_new(BASE, resource).map_err(|e| e.to_string())?;
        Ok(Self { draft, registry })
    }

    /// A validator for the schema at `pointer` (`#/components/schemas/Pet`).
    pub fn validator(&self, pointer: &str) -> Result<Validator, String> {
        let fragment = pointer.strip_prefix('#').unwrap_or(pointer);
        let reference = format!("{BASE}#{}", utf8_percent_encode(fragment, FRAGMENT));
        jsonschema::options()
            .with_draft(self.draft)
            .with_registry(self.registry.clone())
            .should_validate_formats(true)
            // Bounded repetitions as large as `^.{0,262144}$` (Adyen) compile past the
            // regex crate's default size limit (10 MB) and would leave the schema unjudged.
            .with_pattern_options(jsonschema::PatternOptions::fancy_regex().size_limit(512 << 20))
            // Draft 4 does not define `uuid`; OpenAPI 3.0 specs use it all the same.
            .with_format("uuid", is_uuid)
            .build(&json!({ "$ref": reference }))
            .map_err(|e| format!("the reference validator cannot compile {pointer}: {e}"))
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// What kind of error the validator reported (the cases the harness tells apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorClass {
    /// `enum` or `const`.
    Enum,
    /// `format`, with the format's name.
    Format(String),
    /// Anything else.
    Other,
}

/// The first error the validator reports for `instance`, with its instance path, and
/// its class.
pub fn first_error(validator: &Validator, instance: &Value) -> Option<(String, ErrorClass)> {
    use jsonschema::error::ValidationErrorKind;
    let error = validator.iter_errors(instance).next()?;
    let class = match error.kind() {
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => ErrorClass::Enum,
        ValidationErrorKind::Format { format } => ErrorClass::Format(format.clone()),
        _ => ErrorClass::Other,
    };
    let path = error.instance_path().to_string();
    let message = if path.is_empty() {
        error.to_string()
    } else {
        format!("{path}: {error}")
    };
    Some((message, class))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_by_pointer_with_refs_and_nullable() {
        let spec = Spec::parse(
            r##"{"openapi": "3.0.3", "components": {"schemas": {
                "Ids": {"type": "array", "minItems": 2, "items": {"$ref": "#/components/schemas/Id"}},
                "Id": {"type": "string", "format": "uuid", "nullable": true}}}}"##,
            "spec.json",
        )
        .expect("parses");
        let reference = Reference::new(&spec).expect("registry");
        let ids = reference
            .validator("#/components/schemas/Ids")
            .expect("compiles");
        let uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
        assert!(ids.is_valid(&json!([uuid, null])));
        assert!(!ids.is_valid(&json!([uuid])), "minItems");
        assert!(
            !ids.is_valid(&json!([uuid, "not-a-uuid"])),
            "formats are asserted"
        );
        assert!(first_error(&ids, &json!([uuid])).is_some());
    }

    #[test]
    fn pointers_with_braces_resolve() {
        let spec = Spec::parse(
            r##"{"openapi": "3.1.0", "paths": {"/pets/{id}": {"get": {"responses": {"200": {
                "description": "", "content": {"application/json": {"schema": {"type": "integer", "minimum": 1}}}}}}}}}"##,
            "spec.json",
        )
        .expect("parses");
        let reference = Reference::new(&spec).expect("registry");
        let schema = reference
            .validator("#/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema")
            .expect("compiles");
        assert!(schema.is_valid(&json!(3)));
        assert!(!schema.is_valid(&json!(0)));
    }
}
