//! Submits a Suno custom-model training request with the generated client.
//!
//! # The custom-model workflow
//!
//! Creating a custom model takes four calls; this example makes the third one:
//!
//! 1. **Prepare** opens a session and returns its `sessionId` (a UUID).
//! 2. **Upload** the training audio: one call per file, at least 6 files, each
//!    returning a clip `id`.
//! 3. **Create** (`POST /suno/v2/customModel/create`, this example) submits the
//!    session's `sessionId`, the uploaded clip ids (6 or more) and a model name. It
//!    costs 100 credits and answers `201` with a `taskId` (the same as the
//!    `sessionId`). If it fails because of a bad parameter, retrying with the same
//!    `sessionId` is fine: the session state is reset.
//! 4. **Poll the status** of that `taskId` via `/status`: training takes 2-3 minutes,
//!    and the finished task holds the model id (`chirp-custom:<uuid>`), usable as the
//!    `model` of the Generate endpoint.
//!
//! # Running it
//!
//! ```sh
//! export MOUNTSEA_API_TOKEN=...        # your API token (sent as a bearer token)
//! cargo run -p mountsea-suno --example custom_model_create -- \
//!     https://api.mountsea.ai <SESSION_ID> <CLIP_ID> <CLIP_ID> <CLIP_ID> \
//!     <CLIP_ID> <CLIP_ID> <CLIP_ID> <NAME>
//! ```
//!
//! With the base URL alone, the example sends demo values (the spec's examples),
//! which is handy against a local mock server, e.g. Prism from `tests/prism/`:
//!
//! ```sh
//! MOUNTSEA_API_TOKEN=test cargo run -p mountsea-suno --example custom_model_create \
//!     -- http://127.0.0.1:4010
//! ```

use std::process::ExitCode;

use std::time::Duration;

use mountsea_suno::types::CreateCustomModelDto;
use mountsea_suno::Client;

const TOKEN_VAR: &str = "MOUNTSEA_API_TOKEN";
const MIN_CLIPS: usize = 6;

fn usage(program: &str) -> String {
    format!(
        "usage: {program} <BASE_URL> [<SESSION_ID> <CLIP_ID>... <NAME>]\n\
         \n\
         Submits a custom-model training request (POST /suno/v2/customModel/create).\n\
         \n\
         arguments:\n  \
           <BASE_URL>    API base URL, e.g. {default} (or a local mock server)\n  \
           <SESSION_ID>  the sessionId (a UUID) returned by the prepare step\n  \
           <CLIP_ID>...  at least {MIN_CLIPS} clip ids returned by the upload step\n  \
           <NAME>        the name of the custom model\n\
         \n\
         With <BASE_URL> alone, demo values are sent (for mock servers).\n\
         The API token is read from the environment variable {TOKEN_VAR}.",
        default = mountsea_suno::DEFAULT_BASE_URL,
    )
}

/// The request's values from the command line (everything after the base URL).
fn parse_body(rest: &[String]) -> Result<CreateCustomModelDto, String> {
    let (session_id, clip_ids, name) = match rest {
        [] => {
            eprintln!("note: no session given, sending demo values");
            let clip_ids = (1..=MIN_CLIPS)
                .map(|i| format!("cd0440d8-ae0f-4c0b-af4f-149eaa0c38c{i}"))
                .collect();
            (
                "3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned(),
                clip_ids,
                "v6Pro".to_owned(),
            )
        }
        [session_id, clip_ids @ .., name] if !clip_ids.is_empty() => {
            (session_id.clone(), clip_ids.to_vec(), name.clone())
        }
        _ => {
            let expected = "<SESSION_ID>, at least 6 <CLIP_ID>s and <NAME>";
            return Err(format!("expected {expected} after the base URL"));
        }
    };
    let session_id = session_id
        .parse()
        .map_err(|error| format!("<SESSION_ID> {session_id:?} is not a UUID: {error}"))?;
    // `new` checks the spec's `minItems: 6`: a shorter list cannot be built, so it
    // cannot be sent ("clipIds: expected at least 6 items, got 5").
    CreateCustomModelDto::new(session_id, clip_ids, name).map_err(|error| error.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let program = args
        .first()
        .map_or("custom_model_create", String::as_str)
        .to_owned();
    let rest = args.get(1..).unwrap_or_default();
    if rest.iter().any(|arg| arg == "-h" || arg == "--help") {
        println!("{}", usage(&program));
        return ExitCode::SUCCESS;
    }
    if rest.is_empty() {
        eprintln!("error: <BASE_URL> is missing\n\n{}", usage(&program));
        return ExitCode::from(2);
    }
    let base_url = &rest[0];

    let token = match std::env::var(TOKEN_VAR) {
        Ok(token) if !token.trim().is_empty() => token,
        Ok(_) | Err(std::env::VarError::NotPresent) => {
            eprintln!("error: set {TOKEN_VAR} to your API token (it is sent as `Authorization: Bearer <token>`)");
            return ExitCode::from(2);
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            eprintln!("error: {TOKEN_VAR} is not valid UTF-8");
            return ExitCode::from(2);
        }
    };

    let body = match parse_body(&rest[1..]) {
        Ok(body) => body,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", usage(&program));
            return ExitCode::from(2);
        }
    };
    let client = Client::new()
        .with_base_url(base_url.as_str())
        .with_bearer_auth(token.trim());
    println!(
        "POST {}/suno/v2/customModel/create (session {}, {} clips, name {:?})",
        client.base_url().trim_end_matches('/'),
        body.session_id,
        body.clip_ids.len(),
        body.name
    );

    // Per-call settings chain on the call; `.await` sends it. The idempotency key lets
    // this POST be retried after a 5xx or a timeout (without it, a POST is never
    // replayed).
    let call = client
        .custom_model_create(&body)
        .timeout(Duration::from_secs(30))
        .idempotency_key(format!("create-{}", body.session_id));
    match call.await {
        Ok(response) => {
            println!("{}: taskId {}", response.status(), response.task_id);
            println!("training takes 2-3 minutes: poll the task's status with this taskId");
            ExitCode::SUCCESS
        }
        Err(error) => {
            // e.g. `custom_model_create (POST /suno/v2/customModel/create): unexpected
            // status 401 Unauthorized: ...`
            eprintln!("error: {error}");
            if let Some(id) = error.request_id() {
                eprintln!("request id: {id}");
            }
            if error.status().is_some_and(|status| status.as_u16() == 401) {
                eprintln!("hint: the server refused the token in {TOKEN_VAR}");
            } else if error.is_connect() || error.is_timeout() {
                eprintln!("hint: is {base_url} reachable?");
            }
            ExitCode::FAILURE
        }
    }
}
