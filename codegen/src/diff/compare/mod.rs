//! The comparison itself: one [`Differ`] walks both APIs and pushes [`Change`]s.

mod checks;
mod document;
mod operations;
mod types;

use std::collections::HashSet;

use crate::diff::matching::{new_name, Matching};
use crate::diff::sides::{sides, Side};
use crate::diff::text::{op_label, render};
use crate::diff::{Change, ChangeKind, Severity};
use crate::ir::{Api, TypeDef, TypeRef};

pub(super) struct Differ<'a> {
    pub(super) old: &'a Api,
    pub(super) new: &'a Api,
    pub(super) old_sides: Vec<Side>,
    pub(super) new_sides: Vec<Side>,
    pub(super) m: Matching,
    /// Alias pairs already compared at a use site.
    pub(super) covered: HashSet<(usize, usize)>,
    pub(super) changes: Vec<Change>,
}

/// Severity of a tightened constraint.
pub(super) fn tightened(side: Side) -> Severity {
    if side.request {
        Severity::Breaking
    } else {
        Severity::NeedsReview
    }
}

/// Wire verdict of a tightened constraint: old callers may send refused values; a
/// response only narrows.
pub(super) fn tightened_wire(side: Side) -> Severity {
    if side.request {
        Severity::Breaking
    } else {
        Severity::NonBreaking
    }
}

/// Wire verdict of a loosened constraint: responses may carry values old readers refuse.
pub(super) fn loosened_wire(side: Side) -> Severity {
    if side.response {
        Severity::NeedsReview
    } else {
        Severity::NonBreaking
    }
}

/// Severity of a loosened constraint.
pub(super) fn loosened(side: Side) -> Severity {
    if side.response {
        Severity::NeedsReview
    } else {
        Severity::NonBreaking
    }
}

pub(super) fn tightened_why(side: Side) -> &'static str {
    match (side.request, side.response) {
        (true, true) => "values callers could send are now refused before sending, and responses that parsed may now be refused",
        (true, false) => "values callers could send are now refused before sending",
        _ => "responses that parsed before may now be refused",
    }
}

pub(super) fn loosened_why(side: Side) -> &'static str {
    if side.response {
        "responses may now carry values the old checks guaranteed against"
    } else {
        "callers may send more values"
    }
}

impl<'a> Differ<'a> {
    pub(super) fn push(
        &mut self,
        severity: Severity,
        kind: ChangeKind,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        let wire = kind.wire_verdict(severity);
        self.push_wire(severity, wire, kind, location, message);
    }

    /// [`push`](Self::push) with a wire verdict of its own (where it depends on the
    /// direction of the change, not only on its kind).
    pub(super) fn push_wire(
        &mut self,
        severity: Severity,
        wire: Severity,
        kind: ChangeKind,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.changes.push(Change {
            severity,
            wire,
            kind,
            location: location.into(),
            message: message.into(),
        });
    }

    pub(super) fn old_type(&self, id: usize) -> Option<&'a TypeDef> {
        self.old.types.get(id)
    }

    pub(super) fn new_type(&self, id: usize) -> Option<&'a TypeDef> {
        self.new.types.get(id)
    }

    pub(super) fn pair_side(&self, old: usize, new: usize) -> Side {
        let a = self.old_sides.get(old).copied().unwrap_or(Side::BOTH);
        let b = self.new_sides.get(new).copied().unwrap_or(Side::BOTH);
        a.union(b)
    }

    pub(super) fn render_old(&self, ty: &TypeRef) -> String {
        render(ty, &|id| self.m.old_name(self.old, self.new, id))
    }

    pub(super) fn render_new(&self, ty: &TypeRef) -> String {
        render(ty, &|id| new_name(self.new, id))
    }

    pub(super) fn run(&mut self) {
        for &i in &self.m.removed_ops.clone() {
            if let Some(op) = self.old.operations.get(i) {
                self.push(
                    Severity::Breaking,
                    ChangeKind::OperationRemoved,
                    op_label(op),
                    format!(
                        "operation removed: client method `{}` no longer exists",
                        op.rust_name
                    ),
                );
            }
        }
        for &j in &self.m.added_ops.clone() {
            if let Some(op) = self.new.operations.get(j) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::OperationAdded,
                    op_label(op),
                    format!("operation added: new client method `{}`", op.rust_name),
                );
            }
        }
        for (i, j) in self.m.ops.clone() {
            if let (Some(o), Some(n)) = (self.old.operations.get(i), self.new.operations.get(j)) {
                self.compare_operation(o, n);
            }
        }
        self.compare_types();
        self.compare_security_schemes();
        self.compare_servers();
        self.compare_webhooks();
    }
}

/// Every change between `old` and `new`, in the order the walk finds them.
pub(super) fn changes(old: &Api, new: &Api) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        old_sides: sides(old),
        new_sides: sides(new),
        m: Matching::build(old, new),
        covered: HashSet::new(),
        changes: Vec::new(),
    };
    differ.run();
    differ.changes
}
