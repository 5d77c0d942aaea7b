//! Per-request overhead of the generated client against plain `reqwest`.
//!
//! Both clients make the same request, `POST /suno/v2/customModel/create` with a
//! `CreateCustomModelDto` of 6 clip ids, a bearer token, `content-type` and `accept`,
//! to an in-process HTTP/1.1 server on 127.0.0.1 that answers every request with
//! `201 Created` and a `TaskIdDto`:
//!
//! - **generated**: `mountsea_suno::Client::custom_model_create(&body)`;
//! - **reqwest**: what a careful hand-written client does: build the URL, set the
//!   headers, serialize the body with serde, send, check for 201 and deserialize
//!   `{"taskId": ...}` into a small `#[derive(Deserialize)]` struct.
//!
//! Each side has one `reqwest::Client` (keep-alive, so one connection each) and sends
//! one request at a time, so the numbers are per-request latency and overhead, not
//! throughput under concurrency. The clients run on a current-thread tokio runtime;
//! the server has its own thread and runtime.
//!
//! After a warm-up, the two sides take turns for several rounds of N requests each.
//! Within a round they alternate in blocks of 100 requests (the order flips every
//! block), so both sides' requests of a round are spread over the same stretch of
//! time and machine noise hits both alike; the median round of each side is kept.
//!
//! ```sh
//! cargo bench -p tests --bench client_roundtrip
//! CLIENT_BENCH_REQUESTS=5000 cargo bench -p tests --bench client_roundtrip
//! ```
//!
//! A table goes to stderr, and one line of JSON to stdout:
//! `{"client_roundtrip":{"requests_per_round":..,"rounds":..,"generated_rps":..,
//! "reqwest_rps":..,"ratio":..,"generated_us_median":..,"reqwest_us_median":..}}`,
//! where `ratio` is `reqwest_rps / generated_rps` (above 1: the generated client is
//! slower) and the `_us_median`s are the median latency of single requests over all
//! rounds.
//!
//! Run without `--bench` (as `cargo test --benches` does), it makes a few requests
//! only, to check that it works.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mountsea_suno::types::CreateCustomModelDto;
use reqwest::header::ACCEPT;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const PATH: &str = "/suno/v2/customModel/create";
const TOKEN: &str = "bench-token-5f0c2a9e7b3d41c6";
const TASK_ID: &str = "15c257ff-43f7-4678-bd41-202ad6b8488b";
const SESSION_ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const MODEL_NAME: &str = "v6Pro";
const CLIPS: usize = 6;

const REQUESTS_VAR: &str = "CLIENT_BENCH_REQUESTS";
const DEFAULT_REQUESTS: usize = 2000;
const ROUNDS: usize = 7;
const WARMUP: usize = 500;
/// Within a round, the sides alternate every this many requests.
const BLOCK: usize = 100;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: a smoke run then.
    let bench = std::env::args().any(|arg| arg == "--bench");
    let settings = if bench {
        Settings {
            smoke: false,
            requests: requests_per_round(),
            rounds: ROUNDS,
            warmup: WARMUP,
        }
    } else {
        Settings {
            smoke: true,
            requests: 20,
            rounds: 1,
            warmup: 5,
        }
    };

    let server = Server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let results = runtime.block_on(run(&settings, &server.base_url()));
    drop(runtime);
    let stats = server.stop();

    // Keep-alive held: one connection per client for the whole run.
    assert_eq!(
        stats.connections, 2,
        "expected one kept-alive connection per client"
    );
    assert_eq!(stats.errors, 0, "the server failed on a connection");
    check_same_request(&stats.first_requests);

    report(&settings, &results);
}

struct Settings {
    /// A quick check that everything works (no `--bench`): the numbers mean nothing.
    smoke: bool,
    requests: usize,
    rounds: usize,
    warmup: usize,
}

fn requests_per_round() -> usize {
    match std::env::var(REQUESTS_VAR) {
        Ok(text) => match text.trim().parse::<usize>() {
            Ok(count) if count > 0 => count,
            _ => panic!("{REQUESTS_VAR} must be a positive integer, got {text:?}"),
        },
        Err(std::env::VarError::NotPresent) => DEFAULT_REQUESTS,
        Err(error) => panic!("{REQUESTS_VAR}: {error}"),
    }
}

// ---------------------------------------------------------------------------------
// The two clients
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Generated,
    Reqwest,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Self::Generated => "generated",
            Self::Reqwest => "reqwest",
        }
    }
}

/// The hand-written request body (same fields, same order as `CreateCustomModelDto`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainCreateBody {
    session_id: uuid::Uuid,
    clip_ids: Vec<String>,
    name: String,
}

/// The hand-written response type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainTaskId {
    task_id: String,
}

/// A careful hand-written client: one `reqwest::Client`, the token and the base URL.
struct PlainClient {
    http: reqwest::Client,
    base_url: String,
    token: String,
}

impl PlainClient {
    async fn custom_model_create(&self, body: &PlainCreateBody) -> Result<PlainTaskId, String> {
        let response = self
            .http
            .post(format!("{}{PATH}", self.base_url))
            .bearer_auth(&self.token)
            .header(ACCEPT, "application/json")
            .json(body)
            .send()
            .await
            .map_err(|error| error.to_string())?;
        if response.status() != StatusCode::CREATED {
            return Err(format!("unexpected status {}", response.status()));
        }
        response
            .json::<PlainTaskId>()
            .await
            .map_err(|error| error.to_string())
    }
}

struct Clients {
    generated: mountsea_suno::Client,
    generated_body: CreateCustomModelDto,
    plain: PlainClient,
    plain_body: PlainCreateBody,
}

impl Clients {
    fn new(base_url: &str) -> Self {
        let clip_ids: Vec<String> = (0..CLIPS)
            .map(|i| format!("cd0440d8-ae0f-4c0b-af4f-149eaa0c38c{i}"))
            .collect();
        let session_id: uuid::Uuid = SESSION_ID.parse().expect("session id");
        Self {
            generated: mountsea_suno::Client::new()
                .with_base_url(base_url)
                .with_bearer_auth(TOKEN),
            generated_body: CreateCustomModelDto::new(session_id, clip_ids.clone(), MODEL_NAME)
                .expect("6 clip ids satisfy minItems"),
            plain: PlainClient {
                http: reqwest::Client::new(),
                base_url: base_url.to_owned(),
                token: TOKEN.to_owned(),
            },
            plain_body: PlainCreateBody {
                session_id,
                clip_ids,
                name: MODEL_NAME.to_owned(),
            },
        }
    }

    /// One round trip; panics on any failure or a wrong answer.
    async fn call(&self, side: Side) {
        let task_id = match side {
            Side::Generated => {
                self.generated
                    .custom_model_create(&self.generated_body)
                    .await
                    .unwrap_or_else(|error| panic!("generated client: {error}"))
                    .into_inner()
                    .task_id
            }
            Side::Reqwest => {
                self.plain
                    .custom_model_create(&self.plain_body)
                    .await
                    .unwrap_or_else(|error| panic!("reqwest client: {error}"))
                    .task_id
            }
        };
        assert_eq!(task_id, TASK_ID, "{} client: wrong taskId", side.name());
    }

    /// `count` sequential requests; the whole time, and each request's latency appended
    /// to `latencies` (nanoseconds).
    async fn run(&self, side: Side, count: usize, latencies: &mut Vec<u64>) -> Duration {
        let started = Instant::now();
        for _ in 0..count {
            let sent = Instant::now();
            self.call(side).await;
            latencies.push(nanos(sent.elapsed()));
        }
        started.elapsed()
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------

/// One side's measurements.
#[derive(Default)]
struct SideResults {
    /// Requests per second of each round, in round order.
    rps: Vec<f64>,
    /// Every measured request's latency in nanoseconds (all rounds).
    latencies: Vec<u64>,
}

struct Results {
    generated: SideResults,
    reqwest: SideResults,
}

async fn run(settings: &Settings, base_url: &str) -> Results {
    let clients = Clients::new(base_url);
    let mut scratch = Vec::with_capacity(settings.warmup);
    // Generated first: the server's first connection is the generated client's.
    for side in [Side::Generated, Side::Reqwest] {
        clients.run(side, settings.warmup, &mut scratch).await;
    }

    let mut results = Results {
        generated: SideResults::default(),
        reqwest: SideResults::default(),
    };
    for side_results in [&mut results.generated, &mut results.reqwest] {
        side_results.latencies = Vec::with_capacity(settings.requests * settings.rounds);
    }
    for round in 0..settings.rounds {
        let (mut generated, mut plain) = (Duration::ZERO, Duration::ZERO);
        for (block, start) in (0..settings.requests).step_by(BLOCK).enumerate() {
            let count = BLOCK.min(settings.requests - start);
            let order = if (round + block) % 2 == 0 {
                [Side::Generated, Side::Reqwest]
            } else {
                [Side::Reqwest, Side::Generated]
            };
            for side in order {
                match side {
                    Side::Generated => {
                        generated += clients
                            .run(side, count, &mut results.generated.latencies)
                            .await;
                    }
                    Side::Reqwest => {
                        plain += clients
                            .run(side, count, &mut results.reqwest.latencies)
                            .await;
                    }
                }
            }
        }
        let per_second = |elapsed: Duration| settings.requests as f64 / elapsed.as_secs_f64();
        results.generated.rps.push(per_second(generated));
        results.reqwest.rps.push(per_second(plain));
    }
    results
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// The `q` quantile (0..=1) of latencies, in microseconds (nearest rank).
fn quantile_us(latencies: &mut [u64], q: f64) -> f64 {
    latencies.sort_unstable();
    let rank = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len());
    latencies[rank - 1] as f64 / 1000.0
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10_f64.powi(decimals);
    (value * scale).round() / scale
}

fn report(settings: &Settings, results: &Results) {
    let generated_rps = median(&results.generated.rps);
    let reqwest_rps = median(&results.reqwest.rps);
    let ratio = reqwest_rps / generated_rps;
    let mut generated_latencies = results.generated.latencies.clone();
    let mut reqwest_latencies = results.reqwest.latencies.clone();
    let generated_p50 = quantile_us(&mut generated_latencies, 0.5);
    let reqwest_p50 = quantile_us(&mut reqwest_latencies, 0.5);
    let generated_p99 = quantile_us(&mut generated_latencies, 0.99);
    let reqwest_p99 = quantile_us(&mut reqwest_latencies, 0.99);

    eprintln!();
    eprintln!(
        "client_roundtrip: POST {PATH}, {} rounds x {} sequential requests per client \
         (alternating every {BLOCK}, warm-up {} each), one kept-alive connection per client",
        settings.rounds, settings.requests, settings.warmup
    );
    eprintln!();
    eprintln!(
        "{:<7} {:>15} {:>15} {:>10}",
        "round", "generated/s", "reqwest/s", "overhead"
    );
    let rounds = results.generated.rps.iter().zip(&results.reqwest.rps);
    for (round, (generated, plain)) in rounds.enumerate() {
        eprintln!(
            "{:<7} {:>15.1} {:>15.1} {:>+9.2}%",
            round + 1,
            generated,
            plain,
            (plain / generated - 1.0) * 100.0
        );
    }
    eprintln!(
        "{:<7} {:>15.1} {:>15.1} {:>+9.2}%",
        "median",
        generated_rps,
        reqwest_rps,
        (ratio - 1.0) * 100.0
    );
    eprintln!();
    eprintln!(
        "per request ({} each): generated p50 {generated_p50:.1} us, p99 {generated_p99:.1} us; \
         reqwest p50 {reqwest_p50:.1} us, p99 {reqwest_p99:.1} us",
        generated_latencies.len()
    );
    eprintln!(
        "mean time per request (median round): generated {:.2} us, reqwest {:.2} us, \
         difference {:+.2} us",
        1e6 / generated_rps,
        1e6 / reqwest_rps,
        1e6 / generated_rps - 1e6 / reqwest_rps
    );
    eprintln!(
        "ratio reqwest/generated = {ratio:.4}: the generated client's overhead is {:+.2}%",
        (ratio - 1.0) * 100.0
    );
    if settings.smoke {
        eprintln!(
            "(smoke run without --bench: unoptimized and too short, the numbers mean nothing)"
        );
    }
    eprintln!();

    let line = serde_json::json!({
        "client_roundtrip": {
            "requests_per_round": settings.requests,
            "rounds": settings.rounds,
            "generated_rps": round_to(generated_rps, 1),
            "reqwest_rps": round_to(reqwest_rps, 1),
            "ratio": round_to(ratio, 4),
            "generated_us_median": round_to(generated_p50, 1),
            "reqwest_us_median": round_to(reqwest_p50, 1),
        }
    });
    println!("{line}");
}

// ---------------------------------------------------------------------------------
// Checking that both sides send the same request
// ---------------------------------------------------------------------------------

/// A request as the server read it.
#[derive(Clone, Debug)]
struct Captured {
    request_line: String,
    /// Names lower-cased, in wire order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Captured {
    fn parse(head: &[u8], body: &[u8]) -> Self {
        let head = String::from_utf8_lossy(head);
        let mut lines = head.split("\r\n").filter(|line| !line.is_empty());
        let request_line = lines.next().unwrap_or_default().to_owned();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        Self {
            request_line,
            headers,
            body: body.to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The first request of each connection (generated client first, see `run`): same
/// request line, body and API headers.
fn check_same_request(first_requests: &[Captured]) {
    let [generated, plain] = first_requests else {
        panic!("expected one captured request per client, got {first_requests:?}");
    };
    eprintln!(
        "request (generated): {} | headers {:?} | {} body bytes",
        generated.request_line,
        generated.headers,
        generated.body.len()
    );
    eprintln!(
        "request (reqwest):   {} | headers {:?} | {} body bytes",
        plain.request_line,
        plain.headers,
        plain.body.len()
    );
    assert_eq!(generated.request_line, format!("POST {PATH} HTTP/1.1"));
    assert_eq!(plain.request_line, generated.request_line);
    assert_eq!(
        String::from_utf8_lossy(&plain.body),
        String::from_utf8_lossy(&generated.body),
        "the two clients sent different bodies"
    );
    let bearer = format!("Bearer {TOKEN}");
    let expected = [
        ("authorization", bearer.as_str()),
        ("content-type", "application/json"),
        ("accept", "application/json"),
    ];
    for (name, value) in expected {
        assert_eq!(generated.header(name), Some(value), "generated: {name}");
        assert_eq!(plain.header(name), Some(value), "reqwest: {name}");
    }
    let body: serde_json::Value =
        serde_json::from_slice(&generated.body).expect("the request body is JSON");
    assert_eq!(
        body["clipIds"].as_array().map(Vec::len),
        Some(CLIPS),
        "the body holds {CLIPS} clip ids"
    );
}

// ---------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------

/// What the server saw, once stopped.
struct ServerStats {
    connections: usize,
    errors: usize,
    /// The first request of each connection, in accept order.
    first_requests: Vec<Captured>,
}

#[derive(Default)]
struct Shared {
    connections: AtomicUsize,
    errors: AtomicUsize,
    first_requests: Mutex<Vec<(usize, Captured)>>,
}

/// An HTTP/1.1 server on 127.0.0.1:0, on its own thread and current-thread runtime:
/// every request gets `201 Created` with a `TaskIdDto`, and connections are kept alive.
struct Server {
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    thread: JoinHandle<()>,
    shared: Arc<Shared>,
}

impl Server {
    fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown, shutdown_rx) = oneshot::channel::<()>();
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("bench-server".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                runtime.block_on(serve(thread_shared, addr_tx, shutdown_rx));
            })
            .expect("spawn the server thread");
        let addr = addr_rx.recv().expect("the server's address");
        Self {
            addr,
            shutdown,
            thread,
            shared,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server (closing its connections) and returns what it saw.
    fn stop(self) -> ServerStats {
        // An error means the server already ended: joining tells why.
        let _ = self.shutdown.send(());
        self.thread.join().expect("the server thread panicked");
        let mut first = std::mem::take(&mut *self.shared.first_requests.lock().expect("lock"));
        first.sort_by_key(|(index, _)| *index);
        ServerStats {
            connections: self.shared.connections.load(Ordering::SeqCst),
            errors: self.shared.errors.load(Ordering::SeqCst),
            first_requests: first.into_iter().map(|(_, request)| request).collect(),
        }
    }
}

async fn serve(
    shared: Arc<Shared>,
    addr_tx: std::sync::mpsc::Sender<SocketAddr>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    addr_tx
        .send(listener.local_addr().expect("local address"))
        .expect("send the address");
    let response: Arc<[u8]> = response_bytes().into();
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => {
                let (stream, _) = accepted.expect("accept");
                let index = shared.connections.fetch_add(1, Ordering::SeqCst);
                let (shared, response) = (shared.clone(), response.clone());
                tokio::spawn(async move {
                    if let Err(error) = connection(stream, index, &shared, &response).await {
                        eprintln!("bench server: connection {index}: {error}");
                        shared.errors.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        }
    }
}

fn response_bytes() -> Vec<u8> {
    let body = format!(r#"{{"taskId":"{TASK_ID}"}}"#);
    format!(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves one connection: read a request head, its `Content-Length` body, answer, and
/// loop until the client closes the connection.
async fn connection(
    mut stream: TcpStream,
    index: usize,
    shared: &Shared,
    response: &[u8],
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut first = true;
    loop {
        let head_end = loop {
            if let Some(at) = find(&buf, b"\r\n\r\n") {
                break at + 4;
            }
            if stream.read_buf(&mut buf).await? == 0 {
                return if buf.is_empty() {
                    Ok(()) // closed between requests
                } else {
                    Err(invalid("connection closed inside a request head"))
                };
            }
        };
        let length = content_length(&buf[..head_end])?;
        while buf.len() < head_end + length {
            if stream.read_buf(&mut buf).await? == 0 {
                return Err(invalid("connection closed inside a request body"));
            }
        }
        if first {
            first = false;
            let captured = Captured::parse(&buf[..head_end], &buf[head_end..head_end + length]);
            shared
                .first_requests
                .lock()
                .expect("lock")
                .push((index, captured));
        }
        buf.drain(..head_end + length);
        stream.write_all(response).await?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The request's `Content-Length` (0 when absent); chunked bodies are refused.
fn content_length(head: &[u8]) -> io::Result<usize> {
    let head = std::str::from_utf8(head).map_err(|_| invalid("request head is not UTF-8"))?;
    let mut length = 0;
    for line in head.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(invalid("chunked request bodies are not supported"));
        }
        if name.eq_ignore_ascii_case("content-length") {
            length = value
                .trim()
                .parse()
                .map_err(|_| invalid("bad content-length"))?;
        }
    }
    Ok(length)
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}
