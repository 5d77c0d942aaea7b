//! The `types` module: structs, enums, unions, aliases and constraint rules.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{docs, ident, lit, ty_tokens, Paths};
use crate::ir::{
    Api, Check, Checks, Enum, EnumRepr, Role, RuleDef, Struct, TypeDef, TypeKind, TypeRef, Union,
};
use crate::render::ModuleSource;

/// The `types` module: every named type in name order, then every rule.
pub struct TypesModule<'a> {
    api: &'a Api,
    paths: Paths,
    types: Vec<&'a TypeDef>,
    rules: Vec<&'a RuleDef>,
}

impl<'a> TypesModule<'a> {
    /// The module's items for `api`, in output order.
    pub fn new(api: &'a Api) -> Self {
        let mut types: Vec<&TypeDef> = api.types.iter().collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        let mut rules: Vec<&RuleDef> = api.rules.iter().collect();
        rules.sort_by(|a, b| a.name.cmp(&b.name));
        Self {
            api,
            paths: Paths::types_module(api),
            types,
            rules,
        }
    }
}

impl ModuleSource for TypesModule<'_> {
    fn head(&self) -> TokenStream {
        let has_models = self.types.iter().any(|def| model_struct(def).is_some());
        let model = if has_models {
            quote!(
                use crate::runtime::model;
            )
        } else {
            quote!()
        };
        quote! {
            //! Models from the spec's schemas, with the spec's constraints as [`Rule`](crate::runtime::Rule)s.
            #model
        }
    }

    fn item_count(&self) -> usize {
        self.types.len() + self.rules.len()
    }

    fn trailing_text(&self, index: usize) -> Option<String> {
        let def = self.types.get(index)?;
        model_struct(def).map(|s| model_serde_text(def, s))
    }

    fn item(&self, index: usize) -> TokenStream {
        match self.types.get(index) {
            Some(def) => type_def(self.api, self.paths, def),
            None => rule_def(self.api, self.paths, self.rules[index - self.types.len()]),
        }
    }
}

fn type_def(api: &Api, paths: Paths, def: &TypeDef) -> TokenStream {
    let docs = docs(&def.docs);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => struct_def(api, paths, def, s, docs),
        TypeKind::Enum(e) => enum_def(e, paths, &name, docs),
        TypeKind::Union(u) if def.role == Role::Outcome => outcome_def(api, paths, u, &name, docs),
        TypeKind::Union(u) => union_def(api, paths, u, &name, docs),
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(api, ty, paths);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn derives_default(s: &Struct) -> bool {
    s.fields.iter().all(|f| f.optional)
}

fn struct_def(
    api: &Api,
    paths: Paths,
    def: &TypeDef,
    s: &Struct,
    docs: TokenStream,
) -> TokenStream {
    let name = ident(&def.name);
    let mut fields = Vec::new();
    for field in &s.fields {
        let field_docs = super::field_docs(&field.docs);
        let field_name = ident(&field.rust_name);
        let mut ty = ty_tokens(api, &field.ty, paths);
        if field.optional || field.nullable {
            let option = paths.option();
            ty = quote!(#option<#ty>);
        }
        fields.push(quote! {
            #field_docs
            pub #field_name: #ty,
        });
    }
    if let Some(extra) = &s.extra {
        let ty = ty_tokens(api, extra, paths);
        let field_name = format_ident!("{}", extra_field_name(s));
        let string = paths.string();
        fields.push(quote! {
            /// Properties beyond the named ones (`additionalProperties`).
            pub #field_name: ::std::collections::BTreeMap<#string, #ty>,
        });
    }
    let default = if derives_default(s) {
        quote!(Default,)
    } else {
        quote!()
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// The struct of a model type (the ones that get serde impls from `model::serde_impls!`).
fn model_struct(def: &TypeDef) -> Option<&Struct> {
    match &def.kind {
        TypeKind::Struct(s) if def.role == Role::Model => Some(s),
        _ => None,
    }
}

/// The `model::serde_impls!` invocation that gives a model struct `Serialize`,
/// `Deserialize` (see `runtime/src/model.rs`), one line per property, written
/// as formatted text.
pub(crate) fn model_serde_text(def: &TypeDef, s: &Struct) -> String {
    let mut text = format!("model::serde_impls! {{\n    {} {{\n", ident(&def.name));
    for field in &s.fields {
        let kind = if field.optional {
            "optional"
        } else {
            "required"
        };
        text.push_str(&format!(
            "        {}: {} {kind},\n",
            ident(&field.rust_name),
            lit(&field.wire_name)
        ));
    }
    text.push_str("    }\n    unknown: ");
    match &s.extra {
        Some(_) => text.push_str(&format!("extra({})", extra_field_name(s))),
        None if s.deny_unknown => text.push_str("deny"),
        None => text.push_str("ignore"),
    }
    text.push_str("\n}\n");
    text
}

/// The name of the flattened map of extra properties: `extra`, unless a property took it.
pub(crate) fn extra_field_name(s: &Struct) -> String {
    let mut name = "extra".to_owned();
    while s.fields.iter().any(|f| f.rust_name == name) {
        name.push('_');
    }
    name
}

fn enum_def(e: &Enum, paths: Paths, name: &proc_macro2::Ident, docs: TokenStream) -> TokenStream {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let variant_docs: Vec<_> = e
        .variants
        .iter()
        .map(|v| {
            let shown = match &v.value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            super::doc_lines(&format!("`{}`", shown.replace('`', "'")))
        })
        .collect();
    // The impls (`as_str`/`value`, serde both ways) come from one runtime macro, so each
    // enum costs a few tokens instead of four hand-expanded impls.
    let (unknown, impls) = match e.repr {
        EnumRepr::String => {
            let values = e
                .variants
                .iter()
                .map(|v| lit(v.value.as_str().unwrap_or_default()));
            (
                paths.string(),
                quote!(crate::runtime::values::string_enum!(#name { #(#variants => #values),* });),
            )
        }
        EnumRepr::Integer => {
            let values = e.variants.iter().map(|v| {
                proc_macro2::Literal::i64_unsuffixed(v.value.as_i64().unwrap_or_default())
            });
            (
                quote!(i64),
                quote!(crate::runtime::values::integer_enum!(#name { #(#variants => #values),* });),
            )
        }
    };
    quote! {
        #docs
        ///
        /// Values the spec does not list deserialize to `Unknown`, so a new server value
        /// never breaks a whole response; callers cannot build `Unknown`, so requests only
        /// ever carry listed values.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value the spec does not list, as received from the server.
            Unknown(crate::runtime::values::Unknown<#unknown>),
        }
        #impls
    }
}

fn union_def(
    api: &Api,
    paths: Paths,
    u: &Union,
    name: &proc_macro2::Ident,
    docs: TokenStream,
) -> TokenStream {
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types: Vec<_> = u
        .variants
        .iter()
        .map(|v| ty_tokens(api, &v.ty, paths))
        .collect();
    let Some(property) = &u.discriminator else {
        return quote! {
            #docs
            ///
            /// Untagged: deserializing tries the variants in order and takes the first that fits.
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants(#types),)*
            }
        };
    };
    let property_lit = lit(property);
    let arms = u.variants.iter().zip(&variants).map(|(variant, variant_name)| {
        let tags = variant.tags.iter().map(|t| lit(t));
        quote! {
            #(#tags)|* => ::serde_json::from_value(value).map(Self::#variant_name).map_err(::serde::de::Error::custom),
        }
    });
    let doc = super::doc_lines(&format!("Tagged by the `{property}` property."));
    quote! {
        #docs
        ///
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants(#types),)*
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = crate::runtime::values::discriminator(&value, #property_lit).map_err(::serde::de::Error::custom)?;
                match tag.as_str() {
                    #(#arms)*
                    other => Err(::serde::de::Error::custom(::std::format!("unknown `{}` value `{}`", #property_lit, other))),
                }
            }
        }
    }
}

fn outcome_def(
    api: &Api,
    paths: Paths,
    u: &Union,
    name: &proc_macro2::Ident,
    docs: TokenStream,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = super::doc_lines(&format!("Status `{}`.", v.tags.join(", ")));
        if v.ty == TypeRef::Prim(crate::ir::Prim::Unit) {
            quote!(#doc #variant,)
        } else {
            let ty = ty_tokens(api, &v.ty, paths);
            quote!(#doc #variant(#ty),)
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn rule_def(api: &Api, paths: Paths, rule: &RuleDef) -> TokenStream {
    let name = ident(&rule.name);
    let ty = ty_tokens(api, &rule.ty, paths);
    let label = lit(&rule.label);
    let body = checks_tokens(&quote!(value), &rule.ty, &rule.checks);
    let doc = super::doc_lines(&format!(
        "The spec's constraints for `{}`.",
        rule.label.replace('`', "'")
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct #name;
        impl crate::runtime::Rule<#ty> for #name {
            const LABEL: &'static str = #label;
            fn check(value: &#ty, checker: &mut crate::runtime::Checker) {
                #body
            }
        }
    }
}

/// Statements checking `value` (an expression of type `&ty`) against `checks`.
fn checks_tokens(value: &TokenStream, ty: &TypeRef, checks: &Checks) -> TokenStream {
    match ty {
        TypeRef::Option(inner) => {
            let body = checks_tokens(&quote!(value), inner, checks);
            return quote! {
                if let ::std::option::Option::Some(value) = #value {
                    #body
                }
            };
        }
        TypeRef::Box(inner) => {
            let deref = quote!(&**#value);
            return checks_tokens(&deref, inner, checks);
        }
        _ => {}
    }
    let mut out = TokenStream::new();
    for check in &checks.here {
        out.extend(check_tokens(value, ty, check));
    }
    if let (Some(item_checks), TypeRef::Vec(item_ty)) = (&checks.items, ty) {
        let body = checks_tokens(&quote!(item), item_ty, item_checks);
        out.extend(quote! {
            for (index, item) in #value.iter().enumerate() {
                checker.index(index, |checker| {
                    #body
                });
            }
        });
    }
    if let (Some(value_checks), TypeRef::Map(value_ty)) = (&checks.values, ty) {
        let body = checks_tokens(&quote!(item), value_ty, value_checks);
        out.extend(quote! {
            for (key, item) in #value.iter() {
                checker.key(key, |checker| {
                    #body
                });
            }
        });
    }
    if let TypeRef::Tuple(members) = ty {
        for (index, member_checks) in &checks.members {
            let Some(member_ty) = members.get(*index) else {
                continue;
            };
            let position = syn::Index::from(*index);
            let body = checks_tokens(&quote!(item), member_ty, member_checks);
            let index_lit = proc_macro2::Literal::usize_unsuffixed(*index);
            out.extend(quote! {
                let item = &#value.#position;
                checker.index(#index_lit, |checker| {
                    #body
                });
            });
        }
    }
    out
}

fn usize_lit(n: u64) -> proc_macro2::Literal {
    proc_macro2::Literal::usize_unsuffixed(usize::try_from(n).unwrap_or(usize::MAX))
}

fn f64_lit(n: f64) -> proc_macro2::Literal {
    proc_macro2::Literal::f64_suffixed(n)
}

fn check_tokens(value: &TokenStream, ty: &TypeRef, check: &Check) -> TokenStream {
    match check {
        Check::MinItems(n) => {
            let n = usize_lit(*n);
            quote!(checker.min_items(#value.len(), #n);)
        }
        Check::MaxItems(n) => {
            let n = usize_lit(*n);
            quote!(checker.max_items(#value.len(), #n);)
        }
        Check::UniqueItems => quote!(checker.unique_items(#value);),
        Check::MinLength(n) => {
            let n = usize_lit(*n);
            quote!(checker.min_length(#value, #n);)
        }
        Check::MaxLength(n) => {
            let n = usize_lit(*n);
            quote!(checker.max_length(#value, #n);)
        }
        Check::Pattern(pattern) => {
            let pattern = lit(pattern);
            quote! {
                {
                    static PATTERN: crate::runtime::validate::Pattern = crate::runtime::validate::Pattern::new(#pattern);
                    checker.pattern(#value, &PATTERN);
                }
            }
        }
        Check::Minimum(bound, exclusive) => {
            let bound = f64_lit(*bound);
            quote!(checker.minimum(*#value, #bound, #exclusive);)
        }
        Check::Maximum(bound, exclusive) => {
            let bound = f64_lit(*bound);
            quote!(checker.maximum(*#value, #bound, #exclusive);)
        }
        Check::MultipleOf(divisor) => {
            let divisor = f64_lit(*divisor);
            quote!(checker.multiple_of(*#value, #divisor);)
        }
        Check::MinProperties(n) => {
            let n = usize_lit(*n);
            let len = property_count(value, ty);
            quote!(checker.min_properties(#len, #n);)
        }
        Check::MaxProperties(n) => {
            let n = usize_lit(*n);
            let len = property_count(value, ty);
            quote!(checker.max_properties(#len, #n);)
        }
        Check::DependentRequired(rules) => {
            let rules = rules.iter().map(|(name, needs)| {
                let name = lit(name);
                let needs = needs.iter().map(|n| lit(n));
                quote!((#name, &[#(#needs),*] as &[&str]))
            });
            quote!(checker.dependent_required(#value, &[#(#rules),*]);)
        }
        Check::OneOfValues(texts) => {
            let texts = texts.iter().map(|t| lit(t));
            quote!(checker.one_of_values(#value, &[#(#texts),*]);)
        }
        Check::Contains { allowed, min, max } => {
            let allowed = allowed.iter().map(|t| lit(t));
            let min = usize_lit(*min);
            let max = match max {
                Some(max) => {
                    let max = usize_lit(*max);
                    quote!(::std::option::Option::Some(#max))
                }
                None => quote!(::std::option::Option::None),
            };
            quote!(checker.contains(#value, &[#(#allowed),*], #min, #max);)
        }
        Check::KeyPattern(pattern) => {
            let pattern = lit(pattern);
            quote! {
                {
                    static PATTERN: crate::runtime::validate::Pattern = crate::runtime::validate::Pattern::new(#pattern);
                    for key in #value.keys() {
                        checker.key(key, |checker| checker.pattern(key, &PATTERN));
                    }
                }
            }
        }
    }
}

/// The number of properties of `value`: `len()` for maps, the JSON form's for structs.
fn property_count(value: &TokenStream, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(_) => quote!(crate::runtime::validate::property_count(#value)),
        _ => quote!(#value.len()),
    }
}
