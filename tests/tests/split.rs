//! Specs split over files (`tests/fixtures/split/`): bundled before generation, with
//! component names kept as type names, a cycle across files, a name clash between files,
//! a path item and a parameter from other files; then every way a cross-file reference
//! can be wrong, each an error located in the file that holds the reference.

use std::path::{Path, PathBuf};

use fixture_split::types::{CommonError, Kind, Owner, Pet};
use serde_json::json;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[test]
fn the_bundled_crate_reads_a_cycle_across_files() {
    let pet: Pet = serde_json::from_value(json!({
        "name": "Rex", "kind": "dog",
        "owner": {"name": "Ann", "pets": [{"name": "Tom", "kind": "cat"}]}
    }))
    .unwrap();
    let owner: &Owner = pet.owner.as_ref().unwrap();
    assert_eq!(owner.pets.as_ref().unwrap()[0].kind, Some(Kind::Cat));
    // `maxLength: 40` from schemas/pet.yaml is enforced.
    let long = "x".repeat(41);
    assert!(serde_json::from_value::<Pet>(json!({"name": long})).is_err());
    // common.yaml's `Error` clashes with api.yaml's: it is `CommonError`.
    let problem: CommonError = serde_json::from_value(json!({"message": "no"})).unwrap();
    assert_eq!(problem.message, "no");
    let client = include_str!("../clients/split/src/client.rs");
    assert!(
        client.contains("pub fn get_owner("),
        "the path item of paths/owner.yaml"
    );
    assert!(
        client.contains("types::CommonError"),
        "the response of common.yaml"
    );
}

fn generate(
    spec: &Path,
    shown: &str,
    files: &dyn codegen::SpecFiles,
) -> Result<codegen::Output, String> {
    let text = std::fs::read_to_string(spec).unwrap();
    let options = codegen::Options::new(shown, "split");
    let inputs = codegen::Inputs {
        files: Some(files),
        ..Default::default()
    };
    codegen::generate_with(&text, &options, &inputs).map_err(|diags| diags.render(shown))
}

#[test]
fn broken_cross_file_references_are_errors_in_the_referring_file() {
    let spec = fixtures().join("split-broken/api.yaml");
    let files = xtask::workspace::SpecDir::of(&spec);
    let rendered = generate(&spec, "split-broken/api.yaml", &files).expect_err("broken");
    // The machine's own paths out of the snapshot.
    let rendered = rendered.replace(&fixtures().display().to_string(), "<fixtures>");
    insta::with_settings!({snapshot_path => "../fixtures/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("split-broken-errors", rendered);
    });
}

#[test]
fn a_symlink_out_of_the_spec_tree_is_refused_unless_a_wider_root_is_named() {
    let scratch = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/split-symlink");
    let _ = std::fs::remove_dir_all(&scratch);
    let dir = scratch.join("spec");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        scratch.join("outside.yaml"),
        "Pet: {type: object, properties: {name: {type: string}}}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(scratch.join("outside.yaml"), dir.join("pet.yaml")).unwrap();
    let spec = dir.join("api.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {$ref: 'pet.yaml#/Pet'}\n",
    )
    .unwrap();
    let confined = xtask::workspace::SpecDir::of(&spec);
    let error = generate(&spec, "api.yaml", &confined).expect_err("the link leaves the tree");
    assert!(error.contains("api.yaml:6:"), "{error}");
    assert!(error.contains("`pet.yaml` is outside"), "{error}");
    let wider = xtask::workspace::SpecDir {
        root: scratch.clone(),
        ..confined
    };
    let output = generate(&spec, "api.yaml", &wider).expect("allowed by the wider root");
    let types = output
        .files
        .iter()
        .find(|f| f.path == "src/types.rs")
        .unwrap();
    assert!(types.text.contains("pub struct Pet {"), "{}", types.text);
}
