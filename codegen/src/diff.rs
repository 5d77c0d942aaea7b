//! What changed for users of the generated crate between two versions of a spec.
//!
//! Both versions are compared as [`Api`]s (the IR), never as documents, so a 3.0 and a
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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;
use std::str::FromStr;

use serde_json::json;

use crate::ir::{
    Api, Check, CheckKind, Checks, EnumRepr, ErrorType, Field, Method, Operation, Param,
    ParamLocation, ParamStyle, Prim, RequestBody, Response, Role, SecurityKind, StatusMatch,
    Struct, SuccessType, TypeDef, TypeKind, TypeRef, Union,
};

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
pub fn diff(old: &Api, new: &Api) -> Report {
    let matching = Matching::build(old, new);
    let mut differ = Differ {
        old,
        new,
        old_sides: sides(old),
        new_sides: sides(new),
        m: matching,
        covered: HashSet::new(),
        changes: Vec::new(),
    };
    differ.run();
    let mut changes = differ.changes;
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

/// Loads a spec for comparison: its IR, or the rendered diagnostics when it does not load
/// or has errors.
pub fn load_api(text: &str, name: &str) -> Result<Api, String> {
    let format = crate::load::detect_format(name, text);
    match crate::analyze(text, format) {
        Ok((api, _doc, diags)) if !diags.has_errors() => Ok(api),
        Ok((_, _, diags)) | Err(diags) => Err(diags.render(name)),
    }
}

/// Loads both specs (file names decide JSON or YAML and appear in errors) and compares.
pub fn diff_texts(
    old_text: &str,
    old_name: &str,
    new_text: &str,
    new_name: &str,
) -> Result<Report, String> {
    let old = load_api(old_text, old_name)?;
    let new = load_api(new_text, new_name)?;
    Ok(diff(&old, &new))
}

// ---------------------------------------------------------------------------------------
// Rendering helpers
// ---------------------------------------------------------------------------------------

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(3)).collect();
    out.push_str("...");
    out
}

fn md_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

fn md_code(text: &str) -> String {
    if text.contains('`') {
        md_cell(text)
    } else {
        format!("`{}`", md_cell(text))
    }
}

fn prim_name(prim: Prim) -> &'static str {
    match prim {
        Prim::String => "String",
        Prim::Bool => "bool",
        Prim::I32 => "i32",
        Prim::I64 => "i64",
        Prim::U32 => "u32",
        Prim::U64 => "u64",
        Prim::F32 => "f32",
        Prim::F64 => "f64",
        Prim::Uuid => "Uuid",
        Prim::DateTime => "DateTime<Utc>",
        Prim::Date => "NaiveDate",
        Prim::Base64 => "Base64",
        Prim::Bytes => "Bytes",
        Prim::Json => "serde_json::Value",
        Prim::JsonObject => "serde_json::Map<String, Value>",
        Prim::Unit => "()",
    }
}

/// The JSON type a primitive is read from.
fn json_type(prim: Prim) -> &'static str {
    match prim {
        Prim::String | Prim::Uuid | Prim::DateTime | Prim::Date | Prim::Base64 | Prim::Bytes => {
            "string"
        }
        Prim::I32 | Prim::I64 | Prim::U32 | Prim::U64 => "integer",
        Prim::F32 | Prim::F64 => "number",
        Prim::Bool => "boolean",
        Prim::Json => "any",
        Prim::JsonObject => "object",
        Prim::Unit => "none",
    }
}

/// The spec wording for a primitive: `type` and `format`.
fn prim_spec(prim: Prim) -> &'static str {
    match prim {
        Prim::String => "string",
        Prim::Bool => "boolean",
        Prim::I32 => "integer/int32",
        Prim::I64 => "integer/int64",
        Prim::U32 => "integer/uint32",
        Prim::U64 => "integer/uint64",
        Prim::F32 => "number/float",
        Prim::F64 => "number",
        Prim::Uuid => "string/uuid",
        Prim::DateTime => "string/date-time",
        Prim::Date => "string/date",
        Prim::Base64 => "string/byte",
        Prim::Bytes => "string/binary",
        Prim::Json => "any",
        Prim::JsonObject => "object",
        Prim::Unit => "no content",
    }
}

fn render(ty: &TypeRef, name: &dyn Fn(usize) -> String) -> String {
    match ty {
        TypeRef::Named(id) => name(id.0),
        TypeRef::Prim(prim) => prim_name(*prim).to_owned(),
        TypeRef::Vec(inner) => format!("Vec<{}>", render(inner, name)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", render(inner, name)),
        TypeRef::Option(inner) => format!("Option<{}>", render(inner, name)),
        TypeRef::Box(inner) => format!("Box<{}>", render(inner, name)),
        TypeRef::Tuple(members) => {
            let members: Vec<String> = members.iter().map(|m| render(m, name)).collect();
            if members.len() == 1 {
                format!("({},)", members[0])
            } else {
                format!("({})", members.join(", "))
            }
        }
        TypeRef::Checked(inner, _) => format!("Checked<{}>", render(inner, name)),
    }
}

/// The first differing primitive when two types have the same shape otherwise.
fn prim_change(old: &TypeRef, new: &TypeRef) -> Option<(Prim, Prim)> {
    match (old, new) {
        (TypeRef::Prim(a), TypeRef::Prim(b)) if a != b => Some((*a, *b)),
        (TypeRef::Vec(a), TypeRef::Vec(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::Option(a), TypeRef::Option(b))
        | (TypeRef::Box(a), TypeRef::Box(b))
        | (TypeRef::Checked(a, _), TypeRef::Checked(b, _)) => prim_change(a, b),
        _ => None,
    }
}

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(digit) => format!("{digit}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

fn bare(name: &str) -> &str {
    name.trim_start_matches("r#")
}

fn op_label(op: &Operation) -> String {
    format!("{} {}", op.method.as_upper(), op.path)
}

fn kind_text(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Union(_) => "a union enum",
        TypeKind::Alias(_) => "a type alias",
    }
}

fn security_kind_text(kind: &SecurityKind) -> String {
    match kind {
        SecurityKind::Bearer => "bearer token".to_owned(),
        SecurityKind::Basic => "HTTP basic".to_owned(),
        SecurityKind::ApiKeyHeader(name) => format!("API key in header `{name}`"),
        SecurityKind::ApiKeyQuery(name) => format!("API key in query `{name}`"),
        SecurityKind::ApiKeyCookie(name) => format!("API key in cookie `{name}`"),
    }
}

// ---------------------------------------------------------------------------------------
// Sides
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Side {
    request: bool,
    response: bool,
}

impl Side {
    const REQUEST: Side = Side {
        request: true,
        response: false,
    };
    const RESPONSE: Side = Side {
        request: false,
        response: true,
    };
    const BOTH: Side = Side {
        request: true,
        response: true,
    };

    fn union(self, other: Side) -> Side {
        Side {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    fn contains(self, other: Side) -> bool {
        (self.request || !other.request) && (self.response || !other.response)
    }

    fn text(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request and response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unused",
        }
    }
}

/// The types a type's values contain.
fn children(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(&s.extra).collect(),
        TypeKind::Enum(_) => Vec::new(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
    }
}

fn named_in(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(id) => out.push(id.0),
        TypeRef::Prim(_) => {}
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner)
        | TypeRef::Checked(inner, _) => named_in(inner, out),
        TypeRef::Tuple(members) => members.iter().for_each(|m| named_in(m, out)),
    }
}

/// Which side each type is on (unreachable types count as both).
fn sides(api: &Api) -> Vec<Side> {
    let mut sides = vec![Side::default(); api.types.len()];
    let mut roots: Vec<(&TypeRef, Side)> = Vec::new();
    let mut root_ids: Vec<(usize, Side)> = Vec::new();
    for op in &api.operations {
        for param in &op.params {
            roots.push((&param.ty, Side::REQUEST));
        }
        root_ids.push((op.params_type.0, Side::REQUEST));
        if let Some(body) = &op.body {
            roots.push((&body.ty, Side::REQUEST));
        }
        for response in &op.responses {
            roots.push((&response.ty, Side::RESPONSE));
        }
        match &op.success {
            SuccessType::Single(ty) => roots.push((ty, Side::RESPONSE)),
            SuccessType::Enum(id) => root_ids.push((id.0, Side::RESPONSE)),
        }
        match &op.error {
            ErrorType::None => {}
            ErrorType::Single(ty) => roots.push((ty, Side::RESPONSE)),
            ErrorType::Enum(id) => root_ids.push((id.0, Side::RESPONSE)),
        }
    }
    for webhook in &api.webhooks {
        if let Some(ty) = &webhook.body {
            roots.push((ty, Side::RESPONSE));
        }
    }
    let mut stack: Vec<(usize, Side)> = root_ids;
    for (ty, side) in roots {
        let mut ids = Vec::new();
        named_in(ty, &mut ids);
        stack.extend(ids.into_iter().map(|id| (id, side)));
    }
    while let Some((id, side)) = stack.pop() {
        let Some(current) = sides.get_mut(id) else {
            continue;
        };
        if current.contains(side) {
            continue;
        }
        *current = current.union(side);
        if let Some(def) = api.types.get(id) {
            let mut ids = Vec::new();
            for child in children(def) {
                named_in(child, &mut ids);
            }
            stack.extend(ids.into_iter().map(|id| (id, side)));
        }
    }
    for side in &mut sides {
        if *side == Side::default() {
            *side = Side::BOTH;
        }
    }
    sides
}

// ---------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------

/// Operations and types paired between the versions.
struct Matching {
    /// (old index, new index) of matched operations, in old order.
    ops: Vec<(usize, usize)>,
    removed_ops: Vec<usize>,
    added_ops: Vec<usize>,
    old_to_new: Vec<Option<usize>>,
    new_to_old: Vec<Option<usize>>,
}

impl Matching {
    fn build(old: &Api, new: &Api) -> Matching {
        let mut m = Matching {
            ops: Vec::new(),
            removed_ops: Vec::new(),
            added_ops: Vec::new(),
            old_to_new: vec![None; old.types.len()],
            new_to_old: vec![None; new.types.len()],
        };
        m.match_operations(old, new);
        let by_name: HashMap<&str, usize> = new
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        for (i, def) in old.types.iter().enumerate() {
            if let Some(&j) = by_name.get(def.name.as_str()) {
                if m.new_to_old[j].is_none() {
                    m.old_to_new[i] = Some(j);
                    m.new_to_old[j] = Some(i);
                }
            }
        }
        let mut finder = RenameFinder {
            old,
            new,
            m: &mut m,
            visited: HashSet::new(),
            pending: VecDeque::new(),
        };
        finder.walk_operations();
        m.match_by_structure(old, new);
        m
    }

    fn match_operations(&mut self, old: &Api, new: &Api) {
        let mut new_used = vec![false; new.operations.len()];
        let mut old_used = vec![false; old.operations.len()];
        let mut pairs = Vec::new();
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, op) in new.operations.iter().enumerate() {
            if !op.operation_id.is_empty() {
                by_id.entry(op.operation_id.as_str()).or_default().push(j);
            }
        }
        for (i, op) in old.operations.iter().enumerate() {
            if op.operation_id.is_empty() {
                continue;
            }
            let found = by_id
                .get(op.operation_id.as_str())
                .and_then(|js| js.iter().copied().find(|&j| !new_used[j]));
            if let Some(j) = found {
                new_used[j] = true;
                old_used[i] = true;
                pairs.push((i, j));
            }
        }
        let mut by_route: HashMap<(Method, &str), Vec<usize>> = HashMap::new();
        for (j, op) in new.operations.iter().enumerate() {
            if !new_used[j] {
                by_route
                    .entry((op.method, op.path.as_str()))
                    .or_default()
                    .push(j);
            }
        }
        for (i, op) in old.operations.iter().enumerate() {
            if old_used[i] {
                continue;
            }
            let found = by_route
                .get(&(op.method, op.path.as_str()))
                .and_then(|js| js.iter().copied().find(|&j| !new_used[j]));
            if let Some(j) = found {
                new_used[j] = true;
                old_used[i] = true;
                pairs.push((i, j));
            }
        }
        pairs.sort_unstable();
        self.ops = pairs;
        self.removed_ops = (0..old.operations.len())
            .filter(|&i| !old_used[i])
            .collect();
        self.added_ops = (0..new.operations.len())
            .filter(|&j| !new_used[j])
            .collect();
    }

    fn pair(&mut self, old: usize, new: usize) -> bool {
        let free = self.old_to_new.get(old).is_some_and(Option::is_none)
            && self.new_to_old.get(new).is_some_and(Option::is_none);
        if free {
            self.old_to_new[old] = Some(new);
            self.new_to_old[new] = Some(old);
        }
        free
    }

    /// Pairs leftover types whose structure (with referenced types mapped) is identical
    /// and unique on both sides; repeated while it finds pairs (nested renames).
    fn match_by_structure(&mut self, old: &Api, new: &Api) {
        for _ in 0..8 {
            let mut old_prints: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            let mut new_prints: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, def) in old.types.iter().enumerate() {
                if self.old_to_new[i].is_none() {
                    let name = |id: usize| self.old_name(old, new, id);
                    old_prints
                        .entry(fingerprint(old, def, &name))
                        .or_default()
                        .push(i);
                }
            }
            if old_prints.is_empty() {
                return;
            }
            for (j, def) in new.types.iter().enumerate() {
                if self.new_to_old[j].is_none() {
                    let name = |id: usize| new_name(new, id);
                    new_prints
                        .entry(fingerprint(new, def, &name))
                        .or_default()
                        .push(j);
                }
            }
            let mut found = false;
            for (print, olds) in &old_prints {
                if let (Some(news), [i]) = (new_prints.get(print), olds.as_slice()) {
                    if let [j] = news.as_slice() {
                        found |= self.pair(*i, *j);
                    }
                }
            }
            if !found {
                return;
            }
        }
    }

    /// An old type's name in the new version's terms (its match's name when matched).
    fn old_name(&self, old: &Api, new: &Api, id: usize) -> String {
        match self.old_to_new.get(id).copied().flatten() {
            Some(j) => new_name(new, j),
            None => old
                .types
                .get(id)
                .map_or_else(|| format!("#{id}"), |t| t.name.clone()),
        }
    }
}

fn new_name(api: &Api, id: usize) -> String {
    api.types
        .get(id)
        .map_or_else(|| format!("#{id}"), |t| t.name.clone())
}

fn fingerprint(api: &Api, def: &TypeDef, name: &dyn Fn(usize) -> String) -> String {
    let mut out = format!("{:?}|", def.role);
    match &def.kind {
        TypeKind::Struct(s) => {
            out.push_str("struct{");
            for f in &s.fields {
                out.push_str(&format!(
                    "{}:{}:{}:{}:{};",
                    f.wire_name,
                    f.rust_name,
                    render(&f.ty, name),
                    f.optional,
                    f.nullable
                ));
            }
            if let Some(extra) = &s.extra {
                out.push_str(&format!("..{}", render(extra, name)));
            }
            out.push_str(&format!("}}{}", s.deny_unknown));
        }
        TypeKind::Enum(e) => {
            out.push_str(&format!("enum{:?}[", e.repr));
            for v in &e.variants {
                out.push_str(&format!("{}={};", v.rust_name, v.value));
            }
            out.push(']');
        }
        TypeKind::Union(u) => {
            out.push_str(&format!("union{:?}[", u.discriminator));
            for v in &u.variants {
                out.push_str(&format!(
                    "{}({}){:?};",
                    v.rust_name,
                    render(&v.ty, name),
                    v.tags
                ));
            }
            out.push(']');
        }
        TypeKind::Alias(ty) => {
            out.push_str(&format!("alias {}", render(ty, name)));
            if let TypeRef::Checked(_, rule) = ty {
                if let Some(rule) = api.rules.get(rule.0) {
                    out.push_str(&format!(" {:?}", rule.checks));
                }
            }
        }
    }
    out
}

/// Pairs types that the two versions use at the same positions (renames).
struct RenameFinder<'a, 'm> {
    old: &'a Api,
    new: &'a Api,
    m: &'m mut Matching,
    visited: HashSet<(usize, usize)>,
    /// Pairs of types met at the same position, to look at breadth-first (no recursion,
    /// so deep type graphs cannot overflow the stack; nearer positions decide first).
    pending: VecDeque<(usize, usize)>,
}

impl<'a> RenameFinder<'a, '_> {
    fn walk_operations(&mut self) {
        let ops = self.m.ops.clone();
        for (i, j) in ops {
            let (Some(o), Some(n)) = (self.old.operations.get(i), self.new.operations.get(j))
            else {
                continue;
            };
            for po in &o.params {
                if let Some(pn) = n
                    .params
                    .iter()
                    .find(|p| p.location == po.location && p.wire_name == po.wire_name)
                {
                    self.walk(&po.ty, &pn.ty);
                }
            }
            self.pair_ids(o.params_type.0, n.params_type.0);
            if let (Some(a), Some(b)) = (&o.body, &n.body) {
                self.walk(&a.ty, &b.ty);
            }
            for ro in &o.responses {
                if let Some(rn) = n.responses.iter().find(|r| r.status == ro.status) {
                    self.walk(&ro.ty, &rn.ty);
                }
            }
            match (&o.success, &n.success) {
                (SuccessType::Single(a), SuccessType::Single(b)) => self.walk(a, b),
                (SuccessType::Enum(a), SuccessType::Enum(b)) => self.pair_ids(a.0, b.0),
                _ => {}
            }
            match (&o.error, &n.error) {
                (ErrorType::Single(a), ErrorType::Single(b)) => self.walk(a, b),
                (ErrorType::Enum(a), ErrorType::Enum(b)) => self.pair_ids(a.0, b.0),
                _ => {}
            }
        }
        for wo in &self.old.webhooks {
            if let Some(wn) = self.new.webhooks.iter().find(|w| w.name == wo.name) {
                if let (Some(a), Some(b)) = (&wo.body, &wn.body) {
                    self.walk(a, b);
                }
            }
        }
        self.drain();
    }

    fn walk(&mut self, old: &'a TypeRef, new: &'a TypeRef) {
        match (old.strip(), new.strip()) {
            (TypeRef::Named(a), TypeRef::Named(b)) => self.pair_ids(a.0, b.0),
            (TypeRef::Vec(a), TypeRef::Vec(b))
            | (TypeRef::Map(a), TypeRef::Map(b))
            | (TypeRef::Checked(a, _), TypeRef::Checked(b, _)) => self.walk(a, b),
            (TypeRef::Tuple(a), TypeRef::Tuple(b)) => {
                for (x, y) in a.iter().zip(b) {
                    self.walk(x, y);
                }
            }
            _ => {}
        }
    }

    fn pair_ids(&mut self, a: usize, b: usize) {
        if self.visited.insert((a, b)) {
            self.pending.push_back((a, b));
        }
    }

    fn drain(&mut self) {
        while let Some((a, b)) = self.pending.pop_front() {
            self.expand(a, b);
        }
    }

    /// Pairs `a` and `b` when both are unmatched and of the same kind, then queues the
    /// types at their common positions.
    fn expand(&mut self, a: usize, b: usize) {
        let (Some(da), Some(db)) = (self.old.types.get(a), self.new.types.get(b)) else {
            return;
        };
        if self.m.old_to_new.get(a).copied().flatten() != Some(b) {
            // A rename keeps the kind of type (a struct stays a struct, ...).
            let same_kind = std::mem::discriminant(&da.kind) == std::mem::discriminant(&db.kind);
            if !same_kind || !self.m.pair(a, b) {
                return;
            }
        }
        match (&da.kind, &db.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                for fx in &x.fields {
                    if let Some(fy) = y.fields.iter().find(|f| f.wire_name == fx.wire_name) {
                        self.walk(&fx.ty, &fy.ty);
                    }
                }
                if let (Some(ex), Some(ey)) = (&x.extra, &y.extra) {
                    self.walk(ex, ey);
                }
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => {
                let mut used = vec![false; y.variants.len()];
                let mut left = Vec::new();
                for vx in &x.variants {
                    match y.variants.iter().position(|v| v.rust_name == vx.rust_name) {
                        Some(k) if !used[k] => {
                            used[k] = true;
                            self.walk(&vx.ty, &y.variants[k].ty);
                        }
                        _ => left.push(vx),
                    }
                }
                let rest = y.variants.iter().zip(&used).filter(|(_, u)| !**u);
                for (vx, (vy, _)) in left.into_iter().zip(rest) {
                    self.walk(&vx.ty, &vy.ty);
                }
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) => self.walk(x, y),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    old_sides: Vec<Side>,
    new_sides: Vec<Side>,
    m: Matching,
    /// Alias pairs already compared at a use site.
    covered: HashSet<(usize, usize)>,
    changes: Vec<Change>,
}

/// Severity of a tightened constraint.
fn tightened(side: Side) -> Severity {
    if side.request {
        Severity::Breaking
    } else {
        Severity::NeedsReview
    }
}

/// Wire verdict of a tightened constraint: old callers may send refused values; a
/// response only narrows.
fn tightened_wire(side: Side) -> Severity {
    if side.request {
        Severity::Breaking
    } else {
        Severity::NonBreaking
    }
}

/// Wire verdict of a loosened constraint: responses may carry values old readers refuse.
fn loosened_wire(side: Side) -> Severity {
    if side.response {
        Severity::NeedsReview
    } else {
        Severity::NonBreaking
    }
}

/// Severity of a loosened constraint.
fn loosened(side: Side) -> Severity {
    if side.response {
        Severity::NeedsReview
    } else {
        Severity::NonBreaking
    }
}

fn tightened_why(side: Side) -> &'static str {
    match (side.request, side.response) {
        (true, true) => "values callers could send are now refused before sending, and responses that parsed may now be refused",
        (true, false) => "values callers could send are now refused before sending",
        _ => "responses that parsed before may now be refused",
    }
}

fn loosened_why(side: Side) -> &'static str {
    if side.response {
        "responses may now carry values the old checks guaranteed against"
    } else {
        "callers may send more values"
    }
}

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        severity: Severity,
        kind: ChangeKind,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        let wire = kind.wire_verdict(severity);
        self.push_wire(severity, wire, kind, location, message);
    }

    /// [`push`](Self::push) with a wire verdict of its own (where it depends on the
    /// direction of the change, not only on its kind).
    fn push_wire(
        &mut self,
        severity: Severity,
        wire: Severity,
        kind: ChangeKind,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.changes.push(Change {
            severity,
            wire,
            kind,
            location: location.into(),
            message: message.into(),
        });
    }

    fn old_type(&self, id: usize) -> Option<&'a TypeDef> {
        self.old.types.get(id)
    }

    fn new_type(&self, id: usize) -> Option<&'a TypeDef> {
        self.new.types.get(id)
    }

    fn pair_side(&self, old: usize, new: usize) -> Side {
        let a = self.old_sides.get(old).copied().unwrap_or(Side::BOTH);
        let b = self.new_sides.get(new).copied().unwrap_or(Side::BOTH);
        a.union(b)
    }

    fn render_old(&self, ty: &TypeRef) -> String {
        render(ty, &|id| self.m.old_name(self.old, self.new, id))
    }

    fn render_new(&self, ty: &TypeRef) -> String {
        render(ty, &|id| new_name(self.new, id))
    }

    fn run(&mut self) {
        for &i in &self.m.removed_ops.clone() {
            if let Some(op) = self.old.operations.get(i) {
                self.push(
                    Severity::Breaking,
                    ChangeKind::OperationRemoved,
                    op_label(op),
                    format!(
                        "operation removed: client method `{}` no longer exists",
                        op.rust_name
                    ),
                );
            }
        }
        for &j in &self.m.added_ops.clone() {
            if let Some(op) = self.new.operations.get(j) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::OperationAdded,
                    op_label(op),
                    format!("operation added: new client method `{}`", op.rust_name),
                );
            }
        }
        for (i, j) in self.m.ops.clone() {
            if let (Some(o), Some(n)) = (self.old.operations.get(i), self.new.operations.get(j)) {
                self.compare_operation(o, n);
            }
        }
        self.compare_types();
        self.compare_security_schemes();
        self.compare_servers();
        self.compare_webhooks();
    }

    // --- operations ----------------------------------------------------------------------

    fn compare_operation(&mut self, o: &'a Operation, n: &'a Operation) {
        let loc = op_label(n);
        if o.rust_name != n.rust_name {
            self.push(
                Severity::Breaking,
                ChangeKind::MethodRenamed,
                &loc,
                format!(
                    "client method renamed `{}` -> `{}` (operationId `{}` -> `{}`)",
                    o.rust_name, n.rust_name, o.operation_id, n.operation_id
                ),
            );
        }
        if o.method != n.method {
            self.push(
                Severity::NeedsReview,
                ChangeKind::OperationMethodChanged,
                &loc,
                format!(
                    "HTTP method changed from {} to {} (`{}`): calls compile unchanged but send another request (retries and caching may differ)",
                    o.method.as_upper(),
                    n.method.as_upper(),
                    n.rust_name
                ),
            );
        }
        if o.path != n.path {
            self.push(
                Severity::NeedsReview,
                ChangeKind::OperationPathChanged,
                &loc,
                format!(
                    "path changed from `{}` to `{}` (`{}`): calls compile unchanged but go to the new path",
                    o.path, n.path, n.rust_name
                ),
            );
        }
        if o.deprecated != n.deprecated {
            let message = if n.deprecated {
                format!(
                    "`{}` is now deprecated (`#[deprecated]`: uses warn)",
                    n.rust_name
                )
            } else {
                format!("`{}` is no longer deprecated", n.rust_name)
            };
            self.push(
                Severity::NonBreaking,
                ChangeKind::OperationDeprecated,
                &loc,
                message,
            );
        }
        self.compare_params(&loc, o, n);
        self.compare_body(&loc, o.body.as_ref(), n.body.as_ref());
        self.compare_responses(&loc, o, n);
        self.compare_op_security(&loc, o, n);
    }

    fn params_type_name(&self, op: &Operation, new: bool) -> String {
        let id = op.params_type.0;
        let def = if new {
            self.new_type(id)
        } else {
            self.old_type(id)
        };
        def.map_or_else(|| "params".to_owned(), |t| format!("`{}`", t.name))
    }

    fn compare_params(&mut self, loc: &str, o: &'a Operation, n: &'a Operation) {
        let key = |p: &Param| (p.location, p.wire_name.clone());
        let old_keys: BTreeSet<_> = o.params.iter().map(key).collect();
        let new_keys: BTreeSet<_> = n.params.iter().map(key).collect();
        // Path parameters are positional arguments: their order is part of the signature.
        let old_order: Vec<&str> = o
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path && new_keys.contains(&key(p)))
            .map(|p| p.wire_name.as_str())
            .collect();
        let new_order: Vec<&str> = n
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path && old_keys.contains(&key(p)))
            .map(|p| p.wire_name.as_str())
            .collect();
        if old_order != new_order {
            self.push(
                Severity::Breaking,
                ChangeKind::PathParamsReordered,
                loc,
                format!(
                    "path parameters (positional arguments of `{}`) reordered: {} -> {}",
                    n.rust_name,
                    old_order.join(", "),
                    new_order.join(", ")
                ),
            );
        }
        for p in &o.params {
            if new_keys.contains(&key(p)) {
                continue;
            }
            let at = format!(
                "{loc} {}:{}",
                ParamLocation::as_str(p.location),
                p.wire_name
            );
            let message = if p.location == ParamLocation::Path {
                format!(
                    "path parameter `{}` removed: `{}` loses the argument `{}`",
                    p.wire_name,
                    n.rust_name,
                    bare(&p.rust_name)
                )
            } else {
                format!(
                    "{} parameter `{}` removed: the field `{}` of {} is gone",
                    ParamLocation::as_str(p.location),
                    p.wire_name,
                    bare(&p.rust_name),
                    self.params_type_name(o, false)
                )
            };
            // A server that no longer reads a parameter may ignore it or refuse it.
            self.push_wire(
                Severity::Breaking,
                Severity::NeedsReview,
                ChangeKind::ParamRemoved,
                at,
                message,
            );
        }
        for p in &n.params {
            let at = format!(
                "{loc} {}:{}",
                ParamLocation::as_str(p.location),
                p.wire_name
            );
            let Some(po) = o.params.iter().find(|x| key(x) == key(p)) else {
                let ty = self.render_new(&p.ty);
                let message = if p.location == ParamLocation::Path {
                    format!(
                        "path parameter `{}` added: `{}` takes the new argument `{}: {ty}`",
                        p.wire_name,
                        n.rust_name,
                        bare(&p.rust_name)
                    )
                } else {
                    if p.required {
                        format!(
                            "required {} parameter `{}` added: `{}` takes the new argument `{}: {ty}`",
                            ParamLocation::as_str(p.location),
                            p.wire_name,
                            n.rust_name,
                            bare(&p.rust_name)
                        )
                    } else {
                        format!(
                            "optional {} parameter `{}` added: the call builder gains a setter and {} (`#[non_exhaustive]`) the field `{}: Option<{ty}>`",
                            ParamLocation::as_str(p.location),
                            p.wire_name,
                            self.params_type_name(n, true),
                            bare(&p.rust_name)
                        )
                    }
                };
                let severity = if p.required || p.location == ParamLocation::Path {
                    Severity::Breaking
                } else {
                    Severity::NonBreaking
                };
                self.push(severity, ChangeKind::ParamAdded, at, message);
                continue;
            };
            if po.required != p.required {
                let ty = self.render_new(&p.ty);
                let message = if p.required {
                    format!(
                        "parameter `{}` is now required: `Option<{ty}>` -> `{ty}`",
                        p.wire_name
                    )
                } else {
                    format!(
                        "parameter `{}` is now optional: `{ty}` -> `Option<{ty}>`",
                        p.wire_name
                    )
                };
                // On the wire only a parameter that becomes required breaks old callers.
                let wire = if p.required {
                    Severity::Breaking
                } else {
                    Severity::NonBreaking
                };
                self.push_wire(
                    Severity::Breaking,
                    wire,
                    ChangeKind::ParamRequiredChanged,
                    &at,
                    message,
                );
            }
            if po.rust_name != p.rust_name {
                let (severity, what) = if p.location == ParamLocation::Path {
                    (Severity::NonBreaking, "argument")
                } else {
                    (Severity::Breaking, "field")
                };
                self.push(
                    severity,
                    ChangeKind::ParamRenamed,
                    &at,
                    format!(
                        "{what} renamed `{}` -> `{}`",
                        bare(&po.rust_name),
                        bare(&p.rust_name)
                    ),
                );
            }
            if po.style != p.style || po.explode != p.explode {
                self.push(
                    Severity::NeedsReview,
                    ChangeKind::ParamEncodingChanged,
                    &at,
                    format!(
                        "serialization changed from style {} explode {} to style {} explode {}: same Rust type, other text on the wire",
                        ParamStyle::as_str(po.style),
                        po.explode,
                        ParamStyle::as_str(p.style),
                        p.explode
                    ),
                );
            }
            self.compare_ref(&at, "parameter type", &po.ty, &p.ty, Side::REQUEST);
        }
    }

    fn body_arg(&self, body: &RequestBody, new: bool) -> String {
        let inner = match body.kind {
            crate::ir::BodyKind::Text => "&str".to_owned(),
            crate::ir::BodyKind::Bytes => "Bytes".to_owned(),
            _ => {
                let ty = if new {
                    self.render_new(&body.ty)
                } else {
                    self.render_old(&body.ty)
                };
                format!("&{ty}")
            }
        };
        inner
    }

    fn compare_body(&mut self, loc: &str, o: Option<&'a RequestBody>, n: Option<&'a RequestBody>) {
        let at = format!("{loc} request body");
        match (o, n) {
            (None, None) => {}
            (Some(o), None) => {
                let arg = self.body_arg(o, false);
                self.push(
                    Severity::Breaking,
                    ChangeKind::BodyRemoved,
                    at,
                    format!("request body removed: the `body: {arg}` argument is gone"),
                );
            }
            (None, Some(n)) => {
                let arg = self.body_arg(n, true);
                let arg = if n.required {
                    arg
                } else {
                    format!("Option<{arg}>")
                };
                self.push(
                    Severity::Breaking,
                    ChangeKind::BodyAdded,
                    at,
                    format!("request body added: new argument `body: {arg}`"),
                );
            }
            (Some(o), Some(n)) => {
                let arg_o = self.body_arg(o, false);
                let arg_n = self.body_arg(n, true);
                if o.required != n.required {
                    let message = if n.required {
                        format!("request body is now required: `Option<{arg_n}>` -> `{arg_n}`")
                    } else {
                        format!("request body is now optional: `{arg_n}` -> `Option<{arg_n}>`")
                    };
                    let wire = if n.required {
                        Severity::Breaking
                    } else {
                        Severity::NonBreaking
                    };
                    self.push_wire(
                        Severity::Breaking,
                        wire,
                        ChangeKind::BodyRequiredChanged,
                        &at,
                        message,
                    );
                }
                let typed = |b: &RequestBody| {
                    !matches!(
                        b.kind,
                        crate::ir::BodyKind::Text | crate::ir::BodyKind::Bytes
                    )
                };
                if typed(o) && typed(n) {
                    self.compare_ref(&at, "request body type", &o.ty, &n.ty, Side::REQUEST);
                } else if arg_o != arg_n {
                    self.push(
                        Severity::Breaking,
                        ChangeKind::TypeChanged,
                        &at,
                        format!("request body argument changed from `{arg_o}` to `{arg_n}`"),
                    );
                }
                if o.content_type != n.content_type {
                    self.push(
                        Severity::NeedsReview,
                        ChangeKind::BodyContentTypeChanged,
                        &at,
                        format!(
                            "content type changed from `{}` to `{}`: the body is encoded differently",
                            o.content_type, n.content_type
                        ),
                    );
                }
            }
        }
    }

    fn success_text(&self, s: &SuccessType, new: bool) -> String {
        match s {
            SuccessType::Single(ty) if new => self.render_new(ty),
            SuccessType::Single(ty) => self.render_old(ty),
            SuccessType::Enum(id) if new => new_name(self.new, id.0),
            SuccessType::Enum(id) => self.m.old_name(self.old, self.new, id.0),
        }
    }

    fn error_text(&self, e: &ErrorType, new: bool) -> String {
        match e {
            ErrorType::None => "Infallible".to_owned(),
            ErrorType::Single(ty) if new => self.render_new(ty),
            ErrorType::Single(ty) => self.render_old(ty),
            ErrorType::Enum(id) if new => new_name(self.new, id.0),
            ErrorType::Enum(id) => self.m.old_name(self.old, self.new, id.0),
        }
    }

    fn compare_responses(&mut self, loc: &str, o: &'a Operation, n: &'a Operation) {
        let ret_o = self.success_text(&o.success, false);
        let ret_n = self.success_text(&n.success, true);
        let ret_same = ret_o == ret_n;
        match (&o.success, &n.success) {
            (SuccessType::Single(a), SuccessType::Single(b)) => {
                self.compare_ref(
                    &format!("{loc} response"),
                    "return type",
                    a,
                    b,
                    Side::RESPONSE,
                );
            }
            _ if !ret_same => self.push(
                Severity::Breaking,
                ChangeKind::ReturnTypeChanged,
                format!("{loc} response"),
                format!(
                    "return type of `{}` changed from `{ret_o}` to `{ret_n}`",
                    n.rust_name
                ),
            ),
            _ => {}
        }
        let err_o = self.error_text(&o.error, false);
        let err_n = self.error_text(&n.error, true);
        let err_same = err_o == err_n;
        match (&o.error, &n.error) {
            (ErrorType::Single(a), ErrorType::Single(b)) => {
                self.compare_ref(
                    &format!("{loc} error response"),
                    "error type",
                    a,
                    b,
                    Side::RESPONSE,
                );
            }
            // Documenting errors where there were none changes no bytes on the wire.
            _ if !err_same => self.push_wire(
                Severity::Breaking,
                if matches!(o.error, ErrorType::None) {
                    Severity::NonBreaking
                } else {
                    Severity::NeedsReview
                },
                ChangeKind::ErrorTypeChanged,
                format!("{loc} error response"),
                format!(
                    "error type of `{}` changed from `Error<{err_o}>` to `Error<{err_n}>`",
                    n.rust_name
                ),
            ),
            _ => {}
        }
        // Statuses: a status that adds or removes a variant of an outcome enum that exists
        // in both versions breaks exhaustive matches; others only document.
        let success_enum = ret_same && matches!(n.success, SuccessType::Enum(_));
        let error_enum = err_same && matches!(n.error, ErrorType::Enum(_));
        let enum_name = |r: &Response| {
            if r.success {
                (success_enum, ret_n.clone())
            } else {
                (error_enum, err_n.clone())
            }
        };
        let statuses: BTreeSet<StatusMatch> = o
            .responses
            .iter()
            .chain(&n.responses)
            .map(|r| r.status)
            .collect();
        for status in statuses {
            let at = format!("{loc} response {}", status_text(status));
            let ro = o.responses.iter().find(|r| r.status == status);
            let rn = n.responses.iter().find(|r| r.status == status);
            match (ro, rn) {
                (Some(r), None) => {
                    let (in_enum, name) = enum_name(r);
                    let (severity, message) = if in_enum {
                        (
                            Severity::Breaking,
                            format!(
                                "response {} removed: variant `{name}::{}` is gone",
                                status_text(status),
                                r.variant
                            ),
                        )
                    } else {
                        (
                            Severity::NonBreaking,
                            format!("response {} no longer documented", status_text(status)),
                        )
                    };
                    self.push(severity, ChangeKind::ResponseRemoved, at, message);
                }
                (None, Some(r)) => {
                    let (in_enum, name) = enum_name(r);
                    let (severity, message) = if in_enum {
                        (
                            Severity::NonBreaking,
                            format!(
                                "response {} added: new variant `{name}::{}` (the enum is `#[non_exhaustive]`)",
                                status_text(status),
                                r.variant
                            ),
                        )
                    } else {
                        (
                            Severity::NonBreaking,
                            format!(
                                "response {} documented ({})",
                                status_text(status),
                                if r.success { "success" } else { "error" }
                            ),
                        )
                    };
                    self.push(severity, ChangeKind::ResponseAdded, at, message);
                }
                (Some(a), Some(b)) => {
                    if a.success != b.success {
                        self.push(
                            Severity::Breaking,
                            ChangeKind::ResponseStatusChanged,
                            &at,
                            format!(
                                "status {} is now {} (was {})",
                                status_text(status),
                                if b.success { "a success" } else { "an error" },
                                if a.success { "a success" } else { "an error" }
                            ),
                        );
                        continue;
                    }
                    let (in_enum, name) = enum_name(b);
                    if !in_enum {
                        // Single success/error types are compared above.
                        continue;
                    }
                    if a.variant != b.variant {
                        self.push(
                            Severity::Breaking,
                            ChangeKind::TypeChanged,
                            &at,
                            format!(
                                "variant renamed `{name}::{}` -> `{name}::{}`",
                                a.variant, b.variant
                            ),
                        );
                    }
                    self.compare_ref(&at, "response body type", &a.ty, &b.ty, Side::RESPONSE);
                }
                (None, None) => {}
            }
        }
    }

    fn compare_op_security(&mut self, loc: &str, o: &Operation, n: &Operation) {
        let alternatives = |api: &Api, op: &Operation| -> BTreeSet<BTreeSet<String>> {
            let mut set: BTreeSet<BTreeSet<String>> = op
                .security
                .iter()
                .map(|alt| {
                    alt.iter()
                        .map(|&i| {
                            api.security_schemes
                                .get(i)
                                .map_or_else(|| format!("#{i}"), |s| s.name.clone())
                        })
                        .collect()
                })
                .collect();
            if set.is_empty() {
                set.insert(BTreeSet::new());
            }
            set
        };
        let a = alternatives(self.old, o);
        let b = alternatives(self.new, n);
        if a == b {
            return;
        }
        let show = |set: &BTreeSet<BTreeSet<String>>| {
            set.iter()
                .map(|alt| {
                    if alt.is_empty() {
                        "anonymous".to_owned()
                    } else {
                        alt.iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(" + ")
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let removed: BTreeSet<_> = a.difference(&b).cloned().collect();
        let (severity, why) = if removed.is_empty() {
            (
                Severity::NonBreaking,
                "every credential accepted before still is".to_owned(),
            )
        } else {
            (
                Severity::Breaking,
                format!(
                    "no longer accepted: {}; the client refuses to send without a credential the new requirement names",
                    show(&removed)
                ),
            )
        };
        self.push(
            severity,
            ChangeKind::SecurityChanged,
            format!("{loc} security"),
            format!(
                "security of `{}` changed from {} to {}: {why}",
                n.rust_name,
                show(&a),
                show(&b)
            ),
        );
    }

    // --- type references -----------------------------------------------------------------

    /// Compares the types at one position: a different Rust type is breaking; the same
    /// one has its constraints compared (and aliases followed, once per pair).
    fn compare_ref(&mut self, loc: &str, what: &str, o: &'a TypeRef, n: &'a TypeRef, side: Side) {
        let ro = self.render_old(o);
        let rn = self.render_new(n);
        if ro != rn {
            match prim_change(o, n) {
                Some((a, b)) => self.push(
                    Severity::Breaking,
                    if json_type(a) == json_type(b) {
                        ChangeKind::FormatChanged
                    } else {
                        ChangeKind::TypeChanged
                    },
                    loc,
                    format!(
                        "{what} changed from `{ro}` to `{rn}` (spec: {} -> {})",
                        prim_spec(a),
                        prim_spec(b)
                    ),
                ),
                None => self.push(
                    Severity::Breaking,
                    ChangeKind::TypeChanged,
                    loc,
                    format!("{what} changed from `{ro}` to `{rn}`"),
                ),
            }
            return;
        }
        self.walk_same(loc, o, n, side);
    }

    fn walk_same(&mut self, loc: &str, o: &'a TypeRef, n: &'a TypeRef, side: Side) {
        match (o, n) {
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                let (Some(da), Some(db)) = (self.old_type(a.0), self.new_type(b.0)) else {
                    return;
                };
                if let (TypeKind::Alias(ta), TypeKind::Alias(tb)) = (&da.kind, &db.kind) {
                    if self.covered.insert((a.0, b.0)) {
                        let side = self.pair_side(a.0, b.0);
                        let what = format!("`{}` (alias)", db.name);
                        self.compare_ref(loc, &what, ta, tb, side);
                    }
                }
            }
            (TypeRef::Vec(a), TypeRef::Vec(b))
            | (TypeRef::Map(a), TypeRef::Map(b))
            | (TypeRef::Option(a), TypeRef::Option(b))
            | (TypeRef::Box(a), TypeRef::Box(b)) => self.walk_same(loc, a, b, side),
            (TypeRef::Tuple(a), TypeRef::Tuple(b)) => {
                for (x, y) in a.iter().zip(b) {
                    self.walk_same(loc, x, y, side);
                }
            }
            (TypeRef::Checked(a, ra), TypeRef::Checked(b, rb)) => {
                self.walk_same(loc, a, b, side);
                if let (Some(ra), Some(rb)) = (self.old.rules.get(ra.0), self.new.rules.get(rb.0)) {
                    self.compare_checks(loc, &ra.checks, &rb.checks, side, "");
                }
            }
            _ => {}
        }
    }

    // --- constraints ---------------------------------------------------------------------

    fn compare_checks(&mut self, loc: &str, o: &Checks, n: &Checks, side: Side, prefix: &str) {
        if o == n {
            return;
        }
        self.compare_here(loc, &o.here, &n.here, side, prefix);
        let empty = Checks::default();
        if o.items.is_some() || n.items.is_some() {
            let a = o.items.as_deref().unwrap_or(&empty);
            let b = n.items.as_deref().unwrap_or(&empty);
            self.compare_checks(loc, a, b, side, &format!("{prefix}items: "));
        }
        if o.values.is_some() || n.values.is_some() {
            let a = o.values.as_deref().unwrap_or(&empty);
            let b = n.values.as_deref().unwrap_or(&empty);
            self.compare_checks(loc, a, b, side, &format!("{prefix}values: "));
        }
        let indices: BTreeSet<usize> = o
            .members
            .iter()
            .chain(&n.members)
            .map(|(i, _)| *i)
            .collect();
        for index in indices {
            let a = o
                .members
                .iter()
                .find(|(i, _)| *i == index)
                .map_or(&empty, |(_, c)| c);
            let b = n
                .members
                .iter()
                .find(|(i, _)| *i == index)
                .map_or(&empty, |(_, c)| c);
            self.compare_checks(loc, a, b, side, &format!("{prefix}item {index}: "));
        }
    }

    fn constraint(&mut self, loc: &str, side: Side, direction: Direction, text: String) {
        let wire = match direction {
            Direction::Tightened => tightened_wire(side),
            Direction::Loosened => loosened_wire(side),
            Direction::Changed => Severity::NeedsReview,
        };
        let (severity, kind, message) = match direction {
            Direction::Tightened => (
                tightened(side),
                ChangeKind::ConstraintTightened,
                format!("constraint tightened: {text} ({} side: {})", side.text(), tightened_why(side)),
            ),
            Direction::Loosened => (
                loosened(side),
                ChangeKind::ConstraintLoosened,
                format!("constraint loosened: {text} ({} side: {})", side.text(), loosened_why(side)),
            ),
            Direction::Changed => (
                Severity::NeedsReview,
                ChangeKind::ConstraintChanged,
                format!(
                    "constraint changed: {text} ({} side: values valid before may be refused and the reverse)",
                    side.text()
                ),
            ),
        };
        self.push_wire(severity, wire, kind, loc, message);
    }

    fn compare_here(&mut self, loc: &str, o: &[Check], n: &[Check], side: Side, prefix: &str) {
        // Every kind of check is compared below; this match makes the compiler name the
        // place for a new one.
        let _compared_below = |kind: CheckKind| match kind {
            CheckKind::MinItems | CheckKind::MinLength | CheckKind::MinProperties => "lower bounds",
            CheckKind::MaxItems | CheckKind::MaxLength | CheckKind::MaxProperties => "upper bounds",
            CheckKind::UniqueItems => "uniqueItems",
            CheckKind::Minimum | CheckKind::Maximum | CheckKind::MultipleOf => "numbers",
            CheckKind::Pattern | CheckKind::KeyPattern => "patterns",
            CheckKind::OneOfValues => "allowed values",
            CheckKind::Contains => "contains",
            CheckKind::DependentRequired => "dependentRequired",
        };
        // Lower bounds on counts: larger is tighter.
        type Count = fn(&Check) -> Option<u64>;
        let lower: [(&str, Count); 3] = [
            ("minItems", |c| match c {
                Check::MinItems(n) => Some(*n),
                _ => None,
            }),
            ("minLength", |c| match c {
                Check::MinLength(n) => Some(*n),
                _ => None,
            }),
            ("minProperties", |c| match c {
                Check::MinProperties(n) => Some(*n),
                _ => None,
            }),
        ];
        for (keyword, get) in lower {
            let a = o.iter().filter_map(get).max();
            let b = n.iter().filter_map(get).max();
            if a == b {
                continue;
            }
            let text = format!("{prefix}{keyword} {}", bound_change(a, b));
            let direction = if b.unwrap_or(0) > a.unwrap_or(0) {
                Direction::Tightened
            } else {
                Direction::Loosened
            };
            self.constraint(loc, side, direction, text);
        }
        let upper: [(&str, Count); 3] = [
            ("maxItems", |c| match c {
                Check::MaxItems(n) => Some(*n),
                _ => None,
            }),
            ("maxLength", |c| match c {
                Check::MaxLength(n) => Some(*n),
                _ => None,
            }),
            ("maxProperties", |c| match c {
                Check::MaxProperties(n) => Some(*n),
                _ => None,
            }),
        ];
        for (keyword, get) in upper {
            let a = o.iter().filter_map(get).min();
            let b = n.iter().filter_map(get).min();
            if a == b {
                continue;
            }
            let text = format!("{prefix}{keyword} {}", bound_change(a, b));
            let direction = if b.unwrap_or(u64::MAX) < a.unwrap_or(u64::MAX) {
                Direction::Tightened
            } else {
                Direction::Loosened
            };
            self.constraint(loc, side, direction, text);
        }
        let unique = |cs: &[Check]| cs.iter().any(|c| matches!(c, Check::UniqueItems));
        if unique(o) != unique(n) {
            let (direction, text) = if unique(n) {
                (Direction::Tightened, format!("{prefix}uniqueItems added"))
            } else {
                (Direction::Loosened, format!("{prefix}uniqueItems removed"))
            };
            self.constraint(loc, side, direction, text);
        }
        // Numeric bounds.
        let minimum = |cs: &[Check]| {
            cs.iter()
                .filter_map(|c| match c {
                    Check::Minimum(v, x) => Some((*v, *x)),
                    _ => None,
                })
                .max_by(|a, b| cmp_lower(*a, *b))
        };
        let (a, b) = (minimum(o), minimum(n));
        if a != b {
            let text = format!("{prefix}{}", numeric_change("minimum", a, b));
            let direction = match (a, b) {
                (None, _) => Direction::Tightened,
                (_, None) => Direction::Loosened,
                (Some(a), Some(b)) => {
                    if cmp_lower(b, a).is_gt() {
                        Direction::Tightened
                    } else {
                        Direction::Loosened
                    }
                }
            };
            self.constraint(loc, side, direction, text);
        }
        let maximum = |cs: &[Check]| {
            cs.iter()
                .filter_map(|c| match c {
                    Check::Maximum(v, x) => Some((*v, *x)),
                    _ => None,
                })
                .min_by(|a, b| cmp_upper(*a, *b))
        };
        let (a, b) = (maximum(o), maximum(n));
        if a != b {
            let text = format!("{prefix}{}", numeric_change("maximum", a, b));
            let direction = match (a, b) {
                (None, _) => Direction::Tightened,
                (_, None) => Direction::Loosened,
                (Some(a), Some(b)) => {
                    if cmp_upper(b, a).is_lt() {
                        Direction::Tightened
                    } else {
                        Direction::Loosened
                    }
                }
            };
            self.constraint(loc, side, direction, text);
        }
        let multiple = |cs: &[Check]| {
            cs.iter().find_map(|c| match c {
                Check::MultipleOf(d) => Some(*d),
                _ => None,
            })
        };
        let (a, b) = (multiple(o), multiple(n));
        if a != b {
            let show = |d: Option<f64>| d.map_or_else(|| "none".to_owned(), |d| d.to_string());
            let text = format!("{prefix}multipleOf {} -> {}", show(a), show(b));
            let is_multiple = |x: f64, y: f64| {
                let q = x / y;
                y != 0.0 && q.is_finite() && (q - q.round()).abs() < 1e-9
            };
            let direction = match (a, b) {
                (None, _) => Direction::Tightened,
                (_, None) => Direction::Loosened,
                (Some(a), Some(b)) if is_multiple(b, a) => Direction::Tightened,
                (Some(a), Some(b)) if is_multiple(a, b) => Direction::Loosened,
                _ => Direction::Changed,
            };
            self.constraint(loc, side, direction, text);
        }
        // Sets: patterns (all must match), allowed values (one must match).
        let patterns = |cs: &[Check], keys: bool| -> BTreeSet<String> {
            cs.iter()
                .filter_map(|c| match c {
                    Check::Pattern(p) if !keys => Some(p.clone()),
                    Check::KeyPattern(p) if keys => Some(p.clone()),
                    _ => None,
                })
                .collect()
        };
        for (keys, keyword) in [(false, "pattern"), (true, "key pattern")] {
            let (a, b) = (patterns(o, keys), patterns(n, keys));
            if a == b {
                continue;
            }
            let text = format!("{prefix}{keyword} {} -> {}", show_set(&a), show_set(&b));
            let direction = if b.is_superset(&a) {
                Direction::Tightened
            } else if b.is_subset(&a) {
                Direction::Loosened
            } else {
                Direction::Changed
            };
            self.constraint(loc, side, direction, text);
        }
        let values = |cs: &[Check]| -> Option<BTreeSet<String>> {
            cs.iter().find_map(|c| match c {
                Check::OneOfValues(v) => Some(v.iter().cloned().collect()),
                _ => None,
            })
        };
        let (a, b) = (values(o), values(n));
        if a != b {
            let show = |s: &Option<BTreeSet<String>>| {
                s.as_ref().map_or_else(
                    || "any".to_owned(),
                    |s| format!("[{}]", s.iter().cloned().collect::<Vec<_>>().join(", ")),
                )
            };
            let text = format!("{prefix}allowed values {} -> {}", show(&a), show(&b));
            let direction = match (&a, &b) {
                (None, _) => Direction::Tightened,
                (_, None) => Direction::Loosened,
                (Some(a), Some(b)) if b.is_subset(a) => Direction::Tightened,
                (Some(a), Some(b)) if b.is_superset(a) => Direction::Loosened,
                _ => Direction::Changed,
            };
            self.constraint(loc, side, direction, text);
        }
        let contains = |cs: &[Check]| -> Vec<String> {
            cs.iter()
                .filter_map(|c| match c {
                    Check::Contains { allowed, min, max } => Some(format!(
                        "contains [{}] {}..{}",
                        allowed.join(", "),
                        min,
                        max.map_or_else(String::new, |m| m.to_string())
                    )),
                    _ => None,
                })
                .collect()
        };
        let (a, b) = (contains(o), contains(n));
        if a != b {
            let show = |v: &[String]| {
                if v.is_empty() {
                    "none".to_owned()
                } else {
                    v.join("; ")
                }
            };
            let text = format!("{prefix}{} -> {}", show(&a), show(&b));
            let direction = if a.is_empty() {
                Direction::Tightened
            } else if b.is_empty() {
                Direction::Loosened
            } else {
                Direction::Changed
            };
            self.constraint(loc, side, direction, text);
        }
        // `dependentRequired`: (present property, property it requires) pairs; more pairs
        // refuse more objects.
        let dependencies = |cs: &[Check]| -> BTreeSet<(String, String)> {
            cs.iter()
                .filter_map(|c| match c {
                    Check::DependentRequired(rules) => Some(rules),
                    _ => None,
                })
                .flatten()
                .flat_map(|(present, needed)| {
                    needed.iter().map(move |n| (present.clone(), n.clone()))
                })
                .collect()
        };
        let (a, b) = (dependencies(o), dependencies(n));
        if a != b {
            let show = |pairs: &BTreeSet<(String, String)>| {
                if pairs.is_empty() {
                    return "none".to_owned();
                }
                let shown: Vec<String> = pairs.iter().map(|(p, n)| format!("{p} -> {n}")).collect();
                format!("[{}]", shown.join(", "))
            };
            let text = format!("{prefix}dependentRequired {} -> {}", show(&a), show(&b));
            let direction = if b.is_superset(&a) {
                Direction::Tightened
            } else if b.is_subset(&a) {
                Direction::Loosened
            } else {
                Direction::Changed
            };
            self.constraint(loc, side, direction, text);
        }
    }

    // --- types ---------------------------------------------------------------------------

    fn compare_types(&mut self) {
        let pairs: Vec<(usize, usize)> = self
            .m
            .old_to_new
            .iter()
            .enumerate()
            .filter_map(|(i, j)| j.map(|j| (i, j)))
            .collect();
        // Structs, enums and unions first: aliases reached from fields are compared at
        // the field (and marked covered); the remaining aliases after.
        let mut aliases = Vec::new();
        for &(i, j) in &pairs {
            let (Some(a), Some(b)) = (self.old_type(i), self.new_type(j)) else {
                continue;
            };
            if a.name != b.name {
                self.push(
                    Severity::Breaking,
                    ChangeKind::TypeRenamed,
                    &b.name,
                    format!(
                        "type renamed `{}` -> `{}`: code naming `{}` no longer compiles",
                        a.name, b.name, a.name
                    ),
                );
            }
            let side = self.pair_side(i, j);
            match (&a.kind, &b.kind) {
                (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                    if a.role != Role::Params && b.role != Role::Params {
                        self.compare_struct(&b.name, x, y, side);
                    }
                }
                (TypeKind::Enum(x), TypeKind::Enum(y)) => self.compare_enum(&b.name, x, y, side),
                (TypeKind::Union(x), TypeKind::Union(y)) => {
                    if a.role != Role::Outcome && b.role != Role::Outcome {
                        self.compare_union(&b.name, x, y, side);
                    }
                }
                (TypeKind::Alias(_), TypeKind::Alias(_)) => aliases.push((i, j)),
                (x, y) => self.push(
                    Severity::Breaking,
                    ChangeKind::TypeKindChanged,
                    &b.name,
                    format!(
                        "`{}` changed from {} to {}",
                        b.name,
                        kind_text(x),
                        kind_text(y)
                    ),
                ),
            }
        }
        for (i, j) in aliases {
            if self.covered.contains(&(i, j)) {
                continue;
            }
            let (Some(a), Some(b)) = (self.old_type(i), self.new_type(j)) else {
                continue;
            };
            self.covered.insert((i, j));
            if let (TypeKind::Alias(x), TypeKind::Alias(y)) = (&a.kind, &b.kind) {
                let side = self.pair_side(i, j);
                let what = format!("`{}` (alias)", b.name);
                self.compare_ref(&b.name, &what, x, y, side);
            }
        }
        let derived = |t: &TypeDef| matches!(t.role, Role::Params | Role::Outcome);
        for (i, def) in self.old.types.iter().enumerate() {
            if self.m.old_to_new[i].is_none() && !derived(def) {
                self.push(
                    Severity::Breaking,
                    ChangeKind::TypeRemoved,
                    &def.name,
                    format!("type `{}` removed", def.name),
                );
            }
        }
        for (j, def) in self.new.types.iter().enumerate() {
            if self.m.new_to_old[j].is_none() && !derived(def) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::TypeAdded,
                    &def.name,
                    format!("type `{}` added ({})", def.name, kind_text(&def.kind)),
                );
            }
        }
    }

    fn compare_struct(&mut self, name: &str, o: &'a Struct, n: &'a Struct, side: Side) {
        let field_loc = |f: &Field| format!("{name}.{}", bare(&f.rust_name));
        for fo in &o.fields {
            if !n.fields.iter().any(|f| f.wire_name == fo.wire_name) {
                // Readers of a response lose the value; a server that no longer reads
                // a request field may ignore it or refuse it.
                let wire = if side.response {
                    Severity::Breaking
                } else {
                    Severity::NeedsReview
                };
                self.push_wire(
                    Severity::Breaking,
                    wire,
                    ChangeKind::FieldRemoved,
                    field_loc(fo),
                    format!(
                        "field `{}`{} removed: code reading or setting it no longer compiles",
                        bare(&fo.rust_name),
                        if bare(&fo.rust_name) == fo.wire_name {
                            String::new()
                        } else {
                            format!(" (`{}`)", fo.wire_name)
                        }
                    ),
                );
            }
        }
        let all_optional = n.fields.iter().all(|f| f.optional);
        for fnew in &n.fields {
            let loc = field_loc(fnew);
            let Some(fo) = o.fields.iter().find(|f| f.wire_name == fnew.wire_name) else {
                let ty = self.field_type(fnew, true);
                let (severity, wire, message) = match (side.request, fnew.optional) {
                    (true, false) => (
                        Severity::Breaking,
                        Severity::Breaking,
                        format!(
                            "required field `{}: {ty}` added on the {} side: callers must set it (`new` takes it)",
                            bare(&fnew.rust_name),
                            side.text()
                        ),
                    ),
                    (false, false) => (
                        Severity::Breaking,
                        Severity::NonBreaking,
                        format!(
                            "required field `{}: {ty}` added (response side): the client reads it; code that builds such values (tests, mocks) passes it to `new`",
                            bare(&fnew.rust_name)
                        ),
                    ),
                    (_, true) => (
                        Severity::NonBreaking,
                        Severity::NonBreaking,
                        format!(
                            "optional field `{}: {ty}` added on the {} side: a new `with_{}` setter (the struct is `#[non_exhaustive]`)",
                            bare(&fnew.rust_name),
                            side.text(),
                            bare(&fnew.rust_name)
                        ),
                    ),
                };
                let _ = all_optional;
                self.push_wire(severity, wire, ChangeKind::FieldAdded, loc, message);
                continue;
            };
            if fo.rust_name != fnew.rust_name {
                self.push(
                    Severity::Breaking,
                    ChangeKind::FieldRenamed,
                    &loc,
                    format!(
                        "field renamed `{}` -> `{}` (wire name `{}`)",
                        bare(&fo.rust_name),
                        bare(&fnew.rust_name),
                        fnew.wire_name
                    ),
                );
            }
            self.compare_presence(&loc, fo, fnew, side);
            self.compare_ref(&loc, "field type", &fo.ty, &fnew.ty, side);
        }
        match (&o.extra, &n.extra) {
            (None, Some(ty)) => {
                let ty = self.render_new(ty);
                let severity = if side.request {
                    Severity::Breaking
                } else {
                    Severity::NonBreaking
                };
                self.push(
                    severity,
                    ChangeKind::AdditionalPropertiesChanged,
                    name,
                    format!(
                        "additional properties allowed: new field `extra: BTreeMap<String, {ty}>` on the {} side",
                        side.text()
                    ),
                );
            }
            (Some(_), None) => self.push(
                Severity::Breaking,
                ChangeKind::AdditionalPropertiesChanged,
                name,
                "additional properties no longer allowed: the flattened `extra` map is gone",
            ),
            (Some(a), Some(b)) => {
                self.compare_ref(
                    &format!("{name}.extra"),
                    "additional properties type",
                    a,
                    b,
                    side,
                );
            }
            (None, None) => {}
        }
        if o.deny_unknown != n.deny_unknown {
            let (severity, message) = if n.deny_unknown {
                if side.response {
                    (
                        Severity::NeedsReview,
                        format!(
                            "unknown properties are now refused (`additionalProperties: false`, {} side): responses with extra properties no longer parse",
                            side.text()
                        ),
                    )
                } else {
                    (
                        Severity::NonBreaking,
                        "unknown properties are now refused (`additionalProperties: false`, request side: only parsing checks it, and callers build these values)".to_owned(),
                    )
                }
            } else {
                (
                    Severity::NonBreaking,
                    "unknown properties are now accepted".to_owned(),
                )
            };
            self.push(severity, ChangeKind::UnknownFieldsChanged, name, message);
        }
    }

    fn field_type(&self, f: &Field, new: bool) -> String {
        let ty = if new {
            self.render_new(&f.ty)
        } else {
            self.render_old(&f.ty)
        };
        if f.optional || f.nullable {
            format!("Option<{ty}>")
        } else {
            ty
        }
    }

    fn compare_presence(&mut self, loc: &str, o: &Field, n: &Field, side: Side) {
        if o.optional == n.optional && o.nullable == n.nullable {
            return;
        }
        let mut what = Vec::new();
        if o.optional != n.optional {
            what.push(if n.optional {
                "now optional (was required)"
            } else {
                "now required (was optional)"
            });
        }
        if o.nullable != n.nullable {
            what.push(if n.nullable {
                "now nullable"
            } else {
                "no longer nullable"
            });
        }
        let (to, tn) = (self.field_type(o, false), self.field_type(n, true));
        let (severity, message) = if (o.optional || o.nullable) != (n.optional || n.nullable) {
            (
                Severity::Breaking,
                format!("{}: `{to}` -> `{tn}`", what.join(", ")),
            )
        } else if side.request {
            // Same `Option<T>`; only serialization differs: an optional field omits
            // `None`, a required nullable one sends `null`.
            (
                Severity::NeedsReview,
                format!(
                    "{}: the Rust type stays `{tn}`, but `None` is now {} ({} side)",
                    what.join(", "),
                    if n.optional {
                        "omitted instead of sent as `null`"
                    } else {
                        "sent as `null` instead of omitted"
                    },
                    side.text()
                ),
            )
        } else {
            // Parsing reads an absent field and `null` alike as `None`.
            (
                Severity::NonBreaking,
                format!(
                    "{}: the Rust type stays `{tn}` and parsing reads absent and `null` alike (response side)",
                    what.join(", ")
                ),
            )
        };
        // On the wire: a request value must now carry what old callers may omit (or
        // may not send `null`), or a response value may now lack what old readers
        // expect (or be `null`).
        let request_break = (o.optional && !n.optional) || (o.nullable && !n.nullable);
        let response_break = (!o.optional && n.optional) || (!o.nullable && n.nullable);
        let wire = if (side.request && request_break) || (side.response && response_break) {
            Severity::Breaking
        } else {
            Severity::NonBreaking
        };
        self.push_wire(
            severity,
            wire,
            ChangeKind::FieldRequiredChanged,
            loc,
            message,
        );
    }

    fn compare_enum(&mut self, name: &str, o: &crate::ir::Enum, n: &crate::ir::Enum, side: Side) {
        if o.repr != n.repr {
            let text = |r: EnumRepr| match r {
                EnumRepr::String => "string",
                EnumRepr::Integer => "integer",
            };
            self.push(
                Severity::Breaking,
                ChangeKind::EnumReprChanged,
                name,
                format!(
                    "enum values changed from {} to {}",
                    text(o.repr),
                    text(n.repr)
                ),
            );
        }
        let show = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for vo in &o.variants {
            match n.variants.iter().find(|v| v.value == vo.value) {
                // Old callers may still send the value; responses only narrow.
                None => self.push_wire(
                    Severity::Breaking,
                    if side.request {
                        Severity::Breaking
                    } else {
                        Severity::NonBreaking
                    },
                    ChangeKind::EnumValueRemoved,
                    format!("{name}::{}", vo.rust_name),
                    format!(
                        "enum value `{}` removed: code naming `{name}::{}` no longer compiles (the value would now arrive as `Unknown`)",
                        show(&vo.value),
                        vo.rust_name
                    ),
                ),
                Some(vn) if vn.rust_name != vo.rust_name => self.push(
                    Severity::Breaking,
                    ChangeKind::EnumVariantRenamed,
                    format!("{name}::{}", vn.rust_name),
                    format!(
                        "variant for `{}` renamed `{}` -> `{}`",
                        show(&vo.value),
                        vo.rust_name,
                        vn.rust_name
                    ),
                ),
                Some(_) => {}
            }
        }
        for vn in &n.variants {
            if !o.variants.iter().any(|v| v.value == vn.value) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::EnumValueAdded,
                    format!("{name}::{}", vn.rust_name),
                    format!(
                        "enum value `{}` added ({} side): the enum is `#[non_exhaustive]`, so matches already have a wildcard arm{}",
                        show(&vn.value),
                        side.text(),
                        if side.response {
                            format!("; a value that arrived as `Unknown` now arrives as `{name}::{}`", vn.rust_name)
                        } else {
                            format!("; callers may now send `{name}::{}`", vn.rust_name)
                        }
                    ),
                );
            }
        }
    }

    fn compare_union(&mut self, name: &str, o: &'a Union, n: &'a Union, side: Side) {
        if o.discriminator != n.discriminator {
            let show = |d: &Option<String>| {
                d.as_ref()
                    .map_or_else(|| "none (untagged)".to_owned(), |d| format!("`{d}`"))
            };
            self.push(
                Severity::NeedsReview,
                ChangeKind::DiscriminatorChanged,
                name,
                format!(
                    "discriminator changed from {} to {}: values may deserialize to another variant",
                    show(&o.discriminator),
                    show(&n.discriminator)
                ),
            );
        }
        for vo in &o.variants {
            if !n.variants.iter().any(|v| v.rust_name == vo.rust_name) {
                self.push(
                    Severity::Breaking,
                    ChangeKind::UnionVariantRemoved,
                    format!("{name}::{}", vo.rust_name),
                    format!(
                        "variant `{name}::{}` removed: code naming it no longer compiles",
                        vo.rust_name
                    ),
                );
            }
        }
        for vn in &n.variants {
            let loc = format!("{name}::{}", vn.rust_name);
            let Some(vo) = o.variants.iter().find(|v| v.rust_name == vn.rust_name) else {
                // The enum is `#[non_exhaustive]`: no Rust code breaks. On the wire, a
                // client of the old spec may receive a shape it cannot read.
                let (wire, message) = if side.response {
                    (
                        Severity::NeedsReview,
                        format!(
                            "variant `{}` added on the {} side (the enum is `#[non_exhaustive]`); clients of the old spec may receive values they cannot read",
                            vn.rust_name,
                            side.text()
                        ),
                    )
                } else {
                    (
                        Severity::NonBreaking,
                        format!(
                            "variant `{}` added (request side only: callers may build it)",
                            vn.rust_name
                        ),
                    )
                };
                self.push_wire(
                    Severity::NonBreaking,
                    wire,
                    ChangeKind::UnionVariantAdded,
                    loc,
                    message,
                );
                continue;
            };
            if vo.tags != vn.tags {
                self.push(
                    Severity::NeedsReview,
                    ChangeKind::DiscriminatorChanged,
                    &loc,
                    format!(
                        "discriminator values changed from [{}] to [{}]",
                        vo.tags.join(", "),
                        vn.tags.join(", ")
                    ),
                );
            }
            self.compare_ref(&loc, "variant payload", &vo.ty, &vn.ty, side);
        }
    }

    // --- security, servers, webhooks -----------------------------------------------------

    fn compare_security_schemes(&mut self) {
        for so in &self.old.security_schemes {
            let loc = format!("security scheme {}", so.name);
            match self.new.security_schemes.iter().find(|s| s.name == so.name) {
                None => self.push(
                    Severity::Breaking,
                    ChangeKind::SecuritySchemeRemoved,
                    loc,
                    format!(
                        "security scheme `{}` removed: `Client::with_{}` no longer exists",
                        so.name,
                        bare(&so.rust_name)
                    ),
                ),
                Some(sn) => {
                    if sn.kind != so.kind || sn.rust_name != so.rust_name {
                        self.push(
                            Severity::Breaking,
                            ChangeKind::SecuritySchemeChanged,
                            loc,
                            format!(
                                "security scheme `{}` changed from {} (`with_{}`) to {} (`with_{}`)",
                                so.name,
                                security_kind_text(&so.kind),
                                bare(&so.rust_name),
                                security_kind_text(&sn.kind),
                                bare(&sn.rust_name)
                            ),
                        );
                    }
                }
            }
        }
        for sn in &self.new.security_schemes {
            if !self.old.security_schemes.iter().any(|s| s.name == sn.name) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::SecuritySchemeAdded,
                    format!("security scheme {}", sn.name),
                    format!(
                        "security scheme `{}` added ({}): new setter `Client::with_{}`",
                        sn.name,
                        security_kind_text(&sn.kind),
                        bare(&sn.rust_name)
                    ),
                );
            }
        }
    }

    fn compare_servers(&mut self) {
        let a = self.old.servers.first().map(|s| s.url.as_str());
        let b = self.new.servers.first().map(|s| s.url.as_str());
        if a != b {
            self.push(
                Severity::NeedsReview,
                ChangeKind::ServerChanged,
                "servers",
                format!(
                    "default base URL (`DEFAULT_BASE_URL`, used by `Client::new`) changed from `{}` to `{}`: clients that do not call `with_base_url` now talk to another server",
                    a.unwrap_or(""),
                    b.unwrap_or("")
                ),
            );
        }
        let old: BTreeSet<&str> = self
            .old
            .servers
            .iter()
            .skip(1)
            .map(|s| s.url.as_str())
            .collect();
        let new: BTreeSet<&str> = self
            .new
            .servers
            .iter()
            .skip(1)
            .map(|s| s.url.as_str())
            .collect();
        for url in old.difference(&new) {
            if Some(*url) != b {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::ServerRemoved,
                    "servers",
                    format!("server `{url}` no longer listed (documentation only)"),
                );
            }
        }
        for url in new.difference(&old) {
            if Some(*url) != a {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::ServerAdded,
                    "servers",
                    format!("server `{url}` listed (documentation only)"),
                );
            }
        }
    }

    fn compare_webhooks(&mut self) {
        for wo in &self.old.webhooks {
            let loc = format!("webhook {}", wo.name);
            match self.new.webhooks.iter().find(|w| w.name == wo.name) {
                None => self.push(
                    Severity::NonBreaking,
                    ChangeKind::WebhookRemoved,
                    loc,
                    format!("webhook `{}` no longer documented", wo.name),
                ),
                Some(wn) => {
                    if let (Some(a), Some(b)) = (&wo.body, &wn.body) {
                        self.compare_ref(&loc, "payload type", a, b, Side::RESPONSE);
                    }
                }
            }
        }
        for wn in &self.new.webhooks {
            if !self.old.webhooks.iter().any(|w| w.name == wn.name) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::WebhookAdded,
                    format!("webhook {}", wn.name),
                    format!("webhook `{}` documented", wn.name),
                );
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Tightened,
    Loosened,
    Changed,
}

fn bound_change(a: Option<u64>, b: Option<u64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a} -> {b}"),
        (None, Some(b)) => format!("{b} added"),
        (Some(a), None) => format!("{a} removed"),
        (None, None) => "unchanged".to_owned(),
    }
}

/// Orders lower bounds by strictness: a larger bound, or an exclusive one at the same
/// value, is stricter (greater).
fn cmp_lower(a: (f64, bool), b: (f64, bool)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// Orders upper bounds by strictness: a smaller bound, or an exclusive one at the same
/// value, is stricter (less).
fn cmp_upper(a: (f64, bool), b: (f64, bool)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(b.1.cmp(&a.1))
}

fn numeric_change(keyword: &str, a: Option<(f64, bool)>, b: Option<(f64, bool)>) -> String {
    let show = |bound: (f64, bool)| {
        if bound.1 {
            let mut exclusive = String::from("exclusive");
            let mut chars = keyword.chars();
            if let Some(first) = chars.next() {
                exclusive.push(first.to_ascii_uppercase());
                exclusive.push_str(chars.as_str());
            }
            format!("{exclusive} {}", bound.0)
        } else {
            format!("{keyword} {}", bound.0)
        }
    };
    match (a, b) {
        (Some(a), Some(b)) => format!("{} -> {}", show(a), show(b)),
        (None, Some(b)) => format!("{} added", show(b)),
        (Some(a), None) => format!("{} removed", show(a)),
        (None, None) => format!("{keyword} unchanged"),
    }
}

fn show_set(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".to_owned()
    } else {
        set.iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bump_applies_cargo_rules() {
        assert_eq!(Bump::Major.apply("0.3.4").as_deref(), Some("0.4.0"));
        assert_eq!(Bump::Minor.apply("0.3.4").as_deref(), Some("0.3.5"));
        assert_eq!(Bump::Patch.apply("0.3.4").as_deref(), Some("0.3.5"));
        assert_eq!(Bump::Major.apply("0.0.4").as_deref(), Some("0.0.5"));
        assert_eq!(Bump::Major.apply("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.apply("1.2.3-beta.1").as_deref(), Some("1.3.0"));
        assert_eq!(Bump::Patch.apply("1.2.3").as_deref(), Some("1.2.4"));
        assert_eq!(Bump::None.apply("1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(Bump::Major.apply("1.2"), None);
        assert_eq!(Bump::Major.apply("x.y.z"), None);
    }

    #[test]
    fn severities_parse_and_order() {
        assert_eq!("breaking".parse::<Severity>(), Ok(Severity::Breaking));
        assert_eq!(
            "needs_review".parse::<Severity>(),
            Ok(Severity::NeedsReview)
        );
        assert_eq!(
            "Non-Breaking".parse::<Severity>(),
            Ok(Severity::NonBreaking)
        );
        assert!("bad".parse::<Severity>().is_err());
        assert!(Severity::Breaking.at_least(Severity::NeedsReview));
        assert!(!Severity::NonBreaking.at_least(Severity::NeedsReview));
    }

    #[test]
    fn numeric_bounds_compare_by_strictness() {
        assert!(cmp_lower((1.0, true), (1.0, false)).is_gt());
        assert!(cmp_upper((1.0, true), (1.0, false)).is_lt());
        assert_eq!(
            numeric_change("minimum", Some((0.0, false)), Some((0.0, true))),
            "minimum 0 -> exclusiveMinimum 0"
        );
    }

    #[test]
    fn summary_respects_max_lines() {
        let change = |i: usize| Change {
            severity: Severity::NonBreaking,
            wire: Severity::NonBreaking,
            kind: ChangeKind::TypeAdded,
            location: format!("T{i}"),
            message: "type added".to_owned(),
        };
        let report = Report {
            changes: (0..10).map(change).collect(),
        };
        assert_eq!(report.summary(0), "");
        assert_eq!(report.summary(1).lines().count(), 1);
        assert_eq!(report.summary(5).lines().count(), 5);
        assert!(report.summary(5).contains("and 7 more"));
        assert_eq!(report.summary(11).lines().count(), 11);
        assert!(!report.summary(11).contains("more"));
        assert_eq!(Report::default().summary(3), "API changes: none\n");
    }
}
