//! End-to-end tests of the generated `mountsea-suno` client against an in-process,
//! hand-rolled HTTP/1.1 server (tokio `TcpListener` on 127.0.0.1:0).
//!
//! The server records every connection and the exact bytes of every request, then
//! answers with a scripted raw response (or closes the connection without answering).
//! This covers what the Prism mock (`e2e_prism.rs`) cannot: the exact bytes on the
//! wire, statuses the spec does not document, malformed bodies, lost connections,
//! retry counts, and that the bearer token never leaks into errors or `Debug` output.

use std::time::Duration;

use mountsea_suno::runtime::RetryPolicy;
use mountsea_suno::types::CreateCustomModelDto;
use mountsea_suno::{Client, Error, ErrorKind};

const TOKEN: &str = "sk-e2e-7f3a9c-do-not-leak";
const SESSION_ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const PATH: &str = "/suno/v2/customModel/create";
const TASK_ID: &str = "15c257ff-43f7-4678-bd41-202ad6b8488b";
/// Upper bound for a whole call, so a regression hangs no test for long.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

mod common;

use common::{response, Reply, Server};
use tokio::net::TcpListener;

fn created(body: &str) -> Reply {
    response(
        "201 Created",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

// ---------------------------------------------------------------------------------
// Client-side helpers
// ---------------------------------------------------------------------------------

const CLIP_IDS: [&str; 6] = [
    "cd0440d8-ae0f-4c0b-af4f-149eaa0c38c0",
    "clip-2",
    "clip-3",
    "clip-4",
    "clip-5",
    "clip-6",
];
/// A name with a quote and non-ASCII text, to pin down JSON escaping on the wire.
const NAME: &str = "My \"v6Pro\" 模型";

fn body() -> CreateCustomModelDto {
    CreateCustomModelDto::new(
        SESSION_ID.parse().expect("valid uuid"),
        CLIP_IDS.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        NAME,
    )
    .expect("6 clip ids satisfy minItems")
}

/// The JSON the client must send for [`body`], written out by hand: spec property
/// order, no whitespace, `"` escaped, non-ASCII as raw UTF-8.
fn expected_json() -> String {
    format!(
        r#"{{"sessionId":"{SESSION_ID}","clipIds":["cd0440d8-ae0f-4c0b-af4f-149eaa0c38c0","clip-2","clip-3","clip-4","clip-5","clip-6"],"name":"My \"v6Pro\" 模型"}}"#
    )
}

/// A client for `server` with the token and no retries.
fn client(server: &Server) -> Client {
    Client::new()
        .with_base_url(server.base_url())
        .with_bearer_auth(TOKEN)
        .with_retry(RetryPolicy::none())
}

type CallResult = Result<
    mountsea_suno::ResponseValue<mountsea_suno::types::TaskIdDto>,
    Error<std::convert::Infallible>,
>;

async fn call(client: &Client) -> CallResult {
    tokio::time::timeout(CALL_TIMEOUT, client.custom_model_create(&body()))
        .await
        .expect("the call should finish well within its timeout")
}

async fn call_err(client: &Client) -> Error {
    match call(client).await {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(error) => error,
    }
}

fn assert_no_token(text: &str) {
    assert!(
        !text.contains(TOKEN) && !text.contains("do-not-leak"),
        "the token leaked into: {text}"
    );
}

// ---------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_call_runs_on_a_spawned_task_and_the_request_is_built_before_the_first_poll() {
    let server = Server::start(created(&format!(r#"{{"taskId":"{TASK_ID}"}}"#))).await;
    let client = client(&server);
    // The body is encoded when the method is called: the future does not borrow it.
    let mut input = body();
    let future = client.custom_model_create(&input);
    input.name = "changed after the call".to_owned();
    drop(input);
    let value = future.await.expect("201 is a success");
    assert_eq!(value.task_id, TASK_ID);
    assert_eq!(
        String::from_utf8(server.only_request().body).expect("UTF-8 body"),
        expected_json()
    );

    // The future is `Send`: a call can run on another task.
    let server = Server::start(created(&format!(r#"{{"taskId":"{TASK_ID}"}}"#))).await;
    let client = self::client(&server);
    let task = tokio::spawn(async move { client.custom_model_create(&body()).await });
    let value = task
        .await
        .expect("the task ends")
        .expect("201 is a success");
    assert_eq!(value.task_id, TASK_ID);
}

#[tokio::test]
async fn sends_the_exact_request_and_parses_the_created_response() {
    let server = Server::start(created(&format!(r#"{{"taskId":"{TASK_ID}"}}"#))).await;

    let value = call(&client(&server)).await.expect("201 is a success");
    assert_eq!(value.status().as_u16(), 201);
    assert_eq!(value.task_id, TASK_ID);

    assert_eq!(server.connections(), 1);
    let seen = server.only_request();
    assert_eq!(seen.request_line, format!("POST {PATH} HTTP/1.1"));
    assert_eq!(seen.header("authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(seen.header("content-type"), "application/json");
    assert_eq!(seen.header("accept"), "application/json");
    assert_eq!(seen.header("host"), server.addr.to_string());
    assert!(
        seen.header_values("transfer-encoding").is_empty(),
        "the body is sent with a Content-Length, not chunked: {seen:?}"
    );
    let expected = expected_json();
    assert_eq!(
        seen.header("content-length"),
        expected.len().to_string(),
        "Content-Length counts bytes, not characters"
    );
    assert_eq!(
        String::from_utf8(seen.body.clone()).expect("UTF-8 body"),
        expected
    );
    // And the bytes are what `serde_json` makes of the spec's shape, order included.
    let parsed: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    let keys: Vec<&str> = parsed
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["sessionId", "clipIds", "name"]);
}

#[tokio::test]
async fn response_value_exposes_status_and_headers() {
    let server = Server::start(response(
        "201 Created",
        &[
            ("Content-Type", "application/json"),
            ("X-Request-Id", "req-e2e-42"),
            ("Set-Cookie", "session=cookie-secret-value; HttpOnly"),
        ],
        format!(r#"{{"taskId":"{TASK_ID}"}}"#).as_bytes(),
    ))
    .await;

    let value = call(&client(&server)).await.expect("201 is a success");
    assert_eq!(value.status(), reqwest::StatusCode::CREATED);
    assert_eq!(value.headers()["x-request-id"], "req-e2e-42");
    assert_eq!(value.headers()["content-type"], "application/json");
    // Debug shows ordinary headers but redacts the ones that carry session secrets.
    let debug = format!("{value:?}");
    assert!(debug.contains("req-e2e-42"), "{debug}");
    assert!(!debug.contains("cookie-secret-value"), "{debug}");

    let (body, status, headers) = value.into_parts();
    assert_eq!(body.task_id, TASK_ID);
    assert_eq!(status.as_u16(), 201);
    assert_eq!(headers["x-request-id"], "req-e2e-42");
}

#[tokio::test]
async fn base_url_with_a_path_prefix_is_honoured() {
    let server = Server::start(created(&format!(r#"{{"taskId":"{TASK_ID}"}}"#))).await;
    // A trailing slash on the base URL must not double the path's slash.
    let base = format!("{}/gateway/v9/", server.base_url());
    let client = Client::new()
        .with_base_url(base.clone())
        .with_bearer_auth(TOKEN)
        .with_retry(RetryPolicy::none());
    assert_eq!(client.base_url(), base);

    call(&client).await.expect("201 is a success");
    let seen = server.only_request();
    assert_eq!(
        seen.request_line,
        format!("POST /gateway/v9{PATH} HTTP/1.1")
    );
    // The default is the spec's first server, untouched by the test above.
    assert_eq!(Client::new().base_url(), "https://api.mountsea.ai");
    assert_eq!(mountsea_suno::DEFAULT_BASE_URL, "https://api.mountsea.ai");
}

#[tokio::test]
async fn status_400_is_an_unexpected_status_with_its_body() {
    let problem = r#"{"statusCode":400,"message":"clipIds must contain at least 6 elements"}"#;
    let server = Server::start(response(
        "400 Bad Request",
        &[
            ("Content-Type", "application/json"),
            ("X-Request-Id", "r-400"),
        ],
        problem.as_bytes(),
    ))
    .await;

    let error = call_err(&client(&server)).await;
    match error.kind() {
        ErrorKind::UnexpectedStatus {
            status,
            headers,
            body,
        } => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(headers["x-request-id"], "r-400");
            assert_eq!(&body[..], problem.as_bytes());
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.body().map(|b| &b[..]), Some(problem.as_bytes()));
    let display = error.to_string();
    assert!(display.contains("400"), "{display}");
    assert!(display.contains("at least 6 elements"), "{display}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn status_500_is_an_unexpected_status_and_post_is_not_retried_by_default() {
    let server = Server::start(response(
        "500 Internal Server Error",
        &[("Content-Type", "text/plain")],
        b"upstream exploded",
    ))
    .await;
    // The default policy (3 attempts) retries a 500 only for idempotent methods.
    let client = Client::new()
        .with_base_url(server.base_url())
        .with_bearer_auth(TOKEN);
    assert_eq!(RetryPolicy::default().max_attempts, 3);
    assert!(!RetryPolicy::default().retry_non_idempotent);

    let error = call_err(&client).await;
    match error.kind() {
        ErrorKind::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 500);
            assert_eq!(&body[..], b"upstream exploded");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert!(error.to_string().contains("upstream exploded"), "{error}");
    assert_eq!(
        server.connections(),
        1,
        "a POST must not be replayed after a 500"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn non_json_created_body_is_an_invalid_response_quoting_the_body() {
    let html = "<html><body>Gateway says hi</body></html>";
    let server = Server::start(response(
        "201 Created",
        &[("Content-Type", "text/html")],
        html.as_bytes(),
    ))
    .await;

    let error = call_err(&client(&server)).await;
    match error.kind() {
        ErrorKind::InvalidResponse {
            status,
            body,
            message,
            ..
        } => {
            assert_eq!(status.as_u16(), 201);
            assert_eq!(&body[..], html.as_bytes());
            assert!(message.contains("expected value"), "{message}");
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    let display = error.to_string();
    assert!(display.contains("201"), "{display}");
    assert!(display.contains("Gateway says hi"), "{display}");
}

#[tokio::test]
async fn created_body_without_task_id_is_an_invalid_response_naming_it() {
    let server = Server::start(created(r#"{"id":"abc"}"#)).await;

    let error = call_err(&client(&server)).await;
    match error.kind() {
        ErrorKind::InvalidResponse {
            status, message, ..
        } => {
            assert_eq!(status.as_u16(), 201);
            assert!(message.contains("missing field `taskId`"), "{message}");
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    let display = error.to_string();
    assert!(display.contains("missing field `taskId`"), "{display}");
    assert!(display.contains(r#"{"id":"abc"}"#), "{display}");
}

#[tokio::test]
async fn created_body_with_a_mistyped_task_id_names_its_path() {
    let server = Server::start(created(r#"{"taskId":42}"#)).await;

    let error = call_err(&client(&server)).await;
    match error.kind() {
        ErrorKind::InvalidResponse { message, .. } => {
            assert!(message.starts_with("taskId: invalid type"), "{message}");
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn lost_connection_is_a_transport_error_and_post_is_attempted_once() {
    let server = Server::start(Reply::Close).await;
    // Default retry policy on purpose: the request was sent, the server may have acted
    // on it, and POST is not idempotent, so it must not be replayed.
    let client = Client::new()
        .with_base_url(server.base_url())
        .with_bearer_auth(TOKEN);

    let error = call_err(&client).await;
    assert!(
        matches!(error.kind(), ErrorKind::Transport { attempts: 1, .. }),
        "expected Transport after 1 attempt, got {error:?}"
    );
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(error.status(), None);
    // The operation and route first (never the query or a secret), this level only:
    // the transport failure itself is the `source()`.
    assert_eq!(
        error.to_string(),
        "custom_model_create (POST /suno/v2/customModel/create): transport error (1 attempt)"
    );
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(server.connections(), 1);
    assert_eq!(
        server.requests().len(),
        1,
        "the request did reach the server"
    );
}

#[tokio::test]
async fn lost_connection_is_retried_when_non_idempotent_retries_are_enabled() {
    // The counterpart of the test above: proves that the connection count does see
    // retries when the policy allows them.
    let server = Server::start(Reply::Close).await;
    let client = Client::new()
        .with_base_url(server.base_url())
        .with_bearer_auth(TOKEN)
        .with_retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            retry_non_idempotent: true,
        });

    let error = call_err(&client).await;
    assert!(
        matches!(error.kind(), ErrorKind::Transport { attempts: 3, .. }),
        "expected Transport after 3 attempts, got {error:?}"
    );
    assert_eq!(server.connections(), 3);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn missing_token_fails_before_anything_is_sent() {
    let server = Server::start(created(&format!(r#"{{"taskId":"{TASK_ID}"}}"#))).await;
    let anonymous = Client::new().with_base_url(server.base_url());

    let error = call_err(&anonymous).await;
    match error.kind() {
        ErrorKind::MissingCredentials { schemes } => {
            assert_eq!(
                error.operation().map(|op| op.name),
                Some("custom_model_create")
            );
            assert_eq!(schemes, "bearerAuth");
        }
        other => panic!("expected MissingCredentials, got {other:?}"),
    }
    assert!(error.to_string().contains("nothing was sent"), "{error}");
    assert_eq!(server.connections(), 0);

    // The same server does get the next, authenticated call: the count above is real.
    call(&anonymous.with_bearer_auth(TOKEN))
        .await
        .expect("201 is a success");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn token_never_appears_in_errors_or_debug_output() {
    let mut texts = Vec::new();
    let mut check = |label: &str, error: &Error| {
        let display = format!("{error}");
        let debug = format!("{error:?}");
        assert_no_token(&display);
        assert_no_token(&debug);
        texts.push(format!("{label}: {display} / {debug}"));
    };

    // Error responses (the server does not echo the token; the client must not add it).
    for reply in [
        response("400 Bad Request", &[], b"bad"),
        response("401 Unauthorized", &[("WWW-Authenticate", "Bearer")], b"no"),
        response("500 Internal Server Error", &[], b"boom"),
        created("not json"),
        created("{}"),
        Reply::Close,
    ] {
        let server = Server::start(reply).await;
        let error = call_err(&client(&server)).await;
        check("response", &error);
        assert_eq!(server.connections(), 1);
    }

    // Nothing listening: a connect error.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client_to_nowhere = Client::new()
        .with_base_url(dead_url)
        .with_bearer_auth(TOKEN)
        .with_retry(RetryPolicy::none());
    let error = call_err(&client_to_nowhere).await;
    assert!(
        matches!(error.kind(), ErrorKind::Transport { .. }),
        "{error:?}"
    );
    check("connect", &error);

    // A token a header cannot carry: refused before sending, without quoting it.
    let server = Server::start(created("{}")).await;
    let bad_token = format!("{TOKEN}\nInjected: yes");
    let bad = Client::new()
        .with_base_url(server.base_url())
        .with_bearer_auth(bad_token)
        .with_retry(RetryPolicy::none());
    let error = call_err(&bad).await;
    assert!(
        matches!(error.kind(), ErrorKind::InvalidRequest(_)),
        "{error:?}"
    );
    check("bad header", &error);
    assert_eq!(server.connections(), 0);

    // The client's own Debug output.
    let server = Server::start(created("{}")).await;
    let client = client(&server);
    let debug = format!("{client:?}");
    assert_no_token(&debug);
    assert!(
        debug.contains("***"),
        "the credential should show as redacted: {debug}"
    );
    assert!(debug.contains(&server.base_url()), "{debug}");
    let debug = format!("{:?}", client.clone());
    assert_no_token(&debug);
    assert_eq!(texts.len(), 8);
}

// ---------------------------------------------------------------------------------
// Timeouts set on the generated client
// ---------------------------------------------------------------------------------

/// A server that accepts connections and never answers; stopped when dropped.
struct Silent {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Silent {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        Self { url, task }
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Asserts `result` is a timeout after one attempt that took about `limit`.
fn assert_timed_out(result: CallResult, limit: Duration, waited: Duration) {
    match result.map_err(Error::into_kind) {
        Err(ErrorKind::Timeout { elapsed, attempts }) => {
            assert_eq!(attempts, 1);
            assert!(elapsed >= limit.mul_f32(0.8), "{elapsed:?}");
            assert!(elapsed < limit * 10, "{elapsed:?}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        waited >= limit.mul_f32(0.8) && waited < limit * 10,
        "{waited:?}"
    );
}

#[tokio::test]
async fn client_timeout_ends_a_call_to_a_silent_server_in_about_that_time() {
    let server = Silent::start().await;
    let limit = Duration::from_millis(400);
    let client = Client::new()
        .with_base_url(server.url.clone())
        .with_bearer_auth(TOKEN)
        .with_retry(RetryPolicy::none())
        .with_timeout(limit);
    let started = std::time::Instant::now();
    let result = call(&client).await;
    assert_timed_out(result, limit, started.elapsed());
}

#[tokio::test]
async fn per_call_timeout_overrides_the_clients() {
    let server = Silent::start().await;
    let limit = Duration::from_millis(300);
    let client = Client::new()
        .with_base_url(server.url.clone())
        .with_bearer_auth(TOKEN)
        .with_retry(RetryPolicy::none())
        .with_timeout(Duration::from_secs(20));
    let started = std::time::Instant::now();
    let result = call(
        &client.with_options(mountsea_suno::runtime::RequestOptions::new().with_timeout(limit)),
    )
    .await;
    assert_timed_out(result, limit, started.elapsed());
}
