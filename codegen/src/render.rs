//! Rendering: tokens to formatted Rust source with the `@generated` header.
//!
//! A large module is rendered in chunks on several threads: each chunk of items is
//! emitted, parsed by `syn` and printed by `prettyplease` on its own, and the texts are
//! joined in order. `prettyplease` prints a file item by item, so the result is the same
//! bytes as rendering the module in one piece, whatever the number of threads; only the
//! memory held at once (one chunk's tokens and syntax tree per thread) and the wall time
//! go down.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use proc_macro2::TokenStream;

/// Items per chunk: large enough that a chunk's overhead (a thread hand-off, one
/// `syn::File`) does not show, small enough that two threads stay busy to the end.
const CHUNK_ITEMS: usize = 64;

/// A module whose items can be emitted one at a time (from any thread).
pub trait ModuleSource: Sync {
    /// Tokens that open the module: inner docs and items that stand before the rest.
    fn head(&self) -> TokenStream;
    /// How many items follow the head.
    fn item_count(&self) -> usize;
    /// The tokens of item `index` (`index < len()`).
    fn item(&self, index: usize) -> TokenStream;
    /// Source text written after item `index`, as is (already formatted): for macro
    /// invocations, whose bodies `prettyplease` would run together on long lines.
    fn trailing_text(&self, _index: usize) -> Option<String> {
        None
    }
    /// Wraps a chunk of consecutive items (e.g. methods in an `impl` block).
    fn wrap(&self, items: TokenStream) -> TokenStream {
        items
    }
    /// The `#[cfg(...)]` line every item of `index` (tokens and trailing text) gets:
    /// the per-tag features (`emit::tags`).
    fn gate(&self, _index: usize) -> Option<String> {
        None
    }
}

/// Formats `tokens` as a Rust file: `syn::parse2` → `prettyplease` → header line → LF.
/// Fails only if the emitter produced tokens that are not a Rust file (a generator bug).
pub fn render(tokens: TokenStream, header: &str) -> Result<String, String> {
    let body = unparse(tokens)?;
    Ok(with_header(header, &[body]))
}

/// Renders `module` (its head, then its items in chunks) with up to `threads` threads.
/// The text does not depend on `threads`.
pub fn render_module(
    module: &dyn ModuleSource,
    header: &str,
    threads: usize,
) -> Result<String, String> {
    let chunks = module.item_count().div_ceil(CHUNK_ITEMS);
    let render_chunk = |chunk: usize| -> Result<String, String> {
        let start = chunk * CHUNK_ITEMS;
        let end = (start + CHUNK_ITEMS).min(module.item_count());
        let mut pieces = Vec::new();
        let mut items = TokenStream::new();
        for index in start..end {
            let gate = module.gate(index);
            match &gate {
                Some(attribute) => {
                    items.extend(crate::emit::gate_items(module.item(index), attribute))
                }
                None => items.extend(module.item(index)),
            }
            if let Some(trailing) = module.trailing_text(index) {
                let trailing = match &gate {
                    Some(attribute) => crate::emit::gate_text(&trailing, attribute),
                    None => trailing,
                };
                if !items.is_empty() {
                    pieces.push(unparse(module.wrap(std::mem::take(&mut items)))?);
                }
                pieces.push(trailing);
            }
        }
        if !items.is_empty() {
            pieces.push(unparse(module.wrap(items))?);
        }
        Ok(join_blocks(&pieces))
    };
    let mut texts: Vec<Option<Result<String, String>>> = Vec::new();
    texts.resize_with(chunks, || None);
    let texts = Mutex::new(texts);
    let next = AtomicUsize::new(0);
    let work = || loop {
        let chunk = next.fetch_add(1, Ordering::Relaxed);
        if chunk >= chunks {
            break;
        }
        let text = render_chunk(chunk);
        if let Ok(mut texts) = texts.lock() {
            texts[chunk] = Some(text);
        }
    };
    let head = std::thread::scope(|scope| {
        for _ in 1..threads.clamp(1, chunks.max(1)) {
            scope.spawn(work);
        }
        // This thread renders the head, then helps with the chunks.
        let head = unparse(module.head());
        work();
        head
    })?;
    let mut parts = vec![head];
    let texts = texts
        .into_inner()
        .map_err(|_| "internal error: a render thread panicked".to_owned())?;
    for text in texts {
        parts.push(text.ok_or("internal error: a chunk was not rendered")??);
    }
    Ok(with_header(header, &[join_blocks(&parts)]))
}

/// The number of threads to render with: the machine's parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Formats `tokens` (inner attributes, then items) with a blank line between items, as
/// people write them, except between consecutive `use` lines.
fn unparse(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|error| format!("internal error: emitted invalid Rust: {error}"))?;
    let mut out = String::new();
    if !file.attrs.is_empty() {
        out.push_str(&prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: file.attrs,
            items: Vec::new(),
        }));
    }
    let mut previous_use = false;
    for item in file.items {
        let is_use = matches!(item, syn::Item::Use(_));
        let same_use_group = is_use && previous_use;
        if !out.is_empty() && !same_use_group {
            out.push('\n');
        }
        previous_use = is_use;
        out.push_str(&prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![item],
        }));
    }
    Ok(out)
}

/// Joins formatted blocks of items with a blank line between non-empty ones.
fn join_blocks(blocks: &[String]) -> String {
    let mut out = String::new();
    for block in blocks.iter().filter(|block| !block.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(block);
    }
    out
}

fn with_header(header: &str, parts: &[String]) -> String {
    let len = parts.iter().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(len + header.len() + 4);
    out.push_str("// ");
    out.push_str(header);
    out.push('\n');
    for part in parts {
        if part.contains('\r') {
            out.push_str(&part.replace("\r\n", "\n"));
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::{format_ident, quote};

    use super::*;

    /// 150 documented structs after an inner doc: more than two chunks.
    struct Numbered;

    impl ModuleSource for Numbered {
        fn head(&self) -> TokenStream {
            quote!(
                //! Numbered structs.
            )
        }
        fn item_count(&self) -> usize {
            150
        }
        fn item(&self, index: usize) -> TokenStream {
            let name = format_ident!("S{index}");
            let doc = format!(" Struct number {index}.");
            quote!(#[doc = #doc] pub struct #name { pub value: u32 })
        }
    }

    #[test]
    fn chunked_rendering_equals_rendering_in_one_piece() {
        let mut whole = Numbered.head();
        for index in 0..Numbered.item_count() {
            whole.extend(Numbered.item(index));
        }
        let expected = render(whole, "header").unwrap();
        for threads in [1, 2, 3, 8] {
            let text = render_module(&Numbered, "header", threads).unwrap();
            assert_eq!(text, expected, "{threads} threads");
        }
        assert!(expected.starts_with("// header\n//! Numbered structs.\n\n/// Struct number 0.\n"));
        assert!(expected.contains("    pub value: u32,\n}\n\n/// Struct number 1.\n"));
        assert!(expected.ends_with("pub struct S149 {\n    pub value: u32,\n}\n"));
    }

    #[test]
    fn invalid_tokens_are_an_internal_error_not_a_panic() {
        struct Broken;
        impl ModuleSource for Broken {
            fn head(&self) -> TokenStream {
                TokenStream::new()
            }
            fn item_count(&self) -> usize {
                100
            }
            fn item(&self, index: usize) -> TokenStream {
                if index == 70 {
                    quote!(pub struct ;)
                } else {
                    quote!(
                        pub struct Fine;
                    )
                }
            }
        }
        let error = render_module(&Broken, "header", 2).unwrap_err();
        assert!(
            error.starts_with("internal error: emitted invalid Rust"),
            "{error}"
        );
    }
}
