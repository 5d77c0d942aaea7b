//! OpenAPI 3.1 / JSON Schema 2020-12 constructs behave as the schema says, through the
//! generated `fixture-v31` client (from `tests/fixtures/specs/v31-schemas.yaml`).

use fixture_v31::types::{Types, TypesEither, TypesPickyChecked};
use serde_json::json;

fn minimal() -> serde_json::Value {
    json!({"maybe": null, "nothing": null, "either": "text", "version": "v2"})
}

fn parse(value: serde_json::Value) -> Result<Types, String> {
    fixture_v31::runtime::decode_json::<Types>(value.to_string().as_bytes())
}

#[test]
fn type_arrays_with_null_accept_null_and_their_type() {
    let types = parse(minimal()).expect("null is allowed for `maybe`");
    assert_eq!(types.maybe, None);
    let mut value = minimal();
    value["maybe"] = json!("here");
    assert_eq!(
        parse(value).expect("a string too").maybe.as_deref(),
        Some("here")
    );
}

#[test]
fn type_null_alone_refuses_anything_but_null() {
    let mut value = minimal();
    value["nothing"] = json!("something");
    assert!(parse(value).is_err(), "`type: null` admits only null");
}

#[test]
fn multi_type_unions_take_each_type() {
    let mut value = minimal();
    value["either"] = json!(7);
    assert_eq!(
        parse(value).expect("integer").either,
        TypesEither::Integer(7)
    );
    let mut value = minimal();
    value["either"] = json!(true);
    assert!(
        parse(value).is_err(),
        "boolean is neither string nor integer"
    );
}

#[test]
fn const_is_enforced_on_construction_and_deserialize() {
    let mut value = minimal();
    value["version"] = json!("v3");
    let error = parse(value).expect_err("const is v2");
    assert!(
        error.starts_with("version: expected one of \"v2\""),
        "{error}"
    );
    assert!(fixture_v31::types::TypesVersion::new("v3".to_owned()).is_err());
    assert!(fixture_v31::types::TypesVersion::new("v2".to_owned()).is_ok());
}

#[test]
fn numeric_exclusive_bounds() {
    for (count, ok) in [(0, false), (1, true), (9, true), (10, false)] {
        assert_eq!(
            fixture_v31::types::TypesCount::new(count).is_ok(),
            ok,
            "count {count}"
        );
    }
}

#[test]
fn tuples_round_trip_and_check_their_members() {
    let mut value = minimal();
    value["point"] = json!([1.5, -2.0, "abc"]);
    let types = parse(value.clone()).expect("a valid tuple");
    let point = types.point.as_ref().expect("present");
    assert_eq!(point.2, "abc");
    let back = serde_json::to_value(&types).expect("serializes");
    assert_eq!(back["point"], value["point"]);
    value["point"] = json!([1.5, -2.0, "abcd"]);
    let error = parse(value).expect_err("third member longer than 3");
    assert!(
        error.starts_with("point[2]: expected at most 3 characters, got 4"),
        "{error}"
    );
}

#[test]
fn contains_with_min_contains() {
    let mut value = minimal();
    value["some"] = json!([2, 3]);
    let error = parse(value).expect_err("no item equals 1");
    assert!(
        error.contains("expected at least 1 item equal to 1, got 0"),
        "{error}"
    );
    let mut value = minimal();
    value["some"] = json!([2, 1]);
    assert!(parse(value).is_ok());
}

#[test]
fn dependent_required_is_checked() {
    let picky = fixture_v31::types::TypesPicky::new().with_a("x");
    let error = TypesPickyChecked::new(picky).expect_err("a needs b");
    assert_eq!(
        error.to_string(),
        "picky: `a` is present, so `b` must be too"
    );
    let mut value = minimal();
    value["picky"] = json!({"a": "x", "b": "y"});
    assert!(parse(value).is_ok());
}

#[test]
fn pattern_properties_leave_other_keys_to_additional_properties() {
    // No `additionalProperties`: a key matching no pattern may hold anything.
    let mut value = minimal();
    value["labels"] = json!({"x-ok": "1", "bad": 2});
    let types = parse(value).expect("keys outside the patterns are allowed");
    assert_eq!(types.labels.expect("labels")["bad"], json!(2));
    // `additionalProperties: false`: every key must match one of the patterns.
    let mut value = minimal();
    value["strictLabels"] = json!({"x-a": "1", "y-b": 2});
    assert!(parse(value).is_ok(), "both keys match a pattern");
    let mut value = minimal();
    value["strictLabels"] = json!({"x-a": "1", "bad": 2});
    let error = parse(value).expect_err("`bad` matches neither pattern");
    assert!(
        error.starts_with("strictLabels[\"bad\"]: expected to match the pattern"),
        "{error}"
    );
    // Next to `properties` and `additionalProperties: false`, a key matching a pattern is
    // not an unknown field.
    let mut value = minimal();
    value["tagged"] = json!({"name": "n", "x-flag": true});
    let types = parse(value).expect("`x-flag` matches ^x-");
    assert_eq!(types.tagged.expect("tagged").name.as_deref(), Some("n"));
}

#[test]
fn property_names_pattern_checks_keys() {
    let mut value = minimal();
    value["named"] = json!({"abc": 1, "ABC": 2});
    assert!(parse(value).is_err(), "propertyNames pattern ^[a-z]+$");
    let mut value = minimal();
    value["named"] = json!({"abc": 1});
    assert!(parse(value).is_ok());
}

#[test]
fn content_encoding_base64_is_bytes() {
    let mut value = minimal();
    value["photo"] = json!("aGVsbG8=");
    let types = parse(value).expect("base64");
    assert_eq!(types.photo.expect("present").0, b"hello");
}
