//! Rust source written as text, for the items of fixed shape that make up most of a big
//! crate (constructors and setters: 20,000 of them on GitHub's spec). Going through
//! `syn` and `prettyplease` for each would double the generate time; their shape is
//! simple enough to lay out directly, with the same conventions (four-space indent, a
//! signature broken one argument per line when it passes 100 columns).
//!
//! The pieces inside (types, expressions) are still built as tokens where the rest of
//! emit builds them, and printed here by [`tokens`].

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The widest line a signature may take before its arguments go one per line.
const MAX_WIDTH: usize = 100;

/// Prints a type or a short expression compactly, as people write it:
/// `Vec<String>`, `impl IntoIterator<Item = impl Into<Tag>>`, `tags.into()`.
pub(crate) fn tokens(stream: &TokenStream) -> String {
    let mut out = String::new();
    print(stream.clone(), &mut out);
    out
}

/// Keywords after which a path that starts with `::` keeps its space (`impl ::std::..`).
const SPACED_KEYWORDS: &[&str] = &["impl", "dyn", "mut", "as", "in", "for", "where", "return"];

fn print(stream: TokenStream, out: &mut String) {
    let mut trees = stream.into_iter().peekable();
    let mut after_keyword = false;
    while let Some(tree) = trees.next() {
        let keyword = matches!(&tree, TokenTree::Ident(ident) if SPACED_KEYWORDS.contains(&ident.to_string().as_str()));
        let was_keyword = std::mem::replace(&mut after_keyword, keyword);
        match tree {
            TokenTree::Ident(ident) => {
                if out.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
            }
            TokenTree::Literal(literal) => {
                if out.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    out.push(' ');
                }
                out.push_str(&literal.to_string());
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                let joint = punct.spacing() == Spacing::Joint;
                let next = match trees.peek() {
                    Some(TokenTree::Punct(next)) => Some(next.as_char()),
                    _ => None,
                };
                match (c, joint, next) {
                    (':', true, Some(':')) => {
                        trees.next();
                        if was_keyword {
                            out.push(' ');
                        }
                        out.push_str("::");
                    }
                    ('-', true, Some('>')) => {
                        trees.next();
                        out.push_str(" -> ");
                    }
                    (',', ..) => out.push_str(", "),
                    (':', ..) => out.push_str(": "),
                    ('=' | '+', ..) => {
                        out.push(' ');
                        out.push(c);
                        out.push(' ');
                    }
                    _ => out.push(c),
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                print(group.stream(), out);
                out.push_str(close);
            }
        }
    }
}

/// A method in an `impl` block (indented by four spaces): doc lines, attribute lines,
/// the signature (broken one argument per line when too wide), and body lines
/// (indented by eight).
pub(crate) struct Method<'a> {
    pub docs: &'a [String],
    pub attrs: &'a [String],
    pub name: &'a str,
    pub args: &'a [String],
    pub ret: &'a str,
    pub body: &'a [String],
}

impl Method<'_> {
    /// Appends the method to `out`.
    pub(crate) fn write(&self, out: &mut String) {
        for doc in self.docs {
            out.push_str("    ///");
            if !doc.is_empty() {
                out.push(' ');
                out.push_str(doc);
            }
            out.push('\n');
        }
        for attr in self.attrs {
            out.push_str("    ");
            out.push_str(attr);
            out.push('\n');
        }
        let one_line = format!(
            "    pub fn {}({}) -> {} {{",
            self.name,
            self.args.join(", "),
            self.ret
        );
        if one_line.len() <= MAX_WIDTH || self.args.is_empty() {
            out.push_str(&one_line);
            out.push('\n');
        } else {
            out.push_str(&format!("    pub fn {}(\n", self.name));
            for arg in self.args {
                out.push_str("        ");
                out.push_str(arg);
                out.push_str(",\n");
            }
            out.push_str(&format!("    ) -> {} {{\n", self.ret));
        }
        for line in self.body {
            out.push_str("        ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("    }\n");
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn types_and_expressions_print_as_people_write_them() {
        let cases = [
            (quote!(Vec<String>), "Vec<String>"),
            (
                quote!(impl IntoIterator<Item = impl Into<crate::types::Tag>>),
                "impl IntoIterator<Item = impl Into<crate::types::Tag>>",
            ),
            (
                quote!(impl TryInto<Tags, Error: Into<crate::runtime::ValidationError>>),
                "impl TryInto<Tags, Error: Into<crate::runtime::ValidationError>>",
            ),
            (
                quote!(::std::option::Option<::std::string::String>),
                "::std::option::Option<::std::string::String>",
            ),
            (
                quote!(tags.into_iter().map(Into::into).collect()),
                "tags.into_iter().map(Into::into).collect()",
            ),
            (
                quote!(crate::runtime::validate::field("clipIds", clip_ids)?),
                "crate::runtime::validate::field(\"clipIds\", clip_ids)?",
            ),
            (quote!(r#type.into()), "r#type.into()"),
            (
                quote!(impl ::std::convert::Into<::std::string::String>),
                "impl ::std::convert::Into<::std::string::String>",
            ),
            (
                quote!(::std::collections::BTreeMap::new()),
                "::std::collections::BTreeMap::new()",
            ),
        ];
        for (stream, expected) in cases {
            assert_eq!(tokens(&stream), expected);
        }
    }

    #[test]
    fn a_wide_signature_takes_one_argument_per_line() {
        let args: Vec<String> = (0..6)
            .map(|i| format!("argument_{i}: impl Into<String>"))
            .collect();
        let mut out = String::new();
        Method {
            docs: &["Builds it.".to_owned()],
            attrs: &[],
            name: "new",
            args: &args,
            ret: "Self",
            body: &["todo()".to_owned()],
        }
        .write(&mut out);
        assert!(out.starts_with(
            "    /// Builds it.\n    pub fn new(\n        argument_0: impl Into<String>,\n"
        ));
        assert!(out.ends_with("    ) -> Self {\n        todo()\n    }\n"));
        let mut short = String::new();
        Method {
            docs: &[],
            attrs: &[],
            name: "with_note",
            args: &["mut self".to_owned(), "note: impl Into<String>".to_owned()],
            ret: "Self",
            body: &["self".to_owned()],
        }
        .write(&mut short);
        assert_eq!(
            short,
            "    pub fn with_note(mut self, note: impl Into<String>) -> Self {\n        self\n    }\n"
        );
    }
}
