//! The `mock` feature of a generated crate (`fixture-operations`): typed answers for
//! each success and error response, matching on typed parameters and bodies, the
//! `.times(n)` check, and the seed crate's mock as its README shows it.

use std::time::Duration;

use fixture_operations::mock::MockServer;
use fixture_operations::runtime::mock::MockReply;
use fixture_operations::types::{
    CreatePetCreatedResponse, CreatePetError, CreatePetRequest, CreatePetResponse, GetPhotoError,
    GetPhotoParams, Problem,
};
use fixture_operations::{Bytes, Client, ErrorKind};

/// A client of `server` with the credentials the fixture's operations need.
fn client(server: &MockServer) -> Client {
    server
        .client()
        .with_api_key("key")
        .with_basic("user", "pass")
        .with_timeout(Duration::from_secs(10))
}

#[tokio::test]
async fn each_success_response_is_answered_from_its_typed_value() {
    let server = MockServer::start().await;
    let created = CreatePetCreatedResponse::new().with_id(7);
    server
        .create_pet()
        .respond(CreatePetResponse::Created(created.clone()))
        .await;
    let response = client(&server)
        .create_pet(&CreatePetRequest::new("Rex"))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner(), CreatePetResponse::Created(created));
}

#[tokio::test]
async fn a_documented_error_is_answered_with_its_status_and_typed_body() {
    let server = MockServer::start().await;
    server
        .create_pet()
        .fail(CreatePetError::BadRequest(
            Problem::new().with_message("name taken"),
        ))
        .await;
    let error = client(&server)
        .create_pet(&CreatePetRequest::new("Rex"))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(400));
    let ErrorKind::ErrorResponse(value, _) = error.into_kind() else {
        panic!("a typed error response");
    };
    assert_eq!(
        value.into_inner(),
        CreatePetError::BadRequest(Problem::new().with_message("name taken"))
    );
}

#[tokio::test]
async fn typed_params_and_bodies_decide_which_mock_answers() {
    let server = MockServer::start().await;
    let params = GetPhotoParams::new("rex", 2, ["a", "b"]);
    server
        .get_photo()
        .with_params(&params)
        .respond(Bytes::from_static(b"\x89PNG"))
        .await;
    server
        .get_photo()
        .with_params(&GetPhotoParams::new("rex", 3, ["a"]))
        .fail(GetPhotoError::NotFound(Problem::new()))
        .await;
    server
        .create_pet()
        .with_body(&CreatePetRequest::new("Rex").with_age(3))
        .respond(CreatePetResponse::NoContent)
        .await;
    let client = client(&server);
    let photo = client.get_photo("rex", 2, ["a", "b"]).await.unwrap();
    assert_eq!(photo.into_inner(), Bytes::from_static(b"\x89PNG"));
    let missing = client.get_photo("rex", 3, ["a"]).await.unwrap_err();
    assert_eq!(missing.status().map(|status| status.as_u16()), Some(404));
    // No mock matches these parameters: wiremock answers 404 with no body, which the
    // spec documents with a JSON body, so the client reports it as invalid.
    let unmatched = client.get_photo("other", 2, ["a", "b"]).await.unwrap_err();
    assert_eq!(unmatched.status().map(|status| status.as_u16()), Some(404));
    let response = client
        .create_pet(&CreatePetRequest::new("Rex").with_age(3))
        .await
        .unwrap();
    assert_eq!(response.into_inner(), CreatePetResponse::NoContent);
    // Another body matches nothing.
    assert!(client
        .create_pet(&CreatePetRequest::new("Rex").with_age(4))
        .await
        .is_err());
}

#[tokio::test]
async fn an_unmet_times_expectation_fails_the_test_when_the_server_drops() {
    let outcome = tokio::spawn(async {
        let server = MockServer::start().await;
        server
            .create_pet()
            .times(1)
            .respond(CreatePetResponse::NoContent)
            .await;
        // No call: dropping the server checks the expectation.
    })
    .await;
    assert!(outcome.is_err_and(|error| error.is_panic()));
    let met = tokio::spawn(async {
        let server = MockServer::start().await;
        server
            .create_pet()
            .times(1)
            .respond(CreatePetResponse::NoContent)
            .await;
        client(&server)
            .create_pet(&CreatePetRequest::new("Rex"))
            .await
            .unwrap();
    })
    .await;
    assert!(met.is_ok());
}

#[tokio::test]
async fn any_reply_can_be_given_to_test_how_the_caller_copes() {
    let server = MockServer::start().await;
    server
        .create_pet()
        .reply(MockReply::text(201, "application/json", "{not json"))
        .await;
    let error = client(&server)
        .create_pet(&CreatePetRequest::new("Rex"))
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InvalidResponse { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_seed_crates_mock_answers_its_create_call() {
    use mountsea_suno::mock::MockServer;
    use mountsea_suno::types::{CreateCustomModelDto, TaskIdDto};

    let server = MockServer::start().await;
    let body = CreateCustomModelDto::new(
        "15c257ff-43f7-4678-bd41-202ad6b8488b".parse().unwrap(),
        ["c1", "c2", "c3", "c4", "c5", "c6"]
            .map(String::from)
            .to_vec(),
        "My voice",
    )
    .unwrap();
    server
        .custom_model_create()
        .with_body(&body)
        .times(1)
        .respond(TaskIdDto::new("t1"))
        .await;
    let task = server
        .client()
        .with_bearer_auth("token")
        .custom_model_create(&body)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(task.task_id, "t1");
}
