//! Rust names from wire names: one documented rule for cases, keywords and collisions.
//!
//! - Words are split at case changes and at every character that is not an ASCII letter
//!   or digit; types and variants are `UpperCamelCase`, fields, parameters and methods
//!   `snake_case` (`clipIds` → `clip_ids`).
//! - A name made only of symbols is spelled out (`+` → `Plus`, `-` → `Minus`).
//! - A name that starts with a digit gets a prefix: `Type` for types, `V` for variants,
//!   `_` for fields (`200` → `Type200`, `V200`, `_200`).
//! - Rust keywords become raw identifiers (`type` → `r#type`); `self`, `super`, `crate`
//!   and `Self`, which cannot be raw, get a trailing `_`.
//! - Two wire names that map to the same Rust name in one scope: the later one (in
//!   document order) gets `2`, `3`, ... appended. Type names are unique crate-wide.
//! - Operation methods: NestJS-style ids `FooController_barBaz` drop the controller prefix
//!   (`bar_baz`) unless that collides; operations without `operationId` are named
//!   from method and path (`get /pets/{id}` → `get_pets_by_id`).

use rustc_hash::FxHashSet as HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '\\' => "backslash",
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "not",
        '.' => "dot",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '^' => "caret",
        '~' => "tilde",
        '?' => "question",
        ':' => "colon",
        ',' => "comma",
        '_' => "underscore",
        ' ' => "space",
        _ => return None,
    })
}

/// Splits `raw` into ASCII words separated by spaces (case boundaries are left to heck).
fn words(raw: &str) -> String {
    let mut cleaned = String::with_capacity(raw.len() + 4);
    let mut previous = ' ';
    for c in raw.chars() {
        // heck does not split `200Response`; a digit followed by a capital starts a word.
        if previous.is_ascii_digit() && c.is_ascii_uppercase() {
            cleaned.push(' ');
        }
        cleaned.push(if c.is_ascii_alphanumeric() { c } else { ' ' });
        previous = c;
    }
    if cleaned.trim().is_empty() {
        // Nothing alphanumeric: spell the symbols out, or describe non-ASCII text.
        let spelled: Vec<&str> = raw.chars().filter_map(symbol_word).collect();
        if !spelled.is_empty() {
            return spelled.join(" ");
        }
        let hex: Vec<String> = raw
            .chars()
            .take(4)
            .map(|c| format!("u{:x}", c as u32))
            .collect();
        return hex.join(" ");
    }
    cleaned
}

/// `UpperCamelCase` type name for `raw` (digits first get `Type`).
pub fn type_name(raw: &str) -> String {
    let name = words(raw).to_upper_camel_case();
    let name = if name.is_empty() {
        "Type".to_owned()
    } else {
        name
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Type{name}")
    } else {
        escape_self(name)
    }
}

/// `Self` cannot name a type or a variant: it becomes `Self_`, the only escape
/// [`type_name`] and [`variant_name`] make.
pub fn escape_self(name: String) -> String {
    if name == "Self" {
        "Self_".to_owned()
    } else {
        name
    }
}

/// A type or variant name with [`escape_self`] undone, for building a name from names:
/// join the unescaped parts, then escape the result once (`Id` + `Self_` is `IdOrSelf`,
/// not `IdOrSelf_`).
pub fn unescaped(name: &str) -> &str {
    if name == "Self_" {
        "Self"
    } else {
        name
    }
}

/// `UpperCamelCase` enum variant name for `raw` (digits first get `V`).
pub fn variant_name(raw: &str) -> String {
    let name = words(raw).to_upper_camel_case();
    let name = if name.is_empty() {
        "Value".to_owned()
    } else {
        name
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        escape_self(name)
    }
}

/// An identifier from a Rust name (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// A `snake_case` Rust name as generated: a keyword carries `r#` (`r#type`). Code that
/// needs the identifier asks for [`ident`](Self::ident); code that builds other names from
/// it (`with_type`, `TYPE`, a doc link) asks for [`bare`](Self::bare), so no site strips
/// the prefix by hand.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RustName(String);

impl RustName {
    /// The name as it is written in code (`r#type`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name without a raw prefix (`type`): for names built from this one.
    pub fn bare(&self) -> &str {
        self.0.strip_prefix("r#").unwrap_or(&self.0)
    }

    /// The identifier (`r#type` is a raw identifier).
    pub fn ident(&self) -> proc_macro2::Ident {
        ident(&self.0)
    }
}

impl From<String> for RustName {
    fn from(name: String) -> Self {
        Self(name)
    }
}

impl std::fmt::Display for RustName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for RustName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for RustName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RustName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// `snake_case` field, parameter or method name for `raw`; keywords come back as `r#kw`.
pub fn snake_name(raw: &str) -> RustName {
    let name = words(raw).to_snake_case();
    let name = if name.is_empty() {
        "value".to_owned()
    } else {
        name
    };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    };
    RustName(escape_keyword(name))
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The method name for an operation id: NestJS's `XController_method` drops `XController_`.
pub fn method_name_candidates(operation_id: &str) -> (RustName, RustName) {
    let full = snake_name(operation_id);
    if let Some((prefix, rest)) = operation_id.rsplit_once('_') {
        if prefix.ends_with("Controller") && !rest.is_empty() {
            return (snake_name(rest), full);
        }
    }
    (full.clone(), full)
}

/// The method name for an operation without `operationId`: `get /pets/{id}` → `get_pets_by_id`.
pub fn method_name_from_path(method: &str, path: &str) -> RustName {
    let mut parts = vec![method.to_owned()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by {param}"));
        } else {
            parts.push(segment.to_owned());
        }
    }
    snake_name(&parts.join(" "))
}

/// Hands out names unique within one scope, in call order.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope where `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// True when `name` is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// [`claim`](Self::claim) for a `snake_case` name.
    pub fn claim_rust(&mut self, candidate: &RustName) -> RustName {
        RustName(self.claim(candidate.as_str()))
    }

    /// `candidate` if free, else `candidate2`, `candidate3`, ... (for raw identifiers
    /// `r#type` becomes `type2`).
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        let base = candidate.strip_prefix("r#").unwrap_or(candidate);
        let base = base.strip_suffix('_').unwrap_or(base);
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let mut n = 2usize;
        loop {
            let name = format!("{base}{separator}{n}");
            if self.taken.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake_name("clipIds"), "clip_ids");
        assert_eq!(snake_name("sessionId"), "session_id");
        assert_eq!(type_name("CreateCustomModelDto"), "CreateCustomModelDto");
        assert_eq!(type_name("task-id_dto"), "TaskIdDto");
        assert_eq!(snake_name("@odata.type"), "odata_type");
    }

    #[test]
    fn keywords_and_digits() {
        assert_eq!(snake_name("type"), "r#type");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("$ref"), "r#ref");
        assert_eq!(snake_name("2fa"), "_2fa");
        assert_eq!(type_name("200Response"), "Type200Response");
        assert_eq!(variant_name("1.5"), "V15");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(unescaped(&variant_name("self")), "Self");
        assert_eq!(
            escape_self(["Id", unescaped("Self_")].join("Or")),
            "IdOrSelf"
        );
    }

    #[test]
    fn symbols_and_non_ascii() {
        assert_eq!(variant_name("+"), "Plus");
        assert_eq!(variant_name("-"), "Minus");
        assert_eq!(snake_name("名称"), "u540d_u79f0");
        assert_eq!(variant_name(""), "Value");
    }

    #[test]
    fn operation_names() {
        assert_eq!(
            method_name_candidates("ApiPublicController_customModelCreate").0,
            "custom_model_create"
        );
        assert_eq!(
            method_name_candidates("repos/get-content").0,
            "repos_get_content"
        );
        assert_eq!(
            method_name_from_path("get", "/pets/{petId}/toys"),
            "get_pets_by_pet_id_toys"
        );
    }

    #[test]
    fn namer_suffixes_deterministically() {
        let mut namer = Namer::new();
        assert_eq!(namer.claim("Foo"), "Foo");
        assert_eq!(namer.claim("Foo"), "Foo2");
        assert_eq!(namer.claim("Foo"), "Foo3");
        assert_eq!(namer.claim("r#type"), "r#type");
        assert_eq!(namer.claim("r#type"), "type2");
        assert_eq!(namer.claim("v1"), "v1");
        assert_eq!(namer.claim("v1"), "v1_2");
    }
}
