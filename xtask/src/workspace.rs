//! The workspace's generation settings: which specs, which crate, where.

use std::path::{Path, PathBuf};

/// Package name of the committed generated crate.
pub const GENERATED_CRATE: &str = "mountsea-suno";

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

/// Generates the committed crate's files in memory from the one spec in `openapi/`.
pub fn generate_vendored(root: &Path) -> Result<codegen::Output, String> {
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
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let file_name = spec.file_name().and_then(|n| n.to_str()).unwrap_or("spec");
    let spec_name = format!("openapi/{file_name}");
    let options = codegen::Options::new(spec_name.clone(), GENERATED_CRATE);
    codegen::generate(&text, &options).map_err(|diags| diags.render(&spec_name))
}
