//! `impl Paginated` for a list operation's parameters: where a page's items are and
//! how the next page is asked for (see `crate::lower::pagination` for which
//! operations are paginated).

use proc_macro2::TokenStream;
use quote::quote;

use super::{ty_tokens, Paths};
use crate::ir::{Api, FieldHop, NextPage, Operation, Pagination, SuccessType, TypeKind, TypeRef};
use crate::lower::pagination::resolve;

/// The impl, for `params_ty` (the operation's parameters struct).
pub(super) fn paginated_impl(
    api: &Api,
    op: &Operation,
    params_ty: &TokenStream,
    pagination: &Pagination,
) -> TokenStream {
    let SuccessType::Single(body) = &op.success else {
        return TokenStream::new();
    };
    let body_ty = ty_tokens(api, body, Paths::CLIENT);
    let item_ty = ty_tokens(api, &pagination.item, Paths::CLIENT);
    let items_checked = is_checked_list(api, &pagination.items, body);
    let into_items = owned_path(api, quote!(page), &pagination.items, items_checked);
    let next = match &pagination.next {
        // The trait's default: the `Link` header's `rel="next"`.
        NextPage::Link => TokenStream::new(),
        NextPage::BodyLink { field } => {
            let link = bind_str(api, quote::format_ident!("link"), field);
            quote! {
                #link
                NextPage::body_link(link)
            }
        }
        NextPage::Cursor { field, param } => {
            let cursor = bind_str(api, quote::format_ident!("cursor"), field);
            let param = &op.params[*param];
            let name = param.rust_name.ident();
            let value = checked_or_plain(api, &param.ty, quote!(cursor.to_owned()));
            quote! {
                #cursor
                if cursor.is_empty() {
                    return NextPage::End;
                }
                let mut next = self.clone();
                next.#name = Some(#value);
                NextPage::Params(next)
            }
        }
        NextPage::PageNumber { param, first } => {
            let count = item_count(api, &pagination.items);
            let param = &op.params[*param];
            let name = param.rust_name.ident();
            let first = proc_macro2::Literal::i64_unsuffixed(*first);
            let current = current_value(api, &param.ty, quote!(self.#name), quote!(#first));
            let value = checked_or_plain(api, &param.ty, quote!(value));
            quote! {
                if #count == 0 {
                    return NextPage::End;
                }
                let Some(value) = #current.checked_add(1) else {
                    return NextPage::End;
                };
                let mut next = self.clone();
                next.#name = Some(#value);
                NextPage::Params(next)
            }
        }
        NextPage::Offset { param } => {
            let count = item_count(api, &pagination.items);
            let param = &op.params[*param];
            let name = param.rust_name.ident();
            let current = current_value(api, &param.ty, quote!(self.#name), quote!(0));
            let value = checked_or_plain(api, &param.ty, quote!(value));
            quote! {
                let count = #count;
                if count == 0 {
                    return NextPage::End;
                }
                let current = #current;
                let Some(value) = count.try_into().ok().and_then(|count| current.checked_add(count)) else {
                    return NextPage::End;
                };
                let mut next = self.clone();
                next.#name = Some(#value);
                NextPage::Params(next)
            }
        }
    };
    let next_page = (!next.is_empty()).then(|| {
        quote! {
            fn next_page(&self, page: &ResponseValue<#body_ty>) -> NextPage<Self> {
                #next
            }
        }
    });
    quote! {
        impl Paginated for #params_ty {
            type Item = #item_ty;
            #next_page
            fn into_items(page: #body_ty) -> Vec<#item_ty> {
                #into_items
            }
        }
    }
}

/// How the next page is asked for, in words (for the method's docs).
pub(super) fn describe(api: &Api, op: &Operation, pagination: &Pagination) -> String {
    let param = |index: usize| format!("`{}`", op.params[index].wire_name.replace('`', "'"));
    match &pagination.next {
        NextPage::Link => "the next page is the `Link` header's `rel=\"next\"`".to_owned(),
        NextPage::BodyLink { field } => format!(
            "the next page is the URL in the body's `{}`, until it is absent",
            wire_path(api, field)
        ),
        NextPage::Cursor {
            field,
            param: index,
        } => format!(
            "the body's `{}` goes back as {} until it is absent or empty",
            wire_path(api, field),
            param(*index)
        ),
        NextPage::PageNumber {
            param: index,
            first,
        } => format!(
            "{} counts up from {first} until a page has no items",
            param(*index)
        ),
        NextPage::Offset { param: index } => format!(
            "{} moves on by each page's item count until a page has none",
            param(*index)
        ),
    }
}

/// The wire names of a path of fields, `.`-joined.
fn wire_path(api: &Api, hops: &[FieldHop]) -> String {
    let names: Vec<String> = hops
        .iter()
        .map(|hop| match &api.types[hop.owner.0].kind {
            TypeKind::Struct(s) => s.fields[hop.field].wire_name.replace('`', "'"),
            _ => String::new(),
        })
        .collect();
    names.join(".")
}

/// An expression that is a value, or an `Option` of one.
enum Chain {
    Value(TokenStream),
    Option(TokenStream),
}

/// A hop's field name (its current one, renames applied) and whether it is an `Option`.
fn hop_parts(api: &Api, hop: &FieldHop) -> (proc_macro2::Ident, bool) {
    match &api.types[hop.owner.0].kind {
        TypeKind::Struct(s) => {
            let field = &s.fields[hop.field];
            (field.rust_name.ident(), field.optional || field.nullable)
        }
        // Lowering only records hops through structs; a name that cannot compile.
        _ => (quote::format_ident!("not_a_struct_field"), false),
    }
}

/// `&start.a.b...`, through `Option`s where fields are optional.
fn borrowed_path(api: &Api, start: TokenStream, hops: &[FieldHop]) -> Chain {
    let mut chain = Chain::Value(start);
    for hop in hops {
        let (name, optional) = hop_parts(api, hop);
        chain = match (chain, optional) {
            (Chain::Value(expr), false) => Chain::Value(quote!(#expr.#name)),
            (Chain::Value(expr), true) => Chain::Option(quote!(#expr.#name.as_ref())),
            (Chain::Option(expr), false) => Chain::Option(quote!(#expr.map(|value| &value.#name))),
            (Chain::Option(expr), true) => {
                Chain::Option(quote!(#expr.and_then(|value| value.#name.as_ref())))
            }
        };
    }
    chain
}

/// `let #name: &str = ...` for the string field at the end of `hops` from `page`; the
/// end of the walk when an optional field on the way is absent.
fn bind_str(api: &Api, name: proc_macro2::Ident, hops: &[FieldHop]) -> TokenStream {
    match borrowed_path(api, quote!(page), hops) {
        Chain::Value(expr) => quote!(let #name = #expr.as_str();),
        Chain::Option(expr) => quote! {
            let Some(#name) = #expr else {
                return NextPage::End;
            };
            let #name = #name.as_str();
        },
    }
}

/// The number of items of `page` (borrowed).
fn item_count(api: &Api, hops: &[FieldHop]) -> TokenStream {
    match borrowed_path(api, quote!(page), hops) {
        Chain::Value(expr) => quote!(#expr.len()),
        Chain::Option(expr) => quote!(#expr.map_or(0, |items| items.len())),
    }
}

/// The items of `page` (owned), as a `Vec`.
fn owned_path(api: &Api, start: TokenStream, hops: &[FieldHop], checked: bool) -> TokenStream {
    let mut chain = Chain::Value(start);
    for hop in hops {
        let (name, optional) = hop_parts(api, hop);
        chain = match (chain, optional) {
            (Chain::Value(expr), false) => Chain::Value(quote!(#expr.#name)),
            (Chain::Value(expr), true) => Chain::Option(quote!(#expr.#name)),
            (Chain::Option(expr), false) => Chain::Option(quote!(#expr.map(|value| value.#name))),
            (Chain::Option(expr), true) => {
                Chain::Option(quote!(#expr.and_then(|value| value.#name)))
            }
        };
    }
    match (chain, checked) {
        (Chain::Value(expr), false) => expr,
        (Chain::Value(expr), true) => quote!(#expr.into_inner()),
        (Chain::Option(expr), false) => quote!(#expr.unwrap_or_default()),
        (Chain::Option(expr), true) => {
            quote!(#expr.map(|items| items.into_inner()).unwrap_or_default())
        }
    }
}

/// Whether the list at the end of `hops` is a checked `Vec` (`minItems`, ...).
fn is_checked_list(api: &Api, hops: &[FieldHop], body: &TypeRef) -> bool {
    let ty = match hops.last() {
        Some(hop) => match &api.types[hop.owner.0].kind {
            TypeKind::Struct(s) => &s.fields[hop.field].ty,
            _ => return false,
        },
        None => body,
    };
    matches!(resolve(api, ty), TypeRef::Checked(..))
}

/// `value` as the parameter's type: as it is, or checked (a value the spec does not
/// allow there means there is no next page the client may ask for).
fn checked_or_plain(api: &Api, ty: &TypeRef, value: TokenStream) -> TokenStream {
    if matches!(resolve(api, ty), TypeRef::Checked(..)) {
        quote! {
            match crate::runtime::Checked::new(#value) {
                Ok(value) => value,
                Err(_) => return NextPage::End,
            }
        }
    } else {
        value
    }
}

/// The parameter's current value (`field` is its `Option`), `default` when unset.
fn current_value(api: &Api, ty: &TypeRef, field: TokenStream, default: TokenStream) -> TokenStream {
    if matches!(resolve(api, ty), TypeRef::Checked(..)) {
        quote!(#field.as_ref().map_or(#default, |value| **value))
    } else {
        quote!(#field.unwrap_or(#default))
    }
}
