//! The harness's own reading of a spec, independent of the generator's: the value tree
//! (read by the generator's loader, so numbers and keys are the same), `$ref`s followed
//! by JSON pointer, the operations with their parameters, bodies and responses, and the
//! document as plain JSON Schema for the reference validator.

use serde_json::{Map, Value};

use codegen::source::SourceFormat;

/// One spec, read.
pub struct Spec {
    /// The document as written.
    pub root: Value,
    /// OpenAPI 3.1 (JSON Schema 2020-12) rather than 3.0 (a draft 4 dialect).
    pub v31: bool,
    /// The document with 3.0's `nullable` rewritten as JSON Schema says it
    /// (`type: [t, "null"]`), for the reference validator.
    pub as_json_schema: Value,
}

/// An operation as the harness drives it.
pub struct Operation {
    /// `GET /pets/{petId}`.
    pub label: String,
    /// `get`, `post`, ...
    pub method: String,
    /// The path template.
    pub path: String,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// Path-level and operation-level parameters, merged (the operation's win).
    pub params: Vec<Param>,
    /// The request body, when the operation has one.
    pub body: Option<Body>,
    /// Documented statuses with a JSON body schema: (status, schema pointer), what a
    /// mock response is checked against.
    pub json_responses: Vec<(u16, String)>,
    /// True when some 2xx response is documented.
    pub has_success: bool,
}

/// One parameter.
pub struct Param {
    pub name: String,
    /// `path`, `query`, `header`, `cookie`.
    pub location: String,
    pub required: bool,
    /// Pointer of the parameter object.
    pub pointer: String,
    /// Pointer of its schema (`schema`, or the first `content` entry's).
    pub schema: Option<String>,
}

/// A request body.
pub struct Body {
    pub required: bool,
    /// The media type the harness sends.
    pub media_type: String,
    /// Pointer of the media type object.
    pub pointer: String,
    /// Pointer of its schema.
    pub schema: Option<String>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Spec {
    /// Reads `text` (`name` decides JSON or YAML).
    pub fn parse(text: &str, name: &str) -> Result<Self, String> {
        let format = SourceFormat::detect(name, text);
        let root = codegen::parse_tree(text, format).map_err(|d| d.render(name))?;
        let version = root.get("openapi").and_then(Value::as_str).unwrap_or("");
        let v31 = version.starts_with("3.1") || version.starts_with("3.2");
        let mut as_json_schema = root.clone();
        if !v31 {
            rewrite_nullable(&mut as_json_schema);
        }
        Ok(Self {
            root,
            v31,
            as_json_schema,
        })
    }

    /// The node at `pointer` (`#/a/b` or `/a/b`).
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        // `$ref`s may percent-encode (`%7BcompanyId%7D`): read as the generator reads them.
        let tokens = codegen::pointer::parse(pointer)?;
        tokens
            .iter()
            .try_fold(&self.root, |node, token| match node {
                Value::Object(map) => map.get(token),
                Value::Array(items) => items.get(token.parse::<usize>().ok()?),
                _ => None,
            })
    }

    /// `pointer` with local `$ref`s followed (at most 32 hops): the pointer of the node
    /// it finally names.
    pub fn resolve_pointer(&self, pointer: &str) -> String {
        let mut current = pointer.to_owned();
        for _ in 0..32 {
            match self
                .at(&current)
                .and_then(|n| n.get("$ref"))
                .and_then(Value::as_str)
            {
                // Canonical (percent-decoded, `~`-escaped) so that every consumer, the
                // reference validator included, names the node the same way (codat's
                // `#/paths/~1companies~1%7BcompanyId%7D~1.../parameters/0`).
                Some(target) if target.starts_with('#') => {
                    current = match codegen::pointer::parse(target) {
                        Some(tokens) => format!("#{}", codegen::pointer::encode(&tokens)),
                        None => target.to_owned(),
                    }
                }
                _ => break,
            }
        }
        current
    }

    /// The node at `pointer`, `$ref`s followed.
    pub fn resolved(&self, pointer: &str) -> Option<&Value> {
        self.at(&self.resolve_pointer(pointer))
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        let mut out = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, _) in paths {
            let item_pointer = format!("#/paths/{}", codegen::pointer::escape_token(path));
            let item_pointer = self.resolve_pointer(&item_pointer);
            let Some(item) = self.at(&item_pointer).and_then(Value::as_object) else {
                continue;
            };
            for method in METHODS {
                if !item.contains_key(method) {
                    continue;
                }
                let pointer = format!("{item_pointer}/{method}");
                out.push(self.operation(path, method, &item_pointer, &pointer));
            }
        }
        out
    }

    fn operation(&self, path: &str, method: &str, item: &str, pointer: &str) -> Operation {
        let mut params: Vec<Param> = Vec::new();
        for owner in [item, pointer] {
            let count = self
                .at(&format!("{owner}/parameters"))
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for i in 0..count {
                let param_pointer = self.resolve_pointer(&format!("{owner}/parameters/{i}"));
                let Some(param) = self.at(&param_pointer) else {
                    continue;
                };
                let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                let location = param.get("in").and_then(Value::as_str).unwrap_or("");
                let schema = if param.get("schema").is_some() {
                    Some(format!("{param_pointer}/schema"))
                } else {
                    first_media(param.get("content")).map(|media| {
                        format!(
                            "{param_pointer}/content/{}/schema",
                            codegen::pointer::escape_token(&media)
                        )
                    })
                };
                let entry = Param {
                    name: name.to_owned(),
                    location: location.to_owned(),
                    required: location == "path"
                        || param.get("required").and_then(Value::as_bool) == Some(true),
                    pointer: param_pointer.clone(),
                    schema,
                };
                params.retain(|p| !(p.name == entry.name && p.location == entry.location));
                params.push(entry);
            }
        }
        let body = self.body(pointer);
        let mut json_responses = Vec::new();
        let mut has_success = false;
        if let Some(responses) = self
            .at(&format!("{pointer}/responses"))
            .and_then(Value::as_object)
        {
            for (status, _) in responses {
                let Ok(code) = status.parse::<u16>() else {
                    has_success |= status.eq_ignore_ascii_case("2XX");
                    continue;
                };
                let success = (200..300).contains(&code);
                has_success |= success;
                let response = self.resolve_pointer(&format!("{pointer}/responses/{status}"));
                let content = self.at(&format!("{response}/content"));
                if let Some(media) = json_media(content) {
                    let schema = format!(
                        "{response}/content/{}/schema",
                        codegen::pointer::escape_token(&media)
                    );
                    if self.at(&schema).is_some() {
                        json_responses.push((code, schema));
                    }
                }
            }
        }
        Operation {
            label: format!("{} {path}", method.to_ascii_uppercase()),
            method: method.to_owned(),
            path: path.to_owned(),
            pointer: pointer.to_owned(),
            params,
            body,
            json_responses,
            has_success,
        }
    }

    fn body(&self, op: &str) -> Option<Body> {
        let pointer = self.resolve_pointer(&format!("{op}/requestBody"));
        let body = self.at(&pointer)?;
        let content = body.get("content");
        let media = json_media(content)
            .or_else(|| {
                content
                    .and_then(Value::as_object)
                    .and_then(|c| {
                        c.keys()
                            .find(|k| k.starts_with("application/x-www-form-urlencoded"))
                    })
                    .cloned()
            })
            .or_else(|| first_media(content))?;
        let media_pointer = format!(
            "{pointer}/content/{}",
            codegen::pointer::escape_token(&media)
        );
        let schema = format!("{media_pointer}/schema");
        Some(Body {
            required: body.get("required").and_then(Value::as_bool) == Some(true),
            media_type: media,
            schema: self.at(&schema).is_some().then_some(schema),
            pointer: media_pointer,
        })
    }
}

/// The first JSON media type of a `content` map (`application/json`, `*+json`).
fn json_media(content: Option<&Value>) -> Option<String> {
    let content = content?.as_object()?;
    content.keys().find(|k| is_json(k)).cloned()
}

/// True for `application/json`, `application/problem+json`, `text/json`, ... (parameters
/// such as `; charset=utf-8` allowed).
pub fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

fn first_media(content: Option<&Value>) -> Option<String> {
    content?.as_object()?.keys().next().cloned()
}

/// 3.0's `nullable: true` as JSON Schema: `null` joins the `type` (and the `enum`);
/// next to composition keywords without a `type`, the schema becomes
/// `anyOf: [{type: null}, <the rest>]`.
fn rewrite_nullable(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(rewrite_nullable),
        Value::Object(map) => {
            map.values_mut().for_each(rewrite_nullable);
            if map.get("nullable").and_then(Value::as_bool) != Some(true) {
                return;
            }
            map.remove("nullable");
            if let Some(values) = map.get_mut("enum").and_then(Value::as_array_mut) {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            let has_ref = map.contains_key("$ref");
            match map.get_mut("type") {
                Some(Value::String(ty)) => {
                    let ty = std::mem::take(ty);
                    map.insert("type".to_owned(), Value::from(vec![ty, "null".to_owned()]));
                }
                Some(_) => {}
                None if has_ref => {}
                None => {
                    let rest = std::mem::take(map);
                    let mut null = Map::new();
                    null.insert("type".to_owned(), Value::from("null"));
                    map.insert(
                        "anyOf".to_owned(),
                        Value::from(vec![Value::Object(null), Value::Object(rest)]),
                    );
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// codat's parameters `$ref` a path item with its braces percent-encoded: the pointer
    /// comes back canonical, so the reference validator finds the schema.
    #[test]
    fn percent_encoded_refs_resolve_to_canonical_pointers() {
        let spec = Spec::parse(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
                "/c/{id}/a": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]},
                "/c/{id}/b": {"parameters": [{"$ref": "#/paths/~1c~1%7Bid%7D~1a/parameters/0"}]}}}"##,
            "codat.json",
        )
        .unwrap();
        assert_eq!(
            spec.resolve_pointer("#/paths/~1c~1{id}~1b/parameters/0"),
            "#/paths/~1c~1{id}~1a/parameters/0"
        );
    }

    #[test]
    fn nullable_becomes_a_null_type() {
        let mut doc = json!({"a": {"type": "string", "nullable": true, "enum": ["x"]},
            "b": {"allOf": [{"$ref": "#/c"}], "nullable": true}});
        rewrite_nullable(&mut doc);
        assert_eq!(
            doc["a"],
            json!({"type": ["string", "null"], "enum": ["x", null]})
        );
        assert_eq!(
            doc["b"],
            json!({"anyOf": [{"type": "null"}, {"allOf": [{"$ref": "#/c"}]}]})
        );
    }

    #[test]
    fn operations_merge_path_and_operation_parameters() {
        let spec = Spec::parse(
            r##"{"openapi": "3.0.0", "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}},
                               {"name": "q", "in": "query", "schema": {"type": "string"}}],
                "get": {"parameters": [{"name": "q", "in": "query", "required": true,
                                        "schema": {"type": "integer"}}],
                        "responses": {"200": {"description": "", "content": {
                            "application/json": {"schema": {"type": "object"}}}},
                                      "404": {"description": "", "content": {
                            "application/json": {"schema": {"type": "object"}}}}}}}}}"##,
            "spec.json",
        )
        .expect("parses");
        let ops = spec.operations();
        assert_eq!(ops.len(), 1);
        let op = &ops[0];
        assert_eq!(op.label, "GET /pets/{id}");
        assert_eq!(op.params.len(), 2);
        let q = op.params.iter().find(|p| p.name == "q").expect("q");
        assert!(q.required, "the operation's own parameter wins");
        assert!(op.params.iter().any(|p| p.name == "id" && p.required));
        assert_eq!(op.json_responses.len(), 2);
    }
}
