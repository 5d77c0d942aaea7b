//! Lowering: the loaded document to the [`Api`] IR.
//!
//! Passes, in order: schemas on demand as operations and components reach them
//! ([`types`]), operations ([`operations`]), then cycle breaking ([`cycles`]), marking
//! the types callers send ([`sent`]) and the check that every constrained value got a rule ([`audit`]).

mod audit;
mod cycles;
mod operations;
mod overrides;
pub(crate) mod pagination;
mod sent;
mod types;

use rustc_hash::FxHashMap as HashMap;

use serde_json::Value;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::ir::{Api, Docs, Server, TypeDef, TypeId, TypeKind, TypeRef};
use crate::load::Document;
use crate::names::Namer;

pub use audit::audit;
pub use operations::{ignored_header, IgnoredHeader};

/// Names the generated crate uses for its own items, so no type takes them.
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "Error", "ResponseValue", "Checked", "Rule"];

/// Lowers a loaded document to the IR with the generator config's renames, type
/// mappings and derives, collecting diagnostics.
pub(crate) fn lower(doc: &Document, config: &Config, diags: &mut Diagnostics) -> Api {
    let mut lowerer = Lowerer::new(doc, config, diags);
    lowerer.read_info();
    lowerer.read_components();
    lowerer.read_security_schemes();
    lowerer.read_operations();
    lowerer.read_webhooks();
    lowerer.name_shared_enums();
    lowerer.report_unused_mappings();
    lowerer.report_unused_pagination();
    let mut api = lowerer.api;
    overrides::apply(&mut api, config, diags);
    cycles::break_cycles(&mut api);
    sent::mark_sent(&mut api);
    api
}

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) config: &'a Config,
    /// The config's `[types]` keys some schema used.
    pub(crate) used_mappings: rustc_hash::FxHashSet<String>,
    /// The config's `[pagination]` keys some operation used.
    pub(crate) used_pagination: rustc_hash::FxHashSet<String>,
    /// Union members read with the properties next to their union merged in (their
    /// pointer now serves the merged schema).
    pub(crate) merged_members: rustc_hash::FxHashSet<String>,
    pub(crate) diags: &'a mut Diagnostics,
    pub(crate) api: Api,
    pub(crate) type_names: Namer,
    /// Named type made for a schema node (by the pointer of the node).
    pub(crate) by_pointer: HashMap<String, TypeId>,
    /// Inline enums by value set, with how many positions use each.
    pub(crate) shared_enums: HashMap<String, (TypeId, usize)>,
    /// Schemas already read, by pointer: a schema used from many places is read once.
    pub(crate) schemas: HashMap<String, std::rc::Rc<crate::schema::Schema>>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a Document, config: &'a Config, diags: &'a mut Diagnostics) -> Self {
        Self {
            doc,
            config,
            used_mappings: Default::default(),
            used_pagination: Default::default(),
            merged_members: Default::default(),
            diags,
            api: Api::default(),
            type_names: Namer::with_reserved(RESERVED_TYPE_NAMES),
            by_pointer: HashMap::default(),
            shared_enums: HashMap::default(),
            schemas: HashMap::default(),
        }
    }

    pub(crate) fn root(&self) -> &'a Value {
        &self.doc.root
    }

    /// Adds a named type (its kind filled in later) and returns its id.
    pub(crate) fn add_type(&mut self, suggested: &str, pointer: &str) -> TypeId {
        let name = self.type_names.claim(suggested);
        let id = TypeId(self.api.types.len());
        self.api.types.push(TypeDef {
            name,
            docs: Docs {
                pointer: pointer.to_owned(),
                ..Docs::default()
            },
            kind: TypeKind::Alias(TypeRef::Prim(crate::ir::Prim::Json)),
            role: crate::ir::Role::Model,
            sent: false,
            derives: Vec::new(),
        });
        id
    }

    fn read_info(&mut self) {
        let root = self.root();
        let info = root.get("info");
        let text = |key: &str| {
            info.and_then(|i| i.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        self.api.title = text("title");
        self.api.version = text("version");
        let summary = text("summary");
        let description = text("description");
        self.api.description = [summary, description]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        if let Some(dialect) = root.get("jsonSchemaDialect").and_then(Value::as_str) {
            if dialect != "https://spec.openapis.org/oas/3.1/dialect/base" {
                self.diags.warning(
                    "/jsonSchemaDialect",
                    format!(
                        "schemas are read as the OpenAPI 3.1 default dialect, not `{dialect}`; keywords of \
                         other dialects may be ignored"
                    ),
                );
            }
        }
        if let Some(Value::Array(servers)) = root.get("servers") {
            for server in servers {
                let Some(url) = server.get("url").and_then(Value::as_str) else {
                    continue;
                };
                let mut url = url.to_owned();
                if let Some(Value::Object(variables)) = server.get("variables") {
                    for (name, variable) in variables {
                        let default = variable
                            .get("default")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        url = url.replace(&format!("{{{name}}}"), default);
                    }
                }
                let description = server
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                self.api.servers.push(Server { url, description });
            }
        }
    }

    /// A `[types]` entry of the config that no schema used names nothing: an error at
    /// its line (a typo, or a spec that no longer has it).
    fn report_unused_mappings(&mut self) {
        for key in self.config.types.keys() {
            if !self.used_mappings.contains(key.get_ref()) {
                let what = if key.get_ref().starts_with('#') {
                    format!("`{}` is not a schema the spec has (or uses)", key.get_ref())
                } else {
                    format!("no schema in the spec has `format: {}`", key.get_ref())
                };
                self.config.error_at(self.diags, key.span(), what);
            }
        }
    }

    /// An inline enum used by several properties is named after its values
    /// (`ReadOrWrite`), not after the first property that happened to use it.
    fn name_shared_enums(&mut self) {
        let mut shared: Vec<(TypeId, usize)> = self
            .shared_enums
            .values()
            .copied()
            .filter(|(_, uses)| *uses > 1)
            .collect();
        shared.sort();
        for (id, uses) in shared {
            let def = &self.api.types[id.0];
            let TypeKind::Enum(e) = &def.kind else {
                continue;
            };
            if e.variants.is_empty() || e.variants.len() > 4 {
                continue;
            }
            // Joined from the unescaped names, escaped once (`IdOrSelf`, never `IdOrSelf_`).
            let words: Vec<&str> = e
                .variants
                .iter()
                .map(|v| crate::names::unescaped(&v.rust_name))
                .collect();
            let candidate = crate::names::escape_self(words.join("Or"));
            if candidate.len() > 48 {
                continue;
            }
            let name = self.type_names.claim(&candidate);
            let def = &mut self.api.types[id.0];
            def.name = name;
            def.docs.text = format!("Values shared by {uses} properties in the spec.");
        }
    }

    /// Every component schema becomes a named type, in document order, so component
    /// names are claimed before names derived from inline schemas.
    fn read_components(&mut self) {
        let Some(Value::Object(schemas)) = crate::refs::get(self.root(), "/components/schemas")
        else {
            return;
        };
        let names: Vec<String> = schemas.keys().cloned().collect();
        let declared: Vec<(String, TypeId)> = names
            .iter()
            .map(|name| {
                let pointer = crate::diag::child("/components/schemas", name);
                let id = self.add_type(&crate::names::type_name(name), &pointer);
                self.by_pointer.insert(pointer.clone(), id);
                (pointer, id)
            })
            .collect();
        for (pointer, id) in declared {
            self.fill_named(id, &pointer);
        }
    }
}
