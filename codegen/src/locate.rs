//! Find where the node named by a JSON pointer starts in the source text of a spec.
//!
//! Diagnostics about a spec refer to nodes by JSON pointer (RFC 6901), e.g.
//! `/components/schemas/Foo`; this module turns such a pointer into a 1-based
//! line and column in the original JSON or YAML text, so messages can say
//! `spec.yaml:42:5`.
//!
//! Both scanners read the text once up to the target, stop as soon as it is found,
//! and skip unrelated subtrees without building any tree (the JSON scanner then
//! counts lines and columns up to the offset it found: a second, shorter read). They never panic on
//! input data, and they use no recursion, so deeply nested input cannot
//! exhaust the stack.
//!
//! Conventions:
//! - For an object member, the location is that of its *key* (the opening
//!   quote of a quoted key); for an array element, the element's first
//!   character; for the root (`""`), the root value's first character.
//! - Columns count Unicode scalar values (`char`s), not bytes; lines and
//!   columns are 1-based. A leading byte order mark is ignored.
//! - With duplicate keys, the first occurrence wins.
//! - Only the text up to the target is examined: a syntax error *after*
//!   the target does not turn a found location into `None`.
//! - A pointer may also be given in its URI fragment form (`#/a/b%20c`),
//!   as found in `$ref` values: it is percent-decoded first.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use crate::source::{LineCol, SourceFormat};

/// Where the node at `pointer` (an RFC 6901 JSON pointer such as
/// `"/paths/~1pets/get/responses/200"`, `""` = root) starts in `text`.
///
/// For an object member this is the member's key; for an array element, the
/// element's start. Returns `None` when the pointer is malformed, does not
/// exist in the text, or the text is not parseable up to the target.
#[must_use]
pub fn locate(text: &str, format: SourceFormat, pointer: &str) -> Option<LineCol> {
    let tokens = crate::pointer::parse(pointer)?;
    let found = walk(text, format, &tokens)?;
    (found.depth == tokens.len()).then_some(found.at)
}

/// The pointer of the deepest node that exists, walking `pointer` from the
/// root, with its location: useful when the exact node is missing (e.g. a
/// `$ref` target). The returned pointer is in canonical RFC 6901 form (the
/// root is `""`). Returns `None` when the pointer is malformed or the text
/// is not parseable.
#[must_use]
pub fn locate_nearest(
    text: &str,
    format: SourceFormat,
    pointer: &str,
) -> Option<(String, LineCol)> {
    let tokens = crate::pointer::parse(pointer)?;
    let found = walk(text, format, &tokens)?;
    let prefix = tokens.get(..found.depth).unwrap_or(&[]);
    Some((crate::pointer::encode(prefix), found.at))
}

/// The deepest node found: how many pointer tokens matched, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    depth: usize,
    at: LineCol,
}

fn walk(text: &str, format: SourceFormat, tokens: &[String]) -> Option<Found> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        SourceFormat::Json => json::walk(text, tokens),
        SourceFormat::Yaml => {
            // yaml-rust2 is not ours: guard against a panic inside it so that
            // a malformed spec can never bring the caller down.
            std::panic::catch_unwind(|| yaml::walk(text, tokens))
                .ok()
                .flatten()
        }
    }
}

// ---------------------------------------------------------------------------
// JSON pointers
// ---------------------------------------------------------------------------

/// The value of one hex digit (`\u` escapes in JSON strings).
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// An RFC 6901 array index: `0` or a decimal number without leading zeros.
/// (`-`, "past the end", never names an existing element.)
fn array_index(token: &str) -> Option<usize> {
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    if valid {
        token.parse().ok()
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

mod json {
    use super::{array_index, Found, LineCol};

    /// Any syntax error: the text is not parseable.
    struct SyntaxError;

    type Result<T> = std::result::Result<T, SyntaxError>;

    pub(super) fn walk(text: &str, tokens: &[String]) -> Option<Found> {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            scratch: String::new(),
        };
        let (depth, offset) = scanner.walk(tokens).ok()?;
        Some(Found {
            depth,
            at: LineCol::at_offset(text, offset),
        })
    }

    struct Scanner<'a> {
        bytes: &'a [u8],
        pos: usize,
        /// Reused buffer for decoding keys that contain escapes.
        scratch: String,
    }

    /// Where a bracket of the value being skipped was opened.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Open {
        Object,
        Array,
    }

    impl Scanner<'_> {
        /// Follows `tokens` from the root; returns how many matched and the
        /// byte offset of the deepest node found.
        fn walk(&mut self, tokens: &[String]) -> Result<(usize, usize)> {
            self.skip_ws();
            match self.peek() {
                Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {}
                _ => return Err(SyntaxError),
            }
            let mut best = (0, self.pos);
            for (i, token) in tokens.iter().enumerate() {
                self.skip_ws();
                let found = match self.peek() {
                    Some(b'{') => self.find_member(token)?,
                    Some(b'[') => match array_index(token) {
                        Some(index) => self.find_element(index)?,
                        None => None,
                    },
                    // A scalar: nothing below it.
                    _ => None,
                };
                match found {
                    Some(offset) => best = (i + 1, offset),
                    None => break,
                }
            }
            Ok(best)
        }

        /// At `{`: finds the member whose key is `token`. On success, returns
        /// the key's offset and leaves the scanner at the member's value.
        fn find_member(&mut self, token: &str) -> Result<Option<usize>> {
            self.expect(b'{')?;
            self.skip_ws();
            if self.peek() == Some(b'}') {
                return Ok(None);
            }
            loop {
                self.skip_ws();
                let key_offset = self.pos;
                let matches = self.key_equals(token)?;
                self.skip_ws();
                self.expect(b':')?;
                self.skip_ws();
                if matches {
                    return Ok(Some(key_offset));
                }
                self.skip_value()?;
                self.skip_ws();
                match self.bump() {
                    Some(b',') => {}
                    Some(b'}') => return Ok(None),
                    _ => return Err(SyntaxError),
                }
            }
        }

        /// At `[`: finds element number `index`. On success, returns its
        /// offset and leaves the scanner at it.
        fn find_element(&mut self, index: usize) -> Result<Option<usize>> {
            self.expect(b'[')?;
            self.skip_ws();
            if self.peek() == Some(b']') {
                return Ok(None);
            }
            let mut current = 0;
            loop {
                self.skip_ws();
                if current == index {
                    return Ok(Some(self.pos));
                }
                self.skip_value()?;
                self.skip_ws();
                match self.bump() {
                    Some(b',') => current += 1,
                    Some(b']') => return Ok(None),
                    _ => return Err(SyntaxError),
                }
            }
        }

        /// Skips one complete value, checking its syntax, without recursion.
        fn skip_value(&mut self) -> Result<()> {
            let mut open: Vec<Open> = Vec::new();
            loop {
                // A value is expected here.
                self.skip_ws();
                match self.peek() {
                    Some(b'{') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(b'}') {
                            self.pos += 1;
                        } else {
                            open.push(Open::Object);
                            self.member_key()?;
                            continue;
                        }
                    }
                    Some(b'[') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(b']') {
                            self.pos += 1;
                        } else {
                            open.push(Open::Array);
                            continue;
                        }
                    }
                    Some(b'"') => self.skip_string()?,
                    Some(b'-' | b'0'..=b'9') => self.skip_number()?,
                    Some(b't') => self.literal(b"true")?,
                    Some(b'f') => self.literal(b"false")?,
                    Some(b'n') => self.literal(b"null")?,
                    _ => return Err(SyntaxError),
                }
                // A value is complete: close what it completes, or move on to
                // the next member or element.
                loop {
                    let Some(&top) = open.last() else {
                        return Ok(());
                    };
                    self.skip_ws();
                    match (self.bump(), top) {
                        (Some(b','), Open::Object) => {
                            self.member_key()?;
                            break;
                        }
                        (Some(b','), Open::Array) => break,
                        (Some(b'}'), Open::Object) | (Some(b']'), Open::Array) => {
                            open.pop();
                        }
                        _ => return Err(SyntaxError),
                    }
                }
            }
        }

        /// Skips `"key" :` inside an object.
        fn member_key(&mut self) -> Result<()> {
            self.skip_ws();
            self.skip_string()?;
            self.skip_ws();
            self.expect(b':')
        }

        /// At `"`: skips a string, checking escapes.
        fn skip_string(&mut self) -> Result<()> {
            self.expect(b'"')?;
            loop {
                match self.bump() {
                    Some(b'"') => return Ok(()),
                    Some(b'\\') => match self.bump() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                        Some(b'u') => {
                            self.unicode_escape()?;
                        }
                        _ => return Err(SyntaxError),
                    },
                    Some(0x00..=0x1F) | None => return Err(SyntaxError),
                    Some(_) => {}
                }
            }
        }

        /// At `"`: reads a key and tells whether it equals `token` once
        /// decoded. Keys without escapes are compared in place.
        fn key_equals(&mut self, token: &str) -> Result<bool> {
            self.expect(b'"')?;
            let start = self.pos;
            loop {
                match self.peek() {
                    Some(b'"') => {
                        let raw = self.bytes.get(start..self.pos).unwrap_or(&[]);
                        self.pos += 1;
                        return Ok(raw == token.as_bytes());
                    }
                    Some(b'\\') => break,
                    Some(0x00..=0x1F) | None => return Err(SyntaxError),
                    Some(_) => self.pos += 1,
                }
            }
            // The key has escapes: decode it.
            let mut key = std::mem::take(&mut self.scratch);
            key.clear();
            let result = self.decode_rest(start, &mut key);
            let equal = result.is_ok() && key == token;
            self.scratch = key;
            result.map(|()| equal)
        }

        /// Decodes a string from `start` (just after its opening quote) to its
        /// closing quote, which is consumed.
        fn decode_rest(&mut self, start: usize, out: &mut String) -> Result<()> {
            self.pos = start;
            loop {
                let run_start = self.pos;
                while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                    self.pos += 1;
                }
                let run = self.bytes.get(run_start..self.pos).unwrap_or(&[]);
                // The run starts and ends at ASCII bytes or at the input's
                // ends, so it is valid UTF-8 whenever the input is.
                out.push_str(std::str::from_utf8(run).map_err(|_| SyntaxError)?);
                match self.bump() {
                    Some(b'"') => return Ok(()),
                    Some(b'\\') => {}
                    _ => return Err(SyntaxError),
                }
                let c = match self.bump() {
                    Some(b'"') => '"',
                    Some(b'\\') => '\\',
                    Some(b'/') => '/',
                    Some(b'b') => '\u{8}',
                    Some(b'f') => '\u{c}',
                    Some(b'n') => '\n',
                    Some(b'r') => '\r',
                    Some(b't') => '\t',
                    Some(b'u') => self.unicode_escape()?,
                    _ => return Err(SyntaxError),
                };
                out.push(c);
            }
        }

        /// After `\u`: decodes the escape, including a surrogate pair.
        fn unicode_escape(&mut self) -> Result<char> {
            let first = self.hex4()?;
            let code = match first {
                0xD800..=0xDBFF => {
                    if self.bump() != Some(b'\\') || self.bump() != Some(b'u') {
                        return Err(SyntaxError);
                    }
                    let second = self.hex4()?;
                    if !(0xDC00..=0xDFFF).contains(&second) {
                        return Err(SyntaxError);
                    }
                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                }
                0xDC00..=0xDFFF => return Err(SyntaxError),
                code => code,
            };
            char::from_u32(code).ok_or(SyntaxError)
        }

        fn hex4(&mut self) -> Result<u32> {
            let mut value = 0u32;
            for _ in 0..4 {
                let digit = self.bump().and_then(super::hex_value).ok_or(SyntaxError)?;
                value = (value << 4) | u32::from(digit);
            }
            Ok(value)
        }

        /// Skips a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        fn skip_number(&mut self) -> Result<()> {
            if self.peek() == Some(b'-') {
                self.pos += 1;
            }
            match self.bump() {
                Some(b'0') => {}
                Some(b'1'..=b'9') => self.skip_digits(),
                _ => return Err(SyntaxError),
            }
            if self.peek() == Some(b'.') {
                self.pos += 1;
                self.require_digits()?;
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                self.require_digits()?;
            }
            Ok(())
        }

        fn skip_digits(&mut self) {
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }

        fn require_digits(&mut self) -> Result<()> {
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(SyntaxError);
            }
            self.skip_digits();
            Ok(())
        }

        fn literal(&mut self, word: &[u8]) -> Result<()> {
            let end = self.pos + word.len();
            if self.bytes.get(self.pos..end) == Some(word) {
                self.pos = end;
                Ok(())
            } else {
                Err(SyntaxError)
            }
        }

        fn skip_ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.pos += 1;
            }
        }

        fn expect(&mut self, b: u8) -> Result<()> {
            if self.bump() == Some(b) {
                Ok(())
            } else {
                Err(SyntaxError)
            }
        }

        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.pos).copied()
        }

        fn bump(&mut self) -> Option<u8> {
            let b = self.peek()?;
            self.pos += 1;
            Some(b)
        }
    }
}

// ---------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------

mod yaml {
    use super::{array_index, Event, Found, LineCol, Marker, Parser};

    /// A parse error, or events in an order that cannot happen.
    struct ParseError;

    type Result<T> = std::result::Result<T, ParseError>;

    pub(super) fn walk(text: &str, tokens: &[String]) -> Option<Found> {
        let mut events = Events {
            parser: Parser::new_from_str(text),
        };
        walk_events(&mut events, tokens).ok()
    }

    struct Events<'a> {
        parser: Parser<std::str::Chars<'a>>,
    }

    impl Events<'_> {
        fn next(&mut self) -> Result<(Event, Marker)> {
            self.parser.next_token().map_err(|_| ParseError)
        }
    }

    /// yaml-rust2's markers have a 1-based line and a 0-based column that
    /// counts `char`s.
    fn line_col(mark: Marker) -> LineCol {
        LineCol {
            line: mark.line(),
            column: mark.col() + 1,
        }
    }

    fn walk_events(events: &mut Events<'_>, tokens: &[String]) -> Result<Found> {
        // The root node is the first node of the first document.
        let (mut node, root_mark) = loop {
            let (event, mark) = events.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart | Event::Nothing => {}
                Event::StreamEnd | Event::DocumentEnd => return Err(ParseError),
                node => break (node, mark),
            }
        };
        let mut best = Found {
            depth: 0,
            at: line_col(node_start(events, &node, root_mark)),
        };
        for (i, token) in tokens.iter().enumerate() {
            let last = i + 1 == tokens.len();
            let child = match node {
                Event::MappingStart(..) => find_member(events, token, last)?,
                Event::SequenceStart(..) => match array_index(token) {
                    Some(index) => find_element(events, index)?,
                    None => None,
                },
                // A scalar, or an alias, which cannot be followed.
                _ => None,
            };
            let Some((at, child_node)) = child else {
                break;
            };
            best = Found {
                depth: i + 1,
                at: line_col(at),
            };
            node = child_node;
        }
        Ok(best)
    }

    /// After `MappingStart`: finds the member whose key's text is `token`.
    /// Returns the key's marker and, unless `last`, the value's first event
    /// (when `last`, the value is not read, so that nothing after the key can
    /// cause an error).
    fn find_member(
        events: &mut Events<'_>,
        token: &str,
        last: bool,
    ) -> Result<Option<(Marker, Event)>> {
        loop {
            let (key, key_mark) = events.next()?;
            let matches = match &key {
                Event::MappingEnd => return Ok(None),
                Event::Scalar(text, ..) => text == token,
                // A complex key (`? [a, b]`) or an alias: never a match.
                other => {
                    skip_node(events, other)?;
                    false
                }
            };
            if matches && last {
                return Ok(Some((key_mark, Event::Nothing)));
            }
            let (value, _) = events.next()?;
            if matches {
                return Ok(Some((key_mark, value)));
            }
            skip_node(events, &value)?;
        }
    }

    /// After `SequenceStart`: finds element number `index`.
    fn find_element(events: &mut Events<'_>, index: usize) -> Result<Option<(Marker, Event)>> {
        let mut current = 0;
        loop {
            let (element, mark) = events.next()?;
            if matches!(element, Event::SequenceEnd) {
                return Ok(None);
            }
            if current == index {
                let start = node_start(events, &element, mark);
                return Ok(Some((start, element)));
            }
            skip_node(events, &element)?;
            current += 1;
        }
    }

    /// Where the node that `event` (marked `mark`) starts. A block mapping's
    /// `MappingStart` is marked after its first key, so the start is that
    /// key; a flow mapping's is marked at its `{`, which comes first. The next
    /// event is only peeked at: it is still there for the caller.
    fn node_start(events: &mut Events<'_>, event: &Event, mark: Marker) -> Marker {
        if !matches!(event, Event::MappingStart(..)) {
            return mark;
        }
        match events.parser.peek() {
            Ok((_, next)) if (next.line(), next.col()) < (mark.line(), mark.col()) => *next,
            _ => mark,
        }
    }

    /// Skips the rest of the node that `first` starts, without recursion.
    fn skip_node(events: &mut Events<'_>, first: &Event) -> Result<()> {
        let mut depth: usize = match first {
            Event::Scalar(..) | Event::Alias(..) => return Ok(()),
            Event::MappingStart(..) | Event::SequenceStart(..) => 1,
            _ => return Err(ParseError),
        };
        while depth > 0 {
            match events.next()?.0 {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => depth -= 1,
                Event::Scalar(..) | Event::Alias(..) => {}
                _ => return Err(ParseError),
            }
        }
        Ok(())
    }
}

/// Locates many JSON pointers with one pass over a JSON text (linear in the text,
/// whatever the number of pointers). Pointers not found are absent from the result.
/// Object members are located at their key, array elements at their first character.
pub fn locate_many_json(
    text: &str,
    pointers: &rustc_hash::FxHashSet<&str>,
) -> rustc_hash::FxHashMap<String, LineCol> {
    let mut found = rustc_hash::FxHashMap::default();
    if pointers.is_empty() {
        return found;
    }
    let bytes = text.as_bytes();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Line and column (in chars) of `pos`, kept up to date as the walk advances.
    let mut line = 1usize;
    let mut column = 1usize;
    let mut path = String::new();
    // Per open container: path length before its members, and next array index
    // (`None` for objects).
    let mut stack: Vec<(usize, Option<usize>)> = Vec::new();
    let mut expect_key = false;
    if pointers.contains("") {
        found.insert(String::new(), LineCol { line, column });
    }
    while pos < bytes.len() {
        let b = bytes[pos];
        match b {
            b'\n' => {
                line += 1;
                column = 1;
                pos += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b':' => {}
            b',' => {
                if let Some((_, Some(_))) = stack.last() {
                    // Next array element: set below when its value starts.
                } else if let Some((_, None)) = stack.last() {
                    expect_key = true;
                }
            }
            b'{' | b'[' => {
                array_element_start(&mut stack, &mut path, pointers, &mut found, line, column);
                stack.push((path.len(), if b == b'[' { Some(0) } else { None }));
                expect_key = b == b'{';
            }
            b'}' | b']' => {
                if let Some((len, _)) = stack.pop() {
                    path.truncate(len);
                }
                if let Some((len, _)) = stack.last() {
                    path.truncate(*len);
                }
                expect_key = false;
            }
            b'"' => {
                let start = pos;
                let (start_line, start_column) = (line, column);
                pos += 1;
                column += 1;
                let mut escaped = false;
                while pos < bytes.len() {
                    let c = bytes[pos];
                    if c & 0xC0 != 0x80 {
                        column += 1;
                    }
                    pos += 1;
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        break;
                    }
                }
                if expect_key {
                    let raw = &text[start..pos.min(text.len())];
                    if let Some((len, _)) = stack.last() {
                        path.truncate(*len);
                    }
                    path.push('/');
                    // Most keys have no escapes: no need to run a JSON parser on them.
                    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                        Some(plain) if !plain.contains('\\') => {
                            path.push_str(&crate::pointer::escape_token(plain));
                        }
                        _ => {
                            let key: String = serde_json::from_str(raw).unwrap_or_default();
                            path.push_str(&crate::pointer::escape_token(&key));
                        }
                    }
                    if pointers.contains(path.as_str()) {
                        found.insert(
                            path.clone(),
                            LineCol {
                                line: start_line,
                                column: start_column,
                            },
                        );
                    }
                    expect_key = false;
                } else {
                    array_element_start(
                        &mut stack,
                        &mut path,
                        pointers,
                        &mut found,
                        start_line,
                        start_column,
                    );
                }
                continue;
            }
            _ => {
                // A number or literal: one value, possibly an array element.
                array_element_start(&mut stack, &mut path, pointers, &mut found, line, column);
                while pos < bytes.len()
                    && !matches!(
                        bytes[pos],
                        b',' | b']' | b'}' | b'\n' | b' ' | b'\t' | b'\r'
                    )
                {
                    if bytes[pos] & 0xC0 != 0x80 {
                        column += 1;
                    }
                    pos += 1;
                }
                continue;
            }
        }
        if b & 0xC0 != 0x80 {
            column += 1;
        }
        pos += 1;
    }
    found
}

/// When a value starts inside an array, its path is the array's path plus its index.
fn array_element_start(
    stack: &mut [(usize, Option<usize>)],
    path: &mut String,
    pointers: &rustc_hash::FxHashSet<&str>,
    found: &mut rustc_hash::FxHashMap<String, LineCol>,
    line: usize,
    column: usize,
) {
    if let Some((len, Some(index))) = stack.last_mut() {
        path.truncate(*len);
        path.push('/');
        path.push_str(&index.to_string());
        *index += 1;
        if pointers.contains(path.as_str()) {
            found.insert(path.clone(), LineCol { line, column });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<LineCol> {
        Some(LineCol { line, column })
    }

    const JSON: &str = r#"{
  "openapi": "3.0.0",
  "paths": {
    "/pets": {
      "get": {
        "responses": {
          "200": { "description": "ok" },
          "default": {"description": "err"}
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Foo": {"type": "object", "required": ["a", "b"]},
      "a~b": [1, -2.5e+3, true, null, {"x": [[], {}]}],
      "k\u00e9y\"q": "escaped"
    }
  }
}"#;

    #[test]
    fn json_root_and_members() {
        assert_eq!(locate(JSON, SourceFormat::Json, ""), at(1, 1));
        assert_eq!(locate(JSON, SourceFormat::Json, "/openapi"), at(2, 3));
        assert_eq!(locate(JSON, SourceFormat::Json, "/paths"), at(3, 3));
        assert_eq!(
            locate(JSON, SourceFormat::Json, "/components/schemas/Foo"),
            at(15, 7)
        );
    }

    #[test]
    fn json_pointer_escapes() {
        assert_eq!(
            locate(JSON, SourceFormat::Json, "/paths/~1pets/get/responses/200"),
            at(7, 11)
        );
        assert_eq!(
            locate(
                JSON,
                SourceFormat::Json,
                "/paths/~1pets/get/responses/default"
            ),
            at(8, 11)
        );
        assert_eq!(
            locate(JSON, SourceFormat::Json, "/components/schemas/a~0b"),
            at(16, 7)
        );
        // `~1` is `/`, so `a~1b` names the key "a/b", which is absent.
        assert_eq!(
            locate(JSON, SourceFormat::Json, "/components/schemas/a~1b"),
            None
        );
        // Malformed escapes.
        assert_eq!(
            locate(JSON, SourceFormat::Json, "/components/schemas/a~b"),
            None
        );
        assert_eq!(locate(JSON, SourceFormat::Json, "/paths/~"), None);
        assert_eq!(locate(JSON, SourceFormat::Json, "paths"), None);
    }

    #[test]
    fn json_escaped_keys_are_decoded() {
        assert_eq!(
            locate(JSON, SourceFormat::Json, "/components/schemas/k\u{e9}y\"q"),
            at(17, 7)
        );
        let text = r#"{"a\/b": 1, "\ud83d\ude00": 2, "tab\there": 3}"#;
        assert_eq!(locate(text, SourceFormat::Json, "/a~1b"), at(1, 2));
        assert_eq!(locate(text, SourceFormat::Json, "/\u{1F600}"), at(1, 13));
        assert_eq!(locate(text, SourceFormat::Json, "/tab\there"), at(1, 32));
        // The raw text of an escaped key is not its name.
        assert_eq!(locate(text, SourceFormat::Json, "/a\\~1b"), None);
    }

    #[test]
    fn json_arrays() {
        let p = "/components/schemas/a~0b";
        assert_eq!(
            locate(JSON, SourceFormat::Json, &format!("{p}/0")),
            at(16, 15)
        );
        assert_eq!(
            locate(JSON, SourceFormat::Json, &format!("{p}/1")),
            at(16, 18)
        );
        assert_eq!(
            locate(JSON, SourceFormat::Json, &format!("{p}/3")),
            at(16, 33)
        );
        assert_eq!(
            locate(JSON, SourceFormat::Json, &format!("{p}/4")),
            at(16, 39)
        );
        assert_eq!(
            locate(JSON, SourceFormat::Json, &format!("{p}/4/x/1")),
            at(16, 50)
        );
        assert_eq!(locate(JSON, SourceFormat::Json, &format!("{p}/5")), None);
        assert_eq!(locate(JSON, SourceFormat::Json, &format!("{p}/-")), None);
        assert_eq!(locate(JSON, SourceFormat::Json, &format!("{p}/01")), None);
        assert_eq!(locate(JSON, SourceFormat::Json, &format!("{p}/x")), None);
        assert_eq!(
            locate(
                JSON,
                SourceFormat::Json,
                "/components/schemas/Foo/required/1"
            ),
            at(15, 51)
        );
        assert_eq!(
            locate("[[1, [2]], 3]", SourceFormat::Json, "/0/1/0"),
            at(1, 7)
        );
        assert_eq!(locate("[[1, [2]], 3]", SourceFormat::Json, "/1"), at(1, 12));
    }

    #[test]
    fn json_missing() {
        assert_eq!(locate(JSON, SourceFormat::Json, "/nope"), None);
        assert_eq!(locate(JSON, SourceFormat::Json, "/openapi/x"), None);
        assert_eq!(locate(JSON, SourceFormat::Json, "/paths/~1pets/put"), None);
        assert_eq!(locate("{}", SourceFormat::Json, "/a"), None);
        assert_eq!(locate("[]", SourceFormat::Json, "/0"), None);
        assert_eq!(locate("{}", SourceFormat::Json, ""), at(1, 1));
        // An empty key is a real key.
        assert_eq!(
            locate(r#"{"": {"": 1}}"#, SourceFormat::Json, "//"),
            at(1, 7)
        );
        assert_eq!(locate(r#"{"a": 1}"#, SourceFormat::Json, "/"), None);
    }

    #[test]
    fn json_unicode_before_target() {
        let text = "{\"描述\": \"中文说明\", \"目标\": {\"键\": 1}}";
        assert_eq!(locate(text, SourceFormat::Json, "/目标"), at(1, 16));
        assert_eq!(locate(text, SourceFormat::Json, "/目标/键"), at(1, 23));
        let text = "{\n  \"d\": \"说明\", \"t\": 1\n}";
        assert_eq!(locate(text, SourceFormat::Json, "/t"), at(2, 14));
    }

    #[test]
    fn json_line_breaks_and_bom() {
        let text = "{\r\n  \"a\": 1,\r\n  \"b\": 2\r\n}";
        assert_eq!(locate(text, SourceFormat::Json, "/b"), at(3, 3));
        let text = "{\r  \"a\": 1,\r  \"b\": 2\r}";
        assert_eq!(locate(text, SourceFormat::Json, "/b"), at(3, 3));
        let text = "\u{feff}{\"a\": 1}";
        assert_eq!(locate(text, SourceFormat::Json, "/a"), at(1, 2));
    }

    #[test]
    fn json_nearest() {
        assert_eq!(
            locate_nearest(
                JSON,
                SourceFormat::Json,
                "/components/schemas/Bar/properties"
            ),
            Some((
                "/components/schemas".to_string(),
                LineCol {
                    line: 14,
                    column: 5
                }
            ))
        );
        assert_eq!(
            locate_nearest(JSON, SourceFormat::Json, "/paths/~1pets/post"),
            Some(("/paths/~1pets".to_string(), LineCol { line: 4, column: 5 }))
        );
        assert_eq!(
            locate_nearest(JSON, SourceFormat::Json, "/components/schemas/a~0b/9"),
            Some((
                "/components/schemas/a~0b".to_string(),
                LineCol {
                    line: 16,
                    column: 7
                }
            ))
        );
        assert_eq!(
            locate_nearest(JSON, SourceFormat::Json, "/nope/deeper"),
            Some((String::new(), LineCol { line: 1, column: 1 }))
        );
        assert_eq!(
            locate_nearest(JSON, SourceFormat::Json, "/openapi"),
            Some(("/openapi".to_string(), LineCol { line: 2, column: 3 }))
        );
        assert_eq!(
            locate_nearest(JSON, SourceFormat::Json, "#/components/schemas/Foo/x"),
            Some((
                "/components/schemas/Foo".to_string(),
                LineCol {
                    line: 15,
                    column: 7
                }
            ))
        );
    }

    #[test]
    fn fragment_form() {
        let text = r#"{"a b": {"c/d": 1}}"#;
        assert_eq!(locate(text, SourceFormat::Json, "#/a%20b/c~1d"), at(1, 10));
        assert_eq!(locate(text, SourceFormat::Json, "#"), at(1, 1));
        assert_eq!(locate(text, SourceFormat::Json, "#/a%2"), None);
        assert_eq!(locate(text, SourceFormat::Json, "#/a%ff"), None);
    }

    #[test]
    fn json_malformed() {
        let cases = [
            "",
            "   ",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\": }",
            "{\"a\": 1,}",
            "{\"a\": [1, 2}",
            "{\"a\": \"unterminated}",
            "{\"a\": \"bad \\x escape\", \"b\": 1}",
            "{\"a\": \"\\ud800\", \"b\": 1}",
            "{\"a\": 01, \"b\": 1}",
            "{\"a\": 1.e5, \"b\": 1}",
            "{\"a\": tru, \"b\": 1}",
            "{\"a\": [}, \"b\": 1}",
            "{\"a\" 1, \"b\": 1}",
            "{a: 1, \"b\": 1}",
            "{\"a\": \"new\nline\", \"b\": 1}",
            "]",
            "x",
        ];
        for text in cases {
            assert_eq!(locate(text, SourceFormat::Json, "/b"), None, "{text:?}");
            assert_eq!(
                locate_nearest(text, SourceFormat::Json, "/b/c"),
                None,
                "{text:?}"
            );
        }
        // Garbage after the target is not looked at.
        assert_eq!(locate("{\"a\": 1, ???", SourceFormat::Json, "/a"), at(1, 2));
    }

    #[test]
    fn json_deep_nesting_does_not_overflow() {
        let depth = 200_000;
        let text = format!(
            "{{\"a\": {}{}, \"b\": 1}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert_eq!(
            locate(&text, SourceFormat::Json, "/b"),
            at(1, 2 * depth + 9)
        );
        let text = format!("{{\"a\": {}, \"b\": 1}}", "[".repeat(depth));
        assert_eq!(locate(&text, SourceFormat::Json, "/b"), None);
    }

    #[test]
    fn json_skips_large_subtrees() {
        let mut text = String::from("{\"big\": [");
        for i in 0..100_000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str("{\"k\": \"v\\\"\", \"n\": [1, 2.5, -3e-2, false]}");
        }
        text.push_str("],\n \"target\": {}}");
        assert_eq!(locate(&text, SourceFormat::Json, "/target"), at(2, 2));
        let last_false = text.rfind("false").map_or(0, |i| i + 1);
        assert_eq!(
            locate(&text, SourceFormat::Json, "/big/99999/n/3"),
            at(1, last_false)
        );
    }

    const YAML: &str = "\
openapi: 3.0.0
info:
  title: Suno AI
  description: 说明 API
paths:
  /pets:
    get:
      responses:
        200:
          description: ok
        '201':
          description: created
        \"default\":
          description: err
components:
  schemas:
    a~b:
      - 1
      - name: first
        type: string
      - [x, {y: 2}]
    Flow: {type: object, required: [a, b], \"q k\": 1}
    中文: {描述: 中文说明, 目标: 1}
";

    #[test]
    fn yaml_root_and_members() {
        assert_eq!(locate(YAML, SourceFormat::Yaml, ""), at(1, 1));
        assert_eq!(locate(YAML, SourceFormat::Yaml, "/openapi"), at(1, 1));
        assert_eq!(locate(YAML, SourceFormat::Yaml, "/info"), at(2, 1));
        assert_eq!(locate(YAML, SourceFormat::Yaml, "/info/title"), at(3, 3));
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/components/schemas/Flow"),
            at(22, 5)
        );
    }

    #[test]
    fn yaml_keys_with_escapes_and_numbers() {
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/paths/~1pets/get"),
            at(7, 5)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/paths/~1pets/get/responses/200"),
            at(9, 9)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/paths/~1pets/get/responses/201"),
            at(11, 9)
        );
        assert_eq!(
            locate(
                YAML,
                SourceFormat::Yaml,
                "/paths/~1pets/get/responses/201/description"
            ),
            at(12, 11)
        );
        assert_eq!(
            locate(
                YAML,
                SourceFormat::Yaml,
                "/paths/~1pets/get/responses/default"
            ),
            at(13, 9)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/components/schemas/a~0b"),
            at(17, 5)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/components/schemas/a~1b"),
            None
        );
    }

    #[test]
    fn yaml_sequences() {
        let p = "/components/schemas/a~0b";
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/0")),
            at(18, 9)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/1")),
            at(19, 9)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/1/type")),
            at(20, 9)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/2")),
            at(21, 9)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/2/1/y")),
            at(21, 14)
        );
        assert_eq!(locate(YAML, SourceFormat::Yaml, &format!("{p}/3")), None);
        assert_eq!(locate(YAML, SourceFormat::Yaml, &format!("{p}/-")), None);
        assert_eq!(locate(YAML, SourceFormat::Yaml, &format!("{p}/name")), None);
    }

    #[test]
    fn yaml_flow_mapping() {
        let p = "/components/schemas/Flow";
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/type")),
            at(22, 12)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/required/1")),
            at(22, 40)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, &format!("{p}/q k")),
            at(22, 44)
        );
        assert_eq!(locate(YAML, SourceFormat::Yaml, &format!("{p}/nope")), None);
        let text = "{a: [1, {b: c}], \"d\": {}}";
        assert_eq!(locate(text, SourceFormat::Yaml, "/a/1/b"), at(1, 10));
        assert_eq!(locate(text, SourceFormat::Yaml, "/d"), at(1, 18));
        // JSON is YAML too.
        assert_eq!(
            locate(JSON, SourceFormat::Yaml, "/components/schemas/Foo"),
            at(15, 7)
        );
        assert_eq!(
            locate(JSON, SourceFormat::Yaml, "/paths/~1pets/get/responses/200"),
            at(7, 11)
        );
    }

    #[test]
    fn yaml_unicode_before_target() {
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/components/schemas/中文"),
            at(23, 5)
        );
        assert_eq!(
            locate(YAML, SourceFormat::Yaml, "/components/schemas/中文/目标"),
            at(23, 20)
        );
        let text = "a: 中文说明\nb: {描述: 中文, c: 1}\n";
        assert_eq!(locate(text, SourceFormat::Yaml, "/b/c"), at(2, 13));
    }

    #[test]
    fn yaml_missing_and_nearest() {
        assert_eq!(locate(YAML, SourceFormat::Yaml, "/nope"), None);
        assert_eq!(locate(YAML, SourceFormat::Yaml, "/info/title/x"), None);
        assert_eq!(
            locate_nearest(YAML, SourceFormat::Yaml, "/components/schemas/Missing/type"),
            Some((
                "/components/schemas".to_string(),
                LineCol {
                    line: 16,
                    column: 3
                }
            ))
        );
        assert_eq!(
            locate_nearest(YAML, SourceFormat::Yaml, "/paths/~1pets/get/responses/404"),
            Some((
                "/paths/~1pets/get/responses".to_string(),
                LineCol { line: 8, column: 7 }
            ))
        );
        assert_eq!(
            locate_nearest(YAML, SourceFormat::Yaml, "/info/title/x"),
            Some(("/info/title".to_string(), LineCol { line: 3, column: 3 }))
        );
        assert_eq!(
            locate_nearest(YAML, SourceFormat::Yaml, "/x"),
            Some((String::new(), LineCol { line: 1, column: 1 }))
        );
    }

    #[test]
    fn yaml_anchors_and_aliases() {
        let text = "\
base: &b
  type: string
copy: *b
list:
  - &item {x: 1}
  - *item
";
        assert_eq!(locate(text, SourceFormat::Yaml, "/base/type"), at(2, 3));
        assert_eq!(locate(text, SourceFormat::Yaml, "/copy"), at(3, 1));
        assert_eq!(locate(text, SourceFormat::Yaml, "/copy/type"), None);
        assert_eq!(
            locate_nearest(text, SourceFormat::Yaml, "/copy/type"),
            Some(("/copy".to_string(), LineCol { line: 3, column: 1 }))
        );
        assert_eq!(locate(text, SourceFormat::Yaml, "/list/1"), at(6, 5));
        assert_eq!(locate(text, SourceFormat::Yaml, "/list/1/x"), None);
        assert_eq!(locate(text, SourceFormat::Yaml, "/list/0/x"), at(5, 12));
    }

    #[test]
    fn yaml_documents_complex_keys_and_crlf() {
        let text = "---\na: 1\n? [k]\n: v\nb: 2\n...\n---\nc: 3\n";
        assert_eq!(locate(text, SourceFormat::Yaml, "/b"), at(5, 1));
        assert_eq!(locate(text, SourceFormat::Yaml, ""), at(2, 1));
        // Only the first document counts.
        assert_eq!(locate(text, SourceFormat::Yaml, "/c"), None);
        let text = "a:\r\n  b: 1\r\n  c: 2\r\n";
        assert_eq!(locate(text, SourceFormat::Yaml, "/a/c"), at(3, 3));
        let text = "\u{feff}a: 1\n";
        assert_eq!(locate(text, SourceFormat::Yaml, "/a"), at(1, 1));
    }

    #[test]
    fn yaml_malformed() {
        let cases = [
            "",
            "a: [1, 2\nb: 1\n",
            "a: {x: 1\nb: 1\n",
            "a: 'unterminated\nb: 1\n",
            "a:\n  - 1\n  b: 2\nb: 1\n",
            "a: *undefined_alias_is_fine_as_event\n\tb: 1\n",
            "\"a\": 1\n\"a\" 2\nb: 1\n",
            "}",
            "a: b: c\nb: 1\n",
        ];
        for text in cases {
            assert_eq!(locate(text, SourceFormat::Yaml, "/b"), None, "{text:?}");
            assert_eq!(
                locate_nearest(text, SourceFormat::Yaml, "/b/c"),
                None,
                "{text:?}"
            );
        }
        assert_eq!(locate("[", SourceFormat::Yaml, "/0"), None);
        assert_eq!(locate_nearest("[", SourceFormat::Yaml, "/0"), None);
        // Garbage after the target is not looked at.
        assert_eq!(
            locate(
                "a: 1
b: [
",
                SourceFormat::Yaml,
                "/a"
            ),
            at(1, 1)
        );
    }

    #[test]
    fn yaml_deep_nesting_does_not_overflow() {
        let nested =
            |depth: usize| format!("a: {}{}\nb: 1\n", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(locate(&nested(200), SourceFormat::Yaml, "/b"), at(2, 1));
        // yaml-rust2 stops with an error past its nesting limit.
        assert_eq!(locate(&nested(100_000), SourceFormat::Yaml, "/b"), None);
        let text = format!("{}x: 1\n", "- ".repeat(100_000));
        let _ = locate(&text, SourceFormat::Yaml, "/0/0/0");
    }

    #[test]
    fn never_panics_on_truncations() {
        // Every prefix of both documents, and every pointer in them: no panic.
        let pointers = [
            "",
            "/paths/~1pets/get/responses/200",
            "/components/schemas/a~0b/4/x/1",
            "/components/schemas/Flow/required/1",
            "/components/schemas/中文/目标",
        ];
        for (doc, format) in [(JSON, SourceFormat::Json), (YAML, SourceFormat::Yaml)] {
            for (end, _) in doc.char_indices() {
                let prefix = doc.get(..end).unwrap_or("");
                for pointer in pointers {
                    let _ = locate(prefix, format, pointer);
                    let _ = locate_nearest(prefix, format, pointer);
                }
            }
        }
    }

    #[test]
    fn many_pointers_in_one_pass_agree_with_locate() {
        let text = "{\n  \"a\": {\"b~c/d\": [1, {\"x\": \"名前\"}, [true]]},\n  \"e\": \"f\"\n}";
        let pointers = [
            "",
            "/a",
            "/a/b~0c~1d",
            "/a/b~0c~1d/0",
            "/a/b~0c~1d/1/x",
            "/a/b~0c~1d/2/0",
            "/e",
            "/nope",
        ];
        let set: rustc_hash::FxHashSet<&str> = pointers.iter().copied().collect();
        let many = locate_many_json(text, &set);
        for pointer in pointers {
            assert_eq!(
                many.get(pointer).copied(),
                locate(text, SourceFormat::Json, pointer),
                "{pointer}"
            );
        }
    }
}
