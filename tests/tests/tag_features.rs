//! Per-tag features (`tests/fixtures/tags/pets.yaml`, generated with them on): each
//! tag's operations and the types only they use sit behind a feature, `all` is the
//! default. The crate checks with warnings denied with every feature set a user picks:
//! one tag, another, both, none, the default, the test doubles; and the gates are the ones the spec's
//! tags imply.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn generate() -> codegen::Output {
    let text = std::fs::read_to_string(root().join("tests/fixtures/tags/pets.yaml")).unwrap();
    let mut options = codegen::Options::new("tests/fixtures/tags/pets.yaml", "fixture-tags");
    options.standalone = true;
    options.tag_features = Some(true);
    codegen::generate(&text, &options).unwrap()
}

fn file<'a>(output: &'a codegen::Output, path: &str) -> &'a str {
    &output.files.iter().find(|f| f.path == path).unwrap().text
}

/// The text of the item declared by `line` and the attribute lines above it.
fn attributes_of<'a>(text: &'a str, line: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == line)
        .unwrap_or_else(|| panic!("no `{line}`"));
    lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("#[") || l.trim_start().starts_with("///"))
        .filter(|l| l.trim_start().starts_with("#[cfg"))
        .map(|l| l.trim())
        .collect()
}

#[test]
fn each_item_is_gated_by_the_tags_that_use_it() {
    let output = generate();
    let manifest = file(&output, "Cargo.toml");
    assert!(
        manifest.contains("default = [\"client\", \"all\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("all = [\"pets\", \"stores\", \"webhooks\"]"),
        "{manifest}"
    );
    let types = file(&output, "src/types.rs");
    assert_eq!(
        attributes_of(types, "pub struct Pet {"),
        ["#[cfg(feature = \"pets\")]"]
    );
    assert_eq!(
        attributes_of(types, "pub struct Store {"),
        ["#[cfg(feature = \"stores\")]"]
    );
    assert_eq!(
        attributes_of(types, "pub struct Address {"),
        ["#[cfg(any(feature = \"pets\", feature = \"stores\"))]"]
    );
    assert_eq!(
        attributes_of(types, "pub struct AdoptionEvent {"),
        ["#[cfg(feature = \"webhooks\")]"]
    );
    assert_eq!(
        attributes_of(types, "pub struct Unused {"),
        ["#[cfg(feature = \"all\")]"]
    );
    let client = file(&output, "src/client.rs");
    // The scheme static is always there: `Client::raw` may use it.
    assert!(client.contains("\n\nstatic SCHEME_STORE_KEY"), "{client}");
    assert!(
        client.contains("#[cfg(feature = \"pets\")]\nuse crate::runtime::http::MultipartPart;"),
        "{client}"
    );
    // The untagged operation is always there; the one under both tags is on with either.
    let lines: Vec<&str> = client.lines().collect();
    let method = |name: &str| {
        lines
            .iter()
            .position(|l| l.contains(&format!("pub fn {name}(")))
            .unwrap()
    };
    let gate_above = |at: usize| {
        let block = (0..at)
            .rev()
            .find(|i| lines[*i] == "impl Client {")
            .unwrap();
        lines[block - 1].trim().to_owned()
    };
    assert!(
        !gate_above(method("health")).starts_with("#[cfg"),
        "{}",
        gate_above(method("health"))
    );
    assert_eq!(
        gate_above(method("adopt")),
        "#[cfg(any(feature = \"pets\", feature = \"stores\"))]"
    );
    assert_eq!(
        gate_above(method("list_pets")),
        "#[cfg(feature = \"pets\")]"
    );
}

#[test]
fn every_feature_set_checks_without_warnings() {
    let output = generate();
    let dir = root().join("target/tag-features/fixture-tags");
    xtask::sync::write(&dir, &output.files).unwrap();
    let lock = root().join("Cargo.lock");
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for features in [
        "client,pets",
        "client,stores",
        "client,pets,stores",
        "client",
        "pets",
        "client,all",
        // The test doubles follow the same gates.
        "mock",
        "mock,pets",
    ] {
        let result = Command::new(&cargo)
            .args([
                "check",
                "--quiet",
                "--message-format=short",
                "--no-default-features",
            ])
            .args(["--features", features])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", root().join("target/fixture-target"))
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "features {features}:\n{stderr}");
        assert!(
            !stderr.contains("warning"),
            "features {features}:\n{stderr}"
        );
    }
}
