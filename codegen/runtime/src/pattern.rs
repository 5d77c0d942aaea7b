//! `pattern`: the spec's ECMAScript regular expression, matched in linear time.
//!
//! A backtracking engine takes exponential time on patterns with nested quantifiers (the
//! common e-mail patterns) and inputs that almost match, so one value from a server or a
//! user could hang the client. Patterns are therefore translated to the `regex` crate's
//! syntax (finite automata, linear in the input) with ECMAScript's meaning kept: `\d`,
//! `\w` and `\s` stay ASCII / ECMAScript white space, `.` stops at every line
//! terminator, `\uXXXX` becomes `\x{XXXX}`. What has no such translation (back-references,
//! lookaround, `\b`, Annex B oddities) is matched by `regress`, an ECMAScript
//! backtracking engine. One departure from ECMAScript, on purpose: `\A` and `\z`/`\Z`
//! are anchors (see [`with_anchors`]).

use ::std::sync::OnceLock;

/// One spec pattern, compiled when first used.
pub struct Pattern {
    source: &'static str,
    engine: OnceLock<Option<Engine>>,
}

enum Engine {
    Linear(::regex::Regex),
    Backtracking(::regress::Regex),
}

impl Pattern {
    /// A pattern that compiles `source` when first used.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            engine: OnceLock::new(),
        }
    }

    /// The spec's pattern text.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` contains a match (JSON Schema patterns are not anchored); `None`
    /// when the pattern is not a valid ECMAScript regular expression.
    pub fn is_match(&self, value: &str) -> Option<bool> {
        let engine = self.engine.get_or_init(|| compile(self.source)).as_ref()?;
        Some(match engine {
            Engine::Linear(regex) => regex.is_match(value),
            Engine::Backtracking(regex) => regex.find(value).is_some(),
        })
    }

    /// True when the pattern runs on the linear-time engine.
    pub fn is_linear(&self) -> bool {
        matches!(
            self.engine.get_or_init(|| compile(self.source)),
            Some(Engine::Linear(_))
        )
    }
}

fn compile(source: &str) -> Option<Engine> {
    let source = &with_anchors(source);
    // Valid ECMAScript first: a pattern regress refuses is refused, whatever `regex` says.
    let backtracking = ::regress::Regex::new(source).ok()?;
    let linear = translate(source).and_then(|rust| {
        ::regex::RegexBuilder::new(&rust)
            .size_limit(1 << 22)
            .build()
            .ok()
    });
    Some(match linear {
        Some(regex) => Engine::Linear(regex),
        None => Engine::Backtracking(backtracking),
    })
}

/// `\A`, `\z` and `\Z` outside classes read as the anchors they are in Ruby, PCRE and
/// Python (`^`, `$`): ECMAScript's Annex B reads them as the letters, which no spec
/// means (linode's `\A(\*\.)?([a-zA-Z0-9-_]{1,63}\.)+...\Z` refused every domain). The
/// reference validators (`jsonschema`'s `fancy-regex`) read them as anchors too.
pub fn with_anchors(source: &str) -> ::std::borrow::Cow<'_, str> {
    if !source.contains("\\A") && !source.contains("\\z") && !source.contains("\\Z") {
        return ::std::borrow::Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('A') if !in_class => out.push('^'),
                Some('z' | 'Z') if !in_class => out.push('$'),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    ::std::borrow::Cow::Owned(out)
}

/// ECMAScript white space and line terminators (`\s`), as class items.
const SPACE: &str = "\\t\\n\\x{B}\\x{C}\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";
const DIGIT: &str = "0-9";
const WORD: &str = "A-Za-z0-9_";

/// The pattern in the `regex` crate's syntax with the same meaning, or `None` when it
/// uses something without a faithful translation.
pub fn translate(source: &str) -> Option<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len() + 16);
    let mut i = 0;
    let mut in_class = false;
    // Just after `[` or `[^`: ECMAScript reads `[]` as the empty class (and `[^]` as any
    // character), which `regex` cannot say.
    let mut class_start = false;
    while i < chars.len() {
        let c = chars[i];
        let at_class_start = std::mem::replace(&mut class_start, false);
        match c {
            '\\' => {
                let next = *chars.get(i + 1)?;
                i += 2;
                // In a class, `\d-x` is `\d`, `-`, `x` in ECMAScript but a range in `regex`.
                let dash_follows = in_class
                    && chars.get(i) == Some(&'-')
                    && chars.get(i + 1).is_some_and(|c| *c != ']');
                if dash_follows && matches!(next, 'd' | 'w' | 's') {
                    return None;
                }
                match next {
                    'd' => push_class(&mut out, in_class, DIGIT, false),
                    'w' => push_class(&mut out, in_class, WORD, false),
                    's' => push_class(&mut out, in_class, SPACE, false),
                    'D' | 'W' | 'S' if in_class => return None,
                    'D' => push_class(&mut out, false, DIGIT, true),
                    'W' => push_class(&mut out, false, WORD, true),
                    'S' => push_class(&mut out, false, SPACE, true),
                    't' => out.push_str("\\t"),
                    'n' => out.push_str("\\n"),
                    'r' => out.push_str("\\r"),
                    'v' => out.push_str("\\x{B}"),
                    'f' => out.push_str("\\x{C}"),
                    '0' if !chars.get(i).is_some_and(char::is_ascii_digit) => {
                        out.push_str("\\x{0}")
                    }
                    'x' => {
                        let hex: String = chars.get(i..i + 2)?.iter().collect();
                        u32::from_str_radix(&hex, 16).ok()?;
                        out.push_str(&format!("\\x{{{hex}}}"));
                        i += 2;
                    }
                    'u' => {
                        let hex: String = chars.get(i..i + 4)?.iter().collect();
                        let code = u32::from_str_radix(&hex, 16).ok()?;
                        if (0xD800..=0xDFFF).contains(&code) {
                            return None;
                        }
                        out.push_str(&format!("\\x{{{hex}}}"));
                        i += 4;
                    }
                    // Escaped punctuation is the character itself.
                    c if c.is_ascii_punctuation() => push_literal(&mut out, c, in_class),
                    // `\b`, back-references, `\c`, `\k`, `\p` (only with the `u` flag), ...
                    _ => return None,
                }
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push('[');
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            ']' if in_class => {
                if at_class_start {
                    return None;
                }
                in_class = false;
                out.push(']');
            }
            '-' if in_class => {
                // A range dash between two items stays; one at either end is literal.
                let first = at_class_start;
                let last = chars.get(i + 1) == Some(&']');
                if first || last {
                    out.push_str("\\-");
                } else {
                    out.push('-');
                }
            }
            '.' if !in_class => out.push_str("[^\\n\\r\\x{2028}\\x{2029}]"),
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                match (chars.get(i + 2), chars.get(i + 3)) {
                    (Some(':'), _) => {
                        out.push_str("(?:");
                        i += 3;
                        continue;
                    }
                    (Some('<'), Some(n)) if *n != '=' && *n != '!' => {
                        out.push_str("(?P<");
                        i += 3;
                        continue;
                    }
                    // Lookaround.
                    _ => return None,
                }
            }
            c if in_class => push_literal(&mut out, c, true),
            c => out.push(c),
        }
        i += 1;
    }
    (!in_class).then_some(out)
}

fn push_class(out: &mut String, in_class: bool, items: &str, negated: bool) {
    if in_class {
        out.push_str(items);
    } else {
        out.push('[');
        if negated {
            out.push('^');
        }
        out.push_str(items);
        out.push(']');
    }
}

/// A literal character, escaped where `regex` gives it a meaning (in a class, `[`, `&`,
/// `~` and `-` start nested classes or set operations).
fn push_literal(out: &mut String, c: char, in_class: bool) {
    let special = if in_class {
        matches!(c, '[' | ']' | '\\' | '^' | '-' | '&' | '~')
    } else {
        regex_syntax_meta(c)
    };
    if special {
        out.push('\\');
    }
    out.push(c);
}

fn regex_syntax_meta(c: char) -> bool {
    matches!(
        c,
        '\\' | '.'
            | '+'
            | '*'
            | '?'
            | '('
            | ')'
            | '|'
            | '['
            | ']'
            | '{'
            | '}'
            | '^'
            | '$'
            | '#'
            | '&'
            | '-'
            | '~'
    )
}
