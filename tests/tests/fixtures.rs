//! One small spec per feature under `tests/fixtures/specs/`: the generated code is
//! snapshotted (`tests/fixtures/snapshots/`, reviewed with `cargo insta review`) and every
//! fixture crate is compiled with `cargo check`, warnings denied, so a snapshot that does
//! not compile fails. Invalid specs under `tests/fixtures/invalid/` snapshot their
//! diagnostics.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    specs.sort();
    specs
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("spec")
        .to_owned()
}

fn generate(path: &Path) -> codegen::Output {
    let text = std::fs::read_to_string(path).expect("read fixture");
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("spec");
    let options = codegen::Options::new(
        format!("tests/fixtures/specs/{name}"),
        format!("fixture-{}", stem(path)),
    );
    codegen::generate(&text, &options)
        .unwrap_or_else(|d| panic!("{name} does not generate:\n{}", d.render(name)))
}

/// The snapshot of a fixture: diagnostics, then lib.rs, types.rs and client.rs.
fn snapshot_text(output: &codegen::Output, name: &str) -> String {
    let mut text = String::new();
    let diags = output.diagnostics.render(name);
    if !diags.is_empty() {
        text.push_str("// diagnostics:\n");
        for line in diags.lines() {
            text.push_str(&format!("// {line}\n"));
        }
    }
    for path in [
        "src/lib.rs",
        "src/types.rs",
        "src/builders.rs",
        "src/client.rs",
    ] {
        if let Some(file) = output.files.iter().find(|f| f.path == path) {
            text.push_str(&format!("// ===== {path} =====\n{}", file.text));
        }
    }
    text
}

#[test]
fn fixture_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixtures_dir().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for spec in specs_in(&fixtures_dir().join("specs")) {
            let output = generate(&spec);
            let name = spec
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            insta::assert_snapshot!(stem(&spec), snapshot_text(&output, &name));
        }
    });
}

#[test]
fn invalid_spec_diagnostics() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixtures_dir().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for spec in specs_in(&fixtures_dir().join("invalid")) {
            let text = std::fs::read_to_string(&spec).expect("read");
            let name = format!(
                "tests/fixtures/invalid/{}",
                spec.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            );
            let options = codegen::Options::new(name.clone(), "invalid");
            let rendered = match codegen::generate(&text, &options) {
                Ok(output) => format!(
                    "generated with diagnostics:\n{}",
                    output.diagnostics.render(&name)
                ),
                Err(diags) => format!("failed:\n{}", diags.render(&name)),
            };
            insta::assert_snapshot!(format!("invalid-{}", stem(&spec)), rendered);
        }
    });
}

/// Every fixture crate compiles with no errors and no warnings.
#[test]
fn fixture_crates_compile_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let scratch = root.join("target/fixture-crates");
    let specs = specs_in(&fixtures_dir().join("specs"));
    let mut members = Vec::new();
    for spec in &specs {
        let output = generate(spec);
        let dir = scratch.join(stem(spec));
        xtask::sync::write(&dir, &output.files).expect("write fixture crate");
        members.push(format!("\"{}\"", stem(spec)));
    }
    // One workspace for all fixture crates: dependencies build once, crates in parallel.
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).expect("write workspace manifest");
    let lock = root.join("Cargo.lock");
    if lock.exists() && !scratch.join("Cargo.lock").exists() {
        // Start from the workspace's pinned versions: no surprise upgrades, fewer downloads.
        std::fs::copy(&lock, scratch.join("Cargo.lock")).expect("copy lock file");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // The default build, with every feature (`builders`), and the models alone (no
    // `client`): all compile cleanly.
    for features in [None, Some("--all-features"), Some("--no-default-features")] {
        let output = Command::new(&cargo)
            .args(["check", "--workspace", "--quiet", "--message-format=short"])
            .args(features)
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", root.join("target/fixture-target"))
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .expect("run cargo check");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let build = features.unwrap_or("default features");
        assert!(
            output.status.success(),
            "fixture crates do not compile cleanly ({build}):\n{stderr}"
        );
        assert!(
            !stderr.contains("warning"),
            "fixture crates have warnings ({build}):\n{stderr}"
        );
    }
}
