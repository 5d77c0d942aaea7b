//! Test doubles for the users of a generated client (the `mock` feature): a local
//! server (`wiremock`) told, per operation and in the generated types, what to match
//! and what to answer. The generated crate's `mock::MockServer` has one method per
//! operation returning a [`MockOperation`].

use ::std::marker::PhantomData;

use ::wiremock::matchers::{method, path_regex};
use ::wiremock::{Mock, ResponseTemplate};

use super::http::{Body, Endpoint, Request};

pub use ::wiremock;

/// What a mock answers: a status and, maybe, a body with its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockReply {
    status: u16,
    body: Option<(Vec<u8>, String)>,
}

impl MockReply {
    /// `value` as JSON.
    pub fn json<T: ::serde::Serialize + ?Sized>(
        status: u16,
        content_type: &str,
        value: &T,
    ) -> Self {
        // Generated types always serialize; a value that does not is sent as `null`.
        let body = ::serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        Self {
            status,
            body: Some((body, content_type.to_owned())),
        }
    }

    /// `text` as it is.
    pub fn text(status: u16, content_type: &str, text: &str) -> Self {
        Self {
            status,
            body: Some((text.as_bytes().to_vec(), content_type.to_owned())),
        }
    }

    /// `data` as it is.
    pub fn bytes(status: u16, content_type: &str, data: &[u8]) -> Self {
        Self {
            status,
            body: Some((data.to_vec(), content_type.to_owned())),
        }
    }

    /// No body.
    pub fn empty(status: u16) -> Self {
        Self { status, body: None }
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    fn template(&self) -> ResponseTemplate {
        let template = ResponseTemplate::new(self.status);
        match &self.body {
            Some((body, content_type)) => template.set_body_raw(body.clone(), content_type),
            None => template,
        }
    }
}

/// An operation whose responses a mock can give: implemented by its parameters struct
/// (the generated `mock` module), from the spec's statuses and media types.
pub trait Mockable: Endpoint {
    /// The response that decodes into `body` (its status and media type).
    fn success(body: &Self::Response) -> MockReply;
    /// The response that decodes into the documented error `error`.
    fn failure(error: &Self::Error) -> MockReply;
}

/// A local HTTP server for tests (on 127.0.0.1, a free port), stopped when dropped;
/// expectations set with [`MockOperation::times`] are checked then.
#[derive(Debug)]
pub struct MockServer {
    server: ::wiremock::MockServer,
}

impl MockServer {
    /// Starts one.
    pub async fn start() -> Self {
        Self {
            server: ::wiremock::MockServer::start().await,
        }
    }

    /// Its base URL, `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The `wiremock` server, for anything the typed helpers do not cover.
    pub fn wiremock(&self) -> &::wiremock::MockServer {
        &self.server
    }

    /// A mock of operation `P`, matching its method and path template.
    pub fn operation<P: Mockable>(&self) -> MockOperation<'_, P> {
        MockOperation {
            server: self,
            params: None,
            body: None,
            times: None,
            operation: PhantomData,
        }
    }
}

/// One operation's mock being set up: what to match (the operation's method and path
/// always; [`with_params`](Self::with_params), [`with_body`](Self::with_body)), how
/// often ([`times`](Self::times)), then what to answer ([`respond`](Self::respond),
/// [`fail`](Self::fail), [`reply`](Self::reply)), which mounts it.
#[must_use = "a mock does nothing until `.respond(..)`, `.fail(..)` or `.reply(..)` mounts it"]
pub struct MockOperation<'a, P> {
    server: &'a MockServer,
    params: Option<Request>,
    body: Option<Body>,
    times: Option<u64>,
    operation: PhantomData<fn() -> P>,
}

impl<P: Mockable> MockOperation<'_, P> {
    /// Matches only requests with these parameters: the path, and the query pairs and
    /// header parameters they encode to (other query pairs and headers are allowed).
    pub fn with_params(mut self, params: &P) -> Self {
        self.params = Some(params.request());
        self
    }

    /// Matches only requests with this body (JSON compared as values, form pairs as
    /// pairs, text and bytes exactly; multipart and file bodies are not compared).
    pub fn with_body(mut self, body: &P::Body) -> Self {
        self.body = P::encode_body(body).ok();
        self
    }

    /// Expects exactly `n` matching requests (checked when the server is dropped).
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers with the response that decodes into `body`.
    pub async fn respond(self, body: P::Response) {
        let reply = P::success(&body);
        self.mount(reply).await;
    }

    /// Answers with the documented error response that decodes into `error`.
    pub async fn fail(self, error: P::Error) {
        let reply = P::failure(&error);
        self.mount(reply).await;
    }

    /// Answers with any response (an undocumented status, a broken body), to test how
    /// the caller copes.
    pub async fn reply(self, reply: MockReply) {
        self.mount(reply).await;
    }

    async fn mount(self, reply: MockReply) {
        let op = P::operation();
        let mut mock = Mock::given(method(op.method.as_str()))
            .and(path_regex(path_pattern(op.path_template)))
            .and(Matches {
                params: self.params,
                body: self.body,
            })
            .respond_with(reply.template());
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        mock.named(op.name).mount(&self.server.server).await;
    }
}

/// A regex for a path template: `{name}` is one non-empty segment.
fn path_pattern(template: &str) -> String {
    let mut pattern = String::from("^");
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        pattern.push_str(&::regex::escape(&encode_path(&rest[..open])));
        match rest[open..].find('}') {
            Some(close) => {
                pattern.push_str("[^/]+");
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    pattern.push_str(&::regex::escape(&encode_path(rest)));
    pattern.push('$');
    pattern
}

/// A literal part of a path as it goes on the wire: the set of characters is the one the
/// generator encodes literal path text with (`codegen::emit::client::encode_literal`),
/// the two crates sharing no code.
fn encode_path(text: &str) -> String {
    const PATH: &::percent_encoding::AsciiSet = &::percent_encoding::CONTROLS
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
    ::percent_encoding::utf8_percent_encode(text, PATH).to_string()
}

/// The typed parts of a mock's match: parameters and body.
struct Matches {
    params: Option<Request>,
    body: Option<Body>,
}

impl ::wiremock::Match for Matches {
    fn matches(&self, request: &::wiremock::Request) -> bool {
        if let Some(expected) = &self.params {
            if request.url.path() != expected.path {
                return false;
            }
            let sent: Vec<(&str, &str)> = request
                .url
                .query()
                .unwrap_or_default()
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
                .collect();
            let query_ok = expected
                .query
                .iter()
                .all(|(name, value)| sent.contains(&(name.as_str(), value.as_str())));
            let headers_ok = expected.headers.iter().all(|(name, value)| {
                request
                    .headers
                    .get_all(name.as_str())
                    .iter()
                    .any(|sent| sent.as_bytes() == value.as_bytes())
            });
            if !query_ok || !headers_ok {
                return false;
            }
        }
        match &self.body {
            None | Some(Body::Multipart(_)) | Some(Body::Upload { .. }) => true,
            Some(Body::Empty) => request.body.is_empty(),
            Some(Body::Json(expected)) => {
                let parse =
                    |bytes: &[u8]| ::serde_json::from_slice::<::serde_json::Value>(bytes).ok();
                parse(expected).is_some() && parse(expected) == parse(&request.body)
            }
            Some(Body::Form(pairs)) => {
                request.body == super::http::form_urlencode(pairs).as_bytes()
            }
            Some(Body::Bytes { data, .. }) => request.body == data.as_ref(),
            Some(Body::Text { data, .. }) => request.body == data.as_bytes(),
        }
    }
}
