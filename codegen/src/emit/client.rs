//! The `client` module: the `Client` type and one method per operation, each returning a
//! future (`runtime::Call`) that one shared runtime function drives.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, ident, lit, ty_tokens, Paths, TagGates};
use crate::ir::{
    Api, BodyKind, ErrorType, Method, Operation, Param, ParamLocation, ParamStyle, PathPart, Prim,
    RequestBody, Response, ResponseKind, SecurityKind, StatusMatch, SuccessType, TypeKind, TypeRef,
};
use crate::names::RustName;
use crate::render::ModuleSource;

/// The `client` module: the `Client` type and the `Call` builder, then per operation
/// its method, its optional-parameter setters and its `Endpoint` implementation.
pub struct ClientModule<'a> {
    api: &'a Api,
    /// The generated crate's name as code names it (`mountsea_suno`), for doc examples.
    crate_ident: String,
    /// Per-tag features.
    tags: Option<&'a TagGates>,
}

impl<'a> ClientModule<'a> {
    /// The module for `api`, in the crate named `crate_name`; with `tags`, each
    /// operation behind its per-tag features.
    pub fn new(api: &'a Api, crate_name: &str, tags: Option<&'a TagGates>) -> Self {
        Self {
            api,
            crate_ident: crate_name.replace('-', "_"),
            tags,
        }
    }
}

impl ModuleSource for ClientModule<'_> {
    fn head(&self) -> TokenStream {
        let head = client_head(self.api);
        let Some(tags) = self.tags else {
            return head;
        };
        // What each operation's code names decides the gates of the head's imports,
        // scheme statics and helpers.
        let op_idents: Vec<_> = self
            .api
            .operations
            .iter()
            .map(|op| {
                let mut found = std::collections::BTreeSet::new();
                super::tags::idents(
                    &operation_items(self.api, op, &self.crate_ident),
                    &mut found,
                );
                found
            })
            .collect();
        super::tags::gate_head(head, tags, &op_idents)
    }

    fn gate(&self, index: usize) -> Option<String> {
        TagGates::operation_attribute(self.tags, index)
    }

    fn item_count(&self) -> usize {
        self.api.operations.len()
    }

    fn item(&self, index: usize) -> TokenStream {
        operation_items(self.api, &self.api.operations[index], &self.crate_ident)
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
    let schemes = used
        .iter()
        .map(|index| &api.security_schemes[*index])
        .map(|scheme| {
            let name = scheme_static(&scheme.rust_name);
            let wire = lit(&scheme.name);
            let kind = match &scheme.kind {
                SecurityKind::Bearer => quote!(SchemeKind::Bearer),
                SecurityKind::Basic => quote!(SchemeKind::Basic),
                SecurityKind::ApiKeyHeader(n)
                | SecurityKind::ApiKeyQuery(n)
                | SecurityKind::ApiKeyCookie(n) => {
                    let location = match &scheme.kind {
                        SecurityKind::ApiKeyHeader(_) => quote!(Header),
                        SecurityKind::ApiKeyQuery(_) => quote!(Query),
                        _ => quote!(Cookie),
                    };
                    let n = lit(n);
                    quote!(SchemeKind::ApiKey { location: ApiKeyLocation::#location, name: #n })
                }
            };
            quote! {
                static #name: SecurityScheme = SecurityScheme { name: #wire, kind: #kind };
            }
        });
    let setters = api.security_schemes.iter().map(|scheme| {
        let bare = scheme.rust_name.bare();
        let setter = format_ident!("with_{}", bare);
        let wire = lit(&scheme.name);
        let mut doc = format!("Credentials for the `{}` security scheme", scheme.name);
        let body = match &scheme.kind {
            SecurityKind::Bearer => {
                doc.push_str(" (bearer token, sent as `Authorization: Bearer ...`).");
                quote! {
                    pub fn #setter(self, token: impl Into<String>) -> Self {
                        Self { core: self.core.with_credential(#wire, Credential::Bearer(Secret::new(token))) }
                    }
                }
            }
            SecurityKind::Basic => {
                doc.push_str(" (HTTP basic authentication).");
                quote! {
                    pub fn #setter(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                        Self { core: self.core.with_credential(#wire, Credential::Basic { username: username.into(), password: Secret::new(password) }) }
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
                        Self { core: self.core.with_credential(#wire, Credential::ApiKey(Secret::new(key))) }
                    }
                }
            }
        };
        if !scheme.docs.trim().is_empty() {
            doc.push_str("\n\n");
            doc.push_str(&super::sanitize_doc(&scheme.docs));
        }
        let doc = doc_lines(&doc);
        let provider = format_ident!("with_{}_provider", bare);
        let provider_doc = doc_lines(&format!(
            "Credentials for the `{}` security scheme from `provider`, asked once per call that needs them (tokens that expire).",
            scheme.name
        ));
        quote! {
            #doc #body
            #provider_doc
            pub fn #provider(self, provider: impl CredentialProvider) -> Self {
                Self { core: self.core.with_credential_provider(#wire, provider) }
            }
        }
    });
    let raw_security = used
        .iter()
        .map(|index| scheme_static(&api.security_schemes[*index].rust_name));
    let title = if api.title.is_empty() {
        "the API".to_owned()
    } else {
        format!("{} {}", api.title, api.version)
    };
    let client_doc = doc_lines(&format!(
        "Client for {title}.\n\nCheap to clone (the connection pool is shared). Settings are builder-lite \
         `with_*` methods. Each operation method returns a [`Call`]: chain its optional parameters and \
         per-call settings, then `.await` it."
    ));
    let imports = imports(api, &used);
    // The helpers the operations' setters call (only those some setter calls).
    let fallibility: Vec<bool> = api
        .operations
        .iter()
        .flat_map(|op| op.params.iter().filter(|p| !p.required))
        .map(|p| super::types::input(api, Paths::CLIENT, &p.ty).fallible())
        .collect();
    let mut set_fns = TokenStream::new();
    if fallibility.contains(&false) {
        set_fns.extend(quote! {
            fn set<V>(mut self, set: fn(P, V) -> P, value: V) -> Self {
                self.params = match self.params {
                    Ok(params) => Ok(set(params, value)),
                    Err(error) => Err(error),
                };
                self
            }
        });
    }
    if fallibility.contains(&true) {
        set_fns.extend(quote! {
            fn try_set<V>(
                mut self,
                set: fn(P, V) -> Result<P, ValidationError>,
                value: V,
            ) -> Self {
                self.params = match self.params {
                    Ok(params) => set(params, value),
                    Err(error) => Err(error),
                };
                self
            }
        });
    }
    quote! {
        //! The API client: one method per operation, returning a [`Call`] to `.await`.
        #imports
        #url_doc
        pub const DEFAULT_BASE_URL: &str = #default_url;
        #(#schemes)*
        /// What [`Client::raw`] authenticates with: the first scheme the client has.
        static RAW_SECURITY: &[&[&SecurityScheme]] = &[#(&[&#raw_security],)* &[]];
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            core: ClientCore,
        }
        impl Default for Client {
            fn default() -> Self {
                Self::new()
            }
        }
        impl Client {
            /// A client for [`DEFAULT_BASE_URL`] with the default timeouts and retry policy.
            pub fn new() -> Self {
                Self { core: ClientCore::new(DEFAULT_BASE_URL) }
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
            pub fn with_timeout(self, timeout: Duration) -> Self {
                Self { core: self.core.with_timeout(timeout) }
            }
            /// Connect timeout (default 10 s).
            pub fn with_connect_timeout(self, timeout: Duration) -> Self {
                Self { core: self.core.with_connect_timeout(timeout) }
            }
            /// Retry policy for every call (see [`RetryPolicy`] for the defaults).
            pub fn with_retry(self, retry: RetryPolicy) -> Self {
                Self { core: self.core.with_retry(retry) }
            }
            /// A copy of this client whose calls all use `options` (a call's own
            /// settings still win).
            pub fn with_options(&self, options: RequestOptions) -> Self {
                Self { core: self.core.with_options(options) }
            }
            /// A call of any operation from its parameters struct (`types::*Params`), for
            /// code that builds calls as values. An operation that requires a body takes
            /// it through [`send_with_body`](Self::send_with_body).
            pub fn send<P: Endpoint>(&self, params: P) -> Call<'_, P> {
                Call::new(&self.core, Ok(params), None)
            }
            /// [`send`](Self::send) with the operation's request body.
            pub fn send_with_body<P: Endpoint>(&self, params: P, body: &P::Body) -> Call<'_, P> {
                Call::new(&self.core, Ok(params), Some(P::encode_body(body)))
            }
            /// Adds `hook`, called before each attempt and after each response of every
            /// call (signing, metrics, logging).
            pub fn with_hook(self, hook: impl Hook) -> Self {
                Self { core: self.core.with_hook(hook) }
            }
            /// A request the spec does not document (`path` after the base URL, as it is),
            /// sent with the client's credentials, timeouts, retries and hooks; nothing
            /// about it is checked. `.send().await` gives the response whatever its status.
            pub fn raw(&self, method: ::reqwest::Method, path: impl Into<String>) -> RawRequest<'_> {
                self.core.raw(RAW_SECURITY, method, path)
            }
            #(#setters)*
        }
        /// One call of an operation, set up but not sent: chain the operation's optional
        /// parameters and per-call settings, then `.await` it (it implements
        /// [`IntoFuture`]). A value that breaks the spec surfaces as
        /// [`ErrorKind::InvalidRequest`](crate::runtime::ErrorKind::InvalidRequest) at
        /// `.await`, before anything is sent.
        #[must_use = "a call does nothing until it is `.await`ed"]
        pub struct Call<'a, P> {
            core: &'a ClientCore,
            params: Result<P, ValidationError>,
            body: Option<Result<Body, ValidationError>>,
            options: RequestOptions,
        }
        impl<'a, P: Endpoint> Call<'a, P> {
            fn new(core: &'a ClientCore, params: Result<P, ValidationError>, body: Option<Result<Body, ValidationError>>) -> Self {
                Self { core, params, body, options: RequestOptions::default() }
            }
            /// The time allowed for each attempt of this call (instead of the client's).
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.options = self.options.with_timeout(timeout);
                self
            }
            /// The retry policy of this call (instead of the client's).
            pub fn retry(mut self, retry: RetryPolicy) -> Self {
                self.options = self.options.with_retry(retry);
                self
            }
            /// An extra header for this call. Headers the spec gives the operation and
            /// those the client sets itself (`Authorization`, `Content-Type`, ...) are
            /// refused at `.await`.
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options = self.options.with_header(name, value);
                self
            }
            /// Sends `Idempotency-Key: key` and lets this one call be retried after a 5xx
            /// or a timeout, whatever its method (without a key, a POST is never replayed).
            pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
                self.options = self.options.with_idempotency_key(key);
                self
            }
            /// Every per-call setting at once.
            pub fn options(mut self, options: RequestOptions) -> Self {
                self.options = options;
                self
            }
            /// The parameters as set so far (`None` if one broke the spec).
            pub fn params(&self) -> Option<&P> {
                self.params.as_ref().ok()
            }
            /// Sends the call and gives a successful response's body as a [`ByteStream`],
            /// read piece by piece (a large download never sits in memory whole); the
            /// timeout applies to each wait for data. A documented error status is
            /// decoded as `.await` would.
            pub async fn stream(self) -> Result<ByteStream, Error<P::Error>> {
                crate::runtime::http::send_streaming(self.core, self.params, self.body, self.options).await
            }
            /// Sends the call of an operation whose success response is a stream of items
            /// (server-sent events, JSON lines) and gives them one by one, each decoded and
            /// checked as it arrives; the timeout applies to each wait for data.
            pub async fn events(self) -> Result<crate::runtime::EventStream<P::Item>, Error<P::Error>>
            where
                P: crate::runtime::Streaming,
            {
                crate::runtime::http::send_events(self.core, self.params, self.body, self.options).await
            }
            /// The pages of a list operation, fetched one by one as they are read (each
            /// with its headers), until the last; see [`Pages`](crate::runtime::Pages).
            pub fn pages(self) -> crate::runtime::Pages<'a, P>
            where
                P: crate::runtime::Paginated,
            {
                crate::runtime::pages::pages(self.core, self.params, self.body, self.options)
            }
            /// The items of every page of a list operation, as a `Stream`: pages are
            /// fetched as the items are read.
            pub fn items(self) -> impl crate::runtime::Stream<Item = Result<P::Item, Error<P::Error>>> + 'a
            where
                P: crate::runtime::Paginated + 'a,
            {
                self.pages().items()
            }
            #set_fns
        }
        impl<'a, P: Endpoint> IntoFuture for Call<'a, P> {
            type Output = Result<ResponseValue<P::Response>, Error<P::Error>>;
            type IntoFuture = CallFuture<'a, P::Response, P::Error>;
            fn into_future(self) -> Self::IntoFuture {
                crate::runtime::http::send(self.core, self.params, self.body, self.options)
            }
        }
    }
}

/// The module's `use` lines: what its code names (an unused import would be a warning
/// in the user's build).
fn imports(api: &Api, used_schemes: &[usize]) -> TokenStream {
    let mut http = vec![quote!(Body), quote!(Endpoint)];
    if !api.operations.is_empty() {
        http.extend([quote!(Operation), quote!(RawResponse), quote!(Request)]);
    }
    let has_api_key = used_schemes.iter().any(|index| {
        matches!(
            api.security_schemes[*index].kind,
            SecurityKind::ApiKeyHeader(_)
                | SecurityKind::ApiKeyQuery(_)
                | SecurityKind::ApiKeyCookie(_)
        )
    });
    if has_api_key {
        http.push(quote!(ApiKeyLocation));
    }
    let multipart = api.operations.iter().any(|op| {
        op.body.as_ref().is_some_and(|body| {
            body.kind == BodyKind::Multipart && !multipart_fields(api, body).is_empty()
        })
    });
    if multipart {
        http.push(quote!(MultipartPart));
    }
    if !used_schemes.is_empty() {
        http.push(quote!(SchemeKind));
    }
    http.push(quote!(SecurityScheme));
    let mut runtime = vec![quote!(CallFuture), quote!(ClientCore)];
    if !api.security_schemes.is_empty() {
        runtime.extend([quote!(Credential), quote!(CredentialProvider)]);
    }
    runtime.extend([quote!(ByteStream), quote!(Hook), quote!(RawRequest)]);
    runtime.push(quote!(Error));
    let paginations = || {
        api.operations
            .iter()
            .filter_map(|op| op.pagination.as_ref())
    };
    // `Link` headers are `Paginated`'s default: their impls do not name `NextPage`.
    if paginations().any(|p| !matches!(p.next, crate::ir::NextPage::Link)) {
        runtime.push(quote!(NextPage));
    }
    if paginations().next().is_some() {
        runtime.push(quote!(Paginated));
    }
    runtime.extend([
        quote!(RequestOptions),
        quote!(ResponseValue),
        quote!(RetryPolicy),
    ]);
    if !api.security_schemes.is_empty() {
        runtime.push(quote!(Secret));
    }
    runtime.push(quote!(ValidationError));
    let params = api.operations.iter().flat_map(|op| &op.params);
    let styled = params
        .clone()
        .any(|p| matches!(p.location, ParamLocation::Path | ParamLocation::Query));
    let multipart_text = api.operations.iter().any(|op| {
        op.body.as_ref().is_some_and(|body| {
            body.kind == BodyKind::Multipart
                && multipart_fields(api, body)
                    .iter()
                    .any(|f| !body.file_fields.contains(&f.wire_name))
        })
    });
    let encoding = if styled {
        quote!(
            use crate::runtime::encoding::{self, Style};
        )
    } else if params.clone().next().is_some() || multipart_text {
        quote!(
            use crate::runtime::encoding;
        )
    } else {
        quote!()
    };
    let types = if api.operations.is_empty() {
        quote!()
    } else {
        quote!(
            use crate::types;
        )
    };
    quote! {
        use std::future::IntoFuture;
        use std::time::Duration;
        #encoding
        use crate::runtime::http::{#(#http),*};
        use crate::runtime::{#(#runtime),*};
        #types
    }
}

fn scheme_static(rust_name: &RustName) -> proc_macro2::Ident {
    format_ident!("SCHEME_{}", rust_name.bare().to_ascii_uppercase())
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
    quote!(Style::#name)
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

/// The method's docs: the spec's text, the route, the responses and an example.
fn method_docs(api: &Api, op: &Operation, crate_ident: &str) -> TokenStream {
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
        let status = response.status;
        let outcome = if response.success { "success" } else { "error" };
        let text = response.docs.lines().next().unwrap_or_default().trim();
        let text = if text.is_empty() {
            String::new()
        } else {
            format!(": {}", text.replace('`', "'"))
        };
        doc.push_str(&format!("\n- `{status}` ({outcome}){text}"));
    }
    if let Some(pagination) = &op.pagination {
        doc.push_str(&format!(
            "\n\nPaginated: [`.items()`](Call::items) streams every item, [`.pages()`](Call::pages) every page; {}.",
            super::pages::describe(api, op, pagination)
        ));
    }
    doc.push_str("\n\n");
    doc.push_str(&example(api, op, crate_ident));
    doc_lines(&doc)
}

/// The crate docs' quickstart: a client with credentials, and a call of the first
/// operation with a per-call setting.
pub(crate) fn quickstart(api: &Api, crate_ident: &str) -> String {
    let auth = match api.security_schemes.first() {
        Some(scheme) => {
            let setter = format!("with_{}", scheme.rust_name.bare());
            match scheme.kind {
                SecurityKind::Basic => format!("\n    .{setter}(\"user\", \"password\")"),
                _ => format!("\n    .{setter}(std::env::var(\"API_TOKEN\")?)"),
            }
        }
        None => String::new(),
    };
    let client =
        format!("use std::time::Duration;\n\nlet client = {crate_ident}::Client::new(){auth};");
    let Some(op) = api.operations.first() else {
        return format!(
            "```no_run\n# fn quickstart() -> Result<(), Box<dyn std::error::Error>> {{\n{client}\n# let _ = (client, Duration::ZERO);\n# Ok(())\n# }}\n```"
        );
    };
    let (inputs, call) = example_call(api, op, crate_ident);
    let inputs = inputs[1..].join(", ");
    format!(
        "```no_run\n# async fn quickstart({inputs}) -> Result<(), Box<dyn std::error::Error>> {{\n{client}\n\
         let response = {call}\n    .timeout(Duration::from_secs(30))\n    .await?;\n\
         println!(\"{{}}\", response.status());\n# Ok(())\n# }}\n```"
    )
}

/// A doc example that compiles: the inputs are the hidden function's parameters, so
/// the visible lines are only the call.
fn example(api: &Api, op: &Operation, crate_ident: &str) -> String {
    let (inputs, call) = example_call(api, op, crate_ident);
    format!(
        "```no_run\n# async fn example({}) -> Result<(), Box<dyn std::error::Error>> {{\n\
         let response = {call}.await?;\n# let _ = response;\n# Ok(())\n# }}\n```",
        inputs.join(", ")
    )
}

/// The hidden inputs (`name: Type`, the client first) and the call expression of an
/// operation's doc example.
fn example_call(api: &Api, op: &Operation, crate_ident: &str) -> (Vec<String>, String) {
    let doc_type = |ty: &TypeRef| -> String {
        let text = format!(" {}", ty_tokens(api, ty, Paths::CLIENT));
        text.replace(" crate :: runtime", &format!(" {crate_ident} :: runtime"))
            .replace(" types :: ", &format!(" {crate_ident} :: types :: "))
            .trim()
            .to_owned()
    };
    let mut inputs = vec![format!("client: &{crate_ident}::Client")];
    let mut args = Vec::new();
    for param in op.params.iter().filter(|p| p.required) {
        let name = &param.rust_name;
        inputs.push(format!("{name}: {}", doc_type(&param.ty)));
        args.push(name.to_string());
    }
    if let Some(body) = &op.body {
        let ty = match body.kind {
            BodyKind::Text => "&str".to_owned(),
            BodyKind::Bytes => format!("{crate_ident}::runtime::Upload"),
            _ => format!("&{}", doc_type(&body.ty)),
        };
        let ty = if body.required {
            ty
        } else {
            format!("Option<{ty}>")
        };
        inputs.push(format!("body: {ty}"));
        args.push("body".to_owned());
    }
    let mut call = format!("client.{}({})", op.rust_name, args.join(", "));
    if let Some(param) = op.params.iter().find(|p| !p.required) {
        let setters = setter_names(op);
        let name = &param.rust_name;
        inputs.push(format!("{name}: {}", doc_type(&param.ty)));
        call.push_str(&format!(".{}({name})", setters[&param.rust_name]));
    }
    (inputs, call)
}

/// The builder setter of each optional parameter (by field name): the parameter's
/// name, unless the builder's own methods have it.
fn setter_names(op: &Operation) -> std::collections::HashMap<RustName, RustName> {
    let mut namer = crate::names::Namer::with_reserved(&[
        "new",
        "timeout",
        "retry",
        "header",
        "idempotency_key",
        "options",
        "params",
        "set",
        "try_set",
        "into_future",
        "stream",
        "events",
        "pages",
        "items",
    ]);
    op.params
        .iter()
        .filter(|p| !p.required)
        .map(|p| {
            let bare = p.rust_name.bare();
            let name = if namer.is_taken(bare) {
                RustName::from(namer.claim(&format!("{bare}_param")))
            } else {
                namer.claim(bare);
                // Keywords stay raw identifiers (`r#type`).
                p.rust_name.clone()
            };
            (p.rust_name.clone(), name)
        })
        .collect()
}

/// An operation's items: its `Client` method, the `Call` setters of its optional
/// parameters, and the `Endpoint` implementation of its parameters struct.
fn operation_items(api: &Api, op: &Operation, crate_ident: &str) -> TokenStream {
    let name = op.rust_name.ident();
    let docs = method_docs(api, op, crate_ident);
    let deprecated = if op.deprecated {
        quote!(#[deprecated = "deprecated in the spec"])
    } else {
        quote!()
    };
    let params_ty = ty_tokens(api, &TypeRef::Named(op.params_type), Paths::CLIENT);

    // The method: required parameters (as the struct's `new` takes them) and the body.
    let mut args = Vec::new();
    let mut new_args = Vec::new();
    let mut fallible = false;
    for param in op.params.iter().filter(|p| p.required) {
        let arg = param.rust_name.ident();
        let input = super::types::input(api, Paths::CLIENT, &param.ty);
        fallible |= input.fallible();
        let ty = input.ty;
        args.push(quote!(#arg: #ty));
        new_args.push(quote!(#arg));
    }
    let params_value = if fallible {
        quote!(#params_ty::new(#(#new_args),*))
    } else {
        quote!(Ok(#params_ty::new(#(#new_args),*)))
    };
    let (body_ty, encode_body, body_required) = body_parts(api, op);
    let body_value = match &op.body {
        Some(body) => {
            let arg_ty = body_arg_type(api, body);
            // Uploads are taken by value (bytes, a path or a stream, moved in).
            let by_value = body.kind == BodyKind::Bytes;
            match (body.required, by_value) {
                (true, false) => {
                    args.push(quote!(body: #arg_ty));
                    quote!(Some(#params_ty::encode_body(body)))
                }
                (true, true) => {
                    args.push(quote!(body: impl Into<#arg_ty>));
                    quote!(Some(#params_ty::encode_body(&body.into())))
                }
                (false, false) => {
                    args.push(quote!(body: Option<#arg_ty>));
                    quote!(body.map(#params_ty::encode_body))
                }
                (false, true) => {
                    args.push(quote!(body: Option<#arg_ty>));
                    quote!(body.as_ref().map(#params_ty::encode_body))
                }
            }
        }
        None => quote!(None),
    };
    let lint = if args.len() > 6 {
        quote!(#[allow(clippy::too_many_arguments, reason = "one argument per required parameter")])
    } else {
        quote!()
    };
    let method = quote! {
        impl Client {
            #docs
            #deprecated
            #lint
            pub fn #name(&self, #(#args),*) -> Call<'_, #params_ty> {
                Call::new(&self.core, #params_value, #body_value)
            }
        }
    };

    // The setters of the optional parameters, delegating to the struct's `with_*`.
    let setter_names = setter_names(op);
    let setters: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|param| {
            let field = param.rust_name.ident();
            let setter = ident(&setter_names[&param.rust_name]);
            let with = super::types::with_setter(&param.rust_name);
            let input = super::types::input(api, Paths::CLIENT, &param.ty);
            let fallible = input.fallible();
            let ty = input.ty;
            let place = param.location.as_str();
            let doc = doc_lines(&format!(
                "The optional `{}` {place} parameter.",
                param.wire_name.replace('`', "'")
            ));
            // A function pointer, not a closure: one body less per setter, which
            // counts on a spec with thousands of parameters.
            let set = if fallible {
                quote!(self.try_set(#params_ty::#with, #field))
            } else {
                quote!(self.set(#params_ty::#with, #field))
            };
            quote! {
                #doc
                pub fn #setter(self, #field: #ty) -> Self {
                    #set
                }
            }
        })
        .collect();
    let setters = if setters.is_empty() {
        quote!()
    } else {
        quote! {
            impl Call<'_, #params_ty> {
                #(#setters)*
            }
        }
    };

    // The `Endpoint`: the static description, the request and the response.
    let method_tokens = method_tokens(op.method);
    let op_name = lit(op.rust_name.bare());
    let template = lit(&op.path);
    let security = op.security.iter().map(|alternative| {
        let schemes = alternative.iter().map(|index| {
            let name = scheme_static(&api.security_schemes[*index].rust_name);
            quote!(&#name)
        });
        quote!(&[#(#schemes),*])
    });
    let mut header_names: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| p.wire_name.to_ascii_lowercase())
        .collect();
    header_names.sort();
    header_names.dedup();
    let header_names = header_names.iter().map(|n| lit(n));
    let path_expr = path_tokens(op);
    let param_stmts: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(param_tokens)
        .collect();
    let accept = accept_value(&op.responses);
    let mutable = if param_stmts.is_empty() && accept.is_none() {
        quote!()
    } else {
        quote!(mut)
    };
    let plain_request = param_stmts.is_empty() && accept.is_none();
    let accept_stmt = match accept {
        Some(accept) => {
            let accept = lit(&accept);
            quote!(request.accept = Some(#accept);)
        }
        None => quote!(),
    };
    let request_body = if plain_request {
        quote!(Request::new(#path_expr))
    } else {
        quote! {
            let #mutable request = Request::new(#path_expr);
            #(#param_stmts)*
            #accept_stmt
            request
        }
    };
    let success_ty = success_tokens(api, op);
    let error_ty = error_tokens(api, op);
    let arms = response_arms(api, op);
    let body_required = if body_required {
        quote!(
            const BODY_REQUIRED: bool = true;
        )
    } else {
        quote!()
    };
    let endpoint = quote! {
        impl Endpoint for #params_ty {
            type Body = #body_ty;
            type Response = #success_ty;
            type Error = #error_ty;
            #body_required
            fn operation() -> &'static Operation {
                static OPERATION: Operation = Operation {
                    name: #op_name,
                    method: #method_tokens,
                    path_template: #template,
                    security: &[#(#security),*],
                    headers: &[#(#header_names),*],
                };
                &OPERATION
            }
            #encode_body
            fn request(&self) -> Request {
                #request_body
            }
            fn decode(response: RawResponse) -> Result<ResponseValue<#success_ty>, Error<#error_ty>> {
                match response.status.as_u16() {
                    #(#arms)*
                }
            }
        }
    };
    let streaming = op
        .stream
        .as_ref()
        .map(|stream| streaming_impl(api, &params_ty, stream));
    let paginated = op
        .pagination
        .as_ref()
        .map(|pagination| super::pages::paginated_impl(api, op, &params_ty, pagination));
    quote! {
        #method
        #setters
        #endpoint
        #streaming
        #paginated
    }
}

/// `impl Streaming`: how the operation's streamed success body becomes items.
fn streaming_impl(
    api: &Api,
    params_ty: &TokenStream,
    stream: &crate::ir::ItemStream,
) -> TokenStream {
    let format = match stream.format {
        crate::ir::StreamFormat::ServerSentEvents => quote!(ServerSentEvents),
        crate::ir::StreamFormat::JsonLines => quote!(JsonLines),
    };
    let (item, body) = match &stream.item {
        // Text items are the event's data as it is.
        Some(TypeRef::Prim(Prim::String)) => (quote!(String), quote!(Ok(event.data))),
        Some(ty) => (
            ty_tokens(api, ty, Paths::CLIENT),
            quote!(crate::runtime::decode_json(event.data.as_bytes())),
        ),
        None => (quote!(crate::runtime::sse::Event), quote!(Ok(event))),
    };
    quote! {
        impl crate::runtime::http::Streaming for #params_ty {
            type Item = #item;
            const FORMAT: crate::runtime::sse::StreamFormat = crate::runtime::sse::StreamFormat::#format;
            fn item(event: crate::runtime::sse::Event) -> Result<#item, String> {
                #body
            }
        }
    }
}

/// The argument type of the method's body.
fn body_arg_type(api: &Api, body: &RequestBody) -> TokenStream {
    match body.kind {
        BodyKind::Text => quote!(&str),
        BodyKind::Bytes => quote!(crate::runtime::Upload),
        _ => {
            let ty = ty_tokens(api, &body.ty, Paths::CLIENT);
            quote!(&#ty)
        }
    }
}

/// The `Endpoint`'s body type, its `encode_body` and whether the body is required.
fn body_parts(api: &Api, op: &Operation) -> (TokenStream, TokenStream, bool) {
    let Some(body) = &op.body else {
        // `write_body` and `BODY_REQUIRED` keep the trait's defaults.
        return (quote!(()), quote!(), false);
    };
    let content_type = lit(&body.content_type);
    let ty = ty_tokens(api, &body.ty, Paths::CLIENT);
    let (body_ty, encode) = match body.kind {
        BodyKind::Json => (ty, quote!(Body::json(body))),
        BodyKind::Form => (ty, quote!(Body::form(body))),
        BodyKind::Text => (
            quote!(str),
            quote!(Ok(Body::Text { content_type: #content_type.to_owned(), data: body.to_owned() })),
        ),
        BodyKind::Bytes => (
            quote!(crate::runtime::Upload),
            quote!(Ok(Body::Upload { content_type: #content_type.to_owned(), upload: body.clone() })),
        ),
        BodyKind::Multipart => {
            let make = multipart_tokens(api, body);
            (ty, quote!(Ok(#make)))
        }
    };
    let required = body.required;
    (
        body_ty.clone(),
        quote! {
            fn write_body(body: &#body_ty) -> Result<Body, ValidationError> {
                #encode
            }
        },
        required,
    )
}

/// The path expression: one `format!` over the parsed template, literal parts
/// percent-encoded at generation time, parameters encoded at run time.
fn path_tokens(op: &Operation) -> TokenStream {
    let mut format = String::new();
    let mut values = Vec::new();
    for part in &op.template.parts {
        match part {
            PathPart::Literal(text) => {
                format.push_str(&encode_literal(text).replace('{', "{{").replace('}', "}}"));
            }
            PathPart::Param(name) => {
                match op
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && &p.wire_name == name)
                {
                    Some(param) => {
                        format.push_str("{}");
                        let field = param.rust_name.ident();
                        let wire = lit(&param.wire_name);
                        let style = style_tokens(param.style);
                        let explode = param.explode;
                        values.push(
                            quote!(encoding::path_param(#wire, &self.#field, #style, #explode)),
                        );
                    }
                    None => {
                        let literal = encode_literal(&format!("{{{name}}}"));
                        format.push_str(&literal.replace('{', "{{").replace('}', "}}"));
                    }
                }
            }
        }
    }
    if values.is_empty() {
        let literal = lit(&format.replace("{{", "{").replace("}}", "}"));
        quote!(String::from(#literal))
    } else {
        let format = lit(&format);
        quote!(format!(#format, #(#values),*))
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
    let field = param.rust_name.ident();
    let wire = lit(&param.wire_name);
    let style = style_tokens(param.style);
    let explode = param.explode;
    let add = match param.location {
        ParamLocation::Query => {
            quote!(encoding::query_param(&mut request.query, #wire, value, #style, #explode);)
        }
        ParamLocation::Header => {
            quote!(request.headers.push((#wire.to_owned(), encoding::header_value(value, #explode)));)
        }
        ParamLocation::Cookie => {
            quote!(request.cookies.push((#wire.to_owned(), encoding::to_text(value)));)
        }
        ParamLocation::Path => quote!(),
    };
    if param.required {
        quote! {
            {
                let value = &self.#field;
                #add
            }
        }
    } else {
        quote! {
            if let Some(value) = &self.#field {
                #add
            }
        }
    }
}

/// The fields of a multipart body's struct (none when the body is not a struct).
fn multipart_fields<'a>(api: &'a Api, body: &RequestBody) -> &'a [crate::ir::Field] {
    match &body.ty {
        TypeRef::Named(id) => match &api.types[id.0].kind {
            TypeKind::Struct(s) => &s.fields,
            _ => &[],
        },
        _ => &[],
    }
}

fn multipart_tokens(api: &Api, body: &RequestBody) -> TokenStream {
    let fields = multipart_fields(api, body);
    if fields.is_empty() {
        // A schema without properties: an empty form (the body value carries nothing).
        return quote!({
            let _ = body;
            Body::Multipart(Vec::new())
        });
    }
    let parts = fields.iter().map(|field| {
        let name = field.rust_name.ident();
        let wire = lit(&field.wire_name);
        let is_file = body.file_fields.contains(&field.wire_name);
        let push = match (&field.ty, is_file) {
            (TypeRef::Vec(_), true) => quote! {
                for data in value {
                    parts.push(MultipartPart::file(#wire, data.clone()));
                }
            },
            (_, true) => quote!(parts.push(MultipartPart::file(#wire, value.clone()));),
            _ => quote!(parts.push(MultipartPart::text(#wire, encoding::to_text(value)));),
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
