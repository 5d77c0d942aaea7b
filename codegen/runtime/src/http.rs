//! Sending an operation's request: authentication, timeouts, retries and tracing.
//!
//! Generated code describes each operation with an [`Endpoint`] (implemented by the
//! operation's parameters struct): a static [`Operation`], how its parameters become a
//! [`Request`] (path expanded, parameters encoded) and how a [`RawResponse`] becomes the
//! typed result (with [`RawResponse::json`], [`RawResponse::error_json`], ...). The
//! generated builder hands those to [`send`], which runs [`ClientCore::call`].
//!
//! Secrets (tokens, passwords, API keys) live in [`Secret`]s, which never print their
//! value; the headers that carry them are marked sensitive, and neither errors nor
//! tracing ever show a URL with its query or a header.

use ::std::collections::BTreeMap;
use ::std::fmt;
use ::std::sync::Arc;
#[cfg(not(target_arch = "wasm32"))]
use ::std::time::Instant;
use ::std::time::{Duration, SystemTime};
// `std`'s clock panics on wasm32-unknown-unknown; the browser's, with the same API.
#[cfg(target_arch = "wasm32")]
use ::web_time::Instant;

use ::bytes::Bytes;
use ::percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use ::reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
    COOKIE, RETRY_AFTER,
};
use ::reqwest::{Method, StatusCode};
use ::serde::de::DeserializeOwned;
use ::tracing::Instrument as _;

/// Where it lived before `decode` had a module of its own (callers may name this path).
pub use super::decode::decode_json;
use super::error::{Error, ErrorKind, OperationInfo, RedactedHeaders, ResponseValue, Snippet};
use super::hooks::{AttemptInfo, CredentialProvider, Hook};
use super::sse::{Event, EventParser, StreamFormat};
use super::upload::{Upload, UploadSource};
use super::validate::{ValidationError, Violation};

/// Time allowed to establish a connection, unless changed with
/// [`ClientCore::with_connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one attempt (connect, send, and receive the whole response), unless
/// changed with [`ClientCore::with_timeout`] or [`RequestOptions::with_timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest wait a `Retry-After` header can impose between two attempts: longer
/// requests are shortened to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The future a call becomes when `.await`ed (`IntoFuture`): the decoded response or
/// the error. It is `Send`, so it can be spawned, and borrows only the client.
#[cfg(not(target_arch = "wasm32"))]
pub type CallFuture<'a, T, E> = ::std::pin::Pin<
    Box<dyn ::std::future::Future<Output = Result<ResponseValue<T>, Error<E>>> + Send + 'a>,
>;
/// The future a call becomes when `.await`ed (`IntoFuture`): the decoded response or
/// the error. In the browser (wasm32) it is not `Send`: the fetch API's futures are not.
#[cfg(target_arch = "wasm32")]
pub type CallFuture<'a, T, E> = ::std::pin::Pin<
    Box<dyn ::std::future::Future<Output = Result<ResponseValue<T>, Error<E>>> + 'a>,
>;

/// A secret string (token, password, API key): `Debug` and `Display` print `***`,
/// never the value.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value, for putting it on the wire.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The method's name for errors, as a `'static` string.
fn static_method(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::TRACE, "TRACE"),
        (Method::CONNECT, "CONNECT"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("(other method)", |(_, name)| name)
}

/// Credentials for one security scheme. `Debug` shows no secret.
///
/// A `Bearer` credential also serves an API-key scheme (and an `ApiKey` one a bearer
/// scheme): both are a single secret. A `Basic` credential serves basic schemes only.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A token sent as `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer(Secret),
    /// A user name and password sent as HTTP basic authentication.
    Basic {
        /// The user name (not secret).
        username: String,
        /// The password.
        password: Secret,
    },
    /// An API key sent in the header, query parameter or cookie the scheme names.
    ApiKey(Secret),
}

impl Credential {
    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer(Secret::new(token))
    }

    /// A user name and password for HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Basic {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey(Secret::new(key))
    }
}

/// Where an API-key scheme sends its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiKeyLocation {
    /// In a request header.
    Header,
    /// In a query parameter.
    Query,
    /// In a cookie.
    Cookie,
}

/// How a security scheme sends its credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// A key in the header, query parameter or cookie `name`.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: &'static str,
    },
}

/// A security scheme from the spec's `components.securitySchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecurityScheme {
    /// The scheme's name in the spec: the name credentials are registered under.
    pub name: &'static str,
    /// How the scheme sends its credential.
    pub kind: SchemeKind,
}

/// The static description of one operation, emitted by the generator as a `static`.
#[derive(Debug)]
pub struct Operation {
    /// The Rust method name, e.g. `custom_model_create` (for tracing and errors).
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path as the spec writes it, e.g. `/pets/{petId}` (tracing shows this, never
    /// the expanded path).
    pub path_template: &'static str,
    /// Alternatives (any one will do); each alternative needs all its schemes. An empty
    /// slice means the operation needs no authentication; an empty alternative among
    /// others means anonymous access is allowed.
    pub security: &'static [&'static [&'static SecurityScheme]],
    /// The header parameters the spec gives the operation (lower case): a per-call
    /// [`RequestOptions::with_header`] may not set them.
    pub headers: &'static [&'static str],
}

impl Operation {
    /// The operation's name, method and path template, as errors show them.
    pub fn info(&self) -> OperationInfo {
        OperationInfo {
            name: self.name,
            method: static_method(&self.method),
            path_template: self.path_template,
        }
    }
}

/// One operation of the API, implemented by the operation's parameters struct: what the
/// generated call builder needs to send it and read its response.
pub trait Endpoint: Sized {
    /// The request body the operation takes (`()` when it takes none).
    type Body: ?Sized;
    /// The typed body of a successful response.
    type Response: Send + 'static;
    /// The typed body of a documented error response.
    type Error: Send + 'static;
    /// Whether the spec requires a body (by default it does not).
    const BODY_REQUIRED: bool = false;
    /// The operation's static description.
    fn operation() -> &'static Operation;
    /// The body, encoded as the operation sends it (by default none: an operation
    /// without a body). Called through [`encode_body`](Self::encode_body).
    fn write_body(_body: &Self::Body) -> Result<Body, ValidationError> {
        Ok(Body::Empty)
    }
    /// The body, encoded, or why it cannot be sent: a value breaks the spec, or it holds
    /// an enum value the spec does not list (`Unknown`, as received from a server).
    fn encode_body(body: &Self::Body) -> Result<Body, ValidationError> {
        let (encoded, unlisted) = crate::values::refuse_unlisted("body", || Self::write_body(body));
        match encoded {
            Ok(_) if !unlisted.is_empty() => Err(ValidationError::new(unlisted)),
            Ok(encoded) => Ok(encoded),
            Err(mut error) => {
                error.extend(unlisted);
                Err(error)
            }
        }
    }
    /// The request for these parameters: path expanded, parameters encoded, no body.
    fn request(&self) -> Request;
    /// The typed result of a response, by status.
    fn decode(response: RawResponse) -> Result<ResponseValue<Self::Response>, Error<Self::Error>>;
}

/// Sends a call the generated builder has set up: `params` (or why they could not be
/// made), the encoded body if one was given, and the per-call options.
pub fn send<P: Endpoint>(
    core: &ClientCore,
    params: Result<P, ValidationError>,
    body: Option<Result<Body, ValidationError>>,
    options: RequestOptions,
) -> CallFuture<'_, P::Response, P::Error> {
    core.call(
        P::operation(),
        call_request(params, body),
        options,
        P::decode,
    )
}

/// [`send`], with a successful response's body as a [`ByteStream`] instead of read
/// whole; a documented error status is decoded as `send` would.
pub async fn send_streaming<P: Endpoint>(
    core: &ClientCore,
    params: Result<P, ValidationError>,
    body: Option<Result<Body, ValidationError>>,
    options: RequestOptions,
) -> Result<ByteStream, Error<P::Error>> {
    stream_request::<P>(core, call_request(params, body), &options).await
}

/// Sends `request` of operation `P`, streaming a successful response's body.
async fn stream_request<P: Endpoint>(
    core: &ClientCore,
    request: Request,
    options: &RequestOptions,
) -> Result<ByteStream, Error<P::Error>> {
    let op = P::operation();
    match core
        .execute_mode(op, request, options, Mode::Streamed)
        .await
        .map_err(Error::widen)?
    {
        Attempted::Streamed(stream) => Ok(stream),
        Attempted::Whole(response) => {
            let (status, headers) = (response.status, response.headers.clone());
            let body = response.body.clone();
            match P::decode(response) {
                // A success the spec documents outside 2xx: its body, already read.
                Ok(_) => Ok(ByteStream {
                    status,
                    headers,
                    source: Source::Read(Some(body)),
                    idle: None,
                }),
                Err(error) => Err(error.in_operation(op.info())),
            }
        }
    }
}

/// An operation whose success response is a stream of items (server-sent events or
/// JSON lines): what [`send_events`] needs to read them.
pub trait Streaming: Endpoint {
    /// One item (from the spec's `itemSchema`, else its `schema`; an [`Event`] itself
    /// when the spec gives neither).
    type Item;
    /// How the body is cut into items.
    const FORMAT: StreamFormat;
    /// The item one event carries.
    fn item(event: Event) -> Result<Self::Item, String>;
}

/// [`send`] for a [`Streaming`] operation: the items of a successful response as they
/// arrive; a documented error status is decoded as `send` would.
pub async fn send_events<P: Streaming>(
    core: &ClientCore,
    params: Result<P, ValidationError>,
    body: Option<Result<Body, ValidationError>>,
    options: RequestOptions,
) -> Result<EventStream<P::Item>, Error<P::Error>> {
    let op = P::operation();
    let request = call_request(params, body);
    let retry = options.retry.as_ref().unwrap_or(&core.retry);
    let safe = is_idempotent(&op.method)
        || options.idempotency_key.is_some()
        || retry.retry_non_idempotent;
    let reconnect = (P::FORMAT == StreamFormat::ServerSentEvents && safe).then(|| Reconnect {
        core: core.clone(),
        op,
        request: request.clone(),
        options: options.clone(),
        failures: 0,
    });
    let bytes = stream_request::<P>(core, request, &options).await?;
    Ok(EventStream {
        parser: EventParser::new(P::FORMAT),
        ready: ::std::collections::VecDeque::new(),
        bytes: Some(bytes),
        item: P::item,
        reconnect,
    })
}

/// What an event stream needs to connect again after the server dropped it.
struct Reconnect {
    core: ClientCore,
    op: &'static Operation,
    request: Request,
    options: RequestOptions,
    /// Reconnections in a row that got no event.
    failures: u32,
}

/// The items of a streamed response ([`next`](Self::next), or
/// [`into_stream`](Self::into_stream) for a `Stream`), decoded and checked one by one.
/// A server-sent event whose data is `[DONE]` ends the stream (the convention of
/// OpenAI-style APIs), as does the end of the body.
///
/// When the connection is lost mid-stream (a transport error or the idle timeout) and
/// the call is safe to repeat (an idempotent method, an idempotency key, or a retry
/// policy that allows it), a server-sent event stream connects again, sending
/// `Last-Event-ID` with the last id it saw, after the delay the server asked for
/// (`retry:`) or the retry policy's backoff; up to the policy's `max_attempts - 1`
/// times in a row without an event in between.
pub struct EventStream<T> {
    parser: EventParser,
    ready: ::std::collections::VecDeque<Event>,
    bytes: Option<ByteStream>,
    item: fn(Event) -> Result<T, String>,
    reconnect: Option<Reconnect>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("last_event_id", &self.parser.last_event_id())
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    /// The last event id the server sent.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_event_id()
    }

    /// The next item; `None` at the end of the stream.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                if let Some(reconnect) = &mut self.reconnect {
                    reconnect.failures = 0;
                }
                if event.data == "[DONE]" {
                    self.bytes = None;
                    self.ready.clear();
                    return None;
                }
                let data = event.data.clone();
                return Some((self.item)(event).map_err(|message| {
                    let (status, headers) = self
                        .bytes
                        .as_ref()
                        .map(|bytes| (bytes.status, bytes.headers.clone()))
                        .unwrap_or_default();
                    Error::new(ErrorKind::InvalidResponse {
                        status,
                        headers: Box::new(headers),
                        body: Bytes::from(data),
                        message,
                    })
                }));
            }
            let bytes = self.bytes.as_mut()?;
            match bytes.chunk().await {
                Ok(Some(chunk)) => self.ready.extend(self.parser.push(&chunk)),
                Ok(None) => {
                    self.ready.extend(self.parser.finish());
                    if self.ready.is_empty() {
                        self.bytes = None;
                        return None;
                    }
                }
                Err(error) => {
                    self.bytes = None;
                    let lost = matches!(
                        error.kind(),
                        ErrorKind::Transport { .. } | ErrorKind::Timeout { .. }
                    );
                    if lost {
                        match self.connect_again().await {
                            Ok(true) => continue,
                            Ok(false) => {}
                            Err(again) => return Some(Err(again)),
                        }
                    }
                    return Some(Err(error));
                }
            }
        }
    }

    /// After a lost connection: connects again if the stream may (`Ok(false)` if not),
    /// `Ok(true)` once reading can go on, or the error of the new connection.
    async fn connect_again(&mut self) -> Result<bool, Error> {
        let Some(reconnect) = &mut self.reconnect else {
            return Ok(false);
        };
        let policy = reconnect
            .options
            .retry
            .clone()
            .unwrap_or_else(|| reconnect.core.retry.clone());
        reconnect.failures += 1;
        if reconnect.failures >= policy.max_attempts.max(1) {
            return Ok(false);
        }
        let delay = self
            .parser
            .retry()
            .unwrap_or_else(|| backoff(&policy, reconnect.failures));
        sleep(delay).await;
        self.parser.reconnected();
        let mut request = reconnect.request.clone();
        if let Some(id) = self.parser.last_event_id() {
            request
                .headers
                .push(("Last-Event-ID".to_owned(), id.to_owned()));
        }
        let attempted = reconnect
            .core
            .execute_mode(reconnect.op, request, &reconnect.options, Mode::Streamed)
            .await?;
        match attempted {
            Attempted::Streamed(stream) if stream.status != StatusCode::NO_CONTENT => {
                self.bytes = Some(stream);
                Ok(true)
            }
            // 204: the server says there is nothing more (WHATWG).
            Attempted::Streamed(_) => Ok(false),
            Attempted::Whole(response) => Err(response.unexpected()),
        }
    }

    /// The items as a `Stream`.
    pub fn into_stream(self) -> impl ::futures_util::Stream<Item = Result<T, Error>> {
        ::futures_util::stream::unfold(self, |mut stream| async move {
            let item = stream.next().await?;
            Some((item, stream))
        })
    }
}

/// The request of a call: the parameters' encoding and the body, or every reason it
/// may not be sent.
pub(crate) fn call_request<P: Endpoint>(
    params: Result<P, ValidationError>,
    body: Option<Result<Body, ValidationError>>,
) -> Request {
    let mut problems: Vec<Violation> = Vec::new();
    let mut request = match &params {
        Ok(params) => {
            let (request, unlisted) =
                crate::values::refuse_unlisted("parameters", || params.request());
            problems.extend(unlisted);
            request
        }
        Err(_) => Request::new(String::new()),
    };
    if let Err(error) = params {
        problems.extend(error);
    }
    match body {
        Some(Ok(body)) => request.body = body,
        Some(Err(error)) => problems.extend(error),
        None if P::BODY_REQUIRED => problems.push(violation(
            "body",
            "the operation requires a request body (use `send_with_body`)",
        )),
        None => {}
    }
    if !problems.is_empty() {
        request.reject(ValidationError::new(problems));
    }
    request
}

/// How an attempt reads the response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Whole, within the attempt's timeout.
    Whole,
    /// A 2xx body as a stream, the timeout applying to each wait for data (any other
    /// status is read whole, to retry on or decode).
    Streamed,
}

/// What an attempt got.
enum Attempted {
    Whole(RawResponse),
    Streamed(ByteStream),
}

impl Attempted {
    fn status(&self) -> StatusCode {
        match self {
            Attempted::Whole(response) => response.status,
            Attempted::Streamed(stream) => stream.status,
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Attempted::Whole(response) => &response.headers,
            Attempted::Streamed(stream) => &stream.headers,
        }
    }
}

/// A transport error while a streamed body was being read.
fn stream_error(source: ::reqwest::Error) -> Error {
    Error::new(ErrorKind::Transport {
        source: source.without_url(),
        attempts: 1,
    })
}

/// A successful response whose body arrives as it is read ([`chunk`](Self::chunk), or
/// [`into_stream`](Self::into_stream) for a `Stream`): a large download never sits in
/// memory whole. Each wait for data may take up to the call's timeout (an idle timeout,
/// not a whole-request one; in the browser there is none).
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    source: Source,
    idle: Option<Duration>,
}

enum Source {
    Live(::reqwest::Response),
    Read(Option<Bytes>),
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next piece of the body; `None` at its end. (In the browser, where reqwest's
    /// fetch backend has no chunked reads, the first piece is the whole body.)
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match &mut self.source {
            Source::Read(body) => Ok(body.take()),
            Source::Live(_) => self.next_live().await,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    async fn next_live(&mut self) -> Result<Option<Bytes>, Error> {
        let Source::Live(response) = &mut self.source else {
            return Ok(None);
        };
        match self.idle {
            Some(idle) => match ::tokio::time::timeout(idle, response.chunk()).await {
                Ok(chunk) => chunk.map_err(stream_error),
                Err(_) => Err(Error::new(ErrorKind::Timeout {
                    elapsed: idle,
                    attempts: 1,
                })),
            },
            None => response.chunk().await.map_err(stream_error),
        }
    }

    /// No timer of ours in the browser: `idle` is not used there.
    #[cfg(target_arch = "wasm32")]
    async fn next_live(&mut self) -> Result<Option<Bytes>, Error> {
        let _ = self.idle;
        match ::std::mem::replace(&mut self.source, Source::Read(None)) {
            Source::Live(response) => response.bytes().await.map(Some).map_err(stream_error),
            Source::Read(body) => Ok(body),
        }
    }

    /// The body as a `Stream` of chunks.
    pub fn into_stream(self) -> impl ::futures_util::Stream<Item = Result<Bytes, Error>> {
        ::futures_util::stream::unfold(Some(self), |state| async move {
            let mut stream = state?;
            match stream.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(stream))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        })
    }
}

/// A request body, already serialized.
#[derive(Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// JSON text, sent as `application/json`.
    Json(Vec<u8>),
    /// Pairs sent as `application/x-www-form-urlencoded` (names and values unencoded).
    Form(Vec<(String, String)>),
    /// Parts sent as `multipart/form-data`.
    Multipart(Vec<MultipartPart>),
    /// Raw bytes with their content type.
    Bytes {
        /// The `Content-Type` to send.
        content_type: String,
        /// The body.
        data: Bytes,
    },
    /// Text with its content type.
    Text {
        /// The `Content-Type` to send.
        content_type: String,
        /// The body.
        data: String,
    },
    /// File content (bytes, a file read as a stream, or a stream): a binary body.
    Upload {
        /// The `Content-Type` the spec gives the body; when it is a range (`image/*`,
        /// `*/*`), the upload's own, or the one its file name implies.
        content_type: String,
        /// The content.
        upload: Upload,
    },
}

impl Body {
    /// `value` serialized as a JSON body. A value that cannot be represented as JSON
    /// (never the case for generated types) is an error at path `body`.
    pub fn json<T: ::serde::Serialize + ?Sized>(value: &T) -> Result<Self, ValidationError> {
        ::serde_json::to_vec(value)
            .map(Self::Json)
            .map_err(|error| ValidationError::new(vec![violation("body", &error.to_string())]))
    }

    /// `value` serialized as an `application/x-www-form-urlencoded` body, by
    /// [`form_pairs`](super::encoding::form_pairs): it must serialize to an object.
    pub fn form<T: ::serde::Serialize + ?Sized>(value: &T) -> Result<Self, ValidationError> {
        super::encoding::form_pairs(value)
            .map(Self::Form)
            .map_err(|message| ValidationError::new(vec![violation("body", &message)]))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Json(data) => write!(f, "Json(\"{}\")", Snippet(data)),
            Self::Form(pairs) => f.debug_tuple("Form").field(pairs).finish(),
            Self::Multipart(parts) => f.debug_tuple("Multipart").field(parts).finish(),
            Self::Bytes { content_type, data } => write!(
                f,
                "Bytes {{ content_type: {content_type:?}, data: {} bytes }}",
                data.len()
            ),
            Self::Text { content_type, data } => write!(
                f,
                "Text {{ content_type: {content_type:?}, data: \"{}\" }}",
                Snippet(data.as_bytes())
            ),
            Self::Upload {
                content_type,
                upload,
            } => f
                .debug_struct("Upload")
                .field("content_type", content_type)
                .field("upload", upload)
                .finish(),
        }
    }
}

/// One part of a `multipart/form-data` body. Parts are plain data so the form can be
/// built anew for every attempt.
#[derive(Clone, Debug)]
pub struct MultipartPart {
    /// The form field name.
    pub name: String,
    /// The part's content.
    pub value: PartValue,
}

impl MultipartPart {
    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: PartValue::Text(value.into()),
        }
    }

    /// A file field: an [`Upload`] (or anything that converts into one: `Bytes`,
    /// `Vec<u8>`, ...). Without a file name of its own it is announced with the field
    /// name as its file name (many servers tell files from text fields by the presence
    /// of one); change either with [`with_filename`](Self::with_filename) and
    /// [`with_content_type`](Self::with_content_type).
    pub fn file(name: impl Into<String>, upload: impl Into<Upload>) -> Self {
        let name = name.into();
        let upload = upload.into();
        let upload = match upload.file_name() {
            Some(_) => upload,
            None => upload.with_file_name(name.clone()),
        };
        Self {
            value: PartValue::File(upload),
            name,
        }
    }

    /// The same file part with another file name (`None`: announce none). No effect on
    /// a text part.
    pub fn with_filename(mut self, filename: Option<String>) -> Self {
        if let PartValue::File(upload) = &mut self.value {
            *upload = match filename {
                Some(filename) => upload.clone().with_file_name(filename),
                None => upload.clone().without_file_name(),
            };
        }
        self
    }

    /// The same file part with a content type. No effect on a text part.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        if let PartValue::File(upload) = &mut self.value {
            *upload = upload.clone().with_content_type(content_type);
        }
        self
    }
}

/// The content of a multipart part.
#[derive(Clone, Debug)]
pub enum PartValue {
    /// A text field.
    Text(String),
    /// A file (or any binary content), with the file name and content type to announce
    /// (`application/octet-stream` when it has none and its file name implies none).
    File(Upload),
}

/// A request ready to send, built by generated code.
#[derive(Clone, Debug)]
pub struct Request {
    /// The path with its parameters expanded and percent-encoded, e.g. `/pets/42`.
    pub path: String,
    /// Query pairs, already percent-encoded (as `encoding::query_param` makes them).
    pub query: Vec<(String, String)>,
    /// Header parameters.
    pub headers: Vec<(String, String)>,
    /// Cookie parameters, sent in one `Cookie` header.
    pub cookies: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// The `Accept` header to send, if any.
    pub accept: Option<&'static str>,
    /// Why the request may not be sent (see [`reject`](Self::reject)).
    invalid: Option<ValidationError>,
}

impl Request {
    /// A request for `path` with no parameters and no body.
    pub fn new(path: String) -> Self {
        Self {
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            accept: None,
            invalid: None,
        }
    }

    /// Sets the body, or keeps why it could not be made: sending the request then fails
    /// with [`ErrorKind::InvalidRequest`] before anything goes on the wire.
    pub fn set_body(&mut self, body: Result<Body, ValidationError>) {
        match body {
            Ok(body) => self.body = body,
            Err(error) => self.reject(error),
        }
    }

    /// Marks the request as one that breaks the spec: sending it fails with
    /// [`ErrorKind::InvalidRequest`] (these violations and any found before) before
    /// anything goes on the wire.
    pub fn reject(&mut self, error: ValidationError) {
        match &mut self.invalid {
            Some(earlier) => earlier.extend(error),
            None => self.invalid = Some(error),
        }
    }
}

/// When and how often a call is retried.
///
/// A retry happens on:
/// - status 429, and connection failures before the request was sent, for every method;
/// - status 500, 502, 503 and 504, timeouts, and other transport failures (connection
///   lost after sending, say), for idempotent methods only (GET, HEAD, PUT, DELETE,
///   OPTIONS, TRACE), unless `retry_non_idempotent` is set.
///
/// Before retry `n` (1-based) the call waits a random time between zero and
/// `min(max_backoff, initial_backoff * 2^(n-1))` ("full jitter"); a `Retry-After` header
/// on a 429 or 503 response replaces that wait, up to [`MAX_RETRY_AFTER`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many attempts in all, the first try included: 1 turns retries off.
    pub max_attempts: u32,
    /// The cap of the first random wait.
    pub initial_backoff: Duration,
    /// The largest cap of a random wait.
    pub max_backoff: Duration,
    /// Whether POST and PATCH are also retried after a 5xx, a timeout or a lost
    /// connection (when the server may already have acted on the request).
    pub retry_non_idempotent: bool,
}

impl RetryPolicy {
    /// No retries: one attempt only.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
}

impl Default for RetryPolicy {
    /// 3 attempts, waits capped at 200 ms then doubling up to 10 s, idempotent methods
    /// only for 5xx and timeouts.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            retry_non_idempotent: false,
        }
    }
}

/// Per-call settings: overrides of the client's (`None`: keep the client's) and extra
/// headers. Operation builders set them with `.timeout(..)`, `.retry(..)`,
/// `.header(..)` and `.idempotency_key(..)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Time allowed for each attempt.
    pub timeout: Option<Duration>,
    /// The retry policy.
    pub retry: Option<RetryPolicy>,
    /// Extra headers (name, value). Names the spec gives the operation and names the
    /// client sets itself (`Authorization`, `Content-Type`, ...) are refused.
    pub headers: Vec<(String, String)>,
    /// Sent as `Idempotency-Key`; it also marks the call safe to retry after a 5xx or a
    /// timeout, whatever its method.
    pub idempotency_key: Option<String>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the time allowed for each attempt.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Adds a header to send (refused at send time if the spec or the client owns it).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `Idempotency-Key: key`, and lets this call be retried after a 5xx or a
    /// timeout even when its method is not idempotent (the server deduplicates it).
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// Headers the client sets itself: a per-call header may not replace them.
const CLIENT_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "content-type",
    "content-length",
    "transfer-encoding",
    "host",
    "accept",
    "idempotency-key",
];

/// An undocumented request ([`ClientCore::raw`]): set its query, headers and body,
/// then [`send`](Self::send) it. Nothing about it is checked against the spec.
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    core: &'a ClientCore,
    operation: Operation,
    request: Request,
    options: RequestOptions,
}

impl RawRequest<'_> {
    /// A query pair (percent-encoded here).
    pub fn query(mut self, name: &str, value: &str) -> Self {
        let encode = super::encoding::encode_query;
        self.request.query.push((encode(name), encode(value)));
        self
    }

    /// A header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.request.headers.push((name.into(), value.into()));
        self
    }

    /// A JSON body.
    pub fn json<T: ::serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match Body::json(body) {
            Ok(body) => self.request.body = body,
            Err(error) => self.request.reject(error),
        }
        self
    }

    /// A body of any media type.
    pub fn body(mut self, content_type: impl Into<String>, data: impl Into<Bytes>) -> Self {
        self.request.body = Body::Bytes {
            content_type: content_type.into(),
            data: data.into(),
        };
        self
    }

    /// Per-call settings (timeout, retries, idempotency key).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends it; the response comes back whatever its status (read it with
    /// [`RawResponse::json`], [`text`](RawResponse::text) or [`bytes`](RawResponse::bytes)).
    pub async fn send(self) -> Result<RawResponse, Error> {
        self.core
            .execute_with(&self.operation, self.request, &self.options)
            .await
    }
}

/// What every generated client holds: the HTTP client, base URL, credentials and
/// defaults for timeouts and retries. Cloning is cheap. `Debug` shows no secret.
#[derive(Clone)]
pub struct ClientCore {
    http: ::reqwest::Client,
    custom_client: bool,
    base_url: Arc<str>,
    credentials: Arc<BTreeMap<&'static str, Credential>>,
    providers: Arc<BTreeMap<&'static str, Arc<dyn CredentialProvider>>>,
    hooks: Arc<Vec<Arc<dyn Hook>>>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
}

impl ClientCore {
    /// A client for the API at `base_url` (e.g. `https://api.example.com/v1`), with
    /// rustls, a connect timeout of [`DEFAULT_CONNECT_TIMEOUT`] (10 s), a timeout per
    /// attempt of [`DEFAULT_TIMEOUT`] (60 s) and [`RetryPolicy::default`].
    ///
    /// # Panics
    ///
    /// If the TLS backend cannot be initialised (as `reqwest::Client::new` does).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            http: build_http_client(DEFAULT_CONNECT_TIMEOUT),
            custom_client: false,
            base_url: Arc::from(base_url.into()),
            credentials: Arc::new(BTreeMap::new()),
            providers: Arc::new(BTreeMap::new()),
            hooks: Arc::new(Vec::new()),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// Uses the caller's own HTTP client (for proxies, TLS roots, ...). Its own settings
    /// apply, so [`with_connect_timeout`](Self::with_connect_timeout) no longer has an
    /// effect; the timeout per attempt still applies.
    pub fn with_http_client(mut self, client: ::reqwest::Client) -> Self {
        self.http = client;
        self.custom_client = true;
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The same client for another base URL.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Arc::from(url.into());
        self
    }

    /// Registers the credential for the security scheme named `scheme` in the spec.
    pub fn with_credential(mut self, scheme: &'static str, credential: Credential) -> Self {
        Arc::make_mut(&mut self.credentials).insert(scheme, credential);
        self
    }

    /// Asks `provider` for the credential of the security scheme named `scheme` once per
    /// call that needs it (before its first attempt), instead of a fixed one: for tokens
    /// that expire. A credential given with [`with_credential`](Self::with_credential)
    /// for the same scheme is not used.
    pub fn with_credential_provider(
        mut self,
        scheme: &'static str,
        provider: impl CredentialProvider,
    ) -> Self {
        Arc::make_mut(&mut self.providers).insert(scheme, Arc::new(provider));
        self
    }

    /// Adds `hook`, called before each attempt and after each response of every call
    /// (after the hooks added before it).
    pub fn with_hook(mut self, hook: impl Hook) -> Self {
        Arc::make_mut(&mut self.hooks).push(Arc::new(hook));
        self
    }

    /// A request the spec does not document, sent like an operation's: the base URL,
    /// the credentials of the first alternative of `security` the client has (the
    /// generated `Client::raw` passes every scheme of the spec), timeouts, retries and
    /// hooks. `path` is appended to the base URL as it is (percent-encode it yourself).
    pub fn raw(
        &self,
        security: &'static [&'static [&'static SecurityScheme]],
        method: Method,
        path: impl Into<String>,
    ) -> RawRequest<'_> {
        RawRequest {
            core: self,
            operation: Operation {
                name: "raw",
                method,
                path_template: "",
                security,
                headers: &[],
            },
            request: Request::new(path.into()),
            options: RequestOptions::default(),
        }
    }

    /// Sets the time allowed for each attempt (connect, send and receive the whole
    /// response).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the time allowed to connect. This rebuilds the internal HTTP client; it has
    /// no effect on a client given with [`with_http_client`](Self::with_http_client).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        if !self.custom_client {
            self.http = build_http_client(timeout);
        }
        self
    }

    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// A copy whose defaults are overridden by `options` (for per-call settings).
    pub fn with_options(&self, options: RequestOptions) -> Self {
        let mut core = self.clone();
        if let Some(timeout) = options.timeout {
            core.timeout = timeout;
        }
        if let Some(retry) = options.retry {
            core.retry = retry;
        }
        core
    }

    /// What every call becomes: sends `request` (built before, so the future borrows
    /// nothing but the client) with [`execute_with`](Self::execute_with) and reads the
    /// response with `decode`; any error names the operation. Shared here, not written
    /// out per operation, so a client with a thousand operations has one async state
    /// machine, not a thousand.
    pub fn call<'a, T: Send + 'a, E: Send + 'a>(
        &'a self,
        op: &'static Operation,
        request: Request,
        options: RequestOptions,
        decode: fn(RawResponse) -> Result<ResponseValue<T>, Error<E>>,
    ) -> CallFuture<'a, T, E> {
        Box::pin(async move {
            // `execute_with` names the operation in its errors; decoding's need it added.
            let response = self
                .execute_with(op, request, &options)
                .await
                .map_err(Error::widen)?;
            decode(response).map_err(|error| error.in_operation(op.info()))
        })
    }

    /// Applies authentication for `op`, sends `request` with the client's timeout and
    /// retry policy, and returns the response of the last attempt, whatever its status.
    pub async fn execute(
        &self,
        op: &'static Operation,
        request: Request,
    ) -> Result<RawResponse, Error> {
        self.execute_with(op, request, &RequestOptions::default())
            .await
    }

    /// [`execute`](Self::execute) with per-call settings.
    pub async fn execute_with(
        &self,
        op: &Operation,
        request: Request,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error> {
        match self.execute_mode(op, request, options, Mode::Whole).await? {
            Attempted::Whole(response) => Ok(response),
            // `Mode::Whole` reads every body whole; this arm is never taken.
            Attempted::Streamed(stream) => Ok(RawResponse {
                status: stream.status,
                headers: stream.headers,
                body: Bytes::new(),
            }),
        }
    }

    async fn execute_mode(
        &self,
        op: &Operation,
        mut request: Request,
        options: &RequestOptions,
        mode: Mode,
    ) -> Result<Attempted, Error> {
        let span = ::tracing::info_span!(
            "http_operation",
            operation = op.name,
            method = %op.method,
            path = op.path_template,
        );
        async move {
            let mut problems = Vec::new();
            for (name, value) in &options.headers {
                let lower = name.to_ascii_lowercase();
                if CLIENT_HEADERS.contains(&lower.as_str())
                    || op.headers.contains(&lower.as_str())
                    || self.scheme_header(op, &lower)
                {
                    problems.push(violation(
                        name,
                        "this header is set by the spec's parameters or by the client; \
                         it cannot be added per call",
                    ));
                } else {
                    request.headers.push((name.clone(), value.clone()));
                }
            }
            if let Some(key) = &options.idempotency_key {
                request
                    .headers
                    .push(("Idempotency-Key".to_owned(), key.clone()));
            }
            if !problems.is_empty() {
                request.reject(ValidationError::new(problems));
            }
            let provided = self.provided_credentials(op).await?;
            let core = provided.as_ref().unwrap_or(self);
            let prepared = core.prepare(op, request)?;
            let settings = Settings {
                timeout: options.timeout.unwrap_or(self.timeout),
                retry: options.retry.as_ref().unwrap_or(&self.retry),
                idempotent: options.idempotency_key.is_some(),
            };
            core.send(op, &prepared, &settings, mode).await
        }
        .instrument(span)
        .await
        .map_err(|error| error.in_operation(op.info()))
    }

    /// A copy of the client holding the credentials the providers give for `op`'s
    /// schemes; `None` when no provider serves them.
    async fn provided_credentials(&self, op: &Operation) -> Result<Option<ClientCore>, Error> {
        let mut schemes: Vec<&'static str> = op
            .security
            .iter()
            .flat_map(|alternative| alternative.iter().map(|scheme| scheme.name))
            .filter(|name| self.providers.contains_key(name))
            .collect();
        schemes.sort_unstable();
        schemes.dedup();
        if schemes.is_empty() {
            return Ok(None);
        }
        let mut core = self.clone();
        for scheme in schemes {
            let provider = Arc::clone(&self.providers[scheme]);
            match provider.credential(scheme).await {
                Ok(credential) => {
                    Arc::make_mut(&mut core.credentials).insert(scheme, credential);
                }
                Err(message) => {
                    return Err(Error::new(ErrorKind::CredentialProvider {
                        scheme: scheme.to_owned(),
                        message,
                    }))
                }
            }
        }
        Ok(Some(core))
    }

    /// Whether `header` (lower case) carries the API key of one of `op`'s schemes.
    fn scheme_header(&self, op: &Operation, header: &str) -> bool {
        op.security.iter().flat_map(|alternative| alternative.iter()).any(|scheme| {
            matches!(scheme.kind, SchemeKind::ApiKey { location: ApiKeyLocation::Header, name } if name.eq_ignore_ascii_case(header))
        })
    }

    /// Checks and assembles everything that is the same for every attempt. Fails,
    /// without sending anything, on missing credentials or on names and values that
    /// cannot be sent.
    pub(crate) fn prepare(&self, op: &Operation, request: Request) -> Result<Prepared, Error> {
        let auth = self.select_credentials(op)?;
        let Request {
            path,
            mut query,
            headers: header_params,
            mut cookies,
            body,
            accept,
            invalid,
        } = request;
        if let Some(error) = invalid {
            return Err(Error::new(ErrorKind::InvalidRequest(error)));
        }
        let mut problems = Vec::new();
        let mut headers = HeaderMap::new();

        for (name, value) in header_params {
            let parsed_name = HeaderName::from_bytes(name.as_bytes());
            let parsed_value = HeaderValue::from_str(&value);
            match (parsed_name, parsed_value) {
                (Ok(name), Ok(value)) => {
                    headers.append(name, value);
                }
                (Err(_), _) => problems.push(violation(&name, "not a valid header name")),
                (_, Err(_)) => problems.push(violation(
                    &name,
                    "header value holds characters a header cannot carry",
                )),
            }
        }
        if let Some(accept) = accept {
            if !headers.contains_key(ACCEPT) {
                match HeaderValue::from_str(accept) {
                    Ok(value) => {
                        headers.insert(ACCEPT, value);
                    }
                    Err(_) => problems.push(violation("Accept", "not a valid header value")),
                }
            }
        }

        let mut sensitive_cookie = false;
        for (scheme, credential) in auth {
            match (scheme.kind, credential) {
                (SchemeKind::Basic, Credential::Basic { username, password }) => {
                    let text = format!("{username}:{}", password.expose());
                    use ::base64::Engine as _;
                    let value = format!(
                        "Basic {}",
                        ::base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
                    );
                    insert_secret_header(
                        &mut headers,
                        AUTHORIZATION,
                        &value,
                        scheme,
                        &mut problems,
                    );
                }
                (SchemeKind::Bearer, Credential::Bearer(secret) | Credential::ApiKey(secret)) => {
                    let value = format!("Bearer {}", secret.expose());
                    insert_secret_header(
                        &mut headers,
                        AUTHORIZATION,
                        &value,
                        scheme,
                        &mut problems,
                    );
                }
                (
                    SchemeKind::ApiKey { location, name },
                    Credential::Bearer(secret) | Credential::ApiKey(secret),
                ) => match location {
                    ApiKeyLocation::Header => match HeaderName::from_bytes(name.as_bytes()) {
                        Ok(header) => {
                            let value = secret.expose();
                            insert_secret_header(
                                &mut headers,
                                header,
                                value,
                                scheme,
                                &mut problems,
                            );
                        }
                        Err(_) => problems.push(violation(
                            scheme.name,
                            "the scheme's header name is not a valid header name",
                        )),
                    },
                    ApiKeyLocation::Query => {
                        query.push((
                            super::encoding::encode_query(name),
                            super::encoding::encode_query(secret.expose()),
                        ));
                    }
                    ApiKeyLocation::Cookie => {
                        cookies.push((name.to_owned(), secret.expose().to_owned()));
                        sensitive_cookie = true;
                    }
                },
                // `select_credentials` only picks credentials that suit their scheme.
                _ => {}
            }
        }

        if !cookies.is_empty() {
            let text = cookies
                .iter()
                .map(|(name, value)| {
                    format!(
                        "{}={}",
                        utf8_percent_encode(name, COOKIE_NAME),
                        utf8_percent_encode(value, COOKIE_VALUE)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            // Percent-encoding leaves only visible ASCII, which a header always carries.
            if let Ok(mut value) = HeaderValue::from_str(&text) {
                value.set_sensitive(sensitive_cookie);
                headers.insert(COOKIE, value);
            }
        }

        let body = match body {
            Body::Empty => PreparedBody::Empty,
            Body::Json(data) => {
                default_content_type(&mut headers, "application/json", &mut problems);
                PreparedBody::Bytes(Bytes::from(data))
            }
            Body::Form(pairs) => {
                default_content_type(
                    &mut headers,
                    "application/x-www-form-urlencoded",
                    &mut problems,
                );
                PreparedBody::Bytes(Bytes::from(form_urlencode(&pairs)))
            }
            Body::Bytes { content_type, data } => {
                default_content_type(&mut headers, &content_type, &mut problems);
                PreparedBody::Bytes(data)
            }
            Body::Text { content_type, data } => {
                default_content_type(&mut headers, &content_type, &mut problems);
                PreparedBody::Bytes(Bytes::from(data))
            }
            Body::Upload {
                content_type,
                upload,
            } => {
                let content_type = if content_type.contains('*') {
                    upload_content_type(&upload)
                } else {
                    content_type
                };
                default_content_type(&mut headers, &content_type, &mut problems);
                let length = upload_length(&upload, "body", &mut problems);
                if let Some(length) = length {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
                }
                PreparedBody::Upload(upload)
            }
            Body::Multipart(parts) => {
                let mut lengths = Vec::with_capacity(parts.len());
                for part in &parts {
                    let PartValue::File(upload) = &part.value else {
                        lengths.push(None);
                        continue;
                    };
                    if let Some(content_type) = upload.content_type() {
                        if ::reqwest::multipart::Part::text("")
                            .mime_str(content_type)
                            .is_err()
                        {
                            problems.push(violation(&part.name, "not a valid content type"));
                        }
                    }
                    lengths.push(upload_length(upload, &part.name, &mut problems));
                }
                PreparedBody::Multipart(parts, lengths)
            }
        };

        let mut url = String::with_capacity(self.base_url.len() + path.len() + 16);
        url.push_str(self.base_url.trim_end_matches('/'));
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(&path);
        for (index, (name, value)) in query.iter().enumerate() {
            url.push(if index == 0 { '?' } else { '&' });
            // Pairs arrive percent-encoded (see `encoding::query_param`).
            url.push_str(name);
            url.push('=');
            url.push_str(value);
        }
        // The parse error never quotes the URL, which may hold an API key.
        let url = match ::reqwest::Url::parse(&url) {
            Ok(url) => Some(url),
            Err(error) => {
                problems.push(violation("url", &format!("not a valid URL: {error}")));
                None
            }
        };

        match url {
            Some(url) if problems.is_empty() => Ok(Prepared {
                method: op.method.clone(),
                url,
                headers,
                body,
            }),
            _ => Err(Error::new(ErrorKind::InvalidRequest(ValidationError::new(
                problems,
            )))),
        }
    }

    /// The first alternative of `op.security` whose schemes all have a suitable
    /// credential; none for an operation without security, or when only an anonymous
    /// (empty) alternative is satisfied: credentials the client has are always sent.
    fn select_credentials<'a>(
        &'a self,
        op: &Operation,
    ) -> Result<Vec<(&'static SecurityScheme, &'a Credential)>, Error> {
        if op.security.is_empty() {
            return Ok(Vec::new());
        }
        for alternative in op.security.iter().filter(|alt| !alt.is_empty()) {
            let chosen: Option<Vec<_>> = alternative
                .iter()
                .map(|scheme| {
                    let credential = self.credentials.get(scheme.name)?;
                    suits(scheme.kind, credential).then_some((*scheme, credential))
                })
                .collect();
            if let Some(chosen) = chosen {
                return Ok(chosen);
            }
        }
        if op.security.iter().any(|alternative| alternative.is_empty()) {
            return Ok(Vec::new());
        }
        let schemes = op
            .security
            .iter()
            .map(|alternative| {
                let names: Vec<_> = alternative.iter().map(|scheme| scheme.name).collect();
                if names.len() > 1 && op.security.len() > 1 {
                    format!("({})", names.join(" and "))
                } else {
                    names.join(" and ")
                }
            })
            .collect::<Vec<_>>()
            .join(" or ");
        Err(Error::new(ErrorKind::MissingCredentials { schemes }))
    }

    /// Sends with retries; see [`RetryPolicy`].
    async fn send(
        &self,
        op: &Operation,
        prepared: &Prepared,
        settings: &Settings<'_>,
        mode: Mode,
    ) -> Result<Attempted, Error> {
        let policy = settings.retry;
        // A stream upload is read once: such a call is never retried.
        let max_attempts = if prepared.body.is_replayable() {
            policy.max_attempts.max(1)
        } else {
            1
        };
        let idempotent = settings.idempotent || is_idempotent(&op.method);
        let may_replay = idempotent || policy.retry_non_idempotent;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let attempt_started = Instant::now();
            let info = AttemptInfo {
                operation: op.name,
                method: &op.method,
                path_template: if op.path_template.is_empty() {
                    prepared.url.path()
                } else {
                    op.path_template
                },
                attempt,
            };
            let outcome = self.attempt(prepared, settings.timeout, &info, mode).await;
            let latency_ms = millis(attempt_started.elapsed());
            let last = attempt >= max_attempts;
            let delay = match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry = !last
                        && match status {
                            429 => true,
                            500 | 502 | 503 | 504 => may_replay,
                            _ => false,
                        };
                    let delay = retry.then(|| {
                        let asked = matches!(status, 429 | 503)
                            .then(|| retry_after(response.headers(), now()))
                            .flatten();
                        asked.unwrap_or_else(|| backoff(policy, attempt))
                    });
                    ::tracing::debug!(
                        attempt,
                        status,
                        latency_ms,
                        retry_in_ms = delay.map(millis),
                        "http attempt finished"
                    );
                    match delay {
                        Some(delay) => delay,
                        None => return Ok(response),
                    }
                }
                Err(Failure::Timeout { before_sending }) => {
                    let retry = !last && (before_sending || may_replay);
                    let delay = retry.then(|| backoff(policy, attempt));
                    ::tracing::debug!(
                        attempt,
                        latency_ms,
                        error = "timed out",
                        retry_in_ms = delay.map(millis),
                        "http attempt failed"
                    );
                    match delay {
                        Some(delay) => delay,
                        None => {
                            return Err(Error::new(ErrorKind::Timeout {
                                elapsed: started.elapsed(),
                                attempts: attempt,
                            }))
                        }
                    }
                }
                Err(Failure::Transport(source)) => {
                    let retry =
                        !last && !source.is_builder() && (is_connect_error(&source) || may_replay);
                    let delay = retry.then(|| backoff(policy, attempt));
                    ::tracing::debug!(
                        attempt,
                        latency_ms,
                        error = %source,
                        retry_in_ms = delay.map(millis),
                        "http attempt failed"
                    );
                    match delay {
                        Some(delay) => delay,
                        None => {
                            return Err(Error::new(ErrorKind::Transport {
                                source,
                                attempts: attempt,
                            }))
                        }
                    }
                }
            };
            sleep(delay).await;
        }
    }

    /// One attempt: send, and read the whole response within the timeout (or, streamed,
    /// wait for a 2xx response's headers within it and leave the body to the caller).
    async fn attempt(
        &self,
        prepared: &Prepared,
        timeout: Duration,
        info: &AttemptInfo<'_>,
        mode: Mode,
    ) -> Result<Attempted, Failure> {
        let streamed = mode == Mode::Streamed;
        let outcome = async {
            let mut request = prepared.build(&self.http, (!streamed).then_some(timeout))?;
            for hook in self.hooks.iter() {
                hook.before_attempt(info, &mut request);
            }
            let mut response = self.http.execute(request).await?;
            let status = response.status();
            let headers = ::std::mem::take(response.headers_mut());
            for hook in self.hooks.iter() {
                hook.after_response(info, status, &headers);
            }
            if streamed && status.is_success() {
                return Ok(Attempted::Streamed(ByteStream {
                    status,
                    headers,
                    source: Source::Live(response),
                    idle: Some(timeout),
                }));
            }
            let body = response.bytes().await?;
            Ok(Attempted::Whole(RawResponse {
                status,
                headers,
                body,
            }))
        };
        #[cfg(not(target_arch = "wasm32"))]
        let outcome = if streamed {
            match ::tokio::time::timeout(timeout, outcome).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    return Err(Failure::Timeout {
                        before_sending: false,
                    })
                }
            }
        } else {
            outcome.await
        };
        #[cfg(target_arch = "wasm32")]
        let outcome = outcome.await;
        outcome.map_err(|error: ::reqwest::Error| {
            // The URL may hold an API key in its query: it never leaves this function.
            let error = error.without_url();
            if error.is_timeout() {
                Failure::Timeout {
                    before_sending: is_connect_error(&error),
                }
            } else {
                Failure::Transport(error)
            }
        })
    }
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field(
                "credential_providers",
                &self.providers.keys().collect::<Vec<_>>(),
            )
            .field("hooks", &self.hooks.len())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("custom_client", &self.custom_client)
            .finish_non_exhaustive()
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn build_http_client(connect_timeout: Duration) -> ::reqwest::Client {
    ::reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(connect_timeout)
        .build()
        .expect("the HTTP client (TLS backend) could not be initialised")
}

/// In the browser, `fetch` does TLS and connecting: no connect timeout of our own.
#[cfg(target_arch = "wasm32")]
fn build_http_client(_connect_timeout: Duration) -> ::reqwest::Client {
    ::reqwest::Client::new()
}

#[cfg(not(target_arch = "wasm32"))]
async fn sleep(delay: Duration) {
    ::tokio::time::sleep(delay).await;
}

/// The browser's timer (no tokio runtime there).
#[cfg(target_arch = "wasm32")]
async fn sleep(delay: Duration) {
    ::gloo_timers::future::sleep(delay).await;
}

/// The wall clock (in the browser through `web-time`: `SystemTime::now` panics there).
fn now() -> SystemTime {
    #[cfg(not(target_arch = "wasm32"))]
    return SystemTime::now();
    #[cfg(target_arch = "wasm32")]
    {
        let since_epoch = ::web_time::SystemTime::now()
            .duration_since(::web_time::UNIX_EPOCH)
            .unwrap_or_default();
        SystemTime::UNIX_EPOCH + since_epoch
    }
}

/// Whether a transport error happened while connecting (reqwest cannot tell in the
/// browser: there, never).
pub(crate) fn is_connect_error(error: &::reqwest::Error) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    return error.is_connect();
    #[cfg(target_arch = "wasm32")]
    {
        let _ = error;
        false
    }
}

/// The timeout and retry settings of one call (the client's, or the call's own).
struct Settings<'a> {
    timeout: Duration,
    retry: &'a RetryPolicy,
    /// The call carries an idempotency key: safe to replay whatever its method.
    idempotent: bool,
}

/// Why an attempt got no response.
enum Failure {
    /// The attempt took longer than its timeout (`before_sending`: while connecting).
    Timeout { before_sending: bool },
    /// Anything else, stored without its URL.
    Transport(::reqwest::Error),
}

/// Everything about a request that is the same for every attempt. (No `Debug`: the URL
/// may hold an API key.)
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) url: ::reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: PreparedBody,
}

/// A body ready to send again and again (but for a stream upload, sent once).
pub(crate) enum PreparedBody {
    Empty,
    Bytes(Bytes),
    /// Parts, with the length of each file part when it is known.
    Multipart(Vec<MultipartPart>, Vec<Option<u64>>),
    Upload(Upload),
}

impl PreparedBody {
    /// Whether the body can be sent more than once (a stream upload cannot).
    pub(crate) fn is_replayable(&self) -> bool {
        match self {
            PreparedBody::Empty | PreparedBody::Bytes(_) => true,
            PreparedBody::Upload(upload) => upload.is_replayable(),
            PreparedBody::Multipart(parts, _) => parts.iter().all(|part| match &part.value {
                PartValue::File(upload) => upload.is_replayable(),
                PartValue::Text(_) => true,
            }),
        }
    }
}

impl Prepared {
    /// The request for one attempt.
    pub(crate) fn build(
        &self,
        http: &::reqwest::Client,
        timeout: Option<Duration>,
    ) -> Result<::reqwest::Request, ::reqwest::Error> {
        let body = match &self.body {
            PreparedBody::Multipart(parts, lengths) => {
                let mut request = http
                    .request(self.method.clone(), self.url.clone())
                    .headers(self.headers.clone())
                    .multipart(multipart_form(parts, lengths)?)
                    .build()?;
                *request.timeout_mut() = timeout;
                return Ok(request);
            }
            PreparedBody::Empty => None,
            PreparedBody::Bytes(data) => Some(::reqwest::Body::from(data.clone())),
            PreparedBody::Upload(upload) => Some(upload_body(upload)),
        };
        // Assembled directly rather than through `RequestBuilder`, whose header merge is
        // the larger part of the client's own cost per call.
        let mut request = ::reqwest::Request::new(self.method.clone(), self.url.clone());
        *request.headers_mut() = self.headers.clone();
        *request.timeout_mut() = timeout;
        *request.body_mut() = body;
        Ok(request)
    }
}

/// The content type of an upload sent where the spec allows a range of them: its own,
/// else the one its file name's extension implies, else `application/octet-stream`.
fn upload_content_type(upload: &Upload) -> String {
    match upload.content_type() {
        Some(content_type) => content_type.to_owned(),
        None => upload
            .file_name()
            .and_then(|name| ::mime_guess::from_path(name).first_raw())
            .unwrap_or("application/octet-stream")
            .to_owned(),
    }
}

/// The length of an upload when it is known (bytes, a file), checking that a file can
/// be read (a problem at `at` when it cannot) and, in the browser, that it is bytes.
fn upload_length(upload: &Upload, at: &str, problems: &mut Vec<Violation>) -> Option<u64> {
    match upload.source() {
        UploadSource::Bytes(data) => Some(data.len() as u64),
        #[cfg(not(target_arch = "wasm32"))]
        UploadSource::Path(path) => match ::std::fs::metadata(path) {
            Ok(metadata) if metadata.is_file() => Some(metadata.len()),
            Ok(_) => {
                problems.push(violation(
                    at,
                    &format!("`{}` is not a file", path.display()),
                ));
                None
            }
            Err(error) => {
                problems.push(violation(
                    at,
                    &format!("cannot read `{}`: {error}", path.display()),
                ));
                None
            }
        },
        #[cfg(not(target_arch = "wasm32"))]
        UploadSource::Stream(_) => None,
        #[cfg(target_arch = "wasm32")]
        UploadSource::Path(_) | UploadSource::Stream(_) => {
            problems.push(violation(
                at,
                "in the browser an upload must be bytes (files and streams are not read there)",
            ));
            None
        }
    }
}

/// The body of one attempt for `upload`: its bytes, the file opened anew, or the
/// stream (taken: a second send fails with an error in the body).
#[cfg(not(target_arch = "wasm32"))]
fn upload_body(upload: &Upload) -> ::reqwest::Body {
    use ::futures_util::TryStreamExt as _;
    type BoxError = Box<dyn ::std::error::Error + Send + Sync>;
    match upload.source() {
        UploadSource::Bytes(data) => ::reqwest::Body::from(data.clone()),
        UploadSource::Path(path) => {
            let opened = ::tokio::fs::File::open(path.clone());
            let stream = ::futures_util::stream::once(opened)
                .map_ok(::tokio_util::io::ReaderStream::new)
                .try_flatten();
            ::reqwest::Body::wrap_stream(stream)
        }
        UploadSource::Stream(slot) => {
            let taken = slot.lock().ok().and_then(|mut slot| slot.take());
            match taken {
                Some(stream) => ::reqwest::Body::wrap_stream(stream),
                None => ::reqwest::Body::wrap_stream(::futures_util::stream::once(async {
                    Err::<Bytes, BoxError>("this upload's stream was already sent".into())
                })),
            }
        }
    }
}

/// In the browser only bytes are uploaded (`upload_length` refuses the rest).
#[cfg(target_arch = "wasm32")]
fn upload_body(upload: &Upload) -> ::reqwest::Body {
    match upload.source() {
        UploadSource::Bytes(data) => ::reqwest::Body::from(data.clone()),
        UploadSource::Path(_) | UploadSource::Stream(_) => ::reqwest::Body::from(Bytes::new()),
    }
}

fn multipart_form(
    parts: &[MultipartPart],
    lengths: &[Option<u64>],
) -> Result<::reqwest::multipart::Form, ::reqwest::Error> {
    use ::reqwest::multipart::{Form, Part};
    let mut form = Form::new();
    for (index, part) in parts.iter().enumerate() {
        let built = match &part.value {
            PartValue::Text(text) => Part::text(text.clone()),
            PartValue::File(upload) => {
                #[cfg(not(target_arch = "wasm32"))]
                let built = match lengths.get(index).copied().flatten() {
                    Some(length) => Part::stream_with_length(upload_body(upload), length),
                    None => Part::stream(upload_body(upload)),
                };
                #[cfg(target_arch = "wasm32")]
                let built = {
                    let _ = (index, lengths);
                    match upload.source() {
                        UploadSource::Bytes(data) => Part::bytes(data.to_vec()),
                        UploadSource::Path(_) | UploadSource::Stream(_) => Part::bytes(Vec::new()),
                    }
                };
                let mut built = built.mime_str(&upload_content_type(upload))?;
                if let Some(filename) = upload.file_name() {
                    built = built.file_name(filename.to_owned());
                }
                built
            }
        };
        form = form.part(part.name.clone(), built);
    }
    Ok(form)
}

/// Whether `credential` can serve a scheme of kind `kind`.
fn suits(kind: SchemeKind, credential: &Credential) -> bool {
    match credential {
        Credential::Basic { .. } => kind == SchemeKind::Basic,
        Credential::Bearer(_) | Credential::ApiKey(_) => kind != SchemeKind::Basic,
    }
}

fn insert_secret_header(
    headers: &mut HeaderMap,
    name: HeaderName,
    value: &str,
    scheme: &SecurityScheme,
    problems: &mut Vec<Violation>,
) {
    match HeaderValue::from_str(value) {
        Ok(mut value) => {
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        // Never quote the value: it holds the secret.
        Err(_) => problems.push(violation(
            scheme.name,
            "the credential holds characters a header cannot carry",
        )),
    }
}

fn default_content_type(
    headers: &mut HeaderMap,
    content_type: &str,
    problems: &mut Vec<Violation>,
) {
    if headers.contains_key(CONTENT_TYPE) {
        return;
    }
    match HeaderValue::from_str(content_type) {
        Ok(value) => {
            headers.insert(CONTENT_TYPE, value);
        }
        Err(_) => problems.push(violation("Content-Type", "not a valid header value")),
    }
}

fn violation(path: &str, message: &str) -> Violation {
    Violation {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The random wait before retry number `attempt` (the attempt that just failed).
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let factor = 2_u32.saturating_pow(attempt.saturating_sub(1));
    let cap = policy
        .initial_backoff
        .saturating_mul(factor)
        .min(policy.max_backoff);
    cap.mul_f64(::fastrand::f64())
}

/// The wait a `Retry-After` header asks for (delta-seconds or HTTP-date, relative to
/// `now`), at most [`MAX_RETRY_AFTER`]; `None` when absent or unreadable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = if let Ok(seconds) = text.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let date = ::httpdate::parse_http_date(text).ok()?;
        date.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// Characters a cookie value cannot carry bare (RFC 6265 `cookie-octet`), and `%`.
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Characters a cookie name cannot carry bare, and `%`.
const COOKIE_NAME: &AsciiSet = &COOKIE_VALUE.add(b'=');

/// `application/x-www-form-urlencoded` serialization (as the URL Standard defines it).
pub(crate) fn form_urlencode(pairs: &[(String, String)]) -> String {
    fn push(out: &mut String, text: &str) {
        for byte in text.bytes() {
            match byte {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                    out.push(char::from(byte));
                }
                b' ' => out.push('+'),
                _ => {
                    out.push('%');
                    out.push(char::from(HEX[usize::from(byte >> 4)]));
                    out.push(char::from(HEX[usize::from(byte & 0xF)]));
                }
            }
        }
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::new();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        push(&mut out, name);
        out.push('=');
        push(&mut out, value);
    }
    out
}

/// The response of the last attempt, body read in full.
#[derive(Clone)]
pub struct RawResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("\"{}\"", Snippet(&self.body)))
            .finish()
    }
}

impl RawResponse {
    /// The body parsed as JSON into `T`. An empty body, malformed JSON, or a value that
    /// breaks the spec's constraints gives [`ErrorKind::InvalidResponse`], whose message
    /// starts with the JSON path of the problem.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.invalid("expected a JSON body, got an empty body".to_owned()));
        }
        match decode_json(&self.body) {
            Ok(value) => Ok(ResponseValue::new(value, self.status, self.headers)),
            Err(message) => Err(self.invalid(message)),
        }
    }

    /// The body as text; invalid UTF-8 gives [`ErrorKind::InvalidResponse`].
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(ResponseValue::new(text, self.status, self.headers)),
            Err(error) => Err(self.invalid(format!("body is not valid UTF-8: {error}"))),
        }
    }

    /// The body as it is.
    pub fn bytes<E>(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        Ok(ResponseValue::new(self.body, self.status, self.headers))
    }

    /// A response documented without content (any body is ignored).
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(ResponseValue::new((), self.status, self.headers))
    }

    /// A documented error status: the body parsed as JSON into `T`, wrapped into the
    /// operation's error type. A body that does not parse gives
    /// [`ErrorKind::InvalidResponse`].
    pub fn error_json<T: DeserializeOwned, E>(self, wrap: impl FnOnce(T) -> E) -> Error<E> {
        let raw = self.body.clone();
        match self.json::<T, E>() {
            Ok(value) => Error::new(ErrorKind::ErrorResponse(Box::new(value.map(wrap)), raw)),
            Err(error) => error,
        }
    }

    /// A documented error status with a text body.
    pub fn error_text<E>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        let raw = self.body.clone();
        match self.text::<E>() {
            Ok(value) => Error::new(ErrorKind::ErrorResponse(Box::new(value.map(wrap)), raw)),
            Err(error) => error,
        }
    }

    /// A documented error status with a binary body.
    pub fn error_bytes<E>(self, wrap: impl FnOnce(Bytes) -> E) -> Error<E> {
        let raw = self.body.clone();
        let value = ResponseValue::new(wrap(self.body), self.status, self.headers);
        Error::new(ErrorKind::ErrorResponse(Box::new(value), raw))
    }

    /// A documented error status without content.
    pub fn error_empty<E>(self, wrap: impl FnOnce() -> E) -> Error<E> {
        let raw = self.body.clone();
        let value = ResponseValue::new(wrap(), self.status, self.headers);
        Error::new(ErrorKind::ErrorResponse(Box::new(value), raw))
    }

    /// A status the spec does not document for the operation.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::new(ErrorKind::UnexpectedStatus {
            status: self.status,
            headers: Box::new(self.headers),
            body: self.body,
        })
    }

    fn invalid<E>(self, message: String) -> Error<E> {
        Error::new(ErrorKind::InvalidResponse {
            status: self.status,
            headers: Box::new(self.headers),
            body: self.body,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static BEARER: SecurityScheme = SecurityScheme {
        name: "bearerAuth",
        kind: SchemeKind::Bearer,
    };
    static KEY_HEADER: SecurityScheme = SecurityScheme {
        name: "keyHeader",
        kind: SchemeKind::ApiKey {
            location: ApiKeyLocation::Header,
            name: "X-Api-Key",
        },
    };
    static KEY_COOKIE: SecurityScheme = SecurityScheme {
        name: "keyCookie",
        kind: SchemeKind::ApiKey {
            location: ApiKeyLocation::Cookie,
            name: "session",
        },
    };
    static GET_PET: Operation = Operation {
        name: "get_pet",
        method: Method::GET,
        path_template: "/pets/{petId}",
        security: &[&[&BEARER]],
        headers: &[],
    };
    static KEYED: Operation = Operation {
        name: "keyed",
        method: Method::GET,
        path_template: "/keyed",
        security: &[&[&KEY_HEADER, &KEY_COOKIE]],
        headers: &[],
    };

    #[test]
    fn a_bearer_token_is_a_sensitive_header_in_every_attempt() {
        let core = ClientCore::new("http://127.0.0.1:9/api/")
            .with_credential("bearerAuth", Credential::bearer("s3cret"));
        let prepared = core
            .prepare(&GET_PET, Request::new("/pets/1".to_owned()))
            .expect("prepared");
        assert!(prepared.headers[AUTHORIZATION].is_sensitive());
        let built = prepared
            .build(&::reqwest::Client::new(), Some(Duration::from_secs(1)))
            .expect("built");
        assert!(built.headers()[AUTHORIZATION].is_sensitive());
        assert_eq!(built.headers()[AUTHORIZATION], "Bearer s3cret");
        assert_eq!(built.url().as_str(), "http://127.0.0.1:9/api/pets/1");
    }

    #[test]
    fn api_keys_in_headers_and_cookies_are_sensitive() {
        let core = ClientCore::new("http://127.0.0.1:9")
            .with_credential("keyHeader", Credential::api_key("k1"))
            .with_credential("keyCookie", Credential::api_key("k2"));
        let prepared = core
            .prepare(&KEYED, Request::new("/keyed".to_owned()))
            .expect("prepared");
        assert!(prepared.headers["x-api-key"].is_sensitive());
        assert!(prepared.headers[::reqwest::header::COOKIE].is_sensitive());
    }
}
