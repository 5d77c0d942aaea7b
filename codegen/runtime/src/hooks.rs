//! What callers plug into every call: hooks around each attempt (signing, metrics,
//! logging) and credential providers for tokens that expire.

use ::std::future::Future;
use ::std::pin::Pin;

use ::reqwest::header::HeaderMap;
use ::reqwest::{Method, StatusCode};

use super::http::Credential;

/// What a hook learns about one attempt of a call.
#[derive(Debug, Clone, Copy)]
pub struct AttemptInfo<'a> {
    /// The operation's Rust method name (`custom_model_create`; `raw` for
    /// [`raw`](crate::http::ClientCore::raw) requests).
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a Method,
    /// The path as the spec writes it (`/pets/{petId}`; the path itself for raw ones).
    pub path_template: &'a str,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
}

/// Called around every attempt of every call, in the order the hooks were added.
///
/// `before_attempt` sees the request as it is about to be sent (URL, headers, body) and
/// may change it: add a signature header, say. `after_response` sees each response's
/// status and headers before it is retried or decoded. Both are synchronous and should
/// be quick: they run on the caller's task.
pub trait Hook: Send + Sync + 'static {
    /// Before attempt `info.attempt` is sent.
    fn before_attempt(&self, info: &AttemptInfo<'_>, request: &mut ::reqwest::Request) {
        let _ = (info, request);
    }

    /// After a response arrived (any status).
    fn after_response(&self, info: &AttemptInfo<'_>, status: StatusCode, headers: &HeaderMap) {
        let _ = (info, status, headers);
    }
}

/// A shared hook (kept by the caller too, to read what it recorded).
impl<H: Hook> Hook for ::std::sync::Arc<H> {
    fn before_attempt(&self, info: &AttemptInfo<'_>, request: &mut ::reqwest::Request) {
        (**self).before_attempt(info, request);
    }

    fn after_response(&self, info: &AttemptInfo<'_>, status: StatusCode, headers: &HeaderMap) {
        (**self).after_response(info, status, headers);
    }
}

/// The future a [`CredentialProvider`] returns.
#[cfg(not(target_arch = "wasm32"))]
pub type CredentialFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credential, String>> + Send + 'a>>;
/// The future a [`CredentialProvider`] returns.
#[cfg(target_arch = "wasm32")]
pub type CredentialFuture<'a> = Pin<Box<dyn Future<Output = Result<Credential, String>> + 'a>>;

/// Supplies the credential of a security scheme when a call needs it (once per call,
/// before its first attempt), for tokens that expire: fetch, refresh, cache as the
/// provider sees fit. An error fails the call, unsent, with
/// [`ErrorKind::CredentialProvider`](crate::ErrorKind::CredentialProvider).
pub trait CredentialProvider: Send + Sync + 'static {
    /// The credential for the scheme named `scheme` in the spec.
    fn credential<'a>(&'a self, scheme: &'a str) -> CredentialFuture<'a>;
}
