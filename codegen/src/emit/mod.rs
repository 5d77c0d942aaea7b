//! Emitting: IR to token streams, with `quote!` only. Infallible once the IR is valid.

mod client;
mod crate_files;
mod types;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, Docs, Prim, TypeRef};

pub use client::ClientModule;
pub use crate_files::{cargo_toml, lib_module, runtime_cargo_toml, runtime_crate_name};
pub use types::TypesModule;

/// An identifier from a Rust name (`r#type` becomes a raw identifier).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` lines for `text`, one attribute per line, UTF-8 intact.
pub(crate) fn doc_lines(text: &str) -> TokenStream {
    let mut out = TokenStream::new();
    // A lone `\r` may not stand in a doc comment: every line break becomes `\n`.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim_end();
    if text.is_empty() {
        return out;
    }
    for line in text.lines() {
        let line = line.trim_end();
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        out.extend(quote!(#[doc = #line]));
    }
    out
}

/// Docs for an item: the spec's text, generator notes, and where it came from.
pub(crate) fn docs(docs: &Docs) -> TokenStream {
    doc_lines(&docs_text(docs, true))
}

/// Docs for a field: the spec's text and generator notes. The pointer is left out: it is
/// the type's pointer plus the property name, and on a large spec these lines would be
/// half of the generated source.
pub(crate) fn field_docs(docs: &Docs) -> TokenStream {
    doc_lines(&docs_text(docs, false))
}

fn docs_text(docs: &Docs, with_pointer: bool) -> String {
    let mut text = sanitize_doc(&docs.text);
    for note in &docs.notes {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(note);
    }
    if with_pointer && !docs.pointer.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Spec: `#{}`", docs.pointer.replace('`', "'")));
    }
    text
}

/// Keeps spec text from breaking rustdoc: code fences left open are closed, and text
/// that rustdoc would run as a doctest is marked as plain text.
pub(crate) fn sanitize_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if open {
                out.push_str("```");
            } else {
                out.push_str("```text");
            }
            open = !open;
        } else {
            // Four leading spaces make an indented code block, which rustdoc would
            // compile as a doctest; keep the text but not the indentation.
            if line.starts_with("    ") && !open {
                out.push_str(trimmed);
            } else {
                out.push_str(line);
            }
        }
        out.push('\n');
    }
    if open {
        out.push_str("```\n");
    }
    out.trim_end().to_owned()
}

/// A string literal.
pub(crate) fn lit(text: &str) -> Literal {
    Literal::string(text)
}

/// Tokens for a primitive.
pub(crate) fn prim_tokens(prim: Prim) -> TokenStream {
    match prim {
        Prim::String => quote!(::std::string::String),
        Prim::Bool => quote!(bool),
        Prim::I32 => quote!(i32),
        Prim::I64 => quote!(i64),
        Prim::U32 => quote!(u32),
        Prim::U64 => quote!(u64),
        Prim::F32 => quote!(f32),
        Prim::F64 => quote!(f64),
        Prim::Uuid => quote!(::uuid::Uuid),
        Prim::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Prim::Date => quote!(::chrono::NaiveDate),
        Prim::Base64 => quote!(crate::runtime::values::Base64),
        Prim::Bytes => quote!(::bytes::Bytes),
        Prim::Json => quote!(::serde_json::Value),
        Prim::JsonObject => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        Prim::Unit => quote!(()),
    }
}

/// Tokens for a type use. `local` is true inside the `types` module.
pub(crate) fn ty_tokens(api: &Api, ty: &TypeRef, local: bool) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&api.types[id.0].name);
            if local {
                quote!(#name)
            } else {
                quote!(crate::types::#name)
            }
        }
        TypeRef::Prim(prim) => prim_tokens(*prim),
        TypeRef::Vec(inner) => {
            let inner = ty_tokens(api, inner, local);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty_tokens(api, inner, local);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = ty_tokens(api, inner, local);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Box(inner) => {
            let inner = ty_tokens(api, inner, local);
            quote!(::std::boxed::Box<#inner>)
        }
        TypeRef::Tuple(members) => {
            let members = members.iter().map(|m| ty_tokens(api, m, local));
            quote!((#(#members,)*))
        }
        TypeRef::Checked(inner, rule) => {
            let inner = ty_tokens(api, inner, local);
            let rule = ident(&api.rules[rule.0].name);
            let rule = if local {
                quote!(#rule)
            } else {
                quote!(crate::types::#rule)
            };
            quote!(crate::runtime::Checked<#inner, #rule>)
        }
    }
}
