//! The generators we measure against: the Rust peers, each pinned and installed by
//! `cargo install --locked` into a scratch folder under `target/` (never committed).
//! A peer that is not installed is skipped, so the bench runs offline.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One generator: ours or a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// This workspace's generator (`target/release/xtask codegen`).
    Ours,
    /// `cargo-progenitor` (Oxide).
    Progenitor,
    /// `ploidy`.
    Ploidy,
    /// `openapi-to-rust`.
    OpenapiToRust,
}

/// Every peer, in table order.
pub const PEERS: [Tool; 3] = [Tool::Progenitor, Tool::Ploidy, Tool::OpenapiToRust];

impl Tool {
    /// The name in tables and the chart.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Ours => "ours",
            Tool::Progenitor => "progenitor",
            Tool::Ploidy => "ploidy",
            Tool::OpenapiToRust => "openapi-to-rust",
        }
    }

    /// The crates.io package and pinned version (peers only).
    pub fn package(self) -> Option<(&'static str, &'static str)> {
        match self {
            Tool::Ours => None,
            Tool::Progenitor => Some(("cargo-progenitor", "0.15.1")),
            Tool::Ploidy => Some(("ploidy", "0.15.0")),
            Tool::OpenapiToRust => Some(("openapi-to-rust", "0.23.0")),
        }
    }

    /// The binary's file name.
    fn binary(self) -> &'static str {
        match self {
            Tool::Ours => "xtask",
            Tool::Progenitor => "cargo-progenitor",
            Tool::Ploidy => "ploidy",
            Tool::OpenapiToRust => "openapi-to-rust",
        }
    }
}

/// Where peers are installed: `target/bench/peers` (its `bin/` holds the binaries).
pub fn peers_root(workspace: &Path) -> PathBuf {
    workspace.join("target/bench/peers")
}

/// The binary of `tool`, if it is there.
pub fn binary(workspace: &Path, tool: Tool) -> Option<PathBuf> {
    let path = match tool {
        Tool::Ours => workspace.join("target/release").join(tool.binary()),
        _ => peers_root(workspace).join("bin").join(tool.binary()),
    };
    path.is_file().then_some(path)
}

/// Installs the pinned version of each missing peer (`cargo install --locked --root`).
/// Failures are reported and the peer is skipped later.
pub fn install_missing(workspace: &Path) {
    for tool in PEERS {
        let Some((package, version)) = tool.package() else {
            continue;
        };
        if binary(workspace, tool).is_some() {
            continue;
        }
        eprintln!("bench: installing {package}@{version} into target/bench/peers ...");
        let status = Command::new(super::cargo())
            .args(["install", "--locked", "--quiet", "--root"])
            .arg(peers_root(workspace))
            .arg(format!("{package}@{version}"))
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => eprintln!("bench: installing {package} failed ({status}): skipped"),
            Err(error) => eprintln!("bench: cannot run cargo install: {error}: {package} skipped"),
        }
    }
}

/// The arguments that make `tool` generate a crate named `name` for `spec` into `out`.
pub fn generate_args(tool: Tool, spec: &Path, out: &Path, name: &str) -> Vec<String> {
    let spec = spec.display().to_string();
    let out = out.display().to_string();
    let name = name.to_owned();
    match tool {
        Tool::Ours => vec![
            "codegen".into(),
            "--spec".into(),
            spec,
            "--out".into(),
            out,
            "--crate-name".into(),
            name,
        ],
        Tool::Progenitor => vec![
            "progenitor".into(),
            "--input".into(),
            spec,
            "--output".into(),
            out,
            "--name".into(),
            name,
            "--version".into(),
            "0.1.0".into(),
        ],
        Tool::Ploidy => vec![
            "generate".into(),
            "rust".into(),
            spec,
            "--output".into(),
            out,
            "--name".into(),
            name,
        ],
        // It writes modules, not a crate: `prepare_crate` wraps them for compiling.
        Tool::OpenapiToRust => vec![
            "generate".into(),
            spec,
            "--output-dir".into(),
            format!("{out}/src"),
            "--module-name".into(),
            name.replace('-', "_"),
        ],
    }
}

/// Makes the output of `tool` in `dir` a crate cargo can check on its own: a
/// `[workspace]` of its own (outputs live inside this workspace's `target/`), and for
/// openapi-to-rust, which writes modules and a dependency fragment, a `Cargo.toml` and
/// a `src/lib.rs` that mounts them.
pub fn prepare_crate(tool: Tool, dir: &Path, name: &str) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let io = |error: std::io::Error| format!("{}: {error}", dir.display());
    if tool == Tool::OpenapiToRust && !manifest.exists() {
        let deps = std::fs::read_to_string(dir.join("src/REQUIRED_DEPS.toml")).map_err(io)?;
        std::fs::write(
            &manifest,
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n{deps}"
            ),
        )
        .map_err(io)?;
        std::fs::write(
            dir.join("src/lib.rs"),
            "#[path = \"mod.rs\"]\npub mod api;\n",
        )
        .map_err(io)?;
    }
    let text = std::fs::read_to_string(&manifest).map_err(io)?;
    if !text.lines().any(|line| line.trim() == "[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(io)?;
    }
    Ok(())
}
