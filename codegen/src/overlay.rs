//! OpenAPI Overlay 1.0/1.1 documents (`<spec>.overlay.yaml`): ordered actions, each an
//! RFC 9535 JSONPath `target` (evaluated by `serde_json_path`) with `update`, `copy` or
//! `remove`, applied to the spec's value tree before anything else reads it.
//!
//! One deliberate strictness beyond the Overlay specification (which lets a target that
//! selects nothing succeed silently): here it is an error, because an override that no
//! longer applies is what a reviewer of a spec update must hear about.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::diag::{Diagnostic, Diagnostics};
use crate::pointer;
use crate::source::SourceFormat;

/// An overlay document's text and the name it is reported under.
#[derive(Debug, Clone, Copy)]
pub struct OverlayFile<'a> {
    /// File name as shown in diagnostics (`openapi/pets.overlay.yaml`).
    pub name: &'a str,
    /// Its text (JSON or YAML).
    pub text: &'a str,
}

/// Applies every action of `overlay` to `root` in order. Errors name the overlay file,
/// its line, and the action's JSON pointer; nothing is applied when any action fails.
pub fn apply(root: &mut Value, overlay: OverlayFile<'_>) -> Result<(), Diagnostics> {
    let format = SourceFormat::detect(overlay.name, overlay.text);
    let mut diags = Diagnostics::new();
    let document = match crate::load::parse_tree(overlay.text, format) {
        Ok(document) => document,
        Err(diagnostic) => {
            diags.push(diagnostic);
            return Err(finish(diags, overlay, format));
        }
    };
    let actions = read_document(&document, &mut diags);
    if diags.has_errors() {
        return Err(finish(diags, overlay, format));
    }
    let mut result = root.clone();
    for (index, action) in actions.iter().enumerate() {
        let at = format!("/actions/{index}");
        if let Err(diagnostic) = action.apply(&mut result, &at) {
            diags.push(diagnostic);
        }
    }
    if diags.has_errors() {
        return Err(finish(diags, overlay, format));
    }
    *root = result;
    Ok(())
}

/// Locates the overlay's diagnostics in its own text and names its file on each.
fn finish(mut diags: Diagnostics, overlay: OverlayFile<'_>, format: SourceFormat) -> Diagnostics {
    diags.locate(overlay.text, format);
    diags.in_file(overlay.name);
    diags
}

/// What an action does to each node its target selects.
#[derive(Debug)]
enum Change {
    /// Merge this value in (`update`).
    Update(Value),
    /// Merge in the one node this path selects (`copy`, Overlay 1.1).
    Copy(JsonPath, String),
    /// Delete the node from its object or array.
    Remove,
}

#[derive(Debug)]
struct Action {
    target: JsonPath,
    target_text: String,
    change: Change,
}

/// The actions of an overlay document, checked for shape: unknown keys, a missing
/// `target`, an unparsable JSONPath and an unsupported version are errors.
fn read_document(document: &Value, diags: &mut Diagnostics) -> Vec<Action> {
    let Some(object) = document.as_object() else {
        diags.error(
            "",
            "expected an Overlay document (an object with `overlay`, `info`, `actions`)",
        );
        return Vec::new();
    };
    unknown_keys(
        object,
        "",
        &["overlay", "info", "extends", "actions"],
        diags,
    );
    match object.get("overlay").and_then(Value::as_str) {
        Some(version) if version.starts_with("1.0.") || version.starts_with("1.1.") => {}
        Some(version) => diags.error(
            "/overlay",
            format!("Overlay version `{version}` is not supported: expected 1.0.x or 1.1.x"),
        ),
        None => diags.error("", "missing `overlay` (the Overlay version, e.g. `1.1.0`)"),
    }
    match object.get("info").and_then(Value::as_object) {
        Some(info) => {
            unknown_keys(info, "/info", &["title", "version", "description"], diags);
            for key in ["title", "version"] {
                if !info.get(key).is_some_and(Value::is_string) {
                    diags.error("/info", format!("`info.{key}` must be a string"));
                }
            }
        }
        None => diags.error("", "missing `info` (an object with `title` and `version`)"),
    }
    let Some(actions) = object.get("actions").and_then(Value::as_array) else {
        diags.error("", "missing `actions` (a list of at least one action)");
        return Vec::new();
    };
    if actions.is_empty() {
        diags.error("/actions", "`actions` must hold at least one action");
    }
    actions
        .iter()
        .enumerate()
        .filter_map(|(index, action)| read_action(action, &format!("/actions/{index}"), diags))
        .collect()
}

fn read_action(action: &Value, at: &str, diags: &mut Diagnostics) -> Option<Action> {
    let Some(object) = action.as_object() else {
        diags.error(
            at,
            "expected an action (an object with `target` and `update`, `copy` or `remove`)",
        );
        return None;
    };
    unknown_keys(
        object,
        at,
        &["target", "description", "update", "copy", "remove"],
        diags,
    );
    let Some(target_text) = object.get("target").and_then(Value::as_str) else {
        diags.error(
            at,
            "missing `target` (a JSONPath such as `$.paths['/pets'].get`)",
        );
        return None;
    };
    let target = parse_path(target_text, &format!("{at}/target"), diags)?;
    let remove = match object.get("remove") {
        None => false,
        Some(Value::Bool(remove)) => *remove,
        Some(_) => {
            diags.error(format!("{at}/remove"), "`remove` must be `true` or `false`");
            return None;
        }
    };
    // The Overlay rule: `remove: true` wins, then `update`, then `copy`.
    let change = if remove {
        Change::Remove
    } else if let Some(update) = object.get("update") {
        Change::Update(update.clone())
    } else if let Some(copy) = object.get("copy") {
        let Some(copy_text) = copy.as_str() else {
            diags.error(format!("{at}/copy"), "`copy` must be a JSONPath string");
            return None;
        };
        Change::Copy(
            parse_path(copy_text, &format!("{at}/copy"), diags)?,
            copy_text.to_owned(),
        )
    } else {
        diags.error(
            at,
            "the action does nothing: expected `update`, `copy` or `remove: true`",
        );
        return None;
    };
    Some(Action {
        target,
        target_text: target_text.to_owned(),
        change,
    })
}

fn parse_path(text: &str, at: &str, diags: &mut Diagnostics) -> Option<JsonPath> {
    match JsonPath::parse(text) {
        Ok(path) => Some(path),
        Err(error) => {
            diags.error(
                at,
                format!(
                    "`{text}` is not an RFC 9535 JSONPath: {} (at character {})",
                    error.message(),
                    error.position() + 1
                ),
            );
            None
        }
    }
}

fn unknown_keys(object: &Map<String, Value>, at: &str, known: &[&str], diags: &mut Diagnostics) {
    for key in object.keys() {
        if !known.contains(&key.as_str()) && !key.starts_with("x-") {
            diags.error(
                pointer::child(at, key),
                format!(
                    "unknown key `{key}`: expected one of {}, or an `x-` extension",
                    quoted(known)
                ),
            );
        }
    }
}

fn quoted(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Action {
    fn apply(&self, root: &mut Value, at: &str) -> Result<(), Diagnostic> {
        let selected: Vec<String> = self
            .target
            .query_located(root)
            .iter()
            .map(|node| node.location().to_json_pointer())
            .collect();
        if selected.is_empty() {
            return Err(Diagnostic::error(
                format!("{at}/target"),
                format!("`{}` selects nothing in the spec", self.target_text),
            ));
        }
        match &self.change {
            Change::Remove => remove(root, selected, at),
            Change::Update(value) => merge_into(root, &selected, value, &format!("{at}/update")),
            Change::Copy(path, text) => {
                let found = path.query(root).all();
                let [value] = found.as_slice() else {
                    return Err(Diagnostic::error(
                        format!("{at}/copy"),
                        format!(
                            "`{text}` must select exactly one node, it selects {}",
                            found.len()
                        ),
                    ));
                };
                let value = (*value).clone();
                merge_into(root, &selected, &value, &format!("{at}/copy"))
            }
        }
    }
}

fn remove(root: &mut Value, mut selected: Vec<String>, at: &str) -> Result<(), Diagnostic> {
    // Deepest and last first, so the indices of the nodes still to remove hold.
    selected.sort_by(|a, b| compare_pointers(b, a));
    for node in selected {
        let Some((parent, last)) = node.rsplit_once('/') else {
            return Err(Diagnostic::error(
                format!("{at}/target"),
                "the document root cannot be removed",
            ));
        };
        let key = pointer::unescape_token(last).unwrap_or_default();
        match root.pointer_mut(parent) {
            Some(Value::Object(object)) => {
                object.shift_remove(key.as_ref());
            }
            Some(Value::Array(items)) => {
                if let Ok(index) = key.parse::<usize>() {
                    if index < items.len() {
                        items.remove(index);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Orders pointers token by token, array indices as numbers.
fn compare_pointers(a: &str, b: &str) -> std::cmp::Ordering {
    let tokens = |p: &str| -> Vec<String> { p.split('/').map(str::to_owned).collect() };
    let (a, b) = (tokens(a), tokens(b));
    for (x, y) in a.iter().zip(&b) {
        let order = match (x.parse::<usize>(), y.parse::<usize>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

fn merge_into(
    root: &mut Value,
    selected: &[String],
    value: &Value,
    at: &str,
) -> Result<(), Diagnostic> {
    for node in selected {
        let Some(target) = root.pointer_mut(node) else {
            continue;
        };
        let result = match (&mut *target, value) {
            // A selected array takes an array's items, or any other value as one more item.
            (Value::Array(items), Value::Array(more)) => {
                items.extend(more.iter().cloned());
                Ok(())
            }
            (Value::Array(items), other) => {
                items.push(other.clone());
                Ok(())
            }
            (target, value) => merge(target, value, ""),
        };
        if let Err(message) = result {
            return Err(Diagnostic::error(
                at,
                format!("cannot merge into `#{node}`: {message}"),
            ));
        }
    }
    Ok(())
}

/// The Overlay merge: objects recursively, arrays concatenated, a primitive replaced by a
/// primitive; any other pairing is an error naming the property.
fn merge(target: &mut Value, update: &Value, path: &str) -> Result<(), String> {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                let here = pointer::child(path, key);
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value, &here)?,
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(target), Value::Array(update)) => {
            target.extend(update.iter().cloned());
            Ok(())
        }
        (target, update) if is_primitive(target) && is_primitive(update) => {
            *target = update.clone();
            Ok(())
        }
        (target, update) => Err(format!(
            "{} at `{}` and {} in the overlay are incompatible",
            kind(target),
            if path.is_empty() { "/" } else { path },
            kind(update)
        )),
    }
}

fn is_primitive(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        _ => "a primitive value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(spec: Value, overlay: &str) -> Result<Value, String> {
        let mut spec = spec;
        apply(
            &mut spec,
            OverlayFile {
                name: "pets.overlay.yaml",
                text: overlay,
            },
        )
        .map(|()| spec)
        .map_err(|diags| diags.render("spec.yaml"))
    }

    const HEAD: &str = "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n";

    #[test]
    fn update_merges_objects_concatenates_arrays_and_replaces_primitives() {
        let spec = json!({"info": {"title": "Old", "x": [1]}, "tags": [{"name": "a"}]});
        let overlay = format!(
            "{HEAD}  - target: $.info\n    update: {{title: New, x: [2], added: true}}\n  - target: $.tags\n    update: {{name: b}}\n"
        );
        let out = run(spec, &overlay).unwrap();
        assert_eq!(
            out,
            json!({"info": {"title": "New", "x": [1, 2], "added": true}, "tags": [{"name": "a"}, {"name": "b"}]})
        );
    }

    #[test]
    fn remove_deletes_every_selected_node_even_several_of_one_array() {
        let spec = json!({"paths": {"/a": {}, "/b": {}}, "tags": [{"n": 1}, {"n": 2}, {"n": 3}]});
        let overlay = format!(
            "{HEAD}  - target: \"$.paths['/a']\"\n    remove: true\n  - target: $.tags[?@.n < 3]\n    remove: true\n"
        );
        let out = run(spec, &overlay).unwrap();
        assert_eq!(out, json!({"paths": {"/b": {}}, "tags": [{"n": 3}]}));
    }

    #[test]
    fn copy_merges_the_one_node_its_path_selects() {
        let spec = json!({"a": {"x": 1}, "b": {"y": 2}});
        let overlay = format!("{HEAD}  - target: $.b\n    copy: $.a\n");
        assert_eq!(
            run(spec, &overlay).unwrap(),
            json!({"a": {"x": 1}, "b": {"x": 1, "y": 2}})
        );
    }

    #[test]
    fn a_target_that_selects_nothing_is_an_error_with_the_overlay_line() {
        let overlay = format!("{HEAD}  - target: $.info\n    update: {{title: x}}\n  - target: $.nothing\n    remove: true\n");
        let error = run(json!({"info": {}}), &overlay).unwrap_err();
        assert_eq!(
            error.trim(),
            "pets.overlay.yaml:6:5: error: #/actions/1/target: `$.nothing` selects nothing in the spec"
        );
    }

    #[test]
    fn bad_paths_unknown_keys_and_incompatible_merges_are_errors() {
        let bad = format!("{HEAD}  - target: $.[\n    remove: true\n");
        let error = run(json!({}), &bad).unwrap_err();
        assert!(error.contains("pets.overlay.yaml:4:5: error: #/actions/0/target: `$.[` is not an RFC 9535 JSONPath"), "{error}");
        let unknown = format!("{HEAD}  - target: $\n    updates: {{}}\n");
        let error = run(json!({}), &unknown).unwrap_err();
        assert!(
            error.contains("#/actions/0/updates: unknown key `updates`"),
            "{error}"
        );
        assert!(error.contains("pets.overlay.yaml:5:5"), "{error}");
        let clash = format!("{HEAD}  - target: $.info\n    update: {{title: [1]}}\n");
        let error = run(json!({"info": {"title": "t"}}), &clash).unwrap_err();
        assert!(
            error.contains(
                "a primitive value at `/title` and an array in the overlay are incompatible"
            ),
            "{error}"
        );
        let version = "overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n";
        assert!(run(json!({}), version)
            .unwrap_err()
            .contains("expected 1.0.x or 1.1.x"));
    }
}
