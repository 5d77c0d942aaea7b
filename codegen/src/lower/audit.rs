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
            let needs_rule = schema
                .assertions
                .applicable(*ty)
                .iter()
                .any(|keyword| !matches!(*keyword, "minProperties" | "maxProperties"))
                && schema.enum_values.is_none()
                && schema.all_of.is_empty()
                && schema.one_of.is_empty()
                && schema.any_of.is_empty();
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
