//! What changed for users of the generated crate between two versions of a spec.
//!
//! Both versions are compared as IR `Api`s, never as documents, so a 3.0 and a
//! 3.1 rendering of the same API, or `nullable: true` against `type: [.., "null"]`,
//! compare equal: only what reaches the generated Rust code counts.
//!
//! # Matching
//!
//! - Operations match by `operationId`, then by method and path. A matched operation
//!   whose path or method differs is reported as moved, not as removed and added.
//! - Types match by Rust name. The remaining ones are paired as *renames* when both
//!   versions use them at the same position (the same operation's body, response or
//!   parameter, the same field of matched types, ...), or, failing that, when their
//!   structure is identical and unique. A `$ref` rename is therefore reported once, as
//!   "type renamed `Old` -> `New`", and the structures are then compared as one type.
//! - Struct fields and parameters match by wire name; enum values by value; union
//!   variants by Rust name.
//!
//! # Sides
//!
//! A type reachable from an operation's parameters or request body is *request-side*
//! (callers build its values); one reachable from a response (or a webhook payload) is
//! *response-side* (the client builds its values from JSON). A type can be both. Types no
//! operation reaches are treated as both, because they are still public. A matched pair
//! takes the union of its sides in the two versions.
//!
//! # Classification
//!
//! Every change gets two verdicts. The *Rust* verdict ([`Change::severity`], which the
//! semver advice follows) is the point of view of a program that depends on the
//! generated crate (it compiled and worked against the old crate; does it still, against
//! the new one?). The *wire* verdict ([`Change::wire`]) is the point of view of a server
//! or of any HTTP client written against the old spec: renames and argument order do not
//! reach it, a moved path does ([`ChangeKind::wire_verdict`]). The Rust verdicts:
//!
//! | change | request side | response side |
//! |---|---|---|
//! | operation added / removed | non-breaking / breaking | |
//! | client method renamed (`operationId` changed) | breaking | |
//! | path or method changed (same `operationId`) | needs review | |
//! | parameter added, required / optional | breaking (new argument) / non-breaking (new setter) | |
//! | parameter removed, or required-ness changed | breaking (`T` <-> `Option<T>`) | |
//! | parameter style/explode, body content type changed | needs review | |
//! | struct field added, required | breaking (`new` takes it) | breaking (`new` takes it; wire: non-breaking) |
//! | struct field added, optional | non-breaking (`#[non_exhaustive]`, new `with_*` setter) | non-breaking |
//! | struct field removed, renamed, retyped | breaking | breaking |
//! | field required <-> optional, nullable changed | breaking (`T` <-> `Option<T>`) | breaking |
//! | optional <-> nullable with the Rust type still `Option<T>` | needs review (`None` omitted vs sent as `null`) | non-breaking |
//! | format changed (`String` -> `Uuid`, `i32` -> `i64`, ...) | breaking | breaking |
//! | enum value added | non-breaking | non-breaking (`#[non_exhaustive]` + `Unknown`) |
//! | enum value removed | breaking | breaking |
//! | union variant added | non-breaking | non-breaking (`#[non_exhaustive]`; wire: needs review) |
//! | constraint tightened (`minItems` 6 -> 8) | breaking | needs review |
//! | constraint loosened (`minItems` 8 -> 6) | non-breaking | needs review |
//! | constraint changed incomparably (new `pattern`) | needs review | needs review |
//! | response status added / removed that adds / removes a variant of the outcome enum | | non-breaking (`#[non_exhaustive]`) / breaking |
//! | return or error type changed | | breaking |
//! | security: an accepted alternative removed | breaking (the client refuses to send without the credential) | |
//! | security: alternatives only added | non-breaking | |
//! | security scheme removed or changed kind / added | breaking / non-breaking | |
//! | default server (`DEFAULT_BASE_URL`) changed | needs review | |
//! | other servers added/removed | non-breaking | |
//! | type renamed / removed / added | breaking / breaking / non-breaking | |
//! | type changed kind (struct <-> enum <-> union <-> alias) | breaking | breaking |
//! | `additionalProperties` map added / removed | breaking / breaking | non-breaking / breaking |
//! | `additionalProperties: false` added (unknown fields refused) | non-breaking | needs review |
//! | union discriminator or variant tags changed | needs review | needs review |
//! | response status documented with the Rust types unchanged | | non-breaking |
//! | operation deprecated / undeprecated | non-breaking | |
//! | docs, examples, `info`, the OpenAPI version | not reported | not reported |
//!
//! Adding an optional field is non-breaking on both sides because generated structs are
//! `#[non_exhaustive]` and built with `new` and `with_*` setters, never with struct
//! literals; a required field is a new argument of `new`, so it breaks code that builds
//! the values (requests, and responses in tests and mocks). When a type is on both
//! sides, the more severe classification wins.
//!
//! # Version bump
//!
//! [`Report::semver_bump`]: any breaking change → [`Bump::Major`]; otherwise any
//! needs-review change or any addition → [`Bump::Minor`]; otherwise any change →
//! [`Bump::Patch`]; no change → [`Bump::None`]. [`Bump::apply`] maps that onto a
//! version the Cargo way: the generated crate is `0.y.z`, so a major bump increments
//! `y` and minor and patch bumps increment `z` (for `0.0.z` every bump increments `z`;
//! from `1.0.0` on, the usual semver rules).

use std::fmt;
use std::str::FromStr;

use serde_json::json;

use crate::ir::Api;
use text::{md_cell, md_code, truncate};

mod compare;
mod matching;
mod sides;
#[cfg(test)]
mod tests;
mod text;

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

/// How a change affects a program that depends on the generated crate.
///
/// Ordered from most to least severe: `Breaking < NeedsReview < NonBreaking`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Code that compiled (or calls that worked) against the old crate may not any more.
    Breaking,
    /// Same Rust API, but behaviour a program may rely on changed: look at it.
    NeedsReview,
    /// Compatible: nothing that compiled or worked before stops doing so.
    NonBreaking,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 3] = [
        Severity::Breaking,
        Severity::NeedsReview,
        Severity::NonBreaking,
    ];

    /// `breaking`, `needs-review` or `non-breaking` (the JSON and command-line spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NeedsReview => "needs-review",
            Severity::NonBreaking => "non-breaking",
        }
    }

    /// A heading: `Breaking`, `Needs review`, `Non-breaking`.
    pub fn title(self) -> &'static str {
        match self {
            Severity::Breaking => "Breaking",
            Severity::NeedsReview => "Needs review",
            Severity::NonBreaking => "Non-breaking",
        }
    }

    /// True when `self` is `threshold` or more severe.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    /// Accepts `breaking`, `needs-review` (or `review`) and `non-breaking`, any case,
    /// with `-` or `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "breaking" => Ok(Severity::Breaking),
            "needs-review" | "review" => Ok(Severity::NeedsReview),
            "non-breaking" | "nonbreaking" => Ok(Severity::NonBreaking),
            other => Err(format!(
                "unknown severity `{other}` (expected breaking, needs-review or non-breaking)"
            )),
        }
    }
}

/// What kind of change: a stable code for tools ([`ChangeKind::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// An operation (client method) was added.
    OperationAdded,
    /// An operation (client method) was removed.
    OperationRemoved,
    /// Same operation, other path.
    OperationPathChanged,
    /// Same operation, other HTTP method.
    OperationMethodChanged,
    /// The client method's name changed (`operationId` changed).
    MethodRenamed,
    /// `deprecated` changed.
    OperationDeprecated,
    /// A parameter was added.
    ParamAdded,
    /// A parameter was removed.
    ParamRemoved,
    /// A parameter became required or optional.
    ParamRequiredChanged,
    /// A parameter's Rust name changed (same wire name).
    ParamRenamed,
    /// A parameter's `style`/`explode` changed.
    ParamEncodingChanged,
    /// Path parameters (positional arguments) changed order.
    PathParamsReordered,
    /// A request body was added.
    BodyAdded,
    /// The request body was removed.
    BodyRemoved,
    /// The request body became required or optional.
    BodyRequiredChanged,
    /// The request body's content type changed.
    BodyContentTypeChanged,
    /// A response status was documented.
    ResponseAdded,
    /// A response status is no longer documented.
    ResponseRemoved,
    /// A status moved between success and error.
    ResponseStatusChanged,
    /// The method's success type changed.
    ReturnTypeChanged,
    /// The method's error type changed.
    ErrorTypeChanged,
    /// A struct field was added.
    FieldAdded,
    /// A struct field was removed.
    FieldRemoved,
    /// A field's Rust name changed (same wire name).
    FieldRenamed,
    /// A field became required or optional, or nullable or not.
    FieldRequiredChanged,
    /// `additionalProperties` changed.
    AdditionalPropertiesChanged,
    /// Unknown properties became refused or accepted.
    UnknownFieldsChanged,
    /// A value position has another Rust type.
    TypeChanged,
    /// A value position has another primitive type (`format` or `type` changed).
    FormatChanged,
    /// An enum value was added.
    EnumValueAdded,
    /// An enum value was removed.
    EnumValueRemoved,
    /// An enum variant's Rust name changed (same value).
    EnumVariantRenamed,
    /// An enum changed between string and integer values.
    EnumReprChanged,
    /// A union variant was added.
    UnionVariantAdded,
    /// A union variant was removed.
    UnionVariantRemoved,
    /// A union's discriminator or a variant's tags changed.
    DiscriminatorChanged,
    /// A named type was added.
    TypeAdded,
    /// A named type was removed.
    TypeRemoved,
    /// A named type got another name (a `$ref` rename).
    TypeRenamed,
    /// A named type changed between struct, enum, union and alias.
    TypeKindChanged,
    /// A constraint now refuses values it accepted.
    ConstraintTightened,
    /// A constraint now accepts values it refused.
    ConstraintLoosened,
    /// A constraint changed in a way that is neither (e.g. another `pattern`).
    ConstraintChanged,
    /// An operation's security requirements changed.
    SecurityChanged,
    /// A security scheme (and its client setter) was added.
    SecuritySchemeAdded,
    /// A security scheme (and its client setter) was removed.
    SecuritySchemeRemoved,
    /// A security scheme changed kind.
    SecuritySchemeChanged,
    /// The first server (the client's default base URL) changed.
    ServerChanged,
    /// A server was added.
    ServerAdded,
    /// A server was removed.
    ServerRemoved,
    /// A webhook was added.
    WebhookAdded,
    /// A webhook was removed.
    WebhookRemoved,
}

impl ChangeKind {
    /// A stable kebab-case code (`operation-removed`).
    pub fn code(self) -> &'static str {
        use ChangeKind::*;
        match self {
            OperationAdded => "operation-added",
            OperationRemoved => "operation-removed",
            OperationPathChanged => "operation-path-changed",
            OperationMethodChanged => "operation-method-changed",
            MethodRenamed => "method-renamed",
            OperationDeprecated => "operation-deprecated",
            ParamAdded => "param-added",
            ParamRemoved => "param-removed",
            ParamRequiredChanged => "param-required-changed",
            ParamRenamed => "param-renamed",
            ParamEncodingChanged => "param-encoding-changed",
            PathParamsReordered => "path-params-reordered",
            BodyAdded => "body-added",
            BodyRemoved => "body-removed",
            BodyRequiredChanged => "body-required-changed",
            BodyContentTypeChanged => "body-content-type-changed",
            ResponseAdded => "response-added",
            ResponseRemoved => "response-removed",
            ResponseStatusChanged => "response-status-changed",
            ReturnTypeChanged => "return-type-changed",
            ErrorTypeChanged => "error-type-changed",
            FieldAdded => "field-added",
            FieldRemoved => "field-removed",
            FieldRenamed => "field-renamed",
            FieldRequiredChanged => "field-required-changed",
            AdditionalPropertiesChanged => "additional-properties-changed",
            UnknownFieldsChanged => "unknown-fields-changed",
            TypeChanged => "type-changed",
            FormatChanged => "format-changed",
            EnumValueAdded => "enum-value-added",
            EnumValueRemoved => "enum-value-removed",
            EnumVariantRenamed => "enum-variant-renamed",
            EnumReprChanged => "enum-repr-changed",
            UnionVariantAdded => "union-variant-added",
            UnionVariantRemoved => "union-variant-removed",
            DiscriminatorChanged => "discriminator-changed",
            TypeAdded => "type-added",
            TypeRemoved => "type-removed",
            TypeRenamed => "type-renamed",
            TypeKindChanged => "type-kind-changed",
            ConstraintTightened => "constraint-tightened",
            ConstraintLoosened => "constraint-loosened",
            ConstraintChanged => "constraint-changed",
            SecurityChanged => "security-changed",
            SecuritySchemeAdded => "security-scheme-added",
            SecuritySchemeRemoved => "security-scheme-removed",
            SecuritySchemeChanged => "security-scheme-changed",
            ServerChanged => "server-changed",
            ServerAdded => "server-added",
            ServerRemoved => "server-removed",
            WebhookAdded => "webhook-added",
            WebhookRemoved => "webhook-removed",
        }
    }

    /// True for changes that add API surface (a compatible one is a minor bump).
    pub fn is_addition(self) -> bool {
        use ChangeKind::*;
        matches!(
            self,
            OperationAdded
                | OperationDeprecated
                | ParamAdded
                | BodyAdded
                | ResponseAdded
                | FieldAdded
                | AdditionalPropertiesChanged
                | EnumValueAdded
                | UnionVariantAdded
                | TypeAdded
                | SecurityChanged
                | SecuritySchemeAdded
                | ServerAdded
                | WebhookAdded
        )
    }
}

impl ChangeKind {
    /// The wire verdict of a change of this kind whose Rust verdict is `rust`: the same
    /// for changes of what is sent or read, non-breaking for changes only Rust code
    /// sees (names, argument order, added types), breaking for changes of where or how
    /// a request goes that keep the Rust API as it is. Push sites whose wire verdict
    /// depends on the change's direction give it themselves.
    pub fn wire_verdict(self, rust: Severity) -> Severity {
        use ChangeKind::*;
        match self {
            // Only Rust code sees these.
            MethodRenamed | ParamRenamed | PathParamsReordered | FieldRenamed
            | EnumVariantRenamed | TypeAdded | TypeRemoved | TypeRenamed | OperationDeprecated
            | SecuritySchemeAdded | WebhookAdded | ServerAdded | ServerRemoved => {
                Severity::NonBreaking
            }
            // The Rust API stays; the request goes elsewhere or is written otherwise.
            OperationPathChanged
            | OperationMethodChanged
            | ParamEncodingChanged
            | BodyContentTypeChanged => Severity::Breaking,
            // What is sent or read changed: the wire sees what Rust code sees.
            OperationAdded
            | OperationRemoved
            | ParamAdded
            | ParamRemoved
            | ParamRequiredChanged
            | BodyAdded
            | BodyRemoved
            | BodyRequiredChanged
            | ResponseAdded
            | ResponseRemoved
            | ResponseStatusChanged
            | ReturnTypeChanged
            | ErrorTypeChanged
            | FieldAdded
            | FieldRemoved
            | FieldRequiredChanged
            | AdditionalPropertiesChanged
            | UnknownFieldsChanged
            | TypeChanged
            | FormatChanged
            | EnumValueAdded
            | EnumValueRemoved
            | EnumReprChanged
            | UnionVariantAdded
            | UnionVariantRemoved
            | DiscriminatorChanged
            | TypeKindChanged
            | ConstraintTightened
            | ConstraintLoosened
            | ConstraintChanged
            | SecurityChanged
            | SecuritySchemeRemoved
            | SecuritySchemeChanged
            | ServerChanged
            | WebhookRemoved => rust,
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How it affects Rust code that depends on the generated crate (the semver advice
    /// follows this verdict).
    pub severity: Severity,
    /// How it affects the wire contract: what a server, or any HTTP client written
    /// against the old spec, sees.
    pub wire: Severity,
    /// What kind of change.
    pub kind: ChangeKind,
    /// Where: `POST /path`, `POST /path query:name`, `Type.field`, `Type`, ...
    pub location: String,
    /// What changed and what it means for the generated code.
    pub message: String,
}

/// The changes between two versions, sorted by severity (most severe first), then
/// location, kind and message; without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes.
    pub changes: Vec<Change>,
}

/// A suggested version bump for the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Compatible changes that add nothing.
    Patch,
    /// Compatible additions, or changes that need review.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The next version after `version` (`x.y.z`, pre-release and build suffixes
    /// dropped) under Cargo's rules: for `0.y.z` a major bump gives `0.(y+1).0` and
    /// minor and patch bumps `0.y.(z+1)`; for `0.0.z` every bump gives `0.0.(z+1)`; from
    /// `1.0.0` on, the usual semver bumps. `None` when `version` is not `x.y.z`.
    pub fn apply(self, version: &str) -> Option<String> {
        let core = version.trim().split(['-', '+']).next().unwrap_or_default();
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let (Some(Some(x)), Some(Some(y)), Some(Some(z)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let (x, y, z) = match (self, x, y) {
            (Bump::None, ..) => (x, y, z),
            (_, 0, 0) => (0, 0, z.saturating_add(1)),
            (Bump::Major, 0, _) => (0, y.saturating_add(1), 0),
            (Bump::Minor | Bump::Patch, 0, _) => (0, y, z.saturating_add(1)),
            (Bump::Major, ..) => (x.saturating_add(1), 0, 0),
            (Bump::Minor, ..) => (x, y.saturating_add(1), 0),
            (Bump::Patch, ..) => (x, y, z.saturating_add(1)),
        };
        Some(format!("{x}.{y}.{z}"))
    }

    /// What the bump means for the `0.y.z` generated crate.
    fn explain(self) -> &'static str {
        match self {
            Bump::None => "no change",
            Bump::Patch => "compatible changes, nothing added; a 0.y.z crate bumps z",
            Bump::Minor => "compatible additions or changes to review; a 0.y.z crate bumps z",
            Bump::Major => "breaking changes; a 0.y.z crate bumps y",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Human text ([`Report::render_text`]).
    #[default]
    Text,
    /// A pull-request comment ([`Report::render_markdown`]).
    Markdown,
    /// For tools ([`Report::render_json`]).
    Json,
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(OutputFormat::Text),
            "markdown" | "md" => Ok(OutputFormat::Markdown),
            "json" => Ok(OutputFormat::Json),
            other => Err(format!(
                "unknown format `{other}` (expected text, markdown or json)"
            )),
        }
    }
}

impl Report {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Number of changes of exactly this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }

    /// True when some change is `threshold` or more severe: `has(Breaking)` for
    /// `--fail-on breaking`, `has(NeedsReview)` for `--fail-on needs-review` (which
    /// also fails on breaking changes), `has(NonBreaking)` for any change.
    pub fn has(&self, threshold: Severity) -> bool {
        self.changes.iter().any(|c| c.severity.at_least(threshold))
    }

    /// The number of changes whose wire verdict is `severity`.
    pub fn count_wire(&self, severity: Severity) -> usize {
        self.changes.iter().filter(|c| c.wire == severity).count()
    }

    /// True when some change's wire verdict is `threshold` or more severe.
    pub fn has_wire(&self, threshold: Severity) -> bool {
        self.changes.iter().any(|c| c.wire.at_least(threshold))
    }

    /// The suggested version bump (see the module docs for the rule).
    pub fn semver_bump(&self) -> Bump {
        if self.changes.is_empty() {
            Bump::None
        } else if self.has(Severity::Breaking) {
            Bump::Major
        } else if self.has(Severity::NeedsReview)
            || self.changes.iter().any(|c| c.kind.is_addition())
        {
            Bump::Minor
        } else {
            Bump::Patch
        }
    }

    /// The report in `format`.
    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Text => self.render_text(),
            OutputFormat::Markdown => self.render_markdown(),
            OutputFormat::Json => self.render_json(),
        }
    }

    fn counts_line(&self) -> String {
        format!(
            "Rust: {} breaking, {} needs review, {} non-breaking; wire: {} breaking, {} needs review, {} non-breaking",
            self.count(Severity::Breaking),
            self.count(Severity::NeedsReview),
            self.count(Severity::NonBreaking),
            self.count_wire(Severity::Breaking),
            self.count_wire(Severity::NeedsReview),
            self.count_wire(Severity::NonBreaking)
        )
    }

    /// Human text: counts, suggested bump, then the changes grouped by severity.
    pub fn render_text(&self) -> String {
        if self.is_empty() {
            return "No API changes.\n".to_owned();
        }
        let bump = self.semver_bump();
        let mut out = format!(
            "{} change{}: {}\nSuggested version bump: {} ({})\n",
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.counts_line(),
            bump,
            bump.explain()
        );
        for severity in Severity::ALL {
            let group: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.severity == severity)
                .collect();
            if group.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{} ({}):\n", severity.title(), group.len()));
            for change in group {
                out.push_str(&format!(
                    "  - {}: {} [{}; wire: {}]\n",
                    change.location, change.message, change.kind, change.wire
                ));
            }
        }
        out
    }

    /// Markdown for a pull-request comment: a heading, counts, one table per severity.
    pub fn render_markdown(&self) -> String {
        let mut out = String::from("## API changes\n\n");
        if self.is_empty() {
            out.push_str("No changes to the generated crate's API.\n");
            return out;
        }
        let bump = self.semver_bump();
        out.push_str(&format!(
            "Rust API: **{}** breaking, **{}** needs review, **{}** non-breaking. Wire: **{}** breaking, **{}** needs review, **{}** non-breaking. Suggested version bump: **{}** ({}).\n",
            self.count(Severity::Breaking),
            self.count(Severity::NeedsReview),
            self.count(Severity::NonBreaking),
            self.count_wire(Severity::Breaking),
            self.count_wire(Severity::NeedsReview),
            self.count_wire(Severity::NonBreaking),
            bump,
            bump.explain()
        ));
        for severity in Severity::ALL {
            let group: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.severity == severity)
                .collect();
            if group.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n### {} ({})\n\n| Change | Where | What | Wire |\n| --- | --- | --- | --- |\n",
                severity.title(),
                group.len()
            ));
            for change in group {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} |\n",
                    change.kind,
                    md_code(&change.location),
                    md_cell(&change.message),
                    change.wire
                ));
            }
        }
        out
    }

    /// JSON for tools: `{ "summary": {..}, "semver_bump": "..", "changes": [..] }`.
    pub fn render_json(&self) -> String {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "severity": c.severity.as_str(),
                    "wire": c.wire.as_str(),
                    "code": c.kind.code(),
                    "location": c.location,
                    "message": c.message,
                })
            })
            .collect();
        let value = json!({
            "summary": {
                "total": self.changes.len(),
                "breaking": self.count(Severity::Breaking),
                "needs_review": self.count(Severity::NeedsReview),
                "non_breaking": self.count(Severity::NonBreaking),
                "wire": {
                    "breaking": self.count_wire(Severity::Breaking),
                    "needs_review": self.count_wire(Severity::NeedsReview),
                    "non_breaking": self.count_wire(Severity::NonBreaking),
                },
            },
            "semver_bump": self.semver_bump().as_str(),
            "changes": changes,
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// At most `max_lines` lines for a terminal: a counts line, then the most severe
    /// changes one per line (long messages cut), then `... and N more` when cut.
    pub fn summary(&self, max_lines: usize) -> String {
        if max_lines == 0 {
            return String::new();
        }
        if self.is_empty() {
            return "API changes: none\n".to_owned();
        }
        let mut out = format!(
            "API changes: {} (suggested version bump: {})\n",
            self.counts_line(),
            self.semver_bump()
        );
        let room = max_lines - 1;
        let shown = if self.changes.len() <= room {
            self.changes.len()
        } else {
            room.saturating_sub(1)
        };
        for change in &self.changes[..shown] {
            let line = format!(
                "  {:<13} {}: {}",
                change.severity.as_str(),
                change.location,
                change.message
            );
            out.push_str(&truncate(&line, 160));
            out.push('\n');
        }
        if shown < self.changes.len() && room > 0 {
            out.push_str(&format!(
                "  ... and {} more (cargo xtask diff for the full report)\n",
                self.changes.len() - shown
            ));
        }
        out
    }
}

/// Compares two APIs.
pub(crate) fn diff(old: &Api, new: &Api) -> Report {
    let mut changes = compare::changes(old, new);
    changes.sort_by(|a, b| {
        (a.severity, &a.location, a.kind, &a.message).cmp(&(
            b.severity,
            &b.location,
            b.kind,
            &b.message,
        ))
    });
    changes.dedup();
    Report { changes }
}
