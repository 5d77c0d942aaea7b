//! The seed spec's `minItems: 6` on `clipIds`, enforced everywhere: a value with 5 clip
//! ids cannot be constructed, deserialized or sent; 6 are accepted.

use mountsea_suno::runtime::decode_json;
use mountsea_suno::types::{CreateCustomModelDto, CreateCustomModelDtoClipIds, TaskIdDto};

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("clip-{i}")).collect()
}

fn body_json(n: usize) -> String {
    serde_json::json!({
        "sessionId": "3f2b8c1e-8d7a-4f3e-9b1a-2c4d5e6f7a8b",
        "clipIds": ids(n),
        "name": "v6Pro",
    })
    .to_string()
}

#[test]
fn five_clip_ids_cannot_be_constructed() {
    let error = CreateCustomModelDtoClipIds::new(ids(5)).expect_err("5 < minItems 6");
    assert_eq!(
        error.to_string(),
        "clipIds: expected at least 6 items, got 5"
    );
    assert_eq!(error.violations().len(), 1);
    assert_eq!(error.violations()[0].path, "clipIds");
}

#[test]
fn six_clip_ids_are_accepted() {
    let clip_ids = CreateCustomModelDtoClipIds::new(ids(6)).expect("6 is enough");
    assert_eq!(clip_ids.len(), 6);
    let body = CreateCustomModelDto::new(
        "3f2b8c1e-8d7a-4f3e-9b1a-2c4d5e6f7a8b"
            .parse()
            .expect("uuid"),
        clip_ids,
        "v6Pro",
    )
    .expect("valid");
    let json = serde_json::to_string(&body).expect("serializes");
    assert_eq!(
        json,
        body_json(6),
        "wire names and property order follow the spec"
    );
    let back: CreateCustomModelDto = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, body);
}

#[test]
fn five_clip_ids_cannot_be_deserialized() {
    let error = serde_json::from_str::<CreateCustomModelDto>(&body_json(5)).expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("expected at least 6 items, got 5"),
        "{error}"
    );
    // The client's decoder names the field's path as well.
    let message =
        decode_json::<CreateCustomModelDto>(body_json(5).as_bytes()).expect_err("refused");
    assert!(message.starts_with("clipIds: "), "{message}");
    assert!(
        message.contains("expected at least 6 items, got 5"),
        "{message}"
    );
}

#[test]
fn a_checked_value_cannot_be_shrunk_below_the_minimum() {
    let mut clip_ids = CreateCustomModelDtoClipIds::new(ids(6)).expect("valid");
    let error = clip_ids.try_update(|ids| {
        ids.pop();
    });
    assert!(error.is_err(), "removing an item would break minItems");
    assert_eq!(
        clip_ids.len(),
        6,
        "the value is unchanged after a refused update"
    );
    clip_ids
        .try_update(|ids| ids.push("clip-6".to_owned()))
        .expect("7 is fine");
    assert_eq!(clip_ids.len(), 7);
}

#[test]
fn session_id_is_a_uuid() {
    let mut json: serde_json::Value = serde_json::from_str(&body_json(6)).expect("json");
    json["sessionId"] = serde_json::Value::String("not-a-uuid".to_owned());
    assert!(serde_json::from_value::<CreateCustomModelDto>(json).is_err());
}

#[test]
fn task_id_is_required() {
    assert!(serde_json::from_str::<TaskIdDto>("{}").is_err());
    let task: TaskIdDto = serde_json::from_str(r#"{"taskId":"t-1"}"#).expect("parses");
    assert_eq!(task.task_id, "t-1");
}
