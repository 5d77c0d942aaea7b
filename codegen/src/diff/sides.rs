//! Request side and response side: which types callers build and which the client reads.

use crate::ir::{Api, ErrorType, SuccessType, TypeDef, TypeKind, TypeRef};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Side {
    pub(super) request: bool,
    pub(super) response: bool,
}

impl Side {
    pub(super) const REQUEST: Side = Side {
        request: true,
        response: false,
    };
    pub(super) const RESPONSE: Side = Side {
        request: false,
        response: true,
    };
    pub(super) const BOTH: Side = Side {
        request: true,
        response: true,
    };

    pub(super) fn union(self, other: Side) -> Side {
        Side {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    pub(super) fn contains(self, other: Side) -> bool {
        (self.request || !other.request) && (self.response || !other.response)
    }

    pub(super) fn text(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request and response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unused",
        }
    }
}

/// The types a type's values contain.
pub(super) fn children(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(&s.extra).collect(),
        TypeKind::Enum(_) => Vec::new(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
    }
}

pub(super) fn named_in(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(id) => out.push(id.0),
        TypeRef::Prim(_) | TypeRef::User(_) => {}
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner)
        | TypeRef::Checked(inner, _) => named_in(inner, out),
        TypeRef::Tuple(members) => members.iter().for_each(|m| named_in(m, out)),
    }
}

/// Which side each type is on (unreachable types count as both).
pub(super) fn sides(api: &Api) -> Vec<Side> {
    let mut sides = vec![Side::default(); api.types.len()];
    let mut roots: Vec<(&TypeRef, Side)> = Vec::new();
    let mut root_ids: Vec<(usize, Side)> = Vec::new();
    for op in &api.operations {
        for param in &op.params {
            roots.push((&param.ty, Side::REQUEST));
        }
        root_ids.push((op.params_type.0, Side::REQUEST));
        if let Some(body) = &op.body {
            roots.push((&body.ty, Side::REQUEST));
        }
        for response in &op.responses {
            roots.push((&response.ty, Side::RESPONSE));
        }
        match &op.success {
            SuccessType::Single(ty) => roots.push((ty, Side::RESPONSE)),
            SuccessType::Enum(id) => root_ids.push((id.0, Side::RESPONSE)),
        }
        match &op.error {
            ErrorType::None => {}
            ErrorType::Single(ty) => roots.push((ty, Side::RESPONSE)),
            ErrorType::Enum(id) => root_ids.push((id.0, Side::RESPONSE)),
        }
    }
    for webhook in &api.webhooks {
        if let Some(ty) = &webhook.body {
            roots.push((ty, Side::RESPONSE));
        }
    }
    let mut stack: Vec<(usize, Side)> = root_ids;
    for (ty, side) in roots {
        let mut ids = Vec::new();
        named_in(ty, &mut ids);
        stack.extend(ids.into_iter().map(|id| (id, side)));
    }
    while let Some((id, side)) = stack.pop() {
        let Some(current) = sides.get_mut(id) else {
            continue;
        };
        if current.contains(side) {
            continue;
        }
        *current = current.union(side);
        if let Some(def) = api.types.get(id) {
            let mut ids = Vec::new();
            for child in children(def) {
                named_in(child, &mut ids);
            }
            stack.extend(ids.into_iter().map(|id| (id, side)));
        }
    }
    for side in &mut sides {
        if *side == Side::default() {
            *side = Side::BOTH;
        }
    }
    sides
}

// ---------------------------------------------------------------------------------------
