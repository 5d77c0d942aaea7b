//! `cargo xtask corpus DIR`: generate a standalone crate for every spec in a directory,
//! `cargo check` each crate, and print one table of what worked.
//!
//! - Generation runs in-process, one spec at a time; a panic in the generator is caught
//!   and reported as a failed row (`PANIC: ...`), with a backtrace in the diagnostics file.
//! - Crates go to `SCRATCH/<stem>/` (default `target/corpus/<DIR name>/`), next to
//!   `<stem>.diagnostics.txt` (generator warnings or errors), `<stem>.check.jsonl` (cargo's
//!   JSON messages), `<stem>.check.log` (cargo's stderr) and `<stem>.check.txt` (the
//!   rendered rustc messages of the generated crate).
//! - Every `cargo check` shares one `CARGO_TARGET_DIR` (default `target/corpus-target`), so
//!   dependencies build once. With `--jobs N` (N > 1), worker `k > 0` uses
//!   `<target-dir>-k` instead, because cargo locks a target directory for the whole build.
//! - A crate without a `Cargo.lock` gets a copy of the workspace's, so the generated crates
//!   build against the dependency versions the workspace tests (cargo drops what is unused
//!   and resolves what is missing).
//!
//! A check shown as `ok (cached)` found the crate up to date (the same generated code was
//! checked before): its messages are replayed and its time is not a compile time.
//! The table's last column is the first line of the first problem: the generator's error
//! or panic, else rustc's first error (else cargo's), else rustc's first warning. The exit
//! code is non-zero when a spec fails to generate or its crate does not check clean
//! (errors or warnings).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{sync, workspace};

/// The command named in the headers of the generated files.
pub const COMMAND: &str = "cargo xtask corpus";

/// Longest first-error text shown in the table (characters).
const FIRST_ERROR_WIDTH: usize = 100;

/// Arguments of `cargo xtask corpus`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Directory of specs (*.json, *.yaml, *.yml; other files are skipped).
    pub dir: PathBuf,
    /// Where to write the crates [default: target/corpus/<DIR name>].
    #[arg(long, value_name = "SCRATCH")]
    pub out: Option<PathBuf>,
    /// Only specs whose file name contains this (case-insensitive); repeatable.
    #[arg(long, value_name = "SUBSTRING")]
    pub only: Vec<String>,
    /// Run this many `cargo check`s at once (each worker with its own target directory).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    /// Generate only; do not run `cargo check`.
    #[arg(long)]
    pub no_check: bool,
    /// Also write the rows as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// CARGO_TARGET_DIR shared by the checks [default: target/corpus-target].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Per-crate time limit of `cargo check`, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 1200)]
    pub timeout: u64,
}

/// How generation went for one spec.
#[derive(Debug, Clone, PartialEq)]
pub enum Generate {
    /// Files written; `warnings` generator diagnostics.
    Ok {
        /// Number of generator warnings.
        warnings: usize,
    },
    /// The spec could not be read, generated or written.
    Failed {
        /// Number of errors (generator errors, or 1 for I/O problems).
        errors: usize,
        /// The first error, one line.
        first: String,
    },
    /// The generator panicked.
    Panicked {
        /// The panic message (first line) and where it happened.
        message: String,
    },
}

/// The outcome of `cargo check` for one crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// Not run (`--no-check`, or generation failed).
    Skipped,
    /// Cargo succeeded and rustc reported no error.
    Ok,
    /// Errors, or cargo failed.
    Failed,
    /// Killed after the time limit.
    TimedOut,
}

impl CheckStatus {
    fn label(self) -> &'static str {
        match self {
            CheckStatus::Skipped => "skipped",
            CheckStatus::Ok => "ok",
            CheckStatus::Failed => "FAIL",
            CheckStatus::TimedOut => "TIMEOUT",
        }
    }

    fn key(self) -> &'static str {
        match self {
            CheckStatus::Skipped => "skipped",
            CheckStatus::Ok => "ok",
            CheckStatus::Failed => "fail",
            CheckStatus::TimedOut => "timeout",
        }
    }
}

/// One distinct rustc message (by its first line) of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompilerMessage {
    /// `error` or `warning` (or another rustc level).
    pub level: String,
    /// First line of the rendered message, e.g. ``error[E0412]: cannot find type `X` ``.
    pub first_line: String,
    /// `file:line:column` of the primary span of the first occurrence.
    pub location: Option<String>,
    /// The source line of the primary span of the first occurrence (trimmed).
    pub code: Option<String>,
    /// How many messages share this first line.
    pub count: usize,
}

/// Counts and distinct messages parsed from cargo's JSON output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Messages {
    /// Errors of the generated crate (without "aborting due to ..." summaries).
    pub errors: usize,
    /// Warnings of the generated crate (without "N warnings emitted" summaries).
    pub warnings: usize,
    /// Distinct errors, in order of first appearance.
    pub distinct_errors: Vec<CompilerMessage>,
    /// Distinct warnings, in order of first appearance.
    pub distinct_warnings: Vec<CompilerMessage>,
    /// Every rendered message of the generated crate, concatenated.
    pub rendered: String,
    /// `build-finished.success`, when cargo got that far.
    pub build_success: Option<bool>,
    /// Whether cargo found the crate up to date (`compiler-artifact.fresh`): its messages
    /// were replayed from cache and the check time is not a compile time.
    pub fresh: Option<bool>,
}

/// What `cargo check` said about one crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Outcome.
    pub status: CheckStatus,
    /// Wall time of `cargo check` (including dependencies not built yet).
    pub secs: f64,
    /// Peak resident memory of cargo and its children (sampled every 250 ms; Linux only).
    pub peak_rss_mib: Option<f64>,
    /// Cargo waited for another cargo's lock (on the target directory or the package
    /// cache): `secs` includes the wait.
    pub waited_for_lock: bool,
    /// Parsed messages of the generated crate.
    pub messages: Messages,
    /// The first error, one line (rustc's, else cargo's, else the time limit); for a
    /// crate that checks with warnings only, the first warning.
    pub first_error: Option<String>,
}

impl Check {
    fn skipped() -> Self {
        Check {
            status: CheckStatus::Skipped,
            secs: 0.0,
            peak_rss_mib: None,
            waited_for_lock: false,
            messages: Messages::default(),
            first_error: None,
        }
    }
}

/// One spec's row of the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// Spec file name.
    pub spec: String,
    /// Spec path as given.
    pub path: PathBuf,
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Where the crate was written.
    pub crate_dir: PathBuf,
    /// Spec size in bytes (0 when unreadable).
    pub size_bytes: u64,
    /// What was generated (zero when generation failed).
    pub stats: codegen::Stats,
    /// Time spent in `codegen::generate`, in milliseconds.
    pub generate_ms: f64,
    /// Generation outcome.
    pub generate: Generate,
    /// Check outcome.
    pub check: Check,
}

impl Row {
    /// Generated without errors.
    pub fn generated(&self) -> bool {
        matches!(self.generate, Generate::Ok { .. })
    }

    /// Generated, checked, no rustc error and no rustc warning.
    pub fn clean(&self) -> bool {
        self.generated()
            && self.check.status == CheckStatus::Ok
            && self.check.messages.errors == 0
            && self.check.messages.warnings == 0
    }

    /// Fails the run: generation failed, or the check ran and was not clean.
    pub fn failed(&self) -> bool {
        !self.generated() || (self.check.status != CheckStatus::Skipped && !self.clean())
    }

    /// The first error of any stage, one line.
    pub fn first_error(&self) -> Option<String> {
        match &self.generate {
            Generate::Failed { first, .. } => Some(first.clone()),
            Generate::Panicked { message } => Some(format!("PANIC: {message}")),
            Generate::Ok { .. } => self.check.first_error.clone(),
        }
    }
}

/// The whole run: settings that matter for reading the rows, and the rows.
#[derive(Debug, Clone)]
pub struct Report {
    /// Where the crates and per-spec files are.
    pub scratch: PathBuf,
    /// Whether `cargo check` ran.
    pub checked: bool,
    /// One row per spec, sorted by file name.
    pub rows: Vec<Row>,
}

/// `cargo xtask corpus`: run, print the table and summary, write JSON; the exit code.
pub fn cli(args: &Args) -> Result<ExitCode, String> {
    let report = run(args)?;
    print!("{}", render_table(&report.rows));
    println!();
    println!("{}", summary(&report));
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&rows_json(&report.rows))
            .map_err(|e| format!("cannot encode JSON: {e}"))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!(
        "crates, diagnostics and check logs are in {}",
        report.scratch.display()
    );
    Ok(if report.rows.iter().any(Row::failed) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Generates (and unless `--no-check`, checks) every selected spec of `args.dir`.
pub fn run(args: &Args) -> Result<Report, String> {
    let root = workspace::root();
    let specs = find_specs(&args.dir, &args.only)?;
    let scratch = match &args.out {
        Some(out) => out.clone(),
        None => {
            let dir = std::fs::canonicalize(&args.dir).unwrap_or_else(|_| args.dir.clone());
            let base = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "specs".to_owned());
            root.join("target").join("corpus").join(base)
        }
    };
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let scratch = std::fs::canonicalize(&scratch).unwrap_or(scratch);
    let lockfile = root.join("Cargo.lock");

    let total = specs.len();
    let mut rows = Vec::with_capacity(total);
    for (index, path) in specs.iter().enumerate() {
        let name = file_name(path);
        eprintln!("[{}/{total}] generating {name}", index + 1);
        let row = generate_one(path, &scratch, Some(&lockfile));
        eprintln!(
            "[{}/{total}] {name}: {} in {:.0} ms",
            index + 1,
            generate_label(&row.generate),
            row.generate_ms
        );
        rows.push(row);
    }

    if !args.no_check {
        let target = match &args.target_dir {
            Some(dir) => dir.clone(),
            None => root.join("target").join("corpus-target"),
        };
        let settings = CheckSettings {
            cargo: std::env::var_os("CARGO")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("cargo")),
            target,
            timeout: Duration::from_secs(args.timeout.max(1)),
            scratch: scratch.clone(),
        };
        check_all(&mut rows, &settings, args.jobs.max(1));
    }

    Ok(Report {
        scratch,
        checked: !args.no_check,
        rows,
    })
}

/// Spec files of `dir` (sorted by file name) whose name contains one of `only` (all when
/// `only` is empty).
pub fn find_specs(dir: &Path, only: &[String]) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let only: Vec<String> = only.iter().map(|s| s.to_lowercase()).collect();
    let mut specs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| is_spec(path))
        .filter(|path| {
            let name = file_name(path).to_lowercase();
            only.is_empty() || only.iter().any(|s| name.contains(s))
        })
        .collect();
    specs.sort_by_key(|path| file_name(path));
    if specs.is_empty() {
        return Err(if only.is_empty() {
            format!("{} holds no spec (.json, .yaml, .yml)", dir.display())
        } else {
            format!(
                "no spec in {} matches --only {}",
                dir.display(),
                only.join(", ")
            )
        });
    }
    Ok(specs)
}

fn is_spec(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    // A directory named `x.json` is not a spec; an unreadable file still is (a FAIL row).
    !path.is_dir() && matches!(extension.as_deref(), Some("json" | "yaml" | "yml"))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The file name without its last extension (`api.github.com.json` → `api.github.com`).
pub fn stem(file_name: &str) -> &str {
    match file_name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file_name,
    }
}

/// A valid package name from a file stem: lowercase ASCII letters, digits and single `-`;
/// prefixed with `api-` when it would start with a digit, be empty, or be reserved.
pub fn crate_name(stem: &str) -> String {
    let mut name = String::with_capacity(stem.len());
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    while name.ends_with('-') {
        name.pop();
    }
    // Names cargo rejects or that clash with the standard crates and Rust keywords.
    const RESERVED: &str = "alloc core std test proc-macro as async await box break const \
        continue crate dyn else enum extern false fn for gen if impl in let loop match mod move \
        mut pub ref return self static struct super trait true type unsafe use where while yield";
    if name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || RESERVED.split_whitespace().any(|word| word == name)
    {
        name.insert_str(0, "api-");
    }
    name.trim_end_matches('-').to_owned()
}

/// Reads, generates and writes one spec; never panics on a generator panic.
fn generate_one(path: &Path, scratch: &Path, lockfile: Option<&Path>) -> Row {
    let spec = file_name(path);
    let stem = stem(&spec).to_owned();
    let crate_name = crate_name(&stem);
    let crate_dir = scratch.join(&stem);
    let diagnostics_path = scratch.join(format!("{stem}.diagnostics.txt"));
    let mut row = Row {
        spec: spec.clone(),
        path: path.to_path_buf(),
        crate_name: crate_name.clone(),
        crate_dir: crate_dir.clone(),
        size_bytes: 0,
        stats: codegen::Stats::default(),
        generate_ms: 0.0,
        generate: Generate::Ok { warnings: 0 },
        check: Check::skipped(),
    };
    let io_failure = |message: String| Generate::Failed {
        errors: 1,
        first: message,
    };

    let text = match std::fs::read(path) {
        Ok(bytes) => {
            row.size_bytes = bytes.len() as u64;
            match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    row.generate = io_failure(format!("cannot read {spec}: not UTF-8 ({e})"));
                    write_or_remove(&diagnostics_path, "");
                    return row;
                }
            }
        }
        Err(e) => {
            row.generate = io_failure(format!("cannot read {spec}: {e}"));
            write_or_remove(&diagnostics_path, "");
            return row;
        }
    };

    let mut options = codegen::Options::new(spec.clone(), crate_name);
    options.standalone = true;
    options.command = COMMAND.to_owned();
    let start = Instant::now();
    let result = crate::panics::catch(|| codegen::generate(&text, &options));
    row.generate_ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(text);

    match result {
        Err(panic) => {
            write_or_remove(
                &diagnostics_path,
                &format!(
                    "{spec}: PANIC: {}\n{}\n{}\n",
                    panic.message,
                    panic.location,
                    panic
                        .backtrace
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ),
            );
            let first_line = panic.message.lines().next().unwrap_or_default().to_owned();
            row.generate = Generate::Panicked {
                message: if panic.location.is_empty() {
                    first_line
                } else {
                    format!("{first_line} (at {})", panic.location)
                },
            };
        }
        Ok(Err(diagnostics)) => {
            write_or_remove(&diagnostics_path, &diagnostics.render(&spec));
            let errors: Vec<_> = diagnostics
                .iter()
                .filter(|d| d.level == codegen::diag::Level::Error)
                .collect();
            let first = errors
                .first()
                .map(|d| d.render(&spec))
                .unwrap_or_else(|| "generation failed without an error message".to_owned());
            row.generate = Generate::Failed {
                errors: errors.len().max(1),
                first: first.lines().next().unwrap_or_default().to_owned(),
            };
        }
        Ok(Ok(output)) => {
            write_or_remove(&diagnostics_path, &output.diagnostics.render(&spec));
            row.stats = output.stats;
            row.generate = Generate::Ok {
                warnings: output.diagnostics.len(),
            };
            if let Err(e) = sync::write(&crate_dir, &output.files) {
                row.generate = io_failure(format!("cannot write {}: {e}", crate_dir.display()));
                return row;
            }
            if let Some(lockfile) = lockfile {
                let target = crate_dir.join("Cargo.lock");
                if !target.exists() && lockfile.is_file() {
                    // Best effort: without it cargo resolves from the registry.
                    let _ = std::fs::copy(lockfile, target);
                }
            }
        }
    }
    row
}

/// Writes `text` to `path`, or removes `path` when `text` is empty (no stale files).
fn write_or_remove(path: &Path, text: &str) {
    if text.is_empty() {
        let _ = std::fs::remove_file(path);
    } else if let Err(e) = std::fs::write(path, text) {
        eprintln!("warning: cannot write {}: {e}", path.display());
    }
}

struct CheckSettings {
    cargo: PathBuf,
    target: PathBuf,
    timeout: Duration,
    scratch: PathBuf,
}

/// Checks every generated crate, with `jobs` workers.
fn check_all(rows: &mut [Row], settings: &CheckSettings, jobs: usize) {
    let todo: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].generated()).collect();
    let total = todo.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Check)>> = Mutex::new(Vec::new());
    let rows_ref: &[Row] = rows;
    std::thread::scope(|scope| {
        for worker in 0..jobs.min(total.max(1)) {
            let target = if worker == 0 {
                settings.target.clone()
            } else {
                let mut name = settings.target.as_os_str().to_owned();
                name.push(format!("-{worker}"));
                PathBuf::from(name)
            };
            let (next, results, todo) = (&next, &results, &todo);
            scope.spawn(move || loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                let Some(&index) = todo.get(n) else { break };
                let row = &rows_ref[index];
                eprintln!("[{}/{total}] checking {}", n + 1, row.spec);
                let check = check_one(row, settings, &target);
                eprintln!(
                    "[{}/{total}] {}: check {} in {:.1} s, peak {} MiB ({} errors, {} warnings)",
                    n + 1,
                    row.spec,
                    check.status.label(),
                    check.secs,
                    check
                        .peak_rss_mib
                        .map_or_else(|| "?".to_owned(), |m| format!("{m:.0}")),
                    check.messages.errors,
                    check.messages.warnings
                );
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((index, check));
            });
        }
    });
    for (index, check) in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        rows[index].check = check;
    }
}

/// Runs `cargo check --message-format=json` for one crate, with the time limit.
fn check_one(row: &Row, settings: &CheckSettings, target: &Path) -> Check {
    let stem = stem(&row.spec).to_owned();
    let manifest = row.crate_dir.join("Cargo.toml");
    let jsonl_path = settings.scratch.join(format!("{stem}.check.jsonl"));
    let log_path = settings.scratch.join(format!("{stem}.check.log"));
    let text_path = settings.scratch.join(format!("{stem}.check.txt"));
    let failed = |message: String| Check {
        status: CheckStatus::Failed,
        secs: 0.0,
        peak_rss_mib: None,
        waited_for_lock: false,
        messages: Messages::default(),
        first_error: Some(message),
    };
    let (stdout, stderr) = match (
        std::fs::File::create(&jsonl_path),
        std::fs::File::create(&log_path),
    ) {
        (Ok(out), Ok(err)) => (out, err),
        (Err(e), _) | (_, Err(e)) => return failed(format!("cannot create check logs: {e}")),
    };
    let start = Instant::now();
    let child = Command::new(&settings.cargo)
        .arg("check")
        .arg("--message-format=json")
        .arg("--manifest-path")
        .arg(&manifest)
        .current_dir(&row.crate_dir)
        .env("CARGO_TARGET_DIR", target)
        // Incremental state of crates this size costs much disk and time, and a corpus
        // run regenerates most of it anyway (an explicit CARGO_INCREMENTAL wins).
        .env(
            "CARGO_INCREMENTAL",
            std::env::var_os("CARGO_INCREMENTAL").unwrap_or_else(|| "0".into()),
        )
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return failed(format!("cannot run {}: {e}", settings.cargo.display())),
    };
    let (status, peak_rss_kib) = wait_with_timeout(&mut child, settings.timeout);
    let secs = start.elapsed().as_secs_f64();

    let output = std::fs::read_to_string(&jsonl_path).unwrap_or_default();
    let messages = parse_messages(&output, &manifest, &row.crate_dir);
    write_or_remove(&text_path, &messages.rendered);
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let rustc_first = messages
        .distinct_errors
        .first()
        .map(|m| m.first_line.clone());
    let (status, first_error) = match status {
        None => (
            CheckStatus::TimedOut,
            Some(format!("timed out after {} s", settings.timeout.as_secs())),
        ),
        Some(Err(e)) => (
            CheckStatus::Failed,
            Some(format!("cannot wait for cargo: {e}")),
        ),
        Some(Ok(exit)) if exit.success() && messages.errors == 0 => (
            CheckStatus::Ok,
            // Not clean either: show what is wrong.
            messages
                .distinct_warnings
                .first()
                .map(|m| m.first_line.clone()),
        ),
        Some(Ok(exit)) => (
            CheckStatus::Failed,
            rustc_first.or_else(|| first_cargo_error(&log)).or_else(|| {
                Some(format!(
                    "cargo check failed ({exit}); see {}",
                    log_path.display()
                ))
            }),
        ),
    };
    Check {
        status,
        secs,
        peak_rss_mib: peak_rss_kib.map(|kib| kib as f64 / 1024.0),
        waited_for_lock: log.contains("Blocking waiting for file lock"),
        messages,
        first_error,
    }
}

/// Polls `child` until it exits (`Some`) or the time limit passes (`None`, child killed);
/// also samples the resident memory of the process tree and returns its peak (KiB).
fn wait_with_timeout(
    child: &mut Child,
    timeout: Duration,
) -> (
    Option<std::io::Result<std::process::ExitStatus>>,
    Option<u64>,
) {
    const POLL: Duration = Duration::from_millis(50);
    const SAMPLE_EVERY: u32 = 5;
    let start = Instant::now();
    let mut peak: Option<u64> = None;
    let mut polls = 0u32;
    loop {
        let status = match child.try_wait() {
            Ok(Some(status)) => Some(Ok(status)),
            Ok(None) if start.elapsed() >= timeout => {
                kill_tree(child);
                return (None, peak);
            }
            Ok(None) => None,
            Err(e) => {
                kill_tree(child);
                Some(Err(e))
            }
        };
        if status.is_some() {
            return (status, peak);
        }
        if polls % SAMPLE_EVERY == 0 {
            if let Some(rss) = tree_rss_kib(child.id()) {
                peak = Some(peak.unwrap_or(0).max(rss));
            }
        }
        polls = polls.wrapping_add(1);
        std::thread::sleep(POLL);
    }
}

/// Resident memory of `pid` and its descendants, in KiB (`None` without `/proc`).
fn tree_rss_kib(pid: u32) -> Option<u64> {
    let rss = |pid: u32| -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    let own = rss(pid)?;
    Some(own + descendants(pid).into_iter().filter_map(rss).sum::<u64>())
}

/// Kills `child` and (on Linux) every process it started (rustc, build scripts), by id.
fn kill_tree(child: &mut Child) {
    let descendants = descendants(child.id());
    let _ = child.kill();
    if !descendants.is_empty() {
        let _ = Command::new("kill")
            .arg("-KILL")
            .args(descendants.iter().map(u32::to_string))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.wait();
}

/// Process ids below `pid`, from `/proc/*/stat` (empty where there is no `/proc`).
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.filter_map(Result::ok) {
            let Some(id) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
            let Some((_, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
                parents.push((id, ppid));
            }
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(id, ppid) in &parents {
            if ppid == parent && !out.contains(&id) {
                out.push(id);
                frontier.push(id);
            }
        }
    }
    out
}

/// The first `error...` line of cargo's stderr (manifest, resolution or download errors).
fn first_cargo_error(log: &str) -> Option<String> {
    log.lines()
        .map(str::trim)
        .find(|line| line.starts_with("error"))
        .map(str::to_owned)
}

/// Parses cargo's `--message-format=json` output, keeping the messages of the crate at
/// `manifest` (in `crate_dir`) and dropping rustc's summaries.
pub fn parse_messages(output: &str, manifest: &Path, crate_dir: &Path) -> Messages {
    let manifest = manifest.to_string_lossy();
    let dir_url = format!("path+file://{}", crate_dir.to_string_lossy());
    let mut out = Messages::default();
    for line in output.lines() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match value["reason"].as_str() {
            Some("build-finished") => {
                out.build_success = value["success"].as_bool();
                continue;
            }
            Some("compiler-message" | "compiler-artifact") => {}
            _ => continue,
        }
        let ours = match value["manifest_path"].as_str() {
            Some(path) => path == manifest,
            None => value["package_id"].as_str().is_some_and(|id| {
                id.starts_with(&dir_url) && id[dir_url.len()..].starts_with(['#', ')'])
            }),
        };
        if !ours {
            continue;
        }
        if value["reason"] == "compiler-artifact" {
            out.fresh = value["fresh"].as_bool();
            continue;
        }
        let message = &value["message"];
        let level = message["level"].as_str().unwrap_or_default();
        let text = message["message"].as_str().unwrap_or_default();
        if is_summary(text) {
            continue;
        }
        let rendered = message["rendered"].as_str().unwrap_or(text);
        let is_error = level == "error" || level.starts_with("error:");
        let is_warning = level == "warning";
        if !is_error && !is_warning {
            continue;
        }
        out.rendered.push_str(rendered);
        if !rendered.ends_with('\n') {
            out.rendered.push('\n');
        }
        let first_line = rendered
            .lines()
            .next()
            .unwrap_or(text)
            .trim_end()
            .to_owned();
        let (location, code) = primary_span(message);
        let list = if is_error {
            out.errors += 1;
            &mut out.distinct_errors
        } else {
            out.warnings += 1;
            &mut out.distinct_warnings
        };
        match list.iter_mut().find(|m| m.first_line == first_line) {
            Some(existing) => existing.count += 1,
            None => list.push(CompilerMessage {
                level: level.to_owned(),
                first_line,
                location,
                code,
                count: 1,
            }),
        }
    }
    out
}

/// rustc's closing lines: "aborting due to 3 previous errors", "2 warnings emitted".
fn is_summary(text: &str) -> bool {
    text.starts_with("aborting due to") || (text.ends_with(" emitted") && text.contains("warning"))
}

/// `file:line:column` and source line of a rustc message's primary span.
fn primary_span(message: &Value) -> (Option<String>, Option<String>) {
    let Some(spans) = message["spans"].as_array() else {
        return (None, None);
    };
    let Some(span) = spans
        .iter()
        .find(|s| s["is_primary"].as_bool() == Some(true))
        .or_else(|| spans.first())
    else {
        return (None, None);
    };
    let location = format!(
        "{}:{}:{}",
        span["file_name"].as_str().unwrap_or("?"),
        span["line_start"].as_u64().unwrap_or(0),
        span["column_start"].as_u64().unwrap_or(0)
    );
    let code = span["text"]
        .as_array()
        .and_then(|lines| lines.first())
        .and_then(|line| line["text"].as_str())
        .map(|text| text.trim().to_owned());
    (Some(location), code)
}

fn generate_label(generate: &Generate) -> String {
    match generate {
        Generate::Ok { warnings: 0 } => "ok".to_owned(),
        Generate::Ok { warnings: 1 } => "ok (1 warning)".to_owned(),
        Generate::Ok { warnings } => format!("ok ({warnings} warnings)"),
        Generate::Failed { .. } | Generate::Panicked { .. } => "FAIL".to_owned(),
    }
}

/// The rows as a markdown table with padded columns.
pub fn render_table(rows: &[Row]) -> String {
    const HEADERS: [&str; 10] = [
        "spec",
        "KB",
        "ops",
        "types",
        "gen ms",
        "generate",
        "check",
        "check s",
        "warnings",
        "first error",
    ];
    // Right-aligned (numeric) columns.
    const RIGHT: [bool; 10] = [
        false, true, true, true, true, false, false, true, true, false,
    ];
    let cells: Vec<[String; 10]> = rows
        .iter()
        .map(|row| {
            let generated = row.generated();
            let checked = row.check.status != CheckStatus::Skipped;
            let dash = || "-".to_owned();
            [
                escape_cell(&row.spec),
                format!("{}", row.size_bytes.div_ceil(1024)),
                if generated {
                    row.stats.operations.to_string()
                } else {
                    dash()
                },
                if generated {
                    row.stats.types.to_string()
                } else {
                    dash()
                },
                if row.generate_ms < 10.0 {
                    format!("{:.1}", row.generate_ms)
                } else {
                    format!("{:.0}", row.generate_ms)
                },
                generate_label(&row.generate),
                if row.check.messages.fresh == Some(true) {
                    format!("{} (cached)", row.check.status.label())
                } else {
                    row.check.status.label().to_owned()
                },
                if checked {
                    let mark = if row.check.waited_for_lock { "*" } else { "" };
                    format!("{:.1}{mark}", row.check.secs)
                } else {
                    dash()
                },
                if checked {
                    row.check.messages.warnings.to_string()
                } else {
                    dash()
                },
                row.first_error()
                    .map(|e| escape_cell(&cut(&e, FIRST_ERROR_WIDTH)))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count().max(3));
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        out.push('|');
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if RIGHT[i] {
                let _ = write!(out, " {pad}{cell} |");
            } else {
                let _ = write!(out, " {cell}{pad} |");
            }
        }
        out.push('\n');
    };
    line(&mut out, &HEADERS.map(str::to_owned));
    let rule: Vec<String> = widths
        .iter()
        .zip(RIGHT)
        .map(|(&w, right)| {
            if right {
                format!("{}:", "-".repeat(w - 1))
            } else {
                "-".repeat(w)
            }
        })
        .collect();
    line(&mut out, &rule);
    for row in &cells {
        line(&mut out, row);
    }
    if rows.iter().any(|row| row.check.waited_for_lock) {
        out.push_str("\n\\* includes time spent waiting for another cargo's lock\n");
    }
    out
}

/// `generated N/M, checked clean K/M`.
pub fn summary(report: &Report) -> String {
    let total = report.rows.len();
    let generated = report.rows.iter().filter(|r| r.generated()).count();
    let generator_warnings: usize = report
        .rows
        .iter()
        .map(|r| match r.generate {
            Generate::Ok { warnings } => warnings,
            _ => 0,
        })
        .sum();
    let generate_secs: f64 = report.rows.iter().map(|r| r.generate_ms).sum::<f64>() / 1000.0;
    let mut out = if report.checked {
        let clean = report.rows.iter().filter(|r| r.clean()).count();
        let check_secs: f64 = report.rows.iter().map(|r| r.check.secs).sum();
        format!(
            "generated {generated}/{total}, checked clean {clean}/{total} \
             (generate {generate_secs:.2} s, check {check_secs:.0} s summed"
        )
    } else {
        format!("generated {generated}/{total}, check skipped (generate {generate_secs:.2} s")
    };
    let _ = write!(out, ", {generator_warnings} generator warnings)");
    out
}

fn cut(text: &str, max: usize) -> String {
    let first = text.lines().next().unwrap_or_default().trim_end();
    if first.chars().count() <= max {
        return first.to_owned();
    }
    let mut out: String = first.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The rows as JSON values (one object per spec).
pub fn rows_json(rows: &[Row]) -> Value {
    let messages = |list: &[CompilerMessage]| -> Value {
        list.iter()
            .map(|m| {
                json!({
                    "message": m.first_line,
                    "count": m.count,
                    "location": m.location,
                    "code": m.code,
                })
            })
            .collect()
    };
    rows.iter()
        .map(|row| {
            let (generate, generator_warnings, generator_errors) = match &row.generate {
                Generate::Ok { warnings } => ("ok", *warnings, 0),
                Generate::Failed { errors, .. } => ("fail", 0, *errors),
                Generate::Panicked { .. } => ("panic", 0, 1),
            };
            let checked = row.check.status != CheckStatus::Skipped;
            json!({
                "spec": row.spec,
                "path": row.path.to_string_lossy(),
                "crate_name": row.crate_name,
                "crate_dir": row.crate_dir.to_string_lossy(),
                "size_bytes": row.size_bytes,
                "operations": row.stats.operations,
                "types": row.stats.types,
                "rules": row.stats.rules,
                "generate_ms": (row.generate_ms * 1000.0).round() / 1000.0,
                "generate": generate,
                "generator_warnings": generator_warnings,
                "generator_errors": generator_errors,
                "check": row.check.status.key(),
                "check_secs": if checked { json!((row.check.secs * 1000.0).round() / 1000.0) } else { Value::Null },
                "check_peak_rss_mib": row.check.peak_rss_mib.map(|m| m.round()),
                "check_fresh": row.check.messages.fresh,
                "check_waited_for_lock": row.check.waited_for_lock,
                "rustc_errors": if checked { json!(row.check.messages.errors) } else { Value::Null },
                "rustc_warnings": if checked { json!(row.check.messages.warnings) } else { Value::Null },
                "first_error": row.first_error(),
                "errors": messages(&row.check.messages.distinct_errors),
                "warnings": messages(&row.check.messages.distinct_warnings),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(
            crate_name("amazonaws.com__dataexchange__2017-07-25"),
            "amazonaws-com-dataexchange-2017-07-25"
        );
        assert_eq!(crate_name("api.github.com"), "api-github-com");
        assert_eq!(crate_name("1Password"), "api-1password");
        assert_eq!(crate_name("__"), "api");
        assert_eq!(crate_name("Test"), "api-test");
        assert_eq!(
            crate_name("adyen.com_AccountService"),
            "adyen-com-accountservice"
        );
    }

    #[test]
    fn stems_drop_the_last_extension() {
        assert_eq!(stem("api.github.com.json"), "api.github.com");
        assert_eq!(stem("a.yaml"), "a");
        assert_eq!(stem("noext"), "noext");
        assert_eq!(stem(".json"), ".json");
    }

    #[test]
    fn messages_of_other_packages_and_summaries_are_ignored() {
        let dir = Path::new("/s/corpus/x");
        let manifest = dir.join("Cargo.toml");
        let error = json!({
            "reason": "compiler-message",
            "package_id": "path+file:///s/corpus/x#api-x@0.1.0",
            "manifest_path": "/s/corpus/x/Cargo.toml",
            "message": {
                "level": "error",
                "message": "cannot find type `Foo` in this scope",
                "rendered": "error[E0412]: cannot find type `Foo` in this scope\n --> src/types.rs:3:8\n",
                "spans": [{
                    "file_name": "src/types.rs", "line_start": 3, "column_start": 8,
                    "is_primary": true, "text": [{"text": "    a: Foo,"}]
                }]
            }
        });
        let other = json!({
            "reason": "compiler-message",
            "package_id": "registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0",
            "manifest_path": "/r/serde/Cargo.toml",
            "message": {"level": "warning", "message": "w", "rendered": "warning: w\n", "spans": []}
        });
        let summary = json!({
            "reason": "compiler-message",
            "manifest_path": "/s/corpus/x/Cargo.toml",
            "message": {"level": "error", "message": "aborting due to 2 previous errors",
                        "rendered": "error: aborting due to 2 previous errors\n", "spans": []}
        });
        let warning = json!({
            "reason": "compiler-message",
            "package_id": "path+file:///s/corpus/x#api-x@0.1.0",
            "message": {"level": "warning", "message": "unused import", "rendered": "warning: unused import\n", "spans": []}
        });
        let artifact = json!({
            "reason": "compiler-artifact",
            "manifest_path": "/s/corpus/x/Cargo.toml",
            "fresh": true
        });
        let finished = json!({"reason": "build-finished", "success": false});
        let output = [
            &error, &other, &error, &summary, &warning, &artifact, &finished,
        ]
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("\n");
        let messages = parse_messages(&format!("{output}\nnot json\n"), &manifest, dir);
        assert_eq!(messages.errors, 2);
        assert_eq!(messages.warnings, 1);
        assert_eq!(messages.build_success, Some(false));
        assert_eq!(messages.fresh, Some(true));
        assert_eq!(messages.distinct_errors.len(), 1);
        let first = &messages.distinct_errors[0];
        assert_eq!(
            first.first_line,
            "error[E0412]: cannot find type `Foo` in this scope"
        );
        assert_eq!(first.count, 2);
        assert_eq!(first.location.as_deref(), Some("src/types.rs:3:8"));
        assert_eq!(first.code.as_deref(), Some("a: Foo,"));
    }

    #[test]
    fn table_is_markdown_with_aligned_columns() {
        let row = Row {
            spec: "a|b.json".to_owned(),
            path: PathBuf::from("a|b.json"),
            crate_name: "a-b".to_owned(),
            crate_dir: PathBuf::from("/tmp/a|b"),
            size_bytes: 2048,
            stats: codegen::Stats {
                operations: 3,
                types: 4,
                rules: 0,
            },
            generate_ms: 1.25,
            generate: Generate::Ok { warnings: 2 },
            check: Check {
                status: CheckStatus::Failed,
                secs: 3.0,
                peak_rss_mib: Some(100.0),
                waited_for_lock: false,
                messages: Messages {
                    errors: 1,
                    ..Messages::default()
                },
                first_error: Some("x".repeat(150)),
            },
        };
        let table = render_table(std::slice::from_ref(&row));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("| spec "));
        assert!(lines[1].starts_with("| ---"));
        assert!(lines[2].contains("a\\|b.json"));
        assert!(lines[2].contains("ok (2 warnings)"));
        assert!(lines[2].contains(&format!("{}…", "x".repeat(99))));
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{table}");
        assert!(row.failed() && !row.clean());
        let json = rows_json(&[row]);
        assert_eq!(json[0]["check"], "fail");
        assert_eq!(json[0]["generator_warnings"], 2);
    }
}
