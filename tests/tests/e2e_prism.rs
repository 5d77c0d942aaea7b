//! End-to-end tests of the generated `mountsea-suno` client against the Prism mock
//! server (pinned in `tests/prism/`), started from the vendored spec.
//!
//! Prism validates every request against the spec (body schema, `minItems`, formats,
//! the bearer security scheme) and answers with the spec's examples, so a success here
//! means the client's request conforms to the spec as an independent implementation
//! reads it.
//!
//! Prism is started once, by the single test `prism_mock_end_to_end`, which runs every
//! scenario in sequence; a guard kills it when the test ends, passing or panicking.
//! Needs Node.js and npm (`tests/prism/ensure.sh` runs `npm ci` on first use).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use mountsea_suno::runtime::{Checked, RetryPolicy};
use mountsea_suno::types::{CreateCustomModelDto, CreateCustomModelDtoClipIds};
use mountsea_suno::{Client, Error, ErrorKind};

/// The `taskId` example of `TaskIdDto` in the spec, which Prism returns.
const EXAMPLE_TASK_ID: &str = "15c257ff-43f7-4678-bd41-202ad6b8488b";
const SPEC: &str = "openapi/suno-custom-model-create.yaml";
const PATH: &str = "/suno/v2/customModel/create";
const SESSION_ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const READY_MARKER: &str = "Prism is listening on ";
/// Generous: Prism's start-up is mostly Node.js loading modules, slow on a busy machine.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Waiting for Prism's log lines about a request that has already been answered.
const LOG_TIMEOUT: Duration = Duration::from_secs(30);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

// ---------------------------------------------------------------------------------
// Prism process management
// ---------------------------------------------------------------------------------

/// A running Prism server. Dropping it kills the process (also when a test panics).
struct Prism {
    child: Child,
    base_url: String,
    /// Every stdout line so far (drained continuously, so Prism never blocks on a full
    /// pipe).
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
}

impl Prism {
    /// Installs Prism if needed, starts it on 127.0.0.1 with an OS-chosen port, and
    /// waits for its ready line.
    fn start() -> Self {
        let root = workspace_root();
        ensure_installed(&root);

        let bin = root.join("tests/prism/node_modules/.bin/prism");
        let mut child = Command::new(&bin)
            .args(["mock", "-h", "127.0.0.1", "-p", "0"])
            .arg(root.join(SPEC))
            .current_dir(&root)
            .env("FORCE_COLOR", "0")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));

        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (lines_tx, lines_rx) = mpsc::channel();
        {
            let pipe = child.stdout.take().expect("piped stdout");
            let sink = stdout.clone();
            thread::spawn(move || {
                let mut reader = BufReader::new(pipe);
                let mut raw = Vec::new();
                loop {
                    raw.clear();
                    match reader.read_until(b'\n', &mut raw) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let line = String::from_utf8_lossy(&raw).trim_end().to_owned();
                    sink.lock().unwrap().push(line.clone());
                    // The receiver is gone once Prism is ready: keep draining anyway.
                    let _ = lines_tx.send(line);
                }
            });
        }
        {
            let mut pipe = child.stderr.take().expect("piped stderr");
            let sink = stderr.clone();
            thread::spawn(move || {
                let mut chunk = [0_u8; 4096];
                while let Ok(n) = pipe.read(&mut chunk) {
                    if n == 0 {
                        return;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&chunk[..n]));
                }
            });
        }

        // From here on the guard owns the child: an early panic still kills it.
        let mut prism = Self {
            child,
            base_url: String::new(),
            stdout,
            stderr,
        };
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines_rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(port) = ready_port(&line) {
                        prism.base_url = format!("http://127.0.0.1:{port}");
                        return prism;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                    "Prism did not print its ready line ({READY_MARKER:?}) within {} s\n{}",
                    READY_TIMEOUT.as_secs(),
                    prism.output()
                ),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    // Give the stderr reader a moment to collect the last words.
                    thread::sleep(Duration::from_millis(500));
                    let status = prism.child.try_wait().ok().flatten();
                    panic!(
                        "Prism closed its stdout before it was ready (exit status: {status:?})\n{}",
                        prism.output()
                    );
                }
            }
        }
    }

    /// Everything Prism printed so far, for failure messages.
    fn output(&self) -> String {
        format!(
            "--- prism stdout ---\n{}\n--- prism stderr ---\n{}",
            self.stdout.lock().unwrap().join("\n"),
            self.stderr.lock().unwrap()
        )
    }

    /// How many stdout lines so far contain `needle`.
    fn count_lines(&self, needle: &str) -> usize {
        self.stdout
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains(needle))
            .count()
    }

    /// Waits until at least `count` stdout lines contain `needle`; returns the number.
    async fn wait_for_lines(&self, needle: &str, count: usize) -> usize {
        let deadline = Instant::now() + LOG_TIMEOUT;
        loop {
            let seen = self.count_lines(needle);
            if seen >= count {
                return seen;
            }
            assert!(
                Instant::now() < deadline,
                "Prism logged {seen} line(s) containing {needle:?} after {} s, expected {count}\n{}",
                LOG_TIMEOUT.as_secs(),
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many requests Prism has logged, once at least `expected` have been.
    async fn requests_received(&self, expected: usize) -> usize {
        self.wait_for_lines("Request received", expected).await
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // `prism` is the Node.js process itself (no `npm`/`npx` wrapper), so this
        // stops the server. Errors mean it has already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in Prism's ready line `... Prism is listening on http://127.0.0.1:<port>`.
fn ready_port(line: &str) -> Option<u16> {
    let url = line.split(READY_MARKER).nth(1)?.trim();
    let rest = url.strip_prefix("http://127.0.0.1:")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|port| *port != 0)
}

/// Runs `tests/prism/ensure.sh` (a no-op once installed).
fn ensure_installed(root: &Path) {
    let script = root.join("tests/prism/ensure.sh");
    let output = Command::new("bash")
        .arg(&script)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `bash {}`: {e}", script.display()));
    assert!(
        output.status.success(),
        "`bash {}` failed ({}): Prism could not be installed\n--- stdout ---\n{}\n--- stderr ---\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

// ---------------------------------------------------------------------------------
// Request helpers
// ---------------------------------------------------------------------------------

fn clip_ids(count: usize) -> Vec<String> {
    (1..=count)
        .map(|i| format!("cd0440d8-ae0f-4c0b-af4f-149eaa0c38c{i}"))
        .collect()
}

fn valid_body() -> CreateCustomModelDto {
    CreateCustomModelDto::new(
        SESSION_ID.parse().expect("valid uuid"),
        clip_ids(6),
        "v6Pro",
    )
    .expect("6 clip ids are enough")
}

/// Posts `body` with `reqwest` directly, bypassing the generated client.
async fn raw_post(
    base_url: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> reqwest::Response {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut request = http.post(format!("{base_url}{PATH}")).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("Prism answers")
}

// ---------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------

/// Starts Prism once and runs every scenario against it, in order.
#[test]
fn prism_mock_end_to_end() {
    let prism = Prism::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        valid_request_gets_the_example_task_id(&prism).await;
        missing_token_sends_nothing(&prism).await;
        prism_rejects_five_clip_ids(&prism).await;
    });
    drop(runtime);
    drop(prism);
}

/// A valid request with a bearer token: 201 with the spec's example.
async fn valid_request_gets_the_example_task_id(prism: &Prism) {
    let client = Client::new()
        .with_base_url(&prism.base_url)
        .with_bearer_auth("e2e-prism-token")
        .with_retry(RetryPolicy::none());

    let value = match client.custom_model_create(&valid_body()).await {
        Ok(value) => value,
        Err(error) => panic!(
            "expected 201 from Prism, got {error} ({error:?})\n{}",
            prism.output()
        ),
    };
    assert_eq!(value.status().as_u16(), 201);
    assert_eq!(value.headers()["content-type"], "application/json");
    assert_eq!(value.task_id, EXAMPLE_TASK_ID);
    assert_eq!(value.into_inner().task_id, EXAMPLE_TASK_ID);

    assert_eq!(prism.requests_received(1).await, 1);
    prism.wait_for_lines(r#"Responding with "201""#, 1).await;
    assert_eq!(
        prism.count_lines("The request passed the validation rules"),
        1,
        "Prism found nothing wrong with the client's request\n{}",
        prism.output()
    );
    assert_eq!(
        prism.count_lines("Request contains an accept header: application/json"),
        1,
        "the client sends `Accept: application/json`\n{}",
        prism.output()
    );
}

/// No token: the client refuses before sending; Prism really requires one.
async fn missing_token_sends_nothing(prism: &Prism) {
    let before = prism.requests_received(1).await;
    let anonymous = Client::new()
        .with_base_url(&prism.base_url)
        .with_retry(RetryPolicy::none());

    match anonymous
        .custom_model_create(&valid_body())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::MissingCredentials { schemes }) => {
            assert_eq!(schemes, "bearerAuth");
        }
        Err(other) => panic!("expected MissingCredentials, got {other:?}"),
        Ok(value) => panic!("expected MissingCredentials, got {value:?}"),
    }

    // The same valid body without a token, sent directly: Prism enforces the scheme.
    let body = serde_json::to_value(valid_body()).unwrap();
    let response = raw_post(&prism.base_url, None, &body).await;
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");

    // Prism logs requests in order: once the raw one is logged, a request from the
    // anonymous client would have been too.
    assert_eq!(
        prism.requests_received(before + 1).await,
        before + 1,
        "the client without a token sent something\n{}",
        prism.output()
    );
}

/// 5 clipIds, sent directly: Prism answers 422 for the `minItems` violation.
async fn prism_rejects_five_clip_ids(prism: &Prism) {
    let before = prism.requests_received(2).await;
    let body = serde_json::json!({
        "sessionId": SESSION_ID,
        "clipIds": clip_ids(5),
        "name": "v6Pro",
    });
    let response = raw_post(&prism.base_url, Some("e2e-prism-token"), &body).await;
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.expect("a JSON problem");
    let validation = problem["validation"]
        .as_array()
        .unwrap_or_else(|| panic!("no `validation` list in {problem}"));
    assert!(
        validation
            .iter()
            .any(|v| v["code"] == "minItems"
                && v["location"] == serde_json::json!(["body", "clipIds"])),
        "expected a minItems violation at body.clipIds: {problem}"
    );
    assert_eq!(prism.requests_received(before + 1).await, before + 1);
}

/// The client cannot even build the body Prism rejects above.
#[test]
fn five_clip_ids_cannot_be_built() {
    let error = CreateCustomModelDtoClipIds::new(clip_ids(5)).expect_err("5 < minItems 6");
    assert_eq!(
        error.to_string(),
        "clipIds: expected at least 6 items, got 5"
    );
    assert_eq!(error.violations().len(), 1);
    assert_eq!(error.violations()[0].path, "clipIds");

    // Every way in runs the same check: `Checked::new`, `TryFrom`, and deserializing.
    let error = Checked::<Vec<String>, mountsea_suno::types::CreateCustomModelDtoClipIdsRule>::new(
        clip_ids(5),
    )
    .expect_err("5 < minItems 6");
    assert_eq!(
        error.to_string(),
        "clipIds: expected at least 6 items, got 5"
    );
    assert!(CreateCustomModelDtoClipIds::try_from(Vec::new()).is_err());
    let json = serde_json::json!({
        "sessionId": SESSION_ID,
        "clipIds": clip_ids(5),
        "name": "v6Pro",
    });
    let error = serde_json::from_value::<CreateCustomModelDto>(json).expect_err("5 < minItems 6");
    assert!(
        error
            .to_string()
            .contains("expected at least 6 items, got 5"),
        "{error}"
    );

    // A checked value can be edited only into another valid one.
    let mut ids = CreateCustomModelDtoClipIds::new(clip_ids(6)).unwrap();
    let error = ids.try_update(|ids| {
        ids.pop();
    });
    assert_eq!(
        error.expect_err("5 < minItems 6").to_string(),
        "clipIds: expected at least 6 items, got 5"
    );
    assert_eq!(ids.len(), 6, "a failed update leaves the value unchanged");
    ids.try_update(|ids| ids.push("seventh".to_owned()))
        .unwrap();
    assert_eq!(ids.len(), 7);
}
