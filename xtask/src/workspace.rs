//! The workspace's generation targets: which specs, which crates, where.
//!
//! `generated/` is made from the one spec in `openapi/`. Besides it, a few fixture specs get
//! committed client crates under `tests/clients/` so behaviour tests can call a generated
//! client for constructs the seed spec lacks (every parameter style, body kind, status).

use std::path::{Path, PathBuf};

/// Package name of the committed generated crate.
pub const GENERATED_CRATE: &str = "mountsea-suno";

/// Fixture specs that get a committed client crate: (spec under `tests/fixtures/`,
/// directory under `tests/clients/`, package name).
pub const FIXTURE_CLIENTS: &[(&str, &str, &str)] = &[
    ("specs/operations.yaml", "operations", "fixture-operations"),
    (
        "specs/constraints.yaml",
        "constraints",
        "fixture-constraints",
    ),
    ("specs/v31-schemas.yaml", "v31", "fixture-v31"),
    ("specs/unions.yaml", "unions", "fixture-unions"),
    ("specs/streams.yaml", "streams", "fixture-streams"),
    ("specs/pages.yaml", "pages", "fixture-pages"),
    // With an Overlay and a generator config beside it (crate name from the config).
    ("overrides/pets.yaml", "overrides", "fixture-overrides"),
    // Split over five files (bundled: a cross-file cycle, a name clash).
    ("split/api.yaml", "split", "fixture-split"),
];

/// One spec → crate generation.
#[derive(Debug, Clone)]
pub struct Target {
    /// Spec path relative to the workspace root.
    pub spec: String,
    /// Output directory relative to the workspace root.
    pub out: String,
    /// Package name.
    pub crate_name: String,
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Spec files in `openapi/`, sorted (`.yaml`, `.yml`, `.json`).
pub fn vendored_specs(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("openapi");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) && !is_overlay(path)
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// Every generation target of the workspace: `generated/` first.
pub fn targets(root: &Path) -> Result<Vec<Target>, String> {
    let specs = vendored_specs(root)?;
    let spec = match specs.as_slice() {
        [spec] => spec,
        [] => return Err("openapi/ holds no spec (.yaml, .yml or .json)".to_owned()),
        _ => {
            return Err(format!(
                "openapi/ holds {} specs; the generated crate is made from exactly one",
                specs.len()
            ))
        }
    };
    let file_name = spec.file_name().and_then(|n| n.to_str()).unwrap_or("spec");
    let mut targets = vec![Target {
        spec: format!("openapi/{file_name}"),
        out: "generated".to_owned(),
        crate_name: GENERATED_CRATE.to_owned(),
    }];
    for (spec, dir, name) in FIXTURE_CLIENTS {
        targets.push(Target {
            spec: format!("tests/fixtures/{spec}"),
            out: format!("tests/clients/{dir}"),
            crate_name: (*name).to_owned(),
        });
    }
    Ok(targets)
}

/// Generates one target's files in memory, with the overrides beside its spec.
pub fn generate_target(root: &Path, target: &Target) -> Result<codegen::Output, String> {
    let path = root.join(&target.spec);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let options = codegen::Options::new(target.spec.clone(), target.crate_name.clone());
    let overrides = OverrideFiles::beside(&path, &target.spec)?;
    codegen::generate_with(&text, &options, &overrides.as_overrides())
        .map_err(|diags| diags.render(&target.spec))
}

/// `openapi/pets.overlay.yaml` (and `.yml`, `.json`): an Overlay, not a spec.
fn is_overlay(path: &Path) -> bool {
    path.file_stem()
        .and_then(|stem| stem.to_str())
        .is_some_and(|stem| stem.ends_with(".overlay"))
}

/// What a generation reads beside a spec: the files its `$ref`s name, and the override
/// files (`<stem>.overlay.yaml`, `<stem>.codegen.toml`), each as (name shown in
/// diagnostics, text).
#[derive(Debug, Clone, Default)]
pub struct OverrideFiles {
    pub files: Option<SpecDir>,
    pub overlay: Option<(String, String)>,
    pub config: Option<(String, String)>,
}

/// The files a spec's `$ref`s may read: under its directory (or a wider root the user
/// names), symlinks resolved before the check; remote references only from a mirror.
#[derive(Debug, Clone)]
pub struct SpecDir {
    /// The spec's directory.
    pub dir: PathBuf,
    /// The tree references may read (default: `dir`).
    pub root: PathBuf,
    /// Remote documents mirrored here, as `<host>/<path>`.
    pub mirror: Option<PathBuf>,
}

impl SpecDir {
    /// References confined to `spec`'s own directory, no mirror.
    pub fn of(spec: &Path) -> Self {
        let dir = spec.parent().unwrap_or(Path::new(".")).to_path_buf();
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        Self {
            root: dir.clone(),
            dir,
            mirror: None,
        }
    }

    fn read_confined(&self, path: &Path, shown: &str) -> Result<String, String> {
        let root = self
            .root
            .canonicalize()
            .map_err(|e| format!("cannot read {}: {e}", self.root.display()))?;
        let real = path
            .canonicalize()
            .map_err(|_| format!("no file `{shown}` (looked at {})", path.display()))?;
        if !real.starts_with(&root) {
            return Err(format!(
                "`{shown}` is outside {}, the tree the spec may read (a vendored spec is third-party input); name a wider one with --ref-root if it is meant",
                root.display()
            ));
        }
        std::fs::read_to_string(&real).map_err(|e| format!("cannot read {}: {e}", real.display()))
    }
}

impl codegen::SpecFiles for SpecDir {
    fn read(&self, path: &str) -> Result<String, String> {
        let candidate = if Path::new(path).is_absolute() {
            PathBuf::from(path)
        } else {
            self.dir.join(path)
        };
        self.read_confined(&candidate, path)
    }

    fn read_remote(&self, url: &str) -> Result<String, String> {
        let Some(mirror) = &self.mirror else {
            return Err(format!(
                "remote references are not followed (a vendored spec is third-party input): vendor `{url}` beside the spec, or pass --ref-mirror DIR holding it as <host>/<path>"
            ));
        };
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        let mirrored = SpecDir {
            root: mirror.clone(),
            dir: mirror.clone(),
            mirror: None,
        };
        mirrored.read_confined(&mirror.join(rest), url)
    }
}

impl OverrideFiles {
    /// The override files beside `spec`, shown under names beside `shown` (the spec's
    /// name in diagnostics).
    pub fn beside(spec: &Path, shown: &str) -> Result<Self, String> {
        let file_name = spec
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let stem = file_name
            .rsplit_once('.')
            .map_or(file_name, |(stem, _)| stem);
        let dir = spec.parent().unwrap_or(Path::new("."));
        let shown_dir = shown
            .rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let read = |name: &str| -> Result<Option<(String, String)>, String> {
            let path = dir.join(name);
            if !path.exists() {
                return Ok(None);
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(Some((format!("{shown_dir}{name}"), text)))
        };
        let mut overlay = None;
        for extension in ["yaml", "yml", "json"] {
            if let Some(found) = read(&format!("{stem}.overlay.{extension}"))? {
                if overlay.is_some() {
                    return Err(format!("{shown_dir}{stem}: more than one overlay file"));
                }
                overlay = Some(found);
            }
        }
        Ok(Self {
            files: Some(SpecDir::of(spec)),
            overlay,
            config: read(&format!("{stem}.codegen.toml"))?,
        })
    }

    /// The files as the generator takes them.
    pub fn as_overrides(&self) -> codegen::Inputs<'_> {
        codegen::Inputs {
            files: self
                .files
                .as_ref()
                .map(|files| files as &dyn codegen::SpecFiles),
            overlay: self
                .overlay
                .as_ref()
                .map(|(name, text)| codegen::OverlayFile { name, text }),
            config: self
                .config
                .as_ref()
                .map(|(name, text)| codegen::ConfigFile { name, text }),
        }
    }
}

/// Generates the committed crate's files in memory from the one spec in `openapi/`.
pub fn generate_vendored(root: &Path) -> Result<codegen::Output, String> {
    let targets = targets(root)?;
    generate_target(root, &targets[0])
}
