//! Tests of the runtime crate that every generated crate carries a copy of. HTTP behaviour is checked against a tiny scripted HTTP/1.1 server on 127.0.0.1
//! that each test starts and stops, and that records the exact bytes it received.

use codegen_runtime as runtime;

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use runtime::decode_json;
use runtime::encoding::{form_pairs, header_value, path_param, query_param, to_text, Style};
use runtime::http::{
    retry_after, ApiKeyLocation, Body, MultipartPart, Operation, PartValue, RawResponse, Request,
    SchemeKind, SecurityScheme, MAX_RETRY_AFTER,
};
use runtime::upload::{Upload, UploadSource};
use runtime::{
    Checked, Checker, ClientCore, Credential, Error, ErrorKind, RequestOptions, ResponseValue,
    RetryPolicy, Rule, Secret, ValidationError, Violation,
};

// ---------------------------------------------------------------------------------------
// The scripted server
// ---------------------------------------------------------------------------------------

/// What the server does with one request.
#[derive(Clone)]
enum Step {
    /// Write these bytes as the response, then close the connection.
    Respond(Vec<u8>),
    /// Wait, then respond.
    Delay(Duration, Vec<u8>),
    /// Read the request, then close the connection without answering.
    Close,
}

/// A response with `content-length` and `connection: close`.
fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("Whatever");
    let mut text = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        let _ = write!(text, "{name}: {value}\r\n");
    }
    text.push_str("\r\n");
    text.push_str(body);
    text.into_bytes()
}

fn json_reply(status: u16, body: &str) -> Step {
    Step::Respond(reply(status, &[("content-type", "application/json")], body))
}

/// A one-shot HTTP/1.1 responder: each request gets the next step of the script (the
/// last step repeats). Dropping it stops it and every connection it holds.
struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(script: Vec<Step>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(script);
        let next = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn({
            let requests = Arc::clone(&requests);
            let connections = Arc::clone(&connections);
            async move {
                // Connection tasks live in this set, so aborting the accept loop ends them.
                let mut tasks = tokio::task::JoinSet::new();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let requests = Arc::clone(&requests);
                    let script = Arc::clone(&script);
                    let next = Arc::clone(&next);
                    tasks.spawn(async move {
                        serve(stream, &requests, &script, &next).await;
                    });
                }
            }
        });
        Self {
            addr,
            requests,
            connections,
            task,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far, as text (lossy).
    fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .expect("lock")
            .iter()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .collect()
    }

    fn count(&self) -> usize {
        self.requests.lock().expect("lock").len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    requests: &Mutex<Vec<Vec<u8>>>,
    script: &[Step],
    next: &AtomicUsize,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    requests.lock().expect("lock").push(request);
    let index = next.fetch_add(1, Ordering::SeqCst).min(script.len() - 1);
    match &script[index] {
        Step::Respond(bytes) => {
            let _ = stream.write_all(bytes).await;
        }
        Step::Delay(delay, bytes) => {
            tokio::time::sleep(*delay).await;
            let _ = stream.write_all(bytes).await;
        }
        Step::Close => {}
    }
    let _ = stream.shutdown().await;
}

/// Reads one request: head, then a `content-length` or chunked body.
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buffer = [0_u8; 4096];
    let head_end = loop {
        if let Some(at) = find(&data, b"\r\n\r\n") {
            break at + 4;
        }
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length = head.lines().find_map(|line| {
        line.strip_prefix("content-length:")
            .and_then(|value| value.trim().parse::<usize>().ok())
    });
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let body = &data[head_end..];
        let complete = match length {
            Some(length) => body.len() >= length,
            None if chunked => find(body, b"0\r\n\r\n").is_some(),
            None => true,
        };
        if complete {
            return Some(data);
        }
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return Some(data);
        }
        data.extend_from_slice(&buffer[..read]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

// ---------------------------------------------------------------------------------------
// Operations and schemes, as generated code declares them
// ---------------------------------------------------------------------------------------

const TOKEN: &str = "tok-SECRET-bearer-1234";
const HEADER_KEY: &str = "hk-SECRET-header-5678";
const QUERY_KEY: &str = "qk-SECRET-query-9012";
const COOKIE_KEY: &str = "ck-SECRET-cookie-3456";
const PASSWORD: &str = "pw-SECRET-basic-7890";
const SECRETS: [&str; 5] = [TOKEN, HEADER_KEY, QUERY_KEY, COOKIE_KEY, PASSWORD];

static BEARER: SecurityScheme = SecurityScheme {
    name: "bearerAuth",
    kind: SchemeKind::Bearer,
};
static BASIC: SecurityScheme = SecurityScheme {
    name: "basicAuth",
    kind: SchemeKind::Basic,
};
static KEY_HEADER: SecurityScheme = SecurityScheme {
    name: "keyHeader",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Header,
        name: "X-Api-Key",
    },
};
static KEY_QUERY: SecurityScheme = SecurityScheme {
    name: "keyQuery",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Query,
        name: "api_key",
    },
};
static KEY_COOKIE: SecurityScheme = SecurityScheme {
    name: "keyCookie",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name: "session",
    },
};

static GET_PET: Operation = Operation {
    name: "get_pet",
    method: Method::GET,
    path_template: "/pets/{petId}",
    security: &[&[&BEARER]],
    headers: &[],
};
static CREATE_PET: Operation = Operation {
    name: "create_pet",
    method: Method::POST,
    path_template: "/pets",
    security: &[],
    headers: &[],
};
static LIST_PETS: Operation = Operation {
    name: "list_pets",
    method: Method::GET,
    path_template: "/pets",
    security: &[],
    headers: &[],
};
static STRICT: Operation = Operation {
    name: "strict_op",
    method: Method::GET,
    path_template: "/strict",
    security: &[&[&BEARER], &[&KEY_HEADER, &BASIC]],
    headers: &[],
};
static ANONYMOUS_OK: Operation = Operation {
    name: "maybe_auth",
    method: Method::GET,
    path_template: "/maybe",
    security: &[&[&BEARER], &[]],
    headers: &[],
};
static ANONYMOUS_FIRST: Operation = Operation {
    name: "maybe_auth_first",
    method: Method::GET,
    path_template: "/maybe",
    security: &[&[], &[&BEARER]],
    headers: &[],
};
static PICKY: Operation = Operation {
    name: "picky",
    method: Method::GET,
    path_template: "/picky",
    security: &[&[&KEY_HEADER, &BEARER], &[&BASIC]],
    headers: &[],
};
static ALL_KEYS: Operation = Operation {
    name: "all_keys",
    method: Method::GET,
    path_template: "/items",
    security: &[&[&KEY_HEADER, &KEY_QUERY, &KEY_COOKIE]],
    headers: &[],
};
static KEYED: Operation = Operation {
    name: "keyed",
    method: Method::GET,
    path_template: "/keyed",
    security: &[&[&KEY_HEADER]],
    headers: &[],
};
static CREATE_KEYED: Operation = Operation {
    name: "create_keyed",
    method: Method::POST,
    path_template: "/items",
    security: &[&[&KEY_QUERY]],
    headers: &[],
};

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        retry_non_idempotent: false,
    }
}

fn all_credentials(core: ClientCore) -> ClientCore {
    core.with_credential("bearerAuth", Credential::bearer(TOKEN))
        .with_credential("basicAuth", Credential::basic("user", PASSWORD))
        .with_credential("keyHeader", Credential::api_key(HEADER_KEY))
        .with_credential("keyQuery", Credential::api_key(QUERY_KEY))
        .with_credential("keyCookie", Credential::api_key(COOKIE_KEY))
}

fn assert_no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "a secret leaked into: {text}");
    }
}

fn lower(text: &str) -> String {
    text.to_ascii_lowercase()
}

// ---------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bearer_token_is_sent_and_marked_sensitive() {
    let server = Server::start(vec![json_reply(200, r#"{"id":1}"#)]).await;
    let core = ClientCore::new(format!("{}/", server.url()))
        .with_credential("bearerAuth", Credential::bearer(TOKEN));

    let response = core
        .execute(&GET_PET, Request::new("/pets/1".to_owned()))
        .await
        .expect("response");
    assert_eq!(response.status, StatusCode::OK);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].starts_with("GET /pets/1 HTTP/1.1\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        lower(&requests[0]).contains(&lower(&format!("authorization: Bearer {TOKEN}\r\n"))),
        "{}",
        requests[0]
    );
    // That the header is also marked sensitive (so reqwest/hyper never log it) is checked
    // by the unit tests in src/http.rs, which see the prepared request.
}

#[tokio::test]
async fn a_body_that_cannot_be_encoded_fails_the_call_and_sends_nothing() {
    let server = Server::start(vec![json_reply(200, "{}")]).await;
    let core = ClientCore::new(server.url()).with_retry(RetryPolicy::none());
    // JSON has no object keys that are not strings.
    let body = std::collections::BTreeMap::from([((1, 2), "value")]);
    let mut request = Request::new("/pets".to_owned());
    request.set_body(Body::json(&body));

    let error = core
        .call(
            &CREATE_PET,
            request,
            RequestOptions::default(),
            |response| response.json::<serde_json::Value, Infallible>(),
        )
        .await
        .expect_err("must refuse");
    match error.kind() {
        ErrorKind::InvalidRequest(error) => {
            assert!(error.to_string().contains("body"), "{error}");
            assert!(
                error.to_string().contains("key must be a string"),
                "{error}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(server.count(), 0);
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);

    // A body that encodes replaces the empty one and is sent.
    let mut request = Request::new("/pets".to_owned());
    request.set_body(Body::json(&serde_json::json!({"name": "Tom"})));
    let value = core
        .call(
            &CREATE_PET,
            request,
            RequestOptions::default(),
            |response| response.json::<serde_json::Value, Infallible>(),
        )
        .await
        .expect("sent");
    assert_eq!(value.status().as_u16(), 200);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn missing_credentials_sends_nothing() {
    let server = Server::start(vec![json_reply(200, "{}")]).await;
    // A basic credential does not suit a bearer scheme.
    let core = ClientCore::new(server.url())
        .with_credential("bearerAuth", Credential::basic("user", PASSWORD))
        .with_credential("keyHeader", Credential::api_key(HEADER_KEY));

    let error = core
        .execute(&STRICT, Request::new("/strict".to_owned()))
        .await
        .expect_err("must refuse");
    match error.kind() {
        ErrorKind::MissingCredentials { schemes } => {
            assert_eq!(error.operation().map(|op| op.name), Some("strict_op"));
            assert_eq!(schemes, "bearerAuth or (keyHeader and basicAuth)");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().contains("strict_op"), "{error}");
    assert_eq!(server.count(), 0);
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn anonymous_alternative_and_first_satisfied_alternative() {
    let server = Server::start(vec![json_reply(200, "{}")]).await;
    let anonymous = ClientCore::new(server.url());
    anonymous
        .execute(&ANONYMOUS_OK, Request::new("/maybe".to_owned()))
        .await
        .expect("anonymous access allowed");
    let basic_only = ClientCore::new(server.url())
        .with_credential("basicAuth", Credential::basic("user", "pass"));
    basic_only
        .execute(&PICKY, Request::new("/picky".to_owned()))
        .await
        .expect("basic alternative");
    // Credentials the client has are sent even where anonymous access is allowed.
    ClientCore::new(server.url())
        .with_credential("bearerAuth", Credential::bearer(TOKEN))
        .execute(&ANONYMOUS_FIRST, Request::new("/maybe".to_owned()))
        .await
        .expect("bearer alternative");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        lower(&requests[2]).contains(&lower(&format!("authorization: Bearer {TOKEN}\r\n"))),
        "{}",
        requests[2]
    );
    assert!(
        !lower(&requests[0]).contains("authorization"),
        "{}",
        requests[0]
    );
    // base64("user:pass")
    assert!(
        lower(&requests[1]).contains(&lower("authorization: Basic dXNlcjpwYXNz\r\n")),
        "{}",
        requests[1]
    );
}

#[tokio::test]
async fn api_keys_go_to_header_query_and_cookie() {
    let server = Server::start(vec![json_reply(200, "[]")]).await;
    let core = all_credentials(ClientCore::new(server.url()));
    let mut request = Request::new("/items".to_owned());
    // Query pairs arrive percent-encoded, as `encoding::query_param` makes them.
    let mut query = Vec::new();
    query_param(&mut query, "q", "a b&c/d?#", Style::Form, true);
    query_param(&mut query, "list", &["x", "y"], Style::Form, false);
    request.query = query;
    request.cookies = vec![("theme".to_owned(), "dark mode".to_owned())];
    request.headers = vec![("X-Trace".to_owned(), "t1".to_owned())];
    request.accept = Some("application/json");

    core.execute(&ALL_KEYS, request.clone())
        .await
        .expect("response");
    let requests = server.requests();
    let sent = &requests[0];
    assert!(
        sent.starts_with(&format!(
            "GET /items?q=a%20b%26c%2Fd%3F%23&list=x,y&api_key={QUERY_KEY} HTTP/1.1\r\n"
        )),
        "{sent}"
    );
    let sent = lower(sent);
    assert!(
        sent.contains(&lower(&format!("x-api-key: {HEADER_KEY}\r\n"))),
        "{sent}"
    );
    assert!(
        sent.contains(&lower(&format!(
            "cookie: theme=dark%20mode; session={COOKIE_KEY}\r\n"
        ))),
        "{sent}"
    );
    assert!(sent.contains("accept: application/json\r\n"), "{sent}");
    assert!(sent.contains("x-trace: t1\r\n"), "{sent}");
}

#[tokio::test]
async fn unsendable_header_is_refused_before_sending() {
    let server = Server::start(vec![json_reply(200, "{}")]).await;
    let core = ClientCore::new(server.url())
        .with_credential("keyHeader", Credential::api_key(format!("{HEADER_KEY}\n")));
    let mut request = Request::new("/keyed".to_owned());
    request.headers = vec![("bad name".to_owned(), "v".to_owned())];
    let error = core
        .execute(&KEYED, request)
        .await
        .expect_err("must refuse");
    let ErrorKind::InvalidRequest(validation) = error.kind() else {
        panic!("unexpected {error:?}");
    };
    let paths: Vec<_> = validation
        .violations()
        .iter()
        .map(|v| v.path.as_str())
        .collect();
    assert_eq!(paths, ["bad name", "keyHeader"]);
    assert_no_secret(&format!("{error} {error:?}"));
    assert_eq!(server.count(), 0);
}

// ---------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bodies_are_sent_with_their_content_type() {
    let server = Server::start(vec![json_reply(201, "{}")]).await;
    let core = ClientCore::new(server.url());

    let mut json_request = Request::new("/pets".to_owned());
    json_request.body = Body::Json(br#"{"name":"Rex"}"#.to_vec());
    let mut form_request = Request::new("/pets".to_owned());
    form_request.body = Body::Form(vec![
        ("name".to_owned(), "Rex the 2nd".to_owned()),
        ("tag".to_owned(), "a&b=c".to_owned()),
    ]);
    let mut text_request = Request::new("/pets".to_owned());
    text_request.body = Body::Text {
        content_type: "text/plain; charset=utf-8".to_owned(),
        data: "héllo".to_owned(),
    };
    let mut multipart_request = Request::new("/pets".to_owned());
    multipart_request.body = Body::Multipart(vec![
        MultipartPart {
            name: "title".to_owned(),
            value: PartValue::Text("My song".to_owned()),
        },
        MultipartPart {
            name: "file".to_owned(),
            value: PartValue::File(
                Upload::bytes(bytes::Bytes::from_static(b"\x00\x01binary"))
                    .with_file_name("a.mp3")
                    .with_content_type("audio/mpeg"),
            ),
        },
    ]);
    for request in [json_request, form_request, text_request, multipart_request] {
        let response = core.execute(&CREATE_PET, request).await.expect("response");
        assert_eq!(response.status, StatusCode::CREATED);
    }

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert!(requests
        .iter()
        .all(|r| r.starts_with("POST /pets HTTP/1.1\r\n")));
    let json_sent = lower(&requests[0]);
    assert!(
        json_sent.contains("content-type: application/json\r\n"),
        "{json_sent}"
    );
    assert!(
        json_sent.ends_with("\r\n\r\n{\"name\":\"rex\"}"),
        "{json_sent}"
    );
    let form_sent = &requests[1];
    assert!(
        lower(form_sent).contains("content-type: application/x-www-form-urlencoded\r\n"),
        "{form_sent}"
    );
    assert!(
        form_sent.ends_with("\r\n\r\nname=Rex+the+2nd&tag=a%26b%3Dc"),
        "{form_sent}"
    );
    let text_sent = &requests[2];
    assert!(lower(text_sent).contains("content-type: text/plain; charset=utf-8\r\n"));
    assert!(text_sent.ends_with("\r\n\r\nhéllo"), "{text_sent}");
    let multipart_sent = lower(&requests[3]);
    assert!(
        multipart_sent.contains("content-type: multipart/form-data; boundary="),
        "{multipart_sent}"
    );
    assert!(
        multipart_sent
            .contains("content-disposition: form-data; name=\"title\"\r\n\r\nmy song\r\n"),
        "{multipart_sent:?}"
    );
    assert!(
        multipart_sent.contains(
            "content-disposition: form-data; name=\"file\"; filename=\"a.mp3\"\r\n\
             content-type: audio/mpeg\r\n\r\n\u{0}\u{1}binary\r\n"
        ),
        "{multipart_sent:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Timeouts and retries
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn timeout_gives_timeout_error() {
    let server = Server::start(vec![Step::Delay(
        Duration::from_secs(10),
        reply(200, &[], "late"),
    )])
    .await;
    let core = ClientCore::new(server.url()).with_options(
        RequestOptions::new()
            .with_timeout(Duration::from_millis(300))
            .with_retry(RetryPolicy::none()),
    );
    let started = Instant::now();
    let error = core
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect_err("must time out");
    let waited = started.elapsed();
    match error.kind() {
        ErrorKind::Timeout { elapsed, attempts } => {
            assert_eq!(*attempts, 1);
            assert!(*elapsed >= Duration::from_millis(250), "{elapsed:?}");
            assert!(*elapsed < Duration::from_secs(5), "{elapsed:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_secs(5));
    assert!(error.to_string().contains("timed out"), "{error}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn post_after_a_timeout_is_not_replayed_but_get_is() {
    // The server may have acted on a POST that timed out: sending it again could do it
    // twice, so only a GET is tried again.
    let late = || Step::Delay(Duration::from_secs(10), reply(201, &[], "late"));
    let options = || {
        RequestOptions::new()
            .with_timeout(Duration::from_millis(200))
            .with_retry(fast_retry())
    };
    let server = Server::start(vec![late(), json_reply(201, "{}")]).await;
    let core = ClientCore::new(server.url()).with_options(options());
    let error = core
        .execute(&CREATE_PET, Request::new("/pets".to_owned()))
        .await
        .expect_err("the POST times out");
    assert!(error.is_timeout(), "{error}");
    assert_eq!(error.attempts(), Some(1), "{error}");
    assert_eq!(server.count(), 1, "a timed-out POST is not sent again");

    let server = Server::start(vec![late(), json_reply(200, "{}")]).await;
    let core = ClientCore::new(server.url()).with_options(options());
    let response = core
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect("the GET is tried again and succeeds");
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured_on_503() {
    let server = Server::start(vec![
        Step::Respond(reply(503, &[("retry-after", "1")], "maintenance")),
        json_reply(200, "{}"),
    ])
    .await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let started = Instant::now();
    let response = core
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect("response");
    let waited = started.elapsed();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(server.count(), 2);
    // fast_retry's own backoff is milliseconds: the second of waiting is Retry-After's.
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
}

#[tokio::test]
async fn get_is_retried_after_503() {
    let server = Server::start(vec![
        json_reply(503, r#"{"busy":true}"#),
        json_reply(201, r#"{"ok":true}"#),
    ])
    .await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let response = core
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect("response");
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn post_is_not_retried_after_503_unless_opted_in() {
    let script = vec![json_reply(503, r#"{"busy":true}"#), json_reply(201, "{}")];
    let server = Server::start(script.clone()).await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let response = core
        .execute(&CREATE_PET, Request::new("/pets".to_owned()))
        .await
        .expect("the last response, whatever its status");
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.count(), 1);

    let server = Server::start(script).await;
    let core = ClientCore::new(server.url()).with_retry(RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retry()
    });
    let response = core
        .execute(&CREATE_PET, Request::new("/pets".to_owned()))
        .await
        .expect("response");
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retries_stop_after_max_attempts_with_the_last_response() {
    let server = Server::start(vec![json_reply(502, "{}")]).await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let response = core
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect("the last response");
    assert_eq!(response.status, StatusCode::BAD_GATEWAY);
    assert_eq!(server.count(), 3);

    // 404 is never retried.
    let server = Server::start(vec![json_reply(404, "{}")]).await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let response = core
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect("response");
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_on_429_even_for_post() {
    let server = Server::start(vec![
        Step::Respond(reply(429, &[("retry-after", "1")], "slow down")),
        json_reply(201, "{}"),
    ])
    .await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let started = Instant::now();
    let response = core
        .execute(&CREATE_PET, Request::new("/pets".to_owned()))
        .await
        .expect("response");
    let waited = started.elapsed();
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(server.count(), 2);
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let headers = |value: &str| {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, HeaderValue::from_str(value).expect("value"));
        map
    };
    assert_eq!(
        retry_after(&headers("3"), now),
        Some(Duration::from_secs(3))
    );
    assert_eq!(retry_after(&headers(" 0 "), now), Some(Duration::ZERO));
    assert_eq!(retry_after(&headers("3600"), now), Some(MAX_RETRY_AFTER));
    let later = httpdate::fmt_http_date(now + Duration::from_secs(5));
    assert_eq!(
        retry_after(&headers(&later), now),
        Some(Duration::from_secs(5))
    );
    let earlier = httpdate::fmt_http_date(now - Duration::from_secs(5));
    assert_eq!(retry_after(&headers(&earlier), now), Some(Duration::ZERO));
    assert_eq!(retry_after(&headers("soon"), now), None);
    assert_eq!(retry_after(&headers("-1"), now), None);
    assert_eq!(retry_after(&HeaderMap::new(), now), None);
}

#[tokio::test]
async fn closed_connection_is_a_transport_error_and_post_is_not_replayed() {
    let server = Server::start(vec![Step::Close, json_reply(201, "{}")]).await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let error = core
        .execute(&CREATE_PET, Request::new("/pets".to_owned()))
        .await
        .expect_err("must fail");
    match error.kind() {
        ErrorKind::Transport { source, attempts } => {
            assert_eq!(*attempts, 1);
            assert!(!source.is_connect());
            assert!(source.url().is_none());
        }
        other => panic!("unexpected {other:?}"),
    }
    // This level names the operation and what happened; the causes follow through
    // `source()`, each printed once by a reporter (anyhow's `{:?}`).
    assert_eq!(
        error.to_string(),
        "create_pet (POST /pets): transport error (1 attempt)"
    );
    let mut chain = Vec::new();
    let mut cause = std::error::Error::source(&error);
    while let Some(level) = cause {
        chain.push(level.to_string());
        cause = level.source();
    }
    assert!(!chain.is_empty());
    for (index, level) in chain.iter().enumerate() {
        for later in &chain[index + 1..] {
            assert!(
                !level.contains(later.as_str()),
                "{level:?} repeats {later:?}"
            );
        }
        assert!(!error.to_string().contains(level.as_str()), "{level:?}");
    }
    assert_eq!(server.count(), 1);

    // An idempotent method may be replayed.
    let server = Server::start(vec![Step::Close, json_reply(201, "{}")]).await;
    let core = ClientCore::new(server.url()).with_retry(fast_retry());
    let response = core
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect("retried");
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn refused_connection_is_retried_for_every_method() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let core = all_credentials(ClientCore::new(format!("http://127.0.0.1:{port}"))).with_retry(
        RetryPolicy {
            max_attempts: 2,
            ..fast_retry()
        },
    );
    let error = core
        .execute(&CREATE_KEYED, Request::new("/items".to_owned()))
        .await
        .expect_err("nothing listens");
    match error.kind() {
        ErrorKind::Transport { source, attempts } => {
            assert_eq!(*attempts, 2);
            assert!(source.is_connect(), "{source:?}");
            assert!(source.url().is_none());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_no_secret(&format!("{error}"));
    assert_no_secret(&format!("{error:?}"));
    assert_no_secret(&format!("{error:#?}"));
}

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, PartialEq)]
struct Pet {
    id: u64,
    name: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ApiError {
    code: String,
    message: String,
}

#[derive(Debug, PartialEq)]
enum GetPetError {
    NotFound(ApiError),
    Gone,
    Teapot(String),
}

struct AtMost5;

impl Rule<String> for AtMost5 {
    const LABEL: &'static str = "name";
    fn check(value: &String, checker: &mut Checker) {
        checker.max_length(value, 5);
    }
}

#[derive(Debug, Deserialize)]
struct Item {
    #[allow(dead_code, reason = "only decoding is tested")]
    name: Checked<String, AtMost5>,
}

#[derive(Debug, Deserialize)]
struct Items {
    #[allow(dead_code, reason = "only decoding is tested")]
    items: Vec<Item>,
}

async fn fetch(step: Step) -> RawResponse {
    let server = Server::start(vec![step]).await;
    ClientCore::new(server.url())
        .with_retry(RetryPolicy::none())
        .execute(&LIST_PETS, Request::new("/pets".to_owned()))
        .await
        .expect("response")
}

#[tokio::test]
async fn json_body_is_decoded() {
    let raw = fetch(json_reply(200, r#"{"id":7,"name":"Rex"}"#)).await;
    let value = raw.json::<Pet, Infallible>().expect("pet");
    assert_eq!(value.status(), StatusCode::OK);
    assert_eq!(value.headers()["content-type"], "application/json");
    assert_eq!(value.name, "Rex");
    assert_eq!(
        value.into_inner(),
        Pet {
            id: 7,
            name: "Rex".to_owned()
        }
    );
}

#[tokio::test]
async fn malformed_json_is_invalid_response_with_snippet() {
    let raw = fetch(json_reply(200, r#"{"id": 7, "name": "Re"#)).await;
    let error = raw.json::<Pet, Infallible>().expect_err("malformed");
    let ErrorKind::InvalidResponse {
        status, message, ..
    } = error.kind()
    else {
        panic!("unexpected {error:?}");
    };
    assert_eq!(*status, StatusCode::OK);
    assert!(message.contains("EOF while parsing"), "{message}");
    let shown = error.to_string();
    assert!(shown.contains(r#"body: {"id": 7, "name": "Re"#), "{shown}");
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert_eq!(error.body().map(|b| b.len()), Some(21));

    let raw = fetch(json_reply(
        200,
        r#"{"items":[{"name":"ok"},{"name":"abcdefg"}]}"#,
    ))
    .await;
    let error = raw.json::<Items, Infallible>().expect_err("constraint");
    let ErrorKind::InvalidResponse { message, .. } = error.kind() else {
        panic!("unexpected {error:?}");
    };
    assert!(
        message.starts_with("items[1].name: expected at most 5 characters, got 7"),
        "{message}"
    );

    let raw = fetch(json_reply(200, "")).await;
    let error = raw.json::<Pet, Infallible>().expect_err("empty");
    assert!(error.to_string().contains("empty body"), "{error}");
}

#[tokio::test]
async fn error_json_wraps_the_documented_error_body() {
    let body = r#"{"code":"not_found","message":"no pet 9"}"#;
    let raw = fetch(json_reply(404, body)).await;
    let error: Error<GetPetError> = raw.error_json(GetPetError::NotFound);
    let ErrorKind::ErrorResponse(value, raw_body) = error.kind() else {
        panic!("unexpected {error:?}");
    };
    assert_eq!(value.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        ***value,
        GetPetError::NotFound(ApiError {
            code: "not_found".to_owned(),
            message: "no pet 9".to_owned()
        })
    );
    assert_eq!(raw_body.as_ref(), body.as_bytes());
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert!(matches!(error.error_body(), Some(GetPetError::NotFound(_))));
    assert_eq!(
        error.to_string(),
        format!("error response 404 Not Found: {body}")
    );

    // A documented error whose body does not parse.
    let raw = fetch(json_reply(404, r#"{"code":1}"#)).await;
    let error: Error<GetPetError> = raw.error_json(GetPetError::NotFound);
    let ErrorKind::InvalidResponse { message, .. } = error.kind() else {
        panic!("unexpected {error:?}");
    };
    assert!(
        message.starts_with("code: invalid type: integer `1`"),
        "{message}"
    );

    let raw = fetch(Step::Respond(reply(418, &[], "short and stout"))).await;
    let error: Error<GetPetError> = raw.error_text(GetPetError::Teapot);
    assert!(matches!(error.error_body(), Some(GetPetError::Teapot(t)) if t == "short and stout"));

    let raw = fetch(Step::Respond(reply(410, &[], ""))).await;
    let error: Error<GetPetError> = raw.error_empty(|| GetPetError::Gone);
    assert!(matches!(error.error_body(), Some(GetPetError::Gone)));

    let raw = fetch(Step::Respond(reply(
        409,
        &[("set-cookie", "sid=abc")],
        "conflict",
    )))
    .await;
    let error: Error<GetPetError> = raw.unexpected();
    assert!(
        matches!(error.kind(), ErrorKind::UnexpectedStatus { status, .. } if *status == StatusCode::CONFLICT
        )
    );
    assert_eq!(
        error.to_string(),
        "unexpected status 409 Conflict: conflict"
    );
    let debug = format!("{error:?}");
    assert!(!debug.contains("sid=abc"), "{debug}");
}

#[test]
fn body_and_part_constructors() {
    #[derive(Serialize)]
    struct NewPet {
        name: String,
        tags: Vec<String>,
    }
    let pet = NewPet {
        name: "Rex".to_owned(),
        tags: vec!["a".to_owned(), "b".to_owned()],
    };
    let Ok(Body::Json(data)) = Body::json(&pet) else {
        panic!("json body");
    };
    assert_eq!(data, br#"{"name":"Rex","tags":["a","b"]}"#);
    let Ok(Body::Form(pairs)) = Body::form(&pet) else {
        panic!("form body");
    };
    assert_eq!(pairs.len(), 3);
    let error = Body::form(&[1, 2]).expect_err("not an object");
    assert_eq!(error.violations()[0].path, "body");
    let bad_keys: std::collections::HashMap<(u8, u8), u8> = [((1, 2), 3)].into();
    let error: Error = Body::json(&bad_keys).expect_err("non-string keys").into();
    assert!(error.to_string().starts_with("invalid request"), "{error}");

    let text = MultipartPart::text("title", "My song");
    assert!(matches!(&text.value, PartValue::Text(t) if t == "My song"));
    let file = MultipartPart::file("audio", vec![1_u8, 2]);
    let PartValue::File(upload) = &file.value else {
        panic!("file part");
    };
    assert_eq!(
        (upload.file_name(), upload.content_type()),
        (Some("audio"), None)
    );
    assert!(matches!(upload.source(), UploadSource::Bytes(data) if data.as_ref() == [1_u8, 2]));
    let file = file
        .with_filename(Some("a.mp3".to_owned()))
        .with_content_type("audio/mpeg");
    assert!(matches!(
        &file.value,
        PartValue::File(upload) if upload.file_name() == Some("a.mp3") && upload.content_type() == Some("audio/mpeg")
    ));
    let file = file.with_filename(None);
    assert!(matches!(&file.value, PartValue::File(upload) if upload.file_name().is_none()));

    let raw = RawResponse {
        status: StatusCode::IM_A_TEAPOT,
        headers: HeaderMap::new(),
        body: bytes::Bytes::from_static(b"\x00tea"),
    };
    let error: Error<bytes::Bytes> = raw.error_bytes(|body| body);
    assert_eq!(
        error.error_body().map(|b| b.as_ref()),
        Some(&b"\x00tea"[..])
    );
    assert_eq!(error.body().map(|b| b.as_ref()), Some(&b"\x00tea"[..]));
}

#[test]
fn text_bytes_and_empty_responses() {
    let raw = |body: &'static [u8]| RawResponse {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: bytes::Bytes::from_static(body),
    };
    assert_eq!(*raw(b"hi").text::<Infallible>().expect("text"), "hi");
    let error = raw(b"\xff\xfe")
        .text::<Infallible>()
        .expect_err("not UTF-8");
    assert!(
        matches!(error.kind(), ErrorKind::InvalidResponse { message, .. } if message.contains("UTF-8")),
        "{error:?}"
    );
    assert_eq!(
        raw(b"\x00\x01")
            .bytes::<Infallible>()
            .expect("bytes")
            .as_ref(),
        b"\x00\x01"
    );
    assert_eq!(
        raw(b"ignored")
            .empty::<Infallible>()
            .expect("empty")
            .status(),
        StatusCode::OK
    );
}

#[test]
fn decode_json_reports_paths() {
    assert_eq!(decode_json::<u8>(b"7"), Ok(7));
    let root = decode_json::<u8>(b"\"x\"").expect_err("type");
    assert!(root.starts_with("invalid type: string"), "{root}");
    let nested =
        decode_json::<Vec<Pet>>(br#"[{"id":1,"name":"a"},{"id":2,"name":5}]"#).expect_err("type");
    assert!(
        nested.starts_with("[1].name: invalid type: integer `5`"),
        "{nested}"
    );
    let trailing = decode_json::<u8>(b"7 8").expect_err("trailing");
    assert!(trailing.contains("trailing characters"), "{trailing}");
}

#[test]
fn snippets_are_utf8_safe_one_line_and_cut() {
    let body = "é".repeat(600); // 1200 bytes; byte 512 starts a character
    let odd = format!("x{body}"); // byte 512 is inside a character
    for text in [&body, &odd] {
        let error: Error = RawResponse {
            status: StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
            body: bytes::Bytes::from(text.clone()),
        }
        .unexpected();
        let shown = error.to_string();
        let suffix = format!("… ({} bytes)", text.len());
        assert!(shown.ends_with(&suffix), "{shown}");
        let quoted = shown
            .trim_start_matches("unexpected status 502 Bad Gateway: ")
            .trim_end_matches(&suffix);
        assert!(
            quoted.len() <= 512 && quoted.len() >= 509,
            "{}",
            quoted.len()
        );
        assert!(!quoted.contains('\u{FFFD}'));
    }
    let error: Error = RawResponse {
        status: StatusCode::BAD_GATEWAY,
        headers: HeaderMap::new(),
        body: bytes::Bytes::from_static(b"line 1\nline 2\xff"),
    }
    .unexpected();
    assert_eq!(
        error.to_string(),
        "unexpected status 502 Bad Gateway: line 1\\nline 2\u{FFFD}"
    );
}

#[test]
fn widen_keeps_the_variant_and_accessors_work() {
    let validation = ValidationError::new(vec![Violation {
        path: "name".to_owned(),
        message: "expected at most 5 characters, got 7".to_owned(),
    }]);
    let error: Error<GetPetError> = Error::from(validation.clone());
    assert!(matches!(error.kind(), ErrorKind::InvalidRequest(v) if *v == validation));
    assert_eq!(
        error.to_string(),
        "invalid request, nothing was sent: name: expected at most 5 characters, got 7"
    );
    // The violations are this level's message, not a cause printed a second time.
    assert!(std::error::Error::source(&error).is_none());

    let narrow: Error = Error::new(ErrorKind::InvalidResponse {
        status: StatusCode::OK,
        headers: Box::default(),
        body: bytes::Bytes::from_static(b"{}"),
        message: "id: missing field".to_owned(),
    });
    let wide: Error<GetPetError> = narrow.widen();
    assert_eq!(wide.status(), Some(StatusCode::OK));
    assert_eq!(wide.body().map(|b| b.as_ref()), Some(&b"{}"[..]));
    assert!(wide.headers().is_some());
    assert!(wide.error_body().is_none());

    let timeout: Error<GetPetError> = Error::<Infallible>::new(ErrorKind::Timeout {
        elapsed: Duration::from_millis(1500),
        attempts: 2,
    })
    .widen();
    assert_eq!(timeout.attempts(), Some(2));
    assert_eq!(timeout.status(), None);
    assert_eq!(
        timeout.to_string(),
        "request timed out after 1.500 s (2 attempts)"
    );

    let value = ResponseValue::new(2_u8, StatusCode::ACCEPTED, HeaderMap::new());
    let mapped = value.map(|n| n * 10);
    assert_eq!(*mapped, 20);
    let (body, status, _) = mapped.into_parts();
    assert_eq!((body, status), (20, StatusCode::ACCEPTED));
}

#[test]
fn errors_stay_small_whatever_the_error_body() {
    // Under clippy's `result_large_err` threshold (128 bytes), even for a big `E`.
    assert!(std::mem::size_of::<Error>() <= 128);
    assert!(std::mem::size_of::<Error<[u8; 4096]>>() <= 128);
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn secrets_never_appear_in_debug_or_display() {
    let server = Server::start(vec![
        Step::Respond(reply(500, &[("set-cookie", "sid=s3rv3r")], "boom")),
        Step::Close,
    ])
    .await;
    let core = all_credentials(ClientCore::new(server.url())).with_retry(RetryPolicy::none());
    assert_no_secret(&format!("{core:?} {core:#?}"));
    assert!(format!("{core:?}").contains("bearerAuth"));

    let credentials = [
        Credential::bearer(TOKEN),
        Credential::basic("user", PASSWORD),
        Credential::api_key(HEADER_KEY),
    ];
    for credential in &credentials {
        assert_no_secret(&format!("{credential:?} {credential:#?}"));
    }
    let secret = Secret::new(TOKEN);
    assert_eq!(format!("{secret} {secret:?}"), "*** ***");

    let mut errors: Vec<Error> = Vec::new();
    let raw = core
        .execute(&ALL_KEYS, Request::new("/items".to_owned()))
        .await
        .expect("a 500 response");
    assert_no_secret(&format!("{raw:?}"));
    errors.push(raw.unexpected());
    errors.push(
        core.execute(&ALL_KEYS, Request::new("/items".to_owned()))
            .await
            .expect_err("closed"),
    );
    errors.push(
        ClientCore::new(server.url())
            .execute(&ALL_KEYS, Request::new("/items".to_owned()))
            .await
            .expect_err("no credentials"),
    );
    for error in &errors {
        assert_no_secret(&format!("{error}"));
        assert_no_secret(&format!("{error:?}"));
        assert_no_secret(&format!("{error:#?}"));
    }
    assert!(!format!("{:?}", errors[0]).contains("s3rv3r"));
    assert!(matches!(errors[1].kind(), ErrorKind::Transport { .. }));
    assert!(matches!(
        errors[2].kind(),
        ErrorKind::MissingCredentials { .. }
    ));
}

/// A tracing subscriber that writes every span and event field into a string.
struct Capture {
    text: Arc<Mutex<String>>,
    next_id: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        // Only the runtime's own spans and events (not those of hyper and reqwest).
        metadata.target().contains("runtime::http")
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut text = self.text.lock().expect("lock");
        let _ = write!(text, "\nspan {}: ", span.metadata().name());
        span.record(&mut Fields(&mut text));
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst))
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.text.lock().expect("lock")));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = self.text.lock().expect("lock");
        text.push_str("\nevent: ");
        event.record(&mut Fields(&mut text));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tracing_shows_the_operation_but_no_url_or_secret() {
    let text = Arc::new(Mutex::new(String::new()));
    let _guard = tracing::subscriber::set_default(Capture {
        text: Arc::clone(&text),
        next_id: AtomicU64::new(1),
    });
    // Other tests' threads may have cached "no interest" for the runtime's callsites
    // before this thread's subscriber existed; a registration already under way on
    // another thread could store its "never" after the first rebuild, so rebuild again
    // once it has had time to finish.
    tracing::callsite::rebuild_interest_cache();
    tokio::time::sleep(Duration::from_millis(50)).await;
    tracing::callsite::rebuild_interest_cache();
    let server = Server::start(vec![json_reply(503, "{}"), json_reply(200, "[]")]).await;
    let core = all_credentials(ClientCore::new(server.url())).with_retry(fast_retry());
    let mut request = Request::new("/items".to_owned());
    request.query = vec![("q".to_owned(), "needle-in-query".to_owned())];
    core.execute(&ALL_KEYS, request).await.expect("response");

    let text = text.lock().expect("lock").clone();
    assert!(text.contains("span http_operation: "), "{text}");
    assert!(text.contains("operation=\"all_keys\""), "{text}");
    assert!(text.contains("method=GET"), "{text}");
    assert!(text.contains("path=\"/items\""), "{text}");
    assert!(text.contains("attempt=1 status=503"), "{text}");
    assert!(text.contains("attempt=2 status=200"), "{text}");
    assert!(text.contains("latency_ms="), "{text}");
    assert!(text.contains("retry_in_ms="), "{text}");
    assert!(!text.contains("needle-in-query"), "{text}");
    assert!(!text.contains("127.0.0.1"), "{text}");
    assert_no_secret(&text);
}

// ---------------------------------------------------------------------------------------
// Parameter encoding (OpenAPI 3.0.3 style examples)
// ---------------------------------------------------------------------------------------

#[derive(Serialize)]
struct Rgb {
    #[serde(rename = "R")]
    r: u8,
    #[serde(rename = "G")]
    g: u8,
    #[serde(rename = "B")]
    b: u8,
}

const RGB: Rgb = Rgb {
    r: 100,
    g: 200,
    b: 150,
};
const ARRAY: [&str; 3] = ["blue", "black", "brown"];

#[test]
fn path_styles_follow_the_spec_table() {
    use Style::{Label, Matrix, Simple};
    let cases: [(Style, bool, [&str; 4]); 6] = [
        (
            Matrix,
            false,
            [
                ";color",
                ";color=blue",
                ";color=blue,black,brown",
                ";color=R,100,G,200,B,150",
            ],
        ),
        (
            Matrix,
            true,
            [
                ";color",
                ";color=blue",
                ";color=blue;color=black;color=brown",
                ";R=100;G=200;B=150",
            ],
        ),
        (
            Label,
            false,
            [".", ".blue", ".blue.black.brown", ".R.100.G.200.B.150"],
        ),
        (
            Label,
            true,
            [".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"],
        ),
        (
            Simple,
            false,
            ["", "blue", "blue,black,brown", "R,100,G,200,B,150"],
        ),
        (
            Simple,
            true,
            ["", "blue", "blue,black,brown", "R=100,G=200,B=150"],
        ),
    ];
    for (style, explode, [empty, string, array, object]) in cases {
        let context = format!("{style:?} explode={explode}");
        assert_eq!(path_param("color", &"", style, explode), empty, "{context}");
        assert_eq!(
            path_param("color", &None::<String>, style, explode),
            empty,
            "{context}"
        );
        assert_eq!(
            path_param("color", &"blue", style, explode),
            string,
            "{context}"
        );
        assert_eq!(
            path_param("color", &ARRAY, style, explode),
            array,
            "{context}"
        );
        assert_eq!(
            path_param("color", &RGB, style, explode),
            object,
            "{context}"
        );
    }
    // The spec's path examples with the numbers 3, 4, 5.
    assert_eq!(path_param("id", &[3, 4, 5], Style::Simple, false), "3,4,5");
    assert_eq!(path_param("id", &[3, 4, 5], Style::Label, false), ".3.4.5");
    assert_eq!(path_param("id", &[3, 4, 5], Style::Label, true), ".3.4.5");
    assert_eq!(
        path_param("id", &[3, 4, 5], Style::Matrix, false),
        ";id=3,4,5"
    );
    assert_eq!(
        path_param("id", &[3, 4, 5], Style::Matrix, true),
        ";id=3;id=4;id=5"
    );
    assert_eq!(path_param("id", &5, Style::Simple, false), "5");
    assert_eq!(path_param("ok", &true, Style::Matrix, false), ";ok=true");
    assert_eq!(path_param("x", &1.5, Style::Label, false), ".1.5");
}

#[test]
fn path_values_are_percent_encoded() {
    assert_eq!(
        path_param("p", &"a/b?c#d e%f", Style::Simple, false),
        "a%2Fb%3Fc%23d%20e%25f"
    );
    assert_eq!(
        path_param("p", &["a,b", "c;d"], Style::Simple, false),
        "a%2Cb,c%3Bd"
    );
    assert_eq!(path_param("p", &"x=y", Style::Matrix, false), ";p=x%3Dy");
    assert_eq!(
        path_param("p", &"héllo", Style::Simple, false),
        "h%C3%A9llo"
    );
    assert_eq!(
        path_param("p", &"a-b.c_d~e", Style::Simple, false),
        "a-b.c_d~e"
    );
}

fn query(value: &impl Serialize, style: Style, explode: bool) -> String {
    let mut out = Vec::new();
    query_param(&mut out, "color", value, style, explode);
    out.iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn query_styles_follow_the_spec_table() {
    use Style::{DeepObject, Form, PipeDelimited, SpaceDelimited};
    assert_eq!(query(&"", Form, false), "color=");
    assert_eq!(query(&"", Form, true), "color=");
    assert_eq!(query(&"blue", Form, false), "color=blue");
    assert_eq!(query(&"blue", Form, true), "color=blue");
    assert_eq!(query(&ARRAY, Form, false), "color=blue,black,brown");
    assert_eq!(
        query(&ARRAY, Form, true),
        "color=blue&color=black&color=brown"
    );
    assert_eq!(query(&RGB, Form, false), "color=R,100,G,200,B,150");
    assert_eq!(query(&RGB, Form, true), "R=100&G=200&B=150");
    // Pairs come out percent-encoded, delimiters included (space %20, pipe %7C).
    assert_eq!(
        query(&ARRAY, SpaceDelimited, false),
        "color=blue%20black%20brown"
    );
    assert_eq!(
        query(&RGB, SpaceDelimited, false),
        "color=R%20100%20G%20200%20B%20150"
    );
    assert_eq!(
        query(&ARRAY, PipeDelimited, false),
        "color=blue%7Cblack%7Cbrown"
    );
    assert_eq!(
        query(&RGB, PipeDelimited, false),
        "color=R%7C100%7CG%7C200%7CB%7C150"
    );
    // A delimiter inside a value is encoded, so it stays distinct from the separator.
    assert_eq!(query(&["a b", "c,d"], Form, false), "color=a%20b,c%2Cd");
    assert_eq!(
        query(&ARRAY, SpaceDelimited, true),
        "color=blue&color=black&color=brown"
    );
    assert_eq!(
        query(&ARRAY, PipeDelimited, true),
        "color=blue&color=black&color=brown"
    );
    assert_eq!(
        query(&RGB, DeepObject, true),
        "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"
    );

    // Absent values add nothing; numbers and booleans are JSON text.
    for (style, explode) in [
        (Form, true),
        (Form, false),
        (DeepObject, true),
        (PipeDelimited, false),
    ] {
        assert_eq!(query(&None::<u8>, style, explode), "");
        assert_eq!(query(&Vec::<u8>::new(), style, explode), "");
        assert_eq!(query(&json!({}), style, explode), "");
    }
    assert_eq!(query(&Some(3), Form, true), "color=3");
    assert_eq!(query(&false, Form, true), "color=false");
    assert_eq!(
        query(
            &json!({"a": {"b": 1, "c": null}, "d": [1, 2]}),
            DeepObject,
            true
        ),
        "color%5Ba%5D%5Bb%5D=1&color%5Bd%5D=1&color%5Bd%5D=2"
    );
    assert_eq!(query(&json!({"a": 1, "b": null}), Form, true), "a=1");
}

#[test]
fn header_form_and_text_encoding() {
    assert_eq!(header_value(&"blue", false), "blue");
    assert_eq!(header_value(&ARRAY, false), "blue,black,brown");
    assert_eq!(header_value(&ARRAY, true), "blue,black,brown");
    assert_eq!(header_value(&RGB, false), "R,100,G,200,B,150");
    assert_eq!(header_value(&RGB, true), "R=100,G=200,B=150");
    assert_eq!(header_value(&42, false), "42");

    let pairs = form_pairs(&json!({
        "name": "Rex",
        "tags": ["a", "b"],
        "age": 3,
        "missing": null,
        "meta": {"k": "v"},
    }))
    .expect("pairs");
    let expected = [
        ("name", "Rex"),
        ("tags", "a"),
        ("tags", "b"),
        ("age", "3"),
        ("meta", r#"{"k":"v"}"#),
    ];
    assert_eq!(
        pairs,
        expected.map(|(k, v)| (k.to_owned(), v.to_owned())).to_vec()
    );
    assert_eq!(form_pairs(&None::<u8>), Ok(Vec::new()));
    assert!(form_pairs(&[1, 2])
        .expect_err("not an object")
        .contains("an array"));

    assert_eq!(to_text(&"raw \"text\""), "raw \"text\"");
    assert_eq!(to_text(&1.25), "1.25");
    assert_eq!(to_text(&true), "true");
    assert_eq!(to_text(&None::<u8>), "null");
    assert_eq!(to_text(&[1, 2]), "[1,2]");
    assert_eq!(to_text(&json!({"a": "b"})), r#"{"a":"b"}"#);
}

// ---------------------------------------------------------------------------------------
// Model structs: serde through `model::serde_impls!` (what generated structs use)
// ---------------------------------------------------------------------------------------

mod models {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::runtime::model;

    /// Like a generated struct: a raw identifier, a renamed property, an optional and a
    /// required nullable one.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Pet {
        pub r#type: String,
        pub pet_name: Option<String>,
        pub tag: Option<String>,
        pub owner: Option<String>,
    }
    model::serde_impls! {
        Pet {
            r#type: "type" required,
            pet_name: "petName" optional,
            tag: "tag" optional,
            owner: "owner" required,
        }
        unknown: ignore
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Closed {
        pub a: Option<i64>,
    }
    model::serde_impls! {
        Closed {
            a: "a" optional,
        }
        unknown: deny
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Open {
        pub name: String,
        pub extra: BTreeMap<String, i64>,
    }
    model::serde_impls! {
        Open {
            name: "name" required,
        }
        unknown: extra(extra)
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Empty {}
    model::serde_impls! {
        Empty {
        }
        unknown: ignore
    }

    fn error<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: serde_json::Value) -> String {
        serde_json::from_value::<T>(value)
            .expect_err("must be refused")
            .to_string()
    }

    #[test]
    fn properties_round_trip_in_declaration_order_with_absent_optionals_left_out() {
        let pet = Pet {
            r#type: "cat".to_owned(),
            pet_name: Some("Tom".to_owned()),
            tag: None,
            owner: None,
        };
        let text = serde_json::to_string(&pet).unwrap();
        // Required nullable `owner` is written as null; absent optional `tag` is not.
        assert_eq!(text, r#"{"type":"cat","petName":"Tom","owner":null}"#);
        assert_eq!(serde_json::from_str::<Pet>(&text).unwrap(), pet);
    }

    #[test]
    fn missing_required_is_an_error_even_when_nullable_and_unknown_keys_are_skipped() {
        assert_eq!(error::<Pet>(json!({"owner": "x"})), "missing field `type`");
        // `required` is about the key: a required nullable property must be there, as
        // `null` at least (JSON Schema refuses the object without it).
        assert_eq!(
            error::<Pet>(json!({"type": "dog"})),
            "missing field `owner`"
        );
        let pet: Pet = serde_json::from_value(
            json!({"type": "dog", "other": [1, {"x": 2}], "tag": null, "owner": null}),
        )
        .unwrap();
        assert_eq!(pet.owner, None);
        assert_eq!(pet.tag, None);
        assert_eq!(pet.r#type, "dog");
    }

    #[test]
    fn a_property_given_twice_is_an_error() {
        let message = serde_json::from_str::<Pet>(r#"{"type":"a","type":"b"}"#)
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("duplicate field `type`"), "{message}");
    }

    #[test]
    fn wrong_types_and_non_objects_are_errors() {
        let message = error::<Pet>(json!({"type": 5}));
        assert!(
            message.starts_with("invalid type: integer `5`, expected a string"),
            "{message}"
        );
        assert_eq!(
            error::<Pet>(json!([1])),
            "invalid type: sequence, expected struct Pet"
        );
    }

    #[test]
    fn errors_from_text_carry_one_position_where_they_happened() {
        let message = serde_json::from_str::<Pet>("{\n  \"type\": 5}")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "invalid type: integer `5`, expected a string at line 2 column 11"
        );
        let message = serde_json::from_str::<Pet>("{\"owner\": null}")
            .unwrap_err()
            .to_string();
        assert_eq!(message, "missing field `type` at line 1 column 15");
        let message =
            serde_json::from_str::<Vec<Pet>>(r#"[{"type": "a", "owner": null}, {"type": []}]"#)
                .unwrap_err()
                .to_string();
        assert!(message.starts_with("invalid type: sequence"), "{message}");
        assert!(message.ends_with("at line 1 column 40"), "{message}");
    }

    #[test]
    fn closed_structs_refuse_unknown_keys() {
        assert_eq!(
            error::<Closed>(json!({"a": 1, "b": 2})),
            "unknown field `b`, expected `a`"
        );
        assert_eq!(
            serde_json::from_value::<Closed>(json!({"a": 1})).unwrap(),
            Closed { a: Some(1) }
        );
    }

    #[test]
    fn open_structs_keep_unknown_keys_and_write_them_after_the_named_ones() {
        let open: Open = serde_json::from_value(json!({"z": 1, "name": "n", "a": 2})).unwrap();
        assert_eq!(open.name, "n");
        assert_eq!(
            open.extra,
            BTreeMap::from([("a".to_owned(), 2), ("z".to_owned(), 1)])
        );
        assert_eq!(
            serde_json::to_string(&open).unwrap(),
            r#"{"name":"n","a":2,"z":1}"#
        );
        let message = error::<Open>(json!({"name": "n", "a": "not a number"}));
        assert!(message.starts_with("invalid type: string"), "{message}");
    }

    #[test]
    fn empty_structs_are_empty_objects() {
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
        assert_eq!(
            serde_json::from_value::<Empty>(json!({"x": 1})).unwrap(),
            Empty {}
        );
    }
}

/// Spec patterns run on a linear-time engine where ECMAScript's meaning can be kept, so a
/// value can never hang the client (found by `cargo xtask conformance` on loket.nl's spec:
/// its e-mail pattern took minutes with a backtracking engine on a near-miss).
mod patterns {
    use super::runtime::pattern::{translate, Pattern};

    /// loket.nl's `emailAddressPeriodReadyForPayroll` pattern (nested quantifiers).
    const EMAIL: &str = r"^((([a-z]|\d|[!#\$%&'\*\+\-\/=\?\^_`{\|}~]|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])+(\.([a-z]|\d|[!#\$%&'\*\+\-\/=\?\^_`{\|}~]|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])+)*)|((\x22)((((\x20|\x09)*(\x0d\x0a))?(\x20|\x09)+)?(([\x01-\x08\x0b\x0c\x0e-\x1f\x7f]|\x21|[\x23-\x5b]|[\x5d-\x7e]|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])|(\\([\x01-\x09\x0b\x0c\x0d-\x7f]|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF]))))*(((\x20|\x09)*(\x0d\x0a))?(\x20|\x09)+)?(\x22)))@((([a-z]|\d|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])|(([a-z]|\d|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])([a-z]|\d|-||_|~|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])*([a-z]|\d|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])))\.)+(([a-z]|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])+|(([a-z]|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])+([a-z]+|\d|-|\.{0,1}|_|~|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])?([a-z]|[\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF])))$";

    #[test]
    fn a_catastrophic_pattern_is_matched_in_linear_time() {
        static PATTERN: Pattern = Pattern::new(EMAIL);
        assert!(PATTERN.is_linear(), "{:?}", translate(EMAIL));
        assert_eq!(PATTERN.is_match("jane.doe@example.com"), Some(true));
        // The near-miss that kept a backtracking engine busy for minutes.
        let near_miss = format!("{}@{}!", "a.".repeat(40), "b-".repeat(40));
        assert_eq!(PATTERN.is_match(&near_miss), Some(false));
    }

    /// Both engines answer the same on ECMAScript's own meaning of `\d`, `\w`, `\s`,
    /// `.`, escapes and class edge cases.
    #[test]
    fn the_translation_keeps_ecmascript_semantics() {
        let cases: &[(&str, &[&str])] = &[
            (r"^\d{3}$", &["123", "12a", "١٢٣"]),
            (r"^\w+$", &["ab_9", "é", "a-b"]),
            (r"^\s$", &[" ", "\u{FEFF}", "\u{2028}", "x", "\u{85}"]),
            (r"^.$", &["a", "\n", "\r", "\u{2028}", "é"]),
            (r"^[\d-]+$", &["1-2", "a"]),
            (r"^[-a-c]+$", &["-a", "d"]),
            (r"^[a-c-]+$", &["c-", "d"]),
            (r"^[\^&~\[]+$", &["^&~[", "a"]),
            (r"^\u00e9\x41$", &["éA", "eA"]),
            (r"^a\/b\.c$", &["a/b.c", "a/bxc"]),
            (r"^(?:ab|cd)+$", &["abcd", "abc"]),
            (r"^(?<year>\d{4})-\d{2}$", &["2024-01", "24-01"]),
            (r"[A-Z]{2}", &["xxAByy", "xAy"]),
            (r"^\S+@\S+$", &["a@b", "a @b"]),
            (r"^[^\s]+$", &["ab", "a b"]),
            (r"^#[0-9a-fA-F]{6}$", &["#a0B1c2", "#a0B1c"]),
        ];
        for (source, inputs) in cases {
            let reference = regress::Regex::new(source).expect("valid ECMAScript");
            assert!(translate(source).is_some(), "{source} should translate");
            let pattern = Pattern::new(Box::leak(source.to_string().into_boxed_str()));
            for input in *inputs {
                assert_eq!(
                    pattern.is_match(input),
                    Some(reference.find(input).is_some()),
                    "{source} on {input:?}"
                );
            }
        }
    }

    /// Ruby's anchors, as linode.com writes them (found by `cargo xtask conformance`: every
    /// domain in its responses was refused): `\A`...`\Z` anchor, they are not letters.
    #[test]
    fn pcre_anchors_anchor() {
        static DOMAIN: Pattern = Pattern::new(
            r"\A(\*\.)?([a-zA-Z0-9-_]{1,63}\.)+([a-zA-Z]{2,3}\.)?([a-zA-Z]{2,16}|xn--[a-zA-Z0-9]+)\Z",
        );
        assert_eq!(DOMAIN.is_match("example.org"), Some(true));
        assert_eq!(DOMAIN.is_match("*.example.org"), Some(true));
        assert_eq!(DOMAIN.is_match("not a domain"), Some(false));
        assert_eq!(
            DOMAIN.is_match("x example.org"),
            Some(false),
            "anchored at the start"
        );
        assert!(DOMAIN.is_linear());
        // In a class, or escaped, nothing changes.
        assert_eq!(Pattern::new(r"^[\A]$").is_match("A"), Some(true));
        assert_eq!(Pattern::new(r"^\\A$").is_match("\\A"), Some(true));
        assert_eq!(Pattern::new(r"\Aab\z").is_match("ab"), Some(true));
        assert_eq!(Pattern::new(r"\Aab\z").is_match("cab"), Some(false));
    }

    /// What has no faithful translation stays on the ECMAScript engine, with its meaning.
    #[test]
    fn backreferences_lookaround_and_word_boundaries_fall_back() {
        for (source, yes, no) in [
            (r"^(a)\1$", "aa", "ab"),
            (r"^a(?=b)", "ab", "ac"),
            (r"\bcat\b", "a cat", "concat"),
            (r"^[\d-x]$", "-", "y"),
        ] {
            assert_eq!(translate(source), None, "{source}");
            let pattern = Pattern::new(source);
            assert!(!pattern.is_linear());
            assert_eq!(pattern.is_match(yes), Some(true), "{source} on {yes}");
            assert_eq!(pattern.is_match(no), Some(false), "{source} on {no}");
        }
        assert_eq!(Pattern::new("(").is_match("x"), None, "invalid ECMAScript");
    }
}

/// Base64 with non-zero trailing bits (`...EmC==`, from Adyen's own example) decodes, as
/// JSON Schema validators read it; both alphabets, padded or not (found by conformance).
#[test]
fn base64_decoding_is_lenient_about_padding_and_trailing_bits() {
    use runtime::values::Base64;
    for text in [
        "aGVsbG8=",
        "aGVsbG8",
        "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBv+f/ub0j6JPRX+E3EmC==",
        "-_8",
    ] {
        let decoded: Result<Base64, _> = serde_json::from_value(json!(text));
        assert!(decoded.is_ok(), "{text}");
    }
    assert!(serde_json::from_value::<Base64>(json!("not base64!")).is_err());
}

// ---------------------------------------------------------------------------------------
// Hooks, credential providers, raw requests
// ---------------------------------------------------------------------------------------

/// Records what it sees and signs each attempt with a header.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl runtime::Hook for Recorder {
    fn before_attempt(&self, info: &runtime::AttemptInfo<'_>, request: &mut reqwest::Request) {
        self.seen.lock().unwrap().push(format!(
            "before {} {} {} #{}",
            info.operation, info.method, info.path_template, info.attempt
        ));
        request.headers_mut().insert(
            "x-signature",
            HeaderValue::from_str(&format!("sig-{}", info.attempt)).unwrap(),
        );
    }

    fn after_response(
        &self,
        info: &runtime::AttemptInfo<'_>,
        status: StatusCode,
        headers: &HeaderMap,
    ) {
        let request_id = headers
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_owned());
        self.seen.lock().unwrap().push(format!(
            "after {} #{} {} {request_id:?}",
            info.operation,
            info.attempt,
            status.as_u16()
        ));
    }
}

#[tokio::test]
async fn hooks_see_every_attempt_and_can_sign_it() {
    let server = Server::start(vec![
        Step::Respond(reply(503, &[("x-request-id", "r1")], "")),
        json_reply(200, r#"{"id":1}"#),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    let core = ClientCore::new(server.url())
        .with_credential("bearerAuth", Credential::bearer(TOKEN))
        .with_retry(fast_retry())
        .with_hook(Arc::clone(&recorder));
    let response = core
        .execute(&GET_PET, Request::new("/pets/1".to_owned()))
        .await
        .expect("the retry succeeds");
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "before get_pet GET /pets/{petId} #1",
            "after get_pet #1 503 Some(\"r1\")",
            "before get_pet GET /pets/{petId} #2",
            "after get_pet #2 200 None",
        ]
    );
    let requests = server.requests();
    assert!(
        lower(&requests[0]).contains("x-signature: sig-1\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        lower(&requests[1]).contains("x-signature: sig-2\r\n"),
        "{}",
        requests[1]
    );
}

/// Hands out a new token per call, as a refreshing provider would; fails when told to.
struct Tokens {
    calls: AtomicUsize,
    fail: bool,
}

impl runtime::CredentialProvider for Tokens {
    fn credential<'a>(&'a self, scheme: &'a str) -> runtime::CredentialFuture<'a> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if self.fail {
                return Err(format!(
                    "no token for {scheme}: the identity server is down"
                ));
            }
            tokio::task::yield_now().await;
            Ok(Credential::bearer(format!("fresh-{n}")))
        })
    }
}

#[tokio::test]
async fn a_credential_provider_is_asked_once_per_call_and_its_failure_sends_nothing() {
    let server = Server::start(vec![json_reply(200, r#"{"id":1}"#)]).await;
    let core = ClientCore::new(server.url())
        // A fixed credential for the same scheme loses to the provider.
        .with_credential("bearerAuth", Credential::bearer("stale"))
        .with_credential_provider(
            "bearerAuth",
            Tokens {
                calls: AtomicUsize::new(0),
                fail: false,
            },
        );
    for _ in 0..2 {
        core.execute(&GET_PET, Request::new("/pets/1".to_owned()))
            .await
            .expect("response");
    }
    // Not asked for an operation that needs no credentials.
    core.execute(&CREATE_PET, Request::new("/pets".to_owned()))
        .await
        .expect("response");
    let requests = server.requests();
    assert!(
        lower(&requests[0]).contains("authorization: bearer fresh-1\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        lower(&requests[1]).contains("authorization: bearer fresh-2\r\n"),
        "{}",
        requests[1]
    );
    assert!(
        !lower(&requests[2]).contains("authorization"),
        "{}",
        requests[2]
    );

    let failing = ClientCore::new(server.url()).with_credential_provider(
        "bearerAuth",
        Tokens {
            calls: AtomicUsize::new(0),
            fail: true,
        },
    );
    let error = failing
        .execute(&GET_PET, Request::new("/pets/1".to_owned()))
        .await
        .expect_err("the provider failed");
    assert!(
        matches!(error.kind(), runtime::ErrorKind::CredentialProvider { scheme, .. } if scheme == "bearerAuth")
    );
    assert!(
        error.to_string().contains("the identity server is down"),
        "{error}"
    );
    assert_eq!(server.count(), 3, "nothing more was sent");
}

static RAW_SECURITY: &[&[&SecurityScheme]] = &[&[&BEARER], &[]];

#[tokio::test]
async fn a_raw_request_goes_through_auth_retries_and_hooks() {
    let server = Server::start(vec![
        Step::Respond(reply(503, &[], "")),
        json_reply(200, r#"{"ok":true}"#),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    let core = ClientCore::new(format!("{}/api", server.url()))
        .with_credential("bearerAuth", Credential::bearer(TOKEN))
        .with_retry(fast_retry())
        .with_hook(Arc::clone(&recorder));
    let response = core
        .raw(RAW_SECURITY, Method::PUT, "/undocumented/thing")
        .query("a b", "c&d")
        .header("x-extra", "1")
        .json(&json!({"k": "v"}))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status, StatusCode::OK);
    let value = response
        .json::<serde_json::Value, Infallible>()
        .expect("json");
    assert_eq!(value.into_inner(), json!({"ok": true}));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        2,
        "a PUT is idempotent: retried after the 503"
    );
    assert!(
        requests[1].starts_with("PUT /api/undocumented/thing?a%20b=c%26d HTTP/1.1\r\n"),
        "{}",
        requests[1]
    );
    assert!(lower(&requests[1]).contains(&lower(&format!("authorization: Bearer {TOKEN}\r\n"))));
    assert!(lower(&requests[1]).contains("x-extra: 1\r\n"));
    assert!(requests[1].ends_with(r#"{"k":"v"}"#), "{}", requests[1]);
    assert_eq!(
        recorder.seen.lock().unwrap()[0],
        "before raw PUT /api/undocumented/thing #1"
    );
    // Without credentials the anonymous alternative applies.
    let anonymous = ClientCore::new(server.url());
    anonymous
        .raw(RAW_SECURITY, Method::GET, "/open")
        .send()
        .await
        .expect("anonymous is allowed");
    assert!(!lower(&server.requests()[2]).contains("authorization"));
}
