//! The `client` module: the `Client` type and one method per operation, each returning a
//! future (`runtime::Call`) that one shared runtime function drives.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, ident, lit, ty_tokens, Paths};
use crate::ir::{
    Api, BodyKind, ErrorType, Method, Operation, Param, ParamLocation, ParamStyle, Prim, Response,
    ResponseKind, SecurityKind, StatusMatch, SuccessType, TypeKind, TypeRef,
};
use crate::render::ModuleSource;

/// The `client` module: the `Client` type, then its methods (one per operation) in
/// `impl Client` blocks of a chunk of operations each.
pub struct ClientModule<'a> {
    api: &'a Api,
}

impl<'a> ClientModule<'a> {
    /// The module for `api`.
    pub fn new(api: &'a Api) -> Self {
        Self { api }
    }
}

impl ModuleSource for ClientModule<'_> {
    fn head(&self) -> TokenStream {
        client_head(self.api)
    }

    fn item_count(&self) -> usize {
        self.api.operations.len()
    }

    fn item(&self, index: usize) -> TokenStream {
        operation_method(self.api, &self.api.operations[index])
    }

    fn wrap(&self, items: TokenStream) -> TokenStream {
        quote! {
            impl Client {
                #items
            }
        }
    }
}

/// The module's head: docs, the default URL, security schemes, `Client` and its settings.
fn client_head(api: &Api) -> TokenStream {
    let default_url = api
        .servers
        .first()
        .map(|s| s.url.clone())
        .unwrap_or_default();
    let url_doc = doc_lines(&match api.servers.first() {
        Some(server) if !server.description.is_empty() => {
            format!(
                "The spec's first server ({}).",
                server.description.replace('`', "'")
            )
        }
        Some(_) => "The spec's first server.".to_owned(),
        None => "The spec lists no server: set one with [`Client::with_base_url`].".to_owned(),
    });
    let default_url = lit(&default_url);
    // Only schemes some operation uses get a static (others would be dead code).
    let used: Vec<usize> = (0..api.security_schemes.len())
        .filter(|index| {
            api.operations
                .iter()
                .any(|op| op.security.iter().any(|alt| alt.contains(index)))
        })
        .collect();
    let schemes = used.iter().map(|index| &api.security_schemes[*index]).map(|scheme| {
        let name = scheme_static(&scheme.rust_name);
        let wire = lit(&scheme.name);
        let kind = match &scheme.kind {
            SecurityKind::Bearer => quote!(crate::runtime::http::SchemeKind::Bearer),
            SecurityKind::Basic => quote!(crate::runtime::http::SchemeKind::Basic),
            SecurityKind::ApiKeyHeader(n) | SecurityKind::ApiKeyQuery(n) | SecurityKind::ApiKeyCookie(n) => {
                let location = match &scheme.kind {
                    SecurityKind::ApiKeyHeader(_) => quote!(Header),
                    SecurityKind::ApiKeyQuery(_) => quote!(Query),
                    _ => quote!(Cookie),
                };
                let n = lit(n);
                quote!(crate::runtime::http::SchemeKind::ApiKey { location: crate::runtime::http::ApiKeyLocation::#location, name: #n })
            }
        };
        quote! {
            static #name: crate::runtime::http::SecurityScheme = crate::runtime::http::SecurityScheme { name: #wire, kind: #kind };
        }
    });
    let setters = api.security_schemes.iter().map(|scheme| {
        let bare = scheme.rust_name.trim_start_matches("r#");
        let setter = format_ident!("with_{}", bare);
        let wire = lit(&scheme.name);
        let mut doc = format!("Credentials for the `{}` security scheme", scheme.name);
        let body = match &scheme.kind {
            SecurityKind::Bearer => {
                doc.push_str(" (bearer token, sent as `Authorization: Bearer ...`).");
                quote! {
                    pub fn #setter(self, token: impl Into<String>) -> Self {
                        Self { core: self.core.with_credential(#wire, crate::runtime::Credential::Bearer(crate::runtime::Secret::new(token))) }
                    }
                }
            }
            SecurityKind::Basic => {
                doc.push_str(" (HTTP basic authentication).");
                quote! {
                    pub fn #setter(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                        Self { core: self.core.with_credential(#wire, crate::runtime::Credential::Basic { username: username.into(), password: crate::runtime::Secret::new(password) }) }
                    }
                }
            }
            SecurityKind::ApiKeyHeader(n) | SecurityKind::ApiKeyQuery(n) | SecurityKind::ApiKeyCookie(n) => {
                let place = match &scheme.kind {
                    SecurityKind::ApiKeyHeader(_) => "header",
                    SecurityKind::ApiKeyQuery(_) => "query parameter",
                    _ => "cookie",
                };
                doc.push_str(&format!(" (API key sent as the `{n}` {place})."));
                quote! {
                    pub fn #setter(self, key: impl Into<String>) -> Self {
                        Self { core: self.core.with_credential(#wire, crate::runtime::Credential::ApiKey(crate::runtime::Secret::new(key))) }
                    }
                }
            }
        };
        if !scheme.docs.trim().is_empty() {
            doc.push_str("\n\n");
            doc.push_str(&super::sanitize_doc(&scheme.docs));
        }
        let doc = doc_lines(&doc);
        quote!(#doc #body)
    });
    let title = if api.title.is_empty() {
        "the API".to_owned()
    } else {
        format!("{} {}", api.title, api.version)
    };
    let client_doc = doc_lines(&format!(
        "Client for {title}.\n\nCheap to clone (the connection pool is shared). Settings are builder-lite \
         `with_*` methods; [`Client::with_options`] gives a copy with per-call timeout and retry settings."
    ));
    // What every operation method names, imported when some method names it (an unused
    // import would be a warning in the user's build).
    let imports = if api.operations.is_empty() {
        quote!()
    } else if api.operations.iter().any(|op| op.body.is_some()) {
        quote!(
            use crate::runtime::http::{Body, Operation, Request};
            use crate::runtime::Call;
        )
    } else {
        quote!(
            use crate::runtime::http::{Operation, Request};
            use crate::runtime::Call;
        )
    };
    quote! {
        //! The API client: one method per operation, returning a future to `.await`.
        #imports
        #url_doc
        pub const DEFAULT_BASE_URL: &str = #default_url;
        #(#schemes)*
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            core: crate::runtime::ClientCore,
        }
        impl Default for Client {
            fn default() -> Self {
                Self::new()
            }
        }
        impl Client {
            /// A client for [`DEFAULT_BASE_URL`] with the default timeouts and retry policy.
            pub fn new() -> Self {
                Self { core: crate::runtime::ClientCore::new(DEFAULT_BASE_URL) }
            }
            /// Sends requests to `base_url` instead (e.g. a staging server or a local mock).
            pub fn with_base_url(self, base_url: impl Into<String>) -> Self {
                Self { core: self.core.with_base_url(base_url) }
            }
            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }
            /// Uses the caller's own `reqwest::Client` (proxies, TLS roots, connection settings).
            pub fn with_http_client(self, http: ::reqwest::Client) -> Self {
                Self { core: self.core.with_http_client(http) }
            }
            /// Whole-request timeout for every call (default 60 s).
            pub fn with_timeout(self, timeout: ::std::time::Duration) -> Self {
                Self { core: self.core.with_timeout(timeout) }
            }
            /// Connect timeout (default 10 s).
            pub fn with_connect_timeout(self, timeout: ::std::time::Duration) -> Self {
                Self { core: self.core.with_connect_timeout(timeout) }
            }
            /// Retry policy for every call (see [`RetryPolicy`](crate::runtime::RetryPolicy) for the defaults).
            pub fn with_retry(self, retry: crate::runtime::RetryPolicy) -> Self {
                Self { core: self.core.with_retry(retry) }
            }
            /// A copy of this client with per-call settings, e.g.
            /// `client.with_options(RequestOptions::default().with_timeout(d)).some_call(..)`.
            pub fn with_options(&self, options: crate::runtime::RequestOptions) -> Self {
                Self { core: self.core.with_options(options) }
            }
            #(#setters)*
        }
    }
}

fn scheme_static(rust_name: &str) -> proc_macro2::Ident {
    format_ident!(
        "SCHEME_{}",
        rust_name.trim_start_matches("r#").to_ascii_uppercase()
    )
}

fn method_tokens(method: Method) -> TokenStream {
    let name = format_ident!("{}", method.as_upper());
    quote!(::reqwest::Method::#name)
}

fn style_tokens(style: ParamStyle) -> TokenStream {
    let name = format_ident!(
        "{}",
        match style {
            ParamStyle::Simple => "Simple",
            ParamStyle::Label => "Label",
            ParamStyle::Matrix => "Matrix",
            ParamStyle::Form => "Form",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
            ParamStyle::DeepObject => "DeepObject",
        }
    );
    quote!(crate::runtime::encoding::Style::#name)
}

/// Path parameters: `&str` for strings, by value for small `Copy` types, else by reference.
fn path_arg_type(api: &Api, ty: &TypeRef) -> (TokenStream, bool) {
    match ty {
        TypeRef::Prim(Prim::String) => (quote!(&str), true),
        TypeRef::Prim(
            prim @ (Prim::Bool
            | Prim::I32
            | Prim::I64
            | Prim::U32
            | Prim::U64
            | Prim::F32
            | Prim::F64
            | Prim::Uuid
            | Prim::Date
            | Prim::DateTime),
        ) => (super::prim_tokens(*prim, Paths::CLIENT), false),
        other => {
            let ty = ty_tokens(api, other, Paths::CLIENT);
            (quote!(&#ty), true)
        }
    }
}

fn success_tokens(api: &Api, op: &Operation) -> TokenStream {
    match &op.success {
        SuccessType::Single(ty) => ty_tokens(api, ty, Paths::CLIENT),
        SuccessType::Enum(id) => ty_tokens(api, &TypeRef::Named(*id), Paths::CLIENT),
    }
}

fn error_tokens(api: &Api, op: &Operation) -> TokenStream {
    match &op.error {
        ErrorType::None => quote!(::std::convert::Infallible),
        ErrorType::Single(ty) => ty_tokens(api, ty, Paths::CLIENT),
        ErrorType::Enum(id) => ty_tokens(api, &TypeRef::Named(*id), Paths::CLIENT),
    }
}

fn operation_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let mut doc = super::sanitize_doc(&op.docs.text);
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    let id_note = if op.operation_id.is_empty() {
        String::new()
    } else {
        format!(" (`{}`)", op.operation_id.replace('`', "'"))
    };
    doc.push_str(&format!(
        "`{} {}`{id_note}",
        op.method.as_upper(),
        op.path.replace('`', "'")
    ));
    for response in &op.responses {
        let status = match response.status {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Range(digit) => format!("{digit}XX"),
            StatusMatch::Default => "default".to_owned(),
        };
        let outcome = if response.success { "success" } else { "error" };
        let text = response.docs.lines().next().unwrap_or_default().trim();
        let text = if text.is_empty() {
            String::new()
        } else {
            format!(": {}", text.replace('`', "'"))
        };
        doc.push_str(&format!("\n- `{status}` ({outcome}){text}"));
    }
    let docs = doc_lines(&doc);
    let deprecated = if op.deprecated {
        quote!(#[deprecated = "deprecated in the spec"])
    } else {
        quote!()
    };

    let mut args = Vec::new();
    let mut path_values = Vec::new();
    for param in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let arg = ident(&param.rust_name);
        let (ty, by_ref) = path_arg_type(api, &param.ty);
        args.push(quote!(#arg: #ty));
        let style = style_tokens(param.style);
        let explode = param.explode;
        let wire = lit(&param.wire_name);
        let value = if by_ref { quote!(#arg) } else { quote!(&#arg) };
        path_values.push((
            param.wire_name.clone(),
            quote!(crate::runtime::encoding::path_param(#wire, #value, #style, #explode)),
        ));
    }
    if let Some(id) = op.params_type {
        let ty = ty_tokens(api, &TypeRef::Named(id), Paths::CLIENT);
        args.push(quote!(params: &#ty));
    }
    let mut body_stmt = quote!();
    if let Some(body) = &op.body {
        let ty = ty_tokens(api, &body.ty, Paths::CLIENT);
        let content_type = lit(&body.content_type);
        // JSON and form bodies are encoded here and can fail (`set_body` keeps the error
        // for the call to return); the others are taken as they are.
        let (arg_ty, set) = match body.kind {
            BodyKind::Json => (quote!(&#ty), quote!(request.set_body(Body::json(body));)),
            BodyKind::Form => (quote!(&#ty), quote!(request.set_body(Body::form(body));)),
            BodyKind::Text => (
                quote!(&str),
                quote!(request.body = Body::Text { content_type: #content_type.to_owned(), data: body.to_owned() };),
            ),
            BodyKind::Bytes => (
                quote!(::bytes::Bytes),
                quote!(request.body = Body::Bytes { content_type: #content_type.to_owned(), data: body };),
            ),
            BodyKind::Multipart => {
                let make = multipart_tokens(api, body);
                (quote!(&#ty), quote!(request.body = #make;))
            }
        };
        let arg_ty = if body.required {
            arg_ty
        } else {
            quote!(Option<#arg_ty>)
        };
        args.push(quote!(body: #arg_ty));
        body_stmt = if body.required {
            set
        } else {
            quote! {
                if let Some(body) = body {
                    #set
                }
            }
        };
    }
    let path_expr = path_tokens(&op.path, &path_values);
    let param_stmts: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(param_tokens)
        .collect();
    let accept = accept_value(&op.responses);
    let mutable = if param_stmts.is_empty() && accept.is_none() && op.body.is_none() {
        quote!()
    } else {
        quote!(mut)
    };
    let accept_stmt = match accept {
        Some(accept) => {
            let accept = lit(&accept);
            quote!(request.accept = Some(#accept);)
        }
        None => quote!(),
    };
    let success_ty = success_tokens(api, op);
    let error_ty = error_tokens(api, op);
    let arms = response_arms(api, op);
    let method = method_tokens(op.method);
    let op_name = lit(op.rust_name.trim_start_matches("r#"));
    let template = lit(&op.path);
    let security = op.security.iter().map(|alternative| {
        let schemes = alternative.iter().map(|index| {
            let name = scheme_static(&api.security_schemes[*index].rust_name);
            quote!(&#name)
        });
        quote!(&[#(#schemes),*])
    });
    let lint = if args.len() > 6 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        #docs
        #deprecated
        #lint
        pub fn #name(&self, #(#args),*) -> Call<'_, #success_ty, #error_ty> {
            static OPERATION: Operation = Operation {
                name: #op_name,
                method: #method,
                path_template: #template,
                security: &[#(#security),*],
            };
            let #mutable request = Request::new(#path_expr);
            #(#param_stmts)*
            #accept_stmt
            #body_stmt
            self.core.call(&OPERATION, request, |response| match response.status.as_u16() {
                #(#arms)*
            })
        }
    }
}

/// The path expression: literal parts percent-encoded at generation time, parameters
/// encoded at run time.
fn path_tokens(template: &str, values: &[(String, TokenStream)]) -> TokenStream {
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let literal = encode_literal(&rest[..start]);
        if !literal.is_empty() {
            let literal = lit(&literal);
            pieces.push(quote!(request_path.push_str(#literal);));
        }
        let name = &rest[start + 1..start + len];
        match values.iter().find(|(wire, _)| wire == name) {
            Some((_, value)) => pieces.push(quote!(request_path.push_str(&#value);)),
            None => {
                let literal = lit(&encode_literal(&rest[start..start + len + 1]));
                pieces.push(quote!(request_path.push_str(#literal);));
            }
        }
        rest = &rest[start + len + 1..];
    }
    let literal = encode_literal(rest);
    if pieces.is_empty() {
        let literal = lit(&literal);
        return quote!(String::from(#literal));
    }
    if !literal.is_empty() {
        let literal = lit(&literal);
        pieces.push(quote!(request_path.push_str(#literal);));
    }
    quote! {
        {
            let mut request_path = String::new();
            #(#pieces)*
            request_path
        }
    }
}

/// Percent-encodes the characters a literal path part cannot hold as they are.
fn encode_literal(text: &str) -> String {
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'|')
        .add(b'\\')
        .add(b'^');
    percent_encoding::utf8_percent_encode(text, PATH).to_string()
}

fn param_tokens(param: &Param) -> TokenStream {
    let field = ident(&param.rust_name);
    let wire = lit(&param.wire_name);
    let style = style_tokens(param.style);
    let explode = param.explode;
    let add = match param.location {
        ParamLocation::Query => {
            quote!(crate::runtime::encoding::query_param(&mut request.query, #wire, value, #style, #explode);)
        }
        ParamLocation::Header => {
            quote!(request.headers.push((#wire.to_owned(), crate::runtime::encoding::header_value(value, #explode)));)
        }
        ParamLocation::Cookie => {
            quote!(request.cookies.push((#wire.to_owned(), crate::runtime::encoding::to_text(value)));)
        }
        ParamLocation::Path => quote!(),
    };
    if param.required {
        quote! {
            {
                let value = &params.#field;
                #add
            }
        }
    } else {
        quote! {
            if let Some(value) = &params.#field {
                #add
            }
        }
    }
}

fn multipart_tokens(api: &Api, body: &crate::ir::RequestBody) -> TokenStream {
    let TypeRef::Named(id) = &body.ty else {
        return quote!(Body::Multipart(Vec::new()));
    };
    let TypeKind::Struct(s) = &api.types[id.0].kind else {
        return quote!(Body::Multipart(Vec::new()));
    };
    if s.fields.is_empty() {
        // A schema without properties: an empty form (the body value carries nothing).
        return quote!({
            let _ = body;
            Body::Multipart(Vec::new())
        });
    }
    let parts = s.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        let wire = lit(&field.wire_name);
        let is_file = body.file_fields.contains(&field.wire_name);
        let push = match (&field.ty, is_file) {
            (TypeRef::Vec(_), true) => quote! {
                for data in value {
                    parts.push(crate::runtime::http::MultipartPart::file(#wire, data.clone()));
                }
            },
            (_, true) => quote!(parts.push(crate::runtime::http::MultipartPart::file(#wire, value.clone()));),
            _ => quote!(parts.push(crate::runtime::http::MultipartPart::text(#wire, crate::runtime::encoding::to_text(value)));),
        };
        if field.optional {
            quote! {
                if let Some(value) = &body.#name {
                    #push
                }
            }
        } else {
            quote! {
                {
                    let value = &body.#name;
                    #push
                }
            }
        }
    });
    quote! {
        {
            let mut parts = Vec::new();
            #(#parts)*
            Body::Multipart(parts)
        }
    }
}

fn accept_value(responses: &[Response]) -> Option<String> {
    let mut types: Vec<String> = Vec::new();
    for response in responses {
        if let Some(media) = &response.content_type {
            if !types.contains(media) {
                types.push(media.clone());
            }
        }
    }
    if types.is_empty() {
        None
    } else {
        Some(types.join(", "))
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(digit) => {
            let low = proc_macro2::Literal::u16_unsuffixed(digit * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(digit * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn response_arms(api: &Api, op: &Operation) -> Vec<TokenStream> {
    let mut arms = Vec::new();
    let mut has_default = false;
    for response in &op.responses {
        has_default |= response.status == StatusMatch::Default;
        let pattern = status_pattern(response.status);
        let decode = if response.success {
            let read = read_success(api, response);
            match &op.success {
                SuccessType::Single(_) => read,
                SuccessType::Enum(id) => {
                    let enum_name = ty_tokens(api, &TypeRef::Named(*id), Paths::CLIENT);
                    let variant = ident(&response.variant);
                    if response.ty == TypeRef::Prim(Prim::Unit) {
                        quote!(#read.map(|value| value.map(|()| #enum_name::#variant)))
                    } else {
                        quote!(#read.map(|value| value.map(#enum_name::#variant)))
                    }
                }
            }
        } else {
            let wrap = match &op.error {
                ErrorType::Enum(id) => {
                    let enum_name = ty_tokens(api, &TypeRef::Named(*id), Paths::CLIENT);
                    let variant = ident(&response.variant);
                    if response.ty == TypeRef::Prim(Prim::Unit) {
                        quote!(|| #enum_name::#variant)
                    } else {
                        quote!(#enum_name::#variant)
                    }
                }
                _ => {
                    if response.ty == TypeRef::Prim(Prim::Unit) {
                        quote!(|| ())
                    } else {
                        quote!(|body| body)
                    }
                }
            };
            match response.kind {
                ResponseKind::Json => {
                    quote!(Err(response.error_json(#wrap)))
                }
                ResponseKind::Text => {
                    quote!(Err(response.error_text(#wrap)))
                }
                ResponseKind::Bytes => {
                    quote!(Err(response.error_bytes(#wrap)))
                }
                ResponseKind::Empty => {
                    quote!(Err(response.error_empty(#wrap)))
                }
            }
        };
        arms.push(quote!(#pattern => #decode,));
    }
    if !has_default {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }
    arms
}

fn read_success(api: &Api, response: &Response) -> TokenStream {
    match response.kind {
        ResponseKind::Json => {
            let ty = ty_tokens(api, &response.ty, Paths::CLIENT);
            quote!(response.json::<#ty, _>())
        }
        ResponseKind::Text => quote!(response.text()),
        ResponseKind::Bytes => quote!(response.bytes()),
        ResponseKind::Empty => quote!(response.empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::encode_literal;

    #[test]
    fn literal_path_parts_keep_url_characters_and_encode_the_rest() {
        assert_eq!(encode_literal("/a:b/$c@d"), "/a:b/$c@d");
        assert_eq!(encode_literal("/a#b?c d\"e"), "/a%23b%3Fc%20d%22e");
    }
}
