//! Values from schemas: one the schema allows (required properties only, or every
//! property), and variants that sit just inside and just outside each bound, pattern,
//! enum, required set and type. Nothing here decides validity: the reference validator
//! does, so a crude variant is still a fair question to both sides.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use super::spec::Spec;

/// How much of a schema a synthesized value covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Required properties only (what a request needs).
    Required,
    /// Every property, down to a depth (what exercises decoding).
    All,
}

pub struct Synth<'a> {
    spec: &'a Spec,
    coverage: Coverage,
    /// Requests leave out `readOnly` properties; responses `writeOnly` ones.
    for_request: bool,
    /// Take the schemas' own examples and defaults where they are (they may break the
    /// schema: the caller validates and falls back to a value built without them).
    use_examples: bool,
    rng: StdRng,
}

const MAX_DEPTH: usize = 12;
/// Optional properties are left out below this depth (recursive schemas).
const OPTIONAL_DEPTH: usize = 3;

impl<'a> Synth<'a> {
    pub fn new(spec: &'a Spec, coverage: Coverage, for_request: bool) -> Self {
        Self {
            spec,
            coverage,
            for_request,
            use_examples: true,
            rng: StdRng::seed_from_u64(0x5eed),
        }
    }

    /// The same, building every value from the schema's keywords alone.
    pub fn without_examples(mut self) -> Self {
        self.use_examples = false;
        self
    }

    /// A value for the schema at `pointer`, or `None` when none could be built (a
    /// recursion with required properties, a `false` schema, ...).
    pub fn value(&mut self, pointer: &str) -> Option<Value> {
        self.at(pointer, 0)
    }

    fn at(&mut self, pointer: &str, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pointer = self.spec.resolve_pointer(pointer);
        let schema = self.spec.at(&pointer)?.clone();
        let Value::Object(map) = &schema else {
            return match schema {
                Value::Bool(true) => Some(json!("any")),
                _ => None,
            };
        };
        if let Some(value) = map.get("const") {
            return Some(value.clone());
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            return values
                .iter()
                .find(|v| !v.is_null())
                .or(values.first())
                .cloned();
        }
        if self.use_examples {
            if let Some(example) = example_of(map) {
                return Some(example);
            }
            if let Some(default) = map.get("default") {
                return Some(default.clone());
            }
        }
        if let Some(members) = map.get("allOf").and_then(Value::as_array) {
            return self.all_of(&pointer, map, members.len(), depth);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(members) = map.get(keyword).and_then(Value::as_array) {
                for i in 0..members.len() {
                    let member = format!("{pointer}/{keyword}/{i}");
                    if self.is_null_schema(&member) {
                        continue;
                    }
                    if let Some(mut value) = self.at(&member, depth + 1) {
                        self.tag(map, &member, &mut value);
                        return Some(value);
                    }
                }
                return None;
            }
        }
        match schema_type(map).as_deref() {
            Some("string") => Some(self.string(map)),
            Some("integer") => Some(number(map, true)),
            Some("number") => Some(number(map, false)),
            Some("boolean") => Some(Value::Bool(true)),
            Some("null") => Some(Value::Null),
            Some("array") => self.array(&pointer, map, depth),
            Some("object") => self.object(&pointer, map, depth),
            _ => Some(json!("any")),
        }
    }

    fn is_null_schema(&self, pointer: &str) -> bool {
        self.spec
            .resolved(pointer)
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            == Some("null")
    }

    /// Sets a discriminator's property to the tag that names `member`.
    fn tag(&self, map: &Map<String, Value>, member: &str, value: &mut Value) {
        let Some(discriminator) = map.get("discriminator") else {
            return;
        };
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        let target = self
            .spec
            .at(member)
            .and_then(|m| m.get("$ref"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(target) = target else { return };
        let mapped = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .and_then(|m| {
                m.iter()
                    .find(|(_, v)| v.as_str() == Some(target.as_str()))
                    .map(|(k, _)| k.clone())
            });
        let tag = mapped.unwrap_or_else(|| target.rsplit('/').next().unwrap_or("").to_owned());
        if let Value::Object(object) = value {
            object.insert(property.to_owned(), Value::from(tag));
        }
    }

    fn all_of(
        &mut self,
        pointer: &str,
        map: &Map<String, Value>,
        count: usize,
        depth: usize,
    ) -> Option<Value> {
        let mut merged = Map::new();
        let mut scalar = None;
        for i in 0..count {
            match self.at(&format!("{pointer}/allOf/{i}"), depth + 1)? {
                Value::Object(part) => merged.extend(part),
                other => scalar = Some(other),
            }
        }
        // Siblings of `allOf` (properties next to it) count too.
        if map.contains_key("properties") {
            if let Some(Value::Object(own)) = self.object(pointer, map, depth) {
                merged.extend(own);
            }
        }
        match scalar {
            Some(value) if merged.is_empty() => Some(value),
            _ => Some(Value::Object(merged)),
        }
    }

    fn string(&mut self, map: &Map<String, Value>) -> Value {
        let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = map
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            if let Some(text) = self.matching(pattern, min, max) {
                return Value::from(text);
            }
        }
        let text = match map.get("format").and_then(Value::as_str).unwrap_or("") {
            "date-time" => "2024-01-02T03:04:05Z",
            "date" => "2024-01-02",
            "time" => "03:04:05Z",
            "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "email" => "user@example.com",
            "uri" | "url" | "uri-reference" | "iri" => "https://example.com/x",
            "hostname" => "example.com",
            "ipv4" => "192.0.2.1",
            "ipv6" => "2001:db8::1",
            "byte" => "aGVsbG8=",
            "duration" => "P1D",
            "regex" => "a+",
            _ => "string",
        };
        let mut text = text.to_owned();
        while text.chars().count() < min {
            text.push('a');
        }
        if let Some(max) = max {
            text = text.chars().take(max).collect();
        }
        Value::from(text)
    }

    /// A string matching an ECMAScript `pattern` (searched, not anchored: as JSON Schema
    /// reads it), within the length bounds, if the regex generator can make one.
    fn matching(&mut self, pattern: &str, min: usize, max: Option<usize>) -> Option<String> {
        let body = pattern.strip_prefix('^').unwrap_or(pattern);
        let body = body.strip_suffix('$').unwrap_or(body);
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(true)
            .build()
            .parse(body)
            .ok()?;
        let generator = rand_regex::Regex::with_hir(hir, 8).ok()?;
        let check = regress::Regex::new(pattern).ok()?;
        // Printable text first: `\s` may come out as a form feed, which no header carries.
        let mut fallback = None;
        for _ in 0..64 {
            let text: String = self.rng.sample(&generator);
            let len = text.chars().count();
            if len >= min && max.is_none_or(|m| len <= m) && check.find(&text).is_some() {
                if !text.chars().any(char::is_control) {
                    return Some(text);
                }
                fallback.get_or_insert(text);
            }
        }
        fallback
    }

    fn array(&mut self, pointer: &str, map: &Map<String, Value>, depth: usize) -> Option<Value> {
        let min = map.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = map
            .get("maxItems")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        if let Some(prefix) = map.get("prefixItems").and_then(Value::as_array) {
            let mut items = Vec::new();
            for i in 0..prefix.len() {
                items.push(self.at(&format!("{pointer}/prefixItems/{i}"), depth + 1)?);
            }
            return Some(Value::Array(items));
        }
        let count = min.max(1).min(max.unwrap_or(usize::MAX));
        let mut items = Vec::new();
        if map.contains_key("items") {
            let item_pointer = format!("{pointer}/items");
            let unique = map.get("uniqueItems").and_then(Value::as_bool) == Some(true);
            let choices = self
                .spec
                .resolved(&item_pointer)
                .and_then(|s| s.get("enum"))
                .and_then(Value::as_array)
                .cloned();
            for i in 0..count {
                let item = match &choices {
                    Some(values) if unique => values.get(i).cloned()?,
                    _ => {
                        let item = self.at(&item_pointer, depth + 1)?;
                        if unique {
                            distinct(item, i)
                        } else {
                            item
                        }
                    }
                };
                items.push(item);
            }
        } else {
            items.extend((0..count).map(|i| json!(format!("item{i}"))));
        }
        Some(Value::Array(items))
    }

    fn object(&mut self, pointer: &str, map: &Map<String, Value>, depth: usize) -> Option<Value> {
        let required: Vec<String> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = map.get("properties").and_then(Value::as_object) {
            for (name, _) in properties {
                let is_required = required.contains(name);
                let wanted =
                    is_required || (self.coverage == Coverage::All && depth < OPTIONAL_DEPTH);
                if !wanted {
                    continue;
                }
                let property = format!(
                    "{pointer}/properties/{}",
                    codegen::pointer::escape_token(name)
                );
                let resolved = self.spec.resolved(&property);
                let flag = |key: &str| {
                    resolved.and_then(|s| s.get(key)).and_then(Value::as_bool) == Some(true)
                };
                if !is_required
                    && (if self.for_request {
                        flag("readOnly")
                    } else {
                        flag("writeOnly")
                    })
                {
                    continue;
                }
                match self.at(&property, depth + 1) {
                    Some(value) => {
                        out.insert(name.clone(), value);
                    }
                    None if is_required => return None,
                    None => {}
                }
            }
        }
        // Required names without a property schema: any value does.
        for name in &required {
            out.entry(name.clone()).or_insert_with(|| json!("any"));
        }
        let min = map
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        if out.len() < min {
            let extra = match map.get("additionalProperties") {
                Some(Value::Object(_)) => {
                    self.at(&format!("{pointer}/additionalProperties"), depth + 1)
                }
                Some(Value::Bool(false)) => None,
                _ => Some(json!("any")),
            };
            if let Some(extra) = extra {
                let mut i = 0;
                while out.len() < min {
                    out.insert(format!("key{i}"), extra.clone());
                    i += 1;
                }
            }
        }
        Some(Value::Object(out))
    }
}

/// The schema's own example (3.0 `example`, 3.1 `examples[0]`).
pub fn example_of(map: &Map<String, Value>) -> Option<Value> {
    map.get("example").cloned().or_else(|| {
        map.get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .cloned()
    })
}

/// The schema's type: `type` (the first non-null of a list), or one its keywords imply.
fn schema_type(map: &Map<String, Value>) -> Option<String> {
    match map.get("type") {
        Some(Value::String(ty)) => Some(ty.clone()),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .or_else(|| types.first().and_then(Value::as_str))
            .map(str::to_owned),
        _ if map.contains_key("properties") || map.contains_key("additionalProperties") => {
            Some("object".to_owned())
        }
        _ if map.contains_key("items") || map.contains_key("prefixItems") => {
            Some("array".to_owned())
        }
        _ if map.contains_key("pattern") || map.contains_key("minLength") => {
            Some("string".to_owned())
        }
        _ if map.contains_key("minimum") || map.contains_key("maximum") => {
            Some("number".to_owned())
        }
        _ => None,
    }
}

/// A number within `minimum`/`maximum` (exclusive bounds in either dialect) and a
/// multiple of `multipleOf`, as close to the lower bound (or 1) as allowed.
fn number(map: &Map<String, Value>, integer: bool) -> Value {
    let get = |k: &str| map.get(k).and_then(Value::as_f64);
    let flag = |k: &str| map.get(k).and_then(Value::as_bool) == Some(true);
    let step = if integer { 1.0 } else { 0.5 };
    let lower = match (get("minimum"), get("exclusiveMinimum")) {
        (Some(m), _) if flag("exclusiveMinimum") => Some(m + step),
        (_, Some(m)) => Some(m + step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let upper = match (get("maximum"), get("exclusiveMaximum")) {
        (Some(m), _) if flag("exclusiveMaximum") => Some(m - step),
        (_, Some(m)) => Some(m - step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let mut value = lower.unwrap_or_else(|| upper.map_or(1.0, |u| u.min(1.0)));
    if let Some(divisor) = get("multipleOf").filter(|d| *d > 0.0) {
        value = (value / divisor).ceil() * divisor;
    }
    if integer || value.fract() == 0.0 {
        if let Some(whole) = whole_number(value, !integer || unsigned(map)) {
            return whole;
        }
    }
    json!(value)
}

/// An unsigned integer format (`uint64`, `uint32`): the generated type is unsigned.
fn unsigned(map: &Map<String, Value>) -> bool {
    map.get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| f.starts_with("uint"))
}

/// `value` as a JSON integer when it is one that 64 bits hold exactly (gsmtasks.com
/// writes int64 bounds as `±9223372036854776000`, i.e. ±2^63: -2^63 is `i64::MIN`,
/// 2^63 fits no `i64`).
/// Above `i64::MAX` only when `unsigned` (a `uint64` format).
fn whole_number(value: f64, unsigned: bool) -> Option<Value> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if value.fract() != 0.0 {
        return None;
    }
    if (-TWO_63..TWO_63).contains(&value) {
        Some(Value::from(value as i64))
    } else if unsigned && (0.0..2.0 * TWO_63).contains(&value) {
        Some(Value::from(value as u64))
    } else {
        None
    }
}

/// The `i`-th of several values that must differ (`uniqueItems`).
fn distinct(value: Value, i: usize) -> Value {
    if i == 0 {
        return value;
    }
    match value {
        Value::String(s) => Value::from(format!("{s}{i}")),
        Value::Number(n) => n
            .as_i64()
            .map(|n| Value::from(n + i as i64))
            .unwrap_or_else(|| json!(n.as_f64().unwrap_or(0.0) + i as f64)),
        Value::Object(mut o) => {
            o.insert("_distinct".to_owned(), Value::from(i));
            Value::Object(o)
        }
        other => other,
    }
}

/// The label's end for an enum's variant with a value the enum does not list.
pub const ENUM_MISS: &str = "enum: a value not listed";

/// The label's end for a required property that is `readOnly` or `writeOnly`.
pub const REQUIRED_ONE_WAY: &str = "(read-only or write-only)";

/// The label of the wrong-type variant of a schema without `type`.
pub const UNTYPED_WRONG_TYPE: &str = "the wrong type (the schema has no `type`)";

/// Variants of a valid `base` for the schema at `pointer` that probe its constraints:
/// each bound met exactly and missed by one, a pattern or enum missed, a required
/// property dropped, the wrong type, an unknown property. Each comes with a label.
pub fn variants(spec: &Spec, pointer: &str, base: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    probe(spec, pointer, base, "", &mut out, 0);
    if let (Some(Value::Object(properties)), Value::Object(object)) = (
        spec.resolved(pointer).and_then(|s| s.get("properties")),
        base,
    ) {
        for (name, _) in properties {
            let Some(value) = object.get(name) else {
                continue;
            };
            let child = format!(
                "{}/properties/{}",
                spec.resolve_pointer(pointer),
                codegen::pointer::escape_token(name)
            );
            let mut inner = Vec::new();
            probe(spec, &child, value, name, &mut inner, 1);
            for (label, variant) in inner {
                let mut whole = object.clone();
                whole.insert(name.clone(), variant);
                out.push((label, Value::Object(whole)));
            }
        }
    }
    out
}

fn probe(
    spec: &Spec,
    pointer: &str,
    base: &Value,
    at: &str,
    out: &mut Vec<(String, Value)>,
    depth: usize,
) {
    let Some(Value::Object(map)) = spec.resolved(pointer) else {
        return;
    };
    let label = |what: &str| {
        if at.is_empty() {
            what.to_owned()
        } else {
            format!("{at}: {what}")
        }
    };
    let num = |k: &str| map.get(k).and_then(Value::as_f64);
    let count = |k: &str| map.get(k).and_then(Value::as_u64);
    // Arrays: length bounds.
    if let Value::Array(items) = base {
        let sample = items.first().cloned().unwrap_or(json!("item"));
        let sized = |n: usize| {
            let mut v: Vec<Value> = items.iter().take(n).cloned().collect();
            let mut i = v.len();
            while v.len() < n {
                v.push(distinct(sample.clone(), i));
                i += 1;
            }
            Value::Array(v)
        };
        if let Some(min) = count("minItems") {
            out.push((
                label(&format!("minItems {min}: exactly")),
                sized(min as usize),
            ));
            if min > 0 {
                out.push((
                    label(&format!("minItems {min}: one fewer")),
                    sized(min as usize - 1),
                ));
            }
        }
        if let Some(max) = count("maxItems") {
            out.push((
                label(&format!("maxItems {max}: exactly")),
                sized(max as usize),
            ));
            out.push((
                label(&format!("maxItems {max}: one more")),
                sized(max as usize + 1),
            ));
        }
        if map.get("uniqueItems").and_then(Value::as_bool) == Some(true) && !items.is_empty() {
            let mut twice = items.clone();
            twice.push(items[0].clone());
            out.push((label("uniqueItems: an item twice"), Value::Array(twice)));
        }
    }
    // Strings: length bounds, pattern, format.
    if let Value::String(text) = base {
        let sized = |n: usize| {
            let mut s: String = text.chars().take(n).collect();
            while s.chars().count() < n {
                s.push('a');
            }
            Value::from(s)
        };
        if let Some(min) = count("minLength") {
            out.push((
                label(&format!("minLength {min}: exactly")),
                sized(min as usize),
            ));
            if min > 0 {
                out.push((
                    label(&format!("minLength {min}: one fewer")),
                    sized(min as usize - 1),
                ));
            }
        }
        if let Some(max) = count("maxLength") {
            out.push((
                label(&format!("maxLength {max}: exactly")),
                sized(max as usize),
            ));
            out.push((
                label(&format!("maxLength {max}: one more")),
                sized(max as usize + 1),
            ));
        }
        if map.contains_key("pattern") {
            out.push((label("pattern: a value that breaks it"), json!(" !~")));
        }
    }
    // Numbers: bounds and multipleOf.
    if base.is_number() {
        let integer = map.get("type").and_then(Value::as_str) == Some("integer");
        let step = if integer { 1.0 } else { 0.5 };
        let wide = !integer || unsigned(map);
        let n = |v: f64| whole_number(v, wide).unwrap_or_else(|| json!(v));
        // A variant exists only where it is a number it can be: an integer 64 bits hold,
        // and a step past the bound that `f64` does not round away (2^63 - 1 is 2^63).
        let mut bound = |name: String, v: f64| {
            if integer && whole_number(v, wide).is_none() {
                return;
            }
            out.push((label(&name), n(v)));
        };
        let exclusive_min = map.get("exclusiveMinimum");
        if let Some(min) = num("minimum").or_else(|| exclusive_min.and_then(Value::as_f64)) {
            bound(format!("minimum {min}: at it"), min);
            if min - step != min {
                bound(format!("minimum {min}: below"), min - step);
            }
        }
        let exclusive_max = map.get("exclusiveMaximum");
        if let Some(max) = num("maximum").or_else(|| exclusive_max.and_then(Value::as_f64)) {
            bound(format!("maximum {max}: at it"), max);
            if max + step != max {
                bound(format!("maximum {max}: above"), max + step);
            }
        }
        if let Some(divisor) = num("multipleOf").filter(|d| *d > 0.0) {
            out.push((
                label(&format!("multipleOf {divisor}: a multiple")),
                n(divisor * 3.0),
            ));
            out.push((
                label(&format!("multipleOf {divisor}: not one")),
                n(divisor * 1.5 + 0.25),
            ));
        }
    }
    if map.get("enum").is_some() {
        out.push((label(ENUM_MISS), json!("not-a-listed-value")));
    }
    // Objects: required set, unknown properties.
    if let Value::Object(object) = base {
        if let Some(required) = map.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if object.contains_key(name) {
                    let mut less = object.clone();
                    less.remove(name);
                    let property = format!(
                        "{}/properties/{}",
                        spec.resolve_pointer(pointer),
                        codegen::pointer::escape_token(name)
                    );
                    let flag = |key: &str| {
                        spec.resolved(&property)
                            .and_then(|s| s.get(key))
                            .and_then(Value::as_bool)
                            == Some(true)
                    };
                    let what = if flag("readOnly") || flag("writeOnly") {
                        format!("required `{name}` missing {REQUIRED_ONE_WAY}")
                    } else {
                        format!("required `{name}` missing")
                    };
                    out.push((label(&what), Value::Object(less)));
                }
            }
        }
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            let mut more = object.clone();
            more.insert("unexpectedProperty".to_owned(), json!(1));
            out.push((
                label("additionalProperties false: an unknown property"),
                Value::Object(more),
            ));
        }
    }
    // The wrong type.
    if depth <= 1 && !map.contains_key("type") {
        // JSON Schema accepts any type here; the generated type is what the keywords say.
        out.push((label(UNTYPED_WRONG_TYPE), json!(true)));
    } else if depth <= 1 {
        let wrong = match base {
            Value::String(_) => json!(12345),
            Value::Number(_) | Value::Bool(_) => json!("text"),
            Value::Array(_) | Value::Object(_) => json!(true),
            Value::Null => json!({}),
        };
        out.push((label("the wrong type"), wrong));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schemas: &str) -> Spec {
        Spec::parse(
            &format!(r##"{{"openapi": "3.0.3", "components": {{"schemas": {schemas}}}}}"##),
            "spec.json",
        )
        .expect("parses")
    }

    #[test]
    fn synthesized_values_meet_the_constraints() {
        let spec = spec(
            r##"{"Body": {"type": "object", "required": ["ids", "n", "code"], "properties": {
                "ids": {"type": "array", "minItems": 6, "uniqueItems": true, "items": {"type": "string"}},
                "n": {"type": "integer", "minimum": 3, "exclusiveMinimum": true, "multipleOf": 2},
                "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
                "opt": {"type": "string"}}}}"##,
        );
        let value = Synth::new(&spec, Coverage::Required, true)
            .value("#/components/schemas/Body")
            .expect("a value");
        let ids = value["ids"].as_array().expect("ids");
        assert_eq!(ids.len(), 6);
        let distinct: std::collections::HashSet<_> = ids.iter().map(Value::to_string).collect();
        assert_eq!(distinct.len(), 6, "uniqueItems");
        assert_eq!(value["n"], json!(4));
        let code = value["code"].as_str().expect("code");
        assert!(
            regress::Regex::new("^[A-Z]{3}-[0-9]{2}$")
                .unwrap()
                .find(code)
                .is_some(),
            "{code}"
        );
        assert!(value.get("opt").is_none(), "required only");
    }

    #[test]
    fn variants_probe_each_bound() {
        let spec = spec(
            r##"{"Ids": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "string"}}}"##,
        );
        let base = json!(["a", "b"]);
        let labels: Vec<String> = variants(&spec, "#/components/schemas/Ids", &base)
            .into_iter()
            .map(|(label, value)| format!("{label} = {value}"))
            .collect();
        assert!(
            labels.contains(&"minItems 2: one fewer = [\"a\"]".to_owned()),
            "{labels:?}"
        );
        assert!(
            labels.iter().any(|l| l.starts_with("maxItems 3: one more")),
            "{labels:?}"
        );
    }

    /// gsmtasks.com's int64 bounds, written by JavaScript as ±9223372036854776000 (±2^63):
    /// the value at the minimum is `i64::MIN`, as an integer; nothing lies one past it or
    /// at the maximum that an int64 holds, so no such variant is made.
    #[test]
    fn int64_bounds_written_as_floats_give_integers_an_int64_holds() {
        let spec = spec(
            r##"{"Disk": {"type": "integer", "format": "int64",
                "minimum": -9223372036854776000, "maximum": 9223372036854776000}}"##,
        );
        let pointer = "#/components/schemas/Disk";
        let base = Synth::new(&spec, Coverage::Required, true)
            .value(pointer)
            .expect("a value");
        assert_eq!(base, json!(i64::MIN));
        let labels: Vec<String> = variants(&spec, pointer, &base)
            .into_iter()
            .map(|(label, value)| format!("{label} = {value}"))
            .collect();
        assert!(
            labels
                .iter()
                .any(|l| l.ends_with(&format!("at it = {}", i64::MIN))),
            "{labels:?}"
        );
        assert!(
            !labels
                .iter()
                .any(|l| l.contains("below") || l.contains("maximum")),
            "{labels:?}"
        );
    }
}
