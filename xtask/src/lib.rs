//! The `cargo xtask` front end as a library, so tests can run the same code in-process:
//! finding the vendored specs, generating, and comparing with (or writing) `generated/`.

pub mod bench;
pub mod codegen;
pub mod conformance;
pub mod corpus;
pub mod diff;
pub mod fuzz;
pub mod panics;
pub mod semver;
pub mod sync;
pub mod workspace;
