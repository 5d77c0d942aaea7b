//! Overrides kept outside the provider's spec (`tests/fixtures/overrides/`): an Overlay
//! that renames an operation and removes a path and a property, and a generator config
//! that renames a type, a field, a variant and an operation, maps `date-time` and the
//! `Money` schema to the user's own types (the local `user-types` crate), adds derives,
//! leaves an operation out and names the crate. Then every way an override can be wrong,
//! each an error with its file and line.

use fixture_overrides::types::{Animal, PetKind};
use fixture_overrides::Client;
use serde_json::json;
use user_types::{Money, Timestamp};

#[test]
fn the_generated_crate_uses_the_renamed_names_and_the_users_types() {
    let animal = Animal::new("Rex", PetKind::Canine)
        .with_born(Timestamp("2020-02-02T10:00:00Z".to_owned()))
        .with_price(Money {
            amount: "12.50".to_owned(),
            currency: "EUR".to_owned(),
        });
    // Renamed in Rust only: the wire keeps the spec's names and values.
    let wire = serde_json::to_value(&animal).unwrap();
    assert_eq!(
        wire,
        json!({"name": "Rex", "kind": "dog", "born": "2020-02-02T10:00:00Z",
               "price": {"amount": "12.50", "currency": "EUR"}})
    );
    let back: Animal = serde_json::from_value(wire).unwrap();
    assert_eq!(back, animal);
    assert_eq!(back.title, "Rex");
    // The config's derives: `Eq` on Animal, an order on PetKind.
    fn is_eq<T: Eq>(_: &T) {}
    is_eq(&back);
    assert!(PetKind::Canine < PetKind::Cat);
    // The operations: renamed by the overlay (`allPets`) and by the config (`adopt`).
    let client = Client::new().with_base_url("http://127.0.0.1:9");
    let _ = client.all_pets();
    let _ = client.adopt(&animal);
}

#[test]
fn what_the_overrides_remove_is_not_generated() {
    let client = include_str!("../clients/overrides/src/client.rs");
    let types = include_str!("../clients/overrides/src/types.rs");
    assert!(
        client.contains("pub fn adopt("),
        "the assertions below can fail"
    );
    assert!(!client.contains("fn delete_pet"), "excluded by the config");
    assert!(!client.contains("fn get_metrics"), "removed by the overlay");
    assert!(!client.contains("fn list_pets"), "renamed by the overlay");
    assert!(!types.contains("secret_notes"), "removed by the overlay");
    assert!(types.contains("pub type Money = ::user_types::Money;"));
    let manifest = include_str!("../clients/overrides/Cargo.toml");
    assert!(manifest.contains("version = \"0.2.0\""), "{manifest}");
}

const SPEC: &str = include_str!("../fixtures/overrides/pets.yaml");

fn errors(overlay: Option<&str>, config: Option<&str>) -> String {
    let options = codegen::Options::new("pets.yaml", "pets");
    let overrides = codegen::Inputs {
        files: None,
        overlay: overlay.map(|text| codegen::OverlayFile {
            name: "pets.overlay.yaml",
            text,
        }),
        config: config.map(|text| codegen::ConfigFile {
            name: "pets.codegen.toml",
            text,
        }),
    };
    match codegen::generate_with(SPEC, &options, &overrides) {
        Ok(_) => "generated".to_owned(),
        Err(diags) => diags.render("pets.yaml"),
    }
}

const OVERLAY_HEAD: &str = "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n";

#[test]
fn every_override_that_names_nothing_or_is_malformed_is_an_error_with_its_line() {
    let cases = [
        (
            "overlay target that selects nothing",
            errors(
                Some(&format!("{OVERLAY_HEAD}  - target: $.paths['/gone']\n    remove: true\n")),
                None,
            ),
        ),
        (
            "overlay with a bad JSONPath",
            errors(Some(&format!("{OVERLAY_HEAD}  - target: $.paths[\n    remove: true\n")), None),
        ),
        (
            "overlay with an unknown key",
            errors(Some(&format!("{OVERLAY_HEAD}  - target: $.info\n    replace: {{}}\n")), None),
        ),
        (
            "config with an unknown key",
            errors(None, Some("[crate]\nname = \"x\"\nedition = \"2024\"\n")),
        ),
        (
            "config renames that name nothing",
            errors(
                None,
                Some("[rename.types]\nDog = \"Hound\"\n\n[rename.fields]\n\"Pet.nickname\" = \"alias\"\n\n[rename.operations]\nfeedPet = \"feed\"\n"),
            ),
        ),
        (
            "config mapping that no schema uses",
            errors(
                None,
                Some("[types]\n\"decimal\" = \"my_money::Decimal\"\n\"#/components/schemas/Price\" = \"my_money::Price\"\n\n[dependencies]\nmy_money = { path = \"../my_money\" }\n"),
            ),
        ),
        (
            "config selection that matches nothing",
            errors(None, Some("[operations]\ninclude-tags = [\"pets\", \"stores\"]\nexclude-paths = [\"/admin/*\"]\n")),
        ),
    ];
    let mut text = String::new();
    for (case, rendered) in &cases {
        assert_ne!(rendered, "generated", "{case}");
        text.push_str(&format!("== {case}\n{rendered}"));
    }
    insta::with_settings!({snapshot_path => "../fixtures/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("overrides-errors", text);
    });
}

#[test]
fn the_diff_applies_the_overrides_to_both_sides() {
    // The provider changes only what the overrides leave out: the internal path the
    // overlay removes and the operation the config excludes. Nothing changes for users.
    let old = SPEC;
    let new = SPEC
        .replace(
            "        \"200\": {description: Metrics.}",
            "        \"200\": {description: Metrics.}\n      parameters:\n        - {name: since, in: query, required: true, schema: {type: string}}",
        )
        .replace(
            "        - {name: id, in: path, required: true, schema: {type: string}}",
            "        - {name: id, in: path, required: true, schema: {type: integer}}",
        );
    assert_eq!(
        new.matches("since").count() + new.matches("type: integer").count(),
        2
    );
    let overlay = include_str!("../fixtures/overrides/pets.overlay.yaml");
    let config = "[operations]\nexclude-ids = [\"deletePet\"]\n";
    let overrides = codegen::Inputs {
        files: None,
        overlay: Some(codegen::OverlayFile {
            name: "pets.overlay.yaml",
            text: overlay,
        }),
        config: Some(codegen::ConfigFile {
            name: "pets.codegen.toml",
            text: config,
        }),
    };
    let report = codegen::diff_texts(old, "old.yaml", &new, "new.yaml", &overrides).unwrap();
    assert!(report.is_empty(), "{}", report.summary(10));
    // Without the overrides both changes are breaking.
    let bare = codegen::diff_texts(old, "old.yaml", &new, "new.yaml", &Default::default()).unwrap();
    assert!(
        bare.summary(10).contains("GET /internal/metrics"),
        "{}",
        bare.summary(10)
    );
    assert!(
        bare.summary(10).contains("DELETE /pets/{id}"),
        "{}",
        bare.summary(10)
    );
}
