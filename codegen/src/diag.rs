//! Diagnostics: what is wrong with a spec, and where (JSON pointer, file:line:column).
//!
//! Every stage collects diagnostics instead of stopping at the first problem; the
//! front end shows them all together, sorted by where they occur.

use std::fmt;

use crate::locate;
use crate::source::{LineCol, SourceFormat};

/// How bad a problem in a spec is (not to be confused with `diff::Severity`, how a spec
/// change affects users).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Generation went on, with a documented fallback.
    Warning,
    /// The spec (or this part of it) cannot be generated.
    Error,
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// JSON pointer of the node the problem is about (`""` for the whole document).
    pub pointer: String,
    /// What is wrong and, for warnings, what was done instead.
    pub message: String,
    /// Where in the source text; filled in by [`Diagnostics::locate`] or known up front
    /// (syntax errors).
    pub location: Option<LineCol>,
    /// The file the problem is in when it is not the spec (an overlay, a generator
    /// config, a file a `$ref` points to); `None` for the spec itself.
    pub file: Option<String>,
}

impl Diagnostic {
    /// An error about the node at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            level: Level::Error,
            pointer: pointer.into(),
            message: message.into(),
            location: None,
            file: None,
        }
    }

    /// A warning about the node at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            level: Level::Warning,
            ..Self::error(pointer, message)
        }
    }

    /// Renders the diagnostic as one line: `file:line:col: error: #/pointer: message`.
    pub fn render(&self, file: &str) -> String {
        let file = self.file.as_deref().unwrap_or(file);
        let severity = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let place = match self.location {
            Some(at) => format!("{file}:{}:{}", at.line, at.column),
            None => file.to_owned(),
        };
        if self.file.is_some() && self.pointer.is_empty() {
            // A file that is not JSON-like (the generator config): its line says where.
            return format!("{place}: {severity}: {}", self.message);
        }
        format!("{place}: {severity}: #{}: {}", self.pointer, self.message)
    }
}

/// The problems found in one spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error about `pointer`.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(pointer, message));
    }

    /// Adds a warning about `pointer`.
    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(pointer, message));
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when an error (not only warnings) was found.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == Level::Error)
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All problems.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for item in &mut self.items {
            item.level = Level::Error;
        }
    }

    /// Names `file` as the source of every diagnostic that names none yet (they were
    /// found in that file, not in the spec).
    pub fn in_file(&mut self, file: &str) {
        for item in &mut self.items {
            item.file.get_or_insert_with(|| file.to_owned());
        }
    }

    /// Finds the line and column of every diagnostic that has none yet, then sorts them
    /// by position (deterministic output) and drops exact duplicates.
    pub fn locate(&mut self, text: &str, format: SourceFormat) {
        // Many diagnostics in a JSON text: one pass finds them all.
        let batch = if format == SourceFormat::Json && self.items.len() > 4 {
            let wanted: rustc_hash::FxHashSet<&str> = self
                .items
                .iter()
                .filter(|d| d.location.is_none())
                .map(|d| d.pointer.as_str())
                .collect();
            locate::locate_many_json(text, &wanted)
        } else {
            rustc_hash::FxHashMap::default()
        };
        for item in &mut self.items {
            if item.location.is_none() && item.file.is_none() {
                if let Some(at) = batch.get(&item.pointer) {
                    item.location = Some(*at);
                    continue;
                }
                item.location = locate::locate(text, format, &item.pointer).or_else(|| {
                    locate::locate_nearest(text, format, &item.pointer).map(|(_, at)| at)
                });
            }
        }
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.location.map(|at| (at.line, at.column));
            a.file
                .cmp(&b.file)
                .then_with(|| key(a).cmp(&key(b)))
                .then_with(|| a.pointer.cmp(&b.pointer))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.items.dedup();
    }

    /// Renders every problem, one per line, with `file` as the source name.
    pub fn render(&self, file: &str) -> String {
        let mut out = String::new();
        for item in &self.items {
            out.push_str(&item.render(file));
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("<spec>"))
    }
}

pub use crate::pointer::{child, escape_token};
