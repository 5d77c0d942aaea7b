//! Which old operation, type, field and variant is which new one (renames included).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::diff::text::render;
use crate::ir::{Api, ErrorType, Method, SuccessType, TypeDef, TypeKind, TypeRef};

/// Operations and types paired between the versions.
pub(super) struct Matching {
    /// (old index, new index) of matched operations, in old order.
    pub(super) ops: Vec<(usize, usize)>,
    pub(super) removed_ops: Vec<usize>,
    pub(super) added_ops: Vec<usize>,
    pub(super) old_to_new: Vec<Option<usize>>,
    pub(super) new_to_old: Vec<Option<usize>>,
}

impl Matching {
    pub(super) fn build(old: &Api, new: &Api) -> Matching {
        let mut m = Matching {
            ops: Vec::new(),
            removed_ops: Vec::new(),
            added_ops: Vec::new(),
            old_to_new: vec![None; old.types.len()],
            new_to_old: vec![None; new.types.len()],
        };
        m.match_operations(old, new);
        let by_name: HashMap<&str, usize> = new
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        for (i, def) in old.types.iter().enumerate() {
            if let Some(&j) = by_name.get(def.name.as_str()) {
                if m.new_to_old[j].is_none() {
                    m.old_to_new[i] = Some(j);
                    m.new_to_old[j] = Some(i);
                }
            }
        }
        let mut finder = RenameFinder {
            old,
            new,
            m: &mut m,
            visited: HashSet::new(),
            pending: VecDeque::new(),
        };
        finder.walk_operations();
        m.match_by_structure(old, new);
        m
    }

    pub(super) fn match_operations(&mut self, old: &Api, new: &Api) {
        let mut new_used = vec![false; new.operations.len()];
        let mut old_used = vec![false; old.operations.len()];
        let mut pairs = Vec::new();
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, op) in new.operations.iter().enumerate() {
            if !op.operation_id.is_empty() {
                by_id.entry(op.operation_id.as_str()).or_default().push(j);
            }
        }
        for (i, op) in old.operations.iter().enumerate() {
            if op.operation_id.is_empty() {
                continue;
            }
            let found = by_id
                .get(op.operation_id.as_str())
                .and_then(|js| js.iter().copied().find(|&j| !new_used[j]));
            if let Some(j) = found {
                new_used[j] = true;
                old_used[i] = true;
                pairs.push((i, j));
            }
        }
        let mut by_route: HashMap<(Method, &str), Vec<usize>> = HashMap::new();
        for (j, op) in new.operations.iter().enumerate() {
            if !new_used[j] {
                by_route
                    .entry((op.method, op.path.as_str()))
                    .or_default()
                    .push(j);
            }
        }
        for (i, op) in old.operations.iter().enumerate() {
            if old_used[i] {
                continue;
            }
            let found = by_route
                .get(&(op.method, op.path.as_str()))
                .and_then(|js| js.iter().copied().find(|&j| !new_used[j]));
            if let Some(j) = found {
                new_used[j] = true;
                old_used[i] = true;
                pairs.push((i, j));
            }
        }
        pairs.sort_unstable();
        self.ops = pairs;
        self.removed_ops = (0..old.operations.len())
            .filter(|&i| !old_used[i])
            .collect();
        self.added_ops = (0..new.operations.len())
            .filter(|&j| !new_used[j])
            .collect();
    }

    pub(super) fn pair(&mut self, old: usize, new: usize) -> bool {
        let free = self.old_to_new.get(old).is_some_and(Option::is_none)
            && self.new_to_old.get(new).is_some_and(Option::is_none);
        if free {
            self.old_to_new[old] = Some(new);
            self.new_to_old[new] = Some(old);
        }
        free
    }

    /// Pairs leftover types whose structure (with referenced types mapped) is identical
    /// and unique on both sides; repeated while it finds pairs (nested renames).
    pub(super) fn match_by_structure(&mut self, old: &Api, new: &Api) {
        for _ in 0..8 {
            let mut old_prints: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            let mut new_prints: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, def) in old.types.iter().enumerate() {
                if self.old_to_new[i].is_none() {
                    let name = |id: usize| self.old_name(old, new, id);
                    old_prints
                        .entry(fingerprint(old, def, &name))
                        .or_default()
                        .push(i);
                }
            }
            if old_prints.is_empty() {
                return;
            }
            for (j, def) in new.types.iter().enumerate() {
                if self.new_to_old[j].is_none() {
                    let name = |id: usize| new_name(new, id);
                    new_prints
                        .entry(fingerprint(new, def, &name))
                        .or_default()
                        .push(j);
                }
            }
            let mut found = false;
            for (print, olds) in &old_prints {
                if let (Some(news), [i]) = (new_prints.get(print), olds.as_slice()) {
                    if let [j] = news.as_slice() {
                        found |= self.pair(*i, *j);
                    }
                }
            }
            if !found {
                return;
            }
        }
    }

    /// An old type's name in the new version's terms (its match's name when matched).
    pub(super) fn old_name(&self, old: &Api, new: &Api, id: usize) -> String {
        match self.old_to_new.get(id).copied().flatten() {
            Some(j) => new_name(new, j),
            None => old
                .types
                .get(id)
                .map_or_else(|| format!("#{id}"), |t| t.name.clone()),
        }
    }
}

pub(super) fn new_name(api: &Api, id: usize) -> String {
    api.types
        .get(id)
        .map_or_else(|| format!("#{id}"), |t| t.name.clone())
}

pub(super) fn fingerprint(api: &Api, def: &TypeDef, name: &dyn Fn(usize) -> String) -> String {
    let mut out = format!("{:?}|", def.role);
    match &def.kind {
        TypeKind::Struct(s) => {
            out.push_str("struct{");
            for f in &s.fields {
                out.push_str(&format!(
                    "{}:{}:{}:{}:{};",
                    f.wire_name,
                    f.rust_name,
                    render(&f.ty, name),
                    f.optional,
                    f.nullable
                ));
            }
            if let Some(extra) = &s.extra {
                out.push_str(&format!("..{}", render(extra, name)));
            }
            out.push_str(&format!("}}{}", s.deny_unknown));
        }
        TypeKind::Enum(e) => {
            out.push_str(&format!("enum{:?}[", e.repr));
            for v in &e.variants {
                out.push_str(&format!("{}={};", v.rust_name, v.value));
            }
            out.push(']');
        }
        TypeKind::Union(u) => {
            out.push_str(&format!("union{:?}[", u.discriminator));
            for v in &u.variants {
                out.push_str(&format!(
                    "{}({}){:?};",
                    v.rust_name,
                    render(&v.ty, name),
                    v.tags
                ));
            }
            out.push(']');
        }
        TypeKind::Alias(ty) => {
            out.push_str(&format!("alias {}", render(ty, name)));
            if let TypeRef::Checked(_, rule) = ty {
                if let Some(rule) = api.rules.get(rule.0) {
                    out.push_str(&format!(" {:?}", rule.checks));
                }
            }
        }
    }
    out
}

/// Pairs types that the two versions use at the same positions (renames).
pub(super) struct RenameFinder<'a, 'm> {
    old: &'a Api,
    new: &'a Api,
    m: &'m mut Matching,
    visited: HashSet<(usize, usize)>,
    /// Pairs of types met at the same position, to look at breadth-first (no recursion,
    /// so deep type graphs cannot overflow the stack; nearer positions decide first).
    pending: VecDeque<(usize, usize)>,
}

impl<'a> RenameFinder<'a, '_> {
    fn walk_operations(&mut self) {
        let ops = self.m.ops.clone();
        for (i, j) in ops {
            let (Some(o), Some(n)) = (self.old.operations.get(i), self.new.operations.get(j))
            else {
                continue;
            };
            for po in &o.params {
                if let Some(pn) = n
                    .params
                    .iter()
                    .find(|p| p.location == po.location && p.wire_name == po.wire_name)
                {
                    self.walk(&po.ty, &pn.ty);
                }
            }
            self.pair_ids(o.params_type.0, n.params_type.0);
            if let (Some(a), Some(b)) = (&o.body, &n.body) {
                self.walk(&a.ty, &b.ty);
            }
            for ro in &o.responses {
                if let Some(rn) = n.responses.iter().find(|r| r.status == ro.status) {
                    self.walk(&ro.ty, &rn.ty);
                }
            }
            match (&o.success, &n.success) {
                (SuccessType::Single(a), SuccessType::Single(b)) => self.walk(a, b),
                (SuccessType::Enum(a), SuccessType::Enum(b)) => self.pair_ids(a.0, b.0),
                _ => {}
            }
            match (&o.error, &n.error) {
                (ErrorType::Single(a), ErrorType::Single(b)) => self.walk(a, b),
                (ErrorType::Enum(a), ErrorType::Enum(b)) => self.pair_ids(a.0, b.0),
                _ => {}
            }
        }
        for wo in &self.old.webhooks {
            if let Some(wn) = self.new.webhooks.iter().find(|w| w.name == wo.name) {
                if let (Some(a), Some(b)) = (&wo.body, &wn.body) {
                    self.walk(a, b);
                }
            }
        }
        self.drain();
    }

    fn walk(&mut self, old: &'a TypeRef, new: &'a TypeRef) {
        match (old.strip(), new.strip()) {
            (TypeRef::Named(a), TypeRef::Named(b)) => self.pair_ids(a.0, b.0),
            (TypeRef::Vec(a), TypeRef::Vec(b))
            | (TypeRef::Map(a), TypeRef::Map(b))
            | (TypeRef::Checked(a, _), TypeRef::Checked(b, _)) => self.walk(a, b),
            (TypeRef::Tuple(a), TypeRef::Tuple(b)) => {
                for (x, y) in a.iter().zip(b) {
                    self.walk(x, y);
                }
            }
            _ => {}
        }
    }

    fn pair_ids(&mut self, a: usize, b: usize) {
        if self.visited.insert((a, b)) {
            self.pending.push_back((a, b));
        }
    }

    fn drain(&mut self) {
        while let Some((a, b)) = self.pending.pop_front() {
            self.expand(a, b);
        }
    }

    /// Pairs `a` and `b` when both are unmatched and of the same kind, then queues the
    /// types at their common positions.
    fn expand(&mut self, a: usize, b: usize) {
        let (Some(da), Some(db)) = (self.old.types.get(a), self.new.types.get(b)) else {
            return;
        };
        if self.m.old_to_new.get(a).copied().flatten() != Some(b) {
            // A rename keeps the kind of type (a struct stays a struct, ...).
            let same_kind = std::mem::discriminant(&da.kind) == std::mem::discriminant(&db.kind);
            if !same_kind || !self.m.pair(a, b) {
                return;
            }
        }
        match (&da.kind, &db.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                for fx in &x.fields {
                    if let Some(fy) = y.fields.iter().find(|f| f.wire_name == fx.wire_name) {
                        self.walk(&fx.ty, &fy.ty);
                    }
                }
                if let (Some(ex), Some(ey)) = (&x.extra, &y.extra) {
                    self.walk(ex, ey);
                }
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => {
                let mut used = vec![false; y.variants.len()];
                let mut left = Vec::new();
                for vx in &x.variants {
                    match y.variants.iter().position(|v| v.rust_name == vx.rust_name) {
                        Some(k) if !used[k] => {
                            used[k] = true;
                            self.walk(&vx.ty, &y.variants[k].ty);
                        }
                        _ => left.push(vx),
                    }
                }
                let rest = y.variants.iter().zip(&used).filter(|(_, u)| !**u);
                for (vx, (vy, _)) in left.into_iter().zip(rest) {
                    self.walk(&vx.ty, &vy.ty);
                }
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) => self.walk(x, y),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
