//! Structural mutations of a spec's value tree, each aimed at something the generator reads.

use serde_json::{json, Map, Value};

use super::predicates::{is_container, is_operation, is_parameter, is_path_item, is_schema_like};
use super::random::{
    choose, collide, enum_value, numeric_like, random_pointer, random_schema, random_type,
    random_value, value_of_other_type, weird_string, FORMATS, MEDIA_TYPES, NUMERIC_KEYWORDS,
    PARAM_IN, PARAM_STYLES, PATH_TEMPLATES, PATTERNS, STATUS_CODES, VERSIONS,
};
use super::seeds::Seed;
use super::tree::{
    encode_pointer, escape_token, get, get_mut, key_at, pick, remove_at, rename_at, Seg, SegRef,
};

struct Ctx<'a> {
    root: &'a mut Value,
    rng: &'a mut fastrand::Rng,
    seeds: &'a [Seed],
}

type Mutation = fn(&mut Ctx<'_>) -> bool;

const MUTATIONS: &[(&str, u32, Mutation)] = &[
    ("replace-node", 8, m_replace_node),
    ("delete", 8, m_delete),
    ("duplicate", 5, m_duplicate),
    ("ref", 10, m_ref),
    ("type", 8, m_type),
    ("keyword-3.1", 10, m_keyword),
    ("numbers", 7, m_numbers),
    ("names", 12, m_names),
    ("compose", 7, m_compose),
    ("version", 2, m_version),
    ("splice", 4, m_splice),
    ("operation", 8, m_operation),
    ("pattern-format", 4, m_pattern_format),
    ("default-enum", 5, m_default_enum),
    ("required", 4, m_required),
    ("servers-security", 3, m_servers_security),
    ("string", 5, m_string),
    ("discriminator", 3, m_discriminator),
];

/// Applies one random mutation (retrying a few times when one finds nothing to change);
/// returns its name.
pub(super) fn mutate(root: &mut Value, rng: &mut fastrand::Rng, seeds: &[Seed]) -> &'static str {
    let total: u32 = MUTATIONS.iter().map(|m| m.1).sum();
    let mut cx = Ctx { root, rng, seeds };
    for _ in 0..4 {
        let mut roll = cx.rng.u32(..total);
        let &(name, _, mutation) = MUTATIONS
            .iter()
            .find(|m| {
                if roll < m.1 {
                    true
                } else {
                    roll -= m.1;
                    false
                }
            })
            .unwrap_or(&MUTATIONS[0]);
        if mutation(&mut cx) {
            return name;
        }
    }
    "none"
}

fn pick_in(cx: &mut Ctx<'_>, pred: &dyn Fn(&[SegRef<'_>], &Value) -> bool) -> Option<Vec<Seg>> {
    pick(cx.root, cx.rng, pred)
}

fn set_at(cx: &mut Ctx<'_>, path: &[Seg], value: Value) -> bool {
    match get_mut(cx.root, path) {
        Some(slot) => {
            *slot = value;
            true
        }
        None => false,
    }
}

/// Inserts `key: value` into the object at `path`.
fn insert_at(cx: &mut Ctx<'_>, path: &[Seg], key: &str, value: Value) -> bool {
    match get_mut(cx.root, path) {
        Some(Value::Object(map)) => {
            map.insert(key.to_owned(), value);
            true
        }
        _ => false,
    }
}

fn m_replace_node(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &|p, _| !p.is_empty()) else {
        return false;
    };
    let current = get(cx.root, &path).cloned().unwrap_or(Value::Null);
    let value = value_of_other_type(cx.rng, &current);
    set_at(cx, &path, value)
}

fn m_delete(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &|p, _| !p.is_empty()) else {
        return false;
    };
    remove_at(cx.root, &path).is_some()
}

fn m_duplicate(cx: &mut Ctx<'_>) -> bool {
    let Some(source) = pick_in(cx, &|p, _| !p.is_empty()) else {
        return false;
    };
    let Some(value) = get(cx.root, &source).cloned() else {
        return false;
    };
    let Some(target) = pick_in(cx, &|_, v| is_container(v)) else {
        return false;
    };
    let key = match (source.last(), cx.rng.u8(..3)) {
        (Some(Seg::Key(k)), 0) => k.clone(),
        (_, 1) => match get(cx.root, &target) {
            Some(Value::Object(map)) if !map.is_empty() => map
                .keys()
                .nth(cx.rng.usize(..map.len()))
                .cloned()
                .unwrap_or_default(),
            _ => weird_string(cx.rng),
        },
        _ => weird_string(cx.rng),
    };
    let at = cx.rng.usize(..=4);
    match get_mut(cx.root, &target) {
        Some(Value::Object(map)) => {
            map.insert(key, value);
            true
        }
        Some(Value::Array(items)) => {
            items.insert(at.min(items.len()), value);
            true
        }
        _ => false,
    }
}

fn m_ref(cx: &mut Ctx<'_>) -> bool {
    let existing = if cx.rng.u8(..10) < 7 {
        pick_in(cx, &|p, v| key_at(p, 1) == Some("$ref") && v.is_string())
    } else {
        None
    };
    let holder = match existing {
        Some(mut path) => {
            path.pop();
            path
        }
        None => {
            let schema = cx.rng.u8(..4) != 0;
            let found = if schema {
                pick_in(cx, &is_schema_like)
            } else {
                pick_in(cx, &|_, v| v.is_object())
            };
            let Some(path) = found else {
                return false;
            };
            path
        }
    };
    let pointer = random_pointer(cx.rng, cx.root, &holder);
    let value = if cx.rng.u8(..12) == 0 {
        random_value(cx.rng, 1)
    } else {
        Value::String(pointer)
    };
    if cx.rng.u8(..6) == 0 {
        // A $ref with siblings (allowed in 3.1, ignored in 3.0).
        let sibling = choose(
            cx.rng,
            &["description", "type", "nullable", "properties", "default"],
        );
        let extra = random_value(cx.rng, 1);
        insert_at(cx, &holder, sibling, extra);
    }
    insert_at(cx, &holder, "$ref", value)
}

fn m_type(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let value = random_type(cx.rng);
    insert_at(cx, &path, "type", value)
}

fn m_keyword(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let root: &Value = cx.root;
    let rng = &mut *cx.rng;
    let extension = format!("x-{}", weird_string(rng));
    let schema = |rng: &mut fastrand::Rng| random_schema(rng, root, &path, 2);
    let entries: Vec<(&str, Value)> = match rng.u8(..28) {
        0 => vec![("const", random_value(rng, 2))],
        1 => vec![(
            "prefixItems",
            Value::Array((0..rng.usize(0..4)).map(|_| schema(rng)).collect()),
        )],
        2 => {
            let mut out = vec![("if", schema(rng))];
            if rng.bool() {
                out.push(("then", schema(rng)));
            }
            if rng.bool() {
                out.push(("else", schema(rng)));
            }
            out
        }
        3 => {
            let name = weird_string(rng);
            let pointer = format!("{}/$defs/{}", encode_pointer(&path), escape_token(&name));
            let inner = if rng.bool() {
                json!({ "$ref": pointer })
            } else {
                schema(rng)
            };
            vec![("$defs", json!({ name: inner }))]
        }
        4 => vec![(
            "patternProperties",
            json!({ choose(rng, PATTERNS): schema(rng) }),
        )],
        5 => vec![(
            "contentEncoding",
            json!(choose(
                rng,
                &[
                    "base64",
                    "base64url",
                    "binary",
                    "8bit",
                    "7bit",
                    "quoted-printable",
                    "gzip",
                    "",
                    "😀"
                ]
            )),
        )],
        6 => vec![("contentMediaType", json!(choose(rng, MEDIA_TYPES)))],
        7 => vec![("contentSchema", schema(rng))],
        8 => vec![(
            "dependentRequired",
            if rng.u8(..4) == 0 {
                random_value(rng, 2)
            } else {
                json!({ weird_string(rng): [weird_string(rng), weird_string(rng)] })
            },
        )],
        9 => vec![(
            "dependentSchemas",
            json!({ weird_string(rng): schema(rng) }),
        )],
        10 => vec![
            ("contains", schema(rng)),
            ("minContains", numeric_like(rng)),
            ("maxContains", numeric_like(rng)),
        ],
        11 => vec![(
            "unevaluatedProperties",
            if rng.bool() {
                json!(false)
            } else {
                schema(rng)
            },
        )],
        12 => vec![(
            "unevaluatedItems",
            if rng.bool() {
                json!(false)
            } else {
                schema(rng)
            },
        )],
        13 => vec![("propertyNames", json!({ "pattern": choose(rng, PATTERNS) }))],
        14 => vec![(
            "examples",
            if rng.bool() {
                json!([random_value(rng, 1), random_value(rng, 1)])
            } else {
                random_value(rng, 1)
            },
        )],
        15 => vec![(
            choose(
                rng,
                &[
                    "$anchor",
                    "$dynamicAnchor",
                    "$dynamicRef",
                    "$id",
                    "$schema",
                    "$comment",
                    "$vocabulary",
                ],
            ),
            Value::String(weird_string(rng)),
        )],
        16 => vec![("not", schema(rng))],
        17 => vec![(
            choose(rng, &["exclusiveMinimum", "exclusiveMaximum"]),
            if rng.bool() {
                Value::Bool(rng.bool())
            } else {
                numeric_like(rng)
            },
        )],
        18 => vec![(
            "nullable",
            if rng.u8(..3) == 0 {
                random_value(rng, 0)
            } else {
                Value::Bool(rng.bool())
            },
        )],
        19 => vec![(
            choose(rng, &["readOnly", "writeOnly", "deprecated", "uniqueItems"]),
            if rng.u8(..3) == 0 {
                random_value(rng, 0)
            } else {
                Value::Bool(rng.bool())
            },
        )],
        20 => vec![(
            "additionalProperties",
            match rng.u8(..4) {
                0 => json!(false),
                1 => json!(true),
                2 => schema(rng),
                _ => random_value(rng, 1),
            },
        )],
        21 => vec![(
            "items",
            match rng.u8(..4) {
                0 => json!(false),
                1 => Value::Array((0..rng.usize(0..3)).map(|_| schema(rng)).collect()),
                _ => schema(rng),
            },
        )],
        22 => vec![(
            choose(rng, &["title", "description", "summary"]),
            json!(choose(
                rng,
                &[
                    "*/",
                    "/*",
                    "\r\n",
                    "```rust\nfn x() {}\n```",
                    "\\",
                    "#![allow(unused)]",
                    "\"\"\"",
                    "\u{0}",
                    "doc\u{85}line",
                    "    code",
                    "[link](http://x)",
                    "<b>",
                    "\t\t",
                    ""
                ]
            )),
        )],
        23 => vec![(extension.as_str(), random_value(rng, 2))],
        24 => vec![("default", random_value(rng, 2))],
        25 => vec![("example", random_value(rng, 2))],
        26 => vec![
            ("type", json!("object")),
            ("properties", random_value(rng, 2)),
        ],
        _ => vec![("enum", json!([Value::Null]))],
    };
    let mut changed = false;
    for (key, value) in entries {
        changed |= insert_at(cx, &path, key, value);
    }
    changed
}

fn m_numbers(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    if cx.rng.u8(..3) == 0 {
        // Inverted bounds.
        let (low, high) = *cx
            .rng
            .choice(
                [
                    ("minLength", "maxLength"),
                    ("minItems", "maxItems"),
                    ("minimum", "maximum"),
                    ("minProperties", "maxProperties"),
                    ("exclusiveMinimum", "exclusiveMaximum"),
                    ("minContains", "maxContains"),
                ]
                .iter(),
            )
            .unwrap_or(&("minimum", "maximum"));
        let big = cx.rng.i64(1..1_000_000);
        let small = cx.rng.i64(-10..1);
        insert_at(cx, &path, low, json!(big));
        return insert_at(cx, &path, high, json!(small));
    }
    let keyword = choose(cx.rng, NUMERIC_KEYWORDS);
    let value = numeric_like(cx.rng);
    insert_at(cx, &path, keyword, value)
}

fn m_names(cx: &mut Ctx<'_>) -> bool {
    match cx.rng.u8(..9) {
        // Rename a property, sometimes to a near-collision with a sibling.
        0 | 1 => {
            let Some(path) = pick_in(cx, &|p, _| {
                key_at(p, 2) == Some("properties") && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let old = match path.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => return false,
            };
            let new = if cx.rng.bool() {
                collide(cx.rng, &old)
            } else {
                weird_string(cx.rng)
            };
            if cx.rng.bool() {
                // Keep the old one and add the new one beside it.
                let value = get(cx.root, &path).cloned().unwrap_or(Value::Null);
                let parent = &path[..path.len() - 1];
                insert_at(cx, parent, &new, value)
            } else {
                let renamed = rename_at(cx.root, &path, &new);
                if renamed && cx.rng.bool() {
                    let holder = &path[..path.len() - 2];
                    if let Some(Value::Object(schema)) = get_mut(cx.root, holder) {
                        if let Some(Value::Array(required)) = schema.get_mut("required") {
                            required.push(Value::String(new));
                        }
                    }
                }
                renamed
            }
        }
        // operationId: weird, or a duplicate of another operation's.
        2 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let id = if cx.rng.bool() {
                pick_in(cx, &|p, v| {
                    key_at(p, 1) == Some("operationId") && v.is_string()
                })
                .and_then(|p| get(cx.root, &p).cloned())
                .map(|v| match v {
                    Value::String(s) if cx.rng.bool() => Value::String(collide(cx.rng, &s)),
                    other => other,
                })
                .unwrap_or_else(|| Value::String(weird_string(cx.rng)))
            } else if cx.rng.u8(..6) == 0 {
                random_value(cx.rng, 0)
            } else {
                Value::String(weird_string(cx.rng))
            };
            insert_at(cx, &path, "operationId", id)
        }
        // Enum values: weird, colliding, mixed types.
        3 => {
            let Some(path) = pick_in(cx, &is_schema_like) else {
                return false;
            };
            let base = weird_string(cx.rng);
            let values: Vec<Value> = (0..cx.rng.usize(0..6))
                .map(|_| match cx.rng.u8(..3) {
                    0 => Value::String(collide(cx.rng, &base)),
                    _ => enum_value(cx.rng),
                })
                .collect();
            if cx.rng.bool() {
                insert_at(cx, &path, "type", json!("string"));
            }
            insert_at(cx, &path, "enum", Value::Array(values))
        }
        // Path templates.
        4 => {
            let Some(path) = pick_in(cx, &is_path_item) else {
                return false;
            };
            let new = match cx.rng.u8(..3) {
                0 => format!("/{}/{{{}}}", weird_string(cx.rng), weird_string(cx.rng)),
                _ => choose(cx.rng, PATH_TEMPLATES).to_owned(),
            };
            rename_at(cx.root, &path, &new)
        }
        // Parameter names and locations.
        5 => {
            let Some(path) = pick_in(cx, &is_parameter) else {
                return false;
            };
            if cx.rng.bool() {
                let name = weird_string(cx.rng);
                insert_at(cx, &path, "name", json!(name))
            } else {
                let location = choose(cx.rng, PARAM_IN);
                insert_at(cx, &path, "in", json!(location))
            }
        }
        // Component names, with every reference renamed too (so they still resolve).
        6 | 7 => {
            let Some(path) = pick_in(cx, &|p, _| {
                p.len() == 3 && matches!(p[0], SegRef::Key("components")) && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let (Some(Seg::Key(section)), Some(Seg::Key(old))) = (path.get(1), path.get(2)) else {
                return false;
            };
            let new = if cx.rng.bool() {
                collide(cx.rng, old)
            } else {
                weird_string(cx.rng)
            };
            let from = format!(
                "#/components/{}/{}",
                escape_token(section),
                escape_token(old)
            );
            let to = format!(
                "#/components/{}/{}",
                escape_token(section),
                escape_token(&new)
            );
            if cx.rng.u8(..4) != 0 {
                rewrite_refs(cx.root, &from, &to);
            }
            rename_at(cx.root, &path, &new)
        }
        // Any key anywhere.
        _ => {
            let Some(path) = pick_in(cx, &|p, _| key_at(p, 1).is_some()) else {
                return false;
            };
            let new = weird_string(cx.rng);
            rename_at(cx.root, &path, &new)
        }
    }
}

fn rewrite_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if k == "$ref" => {
                        if s == from || s.starts_with(&format!("{from}/")) {
                            *s = format!("{to}{}", &s[from.len()..]);
                        }
                    }
                    _ => rewrite_refs(v, from, to),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

fn m_compose(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let Some(current) = get(cx.root, &path).cloned() else {
        return false;
    };
    let mut value = current;
    for level in 0..cx.rng.usize(1..=3) {
        let keyword = choose(cx.rng, &["allOf", "oneOf", "anyOf"]);
        let mut items = Vec::new();
        if cx.rng.u8(..4) != 0 {
            items.push(value.clone());
        }
        for _ in 0..cx.rng.usize(0..3) {
            items.push(random_schema(cx.rng, cx.root, &path, 1));
        }
        if cx.rng.bool() {
            // Recursion: point back at this schema (or one of its ancestors).
            let cut = path.len().saturating_sub(cx.rng.usize(..3));
            items.push(json!({ "$ref": encode_pointer(&path[..cut]) }));
        }
        cx.rng.shuffle(&mut items);
        value = match cx.rng.u8(..6) {
            0 if level == 0 => {
                // Keep the schema, add the composition beside its own keywords.
                let mut map = match value {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                map.insert(keyword.to_owned(), Value::Array(items));
                Value::Object(map)
            }
            1 => {
                json!({ keyword: if cx.rng.bool() { json!([]) } else { random_value(cx.rng, 1) } })
            }
            _ => json!({ keyword: items }),
        };
    }
    set_at(cx, &path, value)
}

fn m_version(cx: &mut Ctx<'_>) -> bool {
    let rng = &mut *cx.rng;
    let Value::Object(root) = &mut *cx.root else {
        return false;
    };
    match rng.u8(..10) {
        0 => {
            root.shift_remove("openapi");
        }
        1 => {
            root.insert("swagger".to_owned(), json!("2.0"));
        }
        2 => {
            root.insert("openapi".to_owned(), random_value(rng, 0));
        }
        _ => {
            root.insert("openapi".to_owned(), json!(choose(rng, VERSIONS)));
        }
    }
    true
}

fn m_splice(cx: &mut Ctx<'_>) -> bool {
    let donors: Vec<&Value> = cx.seeds.iter().filter_map(|s| s.value.as_ref()).collect();
    if donors.is_empty() {
        return false;
    }
    let donor = donors[cx.rng.usize(..donors.len())];
    let Some(from) = pick(donor, cx.rng, &|p, _| !p.is_empty()) else {
        return false;
    };
    let Some(value) = get(donor, &from).cloned() else {
        return false;
    };
    match cx.rng.u8(..10) {
        0..=4 => {
            let Some(to) = pick_in(cx, &|p, _| !p.is_empty()) else {
                return false;
            };
            set_at(cx, &to, value)
        }
        5..=7 => {
            let name = match from.last() {
                Some(Seg::Key(k)) if cx.rng.bool() => k.clone(),
                _ => weird_string(cx.rng),
            };
            let Value::Object(root) = &mut *cx.root else {
                return false;
            };
            let components = root.entry("components").or_insert_with(|| json!({}));
            let Value::Object(components) = components else {
                return false;
            };
            let schemas = components.entry("schemas").or_insert_with(|| json!({}));
            let Value::Object(schemas) = schemas else {
                return false;
            };
            schemas.insert(name, value);
            true
        }
        _ => {
            let Some(to) = pick_in(cx, &|_, v| v.is_object()) else {
                return false;
            };
            let key = weird_string(cx.rng);
            insert_at(cx, &to, &key, value)
        }
    }
}

fn random_parameter(rng: &mut fastrand::Rng, root: &Value, here: &[Seg]) -> Value {
    let mut param = Map::new();
    param.insert("name".to_owned(), json!(weird_string(rng)));
    param.insert("in".to_owned(), json!(choose(rng, PARAM_IN)));
    if rng.bool() {
        param.insert(
            "required".to_owned(),
            if rng.u8(..5) == 0 {
                random_value(rng, 0)
            } else {
                json!(rng.bool())
            },
        );
    }
    if rng.u8(..5) == 0 {
        param.insert(
            "content".to_owned(),
            json!({ choose(rng, MEDIA_TYPES): { "schema": random_schema(rng, root, here, 2) } }),
        );
    } else {
        param.insert("schema".to_owned(), random_schema(rng, root, here, 2));
    }
    if rng.bool() {
        param.insert("style".to_owned(), json!(choose(rng, PARAM_STYLES)));
    }
    if rng.bool() {
        param.insert("explode".to_owned(), json!(rng.bool()));
    }
    if rng.u8(..6) == 0 {
        param.insert("allowReserved".to_owned(), json!(rng.bool()));
    }
    Value::Object(param)
}

fn m_operation(cx: &mut Ctx<'_>) -> bool {
    match cx.rng.u8(..9) {
        // A parameter on an operation or a path item.
        0 | 1 => {
            let Some(path) = pick_in(cx, &|p, v| is_operation(p, v) || is_path_item(p, v)) else {
                return false;
            };
            let param = if cx.rng.u8(..6) == 0 {
                json!({ "$ref": random_pointer(cx.rng, cx.root, &path) })
            } else {
                random_parameter(cx.rng, cx.root, &path)
            };
            match get_mut(cx.root, &path) {
                Some(Value::Object(op)) => {
                    let params = op.entry("parameters").or_insert_with(|| json!([]));
                    match params {
                        Value::Array(items) => items.push(param),
                        other => *other = json!([param]),
                    }
                    true
                }
                _ => false,
            }
        }
        // A media type key.
        2 => {
            let Some(path) = pick_in(cx, &|p, _| {
                key_at(p, 2) == Some("content") && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let media = choose(cx.rng, MEDIA_TYPES);
            rename_at(cx.root, &path, media)
        }
        // A response status.
        3 => {
            let Some(path) = pick_in(cx, &|p, _| {
                key_at(p, 2) == Some("responses") && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let status = choose(cx.rng, STATUS_CODES);
            rename_at(cx.root, &path, status)
        }
        // A method (copied, or odd).
        4 => {
            let Some(path) = pick_in(cx, &is_path_item) else {
                return false;
            };
            let method = choose(
                cx.rng,
                &[
                    "get",
                    "put",
                    "post",
                    "delete",
                    "patch",
                    "head",
                    "options",
                    "trace",
                    "query",
                    "TRACE",
                    "GET",
                    "x-foo",
                    "parameters",
                    "servers",
                    "summary",
                    "$ref",
                    "connect",
                ],
            );
            let value = match get(cx.root, &path) {
                Some(Value::Object(item)) if !item.is_empty() && cx.rng.bool() => item
                    .values()
                    .nth(cx.rng.usize(..item.len()))
                    .cloned()
                    .unwrap_or(Value::Null),
                _ => random_value(cx.rng, 2),
            };
            insert_at(cx, &path, method, value)
        }
        // A request body.
        5 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let body = match cx.rng.u8(..5) {
                0 => json!({ "$ref": random_pointer(cx.rng, cx.root, &path) }),
                1 => random_value(cx.rng, 2),
                _ => {
                    let mut content = Map::new();
                    for _ in 0..cx.rng.usize(0..3) {
                        let media = choose(cx.rng, MEDIA_TYPES).to_owned();
                        let mut entry =
                            json!({ "schema": random_schema(cx.rng, cx.root, &path, 2) });
                        if media.starts_with("multipart") && cx.rng.bool() {
                            entry["encoding"] = json!({ weird_string(cx.rng): {
                                "contentType": choose(cx.rng, MEDIA_TYPES),
                                "style": choose(cx.rng, PARAM_STYLES),
                                "explode": cx.rng.bool(),
                            }});
                        }
                        content.insert(media, entry);
                    }
                    json!({ "content": content, "required": cx.rng.bool() })
                }
            };
            insert_at(cx, &path, "requestBody", body)
        }
        // A response with headers and content.
        6 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let status = choose(cx.rng, STATUS_CODES);
            let response = json!({
                "description": weird_string(cx.rng),
                "headers": { weird_string(cx.rng): { "schema": random_schema(cx.rng, cx.root, &path, 1) } },
                "content": { choose(cx.rng, MEDIA_TYPES): { "schema": random_schema(cx.rng, cx.root, &path, 2) } },
            });
            match get_mut(cx.root, &path) {
                Some(Value::Object(op)) => {
                    let responses = op.entry("responses").or_insert_with(|| json!({}));
                    match responses {
                        Value::Object(map) => {
                            map.insert(status.to_owned(), response);
                        }
                        other => *other = json!({ status: response }),
                    }
                    true
                }
                _ => false,
            }
        }
        // Callbacks and webhooks.
        7 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let Some(op) = get(cx.root, &path).cloned() else {
                return false;
            };
            if cx.rng.bool() {
                let callback = json!({ "cb": { "{$request.body#/url}": { "post": op } } });
                insert_at(cx, &path, "callbacks", callback)
            } else {
                let hooks = json!({ weird_string(cx.rng): { "post": op } });
                insert_at(cx, &[], "webhooks", hooks)
            }
        }
        // An operation with nothing in it, or an odd value.
        _ => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let value = match cx.rng.u8(..3) {
                0 => json!({}),
                1 => json!({ "responses": {} }),
                _ => random_value(cx.rng, 1),
            };
            set_at(cx, &path, value)
        }
    }
}

fn m_pattern_format(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    if cx.rng.bool() {
        let pattern = if cx.rng.u8(..4) == 0 {
            weird_string(cx.rng)
        } else {
            choose(cx.rng, PATTERNS).to_owned()
        };
        insert_at(cx, &path, "pattern", json!(pattern))
    } else {
        let format = choose(cx.rng, FORMATS);
        if cx.rng.bool() {
            let ty = choose(cx.rng, &["string", "integer", "number", "boolean", "array"]);
            insert_at(cx, &path, "type", json!(ty));
        }
        insert_at(cx, &path, "format", json!(format))
    }
}

fn m_default_enum(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let (key, value) = match cx.rng.u8(..6) {
        0 => ("default", random_value(cx.rng, 2)),
        1 => ("example", random_value(cx.rng, 2)),
        2 => ("enum", json!([])),
        3 => ("enum", random_value(cx.rng, 1)),
        4 => {
            let v = enum_value(cx.rng);
            ("enum", json!([v.clone(), v, null]))
        }
        _ => (
            "enum",
            json!([1, 1.5, "1", true, null, {"a": 1}, [1], -0.0, u64::MAX, i64::MIN]),
        ),
    };
    insert_at(cx, &path, key, value)
}

fn m_required(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let names: Vec<String> = match get(cx.root, &path).and_then(|s| s.get("properties")) {
        Some(Value::Object(props)) => props.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let value = match cx.rng.u8(..5) {
        0 => random_value(cx.rng, 1),
        1 => json!([]),
        _ => {
            let mut items: Vec<Value> = names
                .iter()
                .filter(|_| cx.rng.bool())
                .map(|n| json!(n))
                .collect();
            for _ in 0..cx.rng.usize(0..3) {
                items.push(match cx.rng.u8(..4) {
                    0 => json!(1),
                    1 => Value::Null,
                    _ => json!(weird_string(cx.rng)),
                });
            }
            if let Some(first) = items.first().cloned() {
                items.push(first);
            }
            Value::Array(items)
        }
    };
    insert_at(cx, &path, "required", value)
}

fn m_servers_security(cx: &mut Ctx<'_>) -> bool {
    match cx.rng.u8(..4) {
        0 => {
            let url = choose(
                cx.rng,
                &[
                    "https://{host}:{port}/{base",
                    "{scheme}://x",
                    "/relative",
                    "",
                    "https://example.com/{a}/{a}",
                    "{{x}}",
                    "https://😀.example/",
                    "//",
                    "http://[::1]:8080/v1",
                    "ftp://x",
                ],
            );
            let servers = json!([{
                "url": url,
                "variables": { weird_string(cx.rng): { "default": random_value(cx.rng, 0), "enum": [weird_string(cx.rng)] } },
            }]);
            insert_at(cx, &[], "servers", servers)
        }
        1 => {
            let name = weird_string(cx.rng);
            let scheme = json!({
                "type": choose(cx.rng, &["apiKey", "http", "oauth2", "openIdConnect", "mutualTLS", "basic", "", "garbage"]),
                "in": choose(cx.rng, &["header", "query", "cookie", "path", "", "body"]),
                "name": weird_string(cx.rng),
                "scheme": choose(cx.rng, &["bearer", "basic", "Bearer", "digest", "", "😀"]),
                "bearerFormat": weird_string(cx.rng),
                "flows": { "clientCredentials": { "tokenUrl": weird_string(cx.rng), "scopes": { weird_string(cx.rng): "" } } },
            });
            let Value::Object(root) = &mut *cx.root else {
                return false;
            };
            let components = root.entry("components").or_insert_with(|| json!({}));
            match components {
                Value::Object(components) => {
                    let schemes = components
                        .entry("securitySchemes")
                        .or_insert_with(|| json!({}));
                    match schemes {
                        Value::Object(schemes) => {
                            schemes.insert(name, scheme);
                        }
                        other => *other = json!({ name: scheme }),
                    }
                    true
                }
                _ => false,
            }
        }
        2 => {
            let names: Vec<String> = cx
                .root
                .pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let name = if names.is_empty() || cx.rng.u8(..4) == 0 {
                weird_string(cx.rng)
            } else {
                names[cx.rng.usize(..names.len())].clone()
            };
            let security = match cx.rng.u8(..4) {
                0 => random_value(cx.rng, 1),
                1 => json!([]),
                2 => json!([{}]),
                _ => json!([{ name: [weird_string(cx.rng)] }]),
            };
            let target = if cx.rng.bool() {
                pick_in(cx, &is_operation).unwrap_or_default()
            } else {
                Vec::new()
            };
            insert_at(cx, &target, "security", security)
        }
        _ => {
            let info = match cx.rng.u8(..3) {
                0 => random_value(cx.rng, 1),
                _ => json!({ "title": weird_string(cx.rng), "version": random_value(cx.rng, 0) }),
            };
            insert_at(cx, &[], "info", info)
        }
    }
}

fn m_string(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &|p, v| v.is_string() && !p.is_empty()) else {
        return false;
    };
    let value = weird_string(cx.rng);
    set_at(cx, &path, json!(value))
}

fn m_discriminator(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let property = match get(cx.root, &path).and_then(|s| s.get("properties")) {
        Some(Value::Object(props)) if !props.is_empty() && cx.rng.bool() => props
            .keys()
            .nth(cx.rng.usize(..props.len()))
            .cloned()
            .unwrap_or_default(),
        _ => weird_string(cx.rng),
    };
    let mut mapping = Map::new();
    for _ in 0..cx.rng.usize(0..4) {
        let key = weird_string(cx.rng);
        let target = if cx.rng.u8(..4) == 0 {
            weird_string(cx.rng)
        } else {
            random_pointer(cx.rng, cx.root, &path)
        };
        mapping.insert(key, json!(target));
    }
    let discriminator = match cx.rng.u8(..6) {
        0 => random_value(cx.rng, 1),
        1 => json!({ "mapping": mapping }),
        _ => json!({ "propertyName": property, "mapping": mapping }),
    };
    if cx.rng.bool() {
        // With a oneOf of references to existing schemas, as discriminators usually are.
        let refs: Vec<Value> = (0..cx.rng.usize(1..4))
            .map(|_| json!({ "$ref": random_pointer(cx.rng, cx.root, &path) }))
            .collect();
        let keyword = choose(cx.rng, &["oneOf", "anyOf"]);
        insert_at(cx, &path, keyword, Value::Array(refs));
    }
    insert_at(cx, &path, "discriminator", discriminator)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::fuzz::tests::small_seeds;

    #[test]
    fn every_mutation_applies_somewhere() {
        let seeds = small_seeds();
        let value = seeds
            .iter()
            .find(|s| s.path.ends_with("operations.yaml"))
            .and_then(|s| s.value.clone())
            .expect("operations.yaml");
        for &(name, _, mutation) in MUTATIONS {
            let applied = (0..200u64).any(|seed| {
                let mut rng = fastrand::Rng::with_seed(seed);
                let mut v = value.clone();
                let mut cx = Ctx {
                    root: &mut v,
                    rng: &mut rng,
                    seeds: &seeds,
                };
                mutation(&mut cx) && v != value
            });
            assert!(applied, "{name} never changed the spec");
        }
    }
}
