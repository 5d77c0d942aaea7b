//! Support code shared by every generated type and operation: constraint checking,
//! HTTP execution (auth, timeouts, retries, tracing), parameter encoding and errors.
//!
//! A generated client crate carries a copy of this crate (its `runtime/` folder, the
//! sources copied verbatim from the generator's `codegen/runtime/src/`), so it depends on
//! nothing of the generator's. It is a crate of its own, not a module of the client, so
//! that a build of the client, re-checked after every regeneration, does not re-check it.
//!
//! Two halves: the models' (`decode`, `model`, `pattern`, `upload`, `validate`, `values`), which
//! needs only serde and builds for any target, and the HTTP client's (`encoding`, `error`,
//! `hooks`, `http`, `pages`, `sse`: reqwest, tokio), behind the `client` feature.

pub mod decode;
#[cfg(feature = "client")]
pub mod encoding;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod hooks;
#[cfg(feature = "client")]
pub mod http;
#[cfg(feature = "mock")]
pub mod mock;
pub mod model;
#[cfg(feature = "client")]
pub mod pages;
pub mod pattern;
#[cfg(feature = "client")]
pub mod sse;
pub mod upload;
pub mod validate;
pub mod values;

/// The `Stream` trait (of `futures`), which streamed results implement.
pub use ::futures_core::Stream;
pub use decode::decode_json;
#[cfg(feature = "client")]
pub use error::{Error, ErrorKind, OperationInfo, ResponseValue};
#[cfg(feature = "client")]
pub use hooks::{AttemptInfo, CredentialFuture, CredentialProvider, Hook};
#[cfg(feature = "client")]
pub use http::{
    ByteStream, CallFuture, ClientCore, Credential, Endpoint, EventStream, RawRequest, RawResponse,
    RequestOptions, RetryPolicy, Secret, Streaming,
};
#[cfg(feature = "client")]
pub use pages::{NextPage, Pages, Paginated};
pub use upload::Upload;
pub use validate::{Checked, Checker, Rule, ValidationError, Violation};
