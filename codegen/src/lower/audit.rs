//! The last lowering check, on the IR: every struct field whose schema states a
//! constraint has a rule that enforces it. Lowering records what each field's schema
//! asks for ([`asked`], beside the field); the audit compares that with the checks of
//! the rule the field's type carries. A constraint that reached the IR without its check
//! would be silently unenforced, so the generator refuses to emit such a crate.

use crate::diag::Diagnostics;
use crate::ir::{Api, CheckKind, Prim, TypeKind, TypeRef};
use crate::schema::Schema;

/// The constraints a property's schema states that its Rust type must enforce: the
/// assertions JSON Schema applies to its one type, less what lowering enforces otherwise
/// or reports itself.
pub(super) fn asked(schema: &Schema) -> Vec<CheckKind> {
    if schema.reference.is_some()
        || !schema.unsupported.is_empty()
        || schema.enum_values.is_some()
        || !schema.all_of.is_empty()
        || !schema.one_of.is_empty()
        || !schema.any_of.is_empty()
    {
        return Vec::new();
    }
    let [ty] = schema.types.as_slice() else {
        return Vec::new();
    };
    schema
        .assertions
        .applicable(*ty)
        .into_iter()
        .filter(|kind| match kind {
            // Object keywords on structs are reported by lowering.
            CheckKind::MinProperties | CheckKind::MaxProperties => false,
            // A tuple's size holds by construction (lowering gives up the tuple, with the
            // bounds checked, when it cannot hold).
            CheckKind::MinItems | CheckKind::MaxItems => schema.prefix_items.is_empty(),
            // An invalid pattern is reported (and left unchecked) by lowering.
            CheckKind::Pattern => schema
                .assertions
                .pattern
                .as_deref()
                .is_some_and(|p| regress::Regex::new(p).is_ok()),
            CheckKind::UniqueItems
            | CheckKind::MinLength
            | CheckKind::MaxLength
            | CheckKind::Minimum
            | CheckKind::Maximum
            | CheckKind::MultipleOf
            | CheckKind::OneOfValues
            | CheckKind::KeyPattern
            | CheckKind::DependentRequired
            | CheckKind::Contains => true,
        })
        .collect()
}

/// Reports an error for every struct field whose type lacks a check its schema asked for.
pub fn audit(api: &Api, diags: &mut Diagnostics) {
    for def in &api.types {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        for field in s.fields.iter().filter(|f| !f.asked.is_empty()) {
            if is_bytes(&field.ty) {
                // A file (binary content): text keywords like `pattern` say nothing
                // checkable about bytes.
                diags.warning(
                    field.docs.pointer.clone(),
                    format!(
                        "`{}.{}` is sent as binary content: its string constraints are not checked",
                        def.name, field.rust_name
                    ),
                );
                continue;
            }
            let missing: Vec<&str> = match enforced(api, &field.ty) {
                Enforced::ByType => continue,
                Enforced::Checks(built) => field
                    .asked
                    .iter()
                    .filter(|kind| !built.contains(kind))
                    .map(|kind| kind.keyword())
                    .collect(),
            };
            if !missing.is_empty() {
                diags.error(
                    field.docs.pointer.clone(),
                    format!(
                        "internal error: `{}.{}` has constraints in the spec (`{}`) but no rule enforces them; \
                         refusing to generate an unchecked type",
                        def.name,
                        field.rust_name,
                        missing.join("`, `")
                    ),
                );
            }
        }
    }
}

/// What a field's type enforces.
enum Enforced {
    /// A named type of its own (a struct, enum or union) owns its checks.
    ByType,
    /// The kinds of the checks its rule runs on the value itself (none without a rule).
    Checks(Vec<CheckKind>),
}

fn enforced(api: &Api, ty: &TypeRef) -> Enforced {
    match ty {
        TypeRef::Checked(_, rule) => Enforced::Checks(
            api.rules
                .get(rule.0)
                .map(|r| r.checks.here.iter().map(|c| c.kind()).collect())
                .unwrap_or_default(),
        ),
        TypeRef::Option(inner) | TypeRef::Box(inner) => enforced(api, inner),
        TypeRef::Named(id) => match api.types.get(id.0).map(|d| &d.kind) {
            Some(TypeKind::Alias(inner)) => enforced(api, inner),
            _ => Enforced::ByType,
        },
        _ => Enforced::Checks(Vec::new()),
    }
}

fn is_bytes(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Prim(Prim::Bytes | Prim::Upload) => true,
        TypeRef::Option(inner) | TypeRef::Box(inner) => is_bytes(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Prim, TypeKind, TypeRef};
    use crate::source::SourceFormat;

    const SPEC: &str = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"Body": {"type": "object", "required": ["ids"],
        "properties": {"ids": {"type": "array", "minItems": 6, "items": {"type": "string"}}}}}}}"#;

    #[test]
    fn a_constrained_field_with_its_rule_passes() {
        let (api, _doc, diags) = crate::analyze(
            SPEC,
            (SourceFormat::Json, "spec.json"),
            &crate::Inputs::default(),
            &crate::config::Config::default(),
        )
        .expect("loads");
        assert!(!diags.has_errors(), "{diags}");
        let mut again = Diagnostics::new();
        audit(&api, &mut again);
        assert!(again.is_empty(), "{again}");
    }

    #[test]
    fn a_constrained_field_without_a_rule_is_refused() {
        let (mut api, _doc, _) = crate::analyze(
            SPEC,
            (SourceFormat::Json, "spec.json"),
            &crate::Inputs::default(),
            &crate::config::Config::default(),
        )
        .expect("loads");
        // Simulate a lowering bug: the rule is lost and the field is a plain Vec.
        for def in &mut api.types {
            if let TypeKind::Struct(s) = &mut def.kind {
                for field in &mut s.fields {
                    field.ty = TypeRef::Vec(Box::new(TypeRef::Prim(Prim::String)));
                }
            }
        }
        let mut diags = Diagnostics::new();
        audit(&api, &mut diags);
        assert!(diags.has_errors());
        let text = diags.to_string();
        assert!(
            text.contains("#/components/schemas/Body/properties/ids"),
            "{text}"
        );
        assert!(
            text.contains("refusing to generate an unchecked type"),
            "{text}"
        );
    }

    #[test]
    fn a_rule_missing_one_asked_check_is_refused() {
        const BOUNDED: &str = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Body": {"type": "object", "required": ["ids"],
            "properties": {"ids": {"type": "array", "minItems": 1, "maxItems": 6, "items": {"type": "string"}}}}}}}"#;
        let (mut api, _doc, diags) = crate::analyze(
            BOUNDED,
            (SourceFormat::Json, "spec.json"),
            &crate::Inputs::default(),
            &crate::config::Config::default(),
        )
        .expect("loads");
        assert!(!diags.has_errors(), "{diags}");
        // Simulate a lowering bug: the rule keeps `minItems` and loses `maxItems`.
        for rule in &mut api.rules {
            rule.checks.here.retain(|c| c.kind() != CheckKind::MaxItems);
        }
        let mut diags = Diagnostics::new();
        audit(&api, &mut diags);
        let text = diags.to_string();
        assert!(diags.has_errors(), "{text}");
        assert!(
            text.contains("(`maxItems`)"),
            "names the lost keyword: {text}"
        );
    }
}
