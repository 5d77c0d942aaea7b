//! The driver: a small program linked against the generated crate that answers jobs
//! (one JSON object per line on stdin, one answer per line on stdout): decode a value
//! as a generated type and encode it back, or call an operation through the generated
//! client. Its source is written from the generated files themselves (the `Spec:`
//! pointer on each type, the `impl Endpoint` of each operation), so it follows whatever
//! the generator emitted.
//!
//! Types or operations the driver cannot take from JSON (a type without `Deserialize`,
//! a multipart body) are found by the compiler: each job goes through a pair of traits
//! where the impl with the serde bounds wins when it applies (autoref specialization),
//! and the other answers `unsupported`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{json, Value};

/// What the generated crate offers the driver.
#[derive(Debug, Default)]
pub struct Surface {
    /// Spec pointer -> type name.
    pub types: BTreeMap<String, String>,
    /// Operation name -> its endpoint.
    pub operations: BTreeMap<String, Endpoint>,
    /// Credential setters: (method, takes a username and a password).
    pub credentials: Vec<(String, bool)>,
}

/// One operation of the generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The parameters type (`GetPetParams`).
    pub params: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template.
    pub path: String,
}

impl Surface {
    /// Reads the generated `types.rs` and `client.rs`.
    pub fn read(types_rs: &str, client_rs: &str) -> Self {
        let mut surface = Surface::default();
        let mut pointer: Option<String> = None;
        for line in types_rs.lines() {
            if let Some(rest) = line.strip_prefix("/// Spec: `") {
                pointer = rest.strip_suffix('`').map(str::to_owned);
                continue;
            }
            if line.starts_with("///") || line.starts_with("#[") {
                continue;
            }
            if let Some(p) = pointer.take() {
                let name = ["pub struct ", "pub enum ", "pub type "]
                    .iter()
                    .find_map(|kw| line.strip_prefix(kw))
                    .and_then(|rest| {
                        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                    });
                if let Some(name) = name.filter(|n| !n.is_empty()) {
                    surface.types.entry(p).or_insert_with(|| name.to_owned());
                }
            }
        }
        let lines: Vec<&str> = client_rs.lines().collect();
        let mut current: Option<(String, Option<String>, Option<String>)> = None;
        for (i, line) in lines.iter().enumerate() {
            // `impl Endpoint for types::X {`, or split over two lines when long.
            let header = match line.strip_prefix("impl Endpoint for types::") {
                Some(rest) => Some(rest),
                None if *line == "impl Endpoint" => lines
                    .get(i + 1)
                    .and_then(|next| next.strip_prefix("for types::")),
                None => None,
            };
            if let Some(rest) = header {
                current = rest.strip_suffix(" {").map(|p| (p.to_owned(), None, None));
            }
            let trimmed = line.trim();
            if let Some((_, name, method)) = &mut current {
                if let Some(n) = trimmed
                    .strip_prefix("name: \"")
                    .and_then(|r| r.strip_suffix("\","))
                {
                    *name = Some(n.to_owned());
                }
                if let Some(m) = trimmed.strip_prefix("method: ::reqwest::Method::") {
                    *method = Some(m.trim_end_matches(',').to_owned());
                }
            }
            if let Some(path) = trimmed
                .strip_prefix("path_template: \"")
                .and_then(|r| r.strip_suffix("\","))
            {
                if let Some((params, Some(name), Some(method))) = current.take() {
                    let path = path.replace("\\\"", "\"").replace("\\\\", "\\");
                    surface.operations.insert(
                        name,
                        Endpoint {
                            params,
                            method,
                            path,
                        },
                    );
                }
            }
            if line.trim_start().starts_with("/// Credentials for the `") {
                // The setter follows its doc lines (the scheme's own description included).
                let Some(at) = (i + 1..lines.len().min(i + 40))
                    .find(|j| lines[*j].trim().starts_with("pub fn "))
                else {
                    continue;
                };
                let Some(method) = lines[at]
                    .trim()
                    .strip_prefix("pub fn ")
                    .and_then(|r| r.split('(').next())
                else {
                    continue;
                };
                // Each scheme also has a `with_<scheme>_provider` (credentials on demand).
                if method.ends_with("_provider") {
                    continue;
                }
                let signature: String = lines[at..lines.len().min(at + 5)].join(" ");
                let basic = signature.contains("username");
                surface.credentials.push((method.to_owned(), basic));
            }
        }
        surface
    }
}

/// The driver binary's name for the spec whose crate is in `dir`: one per spec, since
/// every driver shares one target directory and cargo does not copy a fresh binary into
/// `target/debug/` again (one name would run the last spec's driver).
pub fn binary_name(dir: &Path) -> String {
    format!("driver-{}", spec_slug(dir))
}

/// The generated crate's package name for the spec whose driver is in `dir`: one per
/// spec too, or the `api` libraries of two specs would share one artifact name.
pub fn crate_name(dir: &Path) -> String {
    format!("api-{}", spec_slug(dir))
}

fn spec_slug(dir: &Path) -> String {
    let stem = dir.file_name().and_then(|n| n.to_str()).unwrap_or("spec");
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    safe.trim_matches('-').to_owned()
}

pub fn cargo_toml(surface: &Surface, dir: &Path) -> String {
    let binary = binary_name(dir);
    let krate = crate_name(dir);
    let features = if surface.operations.is_empty() {
        ""
    } else {
        ", features = [\"serde-params\"]"
    };
    format!(
        "[package]\nname = \"conformance-driver\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [[bin]]\nname = \"{binary}\"\npath = \"src/main.rs\"\n\n\
         [dependencies]\n{krate} = {{ path = \"api\"{features} }}\n\
         serde = \"1\"\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n\
         [workspace]\n"
    )
}

/// The driver's `main.rs` for `crate_name` (the generated crate's library name).
pub fn main_rs(surface: &Surface, crate_name: &str) -> String {
    let krate = crate_name.replace('-', "_");
    let mut decode_arms = String::new();
    for (pointer, name) in &surface.types {
        decode_arms.push_str(&format!(
            "        {pointer:?} => (&Probe::<types::{name}>(PhantomData)).decode(value),\n"
        ));
    }
    let mut call_arms = String::new();
    for (op, endpoint) in &surface.operations {
        let params = &endpoint.params;
        call_arms.push_str(&format!(
            "        {op:?} => (&&Probe::<types::{params}>(PhantomData)).call(client, job).await,\n"
        ));
    }
    let mut credentials = String::new();
    for (method, basic) in &surface.credentials {
        if *basic {
            credentials.push_str(&format!(
                "    let client = client.{method}(\"conformance\", \"conformance-secret\");\n"
            ));
        } else {
            credentials.push_str(&format!(
                "    let client = client.{method}(\"conformance-token\");\n"
            ));
        }
    }
    format!(
        r#"//! Written by `cargo xtask conformance`: answers decode and call jobs for `{krate}`.

use std::future::Future;
use std::io::{{BufRead, Write}};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{{json, Value}};

use {krate}::runtime::http::Endpoint;
use {krate}::{{types, Client, Error, ErrorKind}};

struct Probe<T>(PhantomData<T>);

trait Decode {{
    fn decode(&self, value: Value) -> Value;
}}

impl<T: DeserializeOwned + Serialize> Decode for Probe<T> {{
    fn decode(&self, value: Value) -> Value {{
        match serde_json::from_value::<T>(value) {{
            // Through text, so an `f32` is written as its shortest spelling.
            Ok(typed) => match serde_json::to_string(&typed).and_then(|t| serde_json::from_str::<Value>(&t)) {{
                Ok(back) => json!({{"ok": true, "value": back}}),
                Err(e) => json!({{"ok": false, "stage": "serialize", "error": e.to_string()}}),
            }},
            Err(e) => json!({{"ok": false, "stage": "deserialize", "error": e.to_string()}}),
        }}
    }}
}}

trait NoDecode {{
    fn decode(&self, value: Value) -> Value;
}}

impl<T> NoDecode for &Probe<T> {{
    fn decode(&self, _value: Value) -> Value {{
        json!({{"unsupported": "the type has no serde impls"}})
    }}
}}

type Answer<'a> = Pin<Box<dyn Future<Output = Value> + 'a>>;

// Three levels, most specific first (autoref specialization: the call is made on
// `&&Probe`): parameters and body from JSON; a text or file body made from the JSON
// string; neither (a multipart body).
trait CallIt {{
    fn call<'a>(&self, client: &'a Client, job: Value) -> Answer<'a>;
}}

impl<P> CallIt for &Probe<P>
where
    P: Endpoint + DeserializeOwned + 'static,
    P::Body: DeserializeOwned + Sized,
{{
    fn call<'a>(&self, client: &'a Client, job: Value) -> Answer<'a> {{
        Box::pin(async move {{
            let params: P = match serde_json::from_value(job["params"].clone()) {{
                Ok(p) => p,
                Err(e) => return json!({{"result": "params-refused", "error": e.to_string()}}),
            }};
            let mut body = None;
            if let Some(value) = job.get("body") {{
                match serde_json::from_value::<P::Body>(value.clone()) {{
                    Ok(value) => body = Some(value),
                    Err(e) => return json!({{"result": "body-refused", "error": e.to_string()}}),
                }}
            }}
            run(client, params, body.as_ref(), &job).await
        }})
    }}
}}

/// The bytes a text or binary body sends for the job's JSON value: a string as it is,
/// anything else as its JSON text.
fn raw_body(value: &Value) -> String {{
    match value {{
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }}
}}

trait CallFile {{
    fn call<'a>(&self, client: &'a Client, job: Value) -> Answer<'a>;
}}

impl<P> CallFile for &&Probe<P>
where
    P: Endpoint<Body = {krate}::runtime::Upload> + DeserializeOwned + 'static,
{{
    fn call<'a>(&self, client: &'a Client, job: Value) -> Answer<'a> {{
        Box::pin(async move {{
            let params: P = match serde_json::from_value(job["params"].clone()) {{
                Ok(p) => p,
                Err(e) => return json!({{"result": "params-refused", "error": e.to_string()}}),
            }};
            let body = job.get("body").map(|value| {krate}::runtime::Upload::from(raw_body(value)));
            run(client, params, body.as_ref(), &job).await
        }})
    }}
}}

trait CallText {{
    fn call<'a>(&self, client: &'a Client, job: Value) -> Answer<'a>;
}}

impl<P> CallText for &&Probe<P>
where
    P: Endpoint<Body = str> + DeserializeOwned + 'static,
{{
    fn call<'a>(&self, client: &'a Client, job: Value) -> Answer<'a> {{
        Box::pin(async move {{
            let params: P = match serde_json::from_value(job["params"].clone()) {{
                Ok(p) => p,
                Err(e) => return json!({{"result": "params-refused", "error": e.to_string()}}),
            }};
            let body = job.get("body").map(raw_body);
            run(client, params, body.as_deref(), &job).await
        }})
    }}
}}

/// Sends the call and answers with what came back.
async fn run<P: Endpoint>(client: &Client, params: P, body: Option<&P::Body>, job: &Value) -> Value {{
    let mut call = match body {{
        Some(body) => client.send_with_body(params, body),
        None => client.send(params),
    }};
    set_spec_headers(job);
    if let Some(headers) = job["headers"].as_object() {{
        for (name, value) in headers {{
            call = call.header(name.clone(), value.as_str().unwrap_or_default().to_owned());
        }}
    }}
    match call.await {{
        Ok(response) => json!({{
            "result": "decoded",
            "status": response.status().as_u16(),
            "violations": violations(response.headers()),
        }}),
        Err(error) => failure(error),
    }}
}}

trait NoCall {{
    fn call<'a>(&self, client: &'a Client, job: Value) -> Answer<'a>;
}}

impl<P> NoCall for Probe<P> {{
    fn call<'a>(&self, _client: &'a Client, _job: Value) -> Answer<'a> {{
        Box::pin(async {{ json!({{"result": "unsupported", "error": "its parameters or body do not deserialize from JSON (multipart)"}}) }})
    }}
}}

/// Prism's `sl-violations` errors about the request (it lists those of its own mock
/// response there too, and warnings such as a deprecated parameter).
fn violations(headers: &{krate}::HeaderMap) -> Value {{
    let Some(list) = headers
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str::<Vec<Value>>(v).ok())
    else {{
        return Value::Null;
    }};
    let request: Vec<Value> = list
        .into_iter()
        .filter(|v| v["location"][0] == "request" && v["severity"] == "Error")
        .collect();
    if request.is_empty() {{
        Value::Null
    }} else {{
        Value::from(Value::Array(request).to_string())
    }}
}}

fn failure<E>(error: Error<E>) -> Value {{
    let status = error.status().map(|s| s.as_u16());
    let violations = error.headers().map_or(Value::Null, violations);
    let body = error.body_text();
    let (result, detail) = match error.kind() {{
        ErrorKind::InvalidRequest(v) => ("client-refused", v.to_string()),
        ErrorKind::MissingCredentials {{ schemes }} => ("credentials", schemes.clone()),
        ErrorKind::ErrorResponse(..) => ("error-status", String::new()),
        ErrorKind::UnexpectedStatus {{ .. }} => ("unexpected-status", String::new()),
        ErrorKind::InvalidResponse {{ .. }} => ("decode-failed", error.to_string()),
        ErrorKind::Timeout {{ .. }} => ("timeout", error.to_string()),
        _ => ("transport", error.to_string()),
    }};
    json!({{"result": result, "status": status, "violations": violations, "error": detail, "body": body}})
}}

fn decode(value: Value, pointer: &str) -> Value {{
    match pointer {{
{decode_arms}        _ => json!({{"unsupported": "no generated type has this pointer"}}),
    }}
}}

async fn call(client: &Client, job: Value) -> Value {{
    let op = job["op"].as_str().unwrap_or_default().to_owned();
    match op.as_str() {{
{call_arms}        _ => json!({{"result": "unsupported", "error": "no such operation"}}),
    }}
}}

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let mut client: Option<Client> = None;
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {{
        let Ok(line) = line else {{ break }};
        let job: Value = match serde_json::from_str(&line) {{
            Ok(job) => job,
            Err(e) => json!({{"kind": "bad", "error": e.to_string()}}),
        }};
        let answer = match job["kind"].as_str() {{
            Some("decode") => decode(job["value"].clone(), job["pointer"].as_str().unwrap_or_default()),
            Some("base-url") => {{
                let base = job["url"].as_str().unwrap_or_default();
                client = Some(make_client(base));
                json!({{"ok": true}})
            }}
            Some("call") => match &client {{
                Some(client) => call(client, job).await,
                None => json!({{"result": "unsupported", "error": "no base URL yet"}}),
            }},
            _ => json!({{"error": "unknown job"}}),
        }};
        let _ = writeln!(stdout, "{{answer}}");
        let _ = stdout.flush();
    }}
}}

/// Header parameters OpenAPI says to ignore (`Authorization`) that the spec still
/// requires, with no security scheme to send them: set by a hook, as a caller would.
static SPEC_HEADERS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

fn set_spec_headers(job: &Value) {{
    let headers = job["spec-headers"]
        .as_object()
        .map(|h| h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    // A poisoned lock still holds the list: a panic elsewhere never loses the headers.
    *SPEC_HEADERS.lock().unwrap_or_else(|e| e.into_inner()) = headers;
}}

struct SpecHeaders;

impl {krate}::runtime::Hook for SpecHeaders {{
    fn before_attempt(&self, _info: &{krate}::runtime::AttemptInfo<'_>, request: &mut {krate}::reqwest::Request) {{
        for (name, value) in SPEC_HEADERS.lock().unwrap_or_else(|e| e.into_inner()).iter() {{
            let (Ok(name), Ok(value)) = (
                {krate}::reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                {krate}::reqwest::header::HeaderValue::from_str(value),
            ) else {{
                continue;
            }};
            if !request.headers().contains_key(&name) {{
                request.headers_mut().insert(name, value);
            }}
        }}
    }}
}}

fn make_client(base: &str) -> Client {{
    let client = Client::new()
        .with_hook(SpecHeaders)
        .with_base_url(base)
        .with_retry({krate}::RetryPolicy::none())
        .with_timeout(std::time::Duration::from_secs(20));
{credentials}    client
}}
"#
    )
}

/// A running driver.
pub struct Driver {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Driver {
    pub fn start(binary: &Path) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Self {
            child,
            stdin,
            stdout,
        })
    }

    /// Sends one job and reads its answer.
    pub fn ask(&mut self, job: &Value) -> Result<Value, String> {
        writeln!(self.stdin, "{job}").map_err(|e| format!("driver: {e}"))?;
        self.stdin.flush().map_err(|e| format!("driver: {e}"))?;
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("driver: {e}"))?;
        if n == 0 {
            return Err("the driver exited (a panic in the generated code?)".to_owned());
        }
        serde_json::from_str(&line).map_err(|e| format!("driver answer: {e}"))
    }

    pub fn decode(&mut self, pointer: &str, value: &Value) -> Result<Value, String> {
        self.ask(&json!({"kind": "decode", "pointer": pointer, "value": value}))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds the driver crate at `dir` with `target` as the target directory; returns the
/// binary's path, or the first compiler error.
pub fn build(dir: &Path, target: &Path) -> Result<PathBuf, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "build",
            "--quiet",
            "--message-format",
            "json-render-diagnostics",
        ])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        // Built once per run: incremental state would only fill the disk (tens of GB
        // over a corpus).
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        let log = String::from_utf8_lossy(&output.stderr);
        let first = log
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("cargo build failed")
            .to_owned();
        std::fs::write(dir.join("build.log"), log.as_bytes()).ok();
        return Err(first);
    }
    // The binary cargo reports (named per spec, see `binary_name`).
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no driver executable".to_owned())
}

/// Deletes the artifacts of the spec whose driver is in `dir` from `target` (its
/// generated crate's library and its driver: hundreds of MB for a big spec); the
/// dependencies every driver shares stay.
pub fn clean(dir: &Path, target: &Path) {
    let own = [crate_name(dir), binary_name(dir)];
    let own_underscored: Vec<String> = own.iter().map(|name| name.replace('-', "_")).collect();
    let debug = target.join("debug");
    for folder in [
        debug.clone(),
        debug.join("deps"),
        debug.join(".fingerprint"),
    ] {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let name = name.strip_prefix("lib").unwrap_or(&name);
            let ours = own.iter().chain(&own_underscored).any(|own| {
                name == own.as_str()
                    || name.starts_with(&format!("{own}-"))
                    || name.starts_with(&format!("{own}."))
            });
            if ours {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_surface_is_read_from_the_generated_files() {
        let types = "/// Spec: `#/components/schemas/Pet`\n#[derive(Debug)]\n#[non_exhaustive]\npub struct Pet {\n}\n\
                     /// Docs.\n///\n/// Spec: `#/components/schemas/Kind`\npub enum Kind {\n";
        let client = "impl Endpoint for types::GetPetParams {\n    fn operation() {\n        static OPERATION: Operation = Operation {\n            name: \"get_pet\",\n            method: ::reqwest::Method::GET,\n            path_template: \"/pets/{id}\",\n\
                      /// Credentials for the `basic` security scheme (HTTP basic authentication).\n    pub fn with_basic(\n        self,\n        username: impl Into<String>,\n";
        let surface = Surface::read(types, client);
        assert_eq!(surface.types["#/components/schemas/Pet"], "Pet");
        assert_eq!(surface.types["#/components/schemas/Kind"], "Kind");
        assert_eq!(
            surface.operations["get_pet"],
            Endpoint {
                params: "GetPetParams".to_owned(),
                method: "GET".to_owned(),
                path: "/pets/{id}".to_owned()
            }
        );
        assert_eq!(surface.credentials, vec![("with_basic".to_owned(), true)]);
    }
}
