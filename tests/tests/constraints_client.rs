//! Constraint enforcement in the generated `fixture-constraints` crate (from
//! `tests/fixtures/specs/constraints.yaml`): every rule of `Limits` and `Email` is
//! refused on construction (`Checked::new`) and on deserialization, with the exact
//! message and path of every violation; boundary values are accepted; open enums keep
//! values the spec does not list.

mod common;

use std::collections::BTreeMap;

use fixture_constraints::runtime::decode_json;
use fixture_constraints::runtime::{Checked, ValidationError};
use fixture_constraints::types::{
    Email, Limits, LimitsCode, LimitsColor, LimitsCount, LimitsLevel, LimitsRatio, LimitsScores,
    LimitsTags,
};
use proptest::prelude::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// Each violation as `path: message`, in the order found.
fn violations(error: &ValidationError) -> Vec<String> {
    error.violations().iter().map(ToString::to_string).collect()
}

/// The violations of a value that must be refused.
fn refused<T: std::fmt::Debug>(result: Result<T, ValidationError>) -> Vec<String> {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(error) => {
            assert!(!error.violations().is_empty(), "an error lists violations");
            violations(&error)
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn tags(items: &[&str]) -> Result<LimitsTags, ValidationError> {
    LimitsTags::new(strings(items))
}

fn scores(entries: &[(&str, i64)]) -> Result<LimitsScores, ValidationError> {
    LimitsScores::new(
        entries
            .iter()
            .map(|(key, value)| ((*key).to_owned(), *value))
            .collect(),
    )
}

/// A valid `Limits` as JSON, every property set.
fn valid_json() -> Value {
    json!({
        "tags": ["a", "bb"],
        "code": "ABC",
        "count": 5,
        "ratio": 0.5,
        "scores": {"x": 0, "y": 7},
        "color": "light-blue",
        "level": 2
    })
}

/// `valid_json` with `key` set to `value`.
fn with(key: &str, value: Value) -> Value {
    let mut document = valid_json();
    document[key] = value;
    document
}

/// The message of the error `decode_json` (what the client uses on response bodies)
/// gives for `document`; panics when it is accepted.
fn decode_error(document: &Value) -> String {
    let text = document.to_string();
    match decode_json::<Limits>(text.as_bytes()) {
        Ok(value) => panic!("expected {text} to be refused, got {value:?}"),
        Err(message) => message,
    }
}

/// Asserts `message` starts with `expected` (serde_json appends the position).
#[track_caller]
fn assert_starts_with(message: &str, expected: &str) {
    assert!(
        message.starts_with(expected),
        "expected a message starting with\n  {expected:?}\ngot\n  {message:?}"
    );
}

// ---------------------------------------------------------------------------------
// tags: minItems 1, maxItems 3, uniqueItems, items maxLength 5
// ---------------------------------------------------------------------------------

#[test]
fn tags_min_items_is_enforced() {
    assert_eq!(
        refused(tags(&[])),
        ["tags: expected at least 1 item, got 0"]
    );
}

#[test]
fn tags_max_items_is_enforced() {
    assert_eq!(
        refused(tags(&["a", "b", "c", "d"])),
        ["tags: expected at most 3 items, got 4"]
    );
}

#[test]
fn tags_unique_items_is_enforced() {
    assert_eq!(
        refused(tags(&["a", "b", "a"])),
        ["tags: expected unique items, but items 0 and 2 are equal"]
    );
}

#[test]
fn tags_item_max_length_is_enforced_with_the_items_index() {
    assert_eq!(
        refused(tags(&["ok", "toolong"])),
        ["tags[1]: expected at most 5 characters, got 7"]
    );
}

#[test]
fn tags_every_violation_is_listed_not_only_the_first() {
    assert_eq!(
        refused(tags(&["a", "a", "abcdefg", "xyzxyzx"])),
        [
            "tags: expected at most 3 items, got 4",
            "tags: expected unique items, but items 0 and 1 are equal",
            "tags[2]: expected at most 5 characters, got 7",
            "tags[3]: expected at most 5 characters, got 7",
        ]
    );
    // The whole error reads as one line, violations `; `-separated.
    let error = tags(&["abcdef", "abcdefg"]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "tags[0]: expected at most 5 characters, got 6; \
         tags[1]: expected at most 5 characters, got 7"
    );
}

#[test]
fn tags_boundary_values_are_accepted() {
    for accepted in [
        &["a"][..],
        &["", "abcde", "12345"][..],
        // maxLength counts code points, not bytes.
        &["ééééé", "日本語の字"][..],
    ] {
        let value = tags(accepted).unwrap_or_else(|error| panic!("{accepted:?}: {error}"));
        assert_eq!(*value, strings(accepted));
    }
    assert_eq!(
        refused(tags(&["éééééé"])),
        ["tags[0]: expected at most 5 characters, got 6"]
    );
}

#[test]
fn tags_try_update_keeps_the_original_on_error() {
    let mut value = tags(&["a", "b", "c"]).unwrap();
    let error = value
        .try_update(|items| items.push("d".to_owned()))
        .unwrap_err();
    assert_eq!(
        violations(&error),
        ["tags: expected at most 3 items, got 4"]
    );
    assert_eq!(*value, strings(&["a", "b", "c"]));
    value
        .try_update(|items| items[0] = "z".to_owned())
        .expect("still valid");
    assert_eq!(*value, strings(&["z", "b", "c"]));
}

// ---------------------------------------------------------------------------------
// code: minLength 3, pattern ^[A-Z]{3}$
// ---------------------------------------------------------------------------------

#[test]
fn code_min_length_and_pattern_are_both_reported() {
    assert_eq!(
        refused(LimitsCode::new("AB".to_owned())),
        [
            "code: expected at least 3 characters, got 2",
            r#"code: expected to match the pattern "^[A-Z]{3}$""#,
        ]
    );
    for wrong in ["abc", "ABCD", "AB1", " ABC"] {
        assert_eq!(
            refused(LimitsCode::new(wrong.to_owned())),
            [r#"code: expected to match the pattern "^[A-Z]{3}$""#],
            "{wrong:?}"
        );
    }
    let code = LimitsCode::new("XYZ".to_owned()).expect("3 capitals");
    assert_eq!(code.as_str(), "XYZ");
    let parsed: LimitsCode = "QRS".parse().expect("FromStr runs the rule too");
    assert_eq!(*parsed, "QRS");
    assert!("qrs".parse::<LimitsCode>().is_err());
}

// ---------------------------------------------------------------------------------
// count: minimum 1, maximum 10, multipleOf 1
// ---------------------------------------------------------------------------------

#[test]
fn count_bounds_are_enforced_and_inclusive() {
    assert_eq!(
        refused(LimitsCount::new(0)),
        ["count: expected a value of at least 1, got 0"]
    );
    assert_eq!(
        refused(LimitsCount::new(-5)),
        ["count: expected a value of at least 1, got -5"]
    );
    assert_eq!(
        refused(LimitsCount::new(11)),
        ["count: expected a value of at most 10, got 11"]
    );
    for accepted in [1, 10] {
        assert_eq!(*LimitsCount::new(accepted).expect("in bounds"), accepted);
    }
    let from: LimitsCount = 7.try_into().expect("TryFrom runs the rule too");
    assert_eq!(*from, 7);
    assert!(LimitsCount::try_from(12).is_err());
}

// ---------------------------------------------------------------------------------
// ratio: exclusiveMinimum 0, maximum 1
// ---------------------------------------------------------------------------------

#[test]
fn ratio_exclusive_minimum_and_inclusive_maximum_are_enforced() {
    assert_eq!(
        refused(LimitsRatio::new(0.0)),
        ["ratio: expected a value greater than 0, got 0"]
    );
    assert_eq!(
        refused(LimitsRatio::new(-0.5)),
        ["ratio: expected a value greater than 0, got -0.5"]
    );
    assert_eq!(
        refused(LimitsRatio::new(1.5)),
        ["ratio: expected a value of at most 1, got 1.5"]
    );
    for accepted in [f64::MIN_POSITIVE, 1e-9, 0.5, 1.0] {
        assert_eq!(*LimitsRatio::new(accepted).expect("in bounds"), accepted);
    }
}

/// NaN is neither greater than 0 nor at most 1, and JSON cannot carry it (serde_json
/// writes it as `null`, which does not deserialize back), so it must be refused like
/// the infinities.
#[test]
fn ratio_refuses_non_finite_numbers() {
    assert_eq!(
        refused(LimitsRatio::new(f64::INFINITY)),
        ["ratio: expected a value of at most 1, got inf"]
    );
    assert_eq!(
        refused(LimitsRatio::new(f64::NEG_INFINITY)),
        ["ratio: expected a value greater than 0, got -inf"]
    );
    let nan = refused(LimitsRatio::new(f64::NAN));
    assert!(
        nan.iter().all(|violation| violation.starts_with("ratio: ")),
        "{nan:?}"
    );
}

// ---------------------------------------------------------------------------------
// scores: maxProperties 2, values minimum 0
// ---------------------------------------------------------------------------------

#[test]
fn scores_max_properties_and_value_minimum_are_enforced() {
    assert_eq!(
        refused(scores(&[("a", 1), ("b", 2), ("c", 3)])),
        ["scores: expected at most 2 properties, got 3"]
    );
    assert_eq!(
        refused(scores(&[("a", -1)])),
        [r#"scores["a"]: expected a value of at least 0, got -1"#]
    );
    assert_eq!(
        refused(scores(&[("a", -1), ("b", 0), ("c d", -2)])),
        [
            "scores: expected at most 2 properties, got 3",
            r#"scores["a"]: expected a value of at least 0, got -1"#,
            r#"scores["c d"]: expected a value of at least 0, got -2"#,
        ]
    );
    for accepted in [&[][..], &[("a", 0)][..], &[("a", 0), ("b", i64::MAX)][..]] {
        let value = scores(accepted).unwrap_or_else(|error| panic!("{accepted:?}: {error}"));
        assert_eq!(value.len(), accepted.len());
    }
}

// ---------------------------------------------------------------------------------
// Email: pattern ^[^@]+@[^@]+$
// ---------------------------------------------------------------------------------

#[test]
fn email_pattern_is_enforced_on_construction_and_deserialization() {
    for wrong in ["no-at", "@b", "a@", "a@b@c", ""] {
        assert_eq!(
            refused(Email::new(wrong.to_owned())),
            [r#"Email: expected to match the pattern "^[^@]+@[^@]+$""#],
            "{wrong:?}"
        );
        let message = decode_json::<Email>(json!(wrong).to_string().as_bytes())
            .expect_err("deserializing runs the rule too");
        assert_starts_with(&message, r#"expected to match the pattern "^[^@]+@[^@]+$""#);
    }
    for right in ["a@b", "first.last+tag@example.com", "ü@ß"] {
        let email = Email::new(right.to_owned()).expect(right);
        assert_eq!(*email, right);
        let parsed: Email = serde_json::from_value(json!(right)).expect(right);
        assert_eq!(parsed, email);
        assert_eq!(serde_json::to_value(&email).unwrap(), json!(right));
    }
}

// ---------------------------------------------------------------------------------
// Limits as a whole
// ---------------------------------------------------------------------------------

#[test]
fn limits_round_trips_through_json_unchanged() {
    let document = valid_json();
    let limits: Limits = serde_json::from_value(document.clone()).expect("valid");
    assert_eq!(*limits.tags, strings(&["a", "bb"]));
    assert_eq!(*limits.code, "ABC");
    assert_eq!(*limits.count, 5);
    assert_eq!(*limits.ratio, 0.5);
    assert_eq!(
        limits.scores.as_deref(),
        Some(&BTreeMap::from([("x".to_owned(), 0), ("y".to_owned(), 7)]))
    );
    assert_eq!(limits.color, Some(LimitsColor::LightBlue));
    assert_eq!(limits.level, Some(LimitsLevel::V2));
    assert_eq!(serde_json::to_value(&limits).unwrap(), document);
}

#[test]
fn limits_built_from_checked_parts_serializes_and_leaves_absent_options_out() {
    // Plain values are checked on the way in; already checked ones are taken as they are.
    let limits = Limits::new(tags(&["x"]).unwrap(), "ABC", 10, Checked::new(1.0).unwrap()).unwrap();
    assert_eq!(
        serde_json::to_string(&limits).unwrap(),
        r#"{"tags":["x"],"code":"ABC","count":10,"ratio":1.0}"#
    );
}

#[test]
fn limits_boundary_values_deserialize() {
    let document = json!({
        "tags": ["abcde", "", "ééééé"],
        "code": "ZZZ",
        "count": 10,
        "ratio": 1,
        "scores": {"a": 0, "b": 0}
    });
    let limits: Limits = serde_json::from_value(document).expect("every value at a bound");
    assert_eq!(limits.tags.len(), 3);
    assert_eq!(*limits.ratio, 1.0);
    let mut lower = with("count", json!(1));
    lower["ratio"] = json!(1e-300);
    let limits: Limits = serde_json::from_value(lower).expect("lower bounds");
    assert_eq!(*limits.count, 1);
    assert_eq!(*limits.ratio, 1e-300);
}

/// A response body that breaks a constraint is refused, the message starting with the
/// JSON path of the problem (as `ErrorKind::InvalidResponse` documents it:
/// `items[3].name: expected at most 5 characters, got 7`).
#[test]
fn limits_deserialization_refuses_every_rule_with_its_path() {
    let cases: [(&str, Value, &str); 13] = [
        ("tags", json!([]), "tags: expected at least 1 item, got 0"),
        (
            "tags",
            json!(["a", "b", "c", "d"]),
            "tags: expected at most 3 items, got 4",
        ),
        (
            "tags",
            json!(["a", "a"]),
            "tags: expected unique items, but items 0 and 1 are equal",
        ),
        (
            "tags",
            json!(["a", "b", "toolong"]),
            "tags[2]: expected at most 5 characters, got 7",
        ),
        (
            "code",
            json!("abc"),
            r#"code: expected to match the pattern "^[A-Z]{3}$""#,
        ),
        (
            "code",
            json!("AB"),
            r#"code: expected at least 3 characters, got 2; code: expected to match the pattern "^[A-Z]{3}$""#,
        ),
        (
            "count",
            json!(0),
            "count: expected a value of at least 1, got 0",
        ),
        (
            "count",
            json!(11),
            "count: expected a value of at most 10, got 11",
        ),
        (
            "ratio",
            json!(0),
            "ratio: expected a value greater than 0, got 0",
        ),
        (
            "ratio",
            json!(1.01),
            "ratio: expected a value of at most 1, got 1.01",
        ),
        (
            "scores",
            json!({"a": 1, "b": 2, "c": 3}),
            "scores: expected at most 2 properties, got 3",
        ),
        (
            "scores",
            json!({"a": -1}),
            r#"scores["a"]: expected a value of at least 0, got -1"#,
        ),
        (
            "color",
            json!(5),
            "color: invalid type: integer `5`, expected a string",
        ),
    ];
    // Every case is checked before failing, so a failure lists all the wrong messages.
    let mut wrong = Vec::new();
    for (key, value, expected) in cases {
        let message = decode_error(&with(key, value.clone()));
        if !message.starts_with(expected) {
            wrong.push(format!("expected {expected:?}\n     got {message:?}"));
        }
        // serde_json alone refuses it too.
        assert!(
            serde_json::from_value::<Limits>(with(key, value)).is_err(),
            "{key}"
        );
    }
    assert!(wrong.is_empty(), "wrong messages:\n{}", wrong.join("\n"));
}

/// Several violations inside one property are all listed on deserialization too.
#[test]
fn limits_deserialization_lists_every_violation_of_a_property() {
    let message = decode_error(&with("tags", json!(["a", "a", "abcdefg", "xyzxyzx"])));
    assert_starts_with(
        &message,
        "tags: expected at most 3 items, got 4; \
         tags: expected unique items, but items 0 and 1 are equal; \
         tags[2]: expected at most 5 characters, got 7; \
         tags[3]: expected at most 5 characters, got 7",
    );
}

#[test]
fn deserialization_lists_every_broken_value_of_the_document() {
    let mut document = valid_json();
    document["tags"] = json!(["a", "toolong"]);
    document["code"] = json!("abc");
    document["count"] = json!(11);
    document["scores"] = json!({"x": -1, "y": 7});
    let message = decode_error(&document);
    let listed: Vec<&str> = message
        .split("; ")
        .map(|part| part.split(" at line ").next().unwrap_or(part))
        .collect();
    assert_eq!(
        listed,
        [
            "tags[1]: expected at most 5 characters, got 7",
            r#"code: expected to match the pattern "^[A-Z]{3}$""#,
            "count: expected a value of at most 10, got 11",
            r#"scores["x"]: expected a value of at least 0, got -1"#,
        ],
        "{message}"
    );
    // Each broken value says where it sits in the body.
    assert_eq!(
        message.matches(" at line 1 column ").count(),
        4,
        "{message}"
    );
}

#[test]
fn at_most_32_broken_values_are_listed() {
    // 40 documents, each with one broken `count`: the listing stops at 32 (each listed
    // value costs one more decoding pass, on the error path only).
    let documents: Vec<Value> = (0..40).map(|i| with("count", json!(100 + i))).collect();
    let text = Value::from(documents).to_string();
    let message = decode_json::<Vec<Limits>>(text.as_bytes()).expect_err("40 broken counts");
    let listed: Vec<&str> = message.split("; ").collect();
    assert_eq!(listed.len(), 32, "{message}");
    assert!(
        listed[0].starts_with("[0].count: expected a value of at most 10, got 100"),
        "{message}"
    );
    assert!(
        listed[31].starts_with("[31].count: expected a value of at most 10, got 131"),
        "{message}"
    );
}

#[test]
fn broken_values_then_a_structural_error_are_all_reported() {
    let mut document = valid_json();
    document["code"] = json!("abc");
    document["count"] = json!("five");
    let message = decode_error(&document);
    assert_starts_with(
        &message,
        r#"code: expected to match the pattern "^[A-Z]{3}$" at line 1 column "#,
    );
    assert!(
        message.contains("; count: invalid type: string \"five\""),
        "{message}"
    );
}

#[test]
fn listing_broken_values_never_lets_a_broken_value_out() {
    // The decoder re-runs with broken values tolerated; afterwards (and on other
    // decodes) nothing is tolerated any more.
    let mut document = valid_json();
    document["code"] = json!("abc");
    document["count"] = json!(11);
    let _ = decode_error(&document);
    assert!(serde_json::from_value::<Limits>(with("count", json!(11))).is_err());
    assert!(decode_json::<Limits>(with("code", json!("abc")).to_string().as_bytes()).is_err());
}

#[test]
fn limits_deserialization_refuses_missing_required_properties() {
    for key in ["tags", "code", "count", "ratio"] {
        let mut document = valid_json();
        document.as_object_mut().unwrap().remove(key);
        let message = decode_error(&document);
        assert_starts_with(&message, &format!("missing field `{key}`"));
    }
}

// ---------------------------------------------------------------------------------
// Open enums: color (string) and level (integer)
// ---------------------------------------------------------------------------------

#[test]
fn color_known_values_round_trip() {
    for (wire, variant) in [
        ("red", LimitsColor::Red),
        ("green", LimitsColor::Green),
        ("light-blue", LimitsColor::LightBlue),
        ("2x", LimitsColor::V2x),
    ] {
        let parsed: LimitsColor = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(parsed, variant);
        assert_eq!(parsed.as_str(), wire);
        assert_eq!(parsed.to_string(), wire);
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(wire));
    }
}

#[test]
fn color_unknown_value_from_a_server_is_kept_and_reserialized_unchanged() {
    for wire in ["purple", "RED", "", "light blue"] {
        let parsed: LimitsColor = serde_json::from_value(json!(wire)).unwrap();
        match &parsed {
            LimitsColor::Unknown(value) => assert_eq!(value.get(), wire),
            other => panic!("{wire:?} should be Unknown, got {other:?}"),
        }
        assert_eq!(parsed.as_str(), wire);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!(wire));
    }
    // Inside a whole response too: the document survives unchanged.
    let document = with("color", json!("ultraviolet"));
    let limits: Limits = decode_json(document.to_string().as_bytes()).expect("accepted");
    assert!(matches!(limits.color, Some(LimitsColor::Unknown(_))));
    assert_eq!(serde_json::to_value(&limits).unwrap(), document);
}

#[test]
fn level_known_and_unknown_values_round_trip() {
    for (wire, variant) in [
        (1, LimitsLevel::V1),
        (2, LimitsLevel::V2),
        (3, LimitsLevel::V3),
    ] {
        let parsed: LimitsLevel = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(parsed, variant);
        assert_eq!(parsed.value(), wire);
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(wire));
    }
    for wire in [0_i64, 4, -1, i64::MAX] {
        let parsed: LimitsLevel = serde_json::from_value(json!(wire)).unwrap();
        match &parsed {
            LimitsLevel::Unknown(value) => assert_eq!(*value.get(), wire),
            other => panic!("{wire} should be Unknown, got {other:?}"),
        }
        assert_eq!(parsed.value(), wire);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!(wire));
    }
    let document = with("level", json!(99));
    let limits: Limits = serde_json::from_value(document.clone()).expect("accepted");
    assert_eq!(serde_json::to_value(&limits).unwrap(), document);
    // Not an integer at all: refused, with the path.
    assert_starts_with(&decode_error(&with("level", json!("1"))), "level: ");
    assert_starts_with(&decode_error(&with("level", json!(1.5))), "level: ");
}

// ---------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------

/// A tag of at most 5 characters (any printable text, so multi-byte characters too).
fn short_tag() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9-]{0,5}", "\\PC{0,5}"]
}

/// 1..=3 distinct short tags, in random order.
fn valid_tags() -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set(short_tag(), 1..=3)
        .prop_map(|set| set.into_iter().collect::<Vec<_>>())
        .prop_shuffle()
}

fn limits_json(tags: &[String]) -> Value {
    with("tags", json!(tags))
}

proptest! {
    // No regression files are written next to the sources.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_tags_round_trip_through_json_unchanged(items in valid_tags()) {
        let checked = LimitsTags::new(items.clone()).expect("valid tags are accepted");
        prop_assert_eq!(&*checked, &items);

        let text = serde_json::to_string(&checked).unwrap();
        let back: LimitsTags = serde_json::from_str(&text).expect("and deserialize");
        prop_assert_eq!(&*back, &items);

        let document = limits_json(&items);
        let limits: Limits = serde_json::from_value(document.clone()).expect("valid Limits");
        prop_assert_eq!(&*limits.tags, &items);
        prop_assert_eq!(serde_json::to_value(&limits).unwrap(), document);
    }

    #[test]
    fn too_many_tags_are_refused_at_the_tags_path(
        items in prop::collection::btree_set(short_tag(), 4..=8)
            .prop_map(|set| set.into_iter().collect::<Vec<_>>())
    ) {
        let expected = vec![format!("tags: expected at most 3 items, got {}", items.len())];
        prop_assert_eq!(refused(LimitsTags::new(items.clone())), expected.clone());
        let message = decode_error(&limits_json(&items));
        prop_assert!(message.starts_with(&expected[0]), "{}", message);
    }

    #[test]
    fn too_long_tags_are_refused_at_the_items_path(
        (items, index) in valid_tags()
            .prop_filter("room for one more", |items| items.len() < 3)
            .prop_flat_map(|items| {
                let len = items.len();
                (Just(items), 0..=len)
            }),
        long in "\\PC{6,12}",
    ) {
        let mut items = items;
        items.insert(index, long.clone());
        let expected = vec![format!(
            "tags[{index}]: expected at most 5 characters, got {}",
            long.chars().count()
        )];
        prop_assert_eq!(refused(LimitsTags::new(items.clone())), expected.clone());
        let message = decode_error(&limits_json(&items));
        prop_assert!(message.starts_with(&expected[0]), "{}", message);
    }
}

mod response_breaking_the_spec {
    //! A 200 whose body breaks the spec's constraints is a typed error that keeps the raw
    //! body and status, so the caller can still see what the server sent.

    use super::common::{response, Server};
    use fixture_constraints::{Client, ErrorKind};

    #[tokio::test]
    async fn a_200_whose_body_breaks_max_length_is_an_invalid_response_with_the_raw_body() {
        let body = br#"{"tags":["ok","toolong"],"code":"ABC","count":3,"ratio":0.5}"#;
        let server = Server::start(response(
            "200 OK",
            &[("Content-Type", "application/json")],
            body,
        ))
        .await;
        let client = Client::new().with_base_url(server.base_url());
        let error = client
            .get_limits()
            .await
            .expect_err("tags[1] breaks maxLength 5");
        match error.kind() {
            ErrorKind::InvalidResponse {
                status,
                body: raw,
                message,
                ..
            } => {
                assert_eq!(status.as_u16(), 200);
                assert_eq!(raw.as_ref(), body.as_slice(), "the raw body is kept");
                assert!(
                    message.starts_with("tags[1]: expected at most 5 characters, got 7"),
                    "{message}"
                );
            }
            other => panic!("expected InvalidResponse, got {other:?}"),
        }
        assert_eq!(server.connections(), 1);
    }

    #[tokio::test]
    async fn a_valid_200_parses() {
        let body = br#"{"tags":["ok"],"code":"ABC","count":3,"ratio":0.5}"#;
        let server = Server::start(response(
            "200 OK",
            &[("Content-Type", "application/json")],
            body,
        ))
        .await;
        let client = Client::new().with_base_url(server.base_url());
        let limits = client.get_limits().await.expect("valid").into_inner();
        assert_eq!(limits.tags.as_slice(), ["ok"]);
        assert_eq!(*limits.count, 3);
    }
}

/// A name `required` lists without a schema in `properties` is a field of any JSON: the
/// key must be there (found by `cargo xtask conformance` on ndhm.gov.in's spec, where
/// such a body decoded without it).
#[test]
fn a_required_key_without_a_schema_must_be_present() {
    use fixture_constraints::types::Ticket;
    let ticket: Ticket =
        serde_json::from_value(json!({"id": "t1", "callbackUrl": "https://cb.test"})).unwrap();
    assert_eq!(ticket.callback_url, json!("https://cb.test"));
    let error = serde_json::from_value::<Ticket>(json!({"id": "t1"})).unwrap_err();
    assert_eq!(error.to_string(), "missing field `callbackUrl`");
    assert_eq!(
        serde_json::to_value(&ticket).unwrap(),
        json!({"id": "t1", "callbackUrl": "https://cb.test"})
    );
}

/// `additionalProperties: false` with no properties allows only `{}` (found by
/// `cargo xtask conformance` on GitHub's `empty-object`, which accepted any object).
#[test]
fn an_object_with_nothing_declared_and_nothing_else_allowed_is_empty() {
    use fixture_constraints::types::Nothing;
    assert!(serde_json::from_value::<Nothing>(json!({})).is_ok());
    let error = serde_json::from_value::<Nothing>(json!({"a": 1})).unwrap_err();
    assert!(error.to_string().contains("at most 0"), "{error}");
}

/// `enum: [null]` admits only `null` (found by `cargo xtask conformance` on gsmtasks.com,
/// whose `NullEnum` member made every choice field accept any JSON).
#[test]
fn a_null_only_enum_member_admits_null_and_nothing_else() {
    use fixture_constraints::types::{NullEnum, Proximity, ProximityEnum};
    let near: Option<Proximity> = serde_json::from_value(json!("near")).unwrap();
    assert_eq!(
        near,
        Some(Proximity::ProximityEnum(Box::new(ProximityEnum::Near)))
    );
    let blank: Option<Proximity> = serde_json::from_value(json!("")).unwrap();
    assert!(matches!(blank, Some(Proximity::BlankEnum(_))), "{blank:?}");
    assert_eq!(
        serde_json::from_value::<Option<Proximity>>(Value::Null).unwrap(),
        None
    );
    // (An unlisted string is `Unknown`, by design: open enums.)
    for wrong in [json!(true), json!(1), json!({}), json!([])] {
        assert!(
            serde_json::from_value::<Option<Proximity>>(wrong.clone()).is_err(),
            "{wrong} must be refused"
        );
    }
    assert!(serde_json::from_value::<NullEnum>(Value::Null).is_ok());
    let null: NullEnum = ();
    assert_eq!(serde_json::to_value(null).unwrap(), Value::Null);
    assert!(serde_json::from_value::<NullEnum>(json!(false)).is_err());
}
