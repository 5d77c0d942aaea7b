//! Running the target: on a worker thread with a large stack, under `catch_unwind`; panics,
//! errors and hangs become failures, with the keys they are deduplicated by.

use std::backtrace::Backtrace;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use codegen::source::SourceFormat;

use super::{CrashKind, EXEC_TIMEOUT, WORKER_STACK};

type Target = dyn Fn(&str, &str) -> Result<(), String> + Send + Sync;

#[derive(Debug, Clone)]
pub(super) struct Failure {
    pub(super) kind: CrashKind,
    pub(super) key: String,
    pub(super) message: String,
    pub(super) location: String,
    /// Rendered (symbolized) only when the crash is saved.
    pub(super) backtrace: Option<Arc<Backtrace>>,
}

pub(super) enum Outcome {
    Pass,
    Fail(Failure),
}

impl Outcome {
    pub(super) fn into_failure(self) -> Option<Failure> {
        match self {
            Self::Pass => None,
            Self::Fail(failure) => Some(failure),
        }
    }
}

struct Worker {
    jobs: mpsc::Sender<(String, String)>,
    results: mpsc::Receiver<Outcome>,
}

pub(super) struct Executor {
    target: Arc<Target>,
    worker: Option<Worker>,
    pub(super) hangs: usize,
    pub(super) executions: u64,
    in_flight_dir: PathBuf,
    in_flight: Option<PathBuf>,
}

impl Executor {
    pub(super) fn new(target: Arc<Target>, dir: &Path) -> Self {
        Self {
            target,
            worker: None,
            hangs: 0,
            executions: 0,
            in_flight_dir: dir.to_path_buf(),
            in_flight: None,
        }
    }

    fn spawn(&self) -> Option<Worker> {
        let (job_tx, job_rx) = mpsc::channel::<(String, String)>();
        let (result_tx, result_rx) = mpsc::channel();
        let target = Arc::clone(&self.target);
        std::thread::Builder::new()
            .name("fuzz-target".to_owned())
            .stack_size(WORKER_STACK)
            .spawn(move || {
                while let Ok((name, text)) = job_rx.recv() {
                    if result_tx.send(run_one(&*target, &name, &text)).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Worker {
            jobs: job_tx,
            results: result_rx,
        })
    }

    /// Runs the target on a worker thread; a hang abandons that worker.
    pub(super) fn exec(&mut self, name: &str, text: &str) -> Outcome {
        self.executions += 1;
        self.write_in_flight(name, text);
        if self.worker.is_none() {
            self.worker = self.spawn();
        }
        let Some(worker) = &self.worker else {
            return Outcome::Fail(Failure {
                kind: CrashKind::Hang,
                key: "cannot start a worker thread".to_owned(),
                message: "cannot start a worker thread".to_owned(),
                location: String::new(),
                backtrace: None,
            });
        };
        if worker
            .jobs
            .send((name.to_owned(), text.to_owned()))
            .is_err()
        {
            self.worker = None;
            return self.exec(name, text);
        }
        match worker.results.recv_timeout(EXEC_TIMEOUT) {
            Ok(outcome) => outcome,
            Err(error) => {
                // Timed out (the thread is left behind, busy) or died outside catch_unwind.
                self.worker = None;
                let hang = matches!(error, mpsc::RecvTimeoutError::Timeout);
                if hang {
                    self.hangs += 1;
                }
                let message = if hang {
                    format!("no result within {} s", EXEC_TIMEOUT.as_secs())
                } else {
                    "the worker thread died".to_owned()
                };
                Outcome::Fail(Failure {
                    kind: if hang {
                        CrashKind::Hang
                    } else {
                        CrashKind::Panic
                    },
                    key: message.clone(),
                    message,
                    location: String::new(),
                    backtrace: None,
                })
            }
        }
    }

    fn write_in_flight(&mut self, name: &str, text: &str) {
        let path = self.in_flight_dir.join(format!(
            ".in-flight-{}.{}",
            std::process::id(),
            SourceFormat::detect(name, "").extension()
        ));
        if let Some(old) = &self.in_flight {
            if *old != path {
                let _ = std::fs::remove_file(old);
            }
        }
        let _ = std::fs::write(&path, text);
        self.in_flight = Some(path);
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        if let Some(path) = self.in_flight.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn run_one(target: &Target, name: &str, text: &str) -> Outcome {
    match crate::panics::catch(|| target(name, text)) {
        Ok(Ok(())) => Outcome::Pass,
        Ok(Err(message)) => Outcome::Fail(Failure {
            kind: CrashKind::BadOutput,
            key: format!("error: {}", normalize(&message)),
            message: first_line(&message),
            location: String::new(),
            backtrace: None,
        }),
        Err(crate::panics::Panic {
            message,
            location,
            backtrace,
        }) => {
            let backtrace = backtrace.map(Arc::new);
            let (key, location) = panic_key(&message, &location, || {
                backtrace
                    .as_ref()
                    .map(|b| b.to_string())
                    .unwrap_or_default()
            });
            Outcome::Fail(Failure {
                kind: CrashKind::Panic,
                key,
                message: first_line(&message),
                location,
                backtrace,
            })
        }
    }
}

/// Deduplication key and shown location of a panic: its location when that is in the
/// workspace, else the location plus the first workspace frame of the backtrace.
fn panic_key(
    message: &str,
    location: &str,
    backtrace: impl FnOnce() -> String,
) -> (String, String) {
    if location.is_empty() {
        return (format!("panic: {}", normalize(message)), String::new());
    }
    if is_workspace_file(location) {
        return (format!("panic at {location}"), location.to_owned());
    }
    match first_workspace_frame(&backtrace()) {
        Some((function, at)) => {
            let shown = match at {
                Some(at) => format!("{location} via {function} at {at}"),
                None => format!("{location} via {function}"),
            };
            (format!("panic at {location} via {function}"), shown)
        }
        None => (format!("panic at {location}"), location.to_owned()),
    }
}

fn is_workspace_file(location: &str) -> bool {
    let file = location.trim_start_matches("./");
    !(file.starts_with('/')
        || file.starts_with('\\')
        || file.get(1..3) == Some(":\\")
        || file.contains("/.cargo/")
        || file.contains("/rustc/")
        || file.starts_with("library/"))
}

/// The first frame of a formatted backtrace in codegen (or in a workspace file), as
/// (function without hash, `file:line:col` when known).
fn first_workspace_frame(backtrace: &str) -> Option<(String, Option<String>)> {
    let mut lines = backtrace.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some((number, function)) = trimmed.split_once(": ") else {
            continue;
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let at = lines
            .peek()
            .and_then(|next| next.trim_start().strip_prefix("at "))
            .map(str::to_owned);
        let function = strip_hash(function);
        let in_codegen = function.starts_with("codegen::") || function.starts_with("<codegen::");
        let in_workspace =
            at.as_deref().is_some_and(is_workspace_file) && !function.contains("fuzz::");
        if in_codegen || in_workspace {
            return Some((function, at));
        }
    }
    None
}

fn strip_hash(function: &str) -> String {
    match function.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            head.to_owned()
        }
        _ => function.to_owned(),
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

/// The first line with `quoted` parts and digits blanked, so one bug gives one key.
fn normalize(message: &str) -> String {
    let line = first_line(message);
    let mut out = String::new();
    let mut in_quote = false;
    let mut last_digit = false;
    for c in line.chars() {
        if c == '`' {
            in_quote = !in_quote;
            if in_quote {
                out.push_str("`_`");
            }
            continue;
        }
        if in_quote {
            continue;
        }
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('N');
            }
            last_digit = true;
            continue;
        }
        last_digit = false;
        out.push(c);
    }
    out.chars().take(200).collect()
}

pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_frames_and_keys() {
        let backtrace = "   0: std::panicking::begin_panic\n             at /rustc/abc/library/std/src/panicking.rs:1:1\n   1: proc_macro2::Ident::new::h0123456789abcdef\n             at /root/.cargo/registry/src/x/proc-macro2/src/lib.rs:5:5\n   2: codegen::names::ident::h0123456789abcdef\n             at ./codegen/src/names.rs:10:9\n";
        let (key, shown) = panic_key(
            "bad ident",
            "/root/.cargo/registry/src/x/proc-macro2/src/lib.rs:5:5",
            || backtrace.to_owned(),
        );
        assert_eq!(key, "panic at /root/.cargo/registry/src/x/proc-macro2/src/lib.rs:5:5 via codegen::names::ident");
        assert!(shown.ends_with("at ./codegen/src/names.rs:10:9"), "{shown}");
        let (key, _) = panic_key("x", "codegen/src/lower/mod.rs:3:4", String::new);
        assert_eq!(key, "panic at codegen/src/lower/mod.rs:3:4");
        assert_eq!(normalize("`a.b` has 12 things\nmore"), "`_` has N things");
    }
}
