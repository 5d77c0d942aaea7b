//! Per-tag features for big specs: each tag's operations, and the types and rules only
//! they use, sit behind a Cargo feature named after the tag; `all` (a default feature)
//! turns every tag on. A type several tags use is on with any of them; one an untagged
//! operation uses is always on; one only webhooks use is behind `webhooks`; one nothing
//! uses is behind `all`.
//!
//! The gates are computed on the IR (reachability from each operation through fields,
//! variants, aliases and rules) and applied as `#[cfg(...)]` on each item when the
//! modules are rendered; the heads' imports, scheme statics and helpers get the union
//! of the gates of the operations whose code names them, so any one feature builds
//! without an unused item.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

use crate::ir::{Api, TypeRef};

/// When an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Gate {
    /// Nothing reaches it: only with `all`.
    #[default]
    Unused,
    /// With any of these features (indices into [`TagGates::features`]).
    Any(BTreeSet<usize>),
    /// Always.
    Always,
}

impl Gate {
    /// The gate of an item both `self` and `other` need.
    pub(crate) fn join(&self, other: &Gate) -> Gate {
        match (self, other) {
            (Gate::Always, _) | (_, Gate::Always) => Gate::Always,
            (Gate::Unused, other) | (other, Gate::Unused) => other.clone(),
            (Gate::Any(a), Gate::Any(b)) => Gate::Any(a.union(b).copied().collect()),
        }
    }
}

/// The features and every item's gate.
#[derive(Debug, Clone)]
pub(crate) struct TagGates {
    /// Feature names, sorted; the last is `webhooks` when the spec has webhooks.
    pub features: Vec<String>,
    /// Per operation.
    pub operations: Vec<Gate>,
    /// Per named type.
    pub types: Vec<Gate>,
    /// Per rule.
    pub rules: Vec<Gate>,
}

/// A Cargo feature name for a tag: lowercase ASCII letters, digits and `-`.
fn feature_name(tag: &str) -> String {
    let mut name = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-').to_owned();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("tag-{name}")
    } else {
        name
    }
}

/// Names the features reserve for themselves.
const RESERVED: &[&str] = &[
    "all",
    "default",
    "client",
    "builders",
    "serde-params",
    "webhooks",
];

impl TagGates {
    /// The gates of `api`'s items.
    pub(crate) fn new(api: &Api) -> Self {
        // One feature per distinct tag name (two tags that spell the same feature share it).
        let mut features: Vec<String> = api
            .operations
            .iter()
            .flat_map(|op| &op.tags)
            .map(|tag| feature_name(tag))
            .map(|name| {
                if RESERVED.contains(&name.as_str()) {
                    format!("tag-{name}")
                } else {
                    name
                }
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let webhooks = (!api.webhooks.is_empty()).then(|| {
            features.push("webhooks".to_owned());
            features.len() - 1
        });
        let index_of = |tag: &str| {
            let name = feature_name(tag);
            let name = if RESERVED.contains(&name.as_str()) {
                format!("tag-{name}")
            } else {
                name
            };
            features.iter().position(|f| *f == name)
        };
        let operations: Vec<Gate> = api
            .operations
            .iter()
            .map(|op| {
                if op.tags.is_empty() {
                    Gate::Always
                } else {
                    Gate::Any(op.tags.iter().filter_map(|tag| index_of(tag)).collect())
                }
            })
            .collect();
        let mut gates = Self {
            types: vec![Gate::Unused; api.types.len()],
            rules: vec![Gate::Unused; api.rules.len()],
            operations,
            features: Vec::new(),
        };
        for (op, gate) in api.operations.iter().zip(gates.operations.clone()) {
            op.for_each_type(&mut |ty| gates.reach(api, ty, &gate));
        }
        if let Some(webhooks) = webhooks {
            let gate = Gate::Any(BTreeSet::from([webhooks]));
            for hook in &api.webhooks {
                if let Some(ty) = &hook.body {
                    gates.reach(api, ty, &gate);
                }
            }
        }
        gates.features = features;
        gates
    }

    /// Marks everything `ty` holds as needed under `gate`.
    fn reach(&mut self, api: &Api, ty: &TypeRef, gate: &Gate) {
        let mut pending: Vec<TypeRef> = vec![ty.clone()];
        while let Some(ty) = pending.pop() {
            match &ty {
                TypeRef::Named(id) => {
                    let joined = self.types[id.0].join(gate);
                    if joined != self.types[id.0] {
                        self.types[id.0] = joined;
                        api.types[id.0].for_each_child(&mut |child| pending.push(child.clone()));
                    }
                }
                TypeRef::Checked(inner, rule) => {
                    let joined = self.rules[rule.0].join(gate);
                    if joined != self.rules[rule.0] {
                        self.rules[rule.0] = joined;
                        pending.push(api.rules[rule.0].ty.clone());
                    }
                    pending.push((**inner).clone());
                }
                TypeRef::Vec(inner)
                | TypeRef::Map(inner)
                | TypeRef::Option(inner)
                | TypeRef::Box(inner) => {
                    pending.push((**inner).clone());
                }
                TypeRef::Tuple(members) => pending.extend(members.iter().cloned()),
                TypeRef::Prim(_) | TypeRef::User(_) => {}
            }
        }
    }

    /// The `#[cfg(...)]` line of the operation at `index` (its method, impls, mock).
    pub(crate) fn operation_attribute(tags: Option<&Self>, index: usize) -> Option<String> {
        tags.and_then(|tags| tags.attribute(&tags.operations[index]))
    }

    /// The `#[cfg(...)]` line for `gate` (`None` for an item that is always compiled).
    pub(crate) fn attribute(&self, gate: &Gate) -> Option<String> {
        match gate {
            Gate::Always => None,
            Gate::Unused => Some("#[cfg(feature = \"all\")]".to_owned()),
            Gate::Any(features) => {
                let names: Vec<String> = features
                    .iter()
                    .map(|i| format!("feature = \"{}\"", self.features[*i]))
                    .collect();
                Some(match names.as_slice() {
                    [] => "#[cfg(feature = \"all\")]".to_owned(),
                    [one] => format!("#[cfg({one})]"),
                    many => format!("#[cfg(any({}))]", many.join(", ")),
                })
            }
        }
    }

    /// The union of the gates of the operations whose code names `ident`, or `None`
    /// when none does.
    pub(crate) fn gate_of_ident(
        &self,
        ident: &str,
        op_idents: &[BTreeSet<String>],
    ) -> Option<Gate> {
        op_idents
            .iter()
            .zip(&self.operations)
            .filter(|(idents, _)| idents.contains(ident))
            .map(|(_, gate)| gate.clone())
            .reduce(|a, b| a.join(&b))
    }

    /// The `[features]` lines of the generated manifest: `all` and one per tag.
    pub(crate) fn manifest_lines(&self) -> String {
        let quoted: Vec<String> = self.features.iter().map(|f| format!("\"{f}\"")).collect();
        let mut out = format!(
            "# Every tag's operations (the default); `default-features = false, features = [\"client\", \"<tag>\"]` builds one tag's.\nall = [{}]\n",
            quoted.join(", ")
        );
        for feature in &self.features {
            out.push_str(&format!("{feature} = []\n"));
        }
        out
    }
}

/// The client module's head with per-tag gates: each imported name, scheme static and
/// `Call` helper the head itself does not use gets the union of the gates of the
/// operations whose code names it (`op_idents`, per operation).
pub(crate) fn gate_head(
    head: TokenStream,
    tags: &TagGates,
    op_idents: &[BTreeSet<String>],
) -> TokenStream {
    let Ok(file) = syn::parse2::<syn::File>(head.clone()) else {
        return head;
    };
    let mut own = BTreeSet::new();
    for item in &file.items {
        if !matches!(item, syn::Item::Use(_) | syn::Item::Static(_)) {
            let mut tokens = quote!(#item);
            if let syn::Item::Impl(block) = item {
                // A helper's own name does not count as a use of it.
                let kept = block.items.iter().filter(|member| !is_helper(member));
                let (self_ty, generics) = (&block.self_ty, &block.generics);
                tokens = quote!(impl #generics #self_ty { #(#kept)* });
            }
            idents(&tokens, &mut own);
        }
    }
    // A static the head uses (the raw requests' schemes) is always needed, and so is
    // everything it names.
    loop {
        let before = own.len();
        for item in &file.items {
            if let syn::Item::Static(static_item) = item {
                if own.contains(&static_item.ident.to_string()) {
                    idents(&quote!(#static_item), &mut own);
                }
            }
        }
        if own.len() == before {
            break;
        }
    }
    // The other statics (security schemes) are gated by the operations naming them; what
    // they name themselves is needed under the same gates.
    let statics: Vec<(Option<Gate>, BTreeSet<String>)> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Static(static_item) => {
                let gate = tags.gate_of_ident(&static_item.ident.to_string(), op_idents);
                let mut names = BTreeSet::new();
                idents(&quote!(#static_item), &mut names);
                Some((gate, names))
            }
            _ => None,
        })
        .collect();
    let gate_line = |name: &str| -> Option<Option<TokenStream>> {
        if own.contains(name) {
            return Some(None);
        }
        let by_statics = statics
            .iter()
            .filter(|(_, names)| names.contains(name))
            .filter_map(|(gate, _)| gate.clone());
        let gate = tags
            .gate_of_ident(name, op_idents)
            .into_iter()
            .chain(by_statics)
            .reduce(|a, b| a.join(&b))?;
        Some(tags.attribute(&gate).and_then(|line| line.parse().ok()))
    };
    let mut out = TokenStream::new();
    let inner_attrs = &file.attrs;
    out.extend(quote!(#(#inner_attrs)*));
    for item in file.items {
        match item {
            syn::Item::Use(used) => {
                let mut leaves = Vec::new();
                use_leaves(&used.tree, &mut Vec::new(), &mut leaves);
                for (path, name) in leaves {
                    // Never used: dropped (the head imports only what is used somewhere).
                    let Some(gate) = gate_line(&name) else {
                        continue;
                    };
                    out.extend(quote!(#gate use #path;));
                }
            }
            syn::Item::Static(ref static_item) => {
                let gate = gate_line(&static_item.ident.to_string()).flatten();
                // A static nothing uses stays as it is (the compiler would say so).
                out.extend(quote!(#gate #item));
            }
            syn::Item::Impl(mut block) => {
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(function) = member {
                        if is_helper_name(&function.sig.ident.to_string()) {
                            if let Some(Some(gate)) = gate_line(&function.sig.ident.to_string()) {
                                if let Ok(mut parsed) =
                                    syn::parse::Parser::parse2(syn::Attribute::parse_outer, gate)
                                {
                                    parsed.append(&mut function.attrs);
                                    function.attrs = parsed;
                                }
                            }
                        }
                    }
                }
                out.extend(quote!(#block));
            }
            other => out.extend(quote!(#other)),
        }
    }
    out
}

/// The `Call` helpers operations' setters call.
fn is_helper_name(name: &str) -> bool {
    matches!(name, "set" | "try_set")
}

fn is_helper(member: &syn::ImplItem) -> bool {
    matches!(member, syn::ImplItem::Fn(function) if is_helper_name(&function.sig.ident.to_string()))
}

/// Each name a `use` tree imports, as (full path, the name it binds).
fn use_leaves(
    tree: &syn::UseTree,
    prefix: &mut Vec<syn::Ident>,
    out: &mut Vec<(TokenStream, String)>,
) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.clone());
            use_leaves(&path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) => {
            let ident = &name.ident;
            if ident == "self" {
                if let Some(last) = prefix.last() {
                    out.push((quote!(#(#prefix)::*), last.to_string()));
                }
            } else {
                out.push((quote!(#(#prefix::)* #ident), ident.to_string()));
            }
        }
        syn::UseTree::Rename(rename) => {
            let (ident, to) = (&rename.ident, &rename.rename);
            out.push((quote!(#(#prefix::)* #ident as #to), to.to_string()));
        }
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_leaves(tree, prefix, out);
            }
        }
        syn::UseTree::Glob(_) => out.push((quote!(#(#prefix::)* *), "*".to_owned())),
    }
}

/// Every identifier in `tokens`, at any depth.
pub(crate) fn idents(tokens: &TokenStream, out: &mut BTreeSet<String>) {
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            TokenTree::Group(group) => idents(&group.stream(), out),
            _ => {}
        }
    }
}

/// `tokens` (items) with `attribute` on each item.
pub(crate) fn gate_items(tokens: TokenStream, attribute: &str) -> TokenStream {
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return tokens;
    };
    let Ok(attribute) = attribute.parse::<TokenStream>() else {
        return tokens;
    };
    for item in &mut file.items {
        let parsed = syn::parse::Parser::parse2(syn::Attribute::parse_outer, attribute.clone());
        if let (Some(attrs), Ok(mut all)) = (item_attrs(item), parsed) {
            all.append(attrs);
            *attrs = all;
        }
    }
    quote!(#file)
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item;
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Formatted source text (macro invocations, impls) with `attribute` (one line) before
/// each top-level item. Items are told apart by bracket depth (string and character
/// literals skipped): one ends on the line where the depth is back to 0 after a `}` or
/// a `;`.
pub(crate) fn gate_text(text: &str, attribute: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut depth = 0usize;
    let mut at_start = true;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if at_start && depth == 0 && !bare.is_empty() && !line.starts_with(char::is_whitespace) {
            out.push_str(attribute);
            out.push('\n');
            at_start = false;
        }
        out.push_str(line);
        let mut chars = bare.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => {
                                chars.next();
                            }
                            '"' => break,
                            _ => {}
                        }
                    }
                }
                '/' if chars.peek() == Some(&'/') => break,
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if depth == 0 && (bare.ends_with('}') || bare.ends_with(';')) {
            at_start = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_feature_names() {
        assert_eq!(feature_name("Issues"), "issues");
        assert_eq!(feature_name("code-scanning"), "code-scanning");
        assert_eq!(feature_name("Pet Store / v2"), "pet-store-v2");
        assert_eq!(feature_name("2fa"), "tag-2fa");
    }

    #[test]
    fn text_items_each_get_the_attribute() {
        let text = "impl A {\n    fn a() {}\n}\nmodel::serde_impls! {\n    A { a: \"a}{\\\"\" required }\n}\n#[cfg(feature = \"x\")]\nimpl B {}\nm!(C { D });\n";
        let gated = gate_text(text, "#[cfg(feature = \"t\")]");
        assert_eq!(
            gated.matches("#[cfg(feature = \"t\")]").count(),
            4,
            "{gated}"
        );
        assert!(
            gated.contains("#[cfg(feature = \"t\")]\n#[cfg(feature = \"x\")]\nimpl B {}"),
            "{gated}"
        );
    }
}
