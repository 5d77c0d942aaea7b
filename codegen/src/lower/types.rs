//! Schemas to types: named types for components and inline objects/enums/unions,
//! primitive and container types for everything else, and [`Checks`] for every
//! constraint a value position carries.

use std::rc::Rc;

use serde_json::Value;

use super::Lowerer;
use crate::diag::child;
use crate::ir::{
    Check, CheckKind, Checks, Enum, EnumRepr, EnumVariant, Field, Prim, RuleDef, RuleId, Struct,
    TypeId, TypeKind, TypeRef, Union, UnionVariant,
};
use crate::names::{self, Namer};
use crate::refs;
use crate::schema::{self, JsonType, Schema, Sub};

/// A lowered value position: its type, whether `null` is admitted, the checks it needs,
/// and notes for the docs (fallbacks taken).
#[derive(Debug, Clone)]
pub(crate) struct Lowered {
    pub ty: TypeRef,
    pub nullable: bool,
    pub checks: Checks,
    pub notes: Vec<String>,
}

impl Lowered {
    fn plain(ty: TypeRef) -> Self {
        Self {
            ty,
            nullable: false,
            checks: Checks::default(),
            notes: Vec::new(),
        }
    }

    fn any(note: impl Into<String>) -> Self {
        Self {
            notes: vec![note.into()],
            ..Self::plain(TypeRef::Prim(Prim::Json))
        }
    }
}

/// Naming context for a value position: the name inline types there get, and the label
/// constraint errors start with.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub name: String,
    pub label: String,
}

impl Ctx {
    pub(crate) fn new(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
        }
    }

    fn nested(&self, suffix: &str, label: &str) -> Self {
        Self {
            name: format!("{}{}", self.name, names::type_name(suffix)),
            label: label.to_owned(),
        }
    }
}

impl Lowerer<'_> {
    pub(crate) fn read_schema(&mut self, pointer: &str) -> Rc<Schema> {
        if let Some(schema) = self.schemas.get(pointer) {
            return Rc::clone(schema);
        }
        let schema = Rc::new(schema::read(
            &self.doc.root,
            pointer,
            self.doc.version,
            self.diags,
        ));
        self.schemas.insert(pointer.to_owned(), Rc::clone(&schema));
        if schema.not.is_some() {
            // Said once per node: a schema is read once, then served from `schemas`.
            self.diags.warning(
                child(pointer, "not"),
                "`not` is not checked by the generated code (values it excludes are accepted)",
            );
        }
        schema
    }

    /// The named type for the schema at `pointer` (made on first use).
    pub(crate) fn named_type(&mut self, pointer: &str, suggested: &str) -> TypeId {
        if let Some(id) = self.by_pointer.get(pointer) {
            return *id;
        }
        let id = self.add_type(suggested, pointer);
        self.by_pointer.insert(pointer.to_owned(), id);
        self.fill_named(id, pointer);
        id
    }

    /// The user type the config maps `key` (a `format`, or `#` and a schema pointer) to,
    /// noting that the mapping was used.
    fn user_type(&mut self, key: &str) -> Option<String> {
        let path = self.config.mapped(key)?.to_owned();
        self.used_mappings.insert(key.to_owned());
        Some(path)
    }

    /// Lowers the schema at `pointer` into the (declared) named type `id`.
    pub(crate) fn fill_named(&mut self, id: TypeId, pointer: &str) {
        if let Some(path) = self.user_type(&format!("#{pointer}")) {
            let def = &mut self.api.types[id.0];
            def.kind = TypeKind::Alias(TypeRef::User(path));
            def.docs
                .notes
                .push("Mapped to a type of your own by the generator config.".to_owned());
            return;
        }
        let outer = self.read_schema(pointer);
        let mut docs_text = outer.doc_text();
        // `allOf` with one inline member (often a slip for a plain schema): the type is
        // that member, under this name.
        let schema = match self.all_of_plan(&outer) {
            AllOfPlan::Single(member) if !outer.all_of.is_empty() && !outer.nullable => {
                let inner = self.read_schema(&member);
                if inner.reference.is_none() {
                    if docs_text.is_empty() {
                        docs_text = inner.doc_text();
                    }
                    inner
                } else {
                    outer
                }
            }
            _ => outer,
        };
        let name = self.api.types[id.0].name.clone();
        let ctx = Ctx::new(name.clone(), name.clone());
        let (kind, notes) = match self.shape_of(&schema) {
            Shape::Struct => (
                TypeKind::Struct(self.lower_struct(&schema, &ctx)),
                Vec::new(),
            ),
            Shape::Enum(repr) => (TypeKind::Enum(self.lower_enum(&schema, repr)), Vec::new()),
            Shape::Union => {
                let (union, _nullable) = self.lower_union(&schema, &ctx);
                (TypeKind::Union(union), Vec::new())
            }
            Shape::Value => {
                let lowered = self.lower_schema_value(&schema, &ctx);
                let notes = lowered.notes.clone();
                let ty = self.finish_position(lowered, &ctx, pointer, true);
                (TypeKind::Alias(ty), notes)
            }
        };
        let def = &mut self.api.types[id.0];
        def.kind = kind;
        def.docs.text = docs_text;
        def.docs.notes.extend(notes);
        if let Some(default) = &schema.default {
            def.docs.notes.push(format!("Default: `{default}`."));
        }
        def.docs.notes.extend(example_note(&schema));
    }

    /// Lowers the value position at `pointer` (following a `$ref` there).
    pub(crate) fn lower_value(&mut self, pointer: &str, ctx: &Ctx) -> Lowered {
        let schema = self.read_schema(pointer);
        self.lower_read(&schema, ctx)
    }

    fn lower_read(&mut self, schema: &Schema, ctx: &Ctx) -> Lowered {
        if schema.reference.is_some() {
            let mut lowered = self.lower_reference(&schema.pointer);
            // `nullable` next to `$ref` (3.0 writers) and `$ref` siblings (3.1).
            lowered.nullable |= schema.nullable;
            return lowered;
        }
        match self.shape_of(schema) {
            Shape::Value => self.lower_schema_value(schema, ctx),
            Shape::Enum(repr) => {
                let id = self.inline_enum(schema, ctx, repr);
                let mut lowered = Lowered::plain(TypeRef::Named(id));
                lowered.nullable =
                    schema.nullable || schema.enum_values.iter().flatten().any(Value::is_null);
                lowered
            }
            shape => {
                let id = self.inline_type(schema, ctx);
                let mut lowered = Lowered::plain(TypeRef::Named(id));
                lowered.nullable = schema.nullable || self.union_admits_null(schema);
                if shape == Shape::Struct {
                    lowered.checks.here = object_checks(schema);
                }
                lowered
            }
        }
    }

    /// Follows the `$ref` at `pointer` to a named type.
    fn lower_reference(&mut self, pointer: &str) -> Lowered {
        let target = match refs::resolve(&self.doc.root, pointer) {
            Ok(target) => target,
            Err(error) => {
                self.diags.warning(
                    child(pointer, "$ref"),
                    format!("{}; using `serde_json::Value`", error.message()),
                );
                return Lowered::any(format!("Untyped: {}", error.message()));
            }
        };
        let name = name_from_pointer(&self.doc.root, &target);
        let id = self.named_type(&target, &name);
        let object_checks = match &self.api.types[id.0].kind {
            TypeKind::Struct(_) => {
                let target_schema = self.read_schema(&target);
                object_checks(&target_schema)
            }
            _ => Vec::new(),
        };
        let nullable = match &self.api.types[id.0].kind {
            TypeKind::Alias(TypeRef::Option(_)) => false,
            _ => {
                let schema = self.read_schema(&target);
                schema.nullable || self.union_admits_null(&schema)
            }
        };
        let mut lowered = Lowered {
            nullable,
            ..Lowered::plain(TypeRef::Named(id))
        };
        lowered.checks.here = object_checks;
        lowered
    }

    /// A named type for an inline schema (struct, enum or union) at a value position.
    fn inline_type(&mut self, schema: &Schema, ctx: &Ctx) -> TypeId {
        if let Some(id) = self.by_pointer.get(&schema.pointer) {
            return *id;
        }
        let id = self.add_type(&ctx.name, &schema.pointer);
        self.by_pointer.insert(schema.pointer.clone(), id);
        self.fill_named(id, &schema.pointer);
        id
    }

    /// An inline enum: one type per distinct value set, however many properties use it
    /// (real specs repeat `[read, write]` hundreds of times).
    fn inline_enum(&mut self, schema: &Schema, ctx: &Ctx, repr: EnumRepr) -> TypeId {
        if let Some(id) = self.by_pointer.get(&schema.pointer) {
            return *id;
        }
        let values: Vec<String> = schema
            .enum_values
            .iter()
            .flatten()
            .filter(|v| !v.is_null())
            .map(Value::to_string)
            .collect();
        let key = format!("{repr:?}:{}", values.join(","));
        if let Some((id, uses)) = self.shared_enums.get_mut(&key) {
            *uses += 1;
            let id = *id;
            self.by_pointer.insert(schema.pointer.clone(), id);
            return id;
        }
        let id = self.inline_type(schema, ctx);
        self.shared_enums.insert(key, (id, 1));
        id
    }

    /// Turns a lowered position into its final type: wraps checks into a rule (with a
    /// named alias unless `bare`), then `Option` for `null`.
    pub(crate) fn finish_position(
        &mut self,
        lowered: Lowered,
        ctx: &Ctx,
        pointer: &str,
        bare: bool,
    ) -> TypeRef {
        let mut ty = lowered.ty;
        if !lowered.checks.is_empty() {
            let rule = self.add_rule(&ctx.name, &ctx.label, ty.clone(), lowered.checks);
            ty = TypeRef::Checked(Box::new(ty), rule);
            if !bare {
                // A checked struct keeps the struct's name for the struct itself.
                let alias = match &ty {
                    TypeRef::Checked(inner, _) if matches!(**inner, TypeRef::Named(_)) => {
                        format!("{}Checked", ctx.name)
                    }
                    _ => ctx.name.clone(),
                };
                let id = self.add_type(&alias, pointer);
                let def = &mut self.api.types[id.0];
                def.kind = TypeKind::Alias(ty);
                def.docs.notes.push(format!(
                    "Checked against the spec's constraints for `{}`.",
                    ctx.label
                ));
                ty = TypeRef::Named(id);
            }
        }
        if lowered.nullable {
            ty = TypeRef::Option(Box::new(ty));
        }
        ty
    }

    fn add_rule(&mut self, base: &str, label: &str, ty: TypeRef, checks: Checks) -> RuleId {
        let name = self.type_names.claim(&format!("{base}Rule"));
        let id = RuleId(self.api.rules.len());
        self.api.rules.push(RuleDef {
            name,
            label: label.to_owned(),
            ty,
            checks,
        });
        id
    }

    fn shape_of(&mut self, schema: &Schema) -> Shape {
        if schema.reference.is_some() || !schema.unsupported.is_empty() || schema.never {
            return Shape::Value;
        }
        if let Some(values) = &schema.enum_values {
            if schema.const_value.is_none() {
                if let Some(repr) = enum_repr(values, schema) {
                    return Shape::Enum(repr);
                }
            }
            return Shape::Value;
        }
        if schema.const_value.is_some() {
            return Shape::Value;
        }
        if !schema.all_of.is_empty() {
            return match self.all_of_plan(schema) {
                AllOfPlan::Merge => Shape::Struct,
                _ => Shape::Value,
            };
        }
        if !schema.one_of.is_empty() || !schema.any_of.is_empty() {
            return if self.union_single_member(schema).is_some() {
                Shape::Value
            } else {
                Shape::Union
            };
        }
        if schema.types.len() > 1 {
            return Shape::Union;
        }
        if !schema.properties.is_empty()
            && (schema.types.is_empty() || schema.admits(JsonType::Object))
        {
            return Shape::Struct;
        }
        Shape::Value
    }

    /// Everything that is not a struct, enum or union: primitives, arrays, maps,
    /// references, fallbacks.
    fn lower_schema_value(&mut self, schema: &Schema, ctx: &Ctx) -> Lowered {
        if schema.reference.is_some() {
            return self.lower_read(schema, ctx);
        }
        if !schema.unsupported.is_empty() {
            let keywords = schema.unsupported.join("`, `");
            self.diags.warning(
                schema.pointer.clone(),
                format!("`{keywords}` cannot be expressed in Rust types; this schema is `serde_json::Value`"),
            );
            return Lowered::any(format!(
                "Untyped (`serde_json::Value`): the spec uses `{keywords}`, which the generator does not support."
            ));
        }
        if schema.never {
            return Lowered::any("The spec allows no value here (`false` schema).");
        }
        if schema.only_null {
            return Lowered::plain(TypeRef::Prim(Prim::Unit));
        }
        if let Some(value) = &schema.const_value {
            let mut base = schema.clone();
            base.const_value = None;
            base.enum_values = None;
            if base.types.is_empty() {
                base.types.push(json_type_of(value));
            }
            let mut lowered = self.lower_schema_value(&base, ctx);
            lowered
                .checks
                .here
                .push(Check::OneOfValues(vec![value.to_string()]));
            return lowered;
        }
        if let Some(values) = &schema.enum_values {
            let mut base = schema.clone();
            base.enum_values = None;
            let allowed: Vec<String> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(Value::to_string)
                .collect();
            if base.types.is_empty() {
                if let Some(first) = values.iter().find(|v| !v.is_null()) {
                    let ty = json_type_of(first);
                    if values
                        .iter()
                        .filter(|v| !v.is_null())
                        .all(|v| json_type_of(v) == ty)
                    {
                        base.types.push(ty);
                    }
                }
            }
            let mut lowered = self.lower_schema_value(&base, ctx);
            lowered.nullable |= values.iter().any(Value::is_null);
            if allowed.is_empty() {
                self.diags
                    .warning(schema.pointer.clone(), "`enum` lists no values; ignored");
            } else {
                lowered.checks.here.push(Check::OneOfValues(allowed));
            }
            return lowered;
        }
        if !schema.all_of.is_empty() {
            return self.lower_all_of_value(schema, ctx);
        }
        if !schema.one_of.is_empty() || !schema.any_of.is_empty() {
            if let Some(member) = self.union_single_member(schema) {
                let mut lowered = self.lower_value(&member, ctx);
                lowered.nullable |= schema.nullable || self.union_admits_null(schema);
                return lowered;
            }
        }
        let ty = match schema.types.as_slice() {
            [ty] => Some(*ty),
            [] => infer_type(schema),
            _ => None,
        };
        if let Some(ty) = ty {
            let ignored: Vec<&str> = schema
                .assertions
                .inapplicable(ty)
                .into_iter()
                .map(CheckKind::keyword)
                .collect();
            if !ignored.is_empty() {
                self.diags.warning(
                    schema.pointer.clone(),
                    format!(
                        "`{}` {} not apply to {} values; ignored, as JSON Schema ignores {}",
                        ignored.join("`, `"),
                        if ignored.len() == 1 { "does" } else { "do" },
                        ty.as_str(),
                        if ignored.len() == 1 { "it" } else { "them" },
                    ),
                );
            }
        }
        let mapped = schema
            .format
            .as_deref()
            .filter(|_| {
                matches!(
                    ty,
                    Some(JsonType::String | JsonType::Integer | JsonType::Number)
                )
            })
            .and_then(|format| self.user_type(format));
        if let Some(path) = mapped {
            let mut lowered = Lowered::plain(TypeRef::User(path));
            lowered.nullable = schema.nullable;
            return lowered;
        }
        let mut lowered = match ty {
            Some(JsonType::String) => self.lower_string(schema),
            Some(JsonType::Integer) => self.lower_number(schema, true),
            Some(JsonType::Number) => self.lower_number(schema, false),
            Some(JsonType::Boolean) => Lowered::plain(TypeRef::Prim(Prim::Bool)),
            Some(JsonType::Array) => self.lower_array(schema, ctx),
            Some(JsonType::Object) => self.lower_map(schema, ctx),
            None => {
                let lowered = Lowered::plain(TypeRef::Prim(Prim::Json));
                if !schema.assertions.is_empty() {
                    self.diags.warning(
                        schema.pointer.clone(),
                        "constraints on a schema without a `type` cannot be checked on an untyped value; \
                         give the schema a `type`",
                    );
                }
                lowered
            }
        };
        lowered.nullable |= schema.nullable;
        lowered
    }

    fn lower_string(&mut self, schema: &Schema) -> Lowered {
        let a = &schema.assertions;
        let constrained_text =
            a.min_length.is_some() || a.max_length.is_some() || a.pattern.is_some();
        let base64 = schema.content_encoding.as_deref() == Some("base64")
            || schema.format.as_deref() == Some("byte");
        let prim = match schema.format.as_deref() {
            _ if base64 && !constrained_text => Prim::Base64,
            Some("uuid") if !constrained_text => {
                self.api.uses.uuid = true;
                Prim::Uuid
            }
            Some("date-time") if !constrained_text => {
                self.api.uses.chrono = true;
                Prim::DateTime
            }
            Some("date") if !constrained_text => {
                self.api.uses.chrono = true;
                Prim::Date
            }
            _ => Prim::String,
        };
        let mut lowered = Lowered::plain(TypeRef::Prim(prim));
        if prim == Prim::String {
            if let Some(format) = &schema.format {
                if matches!(format.as_str(), "uuid" | "date-time" | "date" | "byte") {
                    lowered.notes.push(format!(
                        "Kept as text (not `{format}`): the spec also constrains its length or pattern."
                    ));
                }
            }
            if let Some(min) = a.min_length {
                lowered.checks.here.push(Check::MinLength(min));
            }
            if let Some(max) = a.max_length {
                lowered.checks.here.push(Check::MaxLength(max));
            }
            if let Some(pattern) = &a.pattern {
                match regress::Regex::new(pattern) {
                    Ok(_) => lowered.checks.here.push(Check::Pattern(pattern.clone())),
                    Err(error) => self.diags.warning(
                        child(&schema.pointer, "pattern"),
                        format!("`pattern` is not a valid ECMAScript regular expression ({error}); not checked"),
                    ),
                }
            }
        }
        lowered
    }

    fn lower_number(&mut self, schema: &Schema, integer: bool) -> Lowered {
        let prim = match (integer, schema.format.as_deref()) {
            (true, Some("int32" | "int16" | "int8")) => Prim::I32,
            (true, Some("uint32" | "uint16" | "uint8")) => Prim::U32,
            (true, Some("uint64" | "uint")) => Prim::U64,
            (true, _) => Prim::I64,
            (false, Some("float")) => Prim::F32,
            (false, _) => Prim::F64,
        };
        let mut lowered = Lowered::plain(TypeRef::Prim(prim));
        let a = &schema.assertions;
        if let Some(bound) = a.minimum {
            lowered
                .checks
                .here
                .push(Check::Minimum(bound.value, bound.exclusive));
        }
        if let Some(bound) = a.maximum {
            lowered
                .checks
                .here
                .push(Check::Maximum(bound.value, bound.exclusive));
        }
        if let Some(divisor) = a.multiple_of {
            lowered.checks.here.push(Check::MultipleOf(divisor));
        }
        lowered
    }

    fn lower_array(&mut self, schema: &Schema, ctx: &Ctx) -> Lowered {
        let a = &schema.assertions;
        let tuple_len = schema.prefix_items.len() as u64;
        let size_fits = a.min_items.is_none_or(|min| min <= tuple_len)
            && a.max_items.is_none_or(|max| max >= tuple_len);
        let tuple_contradicts_bounds = !schema.prefix_items.is_empty() && !size_fits;
        if tuple_contradicts_bounds {
            self.diags.warning(
                schema.pointer.clone(),
                format!(
                    "`minItems`/`maxItems` contradict the {tuple_len}-item tuple (`prefixItems` or an `items` list); \
                     generated as a list of any JSON values with those bounds checked"
                ),
            );
        }
        if !schema.prefix_items.is_empty() && !tuple_contradicts_bounds {
            let mut members = Vec::new();
            let mut member_checks = Vec::new();
            for (index, pointer) in schema.prefix_items.clone().iter().enumerate() {
                let member_ctx =
                    ctx.nested(&format!("Item{index}"), &format!("{}[{index}]", ctx.label));
                let lowered = self.lower_value(pointer, &member_ctx);
                if !lowered.checks.is_empty() {
                    member_checks.push((index, lowered.checks.clone()));
                }
                let mut ty = lowered.ty;
                if lowered.nullable {
                    ty = TypeRef::Option(Box::new(ty));
                }
                members.push(ty);
            }
            if matches!(schema.items, Sub::Schema(_) | Sub::Any)
                || a.max_items.is_some_and(|m| m as usize > members.len())
            {
                self.diags.warning(
                    schema.pointer.clone(),
                    "a tuple (`prefixItems`) that also allows further items is generated as a fixed-size tuple",
                );
            }
            let mut lowered = Lowered::plain(TypeRef::Tuple(members));
            lowered.checks.members = member_checks;
            return lowered;
        }
        let item = match &schema.items {
            // The tuple was given up: its members say nothing about the list's items.
            _ if tuple_contradicts_bounds => Lowered::plain(TypeRef::Prim(Prim::Json)),
            Sub::Schema(pointer) => {
                let item_ctx = ctx.nested("Item", &ctx.label);
                self.lower_value(pointer, &item_ctx)
            }
            Sub::Never => Lowered::any("The spec allows no items here."),
            Sub::Any | Sub::Absent => Lowered::plain(TypeRef::Prim(Prim::Json)),
        };
        let mut item_ty = item.ty;
        if item.nullable {
            item_ty = TypeRef::Option(Box::new(item_ty));
        }
        let mut lowered = Lowered::plain(TypeRef::Vec(Box::new(item_ty)));
        lowered.notes = item.notes;
        if !item.checks.is_empty() {
            lowered.checks.items = Some(Box::new(item.checks));
        }
        if let Some(min) = a.min_items {
            lowered.checks.here.push(Check::MinItems(min));
        }
        if let Some(max) = a.max_items {
            lowered.checks.here.push(Check::MaxItems(max));
        }
        if a.unique_items {
            lowered.checks.here.push(Check::UniqueItems);
        }
        if let Some(contains) = &schema.contains {
            let allowed = self.resolved_schema(contains).and_then(|c| {
                match (&c.const_value, &c.enum_values) {
                    (Some(value), _) => Some(vec![value.to_string()]),
                    (None, Some(values)) => Some(values.iter().map(Value::to_string).collect()),
                    _ => None,
                }
            });
            match allowed {
                Some(allowed) => lowered.checks.here.push(Check::Contains {
                    allowed,
                    min: schema.min_contains.unwrap_or(1),
                    max: schema.max_contains,
                }),
                None => self.diags.warning(
                    child(&schema.pointer, "contains"),
                    "`contains` is checked only when its schema is a `const` or an `enum`; not checked here",
                ),
            }
        } else if schema.min_contains.is_some() || schema.max_contains.is_some() {
            self.diags.warning(
                schema.pointer.clone(),
                "`minContains`/`maxContains` without `contains` have no effect; ignored",
            );
        }
        lowered
    }

    /// An object without properties: a map (`additionalProperties`, `patternProperties`)
    /// or any JSON object.
    fn lower_map(&mut self, schema: &Schema, ctx: &Ctx) -> Lowered {
        let a = &schema.assertions;
        let mut key_patterns = Vec::new();
        let patterns = schema.pattern_properties.as_slice();
        // A key that matches no pattern falls to `additionalProperties` (absent: anything
        // goes), so patterns restrict keys only next to `additionalProperties: false`.
        let value_pointer = match (&schema.additional, patterns) {
            (_, []) => match &schema.additional {
                Sub::Schema(pointer) => Some(pointer.clone()),
                _ => None,
            },
            (Sub::Schema(pointer), _) => {
                self.diags.warning(
                    child(&schema.pointer, "patternProperties"),
                    "`patternProperties` next to an `additionalProperties` schema: values are read as `additionalProperties`, not checked against the patterns' schemas",
                );
                Some(pointer.clone())
            }
            (Sub::Never, [(pattern, pointer)]) => {
                key_patterns.push(pattern.clone());
                Some(pointer.clone())
            }
            (Sub::Never, several) => {
                // Every key must match one of them.
                let any: Vec<String> = several.iter().map(|(p, _)| format!("(?:{p})")).collect();
                key_patterns.push(any.join("|"));
                self.diags.warning(
                    child(&schema.pointer, "patternProperties"),
                    "several `patternProperties`: values are `serde_json::Value`; keys must match one of the patterns",
                );
                None
            }
            (Sub::Absent | Sub::Any, _) => {
                self.diags.warning(
                    child(&schema.pointer, "patternProperties"),
                    "`patternProperties` without `additionalProperties: false`: other keys may hold anything, so values are `serde_json::Value` and not checked against the patterns' schemas",
                );
                None
            }
        };
        if let Some(names_pointer) = &schema.property_names {
            let names = self.read_schema(names_pointer);
            if let Some(pattern) = &names.assertions.pattern {
                key_patterns.push(pattern.clone());
            }
            let mut others = names.assertions.clone();
            others.pattern = None;
            if !others.is_empty() || names.enum_values.is_some() || names.const_value.is_some() {
                self.diags.warning(
                    names_pointer.clone(),
                    "only `pattern` is checked on `propertyNames`; its other keywords are not",
                );
            }
        }
        if !schema.dependent_required.is_empty() {
            self.diags.warning(
                child(&schema.pointer, "dependentRequired"),
                "`dependentRequired` is not checked by the generated code",
            );
        }
        let mut lowered = match value_pointer {
            Some(pointer) => {
                let value_ctx = ctx.nested("Value", &ctx.label);
                let value = self.lower_value(&pointer, &value_ctx);
                let mut value_ty = value.ty;
                if value.nullable {
                    value_ty = TypeRef::Option(Box::new(value_ty));
                }
                let mut lowered = Lowered::plain(TypeRef::Map(Box::new(value_ty)));
                if !value.checks.is_empty() {
                    lowered.checks.values = Some(Box::new(value.checks));
                }
                lowered
            }
            None if key_patterns.is_empty() => Lowered::plain(TypeRef::Prim(Prim::JsonObject)),
            None => Lowered::plain(TypeRef::Map(Box::new(TypeRef::Prim(Prim::Json)))),
        };
        for pattern in key_patterns {
            if regress::Regex::new(&pattern).is_ok() {
                lowered.checks.here.push(Check::KeyPattern(pattern));
            } else {
                self.diags.warning(
                    schema.pointer.clone(),
                    format!("invalid key pattern `{pattern}`; not checked"),
                );
            }
        }
        if let Some(min) = a.min_properties {
            lowered.checks.here.push(Check::MinProperties(min));
        }
        // `additionalProperties: false` with nothing declared or patterned: only `{}`.
        let only_empty = schema.additional == Sub::Never
            && patterns.is_empty()
            && schema.property_names.is_none();
        let max_properties = match (a.max_properties, only_empty) {
            (_, true) => Some(0),
            (max, false) => max,
        };
        if let Some(max) = max_properties {
            lowered.checks.here.push(Check::MaxProperties(max));
        }
        lowered
    }

    fn lower_enum(&mut self, schema: &Schema, repr: EnumRepr) -> Enum {
        let mut namer = Namer::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        let values = schema.enum_values.clone().unwrap_or_default();
        let mut seen: Vec<&Value> = Vec::new();
        for value in values.iter().filter(|v| !v.is_null()) {
            if seen.contains(&value) {
                continue;
            }
            seen.push(value);
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let candidate = match repr {
                EnumRepr::Integer => {
                    let trimmed = text.trim_start_matches('-');
                    let sign = if text.starts_with('-') { "Minus" } else { "" };
                    format!("{sign}V{trimmed}")
                }
                EnumRepr::String => names::variant_name(&text),
            };
            variants.push(EnumVariant {
                rust_name: namer.claim(&candidate),
                value: value.clone(),
            });
        }
        Enum { repr, variants }
    }

    /// A struct from `properties` (and, for `allOf`, the properties of every member).
    fn lower_struct(&mut self, schema: &Schema, ctx: &Ctx) -> Struct {
        let mut parts = Vec::new();
        self.collect_object_parts(schema, &mut parts, &mut std::collections::HashSet::new(), 0);
        let mut properties: Vec<(String, String)> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional = Sub::Absent;
        // Patterns of any part: keys matching them are allowed whatever `additionalProperties` says.
        let patterned: Vec<String> = parts
            .iter()
            .filter(|part| !part.pattern_properties.is_empty())
            .map(|part| part.pointer.clone())
            .collect();

        for part in &parts {
            for (name, pointer) in &part.properties {
                if let Some(existing) = properties.iter_mut().find(|(n, _)| n == name) {
                    existing.1 = pointer.clone();
                } else {
                    properties.push((name.clone(), pointer.clone()));
                }
            }
            required.extend(part.required.iter().cloned());
            if part.additional != Sub::Absent {
                additional = part.additional.clone();
            }
        }
        let mut field_names = Namer::new();
        let mut fields = Vec::new();
        for (wire_name, pointer) in properties {
            let field_ctx = ctx.nested(&wire_name, &wire_name);
            let property = self.read_schema(&pointer);
            let lowered = self.lower_read(&property, &field_ctx);
            let notes = lowered.notes.clone();
            let nullable = lowered.nullable;
            let ty = self.finish_position(
                Lowered {
                    nullable: false,
                    ..lowered
                },
                &field_ctx,
                &pointer,
                false,
            );
            let listed = required.contains(&wire_name);
            let optional = !listed || property.read_only || property.write_only;
            let mut docs = crate::ir::Docs {
                text: property.doc_text(),
                pointer: pointer.clone(),
                notes,
            };
            if listed && (property.read_only || property.write_only) {
                let which = if property.read_only {
                    "read-only"
                } else {
                    "write-only"
                };
                docs.notes.push(format!(
                    "Required in the spec but {which}, so optional here: the same type serves requests and responses."
                ));
            }
            if let Some(default) = &property.default {
                docs.notes.push(format!("Default: `{default}`."));
            }
            docs.notes.extend(example_note(&property));
            fields.push(Field {
                rust_name: field_names.claim_rust(&names::snake_name(&wire_name)),
                wire_name,
                ty,
                optional,
                nullable,
                asked: super::audit::asked(&property),
                docs,
            });
        }
        // A name `required` lists without a schema in `properties`: the key must be there,
        // with any value (JSON Schema), so it is a field of any JSON.
        let mut undeclared: Vec<&String> = Vec::new();
        for name in &required {
            let declared = fields.iter().any(|f: &Field| &f.wire_name == name);
            if !declared && !undeclared.contains(&name) {
                undeclared.push(name);
            }
        }
        for name in undeclared {
            fields.push(Field {
                rust_name: field_names.claim_rust(&names::snake_name(name)),
                wire_name: name.clone(),
                ty: TypeRef::Prim(Prim::Json),
                optional: false,
                nullable: false,
                asked: Vec::new(),
                docs: crate::ir::Docs {
                    text: String::new(),
                    pointer: schema.pointer.clone(),
                    notes: vec![
                        "Required by the spec, which gives it no schema: any JSON value."
                            .to_owned(),
                    ],
                },
            });
        }
        // A key that matches a `patternProperties` pattern is allowed even with
        // `additionalProperties: false`, so unknown keys can only be refused without them.
        let deny_unknown = additional == Sub::Never && patterned.is_empty();
        for pointer in &patterned {
            let what = match additional {
                Sub::Schema(_) => "their values are read as `additionalProperties`, not checked against the patterns' schemas",
                _ => "keys matching them are accepted and not kept (a struct has no field for them)",
            };
            self.diags.warning(
                child(pointer, "patternProperties"),
                format!("`patternProperties` next to `properties`: {what}"),
            );
        }
        let extra = match additional {
            Sub::Schema(pointer) => {
                let extra_ctx = ctx.nested("Extra", &ctx.label);
                let lowered = self.lower_value(&pointer, &extra_ctx);
                let ty = self.finish_position(lowered, &extra_ctx, &pointer, false);
                Some(ty)
            }
            _ => None,
        };
        Struct {
            fields,
            extra,
            deny_unknown,
        }
    }

    /// The members of an `allOf` (recursively, references followed) that add properties.
    fn collect_object_parts(
        &mut self,
        schema: &Schema,
        parts: &mut Vec<Schema>,
        seen: &mut std::collections::HashSet<String>,
        depth: usize,
    ) {
        // A member met before (diamonds, or `allOf` reaching itself) adds nothing new;
        // skipping it also keeps self-references from recursing exponentially.
        if !seen.insert(schema.pointer.clone()) {
            return;
        }
        if depth > 32 {
            self.diags.warning(
                schema.pointer.clone(),
                "`allOf` nested too deeply; stopped merging here",
            );
            return;
        }
        for member in schema.all_of.clone() {
            let Some(member) = self.resolved_schema(&member) else {
                continue;
            };
            self.collect_object_parts(&member, parts, seen, depth + 1);
        }
        parts.push(schema.clone());
    }

    /// The schema at `pointer` with `$ref`s followed (None, with a warning, when broken).
    pub(crate) fn resolved_schema(&mut self, pointer: &str) -> Option<Rc<Schema>> {
        match refs::resolve(&self.doc.root, pointer) {
            Ok(target) => Some(self.read_schema(&target)),
            Err(error) => {
                self.diags
                    .warning(pointer.to_owned(), format!("{}; ignored", error.message()));
                None
            }
        }
    }

    fn all_of_plan(&mut self, schema: &Schema) -> AllOfPlan {
        let mut substantive = Vec::new();
        let mut objects = 0usize;
        for member in &schema.all_of {
            let Some(member_schema) = self.member_schema(member) else {
                continue;
            };
            if is_annotation_only(&member_schema) {
                continue;
            }
            if is_object_like(&member_schema) {
                objects += 1;
            }
            substantive.push(member.clone());
        }
        let own_object = !schema.properties.is_empty() || schema.additional != Sub::Absent;
        if substantive.len() == 1 && !own_object {
            return AllOfPlan::Single(substantive.remove(0));
        }
        if objects == substantive.len() || (own_object && objects + 1 >= substantive.len()) {
            return AllOfPlan::Merge;
        }
        AllOfPlan::Unsupported
    }

    fn lower_all_of_value(&mut self, schema: &Schema, ctx: &Ctx) -> Lowered {
        match self.all_of_plan(schema) {
            AllOfPlan::Single(member) => {
                let mut lowered = self.lower_value(&member, ctx);
                lowered.nullable |= schema.nullable;
                lowered
            }
            AllOfPlan::Merge => {
                let id = self.inline_type(schema, ctx);
                let mut lowered = Lowered::plain(TypeRef::Named(id));
                lowered.nullable = schema.nullable;
                lowered
            }
            AllOfPlan::Unsupported => {
                self.diags.warning(
                    child(&schema.pointer, "allOf"),
                    "`allOf` mixes schemas that are not all objects; this schema is `serde_json::Value`",
                );
                Lowered::any("Untyped (`serde_json::Value`): the spec's `allOf` combines non-object schemas.")
            }
        }
    }

    /// A union member with the properties written next to the union merged in (the
    /// variant is `allOf: [the rest of the schema, member]`), read through the cache
    /// under the member's pointer; `None` when the member cannot be an object.
    fn merged_member(&mut self, outer: &Schema, member: &str) -> Option<Rc<Schema>> {
        let target = refs::resolve(&self.doc.root, member).ok()?;
        let resolved = self.read_schema(&target);
        let unions = !resolved.one_of.is_empty() || !resolved.any_of.is_empty();
        if !resolved.admits(JsonType::Object) || unions || resolved.never {
            return None;
        }
        let mut merged = outer.clone();
        merged.pointer = member.to_owned();
        merged.reference = None;
        merged.one_of.clear();
        merged.any_of.clear();
        merged.discriminator = None;
        merged.discriminator_mapping.clear();
        merged.nullable = false;
        merged.types = vec![JsonType::Object];
        if resolved.title.is_some() {
            merged.title = resolved.title.clone();
        }
        if resolved.description.is_some() {
            merged.description = resolved.description.clone();
        }
        if target == member {
            // Written inline: its keywords join the outer ones (its properties win).
            for (name, at) in &resolved.properties {
                merged.properties.retain(|(other, _)| other != name);
                merged.properties.push((name.clone(), at.clone()));
            }
            for name in &resolved.required {
                if !merged.required.contains(name) {
                    merged.required.push(name.clone());
                }
            }
            merged.all_of.extend(resolved.all_of.iter().cloned());
            if resolved.additional != Sub::Absent {
                merged.additional = resolved.additional.clone();
            }
        } else {
            merged.all_of.push(target);
        }
        let merged = Rc::new(merged);
        self.schemas.insert(member.to_owned(), Rc::clone(&merged));
        self.merged_members.insert(member.to_owned());
        Some(merged)
    }

    fn union_members(schema: &Schema) -> Vec<String> {
        let mut members = schema.one_of.clone();
        members.extend(schema.any_of.iter().cloned());
        members
    }

    /// The schema a union member stands for, its `$ref` followed, read through the cache.
    fn member_schema(&mut self, member: &str) -> Option<Rc<Schema>> {
        let target = refs::resolve(&self.doc.root, member).ok()?;
        Some(self.read_schema(&target))
    }

    fn is_null_schema(&mut self, pointer: &str) -> bool {
        self.member_schema(pointer).is_some_and(|s| s.only_null)
    }

    /// `oneOf: [X, {type: null}]` and one-member unions are just `X`.
    fn union_single_member(&mut self, schema: &Schema) -> Option<String> {
        let members: Vec<String> = Self::union_members(schema)
            .into_iter()
            .filter(|m| !self.is_null_schema(m))
            .collect();
        match members.as_slice() {
            [single] if schema.properties.is_empty() => Some(single.clone()),
            _ => None,
        }
    }

    /// A union admits `null` when a member is the null schema or is itself nullable
    /// (`{type: object, nullable: true}` in 3.0, `type: [object, "null"]` in 3.1).
    fn union_admits_null(&mut self, schema: &Schema) -> bool {
        Self::union_members(schema).iter().any(|member| {
            self.member_schema(member)
                .is_some_and(|m| m.only_null || m.nullable)
        })
    }

    /// `oneOf`/`anyOf`, or a multi-type `type` list.
    fn lower_union(&mut self, schema: &Schema, ctx: &Ctx) -> (Union, bool) {
        let mut namer = Namer::new();
        let mut variants = Vec::new();
        let mut nullable = schema.nullable;
        let members = Self::union_members(schema);
        if members.is_empty() {
            // A type list: one variant per type.
            for ty in &schema.types {
                let mut single = schema.clone();
                single.types = vec![*ty];
                let name = namer.claim(type_word(*ty));
                let variant_ctx = ctx.nested(&name, &ctx.label);
                let lowered = self.lower_schema_value(&single, &variant_ctx);
                let ty = self.finish_position(lowered, &variant_ctx, &schema.pointer, false);
                variants.push(UnionVariant {
                    rust_name: name,
                    ty,
                    tags: Vec::new(),
                });
            }
            return (
                Union {
                    variants,
                    discriminator: None,
                },
                nullable,
            );
        }
        let mut unmerged = false;
        for (index, member) in members.iter().enumerate() {
            if self.is_null_schema(member) {
                nullable = true;
                continue;
            }
            // As written (for the variant's name and tags), then as lowered.
            let written = self.read_schema(member);
            let member_schema =
                if schema.properties.is_empty() || self.merged_members.contains(member) {
                    Rc::clone(&written)
                } else {
                    match self.merged_member(schema, member) {
                        Some(merged) => merged,
                        None => {
                            unmerged = true;
                            Rc::clone(&written)
                        }
                    }
                };
            let target = written
                .reference
                .as_ref()
                .and_then(|_| refs::resolve(&self.doc.root, member).ok());
            let candidate = match &target {
                Some(target) => name_from_pointer(&self.doc.root, target),
                None => match written.title.as_deref() {
                    Some(title) if !title.trim().is_empty() => names::type_name(title),
                    _ => match written.types.as_slice() {
                        [ty] if !matches!(ty, JsonType::Object) => type_word(*ty).to_owned(),
                        _ => format!("Variant{index}"),
                    },
                },
            };
            let name = namer.claim(&candidate);
            let variant_ctx = ctx.nested(&name, &ctx.label);
            let lowered = self.lower_read(&member_schema, &variant_ctx);
            if lowered.nullable {
                nullable = true;
            }
            let ty = self.finish_position(
                Lowered {
                    nullable: false,
                    ..lowered
                },
                &variant_ctx,
                member,
                false,
            );
            let mut tags = Vec::new();
            if schema.discriminator.is_some() {
                if let Some(target) = &target {
                    tags = schema
                        .discriminator_mapping
                        .iter()
                        .filter(|(_, to)| to == target)
                        .map(|(tag, _)| tag.clone())
                        .collect();
                    if tags.is_empty() {
                        if let Some(last) = refs::split_pointer(target).last() {
                            tags.push(last.clone());
                        }
                    }
                }
            }
            variants.push(UnionVariant {
                rust_name: name,
                ty: TypeRef::Box(Box::new(ty)),
                tags,
            });
        }
        if unmerged {
            self.diags.warning(
                schema.pointer.clone(),
                "properties next to `oneOf`/`anyOf` are merged into the object variants only; a variant that cannot be an object does not carry them",
            );
        }
        let discriminator = schema
            .discriminator
            .clone()
            .filter(|_| variants.iter().all(|v| !v.tags.is_empty()));
        // Variants start boxed (unions are often recursive and large); unbox small ones.
        for variant in &mut variants {
            if let TypeRef::Box(inner) = &variant.ty {
                if !matches!(inner.as_ref(), TypeRef::Named(_)) {
                    variant.ty = (**inner).clone();
                }
            }
        }
        (
            Union {
                variants,
                discriminator,
            },
            nullable,
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Struct,
    Enum(EnumRepr),
    Union,
    Value,
}

enum AllOfPlan {
    Single(String),
    Merge,
    Unsupported,
}

fn enum_repr(values: &[Value], schema: &Schema) -> Option<EnumRepr> {
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if non_null.is_empty() {
        return None;
    }
    if non_null.iter().all(|v| v.is_string())
        && (schema.types.is_empty() || schema.admits(JsonType::String))
    {
        return Some(EnumRepr::String);
    }
    if non_null.iter().all(|v| v.is_i64())
        && (schema.types.is_empty()
            || schema.admits(JsonType::Integer)
            || schema.admits(JsonType::Number))
    {
        return Some(EnumRepr::Integer);
    }
    None
}

fn json_type_of(value: &Value) -> JsonType {
    match value {
        Value::String(_) => JsonType::String,
        Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
        Value::Number(_) => JsonType::Number,
        Value::Bool(_) => JsonType::Boolean,
        Value::Array(_) => JsonType::Array,
        Value::Object(_) | Value::Null => JsonType::Object,
    }
}

fn type_word(ty: JsonType) -> &'static str {
    match ty {
        JsonType::String => "String",
        JsonType::Integer => "Integer",
        JsonType::Number => "Number",
        JsonType::Boolean => "Boolean",
        JsonType::Array => "Array",
        JsonType::Object => "Object",
    }
}

/// The type a schema without `type` has, judging by its keywords.
fn infer_type(schema: &Schema) -> Option<JsonType> {
    let a = &schema.assertions;
    let object = !schema.properties.is_empty()
        || schema.additional != Sub::Absent
        || !schema.pattern_properties.is_empty()
        || a.min_properties.is_some()
        || a.max_properties.is_some();
    let array = schema.items != Sub::Absent
        || !schema.prefix_items.is_empty()
        || a.min_items.is_some()
        || a.max_items.is_some();
    let string = a.min_length.is_some()
        || a.max_length.is_some()
        || a.pattern.is_some()
        || schema.format.is_some();
    let number = a.minimum.is_some() || a.maximum.is_some() || a.multiple_of.is_some();
    match (object, array, string, number) {
        (true, false, false, false) => Some(JsonType::Object),
        (false, true, false, false) => Some(JsonType::Array),
        (false, false, true, false) => match schema.format.as_deref() {
            Some("int32" | "int64") => Some(JsonType::Integer),
            Some("float" | "double") => Some(JsonType::Number),
            _ => Some(JsonType::String),
        },
        (false, false, false, true) => Some(JsonType::Number),
        _ => None,
    }
}

fn is_annotation_only(schema: &Schema) -> bool {
    schema.reference.is_none()
        && schema.types.is_empty()
        && schema.properties.is_empty()
        && schema.all_of.is_empty()
        && schema.one_of.is_empty()
        && schema.any_of.is_empty()
        && schema.enum_values.is_none()
        && schema.items == Sub::Absent
        && schema.additional == Sub::Absent
        && schema.assertions.is_empty()
}

fn is_object_like(schema: &Schema) -> bool {
    schema.admits(JsonType::Object)
        && (schema.types.contains(&JsonType::Object)
            || !schema.properties.is_empty()
            || !schema.all_of.is_empty()
            || schema.additional != Sub::Absent)
        && schema.one_of.is_empty()
        && schema.any_of.is_empty()
}

/// A readable type name for the schema at `pointer`: `/components/schemas/Pet` → `Pet`,
/// deeper pointers join their last meaningful tokens.
pub(crate) fn name_from_pointer(root: &Value, pointer: &str) -> String {
    const STRUCTURAL: &[&str] = &[
        "components",
        "schemas",
        "properties",
        "items",
        "content",
        "schema",
        "paths",
        "definitions",
        "$defs",
        "allOf",
        "oneOf",
        "anyOf",
        "additionalProperties",
        "responses",
        "requestBody",
        "requestBodies",
        "parameters",
        "headers",
    ];
    let tokens = refs::split_pointer(pointer);
    // Inside an operation: named after the operation and the part (`GetBResponse`).
    if tokens.len() >= 4 && tokens[0] == "paths" {
        if let Some(operation) = operation_name_at(root, &tokens) {
            let part = if tokens.contains(&"responses".to_owned()) {
                "Response"
            } else if tokens.contains(&"requestBody".to_owned()) {
                "Request"
            } else {
                "Param"
            };
            let tail: String = tokens[3..]
                .iter()
                .skip_while(|t| *t != "schema")
                .filter(|t| !STRUCTURAL.contains(&t.as_str()) && t.parse::<usize>().is_err())
                .map(|t| names::type_name(t))
                .collect();
            return format!("{operation}{part}{tail}");
        }
    }
    let meaningful: Vec<&String> = tokens
        .iter()
        .filter(|t| {
            !STRUCTURAL.contains(&t.as_str()) && !t.contains('/') && t.parse::<usize>().is_err()
        })
        .collect();
    let take = if tokens.len() == 3 && tokens[0] == "components" {
        1
    } else {
        2
    };
    let start = meaningful.len().saturating_sub(take);
    let joined: String = meaningful[start..]
        .iter()
        .map(|t| names::type_name(t))
        .collect();
    if joined.is_empty() {
        "Schema".to_owned()
    } else {
        joined
    }
}

/// `Example: ...` for the docs, from `example`/`examples` (first two, compact JSON).
fn example_note(schema: &Schema) -> Option<String> {
    if schema.examples.is_empty() {
        return None;
    }
    let shown: Vec<String> = schema
        .examples
        .iter()
        .take(2)
        .map(|example| {
            let text = example.to_string().replace('`', "'");
            if text.chars().count() > 200 {
                let cut: String = text.chars().take(200).collect();
                format!("`{cut}…`")
            } else {
                format!("`{text}`")
            }
        })
        .collect();
    let label = if shown.len() > 1 {
        "Examples"
    } else {
        "Example"
    };
    Some(format!("{label}: {}", shown.join(", ")))
}

/// The type-name form of the operation a `/paths/{path}/{method}/...` pointer is in.
fn operation_name_at(root: &Value, tokens: &[String]) -> Option<String> {
    let method = tokens.get(2)?;
    if !crate::ir::Method::ALL.iter().any(|(key, _)| key == method) {
        return None;
    }
    let pointer = format!("/paths/{}/{method}", crate::diag::escape_token(&tokens[1]));
    let id = refs::get(root, &pointer)?
        .get("operationId")
        .and_then(Value::as_str);
    Some(match id {
        Some(id) => names::type_name(&names::method_name_candidates(id).0),
        None => names::type_name(&names::method_name_from_path(method, &tokens[1])),
    })
}

/// Object keywords a struct type cannot carry itself (`minProperties`, `maxProperties`,
/// `dependentRequired`): checked where the struct is used, through its JSON form.
fn object_checks(schema: &Schema) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(min) = schema.assertions.min_properties {
        checks.push(Check::MinProperties(min));
    }
    if let Some(max) = schema.assertions.max_properties {
        checks.push(Check::MaxProperties(max));
    }
    if !schema.dependent_required.is_empty() {
        checks.push(Check::DependentRequired(schema.dependent_required.clone()));
    }
    checks
}
