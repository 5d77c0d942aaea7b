//! OpenAPI 3.0/3.1 to Rust: spec text in, the files of a client crate out.
//!
//! Data flows one way: `load` (text → value tree and version) → `refs`/`schema`
//! (references and schema keywords, the same model for 3.0 and 3.1) → `lower` (the
//! `ir`) → `emit` (tokens with `quote!`; the many items of fixed shape, constructors and
//! `serde_impls!` invocations, as text) → `render` (`prettyplease`, header line). Public
//! here: [`generate`], [`diff_texts`] and their types, [`diag`], [`diff`]'s report,
//! [`ignored_header`] (which header parameters get no setter), and
//! the helpers the fuzzer shares with the generator ([`pointer`](mod@pointer), [`source`],
//! [`parse_tree`]).
//! Nothing here touches the file system or the network: the `xtask` front end writes or
//! checks the files.

mod bundle;
mod config;
pub mod diag;
pub mod diff;
mod emit;
mod ir;
mod load;
mod locate;
mod lower;
mod names;
mod overlay;
pub mod pointer;
mod refs;
mod render;
mod schema;
pub mod source;

pub use bundle::SpecFiles;
pub use config::ConfigFile;
pub use load::parse_tree;
pub use lower::{ignored_header, IgnoredHeader};
pub use overlay::OverlayFile;

use diag::Diagnostics;

/// The hand-written runtime crate (`codegen/runtime/src/`) copied into every generated
/// crate's `runtime/` folder: (path in the generated crate, text).
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("runtime/src/lib.rs", include_str!("../runtime/src/lib.rs")),
    (
        "runtime/src/decode.rs",
        include_str!("../runtime/src/decode.rs"),
    ),
    (
        "runtime/src/encoding.rs",
        include_str!("../runtime/src/encoding.rs"),
    ),
    (
        "runtime/src/error.rs",
        include_str!("../runtime/src/error.rs"),
    ),
    (
        "runtime/src/pattern.rs",
        include_str!("../runtime/src/pattern.rs"),
    ),
    (
        "runtime/src/hooks.rs",
        include_str!("../runtime/src/hooks.rs"),
    ),
    (
        "runtime/src/http.rs",
        include_str!("../runtime/src/http.rs"),
    ),
    (
        "runtime/src/mock.rs",
        include_str!("../runtime/src/mock.rs"),
    ),
    (
        "runtime/src/model.rs",
        include_str!("../runtime/src/model.rs"),
    ),
    (
        "runtime/src/pages.rs",
        include_str!("../runtime/src/pages.rs"),
    ),
    ("runtime/src/sse.rs", include_str!("../runtime/src/sse.rs")),
    (
        "runtime/src/upload.rs",
        include_str!("../runtime/src/upload.rs"),
    ),
    (
        "runtime/src/validate.rs",
        include_str!("../runtime/src/validate.rs"),
    ),
    (
        "runtime/src/values.rs",
        include_str!("../runtime/src/values.rs"),
    ),
];

/// The marker every generated file starts with (after the comment leader).
pub const GENERATED_MARKER: &str = "@generated";

/// Settings for one generation.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate.
    pub crate_version: String,
    /// Spec file name as shown in headers and docs (no absolute paths).
    pub spec_name: String,
    /// The command that regenerates the output, named in every header.
    pub command: String,
    /// Add an empty `[workspace]` so the crate builds wherever it is written.
    pub standalone: bool,
    /// More `[dependencies]` lines (`name = value`), for the user types a generator
    /// config maps schemas to.
    pub dependencies: Vec<String>,
    /// Each tag's operations (and the types only they use) behind a feature of its own;
    /// `None`: on for specs with more than [`TAG_FEATURES_ABOVE`] operations.
    pub tag_features: Option<bool>,
}

/// Specs with more operations than this get per-tag features unless told otherwise.
pub const TAG_FEATURES_ABOVE: usize = 300;

impl Options {
    /// Defaults for a spec file name.
    pub fn new(spec_name: impl Into<String>, crate_name: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
            spec_name: spec_name.into(),
            command: "cargo xtask codegen".to_owned(),
            standalone: false,
            dependencies: Vec::new(),
            tag_features: None,
        }
    }
}

/// One output file: path relative to the crate root, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Relative path with `/` separators.
    pub path: String,
    /// Contents (LF line endings).
    pub text: String,
}

/// The result of a generation.
#[derive(Debug, Clone)]
pub struct Output {
    /// Files of the crate, sorted by path.
    pub files: Vec<File>,
    /// Warnings (generation went on with a documented fallback).
    pub diagnostics: Diagnostics,
    /// Counts for reports.
    pub stats: Stats,
}

/// Sizes of what was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Client methods.
    pub operations: usize,
    /// Named types.
    pub types: usize,
    /// Constraint rules.
    pub rules: usize,
}

/// What a generation reads besides the spec's text: the other files of a spec split over
/// several, and the user's overrides, kept in files of their own beside the provider's
/// spec and applied (after bundling) before anything else reads it.
#[derive(Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// Where the files the spec's `$ref`s name come from. Without it, a `$ref` into
    /// another file is not followed (a warning, and the value is untyped).
    pub files: Option<&'a dyn SpecFiles>,
    /// An OpenAPI Overlay (1.0 or 1.1) applied to the spec's tree first.
    pub overlay: Option<OverlayFile<'a>>,
    /// A generator config (`<spec>.codegen.toml`).
    pub config: Option<ConfigFile<'a>>,
}

impl std::fmt::Debug for Inputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field("files", &self.files.map(|_| "..."))
            .field("overlay", &self.overlay)
            .field("config", &self.config)
            .finish()
    }
}

impl Inputs<'_> {
    fn read_config(&self) -> Result<config::Config, Diagnostics> {
        self.config
            .map_or_else(|| Ok(config::Config::default()), config::Config::parse)
    }
}

/// Parses and lowers a spec without emitting: the IR plus diagnostics (located).
fn analyze(
    text: &str,
    (format, shown): (source::SourceFormat, &str),
    inputs: &Inputs<'_>,
    config: &config::Config,
) -> Result<(ir::Api, load::Document, Diagnostics), Diagnostics> {
    let mut timer = Timer::start();
    let mut doc = load::load(text, format)?;
    if let Some(files) = inputs.files {
        bundle::bundle(&mut doc.root, shown, files).map_err(|mut diags| {
            diags.locate(&doc.text, doc.format);
            diags
        })?;
    }
    if let Some(overlay) = inputs.overlay {
        overlay::apply(&mut doc.root, overlay)?;
        doc.version = load::read_version(&doc.root).map_err(|diagnostic| {
            let mut all = Diagnostics::new();
            all.push(diagnostic);
            all.in_file(overlay.name);
            all
        })?;
    }
    let mut diags = Diagnostics::new();
    config.select_operations(&mut doc.root, &mut diags);
    timer.lap("load");
    let api = lower::lower(&doc, config, &mut diags);
    timer.lap("lower");
    lower::audit(&api, &mut diags);
    timer.lap("audit");
    diags.locate(&doc.text, doc.format);
    timer.lap("locate diagnostics");
    Ok((api, doc, diags))
}

/// Phase timings on stderr when `CODEGEN_TIMINGS` is set (for profiling; off by default).
struct Timer {
    enabled: bool,
    last: std::time::Instant,
}

impl Timer {
    fn start() -> Self {
        Self {
            enabled: std::env::var_os("CODEGEN_TIMINGS").is_some(),
            last: std::time::Instant::now(),
        }
    }

    fn lap(&mut self, phase: &str) {
        if self.enabled {
            eprintln!(
                "codegen: {phase:<20} {:>8.1} ms",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
        }
        self.last = std::time::Instant::now();
    }
}

/// Generates the crate for the spec `text`. Errors (fatal problems) come back located
/// and sorted; warnings travel with the output.
pub fn generate(text: &str, options: &Options) -> Result<Output, Diagnostics> {
    generate_with(text, options, &Inputs::default())
}

/// [`generate`] with the spec's other files and the user's overrides ([`Inputs`]).
pub fn generate_with(
    text: &str,
    options: &Options,
    overrides: &Inputs<'_>,
) -> Result<Output, Diagnostics> {
    let format = source::SourceFormat::detect(&options.spec_name, text);
    let config = overrides.read_config()?;
    let (api, _doc, diags) = analyze(text, (format, &options.spec_name), overrides, &config)?;
    let mut options = options.clone();
    if let Some(name) = &config.package.name {
        options.crate_name = name.get_ref().clone();
    }
    if let Some(version) = &config.package.version {
        options.crate_version = version.get_ref().clone();
    }
    options.dependencies.extend(config.dependency_lines());
    if let Some(per_tag) = &config.features.per_tag {
        options.tag_features = Some(*per_tag.get_ref());
    }
    let options = &options;
    let tags = options
        .tag_features
        .unwrap_or(api.operations.len() > TAG_FEATURES_ABOVE)
        .then(|| emit::TagGates::new(&api));
    if diags.has_errors() {
        return Err(diags);
    }
    let header = format!(
        "{GENERATED_MARKER} by `{}` from {}. DO NOT EDIT.",
        options.command, options.spec_name
    );
    let fail = |message: String| {
        let mut all = diags.clone();
        all.error("", message);
        all
    };
    let mut timer = Timer::start();
    let threads = render::default_threads();
    let mut files = vec![
        File {
            path: "Cargo.toml".to_owned(),
            text: emit::cargo_toml(&api, options, tags.as_ref(), &header),
        },
        File {
            path: "src/lib.rs".to_owned(),
            text: render::render(emit::lib_module(&api, options), &header).map_err(fail)?,
        },
        File {
            path: "src/types.rs".to_owned(),
            text: render::render_module(
                &emit::TypesModule::new(&api, tags.as_ref()),
                &header,
                threads,
            )
            .map_err(fail)?,
        },
    ];
    timer.lap("emit + render types");
    if let Some(builders) = emit::BuildersModule::new(&api, tags.as_ref()) {
        files.push(File {
            path: "src/builders.rs".to_owned(),
            text: render::render_module(&builders, &header, threads).map_err(fail)?,
        });
    }
    timer.lap("emit + render builders");
    files.push(File {
        path: "src/client.rs".to_owned(),
        text: render::render_module(
            &emit::ClientModule::new(&api, &options.crate_name, tags.as_ref()),
            &header,
            threads,
        )
        .map_err(fail)?,
    });
    timer.lap("emit + render client");
    if let Some(mock) = emit::MockModule::new(&api, &options.crate_name, tags.as_ref()) {
        files.push(File {
            path: "src/mock.rs".to_owned(),
            text: render::render_module(&mock, &header, threads).map_err(fail)?,
        });
    }
    timer.lap("emit + render mock");
    files.push(File {
        path: "runtime/Cargo.toml".to_owned(),
        text: emit::runtime_cargo_toml(options, &header),
    });
    for (path, text) in RUNTIME_FILES {
        files.push(File {
            path: (*path).to_owned(),
            text: format!(
                "// {GENERATED_MARKER} by `{}`: copied from codegen/{path}. DO NOT EDIT.\n{text}",
                options.command
            ),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output {
        files,
        stats: Stats {
            operations: api.operations.len(),
            types: api.types.len(),
            rules: api.rules.len(),
        },
        diagnostics: diags,
    })
}

/// Compares two versions of a spec as what they generate ([`diff`]): the file names
/// decide JSON or YAML and appear in errors; `overrides` apply to both sides (they are
/// the user's, not the provider's). A spec that does not load, or has errors, comes
/// back as its rendered diagnostics.
pub fn diff_texts(
    old_text: &str,
    old_name: &str,
    new_text: &str,
    new_name: &str,
    overrides: &Inputs<'_>,
) -> Result<diff::Report, String> {
    let old = api_for_diff(old_text, old_name, overrides)?;
    let new = api_for_diff(new_text, new_name, overrides)?;
    Ok(diff::diff(&old, &new))
}

fn api_for_diff(text: &str, name: &str, overrides: &Inputs<'_>) -> Result<ir::Api, String> {
    let format = source::SourceFormat::detect(name, text);
    let config = overrides
        .read_config()
        .map_err(|diags| diags.render(name))?;
    match analyze(text, (format, name), overrides, &config) {
        Ok((api, _doc, diags)) if !diags.has_errors() => Ok(api),
        Ok((_, _, diags)) | Err(diags) => Err(diags.render(name)),
    }
}
