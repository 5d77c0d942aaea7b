//! Named types and the positions that use them: structs, fields, enums, unions.

use super::Differ;
use crate::diff::sides::Side;
use crate::diff::text::{json_type, kind_text, prim_change, prim_spec};
use crate::diff::{ChangeKind, Severity};
use crate::ir::{EnumRepr, Field, Role, Struct, TypeDef, TypeKind, TypeRef, Union};

impl<'a> Differ<'a> {
    /// Compares the types at one position: a different Rust type is breaking; the same
    /// one has its constraints compared (and aliases followed, once per pair).
    pub(super) fn compare_ref(
        &mut self,
        loc: &str,
        what: &str,
        o: &'a TypeRef,
        n: &'a TypeRef,
        side: Side,
    ) {
        let ro = self.render_old(o);
        let rn = self.render_new(n);
        if ro != rn {
            match prim_change(o, n) {
                Some((a, b)) => self.push(
                    Severity::Breaking,
                    if json_type(a) == json_type(b) {
                        ChangeKind::FormatChanged
                    } else {
                        ChangeKind::TypeChanged
                    },
                    loc,
                    format!(
                        "{what} changed from `{ro}` to `{rn}` (spec: {} -> {})",
                        prim_spec(a),
                        prim_spec(b)
                    ),
                ),
                None => self.push(
                    Severity::Breaking,
                    ChangeKind::TypeChanged,
                    loc,
                    format!("{what} changed from `{ro}` to `{rn}`"),
                ),
            }
            return;
        }
        self.walk_same(loc, o, n, side);
    }

    pub(super) fn walk_same(&mut self, loc: &str, o: &'a TypeRef, n: &'a TypeRef, side: Side) {
        match (o, n) {
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                let (Some(da), Some(db)) = (self.old_type(a.0), self.new_type(b.0)) else {
                    return;
                };
                if let (TypeKind::Alias(ta), TypeKind::Alias(tb)) = (&da.kind, &db.kind) {
                    if self.covered.insert((a.0, b.0)) {
                        let side = self.pair_side(a.0, b.0);
                        let what = format!("`{}` (alias)", db.name);
                        self.compare_ref(loc, &what, ta, tb, side);
                    }
                }
            }
            (TypeRef::Vec(a), TypeRef::Vec(b))
            | (TypeRef::Map(a), TypeRef::Map(b))
            | (TypeRef::Option(a), TypeRef::Option(b))
            | (TypeRef::Box(a), TypeRef::Box(b)) => self.walk_same(loc, a, b, side),
            (TypeRef::Tuple(a), TypeRef::Tuple(b)) => {
                for (x, y) in a.iter().zip(b) {
                    self.walk_same(loc, x, y, side);
                }
            }
            (TypeRef::Checked(a, ra), TypeRef::Checked(b, rb)) => {
                self.walk_same(loc, a, b, side);
                if let (Some(ra), Some(rb)) = (self.old.rules.get(ra.0), self.new.rules.get(rb.0)) {
                    self.compare_checks(loc, &ra.checks, &rb.checks, side, "");
                }
            }
            _ => {}
        }
    }

    pub(super) fn compare_types(&mut self) {
        let pairs: Vec<(usize, usize)> = self
            .m
            .old_to_new
            .iter()
            .enumerate()
            .filter_map(|(i, j)| j.map(|j| (i, j)))
            .collect();
        // Structs, enums and unions first: aliases reached from fields are compared at
        // the field (and marked covered); the remaining aliases after.
        let mut aliases = Vec::new();
        for &(i, j) in &pairs {
            let (Some(a), Some(b)) = (self.old_type(i), self.new_type(j)) else {
                continue;
            };
            if a.name != b.name {
                self.push(
                    Severity::Breaking,
                    ChangeKind::TypeRenamed,
                    &b.name,
                    format!(
                        "type renamed `{}` -> `{}`: code naming `{}` no longer compiles",
                        a.name, b.name, a.name
                    ),
                );
            }
            let side = self.pair_side(i, j);
            match (&a.kind, &b.kind) {
                (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                    if a.role != Role::Params && b.role != Role::Params {
                        self.compare_struct(&b.name, x, y, side);
                    }
                }
                (TypeKind::Enum(x), TypeKind::Enum(y)) => self.compare_enum(&b.name, x, y, side),
                (TypeKind::Union(x), TypeKind::Union(y)) => {
                    if a.role != Role::Outcome && b.role != Role::Outcome {
                        self.compare_union(&b.name, x, y, side);
                    }
                }
                (TypeKind::Alias(_), TypeKind::Alias(_)) => aliases.push((i, j)),
                (x, y) => self.push(
                    Severity::Breaking,
                    ChangeKind::TypeKindChanged,
                    &b.name,
                    format!(
                        "`{}` changed from {} to {}",
                        b.name,
                        kind_text(x),
                        kind_text(y)
                    ),
                ),
            }
        }
        for (i, j) in aliases {
            if self.covered.contains(&(i, j)) {
                continue;
            }
            let (Some(a), Some(b)) = (self.old_type(i), self.new_type(j)) else {
                continue;
            };
            self.covered.insert((i, j));
            if let (TypeKind::Alias(x), TypeKind::Alias(y)) = (&a.kind, &b.kind) {
                let side = self.pair_side(i, j);
                let what = format!("`{}` (alias)", b.name);
                self.compare_ref(&b.name, &what, x, y, side);
            }
        }
        let derived = |t: &TypeDef| matches!(t.role, Role::Params | Role::Outcome);
        for (i, def) in self.old.types.iter().enumerate() {
            if self.m.old_to_new[i].is_none() && !derived(def) {
                self.push(
                    Severity::Breaking,
                    ChangeKind::TypeRemoved,
                    &def.name,
                    format!("type `{}` removed", def.name),
                );
            }
        }
        for (j, def) in self.new.types.iter().enumerate() {
            if self.m.new_to_old[j].is_none() && !derived(def) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::TypeAdded,
                    &def.name,
                    format!("type `{}` added ({})", def.name, kind_text(&def.kind)),
                );
            }
        }
    }

    pub(super) fn compare_struct(&mut self, name: &str, o: &'a Struct, n: &'a Struct, side: Side) {
        let field_loc = |f: &Field| format!("{name}.{}", f.rust_name.bare());
        for fo in &o.fields {
            if !n.fields.iter().any(|f| f.wire_name == fo.wire_name) {
                // Readers of a response lose the value; a server that no longer reads
                // a request field may ignore it or refuse it.
                let wire = if side.response {
                    Severity::Breaking
                } else {
                    Severity::NeedsReview
                };
                self.push_wire(
                    Severity::Breaking,
                    wire,
                    ChangeKind::FieldRemoved,
                    field_loc(fo),
                    format!(
                        "field `{}`{} removed: code reading or setting it no longer compiles",
                        fo.rust_name.bare(),
                        if fo.rust_name.bare() == fo.wire_name {
                            String::new()
                        } else {
                            format!(" (`{}`)", fo.wire_name)
                        }
                    ),
                );
            }
        }
        let all_optional = n.fields.iter().all(|f| f.optional);
        for fnew in &n.fields {
            let loc = field_loc(fnew);
            let Some(fo) = o.fields.iter().find(|f| f.wire_name == fnew.wire_name) else {
                let ty = self.field_type(fnew, true);
                let (severity, wire, message) = match (side.request, fnew.optional) {
                    (true, false) => (
                        Severity::Breaking,
                        Severity::Breaking,
                        format!(
                            "required field `{}: {ty}` added on the {} side: callers must set it (`new` takes it)",
                            fnew.rust_name.bare(),
                            side.text()
                        ),
                    ),
                    (false, false) => (
                        Severity::Breaking,
                        Severity::NonBreaking,
                        format!(
                            "required field `{}: {ty}` added (response side): the client reads it; code that builds such values (tests, mocks) passes it to `new`",
                            fnew.rust_name.bare()
                        ),
                    ),
                    (_, true) => (
                        Severity::NonBreaking,
                        Severity::NonBreaking,
                        format!(
                            "optional field `{}: {ty}` added on the {} side: a new `with_{}` setter (the struct is `#[non_exhaustive]`)",
                            fnew.rust_name.bare(),
                            side.text(),
                            fnew.rust_name.bare()
                        ),
                    ),
                };
                let _ = all_optional;
                self.push_wire(severity, wire, ChangeKind::FieldAdded, loc, message);
                continue;
            };
            if fo.rust_name != fnew.rust_name {
                self.push(
                    Severity::Breaking,
                    ChangeKind::FieldRenamed,
                    &loc,
                    format!(
                        "field renamed `{}` -> `{}` (wire name `{}`)",
                        fo.rust_name.bare(),
                        fnew.rust_name.bare(),
                        fnew.wire_name
                    ),
                );
            }
            self.compare_presence(&loc, fo, fnew, side);
            self.compare_ref(&loc, "field type", &fo.ty, &fnew.ty, side);
        }
        match (&o.extra, &n.extra) {
            (None, Some(ty)) => {
                let ty = self.render_new(ty);
                let severity = if side.request {
                    Severity::Breaking
                } else {
                    Severity::NonBreaking
                };
                self.push(
                    severity,
                    ChangeKind::AdditionalPropertiesChanged,
                    name,
                    format!(
                        "additional properties allowed: new field `extra: BTreeMap<String, {ty}>` on the {} side",
                        side.text()
                    ),
                );
            }
            (Some(_), None) => self.push(
                Severity::Breaking,
                ChangeKind::AdditionalPropertiesChanged,
                name,
                "additional properties no longer allowed: the flattened `extra` map is gone",
            ),
            (Some(a), Some(b)) => {
                self.compare_ref(
                    &format!("{name}.extra"),
                    "additional properties type",
                    a,
                    b,
                    side,
                );
            }
            (None, None) => {}
        }
        if o.deny_unknown != n.deny_unknown {
            let (severity, message) = if n.deny_unknown {
                if side.response {
                    (
                        Severity::NeedsReview,
                        format!(
                            "unknown properties are now refused (`additionalProperties: false`, {} side): responses with extra properties no longer parse",
                            side.text()
                        ),
                    )
                } else {
                    (
                        Severity::NonBreaking,
                        "unknown properties are now refused (`additionalProperties: false`, request side: only parsing checks it, and callers build these values)".to_owned(),
                    )
                }
            } else {
                (
                    Severity::NonBreaking,
                    "unknown properties are now accepted".to_owned(),
                )
            };
            self.push(severity, ChangeKind::UnknownFieldsChanged, name, message);
        }
    }

    pub(super) fn field_type(&self, f: &Field, new: bool) -> String {
        let ty = if new {
            self.render_new(&f.ty)
        } else {
            self.render_old(&f.ty)
        };
        if f.optional || f.nullable {
            format!("Option<{ty}>")
        } else {
            ty
        }
    }

    pub(super) fn compare_presence(&mut self, loc: &str, o: &Field, n: &Field, side: Side) {
        if o.optional == n.optional && o.nullable == n.nullable {
            return;
        }
        let mut what = Vec::new();
        if o.optional != n.optional {
            what.push(if n.optional {
                "now optional (was required)"
            } else {
                "now required (was optional)"
            });
        }
        if o.nullable != n.nullable {
            what.push(if n.nullable {
                "now nullable"
            } else {
                "no longer nullable"
            });
        }
        let (to, tn) = (self.field_type(o, false), self.field_type(n, true));
        let (severity, message) = if (o.optional || o.nullable) != (n.optional || n.nullable) {
            (
                Severity::Breaking,
                format!("{}: `{to}` -> `{tn}`", what.join(", ")),
            )
        } else if side.request {
            // Same `Option<T>`; only serialization differs: an optional field omits
            // `None`, a required nullable one sends `null`.
            (
                Severity::NeedsReview,
                format!(
                    "{}: the Rust type stays `{tn}`, but `None` is now {} ({} side)",
                    what.join(", "),
                    if n.optional {
                        "omitted instead of sent as `null`"
                    } else {
                        "sent as `null` instead of omitted"
                    },
                    side.text()
                ),
            )
        } else {
            // Parsing reads an absent field and `null` alike as `None`.
            (
                Severity::NonBreaking,
                format!(
                    "{}: the Rust type stays `{tn}` and parsing reads absent and `null` alike (response side)",
                    what.join(", ")
                ),
            )
        };
        // On the wire: a request value must now carry what old callers may omit (or
        // may not send `null`), or a response value may now lack what old readers
        // expect (or be `null`).
        let request_break = (o.optional && !n.optional) || (o.nullable && !n.nullable);
        let response_break = (!o.optional && n.optional) || (!o.nullable && n.nullable);
        let wire = if (side.request && request_break) || (side.response && response_break) {
            Severity::Breaking
        } else {
            Severity::NonBreaking
        };
        self.push_wire(
            severity,
            wire,
            ChangeKind::FieldRequiredChanged,
            loc,
            message,
        );
    }

    pub(super) fn compare_enum(
        &mut self,
        name: &str,
        o: &crate::ir::Enum,
        n: &crate::ir::Enum,
        side: Side,
    ) {
        if o.repr != n.repr {
            let text = |r: EnumRepr| match r {
                EnumRepr::String => "string",
                EnumRepr::Integer => "integer",
            };
            self.push(
                Severity::Breaking,
                ChangeKind::EnumReprChanged,
                name,
                format!(
                    "enum values changed from {} to {}",
                    text(o.repr),
                    text(n.repr)
                ),
            );
        }
        let show = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for vo in &o.variants {
            match n.variants.iter().find(|v| v.value == vo.value) {
                // Old callers may still send the value; responses only narrow.
                None => self.push_wire(
                    Severity::Breaking,
                    if side.request {
                        Severity::Breaking
                    } else {
                        Severity::NonBreaking
                    },
                    ChangeKind::EnumValueRemoved,
                    format!("{name}::{}", vo.rust_name),
                    format!(
                        "enum value `{}` removed: code naming `{name}::{}` no longer compiles (the value would now arrive as `Unknown`)",
                        show(&vo.value),
                        vo.rust_name
                    ),
                ),
                Some(vn) if vn.rust_name != vo.rust_name => self.push(
                    Severity::Breaking,
                    ChangeKind::EnumVariantRenamed,
                    format!("{name}::{}", vn.rust_name),
                    format!(
                        "variant for `{}` renamed `{}` -> `{}`",
                        show(&vo.value),
                        vo.rust_name,
                        vn.rust_name
                    ),
                ),
                Some(_) => {}
            }
        }
        for vn in &n.variants {
            if !o.variants.iter().any(|v| v.value == vn.value) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::EnumValueAdded,
                    format!("{name}::{}", vn.rust_name),
                    format!(
                        "enum value `{}` added ({} side): the enum is `#[non_exhaustive]`, so matches already have a wildcard arm{}",
                        show(&vn.value),
                        side.text(),
                        if side.response {
                            format!("; a value that arrived as `Unknown` now arrives as `{name}::{}`", vn.rust_name)
                        } else {
                            format!("; callers may now send `{name}::{}`", vn.rust_name)
                        }
                    ),
                );
            }
        }
    }

    pub(super) fn compare_union(&mut self, name: &str, o: &'a Union, n: &'a Union, side: Side) {
        if o.discriminator != n.discriminator {
            let show = |d: &Option<String>| {
                d.as_ref()
                    .map_or_else(|| "none (untagged)".to_owned(), |d| format!("`{d}`"))
            };
            self.push(
                Severity::NeedsReview,
                ChangeKind::DiscriminatorChanged,
                name,
                format!(
                    "discriminator changed from {} to {}: values may deserialize to another variant",
                    show(&o.discriminator),
                    show(&n.discriminator)
                ),
            );
        }
        for vo in &o.variants {
            if !n.variants.iter().any(|v| v.rust_name == vo.rust_name) {
                self.push(
                    Severity::Breaking,
                    ChangeKind::UnionVariantRemoved,
                    format!("{name}::{}", vo.rust_name),
                    format!(
                        "variant `{name}::{}` removed: code naming it no longer compiles",
                        vo.rust_name
                    ),
                );
            }
        }
        for vn in &n.variants {
            let loc = format!("{name}::{}", vn.rust_name);
            let Some(vo) = o.variants.iter().find(|v| v.rust_name == vn.rust_name) else {
                // The enum is `#[non_exhaustive]`: no Rust code breaks. On the wire, a
                // client of the old spec may receive a shape it cannot read.
                let (wire, message) = if side.response {
                    (
                        Severity::NeedsReview,
                        format!(
                            "variant `{}` added on the {} side (the enum is `#[non_exhaustive]`); clients of the old spec may receive values they cannot read",
                            vn.rust_name,
                            side.text()
                        ),
                    )
                } else {
                    (
                        Severity::NonBreaking,
                        format!(
                            "variant `{}` added (request side only: callers may build it)",
                            vn.rust_name
                        ),
                    )
                };
                self.push_wire(
                    Severity::NonBreaking,
                    wire,
                    ChangeKind::UnionVariantAdded,
                    loc,
                    message,
                );
                continue;
            };
            if vo.tags != vn.tags {
                self.push(
                    Severity::NeedsReview,
                    ChangeKind::DiscriminatorChanged,
                    &loc,
                    format!(
                        "discriminator values changed from [{}] to [{}]",
                        vo.tags.join(", "),
                        vn.tags.join(", ")
                    ),
                );
            }
            self.compare_ref(&loc, "variant payload", &vo.ty, &vn.ty, side);
        }
    }
}
