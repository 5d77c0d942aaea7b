//! `cargo xtask conformance SPEC|DIR`: proof that a generated client speaks the wire as
//! the spec says, judged by tools we did not write.
//!
//! For each spec the crate is generated and linked into a small driver program (see
//! [`driver`]), then three checks run:
//!
//! 1. **Operations against Prism.** Every operation gets a request the spec allows (the
//!    spec's own examples where the reference validator accepts them, otherwise values
//!    synthesized from the schemas, every parameter set so each style is used), sent
//!    through the generated client to Prism started on the same spec. Accepted means
//!    Prism answered 2xx without an `sl-violations` header; decoded means the response
//!    became the generated response type. A mock response that breaks its own schema (by
//!    the validator) is Prism's or the spec's, never counted as ours; Prism crashing is a
//!    "Prism limitation" (it is restarted), never a pass.
//! 2. **Examples round trip.** Every example (schema `example`/`examples`, media-type and
//!    parameter examples) the validator accepts is decoded into its generated type and
//!    encoded back, and must be the same JSON (numbers compared by value; properties the
//!    schema does not declare, which structs do not keep, aside). An example the validator
//!    refuses is a spec error, listed with its pointer.
//! 3. **Agreement with the reference validator.** For every constrained schema with a
//!    generated type, a valid value and variants just inside and outside each bound,
//!    pattern, enum, required set and type are given to the generated `Deserialize` and
//!    to the `jsonschema` crate; they must agree.

mod driver;
mod prism;
mod reference;
mod spec;
mod synth;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

use driver::{Driver, Surface};
use prism::Prism;
use reference::{ErrorClass, Reference};
use spec::Spec;
use synth::{Coverage, Synth};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// A spec file, or a directory of specs (*.json, *.yaml, *.yml).
    pub input: PathBuf,
    /// Only specs whose file name contains this (case-insensitive); repeatable.
    #[arg(long = "only", value_name = "NAME")]
    pub only: Vec<String>,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Where the crates and drivers are written [default: target/conformance].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Skip the operations check (no Prism, no Node.js needed).
    #[arg(long)]
    pub no_prism: bool,
}

/// Counts of one spec's operations check.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Operations {
    pub total: usize,
    pub accepted: usize,
    pub decoded: usize,
    /// Reason -> count.
    pub skipped: BTreeMap<String, usize>,
    pub prism_limitation: usize,
    pub spec_error: usize,
    pub failed: usize,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Examples {
    pub total: usize,
    pub ok: usize,
    pub spec_error: usize,
    pub ours: usize,
    /// Examples of a schema without a generated type (a primitive, an inline scalar).
    pub untyped: usize,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub schemas: usize,
    pub instances: usize,
    pub agree: usize,
    pub disagree: usize,
    /// Schemas for which no valid base value could be found or built.
    pub no_base: usize,
    /// Disagreements the generated code has on purpose (see [`by_design`]).
    pub by_design: usize,
}

/// The formats the generated code enforces (through the types they become).
const ASSERTED_FORMATS: &[&str] = &["uuid", "date-time", "date", "byte"];

/// Why the generated code disagrees with the validator on purpose: for the variant
/// `label`, ours accepting it or not, and the validator's first error (with whether it
/// is an `enum` error).
fn by_design(
    label: &str,
    instance: &Value,
    ours: Result<(), &str>,
    validator: Option<&(String, ErrorClass)>,
) -> Option<&'static str> {
    let ours_valid = ours.is_ok();
    let text_bound = ["minLength", "maxLength", "pattern"]
        .iter()
        .any(|keyword| label.contains(keyword));
    match validator {
        Some((_, ErrorClass::Format(format)))
            if ours_valid && text_bound && ASSERTED_FORMATS.contains(&format.as_str()) =>
        {
            Some(
                "a `uuid`/`date-time`/`date`/`byte` string that also has a length or pattern is                  kept as checked text (its docs say so), so the format is not asserted",
            )
        }
        None if ours.is_err_and(|e| e.contains("expected unique items"))
            && instance.to_string().contains("\"_distinct\"") =>
        {
            Some(
                "items that differ only in a property the schema does not declare (the harness's \
                 `_distinct` marker) are equal once decoded: a struct keeps what its schema declares",
            )
        }
        Some((_, class))
            if ours_valid && (*class == ErrorClass::Enum || label.ends_with(synth::ENUM_MISS)) =>
        {
            Some(
                "open enum: an unlisted value decodes as `Unknown`, so a server that adds a value \
             does not break old clients; it is refused when sent",
            )
        }
        Some(_) if ours_valid && label.ends_with(synth::REQUIRED_ONE_WAY) => Some(
            "a required read-only (or write-only) property is optional in the generated type, \
             which serves requests (that leave it out) and responses alike",
        ),
        Some((_, ErrorClass::Format(format)))
            if ours_valid && !ASSERTED_FORMATS.contains(&format.as_str()) =>
        {
            Some(
                "a `format` the generated code does not check (only `uuid`, `date-time`, `date` \
                 and `byte` become types of their own; others are annotations, as JSON Schema \
                 2020-12 makes them by default); the reference validator asserts it",
            )
        }
        None if !ours_valid && label.ends_with(synth::UNTYPED_WRONG_TYPE) => Some(
            "a schema without `type` whose keywords say what it is (`properties`: an object) is \
             generated as that type, as OpenAPI tools read it; JSON Schema accepts any other type",
        ),
        _ => None,
    }
}

/// Whose a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// A failure of the generator or runtime.
    Ours,
    /// The spec contradicts itself (an example its schema refuses).
    SpecError,
    /// Prism cannot judge the request or mocks a response the spec refuses.
    PrismLimitation,
    /// Not run, with the reason.
    Skipped,
    /// A disagreement the generated code has on purpose, with the reason.
    ByDesign,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ours => "ours",
            Verdict::SpecError => "spec error",
            Verdict::PrismLimitation => "Prism limitation",
            Verdict::Skipped => "skipped",
            Verdict::ByDesign => "by design",
        }
    }
}

/// One finding worth a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `operation`, `example`, `agreement`.
    pub check: &'static str,
    /// `ours`, `spec error`, `Prism limitation`, `skipped`.
    pub verdict: Verdict,
    pub pointer: String,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct SpecReport {
    pub spec: String,
    /// Set when the spec could not be run at all (generation or build failed).
    pub error: Option<String>,
    pub operations: Operations,
    pub examples: Examples,
    pub agreement: Agreement,
    pub findings: Vec<Finding>,
}

impl SpecReport {
    /// Failures of ours (not the spec's, not Prism's).
    pub fn ours(&self) -> usize {
        self.operations.failed
            + self.examples.ours
            + self.agreement.disagree
            + usize::from(self.error.is_some())
    }
}

pub fn cli(args: &Args) -> Result<ExitCode, String> {
    let reports = run(args)?;
    print!("{}", render_table(&reports));
    print!("{}", render_findings(&reports));
    println!("{}", summary(&reports));
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&reports_json(&reports)).unwrap_or_default();
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let ours: usize = reports.iter().map(SpecReport::ours).sum();
    Ok(if ours == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs every check on every spec of `args.input`.
pub fn run(args: &Args) -> Result<Vec<SpecReport>, String> {
    let root = crate::workspace::root();
    let specs = if args.input.is_dir() {
        crate::corpus::find_specs(&args.input, &args.only)?
    } else {
        vec![args.input.clone()]
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("target/conformance"));
    let target = root.join("target/conformance-target");
    let prism_bin = if args.no_prism {
        None
    } else {
        Some(Prism::ensure_installed(&root)?)
    };
    let bar = ProgressBar::new(specs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{pos}/{len} specs {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut reports = Vec::new();
    for path in &specs {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec")
            .to_owned();
        bar.set_message(name.clone());
        let dir = out.join(crate::corpus::stem(&name));
        let report = run_spec(path, &name, &dir, &target, prism_bin.as_deref(), &bar);
        bar.inc(1);
        reports.push(report);
    }
    bar.finish_and_clear();
    Ok(reports)
}

fn run_spec(
    path: &Path,
    name: &str,
    dir: &Path,
    target: &Path,
    prism_bin: Option<&Path>,
    bar: &ProgressBar,
) -> SpecReport {
    let mut report = SpecReport {
        spec: name.to_owned(),
        ..SpecReport::default()
    };
    let fail = |mut report: SpecReport, message: String| {
        report.error = Some(message);
        report
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return fail(report, format!("cannot read: {e}")),
    };
    let spec = match Spec::parse(&text, name) {
        Ok(spec) => spec,
        Err(e) => return fail(report, e),
    };
    let reference = match Reference::new(&spec) {
        Ok(r) => r,
        Err(e) => return fail(report, e),
    };
    bar.set_message(format!("{name}: generating and building the driver"));
    let surface = match build_driver(&text, name, dir) {
        Ok(surface) => surface,
        Err(e) => return fail(report, e),
    };
    let binary = match driver::build(dir, target) {
        Ok(binary) => binary,
        Err(e) => return fail(report, format!("driver build: {e}")),
    };
    let mut driver = match Driver::start(&binary) {
        Ok(d) => d,
        Err(e) => return fail(report, e),
    };
    let mut cache = Validators::new(&reference);
    bar.set_message(format!("{name}: examples"));
    check_examples(&spec, &surface, &mut cache, &mut driver, &mut report);
    bar.set_message(format!("{name}: validator agreement"));
    check_agreement(&spec, &surface, &mut cache, &mut driver, &mut report);
    if let Some(bin) = prism_bin.filter(|_| !surface.operations.is_empty()) {
        let prism_run = PrismRun { bin, spec: path };
        check_operations(
            &spec,
            &prism_run,
            &surface,
            &mut cache,
            &mut driver,
            &mut report,
            bar,
        );
    }
    drop(driver);
    driver::clean(dir, target);
    report
}

/// Generates the crate into `dir/api` and writes the driver beside it.
fn build_driver(text: &str, name: &str, dir: &Path) -> Result<Surface, String> {
    let options = codegen::Options::new(name.to_owned(), driver::crate_name(dir));
    let output = codegen::generate(text, &options).map_err(|d| {
        d.render(name)
            .lines()
            .next()
            .unwrap_or("generation failed")
            .to_owned()
    })?;
    let api_dir = dir.join("api");
    crate::sync::write(&api_dir, &output.files)
        .map_err(|e| format!("{}: {e}", api_dir.display()))?;
    let file = |path: &str| {
        output
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.text.as_str())
            .unwrap_or("")
    };
    let surface = Surface::read(file("src/types.rs"), file("src/client.rs"));
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    write_if_changed(&dir.join("Cargo.toml"), &driver::cargo_toml(&surface, dir))?;
    write_if_changed(
        &src.join("main.rs"),
        &driver::main_rs(&surface, &driver::crate_name(dir)),
    )?;
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        // The workspace's versions of reqwest, tokio, serde: no resolution, no download.
        let _ = std::fs::copy(crate::workspace::root().join("Cargo.lock"), lock);
    }
    Ok(surface)
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Compiled reference validators, by pointer.
struct Validators<'a> {
    reference: &'a Reference,
    compiled: BTreeMap<String, Result<jsonschema::Validator, String>>,
}

impl<'a> Validators<'a> {
    fn new(reference: &'a Reference) -> Self {
        Self {
            reference,
            compiled: BTreeMap::new(),
        }
    }

    /// The first error of `value` against the schema at `pointer` (`None` when valid),
    /// with whether it is an `enum`/`const` one; `Err` when the validator cannot compile
    /// the schema.
    fn check_kind(
        &mut self,
        pointer: &str,
        value: &Value,
    ) -> Result<Option<(String, ErrorClass)>, String> {
        let validator = self
            .compiled
            .entry(pointer.to_owned())
            .or_insert_with(|| self.reference.validator(pointer));
        match validator {
            Ok(v) => Ok(reference::first_error(v, value)),
            Err(e) => Err(e.clone()),
        }
    }

    /// [`check_kind`](Self::check_kind) without the kind.
    fn check(&mut self, pointer: &str, value: &Value) -> Result<Option<String>, String> {
        Ok(self.check_kind(pointer, value)?.map(|(message, _)| message))
    }
}

// ---------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------

/// Every example in the document: (schema pointer, example pointer, value).
fn examples(spec: &Spec) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    collect_examples(spec, &spec.root, "#", &mut out);
    out
}

fn collect_examples(
    spec: &Spec,
    node: &Value,
    pointer: &str,
    out: &mut Vec<(String, String, Value)>,
) {
    match node {
        Value::Object(map) => {
            let is_media_or_param = map.contains_key("schema")
                && (pointer.contains("/content/") || map.contains_key("in"));
            let schema_pointer = if is_media_or_param {
                Some(format!("{pointer}/schema"))
            } else if looks_like_schema(map) {
                Some(pointer.to_owned())
            } else {
                None
            };
            if let Some(schema) = schema_pointer {
                if let Some(example) = map.get("example") {
                    out.push((
                        schema.clone(),
                        format!("{pointer}/example"),
                        example.clone(),
                    ));
                }
                match map.get("examples") {
                    Some(Value::Array(items)) if !is_media_or_param => {
                        for (i, item) in items.iter().enumerate() {
                            out.push((
                                schema.clone(),
                                format!("{pointer}/examples/{i}"),
                                item.clone(),
                            ));
                        }
                    }
                    Some(Value::Object(named)) if is_media_or_param => {
                        for key in named.keys() {
                            let at = format!(
                                "{pointer}/examples/{}",
                                codegen::pointer::escape_token(key)
                            );
                            let resolved = spec.resolve_pointer(&at);
                            if let Some(value) = spec.at(&resolved).and_then(|e| e.get("value")) {
                                out.push((
                                    schema.clone(),
                                    format!("{resolved}/value"),
                                    value.clone(),
                                ));
                            }
                        }
                    }
                    _ => {}
                }
            }
            for (key, child) in map {
                // Example values are data, not schemas: do not look inside them.
                if key == "example"
                    || key == "examples"
                    || key == "default"
                    || key == "enum"
                    || key == "const"
                {
                    continue;
                }
                let at = format!("{pointer}/{}", codegen::pointer::escape_token(key));
                collect_examples(spec, child, &at, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_examples(spec, item, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn looks_like_schema(map: &Map<String, Value>) -> bool {
    [
        "type",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "$ref",
        "enum",
        "format",
    ]
    .iter()
    .any(|k| map.contains_key(*k))
}

fn check_examples(
    spec: &Spec,
    surface: &Surface,
    cache: &mut Validators,
    driver: &mut Driver,
    report: &mut SpecReport,
) {
    for (schema, at, value) in examples(spec) {
        report.examples.total += 1;
        let target = spec.resolve_pointer(&schema);
        match cache.check(&target, &value) {
            Ok(Some(error)) => {
                report.examples.spec_error += 1;
                report.findings.push(Finding {
                    check: "example",
                    verdict: Verdict::SpecError,
                    pointer: at,
                    message: format!("breaks its schema {target}: {error}"),
                });
                continue;
            }
            Err(error) => {
                report.examples.untyped += 1;
                report.findings.push(Finding {
                    check: "example",
                    verdict: Verdict::Skipped,
                    pointer: at,
                    message: error,
                });
                continue;
            }
            Ok(None) => {}
        }
        // `null` of a nullable schema belongs to the field's `Option`, not to the type.
        if !surface.types.contains_key(&target) || value.is_null() {
            report.examples.untyped += 1;
            continue;
        }
        match driver.decode(&target, &value) {
            Ok(answer) if answer["ok"] == json!(true) => {
                match same_json(spec, cache, &target, &value, &answer["value"]) {
                    None => report.examples.ok += 1,
                    Some(difference) => {
                        report.examples.ours += 1;
                        report.findings.push(Finding {
                            check: "example",
                            verdict: Verdict::Ours,
                            pointer: at,
                            message: format!(
                                "round trip through `{}` differs: {difference}",
                                surface.types[&target]
                            ),
                        });
                    }
                }
            }
            Ok(answer) if answer.get("unsupported").is_some() => report.examples.untyped += 1,
            Ok(answer) => {
                report.examples.ours += 1;
                report.findings.push(Finding {
                    check: "example",
                    verdict: Verdict::Ours,
                    pointer: at,
                    message: format!(
                        "valid, but `{}` refuses it: {}",
                        surface.types[&target],
                        answer["error"].as_str().unwrap_or_default()
                    ),
                });
            }
            Err(e) => {
                report.examples.ours += 1;
                report.findings.push(Finding {
                    check: "example",
                    verdict: Verdict::Ours,
                    pointer: at,
                    message: e,
                });
                return;
            }
        }
    }
}

/// Where `back` (decoded and encoded again) differs from `original`, ignoring key order,
/// number spelling, `null`s of absent optional values, and properties the schema does
/// not declare (structs do not keep them).
fn same_json(
    spec: &Spec,
    cache: &mut Validators,
    schema: &str,
    original: &Value,
    back: &Value,
) -> Option<String> {
    compare(spec, cache, Some(schema.to_owned()), original, back, "")
}

fn compare(
    spec: &Spec,
    cache: &mut Validators,
    schema: Option<String>,
    a: &Value,
    b: &Value,
    at: &str,
) -> Option<String> {
    let here = || {
        if at.is_empty() {
            "the value".to_owned()
        } else {
            at.to_owned()
        }
    };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64() != y.as_f64()).then(|| format!("{}: {x} became {y}", here()))
        }
        (Value::Array(xs), Value::Array(ys)) => {
            if xs.len() != ys.len() {
                return Some(format!(
                    "{}: {} items became {}",
                    here(),
                    xs.len(),
                    ys.len()
                ));
            }
            let items = schema
                .as_deref()
                .and_then(|s| array_items(spec, cache, s, a));
            xs.iter().zip(ys).enumerate().find_map(|(i, (x, y))| {
                compare(spec, cache, items.clone(), x, y, &format!("{at}[{i}]"))
            })
        }
        (Value::Object(xs), Value::Object(ys)) => {
            let declared = schema.as_deref().and_then(|s| {
                kept_properties(spec, s, xs, &mut |member, value| {
                    matches!(cache.check(member, value), Ok(None))
                })
            });
            for (key, x) in xs {
                let child_at = format!("{at}.{key}");
                match ys.get(key) {
                    Some(y) => {
                        let child = declared.as_ref().and_then(|d| d.get(key).cloned());
                        if let Some(diff) = compare(spec, cache, child, x, y, &child_at) {
                            return Some(diff);
                        }
                    }
                    None if x.is_null() => {}
                    None => {
                        let kept = declared.as_ref().is_none_or(|d| d.contains_key(key))
                            || schema.as_deref().is_some_and(|s| keeps_extra(spec, s));
                        if kept {
                            return Some(format!("{child_at} was dropped"));
                        }
                    }
                }
            }
            ys.keys()
                .find(|k| !xs.contains_key(*k) && !ys[*k].is_null())
                .map(|k| format!("{at}.{k} was added"))
        }
        // The generated `DateTime<Utc>` keeps the instant, not the offset it was written
        // with: `16:18:44-04:00` comes back as `20:18:44Z`.
        (Value::String(x), Value::String(y)) if same_instant(x, y) => None,
        // Base64 text is compared as the bytes it spells: Adyen's example has non-zero
        // trailing bits (`...EmC==`), which the client reads and writes canonically (`...EmA==`).
        (Value::String(x), Value::String(y))
            if schema.as_deref().is_some_and(|s| is_base64(spec, s)) && same_bytes(x, y) =>
        {
            None
        }
        _ => (a != b).then(|| format!("{}: {a} became {b}", here())),
    }
}

/// The items schema of the array schema at `schema`; for a union of array schemas
/// (GitHub's starred repositories: `anyOf` of two arrays), that of the first member the
/// value is valid against, the one the client decodes it into.
fn array_items(spec: &Spec, cache: &mut Validators, schema: &str, value: &Value) -> Option<String> {
    if let Some(items) = declared_child(spec, schema, "items") {
        return Some(items);
    }
    let pointer = spec.resolve_pointer(schema);
    let node = spec.at(&pointer)?;
    ["oneOf", "anyOf"].iter().find_map(|keyword| {
        let count = node
            .get(*keyword)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        (0..count).find_map(|i| {
            let member = spec.resolve_pointer(&format!("{pointer}/{keyword}/{i}"));
            let items = declared_child(spec, &member, "items")?;
            matches!(cache.check(&member, value), Ok(None)).then_some(items)
        })
    })
}

/// True for a string schema whose text is base64 (`format: byte`, or 3.1's
/// `contentEncoding: base64`).
fn is_base64(spec: &Spec, schema: &str) -> bool {
    spec.resolved(schema).is_some_and(|node| {
        node.get("format").and_then(Value::as_str) == Some("byte")
            || node.get("contentEncoding").and_then(Value::as_str) == Some("base64")
    })
}

/// Both texts are base64 of the same bytes (padding and trailing bits aside).
fn same_bytes(a: &str, b: &str) -> bool {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine as _;
    let lenient = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    matches!((lenient.decode(a), lenient.decode(b)), (Ok(x), Ok(y)) if x == y)
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The properties a decoded value of the object schema at `schema` must keep from
/// `value`: those it declares. For an untagged union (`oneOf`/`anyOf`), the client takes
/// a member that keeps the whole value when one declares every present property; when
/// none does, some are dropped whichever member fits (by design: a struct holds what its
/// schema declares), so no drop is reported (an empty set).
fn kept_properties(
    spec: &Spec,
    schema: &str,
    value: &Map<String, Value>,
    valid: &mut dyn FnMut(&str, &Value) -> bool,
) -> Option<BTreeMap<String, String>> {
    let node = spec.resolved(schema)?;
    let present: Vec<&String> = value
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k)
        .collect();
    let pointer = spec.resolve_pointer(schema);
    for keyword in ["oneOf", "anyOf"] {
        let Some(members) = node.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        if node.get("discriminator").is_some() {
            break;
        }
        // The schema's own `properties` (next to the union) belong to every member.
        let own: BTreeMap<String, String> = node
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| {
                let at = |name: &str| {
                    format!(
                        "{pointer}/properties/{}",
                        codegen::pointer::escape_token(name)
                    )
                };
                properties
                    .keys()
                    .map(|name| (name.clone(), at(name)))
                    .collect()
            })
            .unwrap_or_default();
        // A member counts only if the value is valid against it: one that declares every
        // key but refuses the value (a nested required property missing) cannot be the
        // one the client keeps it in.
        let object = Value::Object(value.clone());
        let whole = (0..members.len()).find_map(|i| {
            let member = format!("{pointer}/{keyword}/{i}");
            let mut declared = declared_properties(spec, &member);
            declared.extend(own.clone());
            (present.iter().all(|key| declared.contains_key(*key))
                && valid(&spec.resolve_pointer(&member), &object))
            .then_some(declared)
        });
        return Some(whole.unwrap_or_default());
    }
    Some(declared_properties(spec, schema))
}

/// Declared properties of an object schema (through `$ref` and `allOf`): name -> pointer.
fn declared_properties(spec: &Spec, schema: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![spec.resolve_pointer(schema)];
    let mut seen = 0;
    while let Some(pointer) = stack.pop() {
        seen += 1;
        if seen > 64 {
            break;
        }
        let Some(node) = spec.at(&pointer) else {
            continue;
        };
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            for name in properties.keys() {
                out.entry(name.clone()).or_insert_with(|| {
                    format!(
                        "{pointer}/properties/{}",
                        codegen::pointer::escape_token(name)
                    )
                });
            }
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            if let Some(members) = node.get(keyword).and_then(Value::as_array) {
                for i in 0..members.len() {
                    stack.push(spec.resolve_pointer(&format!("{pointer}/{keyword}/{i}")));
                }
            }
        }
    }
    out
}

fn declared_child(spec: &Spec, schema: &str, keyword: &str) -> Option<String> {
    let pointer = spec.resolve_pointer(schema);
    spec.at(&pointer)?.get(keyword)?;
    Some(format!("{pointer}/{keyword}"))
}

/// True when the object keeps undeclared properties (`additionalProperties` a schema or
/// `true` with no `properties`: a map).
fn keeps_extra(spec: &Spec, schema: &str) -> bool {
    let Some(node) = spec.resolved(schema) else {
        return false;
    };
    match node.get("additionalProperties") {
        Some(Value::Object(_)) => true,
        Some(Value::Bool(true)) => node.get("properties").is_none(),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Agreement
// ---------------------------------------------------------------------------------------

const CONSTRAINTS: [&str; 14] = [
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "enum",
    "required",
    "additionalProperties",
];

fn is_constrained(spec: &Spec, pointer: &str) -> bool {
    let Some(Value::Object(map)) = spec.resolved(pointer) else {
        return false;
    };
    let here = |m: &Map<String, Value>| CONSTRAINTS.iter().any(|k| m.contains_key(*k));
    here(map)
        || map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|props| {
                props.keys().any(|name| {
                    let child = format!(
                        "{}/properties/{}",
                        spec.resolve_pointer(pointer),
                        codegen::pointer::escape_token(name)
                    );
                    matches!(spec.resolved(&child), Some(Value::Object(m)) if here(m))
                })
            })
}

fn is_schema_pointer(pointer: &str) -> bool {
    pointer.contains("/components/schemas/") || pointer.contains("/schema")
}

fn check_agreement(
    spec: &Spec,
    surface: &Surface,
    cache: &mut Validators,
    driver: &mut Driver,
    report: &mut SpecReport,
) {
    for (pointer, name) in &surface.types {
        if !is_schema_pointer(pointer) || !is_constrained(spec, pointer) {
            continue;
        }
        report.agreement.schemas += 1;
        let Some(base) = valid_base(spec, pointer, cache) else {
            report.agreement.no_base += 1;
            continue;
        };
        let mut instances = vec![("a valid value".to_owned(), base.clone())];
        instances.extend(synth::variants(spec, pointer, &base));
        for (label, instance) in instances {
            if instance.is_null() {
                continue;
            }
            let Ok(verdict) = cache.check_kind(pointer, &instance) else {
                break;
            };
            let answer = match driver.decode(pointer, &instance) {
                Ok(a) => a,
                Err(e) => {
                    report.agreement.disagree += 1;
                    report.findings.push(Finding {
                        check: "agreement",
                        verdict: Verdict::Ours,
                        pointer: pointer.clone(),
                        message: e,
                    });
                    return;
                }
            };
            if answer.get("unsupported").is_some() {
                break;
            }
            report.agreement.instances += 1;
            let ours_valid = answer["ok"] == json!(true);
            if ours_valid == verdict.is_none() {
                report.agreement.agree += 1;
                continue;
            }
            let ours = if ours_valid {
                Ok(())
            } else {
                Err(answer["error"].as_str().unwrap_or_default())
            };
            // A union member is generated with the `type` and `properties` written next to
            // the union (urlbox's `oneOf: [{required: [url]}, {required: [html]}]`): the
            // member alone takes a string, its generated variant is the object.
            let merged_member = || {
                let (parent, last) = pointer.rsplit_once('/')?;
                let (parent, keyword) = parent.rsplit_once('/')?;
                last.parse::<usize>().ok()?;
                let node = spec.at(parent)?;
                (matches!(keyword, "oneOf" | "anyOf")
                    && (node.get("type").is_some() || node.get("properties").is_some()))
                .then_some(())
            };
            // A schema with `properties` and no `type` (GitHub's secret-scanning pattern
            // update beside its `anyOf`) is an object, whatever else JSON Schema admits.
            let untyped_object =
                || spec.resolved(pointer).is_some_and(typeless_object) && !instance.is_object();
            let reason = by_design(&label, &instance, ours, verdict.as_ref()).or_else(|| {
                if ours_valid || verdict.is_some() {
                    None
                } else if merged_member().is_some() {
                    Some(
                        "a union member is generated together with the `type` and `properties` \
                         written next to the union; the member alone admits more",
                    )
                } else if untyped_object() {
                    Some(
                        "a schema without `type` whose keywords say what it is (`properties`: an \
                         object) is generated as that type, as OpenAPI tools read it",
                    )
                } else {
                    None
                }
            });
            if let Some(reason) = reason {
                report.agreement.by_design += 1;
                report.findings.push(Finding {
                    check: "agreement",
                    verdict: Verdict::ByDesign,
                    pointer: pointer.clone(),
                    message: format!("{label}: {reason}"),
                });
                continue;
            }
            report.agreement.disagree += 1;
            let message = match verdict.map(|(message, _)| message) {
                None => format!(
                    "{label}: the validator accepts {instance}, `{name}` refuses it ({})",
                    answer["error"].as_str().unwrap_or_default()
                ),
                Some(error) => format!(
                    "{label}: `{name}` accepts {instance}, the validator refuses it ({error})"
                ),
            };
            report.findings.push(Finding {
                check: "agreement",
                verdict: Verdict::Ours,
                pointer: pointer.clone(),
                message,
            });
        }
    }
}

/// A value the validator accepts for `pointer`: its example, or one synthesized with
/// every property, or with the required ones only.
fn valid_base(spec: &Spec, pointer: &str, cache: &mut Validators) -> Option<Value> {
    let mut candidates = Vec::new();
    if let Some(Value::Object(map)) = spec.resolved(pointer) {
        candidates.extend(synth::example_of(map));
    }
    for coverage in [Coverage::All, Coverage::Required] {
        candidates.extend(Synth::new(spec, coverage, false).value(pointer));
        candidates.extend(
            Synth::new(spec, coverage, false)
                .without_examples()
                .value(pointer),
        );
    }
    candidates
        .into_iter()
        .find(|c| matches!(cache.check(pointer, c), Ok(None)))
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

/// Why the response Prism sent breaks the spec's schema for its status, if it does.
fn mock_breaks_schema(
    spec: &Spec,
    op: &spec::Operation,
    answer: &Value,
    cache: &mut Validators,
) -> Option<String> {
    if answer["result"] != "decode-failed" {
        return None;
    }
    let status = answer["status"].as_u64()?;
    let (_, schema) = op
        .json_responses
        .iter()
        .find(|(code, _)| u64::from(*code) == status)?;
    let mock: Value = serde_json::from_str(answer["body"].as_str()?).ok()?;
    cache
        .check(&spec.resolve_pointer(schema), &mock)
        .ok()
        .flatten()
}

/// Another path template of the spec with the same shape as `path` (parameters named
/// differently), if any.
fn same_shape_path(spec: &Spec, path: &str) -> Option<String> {
    let shape = |p: &str| {
        p.split('/')
            .map(|segment| {
                if segment.starts_with('{') && segment.ends_with('}') {
                    "{}"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mine = shape(path);
    spec.root
        .get("paths")?
        .as_object()?
        .keys()
        .find(|other| other.as_str() != path && shape(other) == mine)
        .cloned()
}

/// True when each of the operation's security requirements (its own, else the
/// document's) names two or more schemes that write the `Authorization` header.
fn shared_authorization(spec: &Spec, op: &spec::Operation) -> bool {
    let writes_authorization = |name: &str| {
        spec.at(&format!(
            "#/components/securitySchemes/{}",
            codegen::pointer::escape_token(name)
        ))
        .is_some_and(|scheme| match scheme.get("type").and_then(Value::as_str) {
            Some("http") | Some("oauth2") | Some("openIdConnect") => true,
            Some("apiKey") => {
                scheme.get("in").and_then(Value::as_str) == Some("header")
                    && scheme
                        .get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case("authorization"))
            }
            _ => false,
        })
    };
    let requirements = spec
        .at(&op.pointer)
        .and_then(|node| node.get("security"))
        .or_else(|| spec.root.get("security"))
        .and_then(Value::as_array);
    requirements.is_some_and(|list| {
        !list.is_empty()
            && list.iter().all(|requirement| {
                requirement.as_object().is_some_and(|r| {
                    r.keys().filter(|name| writes_authorization(name)).count() >= 2
                })
            })
    })
}

/// A schema with `properties` and no `type`: the generator makes it an object (as OpenAPI
/// tools read it), where JSON Schema admits any value.
fn typeless_object(node: &Value) -> bool {
    node.get("type").is_none() && node.get("properties").is_some()
}

/// Where `value` is `null` and the schema at `schema` (through `$ref` and `allOf`)
/// declares `properties` with no `type` and no `nullable`: the instance path.
fn null_for_untyped_object(
    spec: &Spec,
    schema: &str,
    value: &Value,
    at: &str,
    depth: usize,
) -> Option<String> {
    if depth > 32 {
        return None;
    }
    let pointer = spec.resolve_pointer(schema);
    let node = spec.at(&pointer)?;
    let members: Vec<String> = std::iter::once(pointer.clone())
        .chain(
            (0..node
                .get("allOf")
                .and_then(Value::as_array)
                .map_or(0, Vec::len))
                .map(|i| spec.resolve_pointer(&format!("{pointer}/allOf/{i}"))),
        )
        .collect();
    match value {
        Value::Null => {
            let nodes: Vec<&Value> = members.iter().filter_map(|m| spec.at(m)).collect();
            let typed_or_nullable = nodes.iter().any(|n| {
                n.get("type").is_some() || n.get("nullable").and_then(Value::as_bool) == Some(true)
            });
            (nodes.iter().any(|n| typeless_object(n)) && !typed_or_nullable).then(|| at.to_owned())
        }
        Value::Object(object) => object.iter().find_map(|(key, child)| {
            members.iter().find_map(|m| {
                let property = format!("{m}/properties/{}", codegen::pointer::escape_token(key));
                spec.at(&property)?;
                null_for_untyped_object(spec, &property, child, &format!("{at}.{key}"), depth + 1)
            })
        }),
        Value::Array(items) => {
            let items_schema = declared_child(spec, &pointer, "items")?;
            items.iter().enumerate().find_map(|(i, item)| {
                null_for_untyped_object(spec, &items_schema, item, &format!("{at}[{i}]"), depth + 1)
            })
        }
        _ => None,
    }
}

/// How to start Prism on the spec: its binary and the spec's file.
struct PrismRun<'a> {
    bin: &'a Path,
    spec: &'a Path,
}

fn check_operations(
    spec: &Spec,
    prism_run: &PrismRun,
    surface: &Surface,
    cache: &mut Validators,
    driver: &mut Driver,
    report: &mut SpecReport,
    bar: &ProgressBar,
) {
    let (prism_bin, path) = (prism_run.bin, prism_run.spec);
    let operations = spec.operations();
    let name = report.spec.clone();
    let mut prism = match start_prism(prism_bin, path, driver) {
        Ok(p) => p,
        Err(e) => {
            report.operations.total = operations.len();
            report.operations.prism_limitation = operations.len();
            report.findings.push(Finding {
                check: "operation",
                verdict: Verdict::PrismLimitation,
                pointer: "#".to_owned(),
                message: e,
            });
            return;
        }
    };
    let by_route: BTreeMap<(String, String), &str> = surface
        .operations
        .iter()
        .map(|(op, e)| ((e.method.clone(), e.path.clone()), op.as_str()))
        .collect();
    for (n, op) in operations.iter().enumerate() {
        bar.set_message(format!("{name}: operation {}/{}", n + 1, operations.len()));
        report.operations.total += 1;
        let Some(op_name) = by_route.get(&(op.method.to_ascii_uppercase(), op.path.clone())) else {
            skip(
                report,
                op,
                "the generated client has no method for it (skipped by the generator)",
            );
            continue;
        };
        if !op.has_success {
            skip(report, op, "no 2xx response documented");
            continue;
        }
        let job = match request(spec, op, cache) {
            Ok(job) => job,
            Err(reason) => {
                skip(report, op, &reason);
                continue;
            }
        };
        let mut job = job;
        job["op"] = Value::from(*op_name);
        job["kind"] = Value::from("call");
        let mut answer = match driver.ask(&job) {
            Ok(a) => a,
            Err(e) => {
                fail(report, op, Verdict::Ours, e);
                return;
            }
        };
        // Prism's static mock fills strings with "string" whatever their pattern or
        // format: ask once more for a response generated from the schema.
        if prism.is_alive() && mock_breaks_schema(spec, op, &answer, cache).is_some() {
            let mut again = job.clone();
            again["headers"] = json!({"Prefer": "dynamic=true"});
            if let Ok(second) = driver.ask(&again) {
                answer = second;
            }
        }
        let alive = prism.is_alive();
        classify(spec, op, &job, &answer, alive, cache, report);
        if !alive {
            match start_prism(prism_bin, path, driver) {
                Ok(p) => prism = p,
                Err(_) => return,
            }
        }
    }
}

fn start_prism(bin: &Path, spec: &Path, driver: &mut Driver) -> Result<Prism, String> {
    let prism = Prism::start(bin, spec)?;
    driver.ask(&json!({"kind": "base-url", "url": prism.base_url}))?;
    Ok(prism)
}

/// The call job for `op`: `params` keyed `"{in}.{name}"`, and the body.
fn request(spec: &Spec, op: &spec::Operation, cache: &mut Validators) -> Result<Value, String> {
    let mut params = Map::new();
    let mut spec_headers = Map::new();
    for param in &op.params {
        // Header parameters the generator drops (OpenAPI says to ignore them, or HTTP
        // framing the client sets itself).
        if param.location == "header" && codegen::ignored_header(&param.name).is_some() {
            // A required `Authorization` parameter with no security scheme behind it (loket.nl
            // declares one on every operation): a caller sends it with a hook, so does the
            // driver (unless a scheme's credential already set the header).
            if param.name.eq_ignore_ascii_case("authorization") && param.required {
                if let Some(value) = param.schema.as_deref().and_then(|schema| {
                    let target = spec.resolve_pointer(schema);
                    request_candidates(spec, &param.pointer, schema)
                        .into_iter()
                        .find(|c| {
                            c.is_string()
                                && usable_param(c)
                                && matches!(cache.check(&target, c), Ok(None))
                        })
                }) {
                    spec_headers.insert(param.name.clone(), value);
                }
            }
            continue;
        }
        let Some(schema) = &param.schema else {
            if param.required {
                return Err(format!("parameter `{}` has no schema", param.name));
            }
            continue;
        };
        let mut candidates = request_candidates(spec, &param.pointer, schema);
        candidates.extend(member_candidates(spec, schema));
        let target = spec.resolve_pointer(schema);
        // On the wire a parameter is text: a number or boolean whose text the schema
        // also takes as a string matches both members of a `oneOf` (integer | string)
        // once read back, which the spec forbids. Such a value is not one to send.
        let value = candidates.into_iter().find(|c| {
            matches!(cache.check(&target, c), Ok(None))
                && usable_param(c)
                && !(matches!(c, Value::Number(_) | Value::Bool(_))
                    && matches!(
                        cache.check(&target, &Value::String(c.to_string())),
                        Ok(None)
                    ))
        });
        match value {
            Some(value) => {
                params.insert(format!("{}.{}", param.location, param.name), value);
            }
            None if param.required => {
                return Err(format!("no valid value for parameter `{}`", param.name));
            }
            None => {}
        }
    }
    let mut job = json!({ "params": params });
    if !spec_headers.is_empty() {
        job["spec-headers"] = Value::Object(spec_headers);
    }
    if let Some(body) = &op.body {
        let Some(schema) = &body.schema else {
            return Err(format!("the {} body has no schema", body.media_type));
        };
        let mut candidates = request_candidates(spec, &body.pointer, schema);
        // An empty form is no body at all on the wire (conjur's `enabled=true|false` body
        // has no required field): a required form body gets every property first.
        if body.required
            && body
                .media_type
                .starts_with("application/x-www-form-urlencoded")
        {
            let full = Synth::new(spec, Coverage::All, true)
                .without_examples()
                .value(schema);
            candidates.retain(|c| c.as_object().is_none_or(|o| !o.is_empty()));
            candidates.extend(full);
        }
        let target = spec.resolve_pointer(schema);
        match candidates
            .into_iter()
            .find(|c| matches!(cache.check(&target, c), Ok(None)))
        {
            // `null` for an optional body (GitHub's `examples: {default: {value: null}}`
            // next to a `type`-less object schema) means: send none.
            Some(Value::Null) if !body.required => {}
            Some(value) => job["body"] = value,
            None if body.required => return Err("no valid request body could be built".to_owned()),
            None => {}
        }
    }
    Ok(job)
}

/// What a request may send for a parameter or media type object at `owner` with the
/// schema at `schema`, best first: its `example`, its named `examples`, then values
/// synthesized from the schema (with the schema's own examples, then without them).
fn request_candidates(spec: &Spec, owner: &str, schema: &str) -> Vec<Value> {
    let mut candidates = Vec::new();
    if let Some(node) = spec.at(owner) {
        candidates.extend(node.get("example").cloned());
        if let Some(named) = node.get("examples").and_then(Value::as_object) {
            for key in named.keys() {
                let at = spec.resolve_pointer(&format!(
                    "{owner}/examples/{}",
                    codegen::pointer::escape_token(key)
                ));
                candidates.extend(spec.at(&at).and_then(|e| e.get("value")).cloned());
            }
        }
    }
    candidates.extend(Synth::new(spec, Coverage::Required, true).value(schema));
    candidates.extend(
        Synth::new(spec, Coverage::Required, true)
            .without_examples()
            .value(schema),
    );
    candidates
}

/// Values built from each member of the schema's `oneOf`/`anyOf` on its own (for a
/// parameter, another member may give a value whose text is unambiguous).
fn member_candidates(spec: &Spec, schema: &str) -> Vec<Value> {
    let target = spec.resolve_pointer(schema);
    let mut candidates = Vec::new();
    for keyword in ["oneOf", "anyOf"] {
        let count = spec
            .at(&target)
            .and_then(|node| node.get(keyword))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..count {
            let member = format!("{target}/{keyword}/{index}");
            candidates.extend(
                Synth::new(spec, Coverage::Required, true)
                    .without_examples()
                    .value(&member),
            );
        }
    }
    candidates
}

/// Values a parameter can carry through every style: nothing that serializes to no
/// text (an empty string, object or list: jellyfin's object-typed `{version}` path
/// parameter would be an empty segment). Nested objects in non-`deepObject` styles are
/// left to Prism to judge.
fn usable_param(value: &Value) -> bool {
    match value {
        Value::String(s) => !s.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

fn skip(report: &mut SpecReport, op: &spec::Operation, reason: &str) {
    *report
        .operations
        .skipped
        .entry(reason.to_owned())
        .or_default() += 1;
    report.findings.push(Finding {
        check: "operation",
        verdict: Verdict::Skipped,
        pointer: op.pointer.clone(),
        message: format!("{}: {reason}", op.label),
    });
}

fn fail(report: &mut SpecReport, op: &spec::Operation, verdict: Verdict, message: String) {
    match verdict {
        Verdict::Ours => report.operations.failed += 1,
        Verdict::SpecError => report.operations.spec_error += 1,
        Verdict::PrismLimitation => report.operations.prism_limitation += 1,
        // Skips and by-design cases are counted where they are found, never failed.
        Verdict::Skipped | Verdict::ByDesign => {}
    }
    report.findings.push(Finding {
        check: "operation",
        verdict,
        pointer: op.pointer.clone(),
        message: format!("{}: {message}", op.label),
    });
}

fn classify(
    spec: &Spec,
    op: &spec::Operation,
    job: &Value,
    answer: &Value,
    prism_alive: bool,
    cache: &mut Validators,
    report: &mut SpecReport,
) {
    let result = answer["result"].as_str().unwrap_or_default();
    let status = answer["status"].as_u64().unwrap_or(0);
    let violations = answer["violations"].as_str().map(str::to_owned);
    let body = answer["body"].as_str().unwrap_or_default();
    let short = |s: &str| s.chars().take(300).collect::<String>();
    if !prism_alive {
        fail(
            report,
            op,
            Verdict::PrismLimitation,
            format!("Prism crashed on the request ({result})"),
        );
        return;
    }
    match result {
        "decoded" => {
            if let Some(v) = violations {
                fail(report, op, Verdict::Ours, format!("Prism reports request violations: {}", short(&v)));
            } else {
                report.operations.accepted += 1;
                report.operations.decoded += 1;
            }
        }
        "decode-failed" => {
            report.operations.accepted += usize::from(violations.is_none());
            let error = answer["error"].as_str().unwrap_or_default();
            // JSON Schema leaves `discriminator` to OpenAPI: a mock can pass the validator
            // with a tag that names no schema, which the generated union refuses.
            let unknown_tag = error.contains("unknown `") && error.contains("` value `");
            if unknown_tag {
                fail(
                    report,
                    op,
                    Verdict::PrismLimitation,
                    format!("Prism's mock {status} response carries a discriminator value that names no schema: {}", short(error)),
                );
                return;
            }
            // A schema with `properties` but no `type` is generated as an object (as
            // OpenAPI tools read it); JSON Schema lets it be `null`, and Prism's mock of
            // such a schema is `null` (appcenter.ms's `allOf`s of untyped members).
            let untyped_null = op
                .json_responses
                .iter()
                .find(|(code, _)| u64::from(*code) == status)
                .zip(answer["body"].as_str().and_then(|b| serde_json::from_str::<Value>(b).ok()))
                .and_then(|((_, schema), mock)| null_for_untyped_object(spec, schema, &mock, "", 0));
            if let Some(at) = untyped_null {
                let reason = "the mock response has `null` where the schema declares properties but no `type`: an object here, by design";
                *report.operations.skipped.entry(reason.to_owned()).or_default() += 1;
                report.findings.push(Finding {
                    check: "operation",
                    verdict: Verdict::ByDesign,
                    pointer: op.pointer.clone(),
                    message: format!("{}: {reason} (at `{}`)", op.label, if at.is_empty() { "the body" } else { &at }),
                });
                return;
            }
            match mock_breaks_schema(spec, op, answer, cache) {
                Some(error) => fail(
                    report,
                    op,
                    Verdict::PrismLimitation,
                    format!("Prism's mock {status} response breaks the spec's schema ({error})"),
                ),
                None => fail(
                    report,
                    op,
                    Verdict::Ours,
                    format!(
                        "the {status} response does not decode: {} (body {})",
                        short(answer["error"].as_str().unwrap_or_default()),
                        short(body)
                    ),
                ),
            }
        }
        "error-status" | "unexpected-status" => {
            // Prism does not read a path parameter out of a segment with text after it
            // (`/a$b/{id}#x`): the request carried it, Prism says it is missing.
            // (in its error body, or in `sl-violations` when the spec documents an error
            // response Prism then serves: Azure's `/{tenantID}/{nextLink}#Applications_ListNext`).
            let missing_path = "Request path must have required property";
            let unextracted = (status == 422 && body.contains(missing_path))
                || violations.as_deref().is_some_and(|v| v.contains(missing_path));
            // Nor does it read arrays out of `application/x-www-form-urlencoded` bodies.
            let form_arrays = status == 422
                && op.body.as_ref().is_some_and(|b| b.media_type.starts_with("application/x-www-form-urlencoded"))
                && job["body"].as_object().is_some_and(|o| o.values().any(Value::is_array));
            // And it requires header parameters named `Authorization` that OpenAPI says
            // are ignored (the generator drops them; credentials go through the schemes).
            let ignored_header = violations.as_deref().is_some_and(|v| {
                v.contains("Request header must have required property 'authorization'")
            });
            // Nor a one-item exploded query array whose schema is wrapped (a 3.0 `nullable`
            // array, an `anyOf`): `?ids=1` "must be array" (stoplightio/prism#2675, open).
            // (A HEAD answer has no body to say so: the same request is judged by its shape.)
            let single_item_array = status == 422
                && (body.contains("must be array") || (op.method == "head" && body.is_empty()))
                && job["params"].as_object().is_some_and(|params| {
                    params.iter().any(|(name, value)| {
                        name.starts_with("query.") && value.as_array().is_some_and(|items| items.len() == 1)
                    })
                });
            // It reads an `application/octet-stream` body as text and validates it against
            // the media type's object schema (Google Storage's upload: the bytes are the
            // file, the schema its metadata).
            // Likewise a `text/plain` body (appcenter.ms's release update), whose JSON text
            // it does not parse.
            let body_violation = (status == 422 && body.contains(r#""location":["body"]"#))
                || violations
                    .as_deref()
                    .is_some_and(|v| v.contains(r#""location":["request","body"]"#));
            let binary_as_object = body_violation
                && op.body.as_ref().is_some_and(|b| {
                    matches!(b.media_type.as_str(), "application/octet-stream" | "text/plain")
                        && b.schema.as_deref().and_then(|s| spec.resolved(s)).is_some_and(|n| {
                            n.get("type").and_then(Value::as_str) != Some("string")
                        })
                });
            // A security requirement whose schemes all write `Authorization` (conjur's
            // `basicAuth` and an `apiKey` header named Authorization, both required at
            // once): no request carries both, the spec's own contradiction.
            // Two templates of the same shape (loket.nl's `.../payslips/{payrollrunId}` and
            // `.../payslips/{year}`) are one path, which OpenAPI forbids: Prism routes the
            // request to the other and judges it by that one's parameters.
            if let Some(twin) = violations
                .as_deref()
                .filter(|v| v.contains("Request path parameter"))
                .and_then(|_| same_shape_path(spec, &op.path))
            {
                fail(
                    report,
                    op,
                    Verdict::SpecError,
                    format!("`{}` and `{twin}` differ only in parameter names, which OpenAPI forbids; Prism served the other", op.path),
                );
                return;
            }
            if status == 401 && shared_authorization(spec, op) {
                fail(
                    report,
                    op,
                    Verdict::SpecError,
                    "every security requirement needs two schemes that both write the `Authorization` header: no request can satisfy it".to_owned(),
                );
                return;
            }
            let verdict = if status >= 500
                || binary_as_object
                || unextracted
                || form_arrays
                || ignored_header
                || single_item_array
            {
                Verdict::PrismLimitation
            } else {
                Verdict::Ours
            };
            fail(
                report,
                op,
                verdict,
                format!(
                    "Prism answered {status}{}: {} (request {})",
                    violations.map(|v| format!(" with violations {}", short(&v))).unwrap_or_default(),
                    short(body),
                    short(&job.to_string())
                ),
            );
        }
        "unsupported" => skip(report, op, answer["error"].as_str().unwrap_or("unsupported")),
        "params-refused" | "body-refused" | "client-refused" => fail(
            report,
            op,
            Verdict::Ours,
            format!(
                "the generated client refuses a request the validator accepts ({result}): {} (request {})",
                short(answer["error"].as_str().unwrap_or_default()),
                short(&job.to_string())
            ),
        ),
        _ => fail(
            report,
            op,
            Verdict::Ours,
            format!("{result}: {}", short(answer["error"].as_str().unwrap_or_default())),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------

pub fn render_table(reports: &[SpecReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| spec | ops | accepted | decoded | skipped | Prism limit | failed | examples ok / spec error / ours / untyped | agreement (schemas, instances) | disagree |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|---|---:|");
    for r in reports {
        if let Some(error) = &r.error {
            let _ = writeln!(
                out,
                "| {} | not run: {} | | | | | | | | |",
                r.spec,
                error.replace('|', "\\|")
            );
            continue;
        }
        let o = &r.operations;
        let e = &r.examples;
        let a = &r.agreement;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} / {} / {} / {} | {} agree, {} by design ({} schemas, {} instances, {} without a valid base) | {} |",
            r.spec,
            o.total,
            o.accepted,
            o.decoded,
            o.skipped.values().sum::<usize>(),
            o.prism_limitation,
            o.failed,
            e.ok,
            e.spec_error,
            e.ours,
            e.untyped,
            a.agree,
            a.by_design,
            a.schemas,
            a.instances,
            a.no_base,
            a.disagree
        );
    }
    out
}

/// The first finding of each (check, verdict) per spec.
pub fn render_findings(reports: &[SpecReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let mut seen = std::collections::BTreeSet::new();
        for f in &r.findings {
            if f.verdict == Verdict::Skipped && f.check == "example" {
                continue;
            }
            if seen.insert((f.check, f.verdict)) {
                let count = r
                    .findings
                    .iter()
                    .filter(|g| g.check == f.check && g.verdict == f.verdict)
                    .count();
                let _ = writeln!(
                    out,
                    "{}: {} {} ({count}): {} {}",
                    r.spec,
                    f.check,
                    f.verdict.as_str(),
                    f.pointer,
                    f.message
                );
            }
        }
    }
    out
}

pub fn summary(reports: &[SpecReport]) -> String {
    let sum = |f: &dyn Fn(&SpecReport) -> usize| reports.iter().map(f).sum::<usize>();
    let ops = sum(&|r| r.operations.total);
    let decoded = sum(&|r| r.operations.decoded);
    let skipped = sum(&|r| r.operations.skipped.values().sum());
    let examples_ok = sum(&|r| r.examples.ok);
    let examples_valid = sum(&|r| r.examples.ok + r.examples.ours);
    let agree = sum(&|r| r.agreement.agree);
    let instances = sum(&|r| r.agreement.instances);
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    format!(
        "{} specs: operations {decoded}/{} accepted and decoded ({:.1}%, {skipped} skipped), examples {examples_ok}/{examples_valid} valid ones round-trip ({:.1}%, {} spec errors), validator agreement {agree}/{instances} ({:.1}%); {} failures of ours",
        reports.len(),
        ops - skipped,
        pct(decoded, ops - skipped),
        pct(examples_ok, examples_valid),
        sum(&|r| r.examples.spec_error),
        pct(agree, instances),
        sum(&SpecReport::ours),
    )
}

fn reports_json(reports: &[SpecReport]) -> Value {
    Value::Array(
        reports
            .iter()
            .map(|r| {
                json!({
                    "spec": r.spec,
                    "error": r.error,
                    "operations": {
                        "total": r.operations.total,
                        "accepted": r.operations.accepted,
                        "decoded": r.operations.decoded,
                        "skipped": r.operations.skipped,
                        "prism_limitation": r.operations.prism_limitation,
                        "spec_error": r.operations.spec_error,
                        "failed": r.operations.failed,
                    },
                    "examples": {
                        "total": r.examples.total,
                        "ok": r.examples.ok,
                        "spec_error": r.examples.spec_error,
                        "ours": r.examples.ours,
                        "untyped": r.examples.untyped,
                    },
                    "agreement": {
                        "schemas": r.agreement.schemas,
                        "instances": r.agreement.instances,
                        "agree": r.agreement.agree,
                        "disagree": r.agreement.disagree,
                        "no_base": r.agreement.no_base,
                        "by_design": r.agreement.by_design,
                    },
                    "findings": r.findings.iter().map(|f| json!({
                        "check": f.check,
                        "verdict": f.verdict.as_str(),
                        "pointer": f.pointer,
                        "message": f.message,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNION: &str = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "Owner": {"anyOf": [{"$ref": "#/components/schemas/User"}, {"$ref": "#/components/schemas/Org"}]},
            "User": {"type": "object", "properties": {"login": {"type": "string"}, "gravatar_id": {"type": "string"}}},
            "Org": {"type": "object", "properties": {"login": {"type": "string"}, "members_url": {"type": "string"}}}
        }}}"##;

    /// GitHub's `workflow_id`: a path parameter that is an integer id or a file name.
    const ID_OR_NAME: &str = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/workflows/{workflow_id}": {"get": {"parameters": [
            {"name": "workflow_id", "in": "path", "required": true,
             "schema": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}],
            "responses": {"204": {"description": "ok"}}}}}}"##;

    #[test]
    fn a_parameter_value_whose_text_would_match_two_one_of_members_is_not_sent() {
        let spec = Spec::parse(ID_OR_NAME, "ids.json").unwrap();
        let reference = Reference::new(&spec).unwrap();
        let mut cache = Validators::new(&reference);
        let op = &spec.operations()[0];
        let job = request(&spec, op, &mut cache).unwrap();
        let value = &job["params"]["path.workflow_id"];
        // `1` would be sent as `1`, which is an integer and a string: `oneOf` fails.
        let text = value
            .as_str()
            .unwrap_or_else(|| panic!("a string: {value}"));
        assert!(text.parse::<f64>().is_err(), "{text}");
        assert!(matches!(
            cache.check(
                &spec.resolve_pointer(&op.params[0].schema.clone().unwrap()),
                value
            ),
            Ok(None)
        ));
    }

    /// GitHub's starred repositories: an `anyOf` of two arrays, and an example whose items
    /// carry keys `repository` does not declare (dropped by design) next to declared ones.
    const ARRAYS: &str = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "Starred": {"anyOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/Star"}},
                {"type": "array", "items": {"$ref": "#/components/schemas/Repo"}}]},
            "Star": {"type": "object", "required": ["repo"], "properties": {"repo": {"$ref": "#/components/schemas/Repo"}}},
            "Repo": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "Blob": {"type": "string", "format": "byte"}
        }}}"##;

    #[test]
    fn round_trips_know_the_items_of_a_union_of_arrays_and_read_base64_as_bytes() {
        let spec = Spec::parse(ARRAYS, "arrays.json").unwrap();
        let reference = Reference::new(&spec).unwrap();
        let mut cache = Validators::new(&reference);
        let starred = "#/components/schemas/Starred";
        let example = json!([{"name": "a", "network_count": 3}]);
        // `network_count` is declared by no member's items: dropped by design.
        let back = json!([{"name": "a"}]);
        assert_eq!(same_json(&spec, &mut cache, starred, &example, &back), None);
        // `name` is declared: dropping it is a bug.
        let back = json!([{"network_count": 3}]);
        assert_eq!(
            same_json(&spec, &mut cache, starred, &example, &back).as_deref(),
            Some("[0].name was dropped")
        );
        let blob = "#/components/schemas/Blob";
        assert_eq!(
            same_json(
                &spec,
                &mut cache,
                blob,
                &json!("v+E3EmC="),
                &json!("v+E3EmA=")
            ),
            None
        );
        assert!(same_json(
            &spec,
            &mut cache,
            blob,
            &json!("v+E3EmC="),
            &json!("v+E3EmE=")
        )
        .is_some());
    }

    #[test]
    fn paths_that_differ_only_in_parameter_names_are_found() {
        let spec = Spec::parse(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
                "/e/{id}/payslips/{runId}": {}, "/e/{id}/payslips/{year}": {}, "/e/{id}/payslips/summary": {}}}"##,
            "twins.json",
        )
        .unwrap();
        assert_eq!(
            same_shape_path(&spec, "/e/{id}/payslips/{runId}").as_deref(),
            Some("/e/{id}/payslips/{year}")
        );
        assert_eq!(same_shape_path(&spec, "/e/{id}/payslips/summary"), None);
    }

    #[test]
    fn a_null_mock_for_an_untyped_object_schema_is_found_with_its_path() {
        // appcenter.ms: an `allOf` of members with `properties` and no `type`.
        let spec = Spec::parse(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "Release": {"allOf": [{"properties": {"label": {"type": "string"}}}, {"properties": {"size": {"type": "number"}}}]},
                "Page": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Release"}}}},
                "Maybe": {"nullable": true, "properties": {"a": {"type": "string"}}}
            }}}"##,
            "untyped.json",
        )
        .unwrap();
        let release = "#/components/schemas/Release";
        assert_eq!(
            null_for_untyped_object(&spec, release, &Value::Null, "", 0).as_deref(),
            Some("")
        );
        assert_eq!(
            null_for_untyped_object(&spec, release, &json!({"label": "a"}), "", 0),
            None
        );
        let page = "#/components/schemas/Page";
        assert_eq!(
            null_for_untyped_object(
                &spec,
                page,
                &json!({"items": [{"label": "a"}, null]}),
                "",
                0
            )
            .as_deref(),
            Some(".items[1]")
        );
        // Declared nullable: `null` is the spec's, and the generated type takes it.
        assert_eq!(
            null_for_untyped_object(&spec, "#/components/schemas/Maybe", &Value::Null, "", 0),
            None
        );
    }

    #[test]
    fn a_union_member_that_declares_every_property_must_keep_them_all() {
        let spec = Spec::parse(UNION, "union.json").unwrap();
        let value = |v: Value| v.as_object().unwrap().clone();
        let all_valid = &mut |_: &str, _: &Value| true;
        let kept = kept_properties(
            &spec,
            "#/components/schemas/Owner",
            &value(json!({"login": "o", "gravatar_id": "g"})),
            all_valid,
        )
        .unwrap();
        assert!(
            kept.contains_key("gravatar_id"),
            "User declares both: {kept:?}"
        );
        // ... unless the value is not valid against User (GitHub's environment examples:
        // a nested required property missing): then no member keeps it whole.
        let kept = kept_properties(
            &spec,
            "#/components/schemas/Owner",
            &value(json!({"login": "o", "gravatar_id": "g"})),
            &mut |member: &str, _: &Value| !member.ends_with("/User"),
        )
        .unwrap();
        assert!(kept.is_empty(), "{kept:?}");
        // No member declares both `gravatar_id` and `members_url`: whichever the client
        // takes drops one, by design, so no drop is expected.
        let kept = kept_properties(
            &spec,
            "#/components/schemas/Owner",
            &value(json!({"login": "o", "gravatar_id": "g", "members_url": "m"})),
            all_valid,
        )
        .unwrap();
        assert!(kept.is_empty(), "{kept:?}");
        // Not a union: the declared properties.
        let kept = kept_properties(
            &spec,
            "#/components/schemas/User",
            &value(json!({})),
            all_valid,
        )
        .unwrap();
        assert_eq!(kept.len(), 2);
    }
}
