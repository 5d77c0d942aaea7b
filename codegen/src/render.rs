//! Rendering: tokens to formatted Rust source with the `@generated` header.

use proc_macro2::TokenStream;

/// Formats `tokens` as a Rust file: `syn::parse2` → `prettyplease` → header line → LF.
/// Fails only if the emitter produced tokens that are not a Rust file (a generator bug).
pub fn render(tokens: TokenStream, header: &str) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|error| format!("internal error: emitted invalid Rust: {error}"))?;
    let body = prettyplease::unparse(&file);
    let mut out = String::with_capacity(body.len() + header.len() + 4);
    out.push_str("// ");
    out.push_str(header);
    out.push('\n');
    out.push_str(&body.replace("\r\n", "\n"));
    Ok(out)
}
