//! The `types` module: structs, enums, unions, aliases and constraint rules.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;

use super::{docs, ident, lit, ty_tokens, Paths, TagGates};
use crate::ir::{
    Api, Check, Checks, Enum, EnumRepr, Operation, Role, RuleDef, Struct, TypeDef, TypeKind,
    TypeRef, Union,
};
use crate::render::ModuleSource;

/// The `types` module: every named type in name order, then every rule.
pub struct TypesModule<'a> {
    api: &'a Api,
    paths: Paths,
    types: Vec<&'a TypeDef>,
    rules: Vec<&'a RuleDef>,
    constructors: ConstructorText<'a>,
    /// The operation of each parameters struct, by type name.
    params_ops: HashMap<&'a str, &'a Operation>,
    /// Per-tag features: each type's and rule's `#[cfg]` line, by name.
    gates: HashMap<&'a str, String>,
    /// The `#[cfg]` of the head's `use` (the union of the model structs' gates).
    head_gate: Option<String>,
}

impl<'a> TypesModule<'a> {
    /// The module's items for `api`, in output order; with `tags`, each behind its
    /// per-tag features.
    pub fn new(api: &'a Api, tags: Option<&TagGates>) -> Self {
        let mut types: Vec<&TypeDef> = api.types.iter().collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        let mut rules: Vec<&RuleDef> = api.rules.iter().collect();
        rules.sort_by(|a, b| a.name.cmp(&b.name));
        let paths = Paths::types_module(api);
        let sent = types
            .iter()
            .filter(|def| def.sent)
            .filter_map(|def| match &def.kind {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            });
        let constructors = ConstructorText::new(api, paths, sent);
        let params_ops = api
            .operations
            .iter()
            .filter_map(|op| Some((api.types.get(op.params_type.0)?.name.as_str(), op)))
            .collect();
        let (gates, head_gate) = match tags {
            Some(tags) => type_gates(api, tags, |def| model_struct(def).is_some()),
            None => (HashMap::default(), None),
        };
        Self {
            params_ops,
            api,
            paths,
            types,
            rules,
            constructors,
            gates,
            head_gate,
        }
    }
}

/// The `#[cfg]` line of each type and rule of `api`, by name, and the union of the
/// gates of the types `uses_head` picks (what the module's `use` line needs).
fn type_gates<'a>(
    api: &'a Api,
    tags: &TagGates,
    uses_head: impl Fn(&TypeDef) -> bool,
) -> (HashMap<&'a str, String>, Option<String>) {
    let mut gates = HashMap::default();
    for (def, gate) in api.types.iter().zip(&tags.types) {
        if let Some(attribute) = tags.attribute(gate) {
            gates.insert(def.name.as_str(), attribute);
        }
    }
    for (rule, gate) in api.rules.iter().zip(&tags.rules) {
        if let Some(attribute) = tags.attribute(gate) {
            gates.insert(rule.name.as_str(), attribute);
        }
    }
    let head = api
        .types
        .iter()
        .zip(&tags.types)
        .filter(|(def, _)| uses_head(def))
        .map(|(_, gate)| gate.clone())
        .reduce(|a, b| a.join(&b));
    (gates, head.and_then(|gate| tags.attribute(&gate)))
}

impl ModuleSource for TypesModule<'_> {
    fn head(&self) -> TokenStream {
        let has_models = self.types.iter().any(|def| model_struct(def).is_some());
        let model = if has_models {
            let gate = self
                .head_gate
                .as_deref()
                .and_then(|line| line.parse::<TokenStream>().ok());
            quote!(
                #gate
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

    /// After a struct: its constructors (unless the API only sends it back: those are in
    /// the `builders` module), then its serde impls.
    fn trailing_text(&self, index: usize) -> Option<String> {
        let def = self.types.get(index)?;
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        let constructors = def.sent.then(|| self.constructors.write(def, s));
        let serde = model_struct(def)
            .map(|s| model_serde_text(def, s))
            .or_else(|| {
                let op = self.params_ops.get(def.name.as_str())?;
                Some(params_serde_text(def, op))
            });
        match (constructors, serde) {
            (Some(constructors), Some(serde)) => Some(format!("{constructors}\n{serde}")),
            (one, other) => one.or(other),
        }
    }

    fn item(&self, index: usize) -> TokenStream {
        match self.types.get(index) {
            Some(def) => type_def(self.api, self.paths, def),
            None => rule_def(self.api, self.paths, self.rules[index - self.types.len()]),
        }
    }

    fn gate(&self, index: usize) -> Option<String> {
        let name = match self.types.get(index) {
            Some(def) => def.name.as_str(),
            None => self.rules[index - self.types.len()].name.as_str(),
        };
        self.gates.get(name).cloned()
    }
}

fn type_def(api: &Api, paths: Paths, def: &TypeDef) -> TokenStream {
    let docs = docs(&def.docs);
    let extra = config_derives(def).map(|derives| quote!(#[derive(#derives)]));
    let docs = quote!(#docs #extra);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => struct_def(api, paths, def, s, docs),
        TypeKind::Enum(e) => enum_def(e, paths, &name, docs),
        TypeKind::Union(u) if def.role == Role::Outcome => outcome_def(api, paths, u, &name, docs),
        TypeKind::Union(u) => union_def(api, paths, u, &name, docs),
        TypeKind::Alias(ty) => {
            let rules = match ty {
                TypeRef::Checked(_, rule) => {
                    let words = rule_words(&api.rules[rule.0].checks).replace('`', "'");
                    super::doc_lines(&format!("\nRules: {words}."))
                }
                _ => quote!(),
            };
            let ty = ty_tokens(api, ty, paths);
            quote! {
                #docs
                #rules
                pub type #name = #ty;
            }
        }
    }
}

/// The generator config's derives for `def` that its own derive list lacks, as paths.
fn config_derives(def: &TypeDef) -> Option<TokenStream> {
    let own: &[&str] = match &def.kind {
        // `Default` only where the struct derives it (every field optional); asked for
        // elsewhere it is added, and the compiler says what it needs.
        TypeKind::Struct(s) if derives_default(s) => &["Debug", "Clone", "PartialEq", "Default"],
        TypeKind::Struct(_) => &["Debug", "Clone", "PartialEq"],
        TypeKind::Enum(_) => &["Debug", "Clone", "PartialEq", "Eq", "Hash"],
        TypeKind::Union(_) => &["Debug", "Clone", "PartialEq"],
        TypeKind::Alias(_) => return None,
    };
    let extra: Vec<TokenStream> = def
        .derives
        .iter()
        .filter(|derive| !own.contains(&derive.as_str()))
        .filter_map(|derive| derive.parse().ok())
        .collect();
    (!extra.is_empty()).then(|| quote!(#(#extra),*))
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
        let field_name = field.rust_name.ident();
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
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// How a constructor or setter turns its argument into a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conversion {
    /// The value as given.
    Plain,
    /// `arg.into()` (strings, bytes, boxes).
    Into,
    /// `arg.into_iter().map(Into::into).collect()` (lists).
    Iter,
    /// `crate::runtime::validate::field(wire, arg)?`: checked against the spec's
    /// constraints, so the constructor returns a `Result`.
    Checked,
}

/// What a constructor or setter takes for a field of type `ty`: the argument type and
/// how it becomes the value. Decided here once, for the models' constructors and the
/// client's call setters alike.
pub(crate) struct Input {
    /// The argument's type.
    pub ty: TokenStream,
    /// How the argument becomes the field's value.
    pub conversion: Conversion,
}

impl Input {
    /// The conversion checks the spec's constraints and returns a `Result`.
    pub(crate) fn fallible(&self) -> bool {
        self.conversion == Conversion::Checked
    }
}

impl Conversion {
    /// The expression that turns argument `arg` into the value of property `wire`.
    fn value_text(self, wire: &str, arg: &str) -> String {
        match self {
            Conversion::Plain => arg.to_owned(),
            Conversion::Into => format!("{arg}.into()"),
            Conversion::Iter => format!("{arg}.into_iter().map(Into::into).collect()"),
            Conversion::Checked => {
                format!("crate::runtime::validate::field({}, {arg})?", lit(wire))
            }
        }
    }
}

/// The argument a constructor or setter takes for a field of type `ty` (without the
/// field's own `Option`): plain inputs where the conversion is obvious (`impl
/// Into<String>`, any `IntoIterator` for lists), `TryInto` for constrained values.
pub(crate) fn input(api: &Api, paths: Paths, ty: &TypeRef) -> Input {
    let tokens = ty_tokens(api, ty, paths);
    let into = paths.pick(quote!(Into), quote!(::std::convert::Into));
    // What the type is, through aliases (`pub type Tags = Checked<Vec<String>, ..>`).
    let mut resolved = ty;
    let mut hops = 0;
    while let TypeRef::Named(id) = resolved {
        match &api.types[id.0].kind {
            TypeKind::Alias(target) if hops < 16 => {
                resolved = target;
                hops += 1;
            }
            _ => break,
        }
    }
    match resolved {
        TypeRef::Prim(
            crate::ir::Prim::String | crate::ir::Prim::Bytes | crate::ir::Prim::Upload,
        )
        | TypeRef::Box(_) => Input {
            ty: quote!(impl #into<#tokens>),
            conversion: Conversion::Into,
        },
        TypeRef::Vec(item) if !matches!(**item, TypeRef::Checked(..)) => {
            let item = ty_tokens(api, item, paths);
            let iter = paths.pick(quote!(IntoIterator), quote!(::std::iter::IntoIterator));
            Input {
                ty: quote!(impl #iter<Item = impl #into<#item>>),
                conversion: Conversion::Iter,
            }
        }
        TypeRef::Checked(..) => {
            let try_into = paths.pick(quote!(TryInto), quote!(::std::convert::TryInto));
            Input {
                ty: quote!(impl #try_into<#tokens, Error: #into<crate::runtime::ValidationError>>),
                conversion: Conversion::Checked,
            }
        }
        _ => Input {
            ty: tokens,
            conversion: Conversion::Plain,
        },
    }
}

/// Constructors written as text, with what they print often worked out once per module:
/// the prelude names and, for each field type, the argument type and conversion.
struct ConstructorText<'a> {
    none: String,
    some: String,
    ok: String,
    result: String,
    option: String,
    /// By field type: the argument's type as text and its conversion.
    inputs: HashMap<&'a TypeRef, (String, Conversion)>,
    /// By field type: the type as text (for required nullable fields, taken as is).
    types: HashMap<&'a TypeRef, String>,
}

impl<'a> ConstructorText<'a> {
    fn new(api: &'a Api, paths: Paths, structs: impl Iterator<Item = &'a Struct>) -> Self {
        let text = |tokens: TokenStream| super::text::tokens(&tokens);
        let mut inputs = HashMap::default();
        let mut types = HashMap::default();
        for s in structs {
            for field in &s.fields {
                if field.nullable && !field.optional {
                    types
                        .entry(&field.ty)
                        .or_insert_with(|| text(ty_tokens(api, &field.ty, paths)));
                } else {
                    inputs.entry(&field.ty).or_insert_with(|| {
                        let input = input(api, paths, &field.ty);
                        (text(input.ty), input.conversion)
                    });
                }
            }
        }
        Self {
            none: text(paths.pick(quote!(None), quote!(::std::option::Option::None))),
            some: text(paths.pick(quote!(Some), quote!(::std::option::Option::Some))),
            ok: text(paths.pick(quote!(Ok), quote!(::std::result::Result::Ok))),
            result: text(paths.pick(quote!(Result), quote!(::std::result::Result))),
            option: text(paths.option()),
            inputs,
            types,
        }
    }

    /// `new` with the required fields and a `with_*` setter per optional one.
    fn write(&self, def: &TypeDef, s: &Struct) -> String {
        let (none, some, ok) = (&self.none, &self.some, &self.ok);
        let fallible_ret = format!("{}<Self, crate::runtime::ValidationError>", self.result);
        let mut args = Vec::new();
        let mut values = Vec::new();
        let mut fallible = false;
        let mut setters = String::new();
        for field in &s.fields {
            let name = field.rust_name.ident().to_string();
            if field.optional {
                values.push(format!("{name}: {none},"));
                let bare = field.rust_name.bare();
                let (ty, conversion) = &self.inputs[&field.ty];
                let assign = format!(
                    "self.{name} = {some}({});",
                    conversion.value_text(&field.wire_name, &name)
                );
                let (ret, last) = if *conversion == Conversion::Checked {
                    (fallible_ret.as_str(), format!("{ok}(self)"))
                } else {
                    ("Self", "self".to_owned())
                };
                super::text::Method {
                    docs: &[format!("Sets [`{bare}`](Self::{name}).")],
                    attrs: &[],
                    name: &with_setter(&field.rust_name).to_string(),
                    args: &["mut self".to_owned(), format!("{name}: {ty}")],
                    ret,
                    body: &[assign, last],
                }
                .write(&mut setters);
            } else if field.nullable {
                args.push(format!(
                    "{name}: {}<{}>",
                    self.option, self.types[&field.ty]
                ));
                values.push(format!("{name},"));
            } else {
                let (ty, conversion) = &self.inputs[&field.ty];
                fallible |= *conversion == Conversion::Checked;
                args.push(format!("{name}: {ty}"));
                values.push(match conversion {
                    Conversion::Plain => format!("{name},"),
                    _ => format!(
                        "{name}: {},",
                        conversion.value_text(&field.wire_name, &name)
                    ),
                });
            }
        }
        if s.extra.is_some() {
            values.push(format!(
                "{}: ::std::collections::BTreeMap::new(),",
                extra_field_name(s)
            ));
        }
        let type_name = &def.name;
        let attrs = if args.len() > 7 {
            vec![
                "#[allow(clippy::too_many_arguments, reason = \"one argument per required property\")]"
                    .to_owned(),
            ]
        } else {
            Vec::new()
        };
        let (doc, ret, open, close) = if fallible {
            (
                format!(
                    "A `{type_name}` from its required properties, checked against the spec's constraints."
                ),
                fallible_ret.as_str(),
                format!("{ok}(Self {{"),
                "})",
            )
        } else {
            (
                format!("A `{type_name}` from its required properties."),
                "Self",
                "Self {".to_owned(),
                "}",
            )
        };
        let mut body = Vec::new();
        if values.is_empty() {
            body.push(format!("{open}{close}"));
        } else {
            body.push(open);
            body.extend(values.into_iter().map(|value| format!("    {value}")));
            body.push(close.to_owned());
        }
        let mut out = format!("impl {} {{\n", ident(&def.name));
        super::text::Method {
            docs: &[doc],
            attrs: &attrs,
            name: "new",
            args: &args,
            ret,
            body: &body,
        }
        .write(&mut out);
        out.push_str(&setters);
        out.push_str("}\n");
        out
    }
}

/// The `with_*` setter of the field `rust_name` (`r#type` -> `with_type`, `_2fa` ->
/// `with_2fa`).
pub(crate) fn with_setter(rust_name: &crate::names::RustName) -> proc_macro2::Ident {
    let bare = rust_name.bare().trim_start_matches('_');
    format_ident!("with_{}", bare)
}

/// The `builders` module (behind the crate's `builders` feature): constructors of the
/// structs callers only receive (responses, webhook payloads), for tests and mocks
/// that build them. Kept out of the default API: such a struct's `new` takes every
/// required property, so it changes whenever a response gains one, which is no break
/// for a program that reads responses; and the crate compiles without them.
pub struct BuildersModule<'a> {
    structs: Vec<(&'a TypeDef, &'a Struct)>,
    constructors: ConstructorText<'a>,
    gates: HashMap<&'a str, String>,
    head_gate: Option<String>,
}

impl<'a> BuildersModule<'a> {
    /// The module for `api`, in type name order; `None` when no struct needs it.
    pub fn new(api: &'a Api, tags: Option<&TagGates>) -> Option<Self> {
        let mut structs: Vec<(&TypeDef, &Struct)> = api
            .types
            .iter()
            .filter(|def| !def.sent)
            .filter_map(|def| model_struct(def).map(|s| (def, s)))
            .collect();
        structs.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        if structs.is_empty() {
            return None;
        }
        let paths = Paths::types_module(api);
        let constructors = ConstructorText::new(api, paths, structs.iter().map(|(_, s)| *s));
        let (gates, head_gate) = match tags {
            Some(tags) => type_gates(api, tags, |def| !def.sent && model_struct(def).is_some()),
            None => (HashMap::default(), None),
        };
        Some(Self {
            structs,
            constructors,
            gates,
            head_gate,
        })
    }

    /// Whether `api` has a struct for the module (without building it).
    pub fn needed(api: &Api) -> bool {
        api.types
            .iter()
            .any(|def| !def.sent && model_struct(def).is_some())
    }
}

impl ModuleSource for BuildersModule<'_> {
    fn head(&self) -> TokenStream {
        let gate = self
            .head_gate
            .as_deref()
            .and_then(|line| line.parse::<TokenStream>().ok());
        quote! {
            //! Constructors of the types the API only sends back (responses, webhook
            //! payloads), for tests and mocks that build them: the `builders` feature.
            //! They follow the spec's required properties, so unlike the rest of the
            //! crate they change when a response gains one.
            #gate
            use crate::types::*;
        }
    }

    fn gate(&self, index: usize) -> Option<String> {
        self.gates.get(self.structs[index].0.name.as_str()).cloned()
    }

    fn item_count(&self) -> usize {
        self.structs.len()
    }

    fn item(&self, _index: usize) -> TokenStream {
        TokenStream::new()
    }

    fn trailing_text(&self, index: usize) -> Option<String> {
        let (def, s) = self.structs[index];
        Some(self.constructors.write(def, s))
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
            field.rust_name.ident(),
            lit(&field.wire_name)
        ));
    }
    if s.fields.is_empty() {
        // `Name {}` rather than a brace on a line of its own.
        text.truncate(text.len() - 1);
        text.push_str("}\n    unknown: ");
    } else {
        text.push_str("    }\n    unknown: ");
    }
    match &s.extra {
        Some(_) => text.push_str(&format!("extra({})", extra_field_name(s))),
        None if s.deny_unknown => text.push_str("deny"),
        None => text.push_str("ignore"),
    }
    text.push_str("\n}\n");
    text
}

/// The `serde-params` feature's serde impls of a parameters struct: one key per
/// parameter, `"{in}.{name}"` (`"query.tags"`, `"path.petId"`), so parameters of the same
/// name in two locations stay apart. For recording and replaying calls as JSON (the
/// conformance harness drives every operation this way).
fn params_serde_text(def: &TypeDef, op: &Operation) -> String {
    let mut text = format!(
        "#[cfg(feature = \"serde-params\")]\ncrate::runtime::model::serde_impls! {{\n    {} {{\n",
        ident(&def.name)
    );
    for param in &op.params {
        let kind = if param.required {
            "required"
        } else {
            "optional"
        };
        let key = format!("{}.{}", param.location.as_str(), param.wire_name);
        text.push_str(&format!(
            "        {}: {} {kind},\n",
            param.rust_name.ident(),
            lit(&key)
        ));
    }
    if op.params.is_empty() {
        text.truncate(text.len() - 1);
        text.push_str("}\n    unknown: deny\n}\n");
    } else {
        text.push_str("    }\n    unknown: deny\n}\n");
    }
    text
}

/// The name of the flattened map of extra properties: `extra`, unless a property took it.
pub(crate) fn extra_field_name(s: &Struct) -> String {
    let mut name = "extra".to_owned();
    while s.fields.iter().any(|f| f.rust_name.as_str() == name) {
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
        /// never breaks a whole response; callers cannot build `Unknown`, and a request
        /// holding one is refused before it is sent.
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
            /// Untagged: deserializing tries the variants in order and takes the first that
            /// keeps the whole value with only listed enum values (else the first that fits).
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants(#types),)*
            }
            crate::runtime::values::untagged_union!(#name { #(#variants),* });
        };
    };
    let property_lit = lit(property);
    let arms = u.variants.iter().zip(&variants).map(|(variant, variant_name)| {
        let tags = variant.tags.iter().map(|t| lit(t));
        quote! {
            #(#tags)|* => ::serde_json::from_value(value).map(Self::#variant_name).map_err(::serde::de::Error::custom),
        }
    });
    let doc = super::doc_lines(&format!(
        "Tagged by the `{property}` property (a value without it is matched as an untagged union is)."
    ));
    quote! {
        #docs
        ///
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants(#types),)*
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let Some(tag) = crate::runtime::values::discriminator(&value, #property_lit) else {
                    // No tag: the discriminator is a hint, the `oneOf` still says which.
                    return crate::runtime::values::deserialize_untagged(&value, stringify!(#name), &[
                        #((stringify!(#variants), |value| crate::runtime::values::decode_variant(value, Self::#variants)),)*
                    ])
                    .map_err(::serde::de::Error::custom);
                };
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
        #[non_exhaustive]
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
        "The spec's constraints for `{}`: {}.",
        rule.label.replace('`', "'"),
        rule_words(&rule.checks).replace('`', "'")
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

/// The rules of `checks` in words: `at least 6 items; each item: at most 5 characters`.
pub(crate) fn rule_words(checks: &Checks) -> String {
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            n.to_string()
        }
    };
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut words: Vec<String> = checks
        .here
        .iter()
        .map(|check| match check {
            Check::MinItems(n) => format!("at least {}", plural(*n, "item", "items")),
            Check::MaxItems(n) => format!("at most {}", plural(*n, "item", "items")),
            Check::UniqueItems => "no item twice".to_owned(),
            Check::MinLength(n) => format!("at least {}", plural(*n, "character", "characters")),
            Check::MaxLength(n) => format!("at most {}", plural(*n, "character", "characters")),
            Check::Pattern(pattern) => format!("matches `{pattern}`"),
            Check::Minimum(bound, false) => format!("at least {}", number(*bound)),
            Check::Minimum(bound, true) => format!("greater than {}", number(*bound)),
            Check::Maximum(bound, false) => format!("at most {}", number(*bound)),
            Check::Maximum(bound, true) => format!("less than {}", number(*bound)),
            Check::MultipleOf(divisor) => format!("a multiple of {}", number(*divisor)),
            Check::MinProperties(n) => format!("at least {}", plural(*n, "property", "properties")),
            Check::MaxProperties(n) => format!("at most {}", plural(*n, "property", "properties")),
            Check::OneOfValues(texts) => format!("one of {}", texts.join(", ")),
            Check::KeyPattern(pattern) => format!("keys match `{pattern}`"),
            Check::DependentRequired(rules) => rules
                .iter()
                .map(|(name, needs)| {
                    format!(
                        "`{name}` requires {}",
                        needs
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            Check::Contains { allowed, min, max } => {
                let count = match max {
                    Some(max) => format!("{min} to {max}"),
                    None => format!("at least {min}"),
                };
                format!("{count} items equal to {}", allowed.join(" or "))
            }
        })
        .collect();
    if let Some(items) = &checks.items {
        if !items.is_empty() {
            words.push(format!("each item: {}", rule_words(items)));
        }
    }
    if let Some(values) = &checks.values {
        if !values.is_empty() {
            words.push(format!("each value: {}", rule_words(values)));
        }
    }
    for (index, member) in &checks.members {
        if !member.is_empty() {
            words.push(format!("item {index}: {}", rule_words(member)));
        }
    }
    words.join("; ")
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
