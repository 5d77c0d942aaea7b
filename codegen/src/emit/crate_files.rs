//! The crate's `Cargo.toml` and `lib.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_lines;
use crate::ir::Api;
use crate::Options;

/// `Cargo.toml` of the generated crate. It names every dependency with its version, so
/// the crate builds on its own wherever it is written. The runtime is a crate of its own
/// beside the sources (`runtime/`), renamed `runtime` so the code reaches it as
/// `crate::runtime` (see [`lib_module`]).
pub fn cargo_toml(
    api: &Api,
    options: &Options,
    tags: Option<&super::TagGates>,
    header: &str,
) -> String {
    let description = if api.title.is_empty() {
        "Generated API client".to_owned()
    } else {
        format!("Client for {} {}", api.title, api.version)
    };
    let mut out = package_section(header, &options.crate_name, options, &description);
    out.push_str("\n[dependencies]\n");
    out.push_str("bytes = \"1\"\n");
    if api.uses.chrono {
        out.push_str("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n");
    }
    out.push_str(&optional(REQWEST));
    out.push_str(&format!(
        "runtime = {{ package = {}, path = \"runtime\", default-features = false }}\n",
        toml_string(&runtime_crate_name(options)),
    ));
    out.push_str("serde = { version = \"1\", features = [\"derive\"] }\n");
    out.push_str("serde_json = \"1\"\n");
    if api.uses.uuid {
        out.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
    }
    if !options.dependencies.is_empty() {
        out.push_str("# The generator config's, for the types it maps schemas to.\n");
        for line in &options.dependencies {
            out.push_str(line);
            out.push('\n');
        }
    }
    let builders = super::BuildersModule::needed(api);
    let serde_params = !api.operations.is_empty();
    out.push_str("\n[features]\n");
    out.push_str(match tags {
        Some(_) => "default = [\"client\", \"all\"]\n",
        None => "default = [\"client\"]\n",
    });
    if let Some(tags) = tags {
        out.push_str(&tags.manifest_lines());
    }
    out.push_str(
        "# The HTTP client (reqwest, tokio). Without it (`default-features = false`) the models and their validation build alone, for any target.\nclient = [\"dep:reqwest\", \"runtime/client\"]\n",
    );
    if builders {
        out.push_str(
            "# Constructors of the types the API only sends back, for tests and mocks.\nbuilders = []\n",
        );
    }
    if !api.operations.is_empty() {
        out.push_str(&format!(
            "# Typed test doubles for your own tests: `mock::MockServer` (on wiremock), one method per operation.\nmock = [\"client\", {}\"runtime/mock\"]\n",
            if builders { "\"builders\", " } else { "" }
        ));
    }
    if serde_params {
        out.push_str(
            "# Serialize and Deserialize for the `*Params` structs (keys `\"query.name\"`, ...), to record and replay calls.\nserde-params = []\n",
        );
    }
    out.push_str("\n[dev-dependencies]\n");
    out.push_str("tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n");
    if options.standalone {
        out.push_str(
            "\n# Its own workspace (with the runtime), so the crate builds wherever it is written.\n[workspace]\n",
        );
    }
    out
}

/// `runtime/Cargo.toml`: the runtime crate the generated crate depends on. Its
/// dependencies are those of the generator's own `codegen/runtime/Cargo.toml`.
pub fn runtime_cargo_toml(options: &Options, header: &str) -> String {
    let description = format!("Runtime of the {} client crate", options.crate_name);
    let mut out = package_section(header, &runtime_crate_name(options), options, &description);
    out.push_str("\n[dependencies]\n");
    out.push_str("base64 = \"0.22\"\n");
    out.push_str("bytes = \"1\"\n");
    out.push_str(
        "erased-serde = { version = \"0.4\", default-features = false, features = [\"std\"] }\n",
    );
    out.push_str("fastrand = { version = \"2\", optional = true }\n");
    out.push_str("futures-core = { version = \"0.3\", default-features = false }\n");
    out.push_str(
        "futures-util = { version = \"0.3\", default-features = false, optional = true }\n",
    );
    out.push_str("httpdate = { version = \"1\", optional = true }\n");
    out.push_str("mime_guess = { version = \"2\", default-features = false, optional = true }\n");
    out.push_str("percent-encoding = { version = \"2\", optional = true }\n");
    out.push_str("regex = { version = \"1\", default-features = false, features = [\"std\"] }\n");
    out.push_str("regress = \"0.12\"\n");
    out.push_str(&optional(REQWEST));
    out.push_str("serde = \"1\"\n");
    out.push_str("serde_json = \"1\"\n");
    out.push_str("serde_path_to_error = \"0.1\"\n");
    out.push_str(
        "tracing = { version = \"0.1\", default-features = false, features = [\"std\"], optional = true }\n",
    );
    out.push_str("wiremock = { version = \"0.6\", optional = true }\n");
    out.push_str("\n[target.'cfg(not(target_arch = \"wasm32\"))'.dependencies]\n");
    out.push_str("tokio = { version = \"1\", features = [\"time\", \"fs\"], optional = true }\n");
    out.push_str("tokio-util = { version = \"0.7\", default-features = false, features = [\"io\"], optional = true }\n");
    out.push_str(&optional(
        &REQWEST.replace("\"multipart\"]", "\"multipart\", \"stream\"]"),
    ));
    out.push_str("\n# In the browser: its clocks and timers (std's panic there, tokio has no timer there).\n");
    out.push_str("[target.'cfg(target_arch = \"wasm32\")'.dependencies]\n");
    out.push_str(
        "gloo-timers = { version = \"0.3\", features = [\"futures\"], optional = true }\n",
    );
    out.push_str("web-time = { version = \"1\", optional = true }\n");
    out.push_str("\n[features]\n");
    out.push_str("default = [\"client\"]\n");
    out.push_str("# The HTTP half (reqwest, tokio); without it the models' half builds alone, for any target.\n");
    out.push_str("client = [\"dep:fastrand\", \"dep:futures-util\", \"dep:gloo-timers\", \"dep:httpdate\", \"dep:mime_guess\", \"dep:percent-encoding\", \"dep:reqwest\", \"dep:tokio\", \"dep:tokio-util\", \"dep:tracing\", \"dep:web-time\"]\n");
    out.push_str("# Typed test doubles (`mock::MockServer`), on `wiremock`.\n");
    out.push_str("mock = [\"client\", \"dep:wiremock\"]\n");
    out
}

/// A dependency line made optional (`{ ..., optional = true }`).
fn optional(line: &str) -> String {
    line.trim_end().trim_end_matches('}').trim_end().to_owned() + ", optional = true }\n"
}

/// The runtime crate's package name: the client's with `-runtime`, so two generated
/// clients in one workspace never clash.
pub fn runtime_crate_name(options: &Options) -> String {
    format!("{}-runtime", options.crate_name)
}

const REQWEST: &str = "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"json\", \"multipart\"] }\n";

fn package_section(header: &str, name: &str, options: &Options, description: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {header}\n"));
    out.push_str("[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(name)));
    out.push_str(&format!(
        "version = {}\n",
        toml_string(&options.crate_version)
    ));
    out.push_str("edition = \"2021\"\n");
    out.push_str("rust-version = \"1.85\"\n");
    out.push_str(&format!("description = {}\n", toml_string(description)));
    out.push_str("publish = false\n");
    out
}

fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `lib.rs`: crate docs from the spec's `info`, the modules and the main re-exports.
pub fn lib_module(api: &Api, options: &Options) -> TokenStream {
    let mut text = String::new();
    let title = if api.title.is_empty() {
        "API client"
    } else {
        api.title.as_str()
    };
    text.push_str(&format!("{title} (version {})\n\n", api.version));
    if !api.description.is_empty() {
        text.push_str(&super::sanitize_doc(&api.description));
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "Generated from `{}` by `cargo xtask codegen`: [`Client`] has one method per operation \
         (`.await` what it returns), [`types`] holds the models. Values the spec constrains (`minItems`, `pattern`, \
         ...) are [`Checked`](runtime::Checked): they cannot be built, deserialized or sent \
         unless they satisfy the spec.",
        options.spec_name
    ));
    if super::BuildersModule::needed(api) {
        text.push_str(
            " Structs you send have `new` (the required properties) and a `with_*` setter \
             per optional one; the structs the API only sends back get the same with the \
             `builders` feature, for tests and mocks.",
        );
    }
    if !api.webhooks.is_empty() {
        text.push_str(
            "\n\n# Webhooks\n\nThe provider calls these; their payload types are in [`types`].\n",
        );
        for hook in &api.webhooks {
            let payload = match &hook.body {
                Some(ty) => format!(": payload `{}`", type_label(api, ty)),
                None => String::new(),
            };
            let summary = hook.docs.lines().next().unwrap_or_default();
            let summary = if summary.is_empty() {
                String::new()
            } else {
                format!(" — {summary}")
            };
            text.push_str(&format!(
                "\n- `{}` ({}){payload}{summary}",
                hook.name.replace('`', "'"),
                hook.method
            ));
        }
    }
    text.push_str("\n\n# Quickstart\n\n");
    text.push_str(&super::client::quickstart(
        api,
        &options.crate_name.replace('-', "_"),
    ));
    let inner_docs = inner(doc_lines(&text));
    // Every third-party type of the public API, so callers need no dependency of their
    // own (and no matching version) to name them. In the order `rustfmt` sorts them, each
    // line short enough that `rustfmt` and `prettyplease` agree (`cargo fmt` formats
    // `lib.rs` too).
    let mut reexports = vec![quote!(
        pub use ::bytes::{self, Bytes};
    )];
    if api.uses.chrono {
        reexports.push(quote!(
            pub use ::chrono::{self, DateTime, NaiveDate, Utc};
        ));
    }
    reexports.push(quote!(
        #[cfg(feature = "client")]
        pub use ::reqwest::{self, header::HeaderMap, Method, StatusCode};
    ));
    reexports.push(quote!(
        pub use ::serde_json::{self, Value};
    ));
    if api.uses.uuid {
        reexports.push(quote!(
            pub use ::uuid::{self, Uuid};
        ));
    }
    let builders = if super::BuildersModule::needed(api) {
        quote! {
            #[cfg(feature = "builders")]
            #[rustfmt::skip]
            mod builders;
        }
    } else {
        quote!()
    };
    let mock = if api.operations.is_empty() {
        quote!()
    } else {
        quote! {
            #[cfg(feature = "mock")]
            #[rustfmt::skip]
            pub mod mock;
        }
    };
    quote! {
        #inner_docs
        #![forbid(unsafe_code)]
        #builders
        #[cfg(feature = "client")]
        #[rustfmt::skip]
        pub mod client;
        #mock
        pub use ::runtime;
        #[rustfmt::skip]
        pub mod types;
        #(#reexports)*
        #[cfg(feature = "client")]
        pub use client::{Call, Client, DEFAULT_BASE_URL};
        pub use runtime::{Checked, ValidationError};
        #[cfg(feature = "client")]
        pub use runtime::{Error, ErrorKind, RequestOptions, ResponseValue, RetryPolicy};
    }
}

/// Turns `#[doc = ...]` attributes into inner `#![doc = ...]` ones.
fn inner(outer: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    let mut tokens = outer.into_iter().peekable();
    while let Some(token) = tokens.next() {
        out.extend([token]);
        if let Some(proc_macro2::TokenTree::Group(_)) = tokens.peek() {
            out.extend(quote!(!));
        }
    }
    out
}

fn type_label(api: &Api, ty: &crate::ir::TypeRef) -> String {
    match ty {
        crate::ir::TypeRef::Named(id) => format!("types::{}", api.types[id.0].name),
        other => super::ty_tokens(api, other, super::Paths::CLIENT).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `[dependencies]` names of a manifest, sorted (dependency keys only, no values).
    fn dependency_names(manifest: &str) -> Vec<String> {
        let mut names: Vec<String> = manifest
            .split("[dependencies]")
            .nth(1)
            .unwrap_or_default()
            .lines()
            .take_while(|line| !line.starts_with('['))
            .filter_map(|line| line.split_once('=').map(|(key, _)| key))
            .map(|key| key.trim().trim_end_matches(".workspace").to_owned())
            .filter(|key| !key.is_empty() && !key.starts_with('#'))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_runtime_copy_depends_on_what_the_runtime_crate_does() {
        let options = Options::new("spec.yaml", "pets");
        let emitted = runtime_cargo_toml(&options, "header");
        assert!(emitted.contains("name = \"pets-runtime\""), "{emitted}");
        let own = include_str!("../../runtime/Cargo.toml");
        assert_eq!(dependency_names(&emitted), dependency_names(own));
        let client_feature = |manifest: &str| {
            manifest
                .lines()
                .find(|line| line.starts_with("client = "))
                .map(str::to_owned)
        };
        assert!(client_feature(own).is_some());
        assert_eq!(client_feature(&emitted), client_feature(own));
        assert!(dependency_names(own).contains(&"erased-serde".to_owned()));
    }
}
