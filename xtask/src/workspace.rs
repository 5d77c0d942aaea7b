//! The workspace's generation targets: which specs, which crates, where.
//!
//! `generated/` is made from the one spec in `openapi/`. Besides it, a few fixture specs get
//! committed client crates under `tests/clients/` so behaviour tests can call a generated
//! client for constructs the seed spec lacks (every parameter style, body kind, status).

use std::path::{Path, PathBuf};

/// Package name of the committed generated crate.
pub const GENERATED_CRATE: &str = "mountsea-suno";

/// Fixture specs that get a committed client crate: (spec under `tests/fixtures/specs/`,
/// directory under `tests/clients/`, package name).
pub const FIXTURE_CLIENTS: &[(&str, &str, &str)] = &[
    ("operations.yaml", "operations", "fixture-operations"),
    ("constraints.yaml", "constraints", "fixture-constraints"),
    ("v31-schemas.yaml", "v31", "fixture-v31"),
    ("unions.yaml", "unions", "fixture-unions"),
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
            )
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
            spec: format!("tests/fixtures/specs/{spec}"),
            out: format!("tests/clients/{dir}"),
            crate_name: (*name).to_owned(),
        });
    }
    Ok(targets)
}

/// Generates one target's files in memory.
pub fn generate_target(root: &Path, target: &Target) -> Result<codegen::Output, String> {
    let path = root.join(&target.spec);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let options = codegen::Options::new(target.spec.clone(), target.crate_name.clone());
    codegen::generate(&text, &options).map_err(|diags| diags.render(&target.spec))
}

/// Generates the committed crate's files in memory from the one spec in `openapi/`.
pub fn generate_vendored(root: &Path) -> Result<codegen::Output, String> {
    let targets = targets(root)?;
    generate_target(root, &targets[0])
}
