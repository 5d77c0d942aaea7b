//! Cycle breaking: a type that contains itself (directly, not through a `Vec` or map)
//! would have infinite size, so such fields get a `Box`.

use crate::ir::{Api, TypeId, TypeKind, TypeRef};

/// Boxes every inline use of a type that lies on a containment cycle.
pub(super) fn break_cycles(api: &mut Api) {
    let edges: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            def.kind.for_each_ref(|ty| inline_targets(ty, &mut out));
            out
        })
        .collect();
    let component = strongly_connected(&edges);
    for index in 0..api.types.len() {
        let same = |target: TypeId| component[target.0] == component[index];
        match &mut api.types[index].kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    box_inline(&mut field.ty, &same);
                }
                if let Some(extra) = &mut s.extra {
                    box_inline(extra, &same);
                }
            }
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    box_inline(&mut variant.ty, &same);
                }
            }
            TypeKind::Alias(ty) => box_inline(ty, &same),
            TypeKind::Enum(_) => {}
        }
    }
}

/// Named types stored inline (not behind `Vec`, map or `Box`).
fn inline_targets(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(id) => out.push(id.0),
        TypeRef::Option(inner) | TypeRef::Checked(inner, _) => inline_targets(inner, out),
        TypeRef::Tuple(members) => members.iter().for_each(|m| inline_targets(m, out)),
        TypeRef::Box(_)
        | TypeRef::Vec(_)
        | TypeRef::Map(_)
        | TypeRef::Prim(_)
        | TypeRef::User(_) => {}
    }
}

fn box_inline(ty: &mut TypeRef, same: &impl Fn(TypeId) -> bool) {
    match ty {
        TypeRef::Named(id) if same(*id) => {
            let inner = std::mem::replace(ty, TypeRef::Prim(crate::ir::Prim::Unit));
            *ty = TypeRef::Box(Box::new(inner));
        }
        TypeRef::Option(inner) | TypeRef::Checked(inner, _) => box_inline(inner, same),
        TypeRef::Tuple(members) => members.iter_mut().for_each(|m| box_inline(m, same)),
        _ => {}
    }
}

/// Tarjan's algorithm, iterative: the component index of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some((node, edge)) = work.pop() {
            if edge == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(edge) {
                work.push((node, edge + 1));
                if index[target] == usize::MAX {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn finds_cycles_and_self_loops() {
        let edges = vec![vec![1], vec![0], vec![2], vec![]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[0], c[2]);
        assert_ne!(c[2], c[3]);
    }
}
