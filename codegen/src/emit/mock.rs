//! The `mock` module (the `mock` feature): `MockServer`, a local server with one
//! method per operation to say what to match and what to answer in the generated types,
//! and per operation the `Mockable` impl that turns a typed response back into the
//! status, media type and body the client decodes it from.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, ident, lit, ty_tokens, Paths, TagGates};
use crate::ir::{
    Api, ErrorType, Operation, Prim, Response, ResponseKind, StatusMatch, SuccessType, TypeRef,
};
use crate::render::ModuleSource;

/// `MockServer`'s own methods, which an operation's method must not shadow.
const OWN_METHODS: &[&str] = &["start", "uri", "client", "wiremock"];

/// The module, for an API with operations.
pub struct MockModule<'a> {
    api: &'a Api,
    crate_ident: String,
    tags: Option<&'a TagGates>,
}

impl<'a> MockModule<'a> {
    /// The module for `api` (none without operations), in the crate named `crate_name`.
    pub fn new(api: &'a Api, crate_name: &str, tags: Option<&'a TagGates>) -> Option<Self> {
        (!api.operations.is_empty()).then(|| Self {
            api,
            crate_ident: crate_name.replace('-', "_"),
            tags,
        })
    }
}

impl ModuleSource for MockModule<'_> {
    fn head(&self) -> TokenStream {
        let example_op = &self.api.operations[0];
        let example = doc_lines(&format!(
            "A local server for tests that answers as the API would: per operation, what to match and what to answer, in the generated types.\n\n\
             ```no_run\n\
             # async fn example() {{\n\
             use {krate}::mock::MockServer;\n\n\
             let server = MockServer::start().await;\n\
             // server.{method}().respond(..).await: the typed success body;\n\
             // .fail(..) a documented error, .with_params(..) / .with_body(..) / .times(n) to match.\n\
             let client = server.client();\n\
             # let _ = client;\n\
             # }}\n\
             ```\n\n\
             Stopped when dropped, which also checks every `.times(n)`.",
            krate = self.crate_ident,
            method = method_name(example_op),
        ));
        quote! {
            //! Typed test doubles for your own tests (the `mock` feature): [`MockServer`].
            use crate::runtime::mock::{MockOperation, MockReply, Mockable};
            use crate::types;
            use crate::Client;
            #example
            #[derive(Debug)]
            pub struct MockServer {
                inner: crate::runtime::mock::MockServer,
            }
            impl MockServer {
                /// Starts one on 127.0.0.1 (a free port).
                pub async fn start() -> Self {
                    Self { inner: crate::runtime::mock::MockServer::start().await }
                }
                /// Its base URL, `http://127.0.0.1:<port>`.
                pub fn uri(&self) -> String {
                    self.inner.uri()
                }
                /// A client of this server (no retries: a test sees each answer as given).
                pub fn client(&self) -> Client {
                    Client::new()
                        .with_base_url(self.uri())
                        .with_retry(crate::RetryPolicy::none())
                }
                /// The `wiremock` server underneath, for what the typed methods do not cover.
                pub fn wiremock(&self) -> &crate::runtime::mock::wiremock::MockServer {
                    self.inner.wiremock()
                }
            }
        }
    }

    fn gate(&self, index: usize) -> Option<String> {
        TagGates::operation_attribute(self.tags, index)
    }

    fn item_count(&self) -> usize {
        self.api.operations.len()
    }

    fn item(&self, index: usize) -> TokenStream {
        operation_items(self.api, &self.api.operations[index])
    }
}

/// The method's name on `MockServer`: the client's, unless `MockServer` has it.
fn method_name(op: &Operation) -> proc_macro2::Ident {
    let name = op.rust_name.bare();
    if OWN_METHODS.contains(&name) {
        format_ident!("mock_{}", name)
    } else {
        op.rust_name.ident()
    }
}

fn operation_items(api: &Api, op: &Operation) -> TokenStream {
    let params_ty = ident(&api.types[op.params_type.0].name);
    let method = method_name(op);
    let client_method = op.rust_name.ident();
    let doc = doc_lines(&format!(
        "Mocks [`Client::{client}`](crate::Client::{client}): `{} {}`.",
        op.method.as_upper(),
        op.path.replace('`', "'"),
        client = client_method,
    ));
    let success_body = replies(api, op, true);
    let failure_body = replies(api, op, false);
    quote! {
        impl MockServer {
            #doc
            pub fn #method(&self) -> MockOperation<'_, types::#params_ty> {
                self.inner.operation()
            }
        }
        impl Mockable for types::#params_ty {
            #success_body
            #failure_body
        }
    }
}

/// `fn success` (or `fn failure`): the reply for each value of the operation's success
/// (error) type, from the responses it decodes from.
fn replies(api: &Api, op: &Operation, success: bool) -> TokenStream {
    let (name, arg_ty) = if success {
        (format_ident!("success"), quote!(Self::Response))
    } else {
        (format_ident!("failure"), quote!(Self::Error))
    };
    let responses: Vec<&Response> = op
        .responses
        .iter()
        .filter(|response| response.success == success)
        .collect();
    let enum_id = match (success, &op.success, &op.error) {
        (true, SuccessType::Enum(id), _) | (false, _, ErrorType::Enum(id)) => Some(*id),
        _ => None,
    };
    let body = match enum_id {
        Some(id) => {
            let enum_ty = ty_tokens(api, &TypeRef::Named(id), Paths::CLIENT);
            let arms = responses.iter().map(|response| {
                let variant = ident(&response.variant);
                let reply = reply(response, success, quote!(value));
                if response.ty == TypeRef::Prim(Prim::Unit) {
                    quote!(#enum_ty::#variant => #reply,)
                } else {
                    quote!(#enum_ty::#variant(value) => #reply,)
                }
            });
            quote!(match value { #(#arms)* })
        }
        None if !success && matches!(op.error, ErrorType::None) => quote!(match *value {}),
        None => match responses.first() {
            Some(response) => {
                let reply = reply(response, success, quote!(value));
                if reply_uses_value(response) {
                    reply
                } else {
                    quote! {
                        let _ = value;
                        #reply
                    }
                }
            }
            None => quote! {
                let _ = value;
                MockReply::empty(200)
            },
        },
    };
    quote! {
        fn #name(value: &#arg_ty) -> MockReply {
            #body
        }
    }
}

/// Whether the reply for `response` reads the value.
fn reply_uses_value(response: &Response) -> bool {
    response.kind != ResponseKind::Empty
}

/// The reply that `response` decodes into `value`.
fn reply(response: &Response, success: bool, value: TokenStream) -> TokenStream {
    let status = match response.status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(digit) => digit * 100,
        StatusMatch::Default if success => 200,
        StatusMatch::Default => 500,
    };
    let status = proc_macro2::Literal::u16_unsuffixed(status);
    let content_type = lit(response
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream"));
    match response.kind {
        ResponseKind::Json => quote!(MockReply::json(#status, #content_type, #value)),
        ResponseKind::Text => quote!(MockReply::text(#status, #content_type, #value)),
        ResponseKind::Bytes => quote!(MockReply::bytes(#status, #content_type, #value)),
        ResponseKind::Empty => quote!(MockReply::empty(#status)),
    }
}
