//! The last lowering check: every value position whose schema states a constraint got a
//! rule. A constraint that reached the IR without one would be silently unenforced, so
//! the generator refuses to emit such a crate.

use crate::diag::Diagnostics;
use crate::ir::{Api, TypeKind, TypeRef};
use crate::load::Document;
use crate::schema;

/// Reports an error for every struct field whose schema has assertions but whose type
/// carries no rule.
pub fn audit(api: &Api, doc: &Document, diags: &mut Diagnostics) {
    for def in &api.types {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        for field in &s.fields {
            if field.docs.pointer.is_empty() {
                continue;
            }
            let mut scratch = Diagnostics::new();
            let schema = schema::read(&doc.root, &field.docs.pointer, doc.version, &mut scratch);
            if schema.reference.is_some() || !schema.unsupported.is_empty() {
                continue;
            }
            let [ty] = schema.types.as_slice() else {
                continue;
            };
            // Object keywords on structs are reported by lowering; the rest must be enforced.
            let needs_rule =
                schema
                    .assertions
                    .applicable(*ty)
                    .iter()
                    .any(|keyword| match *keyword {
                        "minProperties" | "maxProperties" => false,
                        // A tuple's size holds by construction (lowering gives up the
                        // tuple, with the bounds checked, when it cannot hold).
                        "minItems" | "maxItems" => schema.prefix_items.is_empty(),
                        // An invalid pattern is reported (and left unchecked) by lowering.
                        "pattern" => schema
                            .assertions
                            .pattern
                            .as_deref()
                            .is_some_and(|p| regress::Regex::new(p).is_ok()),
                        _ => true,
                    })
                    && schema.enum_values.is_none()
                    && schema.all_of.is_empty()
                    && schema.one_of.is_empty()
                    && schema.any_of.is_empty();
            if needs_rule && is_bytes(&field.ty) {
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
            if needs_rule && !is_checked(api, &field.ty) {
                diags.error(
                    field.docs.pointer.clone(),
                    format!(
                        "internal error: `{}.{}` has constraints in the spec but no rule enforces them; \
                         refusing to generate an unchecked type",
                        def.name, field.rust_name
                    ),
                );
            }
        }
    }
}

fn is_bytes(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Prim(crate::ir::Prim::Bytes) => true,
        TypeRef::Option(inner) | TypeRef::Box(inner) => is_bytes(inner),
        _ => false,
    }
}

fn is_checked(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Checked(..) => true,
        TypeRef::Option(inner) | TypeRef::Box(inner) => is_checked(api, inner),
        TypeRef::Named(id) => match &api.types[id.0].kind {
            TypeKind::Alias(inner) => is_checked(api, inner),
            _ => true,
        },
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
        let (api, doc, diags) = crate::analyze(SPEC, SourceFormat::Json).expect("loads");
        assert!(!diags.has_errors(), "{diags}");
        let mut again = Diagnostics::new();
        audit(&api, &doc, &mut again);
        assert!(again.is_empty(), "{again}");
    }

    #[test]
    fn a_constrained_field_without_a_rule_is_refused() {
        let (mut api, doc, _) = crate::analyze(SPEC, SourceFormat::Json).expect("loads");
        // Simulate a lowering bug: the rule is lost and the field is a plain Vec.
        for def in &mut api.types {
            if let TypeKind::Struct(s) = &mut def.kind {
                for field in &mut s.fields {
                    field.ty = TypeRef::Vec(Box::new(TypeRef::Prim(Prim::String)));
                }
            }
        }
        let mut diags = Diagnostics::new();
        audit(&api, &doc, &mut diags);
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
}
