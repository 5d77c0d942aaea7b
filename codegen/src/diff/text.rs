//! How types, statuses and values are spelled in the report.

use crate::ir::{Operation, Prim, SecurityKind, TypeKind, TypeRef};

pub(super) fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(3)).collect();
    out.push_str("...");
    out
}

pub(super) fn md_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

pub(super) fn md_code(text: &str) -> String {
    if text.contains('`') {
        md_cell(text)
    } else {
        format!("`{}`", md_cell(text))
    }
}

pub(super) fn prim_name(prim: Prim) -> &'static str {
    match prim {
        Prim::String => "String",
        Prim::Bool => "bool",
        Prim::I32 => "i32",
        Prim::I64 => "i64",
        Prim::U32 => "u32",
        Prim::U64 => "u64",
        Prim::F32 => "f32",
        Prim::F64 => "f64",
        Prim::Uuid => "Uuid",
        Prim::DateTime => "DateTime<Utc>",
        Prim::Date => "NaiveDate",
        Prim::Base64 => "Base64",
        Prim::Bytes => "Bytes",
        Prim::Upload => "Upload",
        Prim::Json => "serde_json::Value",
        Prim::JsonObject => "serde_json::Map<String, Value>",
        Prim::Unit => "()",
    }
}

/// The JSON type a primitive is read from.
pub(super) fn json_type(prim: Prim) -> &'static str {
    match prim {
        Prim::String
        | Prim::Uuid
        | Prim::DateTime
        | Prim::Date
        | Prim::Base64
        | Prim::Bytes
        | Prim::Upload => "string",
        Prim::I32 | Prim::I64 | Prim::U32 | Prim::U64 => "integer",
        Prim::F32 | Prim::F64 => "number",
        Prim::Bool => "boolean",
        Prim::Json => "any",
        Prim::JsonObject => "object",
        Prim::Unit => "none",
    }
}

/// The spec wording for a primitive: `type` and `format`.
pub(super) fn prim_spec(prim: Prim) -> &'static str {
    match prim {
        Prim::String => "string",
        Prim::Bool => "boolean",
        Prim::I32 => "integer/int32",
        Prim::I64 => "integer/int64",
        Prim::U32 => "integer/uint32",
        Prim::U64 => "integer/uint64",
        Prim::F32 => "number/float",
        Prim::F64 => "number",
        Prim::Uuid => "string/uuid",
        Prim::DateTime => "string/date-time",
        Prim::Date => "string/date",
        Prim::Base64 => "string/byte",
        Prim::Bytes | Prim::Upload => "string/binary",
        Prim::Json => "any",
        Prim::JsonObject => "object",
        Prim::Unit => "no content",
    }
}

pub(super) fn render(ty: &TypeRef, name: &dyn Fn(usize) -> String) -> String {
    match ty {
        TypeRef::Named(id) => name(id.0),
        TypeRef::Prim(prim) => prim_name(*prim).to_owned(),
        TypeRef::Vec(inner) => format!("Vec<{}>", render(inner, name)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", render(inner, name)),
        TypeRef::Option(inner) => format!("Option<{}>", render(inner, name)),
        TypeRef::Box(inner) => format!("Box<{}>", render(inner, name)),
        TypeRef::Tuple(members) => {
            let members: Vec<String> = members.iter().map(|m| render(m, name)).collect();
            if members.len() == 1 {
                format!("({},)", members[0])
            } else {
                format!("({})", members.join(", "))
            }
        }
        TypeRef::Checked(inner, _) => format!("Checked<{}>", render(inner, name)),
        TypeRef::User(path) => path.clone(),
    }
}

/// The first differing primitive when two types have the same shape otherwise.
pub(super) fn prim_change(old: &TypeRef, new: &TypeRef) -> Option<(Prim, Prim)> {
    match (old, new) {
        (TypeRef::Prim(a), TypeRef::Prim(b)) if a != b => Some((*a, *b)),
        (TypeRef::Vec(a), TypeRef::Vec(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::Option(a), TypeRef::Option(b))
        | (TypeRef::Box(a), TypeRef::Box(b))
        | (TypeRef::Checked(a, _), TypeRef::Checked(b, _)) => prim_change(a, b),
        _ => None,
    }
}

pub(super) fn op_label(op: &Operation) -> String {
    format!("{} {}", op.method.as_upper(), op.path)
}

pub(super) fn kind_text(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Union(_) => "a union enum",
        TypeKind::Alias(_) => "a type alias",
    }
}

pub(super) fn security_kind_text(kind: &SecurityKind) -> String {
    match kind {
        SecurityKind::Bearer => "bearer token".to_owned(),
        SecurityKind::Basic => "HTTP basic".to_owned(),
        SecurityKind::ApiKeyHeader(name) => format!("API key in header `{name}`"),
        SecurityKind::ApiKeyQuery(name) => format!("API key in query `{name}`"),
        SecurityKind::ApiKeyCookie(name) => format!("API key in cookie `{name}`"),
    }
}

// ---------------------------------------------------------------------------------------
