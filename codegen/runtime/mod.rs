//! Support code shared by every generated type and operation: constraint checking,
//! HTTP execution (auth, timeouts, retries, tracing), parameter encoding and errors.
//!
//! This module is copied verbatim from the generator's `codegen/runtime/` folder, so a
//! generated crate depends on nothing of the generator's.

pub mod encoding;
pub mod error;
pub mod http;
pub mod model;
pub mod validate;
pub mod values;

pub use error::{Error, ResponseValue};
pub use http::{ClientCore, Credential, RequestOptions, RetryPolicy, Secret};
pub use validate::{Checked, Checker, Rule, ValidationError, Violation};
