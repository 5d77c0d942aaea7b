//! What an operation returns: [`ResponseValue`] on success and [`Error`] otherwise.
//!
//! No secret ever enters an error: credentials are applied to the outgoing request
//! only, and transport errors are stored without their URL (whose query may hold an
//! API key). Bodies are shown as short snippets, and the values of the response
//! headers that can carry session secrets (`set-cookie` and the like) are redacted in
//! `Debug`.

use ::std::convert::Infallible;
use ::std::fmt;
use ::std::time::Duration;

use ::bytes::Bytes;
use ::reqwest::header::HeaderMap;
use ::reqwest::StatusCode;

/// Longest body prefix, in bytes, that messages quote.
const SNIPPET_LIMIT: usize = 512;

/// Where an error happened: the operation's Rust name, HTTP method and path template
/// (never the expanded path or its query, which may hold secrets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The Rust method name, e.g. `custom_model_create`.
    pub name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path as the spec writes it, e.g. `/pets/{petId}`.
    pub path_template: &'static str,
}

impl fmt::Display for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.name, self.method, self.path_template)
    }
}

/// What an operation call failed with: the operation it happened in and what happened
/// ([`ErrorKind`]).
///
/// `Display` prints one line for this level (`get_pet (GET /pets/{petId}): unexpected
/// status 404 Not Found: ...`); the cause, when there is one (a transport failure, the
/// violations of a refused request), is [`source`](::std::error::Error::source), so
/// `anyhow`'s `{:?}` and similar reporters print each level once.
///
/// `E` is the operation's typed error body: the schema(s) of its documented non-2xx
/// responses, or [`Infallible`] when it documents none.
pub struct Error<E = Infallible> {
    operation: Option<OperationInfo>,
    kind: ErrorKind<E>,
}

/// What went wrong in a call.
///
/// The parts of a response are boxed so the error stays small (a `Result` carrying it
/// stays cheap to move, whatever `E` is).
#[non_exhaustive]
#[allow(
    clippy::enum_variant_names,
    reason = "`ErrorResponse` is the established name of this variant in generated clients"
)]
pub enum ErrorKind<E = Infallible> {
    /// Refused before sending: the request breaks the spec (holds every violation).
    InvalidRequest(super::validate::ValidationError),
    /// The operation requires credentials (the security schemes named) that the client
    /// was not given. Nothing was sent.
    MissingCredentials {
        /// The alternatives the spec allows, e.g. `bearerAuth or (apiKey and appId)`.
        schemes: String,
    },
    /// The credential provider of a security scheme the operation needs failed
    /// (see [`ClientCore::with_credential_provider`](crate::ClientCore::with_credential_provider)).
    /// Nothing was sent.
    CredentialProvider {
        /// The scheme's name in the spec.
        scheme: String,
        /// What the provider said.
        message: String,
    },
    /// Walking the pages of a list operation stopped: the server sent back a next page
    /// already fetched (it would loop forever), or a next-page link to another server.
    Pagination {
        /// What happened.
        message: String,
    },
    /// Connecting, sending or receiving failed. The error is stored without its URL, so
    /// no secret in the query can leak through it.
    Transport {
        /// What went wrong, as reported by the HTTP client.
        source: ::reqwest::Error,
        /// How many attempts were made (the first try included).
        attempts: u32,
    },
    /// The request (or connect) took longer than its timeout.
    Timeout {
        /// Time from the start of the call until it gave up, over every attempt.
        elapsed: Duration,
        /// How many attempts were made (the first try included).
        attempts: u32,
    },
    /// A documented error status with its parsed typed body; the raw body is kept.
    ErrorResponse(Box<ResponseValue<E>>, Bytes),
    /// A status the spec does not document for this operation.
    UnexpectedStatus {
        /// The response's status.
        status: StatusCode,
        /// The response's headers.
        headers: Box<HeaderMap>,
        /// The response's raw body.
        body: Bytes,
    },
    /// The body of a documented response does not parse or breaks the spec's
    /// constraints. `message` includes the JSON path of the problem, e.g.
    /// `items[3].name: expected at most 5 characters, got 7`.
    InvalidResponse {
        /// The response's status.
        status: StatusCode,
        /// The response's headers.
        headers: Box<HeaderMap>,
        /// The response's raw body.
        body: Bytes,
        /// What is wrong, with the JSON path of the problem when there is one.
        message: String,
    },
}

/// Response headers that carry a request id, in the order they are looked up.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-github-request-id",
    "x-ms-request-id",
    "x-correlation-id",
    "x-trace-id",
    "cf-ray",
];

impl<E> Error<E> {
    /// An error of `kind` that no operation is attached to yet (the client attaches the
    /// operation before the caller sees it).
    pub fn new(kind: ErrorKind<E>) -> Self {
        Self {
            operation: None,
            kind,
        }
    }

    /// The same error, said to have happened in `operation`.
    pub fn in_operation(mut self, operation: OperationInfo) -> Self {
        self.operation = Some(operation);
        self
    }

    /// The operation the error happened in.
    pub fn operation(&self) -> Option<&OperationInfo> {
        self.operation.as_ref()
    }

    /// What happened.
    pub fn kind(&self) -> &ErrorKind<E> {
        &self.kind
    }

    /// What happened, by value (to take a typed error body out, say).
    pub fn into_kind(self) -> ErrorKind<E> {
        self.kind
    }

    /// The HTTP status of the response this error is about, if a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            ErrorKind::ErrorResponse(value, _) => Some(value.status()),
            ErrorKind::UnexpectedStatus { status, .. }
            | ErrorKind::InvalidResponse { status, .. } => Some(*status),
            ErrorKind::InvalidRequest(_)
            | ErrorKind::MissingCredentials { .. }
            | ErrorKind::CredentialProvider { .. }
            | ErrorKind::Pagination { .. }
            | ErrorKind::Transport { .. }
            | ErrorKind::Timeout { .. } => None,
        }
    }

    /// The headers of the response this error is about, if a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match &self.kind {
            ErrorKind::ErrorResponse(value, _) => Some(value.headers()),
            ErrorKind::UnexpectedStatus { headers, .. }
            | ErrorKind::InvalidResponse { headers, .. } => Some(headers),
            ErrorKind::InvalidRequest(_)
            | ErrorKind::MissingCredentials { .. }
            | ErrorKind::CredentialProvider { .. }
            | ErrorKind::Pagination { .. }
            | ErrorKind::Transport { .. }
            | ErrorKind::Timeout { .. } => None,
        }
    }

    /// The raw body of the response this error is about, if a response was received.
    pub fn body(&self) -> Option<&Bytes> {
        match &self.kind {
            ErrorKind::ErrorResponse(_, body)
            | ErrorKind::UnexpectedStatus { body, .. }
            | ErrorKind::InvalidResponse { body, .. } => Some(body),
            ErrorKind::InvalidRequest(_)
            | ErrorKind::MissingCredentials { .. }
            | ErrorKind::CredentialProvider { .. }
            | ErrorKind::Pagination { .. }
            | ErrorKind::Transport { .. }
            | ErrorKind::Timeout { .. } => None,
        }
    }

    /// The response body as text (invalid UTF-8 replaced), if a response was received.
    pub fn body_text(&self) -> Option<String> {
        self.body()
            .map(|body| String::from_utf8_lossy(body).into_owned())
    }

    /// The response body parsed as JSON into `T`, if a response was received (for
    /// error bodies the spec does not describe).
    pub fn body_json<T: ::serde::de::DeserializeOwned>(
        &self,
    ) -> Option<Result<T, ::serde_json::Error>> {
        self.body().map(|body| ::serde_json::from_slice(body))
    }

    /// The id the server gave the request (`x-request-id`, `x-amzn-requestid`,
    /// `x-github-request-id` and the like), for support tickets and logs.
    pub fn request_id(&self) -> Option<&str> {
        let headers = self.headers()?;
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name)?.to_str().ok())
    }

    /// How many attempts were made, for the errors that happen while sending.
    pub fn attempts(&self) -> Option<u32> {
        match &self.kind {
            ErrorKind::Transport { attempts, .. } | ErrorKind::Timeout { attempts, .. } => {
                Some(*attempts)
            }
            _ => None,
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, ErrorKind::Timeout { .. })
    }

    /// Whether the call failed to connect to the server.
    pub fn is_connect(&self) -> bool {
        matches!(&self.kind, ErrorKind::Transport { source, .. } if crate::http::is_connect_error(source))
    }

    /// Whether trying the same call again later may succeed: a timeout, a failed
    /// connection, or status 408, 429, 500, 502, 503 or 504. (The client already
    /// retried as its [`RetryPolicy`](super::RetryPolicy) allows.)
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Timeout { .. } => true,
            ErrorKind::Transport { source, .. } => {
                crate::http::is_connect_error(source) || source.is_timeout()
            }
            _ => self
                .status()
                .is_some_and(|status| matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)),
        }
    }

    /// The typed error body of a documented error response.
    pub fn error_body(&self) -> Option<&E> {
        match &self.kind {
            ErrorKind::ErrorResponse(value, _) => Some(value),
            _ => None,
        }
    }

    /// The violations of a request refused before sending.
    pub fn validation(&self) -> Option<&super::validate::ValidationError> {
        match &self.kind {
            ErrorKind::InvalidRequest(error) => Some(error),
            _ => None,
        }
    }
}

impl Error<Infallible> {
    /// The same error as the error type of an operation with typed error bodies.
    /// (An `Error<Infallible>` can never hold an `ErrorResponse`.)
    pub fn widen<E>(self) -> Error<E> {
        let kind = match self.kind {
            ErrorKind::InvalidRequest(error) => ErrorKind::InvalidRequest(error),
            ErrorKind::MissingCredentials { schemes } => ErrorKind::MissingCredentials { schemes },
            ErrorKind::CredentialProvider { scheme, message } => {
                ErrorKind::CredentialProvider { scheme, message }
            }
            ErrorKind::Pagination { message } => ErrorKind::Pagination { message },
            ErrorKind::Transport { source, attempts } => ErrorKind::Transport { source, attempts },
            ErrorKind::Timeout { elapsed, attempts } => ErrorKind::Timeout { elapsed, attempts },
            ErrorKind::ErrorResponse(value, _) => match value.body {},
            ErrorKind::UnexpectedStatus {
                status,
                headers,
                body,
            } => ErrorKind::UnexpectedStatus {
                status,
                headers,
                body,
            },
            ErrorKind::InvalidResponse {
                status,
                headers,
                body,
                message,
            } => ErrorKind::InvalidResponse {
                status,
                headers,
                body,
                message,
            },
        };
        Error {
            operation: self.operation,
            kind,
        }
    }
}

impl<E> From<super::validate::ValidationError> for Error<E> {
    fn from(error: super::validate::ValidationError) -> Self {
        Self::new(ErrorKind::InvalidRequest(error))
    }
}

impl<E> From<ErrorKind<E>> for Error<E> {
    fn from(kind: ErrorKind<E>) -> Self {
        Self::new(kind)
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = &self.operation {
            write!(f, "{operation}: ")?;
        }
        fmt::Display::fmt(&self.kind, f)
    }
}

impl<E> fmt::Display for ErrorKind<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The violations are the source: this level says what happened.
            Self::InvalidRequest(error) => write!(f, "invalid request, nothing was sent: {error}"),
            Self::MissingCredentials { schemes } => write!(
                f,
                "requires credentials for {schemes}, which the client was not given; \
                 nothing was sent"
            ),
            Self::CredentialProvider { scheme, message } => write!(
                f,
                "the credential provider for `{scheme}` failed: {message}; nothing was sent"
            ),
            Self::Pagination { message } => write!(f, "pagination stopped: {message}"),
            Self::Transport { attempts, .. } => {
                write!(f, "transport error ({})", Attempts(*attempts))
            }
            Self::Timeout { elapsed, attempts } => write!(
                f,
                "request timed out after {:.3} s ({})",
                elapsed.as_secs_f64(),
                Attempts(*attempts)
            ),
            Self::ErrorResponse(value, body) => {
                write!(f, "error response {}: {}", value.status(), Snippet(body))
            }
            Self::UnexpectedStatus { status, body, .. } => {
                write!(f, "unexpected status {status}: {}", Snippet(body))
            }
            Self::InvalidResponse {
                status,
                body,
                message,
                ..
            } => write!(
                f,
                "invalid response body (status {status}): {message}; body: {}",
                Snippet(body)
            ),
        }
    }
}

struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 attempt"),
            n => write!(f, "{n} attempts"),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .finish()
    }
}

impl<E: fmt::Debug> fmt::Debug for ErrorKind<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(error) => f.debug_tuple("InvalidRequest").field(error).finish(),
            Self::MissingCredentials { schemes } => f
                .debug_struct("MissingCredentials")
                .field("schemes", schemes)
                .finish(),
            Self::CredentialProvider { scheme, message } => f
                .debug_struct("CredentialProvider")
                .field("scheme", scheme)
                .field("message", message)
                .finish(),
            Self::Pagination { message } => f
                .debug_struct("Pagination")
                .field("message", message)
                .finish(),
            Self::Transport { source, attempts } => f
                .debug_struct("Transport")
                .field("source", source)
                .field("attempts", attempts)
                .finish(),
            Self::Timeout { elapsed, attempts } => f
                .debug_struct("Timeout")
                .field("elapsed", elapsed)
                .field("attempts", attempts)
                .finish(),
            Self::ErrorResponse(value, body) => f
                .debug_tuple("ErrorResponse")
                .field(value)
                .field(&DebugSnippet(body))
                .finish(),
            Self::UnexpectedStatus {
                status,
                headers,
                body,
            } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("body", &DebugSnippet(body))
                .finish(),
            Self::InvalidResponse {
                status,
                headers,
                body,
                message,
            } => f
                .debug_struct("InvalidResponse")
                .field("status", status)
                .field("headers", &RedactedHeaders(headers))
                .field("body", &DebugSnippet(body))
                .field("message", message)
                .finish(),
        }
    }
}

impl<E: fmt::Debug> ::std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A response's status, headers and typed body: what a successful call returns, and
/// what a documented error response holds.
#[derive(Clone)]
pub struct ResponseValue<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> ResponseValue<T> {
    /// Wraps a body with the status and headers it came with.
    pub fn new(body: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The typed body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The typed body, status and headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.body, self.status, self.headers)
    }

    /// The same response with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

impl<T> ::std::ops::Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> ::std::ops::DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

/// A body as a UTF-8-safe, single-line snippet of at most [`SNIPPET_LIMIT`] bytes of
/// the body, followed by `… (N bytes)` when cut.
pub(crate) struct Snippet<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.0;
        if body.is_empty() {
            return f.write_str("(empty body)");
        }
        let cut = body.len() > SNIPPET_LIMIT;
        let mut end = body.len().min(SNIPPET_LIMIT);
        // Do not split a UTF-8 sequence: back up to a character boundary (at most 3
        // bytes), unless the body is not UTF-8 there anyway.
        if cut {
            let mut back = end;
            while back > end.saturating_sub(3) && back > 0 && (body[back] & 0xC0) == 0x80 {
                back -= 1;
            }
            if (body[back] & 0xC0) != 0x80 {
                end = back;
            }
        }
        for chunk in body[..end].utf8_chunks() {
            for c in chunk.valid().chars() {
                if c.is_control() {
                    write!(f, "{}", c.escape_default())?;
                } else {
                    fmt::Write::write_char(f, c)?;
                }
            }
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        if cut {
            write!(f, "… ({} bytes)", body.len())?;
        }
        Ok(())
    }
}

/// [`Snippet`] in quotes, for `Debug`.
struct DebugSnippet<'a>(&'a Bytes);

impl fmt::Debug for DebugSnippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", Snippet(self.0))
    }
}

/// Headers for `Debug`: the values of those that can carry secrets are redacted.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || is_secret_header(name.as_str()) {
                map.entry(&name.as_str(), &format_args!("***"));
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

fn is_secret_header(name: &str) -> bool {
    matches!(
        name,
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || name.contains("token")
        || name.contains("api-key")
        || name.contains("apikey")
        || name.contains("secret")
}
