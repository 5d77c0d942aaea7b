//! The fast slice of `cargo xtask conformance`: the seed and two fixture specs, all
//! three checks (Prism per operation, examples round trip, agreement with the reference
//! validator), with real Prism servers on 127.0.0.1 and a driver built against each
//! generated crate. The full corpus run is the xtask itself (numbers in the README).

use std::path::{Path, PathBuf};

use xtask::conformance::{self, Args, SpecReport, Verdict};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn run(spec: &str) -> SpecReport {
    let args = Args {
        input: root().join(spec),
        only: Vec::new(),
        json: None,
        out: None,
        no_prism: false,
    };
    let mut reports = conformance::run(&args).unwrap_or_else(|e| panic!("{spec}: {e}"));
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

fn ours(report: &SpecReport) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.verdict == Verdict::Ours)
        .map(|f| format!("{} {}: {}", f.check, f.pointer, f.message))
        .collect()
}

#[test]
fn seed_and_fixtures_speak_the_wire_as_their_specs_say() {
    // The seed: the one operation is accepted by Prism and its response decoded; the
    // spec's own `clipIds` example (1 id where `minItems` is 6) is reported as the
    // spec's error, with its pointer.
    let seed = run("openapi/suno-custom-model-create.yaml");
    assert_eq!(seed.error, None);
    assert!(ours(&seed).is_empty(), "{:#?}", ours(&seed));
    assert_eq!(seed.operations.total, 1);
    assert_eq!(seed.operations.decoded, 1, "{:#?}", seed.findings);
    assert_eq!(seed.examples.spec_error, 1);
    assert!(seed.findings.iter().any(|f| f.verdict == Verdict::SpecError
        && f.pointer == "#/components/schemas/CreateCustomModelDto/properties/clipIds/example"));
    assert!(seed.agreement.instances >= 10, "{:?}", seed.agreement);
    assert_eq!(seed.agreement.disagree, 0);

    // Parameters of every location and style, three security schemes, a form body.
    let operations = run("tests/fixtures/specs/operations.yaml");
    assert_eq!(operations.error, None);
    assert!(ours(&operations).is_empty(), "{:#?}", ours(&operations));
    // The octet-stream body goes as an `Upload`: only the multipart one is skipped. The
    // raw upload requires an `Authorization` header parameter (ignored by the generator,
    // as OpenAPI says, so the driver adds it with a hook): Prism accepts it.
    assert_eq!(
        operations.operations.decoded, 3,
        "{:?} {:#?}",
        operations.operations, operations.findings
    );
    assert!(
        !operations
            .findings
            .iter()
            .any(|f| f.check == "operation" && f.message.contains("authorization")),
        "{:#?}",
        operations.findings
    );
    assert_eq!(
        operations.operations.skipped.keys().collect::<Vec<_>>(),
        ["its parameters or body do not deserialize from JSON (multipart)"],
        "{:?}",
        operations.operations
    );
    assert!(
        operations.agreement.agree >= 10,
        "{:?}",
        operations.agreement
    );

    // Every constraint keyword: bounds met and missed by one, on both sides.
    let constraints = run("tests/fixtures/specs/constraints.yaml");
    assert_eq!(constraints.error, None);
    assert!(ours(&constraints).is_empty(), "{:#?}", ours(&constraints));
    assert!(
        constraints.agreement.agree >= 50,
        "{:?}",
        constraints.agreement
    );
    assert!(
        constraints.agreement.by_design >= 1,
        "an unlisted enum value decodes as Unknown, on purpose: {:?}",
        constraints.agreement
    );
}
