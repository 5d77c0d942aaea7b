//! `codegen::diff`: what changed for users of the generated crate between two versions of
//! a spec. Each directory under `tests/fixtures/diff/` holds an `old.yaml` and a
//! `new.yaml` (mostly the seed spec and an edited copy of it); the text report of every
//! pair is snapshotted as `tests/fixtures/snapshots/diff-<case>.snap`, and the tests below
//! pin the classification of each case.

use std::path::{Path, PathBuf};

use codegen::diff::{Bump, Change, ChangeKind, OutputFormat, Report, Severity};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn diff_files(old: &Path, new: &Path) -> Report {
    let name = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec")
            .to_owned()
    };
    codegen::diff_texts(
        &read(old),
        &name(old),
        &read(new),
        &name(new),
        &Default::default(),
    )
    .unwrap_or_else(|e| panic!("{} -> {}: {e}", old.display(), new.display()))
}

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir().join("diff"))
        .expect("tests/fixtures/diff")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn case(name: &str) -> Report {
    let dir = fixtures_dir().join("diff").join(name);
    diff_files(&dir.join("old.yaml"), &dir.join("new.yaml"))
}

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixtures_dir().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// The changes of `report` as (severity, kind), for compact assertions.
fn classes(report: &Report) -> Vec<(Severity, Severity, ChangeKind)> {
    report
        .changes
        .iter()
        .map(|c| (c.severity, c.wire, c.kind))
        .collect()
}

fn find(report: &Report, kind: ChangeKind) -> &Change {
    report
        .changes
        .iter()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} in:\n{}", report.render_text()))
}

#[test]
fn every_case_matches_its_snapshot() {
    let names = cases();
    assert!(names.len() >= 25, "diff fixtures missing: {names:?}");
    snapshot_settings().bind(|| {
        for name in names {
            let report = case(&name);
            insta::assert_snapshot!(format!("diff-{name}"), report.render_text());
        }
    });
}

#[test]
fn markdown_and_json_reports_match_their_snapshots() {
    let report = case("many-changes");
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("diff-many-changes-markdown", report.render_markdown());
        insta::assert_snapshot!("diff-many-changes-json", report.render_json());
    });
    let json: serde_json::Value = serde_json::from_str(&report.render_json()).expect("JSON");
    assert_eq!(json["summary"]["total"], report.changes.len());
    assert_eq!(json["semver_bump"], "major");
    assert_eq!(
        json["changes"][0]["severity"], "breaking",
        "most severe first"
    );
    assert_eq!(report.render(OutputFormat::Json), report.render_json());
    assert_eq!(
        "md".parse::<OutputFormat>(),
        Ok(OutputFormat::Markdown),
        "format names parse"
    );
}

/// The committed seed (OpenAPI 3.0) and its 3.1 rewrite (`examples` arrays, version line)
/// generate the same crate, so the diff reports nothing.
#[test]
fn seed_3_0_and_3_1_are_equivalent() {
    let report = diff_files(
        &workspace_root().join("openapi/suno-custom-model-create.yaml"),
        &fixtures_dir().join("seed-3.1.yaml"),
    );
    assert!(report.is_empty(), "{}", report.render_text());
    assert_eq!(report.semver_bump(), Bump::None);
    assert_eq!(report.render_text(), "No API changes.\n");
    assert!(!report.has(Severity::NonBreaking));
}

#[test]
fn seed_against_itself_has_no_changes() {
    let seed = workspace_root().join("openapi/suno-custom-model-create.yaml");
    assert!(diff_files(&seed, &seed).is_empty());
}

/// `nullable: true` (3.0) against `type: [string, "null"]` (3.1).
#[test]
fn nullable_rewrite_is_equivalent() {
    let report = case("nullable-equivalent");
    assert!(report.is_empty(), "{}", report.render_text());
}

/// Every case's changes, as (Rust verdict, wire verdict, kind) in report order.
#[test]
fn every_case_is_classified() {
    use ChangeKind as K;
    use Severity::{Breaking as B, NeedsReview as R, NonBreaking as N};
    type Class = (Severity, Severity, ChangeKind);
    let expected: &[(&str, &[Class])] = &[
        ("operation-added", &[(N, N, K::OperationAdded)]),
        ("operation-removed", &[(B, B, K::OperationRemoved)]),
        // Same Rust API, another request on the wire.
        ("path-changed", &[(R, B, K::OperationPathChanged)]),
        ("method-changed", &[(R, B, K::OperationMethodChanged)]),
        // Rust names only: the wire does not see them.
        (
            "operation-id-changed",
            &[(B, N, K::TypeRenamed), (B, N, K::MethodRenamed)],
        ),
        // A required parameter is a new argument; an optional one a new setter.
        ("param-added-required", &[(B, B, K::ParamAdded)]),
        ("param-added-optional", &[(N, N, K::ParamAdded)]),
        ("param-removed", &[(B, R, K::ParamRemoved)]),
        ("param-required-changed", &[(B, B, K::ParamRequiredChanged)]),
        ("request-field-added-required", &[(B, B, K::FieldAdded)]),
        // `#[non_exhaustive]` structs with `with_*` setters: an optional field is additive.
        ("request-field-added-optional", &[(N, N, K::FieldAdded)]),
        ("request-field-removed", &[(B, R, K::FieldRemoved)]),
        ("response-field-added", &[(N, N, K::FieldAdded)]),
        ("response-field-removed", &[(B, B, K::FieldRemoved)]),
        ("response-field-retyped", &[(B, B, K::TypeChanged)]),
        // `name` (request) becomes optional: old callers still send it. `task_id`
        // (response) becomes optional: old readers expect it.
        (
            "required-changed",
            &[
                (B, N, K::FieldRequiredChanged),
                (B, B, K::FieldRequiredChanged),
            ],
        ),
        (
            "enum-value-added",
            &[(N, N, K::EnumValueAdded), (N, N, K::EnumValueAdded)],
        ),
        (
            "enum-value-removed",
            &[(B, B, K::EnumValueRemoved), (B, N, K::EnumValueRemoved)],
        ),
        ("constraint-tightened", &[(B, B, K::ConstraintTightened)]),
        (
            "dependent-required-changed",
            &[(B, B, K::ConstraintTightened)],
        ),
        ("constraint-loosened", &[(N, N, K::ConstraintLoosened)]),
        (
            "constraint-response-side",
            &[
                (R, N, K::ConstraintTightened),
                (R, R, K::ConstraintLoosened),
            ],
        ),
        (
            "format-changed",
            &[(B, B, K::FormatChanged), (B, B, K::FormatChanged)],
        ),
        (
            "security-changed",
            &[
                (B, B, K::SecurityChanged),
                (B, B, K::SecuritySchemeRemoved),
                (N, N, K::SecuritySchemeAdded),
            ],
        ),
        (
            "server-changed",
            &[(R, R, K::ServerChanged), (N, N, K::ServerAdded)],
        ),
        ("ref-rename", &[(B, N, K::TypeRenamed)]),
        (
            "response-added",
            &[
                (B, N, K::ErrorTypeChanged),
                (N, N, K::TypeAdded),
                (N, N, K::ResponseAdded),
            ],
        ),
        // Unions are `#[non_exhaustive]`: no `match` breaks; old readers may not know
        // the new shape.
        (
            "union-variant-added",
            &[(N, N, K::TypeAdded), (N, R, K::UnionVariantAdded)],
        ),
        // Nullability: a request may now carry null (the server accepts more) or may no
        // longer (old callers' nulls are refused); a response may now send null (old readers
        // fail) or may no longer. The Rust type changes in all four.
        (
            "request-field-nullable-added",
            &[(B, N, K::FieldRequiredChanged)],
        ),
        (
            "request-field-nullable-removed",
            &[(B, B, K::FieldRequiredChanged)],
        ),
        (
            "response-field-nullable-added",
            &[(B, B, K::FieldRequiredChanged)],
        ),
        (
            "response-field-nullable-removed",
            &[(B, N, K::FieldRequiredChanged)],
        ),
        ("param-retyped", &[(B, B, K::TypeChanged)]),
        // A free string becomes an enum: values old callers sent are now refused.
        (
            "param-became-enum",
            &[(B, B, K::TypeChanged), (N, N, K::TypeAdded)],
        ),
        // `required` added by an `allOf` member, not the referenced base.
        (
            "request-field-required-via-allof",
            &[(B, B, K::FieldRequiredChanged)],
        ),
        // The body old readers decode is gone (no content left, or only text).
        ("response-media-type-removed", &[(B, B, K::TypeChanged)]),
        ("response-json-removed", &[(B, B, K::TypeChanged)]),
        ("nullable-equivalent", &[]),
    ];
    let mut failures = Vec::new();
    for (name, want) in expected {
        let report = case(name);
        if classes(&report) != *want {
            failures.push(format!(
                "{name}: expected {want:?}, got:\n{}",
                report.render_text()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every fixture directory has an expectation here (besides the combined case).
    for name in cases() {
        assert!(
            name == "many-changes" || expected.iter().any(|(n, _)| *n == name),
            "no expectation for {name}"
        );
    }
}

/// A new optional field is a new `with_*` setter of a `#[non_exhaustive]` struct: no
/// caller breaks, on either side.
#[test]
fn optional_field_added_is_additive_on_both_sides() {
    let request = find(
        &case("request-field-added-optional"),
        ChangeKind::FieldAdded,
    )
    .clone();
    assert_eq!(request.location, "CreateCustomModelDto.description");
    assert_eq!(request.severity, Severity::NonBreaking);
    assert_eq!(request.wire, Severity::NonBreaking);
    assert!(
        request.message.contains("with_description"),
        "{}",
        request.message
    );
    let response = find(&case("response-field-added"), ChangeKind::FieldAdded).clone();
    assert_eq!(response.location, "TaskIdDto.status");
    assert_eq!(response.severity, Severity::NonBreaking);
}

/// `minItems` 6 -> 8 on the seed's request body refuses values that were valid; 8 -> 6
/// accepts more. Reported at the field, not at the generated alias.
#[test]
fn min_items_on_the_seed() {
    let tightened = case("constraint-tightened");
    let change = find(&tightened, ChangeKind::ConstraintTightened);
    assert_eq!(change.location, "CreateCustomModelDto.clip_ids");
    assert!(
        change.message.contains("minItems 6 -> 8"),
        "{}",
        change.message
    );
    assert_eq!(tightened.semver_bump(), Bump::Major);
    assert!(tightened.has(Severity::Breaking));

    let loosened = case("constraint-loosened");
    let change = find(&loosened, ChangeKind::ConstraintLoosened);
    assert!(
        change.message.contains("minItems 8 -> 6"),
        "{}",
        change.message
    );
    assert_eq!(change.severity, Severity::NonBreaking);
    assert!(!loosened.has(Severity::NeedsReview));
    assert!(loosened.has(Severity::NonBreaking));
    assert_eq!(loosened.semver_bump(), Bump::Patch);
}

/// The same keyword changes on a response-only field need review both ways.
#[test]
fn response_constraints_need_review() {
    let report = case("constraint-response-side");
    assert!(report
        .changes
        .iter()
        .all(|c| c.severity == Severity::NeedsReview));
    assert!(report.has(Severity::NeedsReview));
    assert!(!report.has(Severity::Breaking));
    assert_eq!(report.semver_bump(), Bump::Minor);
}

/// A `$ref` rename is one change, not a removed and an added type plus retyped uses.
#[test]
fn ref_rename_is_reported_once() {
    let report = case("ref-rename");
    assert_eq!(report.changes.len(), 1, "{}", report.render_text());
    let change = &report.changes[0];
    assert_eq!(change.location, "TaskId");
    assert!(
        change.message.contains("`TaskIdDto` -> `TaskId`"),
        "{}",
        change.message
    );
}

#[test]
fn format_change_names_the_rust_types() {
    let report = case("format-changed");
    let messages: Vec<&str> = report.changes.iter().map(|c| c.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("`Uuid` to `String`")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("`String` to `Uuid`")),
        "{messages:?}"
    );
}

#[test]
fn enum_values_by_side() {
    let added = case("enum-value-added");
    let locations: Vec<&str> = added.changes.iter().map(|c| c.location.as_str()).collect();
    assert_eq!(
        locations,
        ["CreateCustomModelDtoMode::Turbo", "TaskIdDtoState::Done"]
    );
    assert_eq!(added.semver_bump(), Bump::Minor);
    assert!(case("enum-value-removed").has(Severity::Breaking));
}

#[test]
fn changes_are_sorted_most_severe_first() {
    let report = case("many-changes");
    let severities: Vec<Severity> = report.changes.iter().map(|c| c.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted);
    for severity in Severity::ALL {
        assert!(report.count(severity) > 0, "many-changes lacks {severity}");
    }
    assert_eq!(
        report.count(Severity::Breaking)
            + report.count(Severity::NeedsReview)
            + report.count(Severity::NonBreaking),
        report.changes.len()
    );
}

#[test]
fn summary_fits_the_screen() {
    let report = case("many-changes");
    let full = report.summary(100);
    assert_eq!(full.lines().count(), report.changes.len() + 1, "{full}");
    assert!(full.starts_with("API changes: "));
    let short = report.summary(3);
    assert_eq!(short.lines().count(), 3, "{short}");
    assert!(short.lines().last().unwrap_or_default().contains("more"));
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("diff-many-changes-summary", report.summary(6));
    });
}

#[test]
fn broken_specs_are_errors_not_panics() {
    let seed = read(&workspace_root().join("openapi/suno-custom-model-create.yaml"));
    let err = codegen::diff_texts(
        "openapi: [",
        "old.yaml",
        &seed,
        "new.yaml",
        &Default::default(),
    )
    .expect_err("broken YAML");
    assert!(err.contains("old.yaml"), "{err}");
    let err = codegen::diff_texts(
        &seed,
        "old.yaml",
        "{\"swagger\": \"2.0\"}",
        "new.json",
        &Default::default(),
    )
    .expect_err("Swagger 2.0");
    assert!(err.contains("new.json"), "{err}");
}

/// Every fixture spec of the generator compared with every other: no panics, and each
/// against itself is empty.
#[test]
fn fixture_specs_compare_without_panicking() {
    // The specs, not the generator configs beside some of them.
    let mut specs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join("specs"))
        .expect("specs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    specs.push(fixtures_dir().join("seed-3.1.yaml"));
    specs.sort();
    for old in &specs {
        for new in &specs {
            let report = diff_files(old, new);
            if old == new {
                assert!(
                    report.is_empty(),
                    "{}: {}",
                    old.display(),
                    report.render_text()
                );
            }
            let _ = (
                report.render_markdown(),
                report.render_json(),
                report.summary(20),
            );
        }
    }
}
