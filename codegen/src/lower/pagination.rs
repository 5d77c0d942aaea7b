//! Which list operations are paginated, and how: the conventions most APIs follow,
//! recognised on the lowered types (a `Link` response header; a string cursor field
//! with a matching query parameter; a `next` URL in the body; `page` or `offset` integer
//! parameters), and the generator config's `[pagination]` entries for the rest.

use heck::ToSnakeCase;
use serde_json::Value;

use super::Lowerer;
use crate::config::{PageConfig, PageStyle};
use crate::diag::child;
use crate::ir::{
    Api, FieldHop, Method, NextPage, Pagination, Param, ParamLocation, Prim, Response, SuccessType,
    TypeId, TypeKind, TypeRef,
};
use crate::refs;

/// Cursor fields of a page body (snake case), each with the query parameters that
/// take it back.
const CURSORS: &[(&str, &[&str])] = &[
    (
        "next_cursor",
        &[
            "cursor",
            "next_cursor",
            "after",
            "start_cursor",
            "page_cursor",
        ],
    ),
    ("next_page_cursor", &["cursor", "page_cursor"]),
    ("cursor", &["cursor"]),
    (
        "next_page_token",
        &["page_token", "next_page_token", "token"],
    ),
    ("next_token", &["next_token", "token", "page_token"]),
    (
        "continuation_token",
        &["continuation_token", "continuation"],
    ),
    ("next_continuation_token", &["continuation_token"]),
    ("next_marker", &["marker"]),
];

/// Page number parameters.
const PAGE_NUMBERS: &[&str] = &["page", "page_number", "page_no"];

/// Offset parameters.
const OFFSETS: &[&str] = &["offset", "skip", "start_index"];

/// Array fields that hold a page's items, preferred in this order when a body has
/// several arrays.
const ITEM_FIELDS: &[&str] = &[
    "data", "items", "results", "entries", "records", "values", "elements", "nodes",
];

/// Which operation is being lowered: what a `[pagination]` key may name it by.
#[derive(Debug, Clone, Copy)]
pub(super) struct OperationAt<'a> {
    pub pointer: &'a str,
    pub id: &'a str,
    pub method: Method,
    pub path: &'a str,
}

impl Lowerer<'_> {
    /// How the pages of the operation follow one another, if they do: as its
    /// `[pagination]` entry says, else by the conventions (for `GET`s).
    pub(super) fn lower_pagination(
        &mut self,
        op: OperationAt<'_>,
        params: &[Param],
        responses: &[Response],
        success: &SuccessType,
    ) -> Option<Pagination> {
        let config = self.config;
        let entry = config.pagination.iter().find(|(key, _)| {
            let key = key.get_ref();
            (!op.id.is_empty() && key == op.id)
                || key.eq_ignore_ascii_case(&format!("{} {}", op.method.as_upper(), op.path))
        });
        if let Some((key, entry)) = entry {
            self.used_pagination.insert(key.get_ref().clone());
            return match configured(&self.api, params, success, key.get_ref(), entry) {
                Ok(pagination) => pagination,
                Err((span, message)) => {
                    let span = span.unwrap_or_else(|| key.span());
                    config.error_at(self.diags, span, message);
                    None
                }
            };
        }
        if op.method != Method::Get {
            return None;
        }
        let SuccessType::Single(body) = success else {
            return None;
        };
        let api = &self.api;
        let (items, item) = items_of(api, body)?;
        let next = if self.declares_link(op.pointer, responses) {
            NextPage::Link
        } else if let Some((field, param)) = cursor_of(api, body, params) {
            NextPage::Cursor { field, param }
        } else if let Some(field) = body_link_of(api, body, params) {
            NextPage::BodyLink { field }
        } else if let Some(param) = integer_param(api, params, PAGE_NUMBERS) {
            NextPage::PageNumber { param, first: 1 }
        } else if let Some(param) = integer_param(api, params, OFFSETS) {
            NextPage::Offset { param }
        } else {
            return None;
        };
        Some(Pagination { items, item, next })
    }

    /// `[pagination]` keys that name no operation are errors.
    pub(super) fn report_unused_pagination(&mut self) {
        for key in self.config.pagination.keys() {
            if !self.used_pagination.contains(key.get_ref()) {
                self.config.unknown_operation(self.diags, key);
            }
        }
    }

    /// Whether a success response of the operation declares a `Link` header.
    fn declares_link(&self, op_pointer: &str, responses: &[Response]) -> bool {
        let Some(Value::Object(entries)) = refs::get(self.root(), &child(op_pointer, "responses"))
        else {
            return false;
        };
        if !responses.iter().any(|response| response.success) {
            return false;
        }
        entries
            .keys()
            .filter(|key| key.starts_with('2'))
            .any(|key| {
                let pointer = child(&child(op_pointer, "responses"), key);
                let Ok(target) = refs::resolve(self.root(), &pointer) else {
                    return false;
                };
                refs::get(self.root(), &child(&target, "headers"))
                    .and_then(Value::as_object)
                    .is_some_and(|headers| {
                        headers.keys().any(|name| name.eq_ignore_ascii_case("link"))
                    })
            })
    }
}

/// A problem with a `[pagination]` entry: where (a value's span, else the key's) and what.
type EntryError = (Option<std::ops::Range<usize>>, String);

/// The pagination a `[pagination]` entry declares (`None` for `style = "none"`).
fn configured(
    api: &Api,
    params: &[Param],
    success: &SuccessType,
    key: &str,
    entry: &PageConfig,
) -> Result<Option<Pagination>, EntryError> {
    let style = *entry.style.get_ref();
    if style == PageStyle::None {
        return Ok(None);
    }
    let SuccessType::Single(body) = success else {
        return Err((
            None,
            format!("`{key}` has several success responses: its pages have no one type"),
        ));
    };
    let (items, item) = match &entry.items {
        Some(items) if items.get_ref().is_empty() => match list_item(api, body) {
            Some(item) => (Vec::new(), item.clone()),
            None => {
                return Err((
                    Some(items.span()),
                    format!("the success body of `{key}` is not an array"),
                ))
            }
        },
        Some(items) => {
            let (hops, ty) = field_path(api, body, items.get_ref())
                .map_err(|message| (Some(items.span()), format!("`{key}`: {message}")))?;
            match list_item(api, &ty) {
                Some(item) => (hops, item.clone()),
                None => {
                    return Err((
                        Some(items.span()),
                        format!("`{key}`: `{}` is not an array", items.get_ref()),
                    ))
                }
            }
        }
        None => items_of(api, body).ok_or_else(|| {
            (
                None,
                format!(
                    "`{key}`: cannot tell which array of the success body holds the items (none, or several); name it with `items`"
                ),
            )
        })?,
    };
    let param = |want: &str, check: fn(&Api, &TypeRef) -> bool| -> Result<usize, EntryError> {
        let Some(name) = &entry.param else {
            return Err((
                Some(entry.style.span()),
                format!("`{key}`: this style needs `param`, the query parameter"),
            ));
        };
        let index = params
            .iter()
            .position(|p| p.location == ParamLocation::Query && p.wire_name == *name.get_ref())
            .ok_or_else(|| {
                (
                    Some(name.span()),
                    format!("`{key}` has no query parameter `{}`", name.get_ref()),
                )
            })?;
        let found = &params[index];
        if found.required || !check(api, &found.ty) {
            return Err((
                Some(name.span()),
                format!(
                    "`{}` must be an optional {want} query parameter",
                    name.get_ref()
                ),
            ));
        }
        Ok(index)
    };
    let next = match style {
        PageStyle::Link => match &entry.field {
            None => NextPage::Link,
            Some(field) => {
                let (hops, ty) = field_path(api, body, field.get_ref())
                    .map_err(|message| (Some(field.span()), format!("`{key}`: {message}")))?;
                if !is_string(api, &ty) {
                    return Err((
                        Some(field.span()),
                        format!("`{key}`: `{}` is not a string", field.get_ref()),
                    ));
                }
                NextPage::BodyLink { field: hops }
            }
        },
        PageStyle::Cursor => {
            let param = param("string", is_string)?;
            let Some(field) = &entry.field else {
                return Err((
                    Some(entry.style.span()),
                    format!("`{key}`: a cursor needs `field`, where the body carries it"),
                ));
            };
            let (hops, ty) = field_path(api, body, field.get_ref())
                .map_err(|message| (Some(field.span()), format!("`{key}`: {message}")))?;
            if !is_string(api, &ty) {
                return Err((
                    Some(field.span()),
                    format!("`{key}`: `{}` is not a string", field.get_ref()),
                ));
            }
            NextPage::Cursor { field: hops, param }
        }
        PageStyle::Page => NextPage::PageNumber {
            param: param("integer", is_integer)?,
            first: entry.first.as_ref().map_or(1, |first| *first.get_ref()),
        },
        PageStyle::Offset => NextPage::Offset {
            param: param("integer", is_integer)?,
        },
        PageStyle::None => return Ok(None),
    };
    Ok(Some(Pagination { items, item, next }))
}

/// The fields named by `path` (wire names joined with `.`) from the struct `body`, and
/// the last one's type.
fn field_path(api: &Api, body: &TypeRef, path: &str) -> Result<(Vec<FieldHop>, TypeRef), String> {
    let mut hops = Vec::new();
    let mut ty = body.clone();
    for name in path.split('.') {
        let owner = struct_id(api, &ty).ok_or_else(|| {
            format!("`{path}`: the value before `{name}` is not an object with properties")
        })?;
        let TypeKind::Struct(s) = &api.types[owner.0].kind else {
            return Err(format!("`{path}`: not an object"));
        };
        let field = s
            .fields
            .iter()
            .position(|field| field.wire_name == name)
            .ok_or_else(|| {
                format!(
                    "`{path}`: `{}` has no property `{name}`",
                    api.types[owner.0].name
                )
            })?;
        ty = s.fields[field].ty.clone();
        hops.push(FieldHop { owner, field });
    }
    Ok((hops, ty))
}

/// `ty` with aliases and boxes seen through.
pub(crate) fn resolve<'a>(api: &'a Api, mut ty: &'a TypeRef) -> &'a TypeRef {
    for _ in 0..16 {
        match ty {
            TypeRef::Named(id) => match &api.types[id.0].kind {
                TypeKind::Alias(target) => ty = target,
                _ => return ty,
            },
            TypeRef::Box(inner) => ty = inner,
            _ => return ty,
        }
    }
    ty
}

/// The item type of a list (a `Vec`, checked or not).
pub(crate) fn list_item<'a>(api: &'a Api, ty: &'a TypeRef) -> Option<&'a TypeRef> {
    match resolve(api, ty) {
        TypeRef::Vec(item) => Some(item),
        TypeRef::Checked(inner, _) => match resolve(api, inner) {
            TypeRef::Vec(item) => Some(item),
            _ => None,
        },
        _ => None,
    }
}

/// The struct a type is, if it is one.
fn struct_id(api: &Api, ty: &TypeRef) -> Option<TypeId> {
    match resolve(api, ty) {
        TypeRef::Named(id) if matches!(api.types[id.0].kind, TypeKind::Struct(_)) => Some(*id),
        _ => None,
    }
}

/// Where a page body's items are: the body itself when it is a list, else its one
/// array field (or the first of [`ITEM_FIELDS`] among several).
fn items_of(api: &Api, body: &TypeRef) -> Option<(Vec<FieldHop>, TypeRef)> {
    if let Some(item) = list_item(api, body) {
        return Some((Vec::new(), item.clone()));
    }
    let owner = struct_id(api, body)?;
    let TypeKind::Struct(s) = &api.types[owner.0].kind else {
        return None;
    };
    let arrays: Vec<(usize, &TypeRef)> = s
        .fields
        .iter()
        .enumerate()
        .filter_map(|(index, field)| Some((index, list_item(api, &field.ty)?)))
        .collect();
    let chosen = match arrays.as_slice() {
        [only] => Some(*only),
        _ => ITEM_FIELDS.iter().find_map(|name| {
            arrays
                .iter()
                .find(|(index, _)| s.fields[*index].wire_name.to_snake_case() == *name)
                .copied()
        }),
    }?;
    Some((
        vec![FieldHop {
            owner,
            field: chosen.0,
        }],
        chosen.1.clone(),
    ))
}

/// A string cursor field of the body (at its top level or one struct down) with a
/// string query parameter that takes it back.
fn cursor_of(api: &Api, body: &TypeRef, params: &[Param]) -> Option<(Vec<FieldHop>, usize)> {
    let owner = struct_id(api, body)?;
    let mut levels = vec![(owner, Vec::new())];
    if let TypeKind::Struct(s) = &api.types[owner.0].kind {
        for (index, field) in s.fields.iter().enumerate() {
            if let Some(inner) = struct_id(api, &field.ty) {
                levels.push((
                    inner,
                    vec![FieldHop {
                        owner,
                        field: index,
                    }],
                ));
            }
        }
    }
    for (cursor, names) in CURSORS {
        for (owner, path) in &levels {
            let TypeKind::Struct(s) = &api.types[owner.0].kind else {
                continue;
            };
            let Some(index) = s.fields.iter().position(|field| {
                field.wire_name.to_snake_case() == *cursor && is_string(api, &field.ty)
            }) else {
                continue;
            };
            let param = params.iter().position(|param| {
                param.location == ParamLocation::Query
                    && !param.required
                    && names.contains(&param.wire_name.to_snake_case().as_str())
                    && is_string(api, &param.ty)
            });
            if let Some(param) = param {
                let mut field = path.clone();
                field.push(FieldHop {
                    owner: *owner,
                    field: index,
                });
                return Some((field, param));
            }
        }
    }
    None
}

/// A top-level string `next` field no query parameter takes back: the next page's URL
/// (`{"next": "https://api.example.com/items?page=2", "results": [...]}`).
fn body_link_of(api: &Api, body: &TypeRef, params: &[Param]) -> Option<Vec<FieldHop>> {
    let owner = struct_id(api, body)?;
    let TypeKind::Struct(s) = &api.types[owner.0].kind else {
        return None;
    };
    let field = s
        .fields
        .iter()
        .position(|field| field.wire_name == "next" && is_string(api, &field.ty))?;
    let taken_back = params
        .iter()
        .any(|param| param.location == ParamLocation::Query && param.wire_name == "next");
    (!taken_back).then(|| vec![FieldHop { owner, field }])
}

/// An optional integer query parameter named one of `names`.
fn integer_param(api: &Api, params: &[Param], names: &[&str]) -> Option<usize> {
    params.iter().position(|param| {
        param.location == ParamLocation::Query
            && !param.required
            && names.contains(&param.wire_name.to_snake_case().as_str())
            && is_integer(api, &param.ty)
    })
}

/// A string, checked or not.
pub(crate) fn is_string(api: &Api, ty: &TypeRef) -> bool {
    match resolve(api, ty) {
        TypeRef::Prim(Prim::String) => true,
        TypeRef::Checked(inner, _) => matches!(resolve(api, inner), TypeRef::Prim(Prim::String)),
        _ => false,
    }
}

/// An integer, checked or not.
pub(crate) fn is_integer(api: &Api, ty: &TypeRef) -> bool {
    let integer = |ty: &TypeRef| {
        matches!(
            ty,
            TypeRef::Prim(Prim::I32 | Prim::I64 | Prim::U32 | Prim::U64)
        )
    };
    match resolve(api, ty) {
        TypeRef::Checked(inner, _) => integer(resolve(api, inner)),
        other => integer(other),
    }
}
