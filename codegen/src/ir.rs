//! The intermediate representation: the API shaped for Rust.
//!
//! Lowering builds it from a spec; emitting turns it into tokens and cannot fail. Every
//! node keeps its Rust name, its wire name and the JSON pointer it came from.

use serde_json::Value;

pub use crate::names::RustName;

/// Index of a type in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// Index of a rule in [`Api::rules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub usize);

/// The whole API.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.summary` and `info.description`.
    pub description: String,
    /// `info.version`.
    pub version: String,
    /// `servers`: the first is the client's default base URL.
    pub servers: Vec<Server>,
    /// Named types, in a deterministic order.
    pub types: Vec<TypeDef>,
    /// Constraint rules, one per constrained value position.
    pub rules: Vec<RuleDef>,
    /// Operations, one client method each.
    pub operations: Vec<Operation>,
    /// Security schemes that operations use.
    pub security_schemes: Vec<SecurityScheme>,
    /// Webhooks: documented payload types, no client method.
    pub webhooks: Vec<Webhook>,
    /// Which optional crates the output needs.
    pub uses: Uses,
}

/// Optional dependencies the generated code uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    /// `uuid`.
    pub uuid: bool,
    /// `chrono`.
    pub chrono: bool,
}

/// One `servers` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// URL with variables replaced by their defaults.
    pub url: String,
    /// `description`.
    pub description: String,
}

/// A webhook payload.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The webhook's key.
    pub name: String,
    /// The HTTP method the provider uses.
    pub method: String,
    /// The payload type.
    pub body: Option<TypeRef>,
    /// Docs.
    pub docs: String,
}

/// Documentation attached to an item: the text and where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// Summary and description (UTF-8, as in the spec).
    pub text: String,
    /// JSON pointer of the source node.
    pub pointer: String,
    /// Notes the generator adds (fallbacks, defaults, examples).
    pub notes: Vec<String>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name, unique in the crate.
    pub name: String,
    /// Documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
    /// What it is used for (decides derives and serde support).
    pub role: Role,
    /// Reachable from an operation's parameters or request body: callers build it to
    /// send it, so its constructors are part of the default API. Types that are only
    /// received (responses, webhook payloads) get theirs behind the `builders` feature.
    pub sent: bool,
    /// Derives the generator config adds (`Hash`, `serde_with::...`), as paths.
    pub derives: Vec<String>,
}

/// What a named type is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// A model from the spec's schemas: serde both ways.
    #[default]
    Model,
    /// An operation's parameters (encoded by the client).
    Params,
    /// A multipart request body (encoded by the client).
    Multipart,
    /// An operation's success or error outcome by status (built by the client).
    Outcome,
}

/// The shapes of named types.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A closed set of string or integer values.
    Enum(Enum),
    /// `oneOf`/`anyOf`, or a type array with several types.
    Union(Union),
    /// A name for another type (`pub type X = ...;`).
    Alias(TypeRef),
}

impl TypeKind {
    /// Calls `visit` with every type reference the kind holds (fields, the flattened
    /// map, variants, the alias target).
    pub fn for_each_ref(&self, mut visit: impl FnMut(&TypeRef)) {
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| visit(&f.ty));
                if let Some(extra) = &s.extra {
                    visit(extra);
                }
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
            TypeKind::Alias(ty) => visit(ty),
            TypeKind::Enum(_) => {}
        }
    }
}

/// A Rust struct.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Fields in document order.
    pub fields: Vec<Field>,
    /// `additionalProperties` with a schema next to properties: a flattened map.
    pub extra: Option<TypeRef>,
    /// `additionalProperties: false`: unknown fields are refused.
    pub deny_unknown: bool,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// `snake_case` Rust name.
    pub rust_name: RustName,
    /// JSON property name.
    pub wire_name: String,
    /// Type, without the `Option` that [`Field::optional`] and [`Field::nullable`] add.
    pub ty: TypeRef,
    /// Absent values allowed (not required, or read-only/write-only): skipped when `None`.
    pub optional: bool,
    /// `null` allowed: a required nullable field sends `null` for `None`.
    pub nullable: bool,
    /// The constraints the field's schema states that its type must enforce, recorded
    /// by lowering for [`crate::lower::audit`] to hold against the rule it built.
    pub asked: Vec<CheckKind>,
    /// Documentation.
    pub docs: Docs,
}

/// An enum over literal values.
#[derive(Debug, Clone)]
pub struct Enum {
    /// String or integer values.
    pub repr: EnumRepr,
    /// Variants.
    pub variants: Vec<EnumVariant>,
}

/// The wire type of an [`Enum`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings.
    String,
    /// JSON integers.
    Integer,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// `UpperCamelCase` Rust name.
    pub rust_name: String,
    /// The value on the wire.
    pub value: Value,
}

/// A sum type.
#[derive(Debug, Clone)]
pub struct Union {
    /// Variants in document order.
    pub variants: Vec<UnionVariant>,
    /// Property that tells the variants apart (`discriminator.propertyName`).
    pub discriminator: Option<String>,
}

/// One variant of a [`Union`].
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// `UpperCamelCase` Rust name.
    pub rust_name: String,
    /// The payload.
    pub ty: TypeRef,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// Primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prim {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `uuid::Uuid`.
    Uuid,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// Base64 text on the wire, bytes in Rust.
    Base64,
    /// Raw bytes (response bodies).
    Bytes,
    /// File content a request sends (binary bodies, multipart file parts): bytes, a
    /// file read as a stream, or a stream (`runtime::Upload`).
    Upload,
    /// Any JSON value.
    Json,
    /// A JSON object with unknown keys.
    JsonObject,
    /// `()` for "no content".
    Unit,
}

/// A reference to a type at a use site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A named type.
    Named(TypeId),
    /// A primitive.
    Prim(Prim),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>` (for `null`).
    Option(Box<TypeRef>),
    /// `Box<T>` (breaks a recursive containment cycle).
    Box(Box<TypeRef>),
    /// A tuple (`prefixItems`).
    Tuple(Vec<TypeRef>),
    /// A value checked against a rule: `Checked<T, Rule>`.
    Checked(Box<TypeRef>, RuleId),
    /// A type of the user's, by path (`time::OffsetDateTime`), mapped in the generator
    /// config: it brings its own serde and its own checks.
    User(String),
}

impl TypeRef {
    /// Calls `visit` with every named type the reference mentions, at any depth.
    pub fn for_each_named(&self, visit: &mut impl FnMut(TypeId)) {
        match self {
            TypeRef::Named(id) => visit(*id),
            TypeRef::Prim(_) | TypeRef::User(_) => {}
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Box(inner)
            | TypeRef::Checked(inner, _) => inner.for_each_named(visit),
            TypeRef::Tuple(members) => members.iter().for_each(|m| m.for_each_named(visit)),
        }
    }

    /// The type with `Option` and `Box` layers removed.
    pub fn strip(&self) -> &TypeRef {
        match self {
            TypeRef::Option(inner) | TypeRef::Box(inner) => inner.strip(),
            other => other,
        }
    }
}

/// A set of checks for one value position, mirroring the shape of its type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checks {
    /// Assertions on the value itself.
    pub here: Vec<Check>,
    /// Checks on each array item.
    pub items: Option<Box<Checks>>,
    /// Checks on each map value.
    pub values: Option<Box<Checks>>,
    /// Checks on tuple members, by position.
    pub members: Vec<(usize, Checks)>,
}

impl Checks {
    /// True when nothing is checked anywhere.
    pub fn is_empty(&self) -> bool {
        self.here.is_empty()
            && self.items.as_ref().is_none_or(|c| c.is_empty())
            && self.values.as_ref().is_none_or(|c| c.is_empty())
            && self.members.iter().all(|(_, c)| c.is_empty())
    }
}

/// One assertion.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `minItems`.
    MinItems(u64),
    /// `maxItems`.
    MaxItems(u64),
    /// `uniqueItems`.
    UniqueItems,
    /// `minLength`.
    MinLength(u64),
    /// `maxLength`.
    MaxLength(u64),
    /// `pattern`.
    Pattern(String),
    /// `minimum` / `exclusiveMinimum`.
    Minimum(f64, bool),
    /// `maximum` / `exclusiveMaximum`.
    Maximum(f64, bool),
    /// `multipleOf`.
    MultipleOf(f64),
    /// `minProperties`.
    MinProperties(u64),
    /// `maxProperties`.
    MaxProperties(u64),
    /// `enum`/`const` on a value that is not a Rust enum: allowed JSON texts.
    OneOfValues(Vec<String>),
    /// Map keys must match `patternProperties`/`propertyNames` patterns.
    KeyPattern(String),
    /// `dependentRequired`: when the first property is present, the others must be too.
    DependentRequired(Vec<(String, Vec<String>)>),
    /// `contains` (with a `const` or `enum` schema) and `minContains`/`maxContains`:
    /// between `min` and `max` items equal one of the allowed JSON texts.
    Contains {
        /// Allowed values as JSON text.
        allowed: Vec<String>,
        /// `minContains` (default 1).
        min: u64,
        /// `maxContains`.
        max: Option<u64>,
    },
}

/// The keyword a [`Check`] stands for, without its values: code that must treat every
/// kind of constraint (the diff) matches on it exhaustively, so a new `Check` is listed
/// by the compiler wherever it needs handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckKind {
    /// `minItems`.
    MinItems,
    /// `maxItems`.
    MaxItems,
    /// `uniqueItems`.
    UniqueItems,
    /// `minLength`.
    MinLength,
    /// `maxLength`.
    MaxLength,
    /// `pattern`.
    Pattern,
    /// `minimum` / `exclusiveMinimum`.
    Minimum,
    /// `maximum` / `exclusiveMaximum`.
    Maximum,
    /// `multipleOf`.
    MultipleOf,
    /// `minProperties`.
    MinProperties,
    /// `maxProperties`.
    MaxProperties,
    /// `enum`/`const` on a value that is not a Rust enum.
    OneOfValues,
    /// `patternProperties`/`propertyNames` on map keys.
    KeyPattern,
    /// `dependentRequired`.
    DependentRequired,
    /// `contains` with `minContains`/`maxContains`.
    Contains,
}

impl CheckKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [CheckKind; 15] = [
        CheckKind::MinItems,
        CheckKind::MaxItems,
        CheckKind::MinLength,
        CheckKind::MaxLength,
        CheckKind::MinProperties,
        CheckKind::MaxProperties,
        CheckKind::UniqueItems,
        CheckKind::Minimum,
        CheckKind::Maximum,
        CheckKind::MultipleOf,
        CheckKind::Pattern,
        CheckKind::KeyPattern,
        CheckKind::OneOfValues,
        CheckKind::Contains,
        CheckKind::DependentRequired,
    ];

    /// The JSON Schema keyword (the first one, where several build the check).
    pub fn keyword(self) -> &'static str {
        match self {
            CheckKind::MinItems => "minItems",
            CheckKind::MaxItems => "maxItems",
            CheckKind::UniqueItems => "uniqueItems",
            CheckKind::MinLength => "minLength",
            CheckKind::MaxLength => "maxLength",
            CheckKind::Pattern => "pattern",
            CheckKind::Minimum => "minimum",
            CheckKind::Maximum => "maximum",
            CheckKind::MultipleOf => "multipleOf",
            CheckKind::MinProperties => "minProperties",
            CheckKind::MaxProperties => "maxProperties",
            CheckKind::OneOfValues => "enum",
            CheckKind::KeyPattern => "patternProperties",
            CheckKind::DependentRequired => "dependentRequired",
            CheckKind::Contains => "contains",
        }
    }
}

impl Check {
    /// The keyword this check stands for.
    pub fn kind(&self) -> CheckKind {
        match self {
            Check::MinItems(_) => CheckKind::MinItems,
            Check::MaxItems(_) => CheckKind::MaxItems,
            Check::UniqueItems => CheckKind::UniqueItems,
            Check::MinLength(_) => CheckKind::MinLength,
            Check::MaxLength(_) => CheckKind::MaxLength,
            Check::Pattern(_) => CheckKind::Pattern,
            Check::Minimum(..) => CheckKind::Minimum,
            Check::Maximum(..) => CheckKind::Maximum,
            Check::MultipleOf(_) => CheckKind::MultipleOf,
            Check::MinProperties(_) => CheckKind::MinProperties,
            Check::MaxProperties(_) => CheckKind::MaxProperties,
            Check::OneOfValues(_) => CheckKind::OneOfValues,
            Check::KeyPattern(_) => CheckKind::KeyPattern,
            Check::DependentRequired(_) => CheckKind::DependentRequired,
            Check::Contains { .. } => CheckKind::Contains,
        }
    }
}

/// A constraint rule: a zero-sized type implementing `runtime::Rule<T>`.
#[derive(Debug, Clone)]
pub struct RuleDef {
    /// Rust name of the rule type.
    pub name: String,
    /// Name used at the start of error paths (wire name or schema name).
    pub label: String,
    /// The checked type.
    pub ty: TypeRef,
    /// The checks.
    pub checks: Checks,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// All methods in path-item order.
    pub const ALL: [(&'static str, Method); 8] = [
        ("get", Method::Get),
        ("put", Method::Put),
        ("post", Method::Post),
        ("delete", Method::Delete),
        ("options", Method::Options),
        ("head", Method::Head),
        ("patch", Method::Patch),
        ("trace", Method::Trace),
    ];

    /// Upper-case name.
    pub fn as_upper(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `snake_case` method name.
    pub rust_name: RustName,
    /// `operationId` as written (or empty).
    pub operation_id: String,
    /// HTTP method.
    pub method: Method,
    /// Path template as written (`/pets/{petId}`).
    pub path: String,
    /// The same template, parsed.
    pub template: PathTemplate,
    /// Summary and description.
    pub docs: Docs,
    /// Parameters (path ones first, in template order).
    pub params: Vec<Param>,
    /// The struct holding every parameter (path ones first): what the operation's
    /// call builder carries.
    pub params_type: TypeId,
    /// Request body.
    pub body: Option<RequestBody>,
    /// Responses by status.
    pub responses: Vec<Response>,
    /// Success type (one per success response, or an enum over them).
    pub success: SuccessType,
    /// Error body type for documented error statuses.
    pub error: ErrorType,
    /// Alternatives of security requirements (indices into [`Api::security_schemes`]).
    pub security: Vec<Vec<usize>>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `tags`, as written.
    pub tags: Vec<String>,
    /// A success response streamed as items (server-sent events, JSON lines).
    pub stream: Option<ItemStream>,
    /// How the operation's success responses follow one another as pages.
    pub pagination: Option<Pagination>,
}

/// A list operation's pages: where each page's items are and how the next is asked for.
/// Fields and parameters are held by index, so renames made later apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The fields from the success body down to the items (empty: the body is the list).
    pub items: Vec<FieldHop>,
    /// One item's type.
    pub item: TypeRef,
    /// How the next page is asked for.
    pub next: NextPage,
}

/// One step down a path of struct fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldHop {
    /// The struct.
    pub owner: TypeId,
    /// Its field (an index into the struct's fields).
    pub field: usize,
}

/// How the page after one is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage {
    /// The `rel="next"` target of the response's RFC 8288 `Link` header.
    Link,
    /// The next page's URL, in a string field of the body (`next`, Django REST
    /// framework's convention): absent, `null` or not a URL on the last page.
    BodyLink {
        /// The path to the field.
        field: Vec<FieldHop>,
    },
    /// A cursor the body carries (a string field, by path), sent back in a query
    /// parameter (an index into the operation's parameters).
    Cursor {
        /// The path to the cursor field.
        field: Vec<FieldHop>,
        /// The parameter.
        param: usize,
    },
    /// A page number parameter, one more for each page, until a page has no items.
    PageNumber {
        /// The parameter.
        param: usize,
        /// The number of the first page (the value the parameter has when unset).
        first: i64,
    },
    /// An offset parameter, moved on by each page's item count until a page has none.
    Offset {
        /// The parameter.
        param: usize,
    },
}

/// The items of a streamed success response.
#[derive(Debug, Clone)]
pub struct ItemStream {
    /// How the body is cut into items.
    pub format: StreamFormat,
    /// One item's type (`None`: the raw event).
    pub item: Option<TypeRef>,
}

/// How a streamed body is cut into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// `text/event-stream`.
    ServerSentEvents,
    /// `application/x-ndjson`, `application/jsonl`: one JSON value per line.
    JsonLines,
}

impl StreamFormat {
    /// The format of a media type, if it is a stream of items.
    pub fn of_media(media: &str) -> Option<Self> {
        let essence = media
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/event-stream" => Some(Self::ServerSentEvents),
            "application/x-ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/jsonlines" => Some(Self::JsonLines),
            _ => None,
        }
    }
}

impl Operation {
    /// Calls `visit` with every type the operation's parameters, body and responses use.
    pub fn for_each_type(&self, visit: &mut impl FnMut(&TypeRef)) {
        visit(&TypeRef::Named(self.params_type));
        self.params.iter().for_each(|param| visit(&param.ty));
        if let Some(body) = &self.body {
            visit(&body.ty);
        }
        self.responses
            .iter()
            .for_each(|response| visit(&response.ty));
        match &self.success {
            SuccessType::Single(ty) => visit(ty),
            SuccessType::Enum(id) => visit(&TypeRef::Named(*id)),
        }
        match &self.error {
            ErrorType::None => {}
            ErrorType::Single(ty) => visit(ty),
            ErrorType::Enum(id) => visit(&TypeRef::Named(*id)),
        }
        if let Some(ItemStream {
            item: Some(item), ..
        }) = &self.stream
        {
            visit(item);
        }
    }
}

impl TypeDef {
    /// Calls `visit` with every type a value of this type holds.
    pub fn for_each_child(&self, visit: &mut impl FnMut(&TypeRef)) {
        match &self.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|field| visit(&field.ty));
                if let Some(extra) = &s.extra {
                    visit(extra);
                }
            }
            TypeKind::Enum(_) => {}
            TypeKind::Union(u) => u.variants.iter().for_each(|variant| visit(&variant.ty)),
            TypeKind::Alias(ty) => visit(ty),
        }
    }
}

/// A path template (`/pets/{petId}/photos`) cut into literal text and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The pieces in order.
    pub parts: Vec<PathPart>,
}

/// One piece of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as it is (percent-encoded where a path needs it).
    Literal(String),
    /// `{name}`: the path parameter `name`.
    Param(String),
}

impl PathTemplate {
    /// Parses `path`; an unclosed `{` is literal text.
    pub fn parse(path: &str) -> Self {
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            if start > 0 {
                parts.push(PathPart::Literal(rest[..start].to_owned()));
            }
            parts.push(PathPart::Param(rest[start + 1..start + len].to_owned()));
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        Self { parts }
    }

    /// The parameter names, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            PathPart::Param(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParamLocation {
    const ALL: [ParamLocation; 4] = [
        ParamLocation::Path,
        ParamLocation::Query,
        ParamLocation::Header,
        ParamLocation::Cookie,
    ];

    /// The spec's name for it (`in: query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }

    /// The location named `text` in a spec.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

/// Parameter serialization styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamStyle {
    /// `simple`
    Simple,
    /// `label`
    Label,
    /// `matrix`
    Matrix,
    /// `form`
    Form,
    /// `spaceDelimited`
    SpaceDelimited,
    /// `pipeDelimited`
    PipeDelimited,
    /// `deepObject`
    DeepObject,
}

impl ParamStyle {
    const ALL: [ParamStyle; 7] = [
        ParamStyle::Simple,
        ParamStyle::Label,
        ParamStyle::Matrix,
        ParamStyle::Form,
        ParamStyle::SpaceDelimited,
        ParamStyle::PipeDelimited,
        ParamStyle::DeepObject,
    ];

    /// The spec's name for it (`style: deepObject`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
        }
    }

    /// The style named `text` in a spec.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// `snake_case` Rust name (argument or params-struct field).
    pub rust_name: RustName,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Type (without the `Option` for optional ones).
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// Serialization style.
    pub style: ParamStyle,
    /// `explode`.
    pub explode: bool,
    /// Documentation.
    pub docs: Docs,
}

/// Request body encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// `application/json` (and `+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Raw bytes with a content type.
    Bytes,
    /// Text with a content type.
    Text,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Encoding.
    pub kind: BodyKind,
    /// The media type sent.
    pub content_type: String,
    /// Type of the value the caller passes.
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// Multipart fields that are files (wire names).
    pub file_fields: Vec<String>,
}

/// Response body decodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseKind {
    /// No content.
    Empty,
    /// JSON.
    Json,
    /// Text.
    Text,
    /// Bytes.
    Bytes,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `2XX` etc.: the first digit.
    Range(u16),
    /// `default`.
    Default,
}

impl StatusMatch {
    /// Reads a `responses` key: `200`, `2XX` (any case) or `default`; `None` for
    /// anything else (extensions, typos, codes outside 100..600).
    pub fn parse(key: &str) -> Option<Self> {
        let upper = key.to_ascii_uppercase();
        match upper.as_str() {
            "DEFAULT" => Some(StatusMatch::Default),
            text if text.len() == 3 && text.ends_with("XX") => {
                text[..1].parse::<u16>().ok().map(StatusMatch::Range)
            }
            text => text
                .parse::<u16>()
                .ok()
                .filter(|code| (100..600).contains(code))
                .map(StatusMatch::Code),
        }
    }
}

/// As the spec writes it: `200`, `2XX`, `default`.
impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(code) => write!(f, "{code}"),
            StatusMatch::Range(digit) => write!(f, "{digit}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Statuses it covers.
    pub status: StatusMatch,
    /// How the body is read.
    pub kind: ResponseKind,
    /// Body type (`Prim::Unit` for none).
    pub ty: TypeRef,
    /// Media type to accept.
    pub content_type: Option<String>,
    /// Documentation.
    pub docs: String,
    /// Success (2xx, or `default` when no 2xx exists) or error.
    pub success: bool,
    /// Variant name in the operation's success or error enum.
    pub variant: String,
}

/// The type a successful call returns.
#[derive(Debug, Clone)]
pub enum SuccessType {
    /// One type for every success response.
    Single(TypeRef),
    /// An enum over several success responses.
    Enum(TypeId),
}

/// The typed body of documented error responses.
#[derive(Debug, Clone)]
pub enum ErrorType {
    /// No documented error responses: `Infallible`.
    None,
    /// One type for every error response.
    Single(TypeRef),
    /// An enum over several error responses.
    Enum(TypeId),
}

/// A security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Name in `components.securitySchemes`.
    pub name: String,
    /// `snake_case` name for the client's setter.
    pub rust_name: RustName,
    /// Kind.
    pub kind: SecurityKind,
    /// Documentation.
    pub docs: String,
}

/// Kinds of security schemes the client can apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// `http` / `bearer` (also OAuth2 and OpenID Connect access tokens).
    Bearer,
    /// `http` / `basic`.
    Basic,
    /// `apiKey` in a header.
    ApiKeyHeader(String),
    /// `apiKey` in the query.
    ApiKeyQuery(String),
    /// `apiKey` in a cookie.
    ApiKeyCookie(String),
}
