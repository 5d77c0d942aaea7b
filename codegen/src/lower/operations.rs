//! Paths, operations, parameters, bodies, responses, security and webhooks.

use std::collections::HashMap;

use serde_json::Value;

use super::types::Ctx;
use super::Lowerer;
use crate::diag::child;
use crate::ir::{
    BodyKind, Docs, ErrorType, Field, Method, Operation, Param, ParamLocation, ParamStyle,
    PathTemplate, Prim, RequestBody, Response, ResponseKind, SecurityKind, SecurityScheme,
    StatusMatch, Struct, SuccessType, TypeKind, TypeRef, Webhook,
};
use crate::names::{self, Namer, RustName};
use crate::refs;

impl Lowerer<'_> {
    pub(super) fn read_security_schemes(&mut self) {
        let Some(Value::Object(schemes)) = refs::get(self.root(), "/components/securitySchemes")
        else {
            return;
        };
        let mut namer = Namer::new();
        for (name, node) in schemes {
            let pointer = child("/components/securitySchemes", name);
            let node = match refs::resolve(self.root(), &pointer) {
                Ok(target) => refs::get(self.root(), &target).unwrap_or(node),
                Err(_) => node,
            };
            let text = |key: &str| {
                node.get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let kind = match (
                text("type").as_str(),
                text("scheme").to_ascii_lowercase().as_str(),
            ) {
                ("http", "bearer") | ("oauth2", _) | ("openIdConnect", _) => {
                    Some(SecurityKind::Bearer)
                }
                ("http", "basic") => Some(SecurityKind::Basic),
                ("apiKey", _) => match text("in").as_str() {
                    "header" => Some(SecurityKind::ApiKeyHeader(text("name"))),
                    "query" => Some(SecurityKind::ApiKeyQuery(text("name"))),
                    "cookie" => Some(SecurityKind::ApiKeyCookie(text("name"))),
                    other => {
                        self.diags.warning(
                            child(&pointer, "in"),
                            format!("apiKey `in: {other}` is not header, query or cookie; scheme skipped"),
                        );
                        None
                    }
                },
                (kind, scheme) => {
                    self.diags.warning(
                        pointer.clone(),
                        format!(
                            "security scheme `{kind}`{} is not applied by the client; operations that need it send \
                             no credentials for it (configure your own reqwest::Client)",
                            if scheme.is_empty() { String::new() } else { format!(" / `{scheme}`") }
                        ),
                    );
                    None
                }
            };
            let Some(kind) = kind else { continue };
            self.api.security_schemes.push(SecurityScheme {
                name: name.clone(),
                rust_name: namer.claim_rust(&names::snake_name(name)),
                kind,
                docs: text("description"),
            });
        }
    }

    fn security_of(&mut self, node: Option<&Value>, pointer: &str) -> Option<Vec<Vec<usize>>> {
        let Value::Array(alternatives) = node? else {
            self.diags
                .warning(pointer.to_owned(), "`security` must be a list; ignored");
            return None;
        };
        let mut result = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let Some(requirement) = alternative.as_object() else {
                continue;
            };
            let mut schemes = Vec::new();
            let mut complete = true;
            for name in requirement.keys() {
                match self
                    .api
                    .security_schemes
                    .iter()
                    .position(|s| &s.name == name)
                {
                    Some(position) => schemes.push(position),
                    None => {
                        complete = false;
                        self.diags.warning(
                            child(&child(pointer, &index.to_string()), name),
                            format!("security scheme `{name}` is not defined in components.securitySchemes (or not supported); ignored"),
                        );
                    }
                }
            }
            if complete || !schemes.is_empty() {
                result.push(schemes);
            }
        }
        Some(result)
    }

    pub(super) fn read_operations(&mut self) {
        let global_security = self
            .security_of(self.root().get("security"), "/security")
            .unwrap_or_default();
        let Some(Value::Object(paths)) = self.root().get("paths") else {
            return;
        };
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut method_names =
            Namer::with_reserved(&["new", "with_base_url", "base_url", "with_options", "core"]);
        for scheme in &self.api.security_schemes {
            method_names.claim(&format!("with_{}", scheme.rust_name.bare()));
        }
        let mut planned = Vec::new();
        for (path, item) in paths {
            let item_pointer = child("/paths", path);
            let item_pointer = match refs::resolve(self.root(), &item_pointer) {
                Ok(target) => target,
                Err(error) => {
                    self.diags
                        .warning(item_pointer, format!("{}; path skipped", error.message()));
                    continue;
                }
            };
            let Some(item) = refs::get(self.root(), &item_pointer)
                .and_then(Value::as_object)
                .or(item.as_object())
            else {
                continue;
            };
            for key in item.keys() {
                if matches!(key.as_str(), "query" | "additionalOperations") {
                    self.diags.warning(
                        child(&item_pointer, key),
                        format!("OpenAPI 3.2 `{key}` operations are not generated yet"),
                    );
                }
            }
            for (method_key, method) in Method::ALL {
                if item.get(method_key).is_some() {
                    planned.push((path.clone(), item_pointer.clone(), method_key, method));
                }
            }
        }
        // Names: NestJS ids lose their controller prefix unless that collides.
        let mut short_counts: HashMap<String, usize> = HashMap::new();
        for (_, item_pointer, method_key, _) in &planned {
            let op_pointer = child(item_pointer, method_key);
            if let Some(id) = refs::get(self.root(), &op_pointer)
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str)
            {
                *short_counts
                    .entry(names::method_name_candidates(id).0.to_string())
                    .or_default() += 1;
            }
        }
        let mut renamed_operations = Vec::new();
        for (path, item_pointer, method_key, method) in planned {
            let op_pointer = child(&item_pointer, method_key);
            let operation_id = refs::get(self.root(), &op_pointer)
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if !operation_id.is_empty() {
                if let Some(first) = ids.get(&operation_id) {
                    self.diags.warning(
                        child(&op_pointer, "operationId"),
                        format!("duplicate operationId `{operation_id}` (first used at #{first}); this method gets a numbered name"),
                    );
                } else {
                    ids.insert(operation_id.clone(), op_pointer.clone());
                }
            }
            let candidate = if operation_id.is_empty() {
                names::method_name_from_path(method_key, &path)
            } else {
                let (short, full) = names::method_name_candidates(&operation_id);
                if short_counts.get(short.as_str()).copied().unwrap_or(0) > 1 {
                    full
                } else {
                    short
                }
            };
            let renamed = self.config.rename.operations.iter().find(|(key, _)| {
                let key = key.get_ref();
                (!operation_id.is_empty() && *key == operation_id)
                    || key.eq_ignore_ascii_case(&format!("{method_key} {path}"))
            });
            let candidate = match renamed {
                Some((key, new)) => {
                    renamed_operations.push(key.get_ref().clone());
                    let name = names::snake_name(new.get_ref());
                    if method_names.is_taken(name.as_str()) {
                        self.config.error_at(
                            self.diags,
                            new.span(),
                            format!("`{}` is already the name of a client method", new.get_ref()),
                        );
                    }
                    name
                }
                None => candidate,
            };
            let rust_name = method_names.claim_rust(&candidate);
            if let Some(operation) = self.lower_operation(
                &path,
                &item_pointer,
                &op_pointer,
                method,
                rust_name,
                operation_id,
                &global_security,
            ) {
                self.api.operations.push(operation);
            }
        }
        for key in self.config.rename.operations.keys() {
            if !renamed_operations.contains(key.get_ref()) {
                self.config.unknown_operation(self.diags, key);
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // one call site; the values are all distinct facts of the operation
    fn lower_operation(
        &mut self,
        path: &str,
        item_pointer: &str,
        op_pointer: &str,
        method: Method,
        rust_name: RustName,
        operation_id: String,
        global_security: &[Vec<usize>],
    ) -> Option<Operation> {
        let root = self.root();
        let op = refs::get(root, op_pointer)?.as_object()?;
        let type_base = names::type_name(&rust_name);
        let summary = op
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        let description = op
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        let docs = Docs {
            text: [summary, description]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n"),
            pointer: op_pointer.to_owned(),
            notes: Vec::new(),
        };
        let deprecated = op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);

        // Parameters: path-level first, overridden by operation-level (same name and `in`).
        let mut param_pointers: Vec<(String, String, String)> = Vec::new();
        for base in [
            child(item_pointer, "parameters"),
            child(op_pointer, "parameters"),
        ] {
            let Some(Value::Array(list)) = refs::get(root, &base) else {
                continue;
            };
            for index in 0..list.len() {
                let pointer = child(&base, &index.to_string());
                let target = match refs::resolve(root, &pointer) {
                    Ok(target) => target,
                    Err(error) => {
                        self.diags
                            .warning(pointer, format!("{}; parameter skipped", error.message()));
                        continue;
                    }
                };
                let Some(node) = refs::get(root, &target) else {
                    continue;
                };
                let name = node
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let location = node
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(existing) = param_pointers
                    .iter_mut()
                    .find(|(n, l, _)| *n == name && *l == location)
                {
                    existing.2 = target;
                } else {
                    param_pointers.push((name, location, target));
                }
            }
        }
        // Every parameter is a field of the operation's parameters struct and, when
        // required, an argument of its method (beside `self` and `body`).
        let mut field_names = Namer::with_reserved(&["self", "body"]);
        let mut params = Vec::new();
        let template = PathTemplate::parse(path);
        let template_params: Vec<String> = template.params().map(str::to_owned).collect();
        for (name, location, pointer) in &param_pointers {
            let Some(param) =
                self.lower_param(name, location, pointer, &type_base, &template_params)
            else {
                continue;
            };
            let rust_name = field_names.claim_rust(&param.rust_name);
            params.push(Param { rust_name, ..param });
        }
        for name in &template_params {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && &p.wire_name == name)
            {
                self.diags.warning(
                    op_pointer.to_owned(),
                    format!("path template `{path}` uses `{{{name}}}` but no path parameter `{name}` is defined; added as a string"),
                );
                params.push(Param {
                    rust_name: field_names.claim_rust(&names::snake_name(name)),
                    wire_name: name.clone(),
                    location: ParamLocation::Path,
                    ty: TypeRef::Prim(Prim::String),
                    required: true,
                    style: ParamStyle::Simple,
                    explode: false,
                    docs: Docs::default(),
                });
            }
        }
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => template_params
                .iter()
                .position(|n| n == &p.wire_name)
                .unwrap_or(usize::MAX),
            _ => usize::MAX,
        });
        let params_type = {
            let id = self.add_type(&format!("{type_base}Params"), op_pointer);
            let fields = params
                .iter()
                .map(|p| Field {
                    rust_name: p.rust_name.clone(),
                    wire_name: p.wire_name.clone(),
                    ty: p.ty.clone(),
                    optional: !p.required,
                    nullable: false,
                    asked: Vec::new(),
                    docs: p.docs.clone(),
                })
                .collect();
            let def = &mut self.api.types[id.0];
            def.kind = TypeKind::Struct(Struct {
                fields,
                extra: None,
                deny_unknown: false,
            });
            def.docs.text = format!(
                "The parameters of [`Client::{}`](crate::Client::{}), for building a call \
                 as one value: `client.send(params)`.",
                rust_name.bare(),
                rust_name.bare()
            );
            def.role = crate::ir::Role::Params;
            id
        };

        let body = match op.get("requestBody") {
            Some(_) => self.lower_body(&child(op_pointer, "requestBody"), &type_base),
            None => None,
        };
        let (responses, success, error) =
            self.lower_responses(&child(op_pointer, "responses"), &type_base);
        let stream = self.lower_stream(&child(op_pointer, "responses"), &type_base);
        let pagination = self.lower_pagination(
            super::pagination::OperationAt {
                pointer: op_pointer,
                id: &operation_id,
                method,
                path,
            },
            &params,
            &responses,
            &success,
        );
        let security = match self.security_of(op.get("security"), &child(op_pointer, "security")) {
            Some(own) => own,
            None => global_security.to_vec(),
        };
        Some(Operation {
            rust_name,
            operation_id,
            method,
            path: path.to_owned(),
            template,
            docs,
            params,
            params_type,
            body,
            responses,
            success,
            error,
            security,
            deprecated,
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .map(|tags| {
                    tags.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            stream,
            pagination,
        })
    }

    /// The items of the first 2xx response streamed as server-sent events or JSON lines:
    /// typed by the media type's `itemSchema` (OpenAPI 3.2), else its `schema`.
    fn lower_stream(
        &mut self,
        responses_pointer: &str,
        type_base: &str,
    ) -> Option<crate::ir::ItemStream> {
        let responses = refs::get(self.root(), responses_pointer)?.as_object()?;
        let mut codes: Vec<&String> = responses
            .keys()
            .filter(|code| code.starts_with('2'))
            .collect();
        codes.sort();
        for code in codes {
            let pointer = child(responses_pointer, code);
            let target = refs::resolve(self.root(), &pointer).unwrap_or(pointer);
            let Some(Value::Object(content)) = refs::get(self.root(), &target)
                .and_then(|r| r.get("content"))
                .cloned()
            else {
                continue;
            };
            for (media, object) in &content {
                let Some(format) = crate::ir::StreamFormat::of_media(media) else {
                    continue;
                };
                let media_pointer = child(&child(&target, "content"), media);
                let schema_pointer = ["itemSchema", "schema"]
                    .iter()
                    .find(|key| object.get(**key).is_some())
                    .map(|key| child(&media_pointer, key));
                let item = schema_pointer.map(|schema_pointer| {
                    let ctx = Ctx::new(format!("{type_base}Item"), "item");
                    let lowered = self.lower_value(&schema_pointer, &ctx);
                    self.finish_position(lowered, &ctx, &schema_pointer, false)
                });
                return Some(crate::ir::ItemStream { format, item });
            }
        }
        None
    }

    fn lower_param(
        &mut self,
        name: &str,
        location: &str,
        pointer: &str,
        type_base: &str,
        template: &[String],
    ) -> Option<Param> {
        let node = refs::get(self.root(), pointer)?.clone();
        let location = match ParamLocation::parse(location) {
            Some(location) => location,
            None => {
                let other = location;
                self.diags.warning(child(pointer, "in"), format!("parameter location `{other}` is not path, query, header or cookie; parameter skipped"));
                return None;
            }
        };
        if name.is_empty() {
            self.diags
                .warning(pointer.to_owned(), "parameter without a `name`; skipped");
            return None;
        }
        if location == ParamLocation::Path && !template.iter().any(|t| t == name) {
            self.diags.warning(
                pointer.to_owned(),
                format!("path parameter `{name}` does not appear in the path template; skipped"),
            );
            return None;
        }
        if location == ParamLocation::Header {
            match ignored_header(name) {
                Some(IgnoredHeader::ByOpenApi) => return None,
                Some(IgnoredHeader::Framing) => {
                    self.diags.warning(
                        pointer.to_owned(),
                        format!("header parameter `{name}` is set by the HTTP client from the request itself; ignored"),
                    );
                    return None;
                }
                None => {}
            }
        }
        let style = match node
            .get("style")
            .and_then(Value::as_str)
            .and_then(ParamStyle::parse)
        {
            Some(style) => style,
            None => match location {
                ParamLocation::Query | ParamLocation::Cookie => ParamStyle::Form,
                _ => ParamStyle::Simple,
            },
        };
        let explode = node
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == ParamStyle::Form);
        let required = location == ParamLocation::Path
            || node
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        let schema_pointer = if node.get("schema").is_some() {
            Some(child(pointer, "schema"))
        } else if let Some(Value::Object(content)) = node.get("content") {
            content
                .keys()
                .next()
                .map(|media| child(&child(&child(pointer, "content"), media), "schema"))
        } else {
            None
        };
        let ctx = Ctx::new(format!("{type_base}{}", names::type_name(name)), name);
        let ty = match schema_pointer {
            Some(schema_pointer) if refs::get(self.root(), &schema_pointer).is_some() => {
                let lowered = self.lower_value(&schema_pointer, &ctx);
                let lowered = super::types::Lowered {
                    nullable: false,
                    ..lowered
                };
                self.finish_position(lowered, &ctx, &schema_pointer, false)
            }
            _ => {
                self.diags.warning(
                    pointer.to_owned(),
                    format!("parameter `{name}` has no schema; sent as a string"),
                );
                TypeRef::Prim(Prim::String)
            }
        };
        let description = node
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned();
        Some(Param {
            rust_name: names::snake_name(name),
            wire_name: name.to_owned(),
            location,
            ty,
            required,
            style,
            explode,
            docs: Docs {
                text: description,
                pointer: pointer.to_owned(),
                notes: Vec::new(),
            },
        })
    }

    fn lower_body(&mut self, pointer: &str, type_base: &str) -> Option<RequestBody> {
        let target = match refs::resolve(self.root(), pointer) {
            Ok(target) => target,
            Err(error) => {
                self.diags.warning(
                    pointer.to_owned(),
                    format!("{}; request body skipped", error.message()),
                );
                return None;
            }
        };
        let node = refs::get(self.root(), &target)?.clone();
        let required = node
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let Some(Value::Object(content)) = node.get("content") else {
            self.diags
                .warning(target, "request body without `content`; skipped");
            return None;
        };
        let (media, kind) = pick_media(content.keys().map(String::as_str), true)?;
        self.warn_item_schema(&child(&target, "content"), content);
        let schema_pointer = child(&child(&child(&target, "content"), &media), "schema");
        let has_schema = refs::get(self.root(), &schema_pointer).is_some();
        let ctx = Ctx::new(format!("{type_base}Request"), "body");
        let mut file_fields = Vec::new();
        let ty = match kind {
            BodyKind::Bytes => TypeRef::Prim(Prim::Upload),
            BodyKind::Text if !has_schema => TypeRef::Prim(Prim::String),
            BodyKind::Multipart => {
                if !has_schema {
                    self.diags
                        .warning(schema_pointer, "multipart body without a schema; skipped");
                    return None;
                }
                let (ty, files) = self.lower_multipart(&schema_pointer, &ctx);
                file_fields = files;
                ty
            }
            _ if !has_schema => TypeRef::Prim(Prim::Json),
            _ => {
                let lowered = self.lower_value(&schema_pointer, &ctx);
                self.finish_position(lowered, &ctx, &schema_pointer, false)
            }
        };
        Some(RequestBody {
            kind,
            content_type: media,
            ty,
            required,
            file_fields,
        })
    }

    /// A multipart body: its own struct, where binary properties are file parts.
    fn lower_multipart(&mut self, pointer: &str, ctx: &Ctx) -> (TypeRef, Vec<String>) {
        let Some(schema) = self.resolved_schema(pointer) else {
            return (TypeRef::Prim(Prim::Json), Vec::new());
        };
        let id = self.add_type(&ctx.name, &schema.pointer);
        let mut namer = Namer::new();
        let mut fields = Vec::new();
        let mut files = Vec::new();
        if schema.properties.is_empty() && schema.types.contains(&crate::schema::JsonType::String) {
            // Not an object: the whole body is one file. Sent as a part named `file`.
            self.diags.warning(
                schema.pointer.clone(),
                "a `multipart/form-data` body must be an object; this string schema is sent as one file part named `file`",
            );
            files.push("file".to_owned());
            fields.push(Field {
                rust_name: RustName::from("file".to_owned()),
                wire_name: "file".to_owned(),
                ty: TypeRef::Prim(Prim::Upload),
                optional: false,
                nullable: false,
                asked: Vec::new(),
                docs: Docs {
                    text: schema.doc_text(),
                    pointer: schema.pointer.clone(),
                    notes: Vec::new(),
                },
            });
        }
        for (wire_name, property_pointer) in &schema.properties {
            let Some(property) = self.resolved_schema(property_pointer) else {
                continue;
            };
            let is_file = |s: &crate::schema::Schema| {
                s.format.as_deref() == Some("binary")
                    || s.content_media_type.is_some()
                    || s.content_encoding.as_deref() == Some("binary")
            };
            let item_is_file = match &property.items {
                crate::schema::Sub::Schema(items) => {
                    self.resolved_schema(items).is_some_and(|s| is_file(&s))
                }
                _ => false,
            };
            let field_ctx = Ctx::new(
                format!("{}{}", ctx.name, names::type_name(wire_name)),
                wire_name.clone(),
            );
            let ty = if is_file(&property) {
                files.push(wire_name.clone());
                TypeRef::Prim(Prim::Upload)
            } else if item_is_file {
                files.push(wire_name.clone());
                TypeRef::Vec(Box::new(TypeRef::Prim(Prim::Upload)))
            } else {
                let lowered = self.lower_value(property_pointer, &field_ctx);
                let lowered = super::types::Lowered {
                    nullable: false,
                    ..lowered
                };
                self.finish_position(lowered, &field_ctx, property_pointer, false)
            };
            fields.push(Field {
                rust_name: namer.claim_rust(&names::snake_name(wire_name)),
                wire_name: wire_name.clone(),
                ty,
                optional: !schema.required.contains(wire_name),
                nullable: false,
                asked: super::audit::asked(&property),
                docs: Docs {
                    text: property.doc_text(),
                    pointer: property_pointer.clone(),
                    notes: Vec::new(),
                },
            });
        }
        let def = &mut self.api.types[id.0];
        def.docs.text = schema.doc_text();
        def.role = crate::ir::Role::Multipart;
        def.kind = TypeKind::Struct(Struct {
            fields,
            extra: None,
            deny_unknown: false,
        });
        (TypeRef::Named(id), files)
    }

    fn lower_responses(
        &mut self,
        pointer: &str,
        type_base: &str,
    ) -> (Vec<Response>, SuccessType, ErrorType) {
        let mut responses = Vec::new();
        let entries: Vec<String> = match refs::get(self.root(), pointer) {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let has_2xx = entries.iter().any(|k| k.starts_with('2'));
        let count_success = entries
            .iter()
            .filter(|k| k.starts_with('2') || (!has_2xx && *k == "default"))
            .count();
        let mut variant_names = Namer::new();
        for key in &entries {
            let Some(status) = StatusMatch::parse(key) else {
                if !key.starts_with("x-") {
                    self.diags.warning(
                        child(pointer, key),
                        format!("`{key}` is not a status code; response skipped"),
                    );
                }
                continue;
            };
            let success = match status {
                StatusMatch::Code(code) => (200..300).contains(&code),
                StatusMatch::Range(digit) => digit == 2,
                StatusMatch::Default => !has_2xx,
            };
            let response_pointer = child(pointer, key);
            let target = match refs::resolve(self.root(), &response_pointer) {
                Ok(target) => target,
                Err(error) => {
                    self.diags.warning(
                        response_pointer,
                        format!("{}; response skipped", error.message()),
                    );
                    continue;
                }
            };
            let node = refs::get(self.root(), &target)
                .cloned()
                .unwrap_or(Value::Null);
            let docs = node
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_owned();
            let variant = variant_names.claim(&status_variant(status));
            let type_name = if success && count_success == 1 {
                format!("{type_base}Response")
            } else {
                format!("{type_base}{variant}Response")
            };
            // HTTP: 204, 205 and 304 responses never carry a body, whatever the spec says.
            let bodiless = matches!(status, StatusMatch::Code(204 | 205 | 304));
            let content = node.get("content").filter(|_| !bodiless);
            if bodiless
                && node
                    .get("content")
                    .is_some_and(|c| c.as_object().is_some_and(|c| !c.is_empty()))
            {
                self.diags.warning(
                    child(&target, "content"),
                    format!("a {status} response has no body in HTTP; its `content` is ignored"),
                );
            }
            let (kind, ty, content_type) = match content {
                Some(Value::Object(content)) if !content.is_empty() => {
                    self.warn_item_schema(&child(&target, "content"), content);
                    match pick_media(content.keys().map(String::as_str), false) {
                        Some((media, BodyKind::Json)) => {
                            let schema_pointer =
                                child(&child(&child(&target, "content"), &media), "schema");
                            let ty = if refs::get(self.root(), &schema_pointer).is_some() {
                                let ctx = Ctx::new(type_name, "body");
                                let lowered = self.lower_value(&schema_pointer, &ctx);
                                self.finish_position(lowered, &ctx, &schema_pointer, false)
                            } else {
                                TypeRef::Prim(Prim::Json)
                            };
                            (ResponseKind::Json, ty, Some(media))
                        }
                        Some((media, BodyKind::Text)) => {
                            (ResponseKind::Text, TypeRef::Prim(Prim::String), Some(media))
                        }
                        Some((media, _)) => {
                            (ResponseKind::Bytes, TypeRef::Prim(Prim::Bytes), Some(media))
                        }
                        None => (ResponseKind::Empty, TypeRef::Prim(Prim::Unit), None),
                    }
                }
                _ => (ResponseKind::Empty, TypeRef::Prim(Prim::Unit), None),
            };
            responses.push(Response {
                status,
                kind,
                ty,
                content_type,
                docs,
                success,
                variant,
            });
        }
        responses.sort_by_key(|r| r.status);
        let success = self.outcome_type(&responses, true, &format!("{type_base}Response"));
        let error = self.outcome_type(&responses, false, &format!("{type_base}Error"));
        let success = match success {
            Outcome::Absent => SuccessType::Single(TypeRef::Prim(Prim::Unit)),
            Outcome::Single(ty) => SuccessType::Single(ty),
            Outcome::Enum(id) => SuccessType::Enum(id),
        };
        let error = match error {
            Outcome::Absent => ErrorType::None,
            Outcome::Single(ty) => ErrorType::Single(ty),
            Outcome::Enum(id) => ErrorType::Enum(id),
        };
        (responses, success, error)
    }

    /// One type when every matching response has the same body type, else an enum.
    fn outcome_type(&mut self, responses: &[Response], success: bool, name: &str) -> Outcome {
        let matching: Vec<&Response> = responses.iter().filter(|r| r.success == success).collect();
        let Some(first) = matching.first() else {
            return Outcome::Absent;
        };
        if matching.iter().all(|r| r.ty == first.ty) {
            return Outcome::Single(first.ty.clone());
        }
        let id = self.add_type(name, "");
        let variants = matching
            .iter()
            .map(|r| crate::ir::UnionVariant {
                rust_name: r.variant.clone(),
                ty: r.ty.clone(),
                tags: vec![r.status.to_string()],
            })
            .collect();
        let def = &mut self.api.types[id.0];
        def.kind = TypeKind::Union(crate::ir::Union {
            variants,
            discriminator: None,
        });
        def.docs.text = if success {
            "The bodies of the operation's success responses, by status.".to_owned()
        } else {
            "The bodies of the operation's documented error responses, by status.".to_owned()
        };
        def.role = crate::ir::Role::Outcome;
        Outcome::Enum(id)
    }

    /// OpenAPI 3.2 streams (`itemSchema`) are not generated yet: say so.
    fn warn_item_schema(
        &mut self,
        content_pointer: &str,
        content: &serde_json::Map<String, Value>,
    ) {
        for (media, object) in content {
            if object.get("itemSchema").is_some()
                && crate::ir::StreamFormat::of_media(media).is_none()
            {
                self.diags.warning(
                    child(&child(content_pointer, media), "itemSchema"),
                    "OpenAPI 3.2 `itemSchema` (streamed items) is not generated yet; the body is read whole",
                );
            }
        }
    }

    pub(super) fn read_webhooks(&mut self) {
        let Some(Value::Object(hooks)) = self.root().get("webhooks") else {
            return;
        };
        let names: Vec<String> = hooks.keys().cloned().collect();
        for name in names {
            let hook_pointer = child("/webhooks", &name);
            let Ok(item_pointer) = refs::resolve(self.root(), &hook_pointer) else {
                self.diags
                    .warning(hook_pointer, "unresolvable webhook `$ref`; skipped");
                continue;
            };
            for (method_key, _) in Method::ALL {
                let op_pointer = child(&item_pointer, method_key);
                let Some(op) = refs::get(self.root(), &op_pointer).cloned() else {
                    continue;
                };
                let type_base = format!("{}Webhook", names::type_name(&name));
                let body = if op.get("requestBody").is_some() {
                    self.lower_body(&child(&op_pointer, "requestBody"), &type_base)
                        .map(|b| b.ty)
                } else {
                    None
                };
                let docs = [op.get("summary"), op.get("description")]
                    .iter()
                    .filter_map(|v| v.and_then(Value::as_str))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                self.api.webhooks.push(Webhook {
                    name: name.clone(),
                    method: method_key.to_ascii_uppercase(),
                    body,
                    docs,
                });
            }
        }
    }
}

/// The media type to use among `media` and how to encode it. JSON is preferred.
/// Why a header parameter gets no setter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoredHeader {
    /// `Accept`, `Content-Type`, `Authorization`: OpenAPI says such parameters are
    /// ignored (the media types and the security schemes set them).
    ByOpenApi,
    /// `Content-Length`, `Transfer-Encoding`, `Host`, `Connection`: HTTP framing, which
    /// the HTTP client sets from the body and the URL (a caller's value could only
    /// contradict them).
    Framing,
}

/// Whether the generated client drops a header parameter named `name`, and why.
pub fn ignored_header(name: &str) -> Option<IgnoredHeader> {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "accept" | "content-type" | "authorization" => Some(IgnoredHeader::ByOpenApi),
        "content-length" | "transfer-encoding" | "host" | "connection" => {
            Some(IgnoredHeader::Framing)
        }
        _ => None,
    }
}

fn pick_media<'a>(
    media: impl Iterator<Item = &'a str>,
    request: bool,
) -> Option<(String, BodyKind)> {
    let mut best: Option<(u8, String, BodyKind)> = None;
    for media_type in media {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let (rank, kind) = if essence == "application/json"
            || essence.ends_with("+json")
            || essence.ends_with("/json")
        {
            (0, BodyKind::Json)
        } else if essence == "application/x-www-form-urlencoded" && request {
            (1, BodyKind::Form)
        } else if essence == "multipart/form-data" && request {
            (2, BodyKind::Multipart)
        } else if essence.starts_with("text/") {
            (3, BodyKind::Text)
        } else if essence == "*/*" {
            (5, BodyKind::Json)
        } else {
            (4, BodyKind::Bytes)
        };
        if best.as_ref().is_none_or(|(r, _, _)| rank < *r) {
            best = Some((rank, media_type.to_owned(), kind));
        }
    }
    best.map(|(_, media, kind)| (media, kind))
}

/// Idiomatic variant names for statuses: `Ok`, `Created`, `NotFound`, `Status418`.
fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Default => "Default".to_owned(),
        StatusMatch::Range(digit) => format!("Status{digit}xx"),
        StatusMatch::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritative",
            204 => "NoContent",
            206 => "PartialContent",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => return format!("Status{code}"),
        }
        .to_owned(),
    }
}

/// The body type of an operation's success (or error) responses, before it becomes a
/// [`SuccessType`] or an [`ErrorType`].
enum Outcome {
    /// No such response is documented.
    Absent,
    /// Every such response has this body type.
    Single(TypeRef),
    /// Several body types: an enum over them, by status.
    Enum(crate::ir::TypeId),
}
