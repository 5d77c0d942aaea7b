//! JSON pointers (RFC 6901) and their URI-fragment form (`#/a/b%20c`): the one place
//! they are built, escaped and read. `refs` resolves them in a document, `locate` finds
//! them in source text, diagnostics name them, the fuzzer writes them.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Unescapes one reference token (`~1` → `/`, `~0` → `~`); `None` for a `~` followed by
/// anything else.
pub fn unescape_token(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.contains('~') {
        return Some(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(Cow::Owned(out))
}

/// `base` with one more token appended.
pub fn child(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    out.push_str(&escape_token(token));
    out
}

/// The pointer of `tokens` (`["a", "b/c"]` → `/a/b~1c`).
pub fn encode<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        out.push_str(&escape_token(token.as_ref()));
    }
    out
}

/// The tokens of a pointer, leniently: a missing leading `/` is tolerated and a `~` not
/// followed by `0` or `1` is kept as it is (pointers made by the generator itself).
pub fn split(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|token| {
            if token.contains('~') {
                token.replace("~1", "/").replace("~0", "~")
            } else {
                token.to_owned()
            }
        })
        .collect()
}

/// The tokens of a pointer, strictly, in either form: `/a/b` or the fragment `#/a/b`
/// (percent-decoded first). `None` when malformed: not empty and not starting with `/`,
/// a `~` not followed by `0` or `1`, or a fragment that does not decode to UTF-8.
pub fn parse(pointer: &str) -> Option<Vec<String>> {
    let decoded;
    let pointer = match pointer.strip_prefix('#') {
        Some(fragment) => {
            decoded = percent_decode_str(fragment).decode_utf8().ok()?;
            decoded.as_ref()
        }
        None => pointer,
    };
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/')
        .map(|token| unescape_token(token).map(Cow::into_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_escaping() {
        for token in ["plain", "a/b", "m~n", "~1", "/~", ""] {
            let pointer = child("", token);
            assert_eq!(parse(&pointer), Some(vec![token.to_owned()]), "{pointer}");
            assert_eq!(split(&pointer), vec![token.to_owned()], "{pointer}");
        }
        assert_eq!(
            encode(&["paths", "/pets/{id}", "get"]),
            "/paths/~1pets~1{id}/get"
        );
    }

    #[test]
    fn the_fragment_form_is_percent_decoded_and_malformed_pointers_are_refused() {
        assert_eq!(
            parse("#/a%20b/c~1d"),
            Some(vec!["a b".to_owned(), "c/d".to_owned()])
        );
        assert_eq!(parse("#"), Some(Vec::new()));
        assert_eq!(parse(""), Some(Vec::new()));
        assert_eq!(parse("a/b"), None, "no leading slash");
        assert_eq!(parse("/a~2"), None, "~2 is no escape");
        assert_eq!(parse("#/%FF"), None, "not UTF-8");
    }
}
