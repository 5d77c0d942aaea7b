//! Emitting: IR to token streams with `quote!`, except two kinds of item of fixed shape
//! written as formatted text because a big crate has tens of thousands of them
//! (`model::serde_impls!` invocations and constructors, see `text.rs`). Infallible once
//! the IR is valid.

mod client;
mod crate_files;
mod mock;
mod pages;
mod tags;
mod text;
mod types;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{Api, Docs, Prim, TypeRef};

pub use client::ClientModule;
pub use crate_files::{cargo_toml, lib_module, runtime_cargo_toml};
pub use mock::MockModule;
pub(crate) use tags::TagGates;
pub(crate) use tags::{gate_items, gate_text};
pub use types::{BuildersModule, TypesModule};

pub(crate) use crate::names::ident;

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

/// How a module writes type paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paths {
    /// Inside the `types` module: generated types by bare name, not `types::...` (the
    /// client module imports `crate::types`).
    pub local: bool,
    /// `Option`, `String`, `Vec` and `Box` by their prelude names, as people write them,
    /// not by `::std::` paths: true unless the module defines a type of one of those
    /// names (a schema called `Option`, say), which would shadow the prelude's.
    pub prelude: bool,
}

/// Prelude names a generated type could shadow (types and variants the code names).
const PRELUDE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "String",
    "Vec",
    "Box",
    "Result",
    "Ok",
    "Err",
    "Into",
    "IntoIterator",
    "TryInto",
];

impl Paths {
    /// The `client` module: it defines no type but `Client`.
    pub(crate) const CLIENT: Paths = Paths {
        local: false,
        prelude: true,
    };

    /// The `types` module of `api`.
    pub(crate) fn types_module(api: &Api) -> Self {
        let shadowed = api
            .types
            .iter()
            .map(|def| def.name.as_str())
            .chain(api.rules.iter().map(|rule| rule.name.as_str()))
            .any(|name| PRELUDE_NAMES.contains(&name));
        Paths {
            local: true,
            prelude: !shadowed,
        }
    }

    fn pick(self, short: TokenStream, long: TokenStream) -> TokenStream {
        if self.prelude {
            short
        } else {
            long
        }
    }

    /// `Option`.
    pub(crate) fn option(self) -> TokenStream {
        self.pick(quote!(Option), quote!(::std::option::Option))
    }

    /// `String`.
    pub(crate) fn string(self) -> TokenStream {
        self.pick(quote!(String), quote!(::std::string::String))
    }

    /// `Vec`.
    pub(crate) fn vec(self) -> TokenStream {
        self.pick(quote!(Vec), quote!(::std::vec::Vec))
    }

    /// `Box`.
    pub(crate) fn boxed(self) -> TokenStream {
        self.pick(quote!(Box), quote!(::std::boxed::Box))
    }
}

/// Tokens for a primitive.
pub(crate) fn prim_tokens(prim: Prim, paths: Paths) -> TokenStream {
    match prim {
        Prim::String => paths.string(),
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
        Prim::Upload => quote!(crate::runtime::Upload),
        Prim::Json => quote!(::serde_json::Value),
        Prim::JsonObject => {
            let string = paths.string();
            quote!(::serde_json::Map<#string, ::serde_json::Value>)
        }
        Prim::Unit => quote!(()),
    }
}

/// Tokens for a type use, written as `paths` says.
pub(crate) fn ty_tokens(api: &Api, ty: &TypeRef, paths: Paths) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&api.types[id.0].name);
            if paths.local {
                quote!(#name)
            } else {
                quote!(types::#name)
            }
        }
        TypeRef::Prim(prim) => prim_tokens(*prim, paths),
        TypeRef::User(path) => {
            // A Rust path (checked when the config was read); a crate's gets the leading
            // `::` every other third-party path here has.
            let absolute = path.contains("::")
                && !["crate::", "self::", "super::", "::"]
                    .iter()
                    .any(|start| path.starts_with(start));
            let text = if absolute {
                format!("::{path}")
            } else {
                path.clone()
            };
            text.parse().unwrap_or_default()
        }
        TypeRef::Vec(inner) => {
            let inner = ty_tokens(api, inner, paths);
            let vec = paths.vec();
            quote!(#vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty_tokens(api, inner, paths);
            let string = paths.string();
            quote!(::std::collections::BTreeMap<#string, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = ty_tokens(api, inner, paths);
            let option = paths.option();
            quote!(#option<#inner>)
        }
        TypeRef::Box(inner) => {
            let inner = ty_tokens(api, inner, paths);
            let boxed = paths.boxed();
            quote!(#boxed<#inner>)
        }
        TypeRef::Tuple(members) => {
            let members = members.iter().map(|m| ty_tokens(api, m, paths));
            quote!((#(#members,)*))
        }
        TypeRef::Checked(inner, rule) => {
            let inner = ty_tokens(api, inner, paths);
            let rule = ident(&api.rules[rule.0].name);
            let rule = if paths.local {
                quote!(#rule)
            } else {
                quote!(types::#rule)
            };
            quote!(crate::runtime::Checked<#inner, #rule>)
        }
    }
}
