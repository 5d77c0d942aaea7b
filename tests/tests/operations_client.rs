//! The generated `fixture-operations` client (from `tests/fixtures/specs/operations.yaml`)
//! against a real local server: the exact request line, headers and body it sends for
//! every parameter, body and security kind of the spec, and how it types each
//! documented response.
//!
//! Every test starts its own server on 127.0.0.1:0 and stops it at the end.

mod common;

use std::fmt::Debug;
use std::future::IntoFuture;
use std::time::Duration;

use bytes::Bytes;
use common::{response, Reply, Seen, Server};
use fixture_operations::runtime::{Checked, RetryPolicy};
use fixture_operations::types::{
    CreatePetCreatedResponse, CreatePetError, CreatePetRequest, CreatePetRequestKind,
    CreatePetResponse, GetPhotoError, GetPhotoFilter, GetPhotoParams, GetPhotoSize, GetPhotoXTrace,
    Problem, PutPetsUploadRequest,
};
use fixture_operations::{Client, Error, ErrorKind, ResponseValue};

/// Upper bound for a whole call, so a regression hangs no test for long.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// An API key with characters a query must encode.
const API_KEY: &str = "key+/ 1";
/// [`API_KEY`] as it must appear in the query.
const API_KEY_IN_QUERY: &str = "key%2B%2F%201";
/// RFC 7617's example credentials, and their `Authorization` header.
const BASIC_USER: &str = "Aladdin";
const BASIC_PASSWORD: &str = "open sesame";
const BASIC_HEADER: &str = "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
const BEARER_TOKEN: &str = "tok-123.abc";
/// Bytes that are not UTF-8 and hold CR LF and NUL, to catch any re-encoding.
const BINARY: &[u8] = b"\x89PNG\r\n\x1a\n\x00\xff\xfe--not-a-boundary\r\n\x01";

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// A client for `server` without credentials and without retries.
fn anonymous(server: &Server) -> Client {
    Client::new()
        .with_base_url(server.base_url())
        .with_retry(RetryPolicy::none())
}

/// A client for `server` with the API key, without retries.
fn with_key(server: &Server) -> Client {
    anonymous(server).with_api_key(API_KEY)
}

async fn bounded<T>(call: impl IntoFuture<Output = T>) -> T {
    tokio::time::timeout(CALL_TIMEOUT, call)
        .await
        .expect("the call should finish well within its timeout")
}

/// The typed value and raw body of an `ErrorKind::ErrorResponse`; panics on anything else.
fn error_response<E: Debug, T: Debug>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> (ResponseValue<E>, Bytes) {
    match result.map_err(Error::into_kind) {
        Err(ErrorKind::ErrorResponse(value, raw)) => (*value, raw),
        other => panic!("expected ErrorKind::ErrorResponse, got {other:?}"),
    }
}

fn text(status_line: &str, body: &str) -> Reply {
    response(
        status_line,
        &[("Content-Type", "text/plain; charset=utf-8")],
        body.as_bytes(),
    )
}

fn json(status_line: &str, body: &str) -> Reply {
    response(
        status_line,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

fn no_content() -> Reply {
    response("204 No Content", &[], b"")
}

/// Parameters with every optional one set, as one value (`client.send(params)`).
fn full_params(pet_id: &str, index: i32) -> GetPhotoParams {
    GetPhotoParams::new(pet_id, index, ["a", "b"])
        .with_size(GetPhotoSize::Large)
        .with_filter(GetPhotoFilter::new().with_color("red"))
        .with_x_trace("trace-1")
        .expect("7 characters")
        .with_session("sess 42;x=y")
}

/// One part of a multipart body, loosely parsed.
#[derive(Debug)]
struct Part {
    /// Header lines as sent.
    headers: Vec<String>,
    body: Vec<u8>,
}

impl Part {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Splits a `multipart/form-data` body on the boundary of its `Content-Type` header,
/// checking the delimiters and the closing delimiter on the way.
fn multipart_parts(seen: &Seen) -> Vec<Part> {
    let content_type = seen.header("content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart content type: {content_type}"))
        .trim_matches('"')
        .to_owned();
    assert!(!boundary.is_empty(), "empty boundary");
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest: &[u8] = &seen.body;
    assert!(
        rest.starts_with(&delimiter),
        "the body starts with the first delimiter: {:?}",
        String::from_utf8_lossy(rest)
    );
    rest = &rest[delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            assert!(
                rest == b"--\r\n" || rest == b"--",
                "nothing but CRLF after the closing delimiter: {:?}",
                String::from_utf8_lossy(rest)
            );
            return parts;
        }
        assert!(rest.starts_with(b"\r\n"), "CRLF after a delimiter");
        rest = &rest[2..];
        let head_end = find(rest, b"\r\n\r\n").expect("a part's blank line");
        let headers = String::from_utf8(rest[..head_end].to_vec())
            .expect("UTF-8 part headers")
            .split("\r\n")
            .map(str::to_owned)
            .collect();
        rest = &rest[head_end + 4..];
        let mut next = b"\r\n".to_vec();
        next.extend_from_slice(&delimiter);
        let end = find(rest, &next).expect("a delimiter after each part");
        parts.push(Part {
            headers,
            body: rest[..end].to_vec(),
        });
        rest = &rest[end + next.len()..];
    }
}

// ---------------------------------------------------------------------------------
// get_photo: path, query, header and cookie parameters; binary, JSON and text responses
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn get_photo_sends_every_parameter_exactly_and_returns_the_png_bytes() {
    let server = Server::start(response("200 OK", &[("Content-Type", "image/png")], BINARY)).await;

    let value = bounded(
        with_key(&server)
            .get_photo("a/b c?#%é", 7, ["a", "b"])
            .size(GetPhotoSize::Large)
            .filter(GetPhotoFilter::new().with_color("red"))
            .x_trace("trace-1")
            .session("sess 42;x=y"),
    )
    .await
    .expect("200 is a success");
    assert_eq!(value.status().as_u16(), 200);
    assert_eq!(value.headers()["content-type"], "image/png");
    assert_eq!(value.into_inner(), Bytes::from_static(BINARY));

    assert_eq!(server.connections(), 1);
    let seen = server.only_request();
    // Path parameters are percent-encoded, reserved characters included; the query is
    // in parameter order, the API key last; `tags` is not exploded (`a,b`); the
    // deepObject brackets are percent-encoded as RFC 3986 requires in a query.
    assert_eq!(
        seen.request_line,
        format!(
            "GET /pets/a%2Fb%20c%3F%23%25%C3%A9/photos/7\
             ?size=large&tags=a,b&filter%5Bcolor%5D=red&api_key={API_KEY_IN_QUERY} HTTP/1.1"
        )
    );
    // Decoded, the deepObject pair is `filter[color]=red`.
    assert_eq!(
        seen.query_pairs(),
        [
            ("size", "large"),
            ("tags", "a,b"),
            ("filter[color]", "red"),
            ("api_key", API_KEY),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
    );
    assert_eq!(seen.header("x-trace"), "trace-1");
    // One `Cookie` header; `;`, space and `%` of the value are percent-encoded.
    assert_eq!(seen.header("cookie"), "session=sess%2042%3Bx=y");
    assert_eq!(
        seen.header("accept"),
        "image/png, application/json, text/plain"
    );
    assert_eq!(seen.header("host"), server.addr.to_string());
    assert!(!seen.has_header("authorization"), "{seen:?}");
    assert!(
        !seen.has_header("content-type"),
        "a GET has no body: {seen:?}"
    );
    assert!(seen.body.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn get_photo_leaves_absent_optional_parameters_out() {
    let server = Server::start(response("200 OK", &[("Content-Type", "image/png")], b"")).await;

    let value = bounded(with_key(&server).get_photo("p1", -3, ["x"]))
        .await
        .expect("200 is a success");
    assert!(value.is_empty());

    let seen = server.only_request();
    assert_eq!(
        seen.request_line,
        format!("GET /pets/p1/photos/-3?tags=x&api_key={API_KEY_IN_QUERY} HTTP/1.1")
    );
    assert!(!seen.has_header("x-trace"), "{seen:?}");
    assert!(!seen.has_header("cookie"), "{seen:?}");
    server.stop().await;
}

/// RFC 6570 (which OpenAPI's styles follow): in a non-exploded form list the values'
/// own reserved characters are percent-encoded, so a `,` inside a value stays distinct
/// from the `,` between values: `["a b", "c,d"]` is `tags=a%20b,c%2Cd`, not the
/// `tags=a%20b,c,d` that `["a b", "c", "d"]` gives.
#[tokio::test]
async fn get_photo_keeps_commas_inside_tag_values_distinct_from_delimiters() {
    let server = Server::start(response("200 OK", &[("Content-Type", "image/png")], b"")).await;
    let client = with_key(&server);

    bounded(client.get_photo("p", 1, ["a b", "c,d"]))
        .await
        .expect("200 is a success");
    bounded(client.get_photo("p", 1, ["a b", "c", "d"]))
        .await
        .expect("200 is a success");

    let requests = server.requests();
    let queries: Vec<&str> = requests.iter().map(|seen| seen.query().unwrap()).collect();
    assert_eq!(
        queries,
        [
            format!("tags=a%20b,c%2Cd&api_key={API_KEY_IN_QUERY}"),
            format!("tags=a%20b,c,d&api_key={API_KEY_IN_QUERY}"),
        ],
        "two different tag lists must not be sent as the same query"
    );
    server.stop().await;
}

#[tokio::test]
async fn get_photo_404_is_a_typed_problem() {
    let body = r#"{"message":"no such photo"}"#;
    let server = Server::start(json("404 Not Found", body)).await;

    let (value, raw) = error_response(bounded(with_key(&server).send(full_params("p", 1))).await);
    assert_eq!(value.status().as_u16(), 404);
    assert_eq!(raw, body.as_bytes());
    assert_eq!(
        value.into_inner(),
        GetPhotoError::NotFound(Problem::new().with_message("no such photo"))
    );
    assert_eq!(server.connections(), 1, "a 404 is not retried");
    server.stop().await;
}

#[tokio::test]
async fn get_photo_default_response_is_typed_text_for_any_other_status() {
    let server = Server::start(text("418 I'm a teapot", "short and stout ☕")).await;

    let result = bounded(with_key(&server).send(full_params("p", 1))).await;
    let error = result.as_ref().expect_err("418 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(
        error.error_body(),
        Some(&GetPhotoError::Default("short and stout ☕".to_owned()))
    );
    let (value, raw) = error_response(result);
    assert_eq!(value.status().as_u16(), 418);
    assert_eq!(raw, "short and stout ☕".as_bytes());
    server.stop().await;
}

#[tokio::test]
async fn get_photo_x_trace_longer_than_max_length_cannot_be_built() {
    let error = GetPhotoXTrace::new("x".repeat(17)).expect_err("17 > maxLength 16");
    assert_eq!(
        error.to_string(),
        "X-Trace: expected at most 16 characters, got 17"
    );
    let at_limit: GetPhotoXTrace = Checked::new("x".repeat(16)).expect("16 = maxLength");
    assert_eq!(at_limit.len(), 16);
}

#[tokio::test]
async fn get_photo_header_value_a_header_cannot_carry_is_refused_before_sending() {
    let server = Server::start(no_content()).await;
    let client = with_key(&server);
    let call = client.get_photo("p", 1, ["t"]).x_trace("a\r\nb: c");
    match bounded(call).await.map_err(Error::into_kind) {
        Err(ErrorKind::InvalidRequest(error)) => assert_eq!(
            error.to_string(),
            "X-Trace: header value holds characters a header cannot carry"
        ),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(server.connections(), 0, "nothing may be sent");
    server.stop().await;
}

/// A value the spec does not list (only deserializing makes one, e.g. from a response).
fn unlisted<T: serde::de::DeserializeOwned>(value: &str) -> T {
    serde_json::from_value(serde_json::Value::from(value)).expect("unlisted values deserialize")
}

#[tokio::test]
async fn get_photo_unlisted_enum_value_in_a_parameter_is_refused_before_sending() {
    let huge: GetPhotoSize = unlisted("huge");
    assert!(matches!(huge, GetPhotoSize::Unknown(_)));
    // Outside a request, the value serializes as received.
    assert_eq!(serde_json::to_string(&huge).unwrap(), "\"huge\"");
    let server = Server::start(no_content()).await;
    let client = with_key(&server);
    let call = client.get_photo("p", 1, ["t"]).size(huge);
    match bounded(call).await.map_err(Error::into_kind) {
        Err(ErrorKind::InvalidRequest(error)) => assert_eq!(
            error.to_string(),
            "parameters: `huge` is not one of the values the spec lists for GetPhotoSize"
        ),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(server.connections(), 0, "nothing may be sent");
    server.stop().await;
}

#[tokio::test]
async fn create_pet_unlisted_enum_value_in_the_body_is_refused_before_sending() {
    let server = Server::start(no_content()).await;
    let body = pet().with_kind(unlisted::<CreatePetRequestKind>("dragon"));
    match bounded(with_key(&server).create_pet(&body))
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::InvalidRequest(error)) => assert_eq!(
            error.to_string(),
            "body: `dragon` is not one of the values the spec lists for CreatePetRequestKind"
        ),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(server.connections(), 0, "nothing may be sent");
    // A listed value goes through.
    let listed = pet().with_kind(CreatePetRequestKind::Cat);
    bounded(with_key(&server).create_pet(&listed))
        .await
        .expect("a listed value is sent");
    assert_eq!(server.connections(), 1);
    server.stop().await;
}

// ---------------------------------------------------------------------------------
// create_pet: form body, basic auth or anonymous, success and error enums
// ---------------------------------------------------------------------------------

fn pet() -> CreatePetRequest {
    CreatePetRequest::new("Rex the Dog & co=1/ü").with_age(3)
}

/// The URL Standard's form encoding of [`pet`]: space as `+`, everything else but
/// `*-._` and alphanumerics percent-encoded, properties in schema order.
const PET_FORM: &str = "name=Rex+the+Dog+%26+co%3D1%2F%C3%BC&age=3";

#[tokio::test]
async fn create_pet_sends_the_exact_form_body_with_basic_auth() {
    let server = Server::start(json("201 Created", r#"{"id":42}"#)).await;
    // The API key is not sent: the operation's own `security` replaces the global one.
    let client = with_key(&server).with_basic(BASIC_USER, BASIC_PASSWORD);

    let value = bounded(client.create_pet(&pet())).await.expect("201");
    assert_eq!(value.status().as_u16(), 201);
    assert_eq!(
        value.into_inner(),
        CreatePetResponse::Created(CreatePetCreatedResponse::new().with_id(42))
    );

    let seen = server.only_request();
    assert_eq!(seen.request_line, "POST /pets HTTP/1.1");
    assert_eq!(seen.header("authorization"), BASIC_HEADER);
    assert_eq!(
        seen.header("content-type"),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(seen.header("accept"), "application/json");
    assert_eq!(seen.header("content-length"), PET_FORM.len().to_string());
    assert!(!seen.chunked);
    assert_eq!(String::from_utf8(seen.body).unwrap(), PET_FORM);
    server.stop().await;
}

#[tokio::test]
async fn create_pet_is_anonymous_without_credentials_and_204_is_no_content() {
    let server = Server::start(no_content()).await;

    let body = CreatePetRequest::new("Tom");
    let value = bounded(with_key(&server).create_pet(&body))
        .await
        .expect("204 is a success");
    assert_eq!(value.status().as_u16(), 204);
    assert_eq!(value.into_inner(), CreatePetResponse::NoContent);

    let seen = server.only_request();
    // `security: [{basic: []}, {}]` allows anonymous calls: no Authorization header,
    // and no API key (the global scheme does not apply to this operation).
    assert_eq!(seen.request_line, "POST /pets HTTP/1.1");
    assert!(!seen.has_header("authorization"), "{seen:?}");
    assert!(!seen.has_header("cookie"), "{seen:?}");
    assert_eq!(String::from_utf8(seen.body).unwrap(), "name=Tom");
    server.stop().await;
}

#[tokio::test]
async fn create_pet_400_is_a_typed_problem() {
    let body = r#"{"message":"name is taken"}"#;
    let server = Server::start(json("400 Bad Request", body)).await;

    let (value, raw) = error_response(bounded(anonymous(&server).create_pet(&pet())).await);
    assert_eq!(value.status().as_u16(), 400);
    assert_eq!(raw, body.as_bytes());
    assert_eq!(
        value.into_inner(),
        CreatePetError::BadRequest(Problem::new().with_message("name is taken"))
    );
    server.stop().await;
}

#[tokio::test]
async fn create_pet_409_without_body_is_the_typed_conflict_variant() {
    let server = Server::start(response("409 Conflict", &[], b"")).await;

    let (value, raw) = error_response(bounded(anonymous(&server).create_pet(&pet())).await);
    assert_eq!(value.status().as_u16(), 409);
    assert!(raw.is_empty());
    assert_eq!(value.into_inner(), CreatePetError::Conflict);
    server.stop().await;
}

#[tokio::test]
async fn create_pet_undocumented_status_is_unexpected_status() {
    let server = Server::start(text("500 Internal Server Error", "boom")).await;

    match bounded(anonymous(&server).create_pet(&pet()))
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::UnexpectedStatus { status, body, .. }) => {
            assert_eq!(status.as_u16(), 500);
            assert_eq!(body, "boom".as_bytes());
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    server.stop().await;
}

// ---------------------------------------------------------------------------------
// PUT /pets/upload (no operationId): multipart with a file and a text part, bearer
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn upload_sends_a_multipart_body_with_the_file_and_caption_and_bearer() {
    let server = Server::start(no_content()).await;
    let client = anonymous(&server).with_bearer(BEARER_TOKEN);
    let body = PutPetsUploadRequest::new(Bytes::from_static(BINARY)).with_caption("Rex, asleep ☺");

    let value = bounded(client.put_pets_upload(Some(&body)))
        .await
        .expect("204");
    assert_eq!(value.status().as_u16(), 204);

    let seen = server.only_request();
    assert_eq!(seen.request_line, "PUT /pets/upload HTTP/1.1");
    assert_eq!(
        seen.header("authorization"),
        format!("Bearer {BEARER_TOKEN}")
    );
    assert!(
        seen.query().is_none(),
        "no API key for this operation: {seen:?}"
    );
    if !seen.chunked {
        assert_eq!(seen.header("content-length"), seen.body.len().to_string());
    }
    let parts = multipart_parts(&seen);
    assert_eq!(parts.len(), 2, "{parts:?}");

    let file = &parts[0];
    let disposition = file.header("content-disposition").expect("disposition");
    assert!(
        disposition.starts_with("form-data; name=\"file\"; filename=\""),
        "the file part names the field and a file name: {disposition}"
    );
    assert_eq!(
        file.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(file.body, BINARY, "the file bytes are sent unchanged");

    let caption = &parts[1];
    assert_eq!(
        caption.header("content-disposition"),
        Some("form-data; name=\"caption\"")
    );
    assert_eq!(
        String::from_utf8(caption.body.clone()).unwrap(),
        "Rex, asleep ☺"
    );
    server.stop().await;
}

#[tokio::test]
async fn upload_without_caption_sends_only_the_file_part() {
    let server = Server::start(no_content()).await;
    let client = anonymous(&server).with_bearer(BEARER_TOKEN);
    let body = PutPetsUploadRequest::new(Bytes::from_static(b"abc"));

    bounded(client.put_pets_upload(Some(&body)))
        .await
        .expect("204");

    let seen = server.only_request();
    let parts = multipart_parts(&seen);
    assert_eq!(parts.len(), 1, "{parts:?}");
    assert_eq!(parts[0].body, b"abc");
    server.stop().await;
}

// ---------------------------------------------------------------------------------
// operationId `1st:raw.upload`: octet-stream body, text response
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn raw_upload_sends_the_exact_bytes_as_octet_stream_and_returns_text() {
    let server = Server::start(text("200 OK", "echo: ünïcode")).await;
    // A base URL with a path prefix and a trailing slash.
    let client = Client::new()
        .with_base_url(format!("{}/v1/", server.base_url()))
        .with_retry(RetryPolicy::none())
        .with_api_key(API_KEY);

    let value = bounded(client._1st_raw_upload(Bytes::from_static(BINARY)))
        .await
        .expect("200");
    assert_eq!(value.status().as_u16(), 200);
    assert_eq!(value.into_inner(), "echo: ünïcode");

    let seen = server.only_request();
    assert_eq!(
        seen.request_line,
        format!("POST /v1/raw?api_key={API_KEY_IN_QUERY} HTTP/1.1")
    );
    assert_eq!(seen.header("content-type"), "application/octet-stream");
    assert_eq!(seen.header("accept"), "text/plain");
    assert_eq!(seen.header("content-length"), BINARY.len().to_string());
    assert!(!seen.chunked);
    assert_eq!(seen.body, BINARY);
    server.stop().await;
}

// ---------------------------------------------------------------------------------
// weirdPath: `/a$b/{id}#x`
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn weird_path_encodes_the_templates_hash_instead_of_cutting_a_fragment() {
    let server = Server::start(no_content()).await;

    let value = bounded(with_key(&server).weird_path("x y#1"))
        .await
        .expect("204");
    assert_eq!(value.status().as_u16(), 204);

    let seen = server.only_request();
    assert_eq!(
        seen.request_line,
        format!("GET /a$b/x%20y%231%23x?api_key={API_KEY_IN_QUERY} HTTP/1.1")
    );
    assert_eq!(seen.path(), "/a$b/x%20y%231%23x");
    server.stop().await;
}

// ---------------------------------------------------------------------------------
// Missing credentials
// ---------------------------------------------------------------------------------

fn assert_missing<E: Debug, T: Debug>(
    result: Result<ResponseValue<T>, Error<E>>,
    expected_operation: &str,
    expected_schemes: &str,
) {
    let result = result.map_err(|error| {
        let operation = error.operation().map(|op| op.name);
        (operation, error.into_kind())
    });
    match result {
        Err((operation, ErrorKind::MissingCredentials { schemes })) => {
            assert_eq!(operation, Some(expected_operation));
            assert_eq!(schemes, expected_schemes);
        }
        other => panic!("expected MissingCredentials, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_credentials_are_refused_without_connecting() {
    let server = Server::start(no_content()).await;
    let client = anonymous(&server);

    assert_missing(
        bounded(client.send(full_params("p", 1))).await,
        "get_photo",
        "apiKey",
    );
    assert_missing(
        bounded(client._1st_raw_upload(Bytes::from_static(b"x"))).await,
        "_1st_raw_upload",
        "apiKey",
    );
    assert_missing(
        bounded(client.weird_path("1")).await,
        "weird_path",
        "apiKey",
    );
    // Credentials for other schemes do not stand in for the bearer token.
    let others = client
        .clone()
        .with_api_key(API_KEY)
        .with_basic(BASIC_USER, BASIC_PASSWORD);
    let body = PutPetsUploadRequest::new(Bytes::from_static(b"x"));
    assert_missing(
        bounded(others.put_pets_upload(Some(&body))).await,
        "put_pets_upload",
        "bearer",
    );

    let error = bounded(client.weird_path("1")).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "weird_path (GET /a$b/{id}#x): requires credentials for apiKey, which the client \
         was not given; nothing was sent"
    );
    assert_eq!(server.connections(), 0, "nothing may be sent");
    assert!(server.requests().is_empty());
    server.stop().await;
}
