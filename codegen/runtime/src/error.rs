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

/// Everything an operation can fail with.
///
/// `E` is the operation's typed error body: the schema(s) of its documented non-2xx
/// responses, or [`Infallible`] when it documents none.
///
/// The parts of a response are boxed so the error stays small (a `Result` carrying it
/// stays cheap to move, whatever `E` is).
#[non_exhaustive]
#[allow(
    clippy::enum_variant_names,
    reason = "`ErrorResponse` is the established name of this variant in generated clients"
)]
pub enum Error<E = Infallible> {
    /// Refused before sending: the request breaks the spec (holds every violation).
    InvalidRequest(super::validate::ValidationError),
    /// The operation requires credentials (the security schemes named) that the client
    /// was not given. Nothing was sent.
    MissingCredentials {
        /// The operation's Rust method name.
        operation: &'static str,
        /// The alternatives the spec allows, e.g. `bearerAuth or (apiKey and appId)`.
        schemes: String,
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

impl<E> Error<E> {
    /// The HTTP status of the response this error is about, if a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::ErrorResponse(value, _) => Some(value.status()),
            Self::UnexpectedStatus { status, .. } | Self::InvalidResponse { status, .. } => {
                Some(*status)
            }
            Self::InvalidRequest(_)
            | Self::MissingCredentials { .. }
            | Self::Transport { .. }
            | Self::Timeout { .. } => None,
        }
    }

    /// The headers of the response this error is about, if a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Self::ErrorResponse(value, _) => Some(value.headers()),
            Self::UnexpectedStatus { headers, .. } | Self::InvalidResponse { headers, .. } => {
                Some(headers)
            }
            Self::InvalidRequest(_)
            | Self::MissingCredentials { .. }
            | Self::Transport { .. }
            | Self::Timeout { .. } => None,
        }
    }

    /// The raw body of the response this error is about, if a response was received.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::ErrorResponse(_, body)
            | Self::UnexpectedStatus { body, .. }
            | Self::InvalidResponse { body, .. } => Some(body),
            Self::InvalidRequest(_)
            | Self::MissingCredentials { .. }
            | Self::Transport { .. }
            | Self::Timeout { .. } => None,
        }
    }

    /// How many attempts were made, for the errors that happen while sending.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Self::Transport { attempts, .. } | Self::Timeout { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// The typed error body of a documented error response.
    pub fn error_body(&self) -> Option<&E> {
        match self {
            Self::ErrorResponse(value, _) => Some(value),
            _ => None,
        }
    }
}

impl Error<Infallible> {
    /// The same error as the error type of an operation with typed error bodies.
    /// (An `Error<Infallible>` can never hold an `ErrorResponse`.)
    pub fn widen<E>(self) -> Error<E> {
        match self {
            Self::InvalidRequest(error) => Error::InvalidRequest(error),
            Self::MissingCredentials { operation, schemes } => {
                Error::MissingCredentials { operation, schemes }
            }
            Self::Transport { source, attempts } => Error::Transport { source, attempts },
            Self::Timeout { elapsed, attempts } => Error::Timeout { elapsed, attempts },
            Self::ErrorResponse(value, _) => match value.body {},
            Self::UnexpectedStatus {
                status,
                headers,
                body,
            } => Error::UnexpectedStatus {
                status,
                headers,
                body,
            },
            Self::InvalidResponse {
                status,
                headers,
                body,
                message,
            } => Error::InvalidResponse {
                status,
                headers,
                body,
                message,
            },
        }
    }
}

impl<E> From<super::validate::ValidationError> for Error<E> {
    fn from(error: super::validate::ValidationError) -> Self {
        Self::InvalidRequest(error)
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(error) => write!(f, "invalid request, nothing was sent: {error}"),
            Self::MissingCredentials { operation, schemes } => write!(
                f,
                "operation `{operation}` requires credentials for {schemes}, \
                 which the client was not given; nothing was sent"
            ),
            Self::Transport { source, attempts } => {
                write!(f, "transport error ({}): ", Attempts(*attempts))?;
                write_chain(f, source)
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

/// The error's message followed by those of its causes, `: `-separated. The causes are
/// part of the message because the top-level reqwest messages alone ("error sending
/// request") do not say what went wrong.
fn write_chain(f: &mut fmt::Formatter<'_>, error: &::reqwest::Error) -> fmt::Result {
    write!(f, "{error}")?;
    let mut cause = ::std::error::Error::source(error);
    while let Some(error) = cause {
        write!(f, ": {error}")?;
        cause = error.source();
    }
    Ok(())
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
        match self {
            Self::InvalidRequest(error) => f.debug_tuple("InvalidRequest").field(error).finish(),
            Self::MissingCredentials { operation, schemes } => f
                .debug_struct("MissingCredentials")
                .field("operation", operation)
                .field("schemes", schemes)
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
        match self {
            Self::InvalidRequest(error) => Some(error),
            Self::Transport { source, .. } => Some(source),
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
