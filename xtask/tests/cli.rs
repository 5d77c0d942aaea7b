//! The exit codes the CLI promises, run through the built `xtask` binary: what CI and
//! scripts rely on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run xtask")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A fresh scratch directory under `target/` for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/cli-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn standalone_check_fails_until_the_crate_is_written_then_passes() {
    let out = scratch("standalone-check").join("crate");
    let out = out.to_str().expect("UTF-8 path");
    let spec = "tests/fixtures/specs/objects.yaml";
    let stale = xtask(&["codegen", "--spec", spec, "--out", out, "--check"]);
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale));
    assert!(text(&stale).contains("out of date"), "{}", text(&stale));
    let write = xtask(&["codegen", "--spec", spec, "--out", out]);
    assert_eq!(write.status.code(), Some(0), "{}", text(&write));
    let fresh = xtask(&["codegen", "--spec", spec, "--out", out, "--check"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh));
}

#[test]
fn deny_warnings_turns_a_warning_into_a_failure() {
    let out = scratch("deny-warnings").join("crate");
    let out = out.to_str().expect("UTF-8 path");
    // The unions fixture warns (`not` is not checked).
    let spec = "tests/fixtures/specs/unions.yaml";
    let allowed = xtask(&["codegen", "--spec", spec, "--out", out]);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed));
    assert!(text(&allowed).contains("warning"), "{}", text(&allowed));
    let denied = xtask(&["codegen", "--spec", spec, "--out", out, "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", text(&denied));
    assert!(
        text(&denied).contains("denied by --deny-warnings"),
        "{}",
        text(&denied)
    );
}

#[test]
fn a_broken_spec_is_an_error_with_its_location_and_exit_1() {
    let out = scratch("broken").join("crate");
    let out = out.to_str().expect("UTF-8 path");
    let broken = xtask(&[
        "codegen",
        "--spec",
        "tests/fixtures/invalid/bad-yaml.yaml",
        "--out",
        out,
    ]);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    assert!(
        text(&broken).contains("bad-yaml.yaml:"),
        "{}",
        text(&broken)
    );
    assert!(
        !Path::new(out).join("Cargo.toml").exists(),
        "nothing written"
    );
}

#[test]
fn corpus_exits_1_when_a_spec_fails_and_0_when_all_generate() {
    let specs = scratch("corpus-specs");
    let copy = |from: &str, to: &str| {
        std::fs::copy(root().join(from), specs.join(to)).expect("copy spec");
    };
    copy("tests/fixtures/specs/objects.yaml", "objects.yaml");
    let args = |dir: &Path, out: &Path| {
        vec![
            "corpus".to_owned(),
            dir.to_string_lossy().into_owned(),
            "--no-check".to_owned(),
            "--out".to_owned(),
            out.to_string_lossy().into_owned(),
        ]
    };
    let run = |dir: &Path, out: &Path| {
        let args = args(dir, out);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        xtask(&args)
    };
    let good = run(&specs, &scratch("corpus-out-good"));
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    copy("tests/fixtures/invalid/bad-json.json", "bad-json.json");
    let bad = run(&specs, &scratch("corpus-out-bad"));
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("bad-json.json"), "{}", text(&bad));
}

#[test]
fn diff_fail_on_gates_on_the_chosen_verdict() {
    let pair = |name: &str, side: &str| format!("tests/fixtures/diff/{name}/{side}.yaml");
    let run = |name: &str, fail_on: &str| {
        let (old, new) = (pair(name, "old"), pair(name, "new"));
        xtask(&["diff", &old, &new, "--fail-on", fail_on])
    };
    // A required parameter added: breaking for Rust callers and on the wire.
    assert_eq!(
        run("param-added-required", "breaking").status.code(),
        Some(1)
    );
    assert_eq!(
        run("param-added-required", "wire-breaking").status.code(),
        Some(1)
    );
    // A type renamed: Rust code naming it breaks, the wire is the same.
    assert_eq!(run("ref-rename", "breaking").status.code(), Some(1));
    assert_eq!(run("ref-rename", "wire-breaking").status.code(), Some(0));
    // An unknown threshold is a usage error that lists the values.
    let bogus = run("ref-rename", "bogus");
    assert_eq!(bogus.status.code(), Some(2), "{}", text(&bogus));
    assert!(text(&bogus).contains("wire-breaking"), "{}", text(&bogus));
}
