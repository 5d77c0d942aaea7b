//! A spec that only adds things never breaks a caller's build: for non-breaking pairs of
//! `tests/fixtures/diff`, a small caller written against the crate of the old spec
//! compiles unchanged against the crate of the new one. A breaking pair, with the same
//! caller, must fail to compile: the check can tell the two apart.
//!
//! Every crate goes into one scratch workspace (`target/compat-crates`) checked with one
//! `cargo check`, sharing the fixture crates' target directory (dependencies built once).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Calls the seed's operation the way a user would: `new`, a per-call setting, reading a
/// field of the response by destructuring.
const SEED_CALLER: &str = r#"
use std::time::Duration;

pub async fn create(client: &api::Client, session: api::Uuid) -> Result<String, Box<dyn std::error::Error>> {
    let clip_ids: Vec<String> = (1..=6).map(|i| format!("clip-{i}")).collect();
    let body = api::types::CreateCustomModelDto::new(session, clip_ids, "v6Pro")?;
    let response = client
        .custom_model_create(&body)
        .timeout(Duration::from_secs(5))
        .await?;
    let api::types::TaskIdDto { task_id, .. } = response.into_inner();
    Ok(task_id)
}

pub fn params() -> api::types::CustomModelCreateParams {
    api::types::CustomModelCreateParams::new()
}
"#;

/// Matches on a request enum and a response enum.
const ENUM_CALLER: &str = r#"
pub fn describe(dto: &api::types::TaskIdDto) -> &'static str {
    match &dto.state {
        Some(api::types::TaskIdDtoState::Queued) => "queued",
        Some(api::types::TaskIdDtoState::Running) => "running",
        Some(_) => "other",
        None => "unknown",
    }
}

pub fn fast() -> api::types::CreateCustomModelDtoMode {
    api::types::CreateCustomModelDtoMode::Fast
}
"#;

/// Matches on a response union.
const UNION_CALLER: &str = r#"
pub fn owner(dto: &api::types::TaskIdDto) -> String {
    match &dto.owner {
        Some(api::types::TaskIdDtoOwner::User(user)) => user.login.clone(),
        Some(api::types::TaskIdDtoOwner::Team(team)) => team.slug.clone(),
        Some(_) => "someone else".to_owned(),
        None => String::new(),
    }
}
"#;

/// (fixture pair, caller, must the new crate still compile the caller?)
const CASES: &[(&str, &str, bool)] = &[
    ("param-added-optional", SEED_CALLER, true),
    ("request-field-added-optional", SEED_CALLER, true),
    ("response-field-added", SEED_CALLER, true),
    ("operation-added", SEED_CALLER, true),
    ("response-added", SEED_CALLER, true),
    ("enum-value-added", ENUM_CALLER, true),
    ("union-variant-added", UNION_CALLER, true),
    // Breaking: `new` takes one more argument.
    ("request-field-added-required", SEED_CALLER, false),
];

fn generate(spec: &Path, crate_name: &str, out: &Path) {
    let text = std::fs::read_to_string(spec).expect("read spec");
    let options = codegen::Options::new(spec.display().to_string(), crate_name);
    let output = codegen::generate(&text, &options).unwrap_or_else(|d| {
        panic!(
            "{} does not generate:\n{}",
            spec.display(),
            d.render("spec")
        )
    });
    xtask::sync::write(out, &output.files).expect("write crate");
}

fn caller(dir: &Path, name: &str, api_package: &str, api_dir: &str, source: &str) {
    std::fs::create_dir_all(dir.join("src")).expect("caller dir");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\napi = {{ package = \"{api_package}\", path = \"../{api_dir}\" }}\n"
        ),
    )
    .expect("caller manifest");
    std::fs::write(dir.join("src/lib.rs"), source).expect("caller source");
}

/// `cargo check` of one package of the scratch workspace: its stderr, or `Ok`.
fn check(scratch: &Path, package: &str) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--message-format=short", "-p", package])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", root().join("target/fixture-target"))
        .output()
        .expect("run cargo check");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn callers_of_the_old_crate_compile_against_the_new_one_for_non_breaking_pairs() {
    let root = root();
    let scratch = root.join("target/compat-crates");
    let pairs = root.join("tests/fixtures/diff");
    let mut members = Vec::new();
    for (pair, source, _) in CASES {
        let key = pair.replace('-', "_");
        for side in ["old", "new"] {
            let crate_name = format!("compat-{pair}-{side}");
            let dir = format!("{key}_{side}");
            generate(
                &pairs.join(pair).join(format!("{side}.yaml")),
                &crate_name,
                &scratch.join(&dir),
            );
            let caller_dir = format!("{key}_{side}_caller");
            caller(
                &scratch.join(&caller_dir),
                &format!("compat-{pair}-{side}-caller"),
                &crate_name,
                &dir,
                source,
            );
            members.push(format!("\"{dir}\""));
            members.push(format!("\"{caller_dir}\""));
        }
    }
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .expect("workspace manifest");
    let lock = root.join("Cargo.lock");
    if lock.exists() && !scratch.join("Cargo.lock").exists() {
        std::fs::copy(&lock, scratch.join("Cargo.lock")).expect("copy lock file");
    }

    let mut failures = Vec::new();
    for (pair, _, compatible) in CASES {
        // The caller is written against the old crate: it must compile there.
        if let Err(stderr) = check(&scratch, &format!("compat-{pair}-old-caller")) {
            failures.push(format!(
                "{pair}: the caller does not compile against the old crate:\n{stderr}"
            ));
            continue;
        }
        match (check(&scratch, &format!("compat-{pair}-new-caller")), compatible) {
            (Ok(()), true) | (Err(_), false) => {}
            (Err(stderr), true) => failures.push(format!(
                "{pair}: non-breaking, yet the old caller does not compile against the new crate:\n{stderr}"
            )),
            (Ok(()), false) => failures.push(format!(
                "{pair}: breaking, yet the old caller still compiles (the check cannot tell)"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
