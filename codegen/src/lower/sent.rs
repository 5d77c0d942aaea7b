//! Which types callers send: the ones reachable from an operation's parameters or
//! request body. Their constructors are part of the crate's default API; the others
//! are only received, and the caller builds them only in tests and mocks.

use crate::ir::{Api, TypeId};

/// Sets [`TypeDef::sent`](crate::ir::TypeDef::sent) on every type a request can hold.
pub(super) fn mark_sent(api: &mut Api) {
    let mut stack: Vec<TypeId> = Vec::new();
    for op in &api.operations {
        stack.push(op.params_type);
        if let Some(body) = &op.body {
            body.ty.for_each_named(&mut |id| stack.push(id));
        }
    }
    let mut sent = vec![false; api.types.len()];
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut sent[id.0], true) {
            continue;
        }
        api.types[id.0]
            .kind
            .for_each_ref(|ty| ty.for_each_named(&mut |id| stack.push(id)));
    }
    for (def, sent) in api.types.iter_mut().zip(sent) {
        def.sent = sent;
    }
}
