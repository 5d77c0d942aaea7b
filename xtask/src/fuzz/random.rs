//! Random values for the mutations: weird strings and names, numbers, types, pointers, schemas.

use serde_json::{json, Map, Value};

use super::tree::{encode_pointer, escape_token, percent_encode_some, pick, Seg};

const WEIRD_STRINGS: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "r#x",
    "r#type",
    "r#self",
    "r#",
    "0abc",
    "😀",
    "",
    " ",
    "_",
    "__",
    "a-b",
    "a b",
    "a.b",
    "$",
    "@type",
    "\u{0}",
    "\n",
    "\t",
    "\r\n",
    "\u{7f}",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "\u{85}",
    "\u{2028}",
    "é",
    "Ω",
    "ß",
    "İ",
    "ǅ",
    "ﬀ",
    "a\u{301}",
    "漢字",
    "123",
    "-1",
    "1.5",
    "true",
    "null",
    "None",
    "Some",
    "Ok",
    "Err",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "HashMap",
    "std",
    "core",
    "alloc",
    "async",
    "await",
    "dyn",
    "fn",
    "impl",
    "match",
    "mod",
    "move",
    "ref",
    "static",
    "struct",
    "trait",
    "union",
    "unsafe",
    "use",
    "where",
    "yield",
    "abstract",
    "try",
    "gen",
    "macro_rules",
    "loop",
    "break",
    "continue",
    "as",
    "box",
    "{",
    "}",
    "{{a}}",
    "{a",
    "a}",
    "}{",
    "\"",
    "\\",
    "'",
    "`",
    "*/",
    "/*",
    "//",
    "///",
    "#",
    "#[",
    "#![allow()]",
    "]",
    "a::b",
    "<T>",
    "Client",
    "Error",
    "new",
    "default",
    "clone",
    "fmt",
    "serde",
    "deserialize",
    "Default",
    "Clone",
    "Debug",
    "Serialize",
    "Deserialize",
    "types",
    "client",
    "runtime",
    "__private",
    "k#x",
    "%7B",
    "%7Bid%7D",
    "~0",
    "~1",
    "a/b",
    "CamelCase",
    "snake_case",
    "SCREAMING_CASE",
    "camelCaseABC",
    "ABC",
    "A",
    "a",
    "_1",
    "1_",
    "a__b",
    "-",
    "--",
    "+",
    "=",
    "?",
    "!",
    "Ok(())",
    "x\u{0}y",
    "💩💩",
    "ä-ö",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

const TYPE_NAMES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null", "file", "any", "",
    "String", "int", "float", "date", "uuid", "Object",
];

pub(super) const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "int8",
    "int16",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float",
    "double",
    "decimal",
    "byte",
    "binary",
    "base64",
    "date",
    "date-time",
    "time",
    "duration",
    "uuid",
    "email",
    "uri",
    "uri-reference",
    "url",
    "hostname",
    "ipv4",
    "ipv6",
    "password",
    "regex",
    "json-pointer",
    "",
    "garbage",
    "😀",
    "date-time ",
    "INT32",
    "int128",
];

pub(super) const PATTERNS: &[&str] = &[
    "",
    "^a$",
    "(",
    ")",
    "[",
    "a{2,1}",
    "\\",
    "\\p{L}+",
    "\\p{Nope}",
    "(?<n>a)\\k<n>",
    "(?=a)",
    "(?<!a)b",
    "\\d{1000000}",
    "^(a+)+$",
    "[\\u{1F600}]",
    "\\u00zz",
    "a**",
    "(?i)abc",
    "\u{0}",
    "[^]",
    "\\1(a)",
    "^\\/api\\/{id}$",
    ".*",
    "{",
    "}",
    "{{a}}",
    "\\Q",
    "[[:alpha:]]",
    "^[a-z]{1,}$",
    "\"",
    "*/",
    "#",
    "\\\"",
    "'",
    "[z-a]",
    "(?P<x>y)",
];

pub(super) const MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/*+json",
    "application/problem+json",
    "application/vnd.api+json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/mixed",
    "application/octet-stream",
    "text/plain",
    "text/plain; charset=utf-8",
    "text/html",
    "text/event-stream",
    "application/xml",
    "application/x-ndjson",
    "image/png",
    "image/*",
    "*/*",
    "",
    "json",
    "application/json; charset=\"utf-8\"",
    "APPLICATION/JSON",
    "😀/😀",
    "a/b/c",
    "application/json;",
    ";",
];

pub(super) const STATUS_CODES: &[&str] = &[
    "200", "201", "202", "204", "206", "299", "2XX", "2xx", "3XX", "301", "304", "400", "404",
    "4XX", "500", "5XX", "default", "Default", "100", "1XX", "999", "0", "-1", "abc", "", "200 ",
    "02", "600", "XXX",
];

pub(super) const PARAM_IN: &[&str] = &[
    "path",
    "query",
    "header",
    "cookie",
    "body",
    "formData",
    "querystring",
    "",
    "PATH",
    "😀",
];

pub(super) const PARAM_STYLES: &[&str] = &[
    "form",
    "simple",
    "label",
    "matrix",
    "deepObject",
    "spaceDelimited",
    "pipeDelimited",
    "garbage",
    "",
];

pub(super) const VERSIONS: &[&str] = &[
    "3.0.0",
    "3.0.1",
    "3.0.3",
    "3.0.4",
    "3.1.0",
    "3.1.1",
    "3.1.2",
    "3.2.0",
    "2.0",
    "3",
    "3.0",
    "3.1",
    "3.9.9",
    "4.0.0",
    "1.0",
    "",
    "garbage",
    "3.0.0-rc0",
    " 3.0.0",
    "3.1.0\n",
    "3.1.0.1",
    "3.x",
    "v3.0.0",
];

pub(super) const PATH_TEMPLATES: &[&str] = &[
    "/{",
    "/}",
    "/{{a}}",
    "/{a}/{a}",
    "/a/{b",
    "/a/b}",
    "/}{",
    "/{}",
    "/{😀}",
    "",
    "no-slash",
    "/",
    "//",
    "/{self}",
    "/{type}",
    "/{Self}",
    "/{crate}",
    "/{r#x}",
    "/{0abc}",
    "/x/{id}.{format}",
    "/{a}{b}",
    "/{a-b}/{a_b}",
    "/{ id }",
    "/%7Bid%7D",
    "/a?b=c",
    "/a#frag",
    "/{id}/{ID}",
    "/{\u{0}}",
    "/\u{7f}",
    "/a b",
    "/../..",
    "/{a}/{b}/{c}/{d}",
    "/users/{userId}/pets/{petId}",
    "/{{",
    "/{id}}",
    "/\"",
    "/\\",
    "/{\"}",
    "/{a\nb}",
];

const FIXED_POINTERS: &[&str] = &[
    "#",
    "",
    "#/",
    "/",
    "#/components",
    "#/components/schemas",
    "#/components/schemas/",
    "#//",
    "other.yaml#/components/schemas/A",
    "https://example.com/schema.json",
    "https://example.com/schema.json#/a",
    "#anchor",
    "#/paths/~1pets~1{id}",
    "#/paths/%7Bid%7D",
    "urn:uuid:1234",
    "#/0",
    "#/components/schemas/a~1b",
    "#/components/schemas/~",
    "#/components/schemas/~2",
    "#/components/schemas/%",
    "#/components/schemas/%ZZ",
    "#/$defs/x",
    "#/definitions/x",
    "../x.json",
    "#/components/parameters/x",
    "#/components/responses/x",
    "#/components/requestBodies/x",
    "#/components/headers/x",
    "#/components/pathItems/x",
    "#/components/securitySchemes/x",
    "#/info",
    "#/openapi",
    "#/paths",
    "#/components/schemas/😀",
    "#/components/schemas/%F0%9F%98%80",
];

pub(super) const TEXT_TOKENS: &[&str] = &[
    ": ",
    "- ",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!!map ",
    "!custom ",
    "? ",
    "---\n",
    "...\n",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    ",",
    ":",
    "#",
    "|",
    "|-\n",
    ">",
    "%YAML 1.2\n",
    "@",
    "`",
    ".nan",
    ".inf",
    "-.inf",
    "1e999",
    "-0",
    "0x1F",
    "0o17",
    "~",
    "null",
    "\u{feff}",
    "\r\n",
    "\r",
    "\\u0000",
    "\\ud800",
    "\\uDFFF",
    "\\",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
    "😀",
    "$ref",
    "\"$ref\": \"#\"",
    "$ref: '#/'",
    "type: ",
    "\n  ",
    "\n- ",
    "yes",
    "no",
    "on",
    "off",
    "1_000",
    "0.",
    ".5",
    "+1",
    "18446744073709551616",
    "-9223372036854775809",
    "1.7976931348623157e309",
];

pub(super) const NUMERIC_KEYWORDS: &[&str] = &[
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
];

pub(super) fn choose<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

pub(super) fn weird_string(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..10) {
        0..=5 => choose(rng, WEIRD_STRINGS).to_owned(),
        6 | 7 => random_string(rng),
        8 => format!(
            "{}{}",
            choose(rng, WEIRD_STRINGS),
            choose(rng, WEIRD_STRINGS)
        ),
        _ => {
            let base = choose(rng, &["name", "id", "type", "self", "value", "data", "x"]);
            collide(rng, base)
        }
    }
}

fn random_string(rng: &mut fastrand::Rng) -> String {
    let len = rng.usize(0..16);
    (0..len)
        .map(|_| match rng.u8(..12) {
            0..=3 => rng.alphabetic(),
            4 => rng.digit(10),
            5 => *rng
                .choice(" -_.{}/~%$#\\\"'`:;,!?()[]<>@&*+=|^".as_bytes())
                .unwrap_or(&b'_') as char,
            6 => char::from(rng.u8(..0x20)),
            7 => rng.char('\u{80}'..'\u{800}'),
            8 => rng.char('\u{800}'..'\u{d7ff}'),
            9 => rng.char('\u{1f300}'..'\u{1f6ff}'),
            10 => *rng
                .choice(
                    [
                        '\u{301}', '\u{200b}', '\u{202e}', '\u{feff}', '\u{fffd}', '\u{85}',
                    ]
                    .iter(),
                )
                .unwrap_or(&'x'),
            _ => rng.char(char::MIN..=char::MAX),
        })
        .collect()
}

/// A name that may collide with `name` once converted to a Rust identifier.
pub(super) fn collide(rng: &mut fastrand::Rng, name: &str) -> String {
    match rng.u8(..12) {
        0 => name.to_uppercase(),
        1 => name.to_lowercase(),
        2 => name.replace('_', "-"),
        3 => name.replace('-', "_"),
        4 => format!("{name}_"),
        5 => format!("_{name}"),
        6 => format!("r#{name}"),
        7 => format!("{name}1"),
        8 => name
            .chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    vec!['_', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            })
            .collect(),
        9 => {
            let mut up = true;
            name.chars()
                .filter_map(|c| {
                    if c == '_' || c == '-' {
                        up = true;
                        None
                    } else if up {
                        up = false;
                        Some(c.to_ascii_uppercase())
                    } else {
                        Some(c)
                    }
                })
                .collect()
        }
        10 => format!("{name} "),
        _ => format!("{name}.{name}"),
    }
}

fn weird_number(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..20) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1),
        3 => json!(1.5),
        4 => json!(0.1),
        5 => json!(1e308),
        6 => json!(-1e308),
        7 => json!(1e-300),
        8 => json!(i64::MIN),
        9 => json!(i64::MAX),
        10 => json!(u64::MAX),
        11 => json!(9_007_199_254_740_993u64),
        12 => json!(4_294_967_296u64),
        13 => json!(-0.0),
        14 => json!(256),
        15 => json!(-129),
        16 => json!(rng.i64(..)),
        17 => json!(rng.i32(-1000..1000)),
        18 => json!((rng.f64() - 0.5) * 10f64.powi(rng.i32(-20..20))),
        _ => json!(u32::MAX),
    }
}

/// A number, or something that only looks like one.
pub(super) fn numeric_like(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..10) {
        0..=5 => weird_number(rng),
        6 => json!(choose(
            rng,
            &[
                "NaN",
                "Infinity",
                "-Infinity",
                "1e999",
                "0x10",
                "",
                "5",
                "-0",
                "1_000"
            ]
        )),
        7 => Value::Bool(rng.bool()),
        8 => Value::Null,
        _ => random_value(rng, 1),
    }
}

pub(super) fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    let top = if depth == 0 { 4 } else { 6 };
    match rng.u8(..top) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => weird_number(rng),
        3 => Value::String(weird_string(rng)),
        4 => Value::Array(
            (0..rng.usize(0..4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.usize(0..4))
                .map(|_| (weird_string(rng), random_value(rng, depth - 1)))
                .collect(),
        ),
    }
}

fn kind(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

pub(super) fn value_of_other_type(rng: &mut fastrand::Rng, current: &Value) -> Value {
    for _ in 0..8 {
        let value = random_value(rng, 2);
        if kind(&value) != kind(current) {
            return value;
        }
    }
    Value::Null
}

pub(super) fn random_type(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..20) {
        0..=11 => json!(choose(rng, TYPE_NAMES)),
        12..=14 => json!([choose(rng, TYPE_NAMES), "null"]),
        15..=17 => Value::Array(
            (0..rng.usize(0..5))
                .map(|_| json!(choose(rng, TYPE_NAMES)))
                .collect(),
        ),
        _ => random_value(rng, 1),
    }
}

/// A random pointer: existing or not, to itself or an ancestor, oddly escaped.
pub(super) fn random_pointer(rng: &mut fastrand::Rng, root: &Value, here: &[Seg]) -> String {
    match rng.u8(..16) {
        0..=2 => {
            pick(root, rng, &|_, _| true).map_or_else(|| "#".to_owned(), |p| encode_pointer(&p))
        }
        3 => encode_pointer(here),
        4 => encode_pointer(&here[..here.len().saturating_sub(1)]),
        5 => {
            let cut = rng.usize(..=here.len());
            encode_pointer(&here[..cut])
        }
        6 => format!("#/components/schemas/{}", escape_token(&weird_string(rng))),
        7 => {
            let mut p = pick(root, rng, &|_, _| true)
                .map_or_else(|| "#".to_owned(), |p| encode_pointer(&p));
            let at = rng.usize(..=p.len());
            if p.is_char_boundary(at) {
                p.insert_str(at, choose(rng, &["~", "~2", "~01", "~1", "~0", "/", "//"]));
            }
            p
        }
        8 => {
            let p = pick(root, rng, &|_, _| true)
                .map_or_else(|| "#/a{b}".to_owned(), |p| encode_pointer(&p));
            percent_encode_some(&p, rng)
        }
        9 | 10 => choose(rng, FIXED_POINTERS).to_owned(),
        11 | 12 => {
            // A schema that exists: the common case, sometimes with the case changed.
            let names: Vec<&String> = root
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            if names.is_empty() {
                "#/components/schemas/Missing".to_owned()
            } else {
                let name = names[rng.usize(..names.len())].as_str();
                let name = if rng.u8(..4) == 0 {
                    collide(rng, name)
                } else {
                    name.to_owned()
                };
                format!("#/components/schemas/{}", escape_token(&name))
            }
        }
        13 => {
            let p = pick(root, rng, &|_, v| v.is_array())
                .map_or_else(|| "#".to_owned(), |p| encode_pointer(&p));
            format!(
                "{p}/{}",
                choose(rng, &["-1", "99999", "01", "-", "1.0", ""])
            )
        }
        14 => format!(
            "{}/{}",
            encode_pointer(here),
            choose(
                rng,
                &[
                    "properties/x",
                    "items",
                    "allOf/0",
                    "$ref",
                    "additionalProperties"
                ]
            )
        ),
        _ => weird_string(rng),
    }
}

pub(super) fn random_schema(
    rng: &mut fastrand::Rng,
    root: &Value,
    here: &[Seg],
    depth: u32,
) -> Value {
    let top = if depth == 0 { 6 } else { 13 };
    match rng.u8(..top) {
        0 => Value::Bool(rng.bool()),
        1 => json!({}),
        2 => json!({ "$ref": random_pointer(rng, root, here) }),
        3 => json!({ "type": random_type(rng) }),
        4 => {
            json!({ "type": "string", "format": choose(rng, FORMATS), "pattern": choose(rng, PATTERNS) })
        }
        5 => json!({ "enum": (0..rng.usize(0..5)).map(|_| enum_value(rng)).collect::<Vec<_>>() }),
        6 | 7 => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for _ in 0..rng.usize(0..4) {
                let name = weird_string(rng);
                if rng.bool() {
                    required.push(Value::String(name.clone()));
                }
                properties.insert(name, random_schema(rng, root, here, depth - 1));
            }
            json!({ "type": "object", "properties": properties, "required": required })
        }
        8 => json!({ "type": "array", "items": random_schema(rng, root, here, depth - 1) }),
        9 | 10 => {
            let keyword = choose(rng, &["allOf", "oneOf", "anyOf"]);
            let items: Vec<Value> = (0..rng.usize(0..4))
                .map(|_| random_schema(rng, root, here, depth - 1))
                .collect();
            json!({ keyword: items })
        }
        11 => json!({ "const": random_value(rng, 1) }),
        _ => json!({
            "type": choose(rng, &["integer", "number"]),
            "minimum": numeric_like(rng),
            "maximum": numeric_like(rng),
        }),
    }
}

pub(super) fn enum_value(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..8) {
        0..=4 => Value::String(weird_string(rng)),
        5 => weird_number(rng),
        6 => Value::Null,
        _ => random_value(rng, 1),
    }
}
