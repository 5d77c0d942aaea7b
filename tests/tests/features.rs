//! The generated crate's features and targets: without `client` the models and their
//! validation build alone, with no reqwest and no tokio; both builds check for
//! `wasm32-unknown-unknown` (the client through the browser's fetch, timers and clock).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(root());
    command
}

#[test]
fn without_the_client_feature_the_seed_crate_depends_on_neither_reqwest_nor_tokio() {
    let output = cargo()
        .args(["tree", "--locked", "-p", "mountsea-suno"])
        .args(["--no-default-features", "-e", "normal", "--prefix", "none"])
        .output()
        .expect("run cargo tree");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(tree.contains("serde_json"), "{tree}");
    for client_only in ["reqwest ", "tokio ", "hyper "] {
        assert!(!tree.contains(client_only), "{client_only}in:\n{tree}");
    }
    // With the default features the client is there (the assertion above can fail).
    let output = cargo()
        .args(["tree", "--locked", "-p", "mountsea-suno"])
        .args(["-e", "normal", "--prefix", "none"])
        .output()
        .expect("run cargo tree");
    assert!(String::from_utf8_lossy(&output.stdout).contains("reqwest "));
}

/// `cargo check` of the seed crate for wasm32 with `features` (warnings denied).
fn check_for_wasm32(features: &[&str]) {
    // The target comes with the toolchain's own installer (a no-op when present).
    let rustup = Command::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .output()
        .expect("rustup, to install the wasm32-unknown-unknown target");
    assert!(
        rustup.status.success(),
        "rustup target add wasm32-unknown-unknown: {}",
        String::from_utf8_lossy(&rustup.stderr)
    );
    let output = cargo()
        .args(["check", "--locked", "--quiet", "--message-format=short"])
        .args(["-p", "mountsea-suno", "--target", "wasm32-unknown-unknown"])
        .args(features)
        .env("CARGO_TARGET_DIR", root().join("target/wasm-target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "wasm32 check ({features:?}) failed:\n{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn the_seed_crate_checks_for_wasm32_with_and_without_the_client() {
    check_for_wasm32(&["--no-default-features"]);
    check_for_wasm32(&[]);
}
