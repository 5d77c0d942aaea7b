//! Parameter serialization per the OpenAPI 3.0.3 `style` and `explode` rules, from any
//! `Serialize` value (through `serde_json::Value`).
//!
//! With the spec's example values `color = "blue"`, `["blue", "black", "brown"]` and
//! `{"R": 100, "G": 200, "B": 150}`:
//!
//! | style | explode | string | array | object |
//! |---|---|---|---|---|
//! | matrix | false | `;color=blue` | `;color=blue,black,brown` | `;color=R,100,G,200,B,150` |
//! | matrix | true | `;color=blue` | `;color=blue;color=black;color=brown` | `;R=100;G=200;B=150` |
//! | label | false | `.blue` | `.blue.black.brown` | `.R.100.G.200.B.150` |
//! | label | true | `.blue` | `.blue.black.brown` | `.R=100.G=200.B=150` |
//! | form | false | `color=blue` | `color=blue,black,brown` | `color=R,100,G,200,B,150` |
//! | form | true | `color=blue` | `color=blue&color=black&color=brown` | `R=100&G=200&B=150` |
//! | simple | false | `blue` | `blue,black,brown` | `R,100,G,200,B,150` |
//! | simple | true | `blue` | `blue,black,brown` | `R=100,G=200,B=150` |
//! | spaceDelimited | false | | `blue%20black%20brown` | `R%20100%20G%20200%20B%20150` |
//! | pipeDelimited | false | | `blue\|black\|brown` | `R\|100\|G\|200\|B\|150` |
//! | deepObject | true | | | `color[R]=100&color[G]=200&color[B]=150` |
//!
//! An empty value (null, `""`, `[]` or `{}`) in a path gives `;color` (matrix), `.`
//! (label) or nothing (simple). In a query, null, `[]` and `{}` give no pair and `""`
//! gives `color=` (RFC 6570 leaves undefined values out).
//!
//! Strings are used as they are; numbers and booleans as JSON writes them; null items
//! as empty text; nested arrays and objects, which the spec leaves undefined, as JSON
//! text. Object properties whose value is null are left out. Objects keep their
//! properties in serialization order when `serde_json`'s `preserve_order` feature is on
//! (otherwise they come sorted by name). A value that cannot be represented as JSON
//! (never the case for generated types) is treated as null.

use ::percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ::serde::Serialize;
use ::serde_json::{Map, Value};

/// How a parameter is serialized (the `style` of its Parameter Object).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// `blue,black` (path and header default).
    Simple,
    /// `.blue.black` (path).
    Label,
    /// `;color=blue,black` (path).
    Matrix,
    /// `color=blue&color=black` (query and cookie default).
    Form,
    /// `color=blue%20black` (query arrays).
    SpaceDelimited,
    /// `color=blue|black` (query arrays).
    PipeDelimited,
    /// `color[R]=100` (query objects).
    DeepObject,
}

/// Characters left bare in a path segment: RFC 3986 unreserved. Everything else in a
/// value (`/`, `?`, `#`, `%`, space, the delimiters `,` `;` `=` ...) is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    ::serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Text of an item inside a parameter: strings raw, null empty, the rest as JSON.
fn item_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn present(map: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    map.iter().filter(|(_, value)| !value.is_null())
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => present(map).next().is_none(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// Expands one path parameter per `style` (`Simple`, `Label` or `Matrix`; other styles
/// are not allowed in paths and are treated as `Simple`) and `explode`. Values are
/// percent-encoded (reserved characters included: `/`, `?`, `#`, and space as `%20`);
/// the style's own delimiters are not.
pub fn path_param<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> String {
    let value = to_value(value);
    let enc = |text: &str| utf8_percent_encode(text, COMPONENT).to_string();
    let name = enc(name);
    // What goes before the value, what separates exploded object properties, and what
    // separates the items of an array or non-exploded object.
    let (prefix, exploded_separator, separator) = match style {
        Style::Label => (".", ".", "."),
        Style::Matrix => (";", ";", ","),
        _ => ("", ",", ","),
    };
    if is_empty(&value) {
        return match style {
            Style::Label => ".".to_owned(),
            Style::Matrix => format!(";{name}"),
            _ => String::new(),
        };
    }
    match (&value, style) {
        (Value::Array(items), Style::Matrix) if explode => items
            .iter()
            .map(|item| format!(";{name}={}", enc(&item_text(item))))
            .collect(),
        (Value::Array(items), _) => {
            let joined = items
                .iter()
                .map(|item| enc(&item_text(item)))
                .collect::<Vec<_>>()
                .join(separator);
            match style {
                Style::Matrix => format!(";{name}={joined}"),
                _ => format!("{prefix}{joined}"),
            }
        }
        (Value::Object(map), _) if explode => {
            let joined = present(map)
                .map(|(key, item)| format!("{}={}", enc(key), enc(&item_text(item))))
                .collect::<Vec<_>>()
                .join(exploded_separator);
            format!("{prefix}{joined}")
        }
        (Value::Object(map), _) => {
            let joined = present(map)
                .flat_map(|(key, item)| [enc(key), enc(&item_text(item))])
                .collect::<Vec<_>>()
                .join(separator);
            match style {
                Style::Matrix => format!(";{name}={joined}"),
                _ => format!("{prefix}{joined}"),
            }
        }
        (scalar, Style::Matrix) => format!(";{name}={}", enc(&item_text(scalar))),
        (scalar, _) => format!("{prefix}{}", enc(&item_text(scalar))),
    }
}

/// Adds the query pairs of one parameter per `style` (`Form`, `SpaceDelimited`,
/// `PipeDelimited` or `DeepObject`; `Simple`, `Label` and `Matrix` are not allowed in
/// queries and are treated as `Form`) and `explode`. Names and values are left
/// unencoded: the URL builder encodes them. Null, `[]` and `{}` add nothing.
///
/// Works for cookie parameters too (form style), with the cookie list as `out`.
///
/// `deepObject` nests objects as `name[a][b]=v` and repeats the key for array items
/// (`name[tags]=x&name[tags]=y`); the spec defines neither.
pub fn query_param<T: Serialize + ?Sized>(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) {
    let value = to_value(value);
    let key = encode_query(name);
    match &value {
        Value::Null => {}
        Value::Array(items) => {
            if items.is_empty() {
                return;
            }
            // Each value is encoded on its own, so a `,` inside a value (`%2C`) stays
            // distinct from the delimiter between values.
            let texts = items.iter().map(|item| encode_query(&item_text(item)));
            match style {
                Style::SpaceDelimited if !explode => {
                    out.push((key, texts.collect::<Vec<_>>().join("%20")));
                }
                Style::PipeDelimited if !explode => {
                    out.push((key, texts.collect::<Vec<_>>().join("%7C")));
                }
                _ if explode || style == Style::DeepObject => {
                    out.extend(texts.map(|text| (key.clone(), text)));
                }
                _ => out.push((key, texts.collect::<Vec<_>>().join(","))),
            }
        }
        Value::Object(map) => {
            if present(map).next().is_none() {
                return;
            }
            let delimiter = match style {
                Style::DeepObject => {
                    deep_object(out, name, &value);
                    return;
                }
                Style::SpaceDelimited => "%20",
                Style::PipeDelimited => "%7C",
                _ => ",",
            };
            if explode {
                out.extend(
                    present(map).map(|(k, item)| (encode_query(k), encode_query(&item_text(item)))),
                );
            } else {
                let joined = present(map)
                    .flat_map(|(k, item)| [encode_query(k), encode_query(&item_text(item))])
                    .collect::<Vec<_>>()
                    .join(delimiter);
                out.push((key, joined));
            }
        }
        scalar => out.push((key, encode_query(&item_text(scalar)))),
    }
}

/// Percent-encodes one query name or value: everything but RFC 3986 unreserved characters.
pub fn encode_query(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

fn deep_object(out: &mut Vec<(String, String)>, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, item) in present(map) {
                deep_object(out, &format!("{name}[{key}]"), item);
            }
        }
        Value::Array(items) => {
            out.extend(
                items
                    .iter()
                    .map(|item| (encode_query(name), encode_query(&item_text(item)))),
            );
        }
        scalar => out.push((encode_query(name), encode_query(&item_text(scalar)))),
    }
}

/// The value of a header parameter (simple style: `a,b`; objects `k,v,k,v`, or
/// `k=v,k=v` when exploded). Not percent-encoded; a value a header cannot carry is
/// refused when the request is sent.
pub fn header_value<T: Serialize + ?Sized>(value: &T, explode: bool) -> String {
    let value = to_value(value);
    match &value {
        Value::Array(items) => items.iter().map(item_text).collect::<Vec<_>>().join(","),
        Value::Object(map) if explode => present(map)
            .map(|(key, item)| format!("{key}={}", item_text(item)))
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(map) => present(map)
            .flat_map(|(key, item)| [key.clone(), item_text(item)])
            .collect::<Vec<_>>()
            .join(","),
        scalar => item_text(scalar),
    }
}

/// The pairs of an `application/x-www-form-urlencoded` body, from a value that
/// serializes to an object: one pair per top-level property (null properties left
/// out), array items as repeated pairs, nested objects as JSON text. Null gives no
/// pairs; any other non-object is an error.
pub fn form_pairs<T: Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, String> {
    let value = ::serde_json::to_value(value).map_err(|error| error.to_string())?;
    let map = match value {
        Value::Object(map) => map,
        Value::Null => return Ok(Vec::new()),
        other => {
            return Err(format!(
                "a form body must be an object, got {}",
                kind_of(&other)
            ))
        }
    };
    let mut pairs = Vec::new();
    for (key, item) in present(&map) {
        match item {
            Value::Array(items) => {
                pairs.extend(items.iter().map(|item| (key.clone(), item_text(item))));
            }
            other => pairs.push((key.clone(), item_text(other))),
        }
    }
    Ok(pairs)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Text of a value for a multipart text part or a parameter: strings raw, numbers and
/// booleans as JSON writes them, anything else (null included) as JSON text.
pub fn to_text<T: Serialize + ?Sized>(value: &T) -> String {
    match to_value(value) {
        Value::String(text) => text,
        other => other.to_string(),
    }
}
