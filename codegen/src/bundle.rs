//! Specs split over files: every `$ref` into another file (`./schemas/pet.yaml#/Pet`,
//! `../common.yaml`) is followed and the document set bundled into one tree before
//! anything else reads it.
//!
//! A schema from another file becomes a component of its own
//! (`#/components/schemas/Pet`, named after the last token of its pointer, or the file
//! when the reference is to a whole file), so component names stay the type names; a
//! main-document component that is only a reference to another file keeps its own name.
//! A name two files both use gets the file's name in front (`CommonError`), then a
//! number: names are claimed in the order references are met, which only the documents
//! decide. A reference cycle across files works (the component is named before its
//! content is read). Anything else another file holds (a parameter, a response, a path
//! item) is copied where it is referenced.
//!
//! Reading files is the caller's ([`SpecFiles`]): this crate touches no file system. The
//! caller refuses paths outside the tree it allows; remote (`http(s)://`) references
//! are refused unless it serves them from a local mirror.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics};
use crate::pointer;
use crate::source::SourceFormat;

/// Where the files a spec refers to come from.
pub trait SpecFiles {
    /// The text of the file at `path`: relative to the spec's directory, `/`-separated
    /// and normalized (`schemas/pet.yaml`, `../common.yaml`, or absolute as written).
    /// `Err` says why not (missing, outside the allowed tree).
    fn read(&self, path: &str) -> Result<String, String>;

    /// The text of a remote document, from a local mirror. By default refused.
    fn read_remote(&self, url: &str) -> Result<String, String> {
        Err(format!(
            "remote references are not followed (a vendored spec is third-party input): vendor `{url}` \
             beside the spec and refer to it by path, or pass a mirror directory"
        ))
    }
}

/// One document of the set.
struct Loaded {
    /// The name diagnostics show (`openapi/schemas/pet.yaml`).
    shown: String,
    text: String,
    format: SourceFormat,
    root: Value,
}

/// A reference's target: (document key, JSON pointer in it). The main document's key
/// is `""`; other files' are their normalized paths, remote ones their URLs.
type Target = (String, String);

struct Bundler<'a> {
    files: &'a dyn SpecFiles,
    /// The main document's shown name, and its directory as shown (`openapi/`).
    main_shown: String,
    main_dir_shown: String,
    docs: BTreeMap<String, Option<Loaded>>,
    /// Component name given to each schema from another file.
    names: BTreeMap<Target, String>,
    /// Component names taken (the main document's and the bundled ones).
    taken: std::collections::BTreeSet<String>,
    /// Bundled schemas, in the order they were named.
    hoisted: Vec<(String, Value)>,
    /// Non-schema targets being copied in (a cycle of those cannot be bundled).
    copying: Vec<Target>,
    diags: Diagnostics,
}

/// Bundles the files `root` refers to into `root`. `shown` is the main document's name
/// in diagnostics. Errors are located in the file they are about.
pub fn bundle(root: &mut Value, shown: &str, files: &dyn SpecFiles) -> Result<(), Diagnostics> {
    if !has_external_ref(root) {
        return Ok(());
    }
    let main_dir_shown = shown
        .rsplit_once('/')
        .map(|(dir, _)| format!("{dir}/"))
        .unwrap_or_default();
    let mut bundler = Bundler {
        files,
        main_shown: shown.to_owned(),
        main_dir_shown,
        docs: BTreeMap::new(),
        names: BTreeMap::new(),
        taken: Default::default(),
        hoisted: Vec::new(),
        copying: Vec::new(),
        diags: Diagnostics::new(),
    };
    bundler.claim_main_components(root);
    let mut main = std::mem::take(root);
    bundler.walk(&mut main, "", "", false);
    let hoisted = std::mem::take(&mut bundler.hoisted);
    if !hoisted.is_empty() {
        let schemas = main
            .as_object_mut()
            .map(|object| {
                object
                    .entry("components")
                    .or_insert_with(|| Value::Object(Map::new()))
            })
            .and_then(Value::as_object_mut)
            .map(|components| {
                components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()))
            });
        if let Some(Value::Object(schemas)) = schemas {
            for (name, schema) in hoisted {
                schemas.insert(name, schema);
            }
        }
    }
    *root = main;
    if bundler.diags.has_errors() {
        return Err(bundler.diags);
    }
    Ok(())
}

fn has_external_ref(value: &Value) -> bool {
    match value {
        Value::Object(object) => object
            .iter()
            .any(|(key, value)| match (key.as_str(), value) {
                ("$ref", Value::String(reference)) => !reference.starts_with('#'),
                _ => has_external_ref(value),
            }),
        Value::Array(items) => items.iter().any(has_external_ref),
        _ => false,
    }
}

/// Schema keywords whose values are data, never references (`example`, `enum`, ...).
/// (Elsewhere only `example` and an Example's `value` are.)
const SCHEMA_DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// Schema keywords whose value is a schema.
const SCHEMA_KEYS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
];
/// Schema keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Schema keywords whose value is a map of schemas.
const SCHEMA_MAP_KEYS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

impl Bundler<'_> {
    /// The main document's component schema names are taken first; one that is only a
    /// reference to another file gives that file's schema its name.
    fn claim_main_components(&mut self, root: &Value) {
        let Some(Value::Object(schemas)) = root.pointer("/components/schemas") else {
            return;
        };
        for name in schemas.keys() {
            self.taken.insert(name.clone());
        }
        for (name, schema) in schemas {
            let Some(reference) = only_reference(schema) else {
                continue;
            };
            if reference.starts_with('#') {
                continue;
            }
            if let Ok(target) = self.target_of(reference, "") {
                self.names.entry(target).or_insert_with(|| name.clone());
            }
        }
    }

    /// Rewrites the references in `node` (at pointer `at` of document `doc`); `schema`
    /// says whether `node` is a schema.
    fn walk(&mut self, node: &mut Value, doc: &str, at: &str, schema: bool) {
        match node {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get("$ref") {
                    let reference = reference.clone();
                    if doc.is_empty() && reference.starts_with('#') {
                        // The main document's own reference: as it is.
                    } else {
                        self.follow(node, &reference, doc, at, schema);
                        return;
                    }
                }
                let Value::Object(object) = node else {
                    return;
                };
                for (key, child) in object.iter_mut() {
                    let here = pointer::child(at, key);
                    let data = if schema {
                        SCHEMA_DATA_KEYS.contains(&key.as_str())
                    } else {
                        matches!(key.as_str(), "example" | "value")
                    };
                    if data {
                        continue;
                    }
                    if schema {
                        if SCHEMA_KEYS.contains(&key.as_str()) {
                            self.walk(child, doc, &here, true);
                        } else if SCHEMA_LIST_KEYS.contains(&key.as_str())
                            || SCHEMA_MAP_KEYS.contains(&key.as_str())
                        {
                            self.walk_each(child, doc, &here, true);
                        } else if key == "discriminator" {
                            self.rewrite_mapping(child, doc, &here);
                        }
                    } else if key == "schema" {
                        self.walk(child, doc, &here, true);
                    } else if key == "schemas" && at.ends_with("/components") {
                        self.walk_each(child, doc, &here, true);
                    } else {
                        self.walk(child, doc, &here, false);
                    }
                }
            }
            Value::Array(items) if !schema => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk(item, doc, &format!("{at}/{index}"), false);
                }
            }
            _ => {}
        }
    }

    /// Walks each member of a list or map of schemas.
    fn walk_each(&mut self, node: &mut Value, doc: &str, at: &str, schema: bool) {
        match node {
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk(item, doc, &format!("{at}/{index}"), schema);
                }
            }
            Value::Object(members) => {
                for (key, member) in members.iter_mut() {
                    self.walk(member, doc, &pointer::child(at, key), schema);
                }
            }
            _ => {}
        }
    }

    /// `discriminator.mapping` values are references too (`dog.yaml#/Dog`).
    fn rewrite_mapping(&mut self, discriminator: &mut Value, doc: &str, at: &str) {
        let Some(Value::Object(mapping)) = discriminator.get_mut("mapping") else {
            return;
        };
        for (key, value) in mapping.iter_mut() {
            let Value::String(reference) = value else {
                continue;
            };
            // A bare name (`Dog`) names a component, not a file.
            if !reference.contains('#') && !reference.contains('/') && !reference.contains('.') {
                continue;
            }
            if doc.is_empty() && reference.starts_with('#') {
                continue;
            }
            let here = pointer::child(&format!("{at}/mapping"), key);
            if let Some(rewritten) = self.schema_reference(&reference.clone(), doc, &here) {
                *value = Value::String(rewritten);
            }
        }
    }

    /// Replaces the reference object `node` by what it points to: a reference to the
    /// component a schema becomes, or a copy of anything else.
    fn follow(&mut self, node: &mut Value, reference: &str, doc: &str, at: &str, schema: bool) {
        let at_ref = format!("{at}/$ref");
        if schema {
            if let Some(rewritten) = self.schema_reference(reference, doc, &at_ref) {
                if let Some(object) = node.as_object_mut() {
                    object.insert("$ref".to_owned(), Value::String(rewritten));
                }
            }
            return;
        }
        let Some(target) = self.checked_target(reference, doc, &at_ref) else {
            return;
        };
        if target.0.is_empty() {
            if let Some(object) = node.as_object_mut() {
                object.insert("$ref".to_owned(), Value::String(fragment(&target.1)));
            }
            return;
        }
        if self.copying.contains(&target) {
            self.error(doc, &at_ref, format!("`{reference}` is part of a cycle of references across files that is not made of schemas; it cannot be bundled"));
            return;
        }
        let Some(mut content) = self.node(&target).cloned() else {
            return;
        };
        self.copying.push(target.clone());
        self.walk(&mut content, &target.0, &target.1, false);
        self.copying.pop();
        // Siblings of `$ref` (3.1: `summary`, `description`) win over the copy's.
        if let (Value::Object(copy), Value::Object(siblings)) = (&mut content, &*node) {
            for (key, value) in siblings {
                if key != "$ref" {
                    copy.insert(key.clone(), value.clone());
                }
            }
        }
        *node = content;
    }

    /// The main-document reference for the schema `reference` (in `doc`) points to,
    /// bundling it on first use.
    fn schema_reference(&mut self, reference: &str, doc: &str, at: &str) -> Option<String> {
        let target = self.checked_target(reference, doc, at)?;
        if target.0.is_empty() {
            return Some(fragment(&target.1));
        }
        if let Some(name) = self.names.get(&target) {
            if self.hoisted.iter().any(|(hoisted, _)| hoisted == name) {
                return Some(fragment(&pointer::child("/components/schemas", name)));
            }
        }
        let name = match self.names.get(&target) {
            Some(name) => name.clone(),
            None => {
                let name = self.claim_name(&target);
                self.names.insert(target.clone(), name.clone());
                name
            }
        };
        // Named before its content is read: a cycle back to it finds the name.
        self.hoisted.push((name.clone(), Value::Null));
        let slot = self.hoisted.len() - 1;
        let mut content = self.node(&target).cloned().unwrap_or(Value::Null);
        self.walk(&mut content, &target.0, &target.1, true);
        self.hoisted[slot].1 = content;
        Some(fragment(&pointer::child("/components/schemas", &name)))
    }

    /// A component name for a schema of another file: its pointer's last token (or the
    /// file's name), then with the file's name in front, then numbered.
    fn claim_name(&mut self, target: &Target) -> String {
        let file_stem = target
            .0
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .split('.')
            .next()
            .unwrap_or_default();
        let file_word = crate::names::type_name(file_stem);
        let last = pointer::split(&target.1).pop();
        let base = last
            .map(|token| token.to_string())
            .unwrap_or_else(|| file_word.clone());
        let mut candidates = vec![
            base.clone(),
            format!("{file_word}{}", crate::names::type_name(&base)),
        ];
        candidates.dedup();
        for candidate in candidates {
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        let prefixed = format!("{file_word}{}", crate::names::type_name(&base));
        (2..)
            .map(|n| format!("{prefixed}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(prefixed)
    }

    /// The target of `reference` in `doc`, with its document loaded and its node present;
    /// `None` (and an error at `at`) otherwise.
    fn checked_target(&mut self, reference: &str, doc: &str, at: &str) -> Option<Target> {
        let target = match self.target_of(reference, doc) {
            Ok(target) => target,
            Err(message) => {
                self.error(doc, at, message);
                return None;
            }
        };
        if target.0.is_empty() {
            // Into the main document, which lowering reads (and checks) itself.
            return Some(target);
        }
        if let Err(message) = self.load(&target.0) {
            self.error(doc, at, format!("`$ref: {reference}`: {message}"));
            return None;
        }
        if self.node(&target).is_none() {
            let shown = self.shown(&target.0);
            self.error(
                doc,
                at,
                format!(
                    "`$ref: {reference}`: {shown} has nothing at `#{}`",
                    target.1
                ),
            );
            return None;
        }
        Some(target)
    }

    /// Resolves `reference` (written in `doc`) to a document key and a pointer.
    fn target_of(&self, reference: &str, doc: &str) -> Result<Target, String> {
        let (location, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let pointer = crate::refs::ref_to_pointer(&format!("#{fragment}"))
            .map_err(|error| error.message())?;
        if location.is_empty() {
            return Ok((doc.to_owned(), pointer));
        }
        let location = percent_encoding::percent_decode_str(location)
            .decode_utf8_lossy()
            .into_owned();
        if location.starts_with("http://") || location.starts_with("https://") {
            return Ok((location, pointer));
        }
        if doc.starts_with("http://") || doc.starts_with("https://") {
            let base = doc.rsplit_once('/').map_or(doc, |(base, _)| base);
            return Ok((format!("{base}/{location}"), pointer));
        }
        if location.starts_with("file:") || location.contains("://") {
            return Err(format!(
                "`$ref: {reference}`: only relative file paths are followed"
            ));
        }
        let joined = if location.starts_with('/') {
            location
        } else {
            let dir = doc.rsplit_once('/').map_or("", |(dir, _)| dir);
            if dir.is_empty() {
                location
            } else {
                format!("{dir}/{location}")
            }
        };
        let key = normalize(&joined);
        // A reference back into the main document.
        if key == self.main_key() {
            return Ok((String::new(), pointer));
        }
        Ok((key, pointer))
    }

    /// The main document's own path, as other files refer to it (its file name).
    fn main_key(&self) -> String {
        self.main_shown
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    fn load(&mut self, key: &str) -> Result<(), String> {
        if key.is_empty() {
            return Ok(());
        }
        if !self.docs.contains_key(key) {
            let remote = key.starts_with("http://") || key.starts_with("https://");
            let text = if remote {
                self.files.read_remote(key)
            } else {
                self.files.read(key)
            };
            let loaded = match text {
                Ok(text) => {
                    let format = SourceFormat::detect(key, &text);
                    let shown = if remote {
                        key.to_owned()
                    } else {
                        format!("{}{key}", self.main_dir_shown)
                    };
                    match crate::load::parse_tree(&text, format) {
                        Ok(root) => Some(Loaded {
                            shown,
                            text,
                            format,
                            root,
                        }),
                        Err(mut diagnostic) => {
                            diagnostic.file = Some(shown);
                            self.diags.push(diagnostic);
                            None
                        }
                    }
                }
                Err(message) => return Err(message),
            };
            self.docs.insert(key.to_owned(), loaded);
        }
        match self.docs.get(key) {
            Some(Some(_)) => Ok(()),
            _ => Err("the file could not be read".to_owned()),
        }
    }

    fn node(&self, target: &Target) -> Option<&Value> {
        let root = &self.docs.get(&target.0)?.as_ref()?.root;
        crate::refs::get(root, &target.1)
    }

    fn shown(&self, key: &str) -> String {
        match self.docs.get(key) {
            Some(Some(loaded)) => loaded.shown.clone(),
            _ if key.is_empty() => self.main_shown.clone(),
            _ => key.to_owned(),
        }
    }

    /// An error at pointer `at` of document `doc`, located in that document's text.
    fn error(&mut self, doc: &str, at: &str, message: String) {
        let mut diagnostic = Diagnostic::error(at, message);
        if let Some(Some(loaded)) = self.docs.get(doc) {
            diagnostic.location =
                crate::locate::locate(&loaded.text, loaded.format, at).or_else(|| {
                    crate::locate::locate_nearest(&loaded.text, loaded.format, at).map(|(_, at)| at)
                });
            diagnostic.file = Some(loaded.shown.clone());
        }
        self.diags.push(diagnostic);
    }
}

/// `{"$ref": ...}` alone (siblings aside from docs): the reference.
fn only_reference(schema: &Value) -> Option<&str> {
    let object = schema.as_object()?;
    let reference = object.get("$ref")?.as_str()?;
    object
        .keys()
        .all(|key| matches!(key.as_str(), "$ref" | "description" | "summary"))
        .then_some(reference)
}

/// `#` and the pointer, as a `$ref` value.
fn fragment(pointer: &str) -> String {
    format!("#{pointer}")
}

/// `a/./b/../c` → `a/c`; `..` beyond the start is kept (`../common.yaml`) for the
/// caller to allow or refuse.
fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn paths_are_normalized_keeping_leading_parents() {
        assert_eq!(normalize("schemas/./pet.yaml"), "schemas/pet.yaml");
        assert_eq!(normalize("schemas/../common.yaml"), "common.yaml");
        assert_eq!(normalize("schemas/../../x.yaml"), "../x.yaml");
        assert_eq!(normalize("/etc/passwd"), "/etc/passwd");
    }
}
