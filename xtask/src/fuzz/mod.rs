//! `cargo xtask fuzz`: a structure-aware mutation fuzzer for the generator that runs on
//! stable Rust (no libFuzzer, no nightly).
//!
//! - Seeds are the project's own specs ([`default_corpus`]). Each iteration parses one seed
//!   to a JSON value tree, applies 1–8 structural mutations aimed at what the generator
//!   reads (`$ref` pointers, `type`, 3.1 keywords, names that are Rust keywords or not
//!   identifiers at all, path templates, composition cycles, constraint numbers, the
//!   `openapi` version, ...), serializes it back as JSON or YAML, sometimes mutates the
//!   bytes too (truncation, flips, YAML/JSON syntax tokens), and runs the target.
//! - The target ([`codegen_target`] unless [`run_with`] gets another) runs on a worker
//!   thread with a large stack, inside `catch_unwind`, under a panic hook that stays quiet
//!   for the worker and keeps the panic location and a backtrace. A failure is a panic, an
//!   `Err` from the target (for codegen: emitted `.rs` files that do not parse, or an
//!   "internal error" diagnostic), or no answer within [`EXEC_TIMEOUT`] (a hang).
//! - Failures are deduplicated by panic location (for panics inside dependencies: plus the
//!   first workspace frame of the backtrace) or by the normalized error message, minimized
//!   (greedy deletion of object members and array elements, or of lines and characters
//!   when the input does not parse), and written to `CRASHES/<hash>.{json,yaml}` with the
//!   message, location, backtrace and how to reproduce in `CRASHES/<hash>.txt`.
//! - Runs are reproducible: iteration `i` of seed `s` always builds the same input (its
//!   PRNG is seeded from `s` and `i`), whatever the timing.
//! - A stack overflow or an out-of-memory abort kills the process; the input being run is
//!   always in `CRASHES/.in-flight-<pid>.{json,yaml}`, so such a crash leaves its input
//!   behind ([`FuzzReport::stale_in_flight`] lists these from earlier runs).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use codegen::source::SourceFormat;

use crashes::Fuzzer;
use exec::{fnv1a, Executor};
use input::generate_input;
use seeds::load_seeds;

mod bytes;
mod crashes;
mod exec;
mod input;
mod mutate;
mod predicates;
mod random;
mod seeds;
#[cfg(test)]
mod tests;
mod tree;

/// Seed specs from the shared corpora larger than this are skipped (slow iterations).
pub const MAX_SHARED_SEED_BYTES: u64 = 200 * 1024;
/// Time limit of one execution of the target; past it the input counts as a hang.
pub const EXEC_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest minimization of one crash (never longer than the run's own `seconds`).
pub const MINIMIZE_BUDGET: Duration = Duration::from_secs(30);
/// Fuzzing stops after this many hangs (each leaves a busy thread behind).
const MAX_HANGS: usize = 2;
/// Stack of the worker thread: deep but finite recursion should not abort the process.
const WORKER_STACK: usize = 256 << 20;
/// Progress line interval on stderr.
const PROGRESS_EVERY: Duration = Duration::from_secs(30);

/// What to fuzz, for how long, and where crashes go.
#[derive(Debug, Clone)]
pub struct FuzzConfig {
    /// Fuzzing time (minimizing found crashes comes on top, bounded per crash).
    pub seconds: u64,
    /// PRNG seed: the same seed and corpus give the same inputs.
    pub seed: u64,
    /// Seed specs (`.json`, `.yaml`, `.yml`); files that do not parse are only byte-mutated.
    pub corpus: Vec<PathBuf>,
    /// Where minimized crashes are written (created when needed).
    pub crashes_dir: PathBuf,
}

impl FuzzConfig {
    /// The project's own corpus ([`default_corpus`]) with crashes in `target/fuzz/crashes`.
    pub fn new(root: &Path, seconds: u64, seed: u64) -> Self {
        Self {
            seconds,
            seed,
            corpus: default_corpus(root),
            crashes_dir: root.join("target").join("fuzz").join("crashes"),
        }
    }
}

/// What kind of failure a crash is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashKind {
    /// The target panicked.
    Panic,
    /// The target returned an error: for codegen, invalid emitted Rust or an internal error.
    BadOutput,
    /// No result within [`EXEC_TIMEOUT`].
    Hang,
}

impl fmt::Display for CrashKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Panic => "panic",
            Self::BadOutput => "bad output",
            Self::Hang => "hang",
        })
    }
}

/// One unique failure.
#[derive(Debug, Clone)]
pub struct Crash {
    /// Panic, bad output or hang.
    pub kind: CrashKind,
    /// What crashes are deduplicated by.
    pub key: String,
    /// The panic message or the target's error (first line).
    pub message: String,
    /// `file:line:col` of the panic (empty for other kinds); for a panic inside a
    /// dependency, followed by `via` and the first workspace frame.
    pub location: String,
    /// The minimized input.
    pub input: PathBuf,
    /// The `.txt` beside it: message, location, backtrace, how to reproduce.
    pub details: PathBuf,
    /// The seed spec the crashing input was made from.
    pub seed_spec: PathBuf,
    /// The iteration that found it (with the config seed, this rebuilds the input).
    pub iteration: u64,
    /// How many inputs failed with this key.
    pub hits: u64,
    /// Size of the crashing input before and after minimization.
    pub original_bytes: usize,
    /// Size after minimization.
    pub minimized_bytes: usize,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct FuzzReport {
    /// The PRNG seed of the run.
    pub seed: u64,
    /// Fuzzing iterations (generated inputs).
    pub iterations: u64,
    /// Executions of the target, including minimization.
    pub executions: u64,
    /// Seed specs loaded.
    pub seeds: usize,
    /// Seed specs that could not be read: (path, reason).
    pub skipped_seeds: Vec<(PathBuf, String)>,
    /// Unique failures, in the order found.
    pub crashes: Vec<Crash>,
    /// In-flight inputs of earlier runs that died (stack overflow, abort, kill).
    pub stale_in_flight: Vec<PathBuf>,
    /// Problems writing crash files.
    pub errors: Vec<String>,
    /// Time spent fuzzing (without loading seeds and minimizing).
    pub fuzz_time: Duration,
    /// Wall time of the whole run.
    pub elapsed: Duration,
}

impl FuzzReport {
    /// Fuzzing iterations per second of fuzzing time.
    pub fn iterations_per_second(&self) -> f64 {
        let secs = self.fuzz_time.as_secs_f64();
        if secs > 0.0 {
            self.iterations as f64 / secs
        } else {
            0.0
        }
    }
}

impl fmt::Display for FuzzReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "fuzz: seed {}, {} seed specs, {} iterations in {:.1} s ({:.1}/s), {} executions, {:.1} s in all",
            self.seed,
            self.seeds,
            self.iterations,
            self.fuzz_time.as_secs_f64(),
            self.iterations_per_second(),
            self.executions,
            self.elapsed.as_secs_f64()
        )?;
        for (path, reason) in &self.skipped_seeds {
            writeln!(f, "skipped seed {}: {reason}", path.display())?;
        }
        for path in &self.stale_in_flight {
            writeln!(
                f,
                "an earlier run died while running {} (stack overflow or abort?)",
                path.display()
            )?;
        }
        for error in &self.errors {
            writeln!(f, "error: {error}")?;
        }
        if self.crashes.is_empty() {
            return writeln!(f, "no crashes");
        }
        writeln!(f, "{} unique crashes:", self.crashes.len())?;
        for crash in &self.crashes {
            writeln!(
                f,
                "- {}: {}{}\n  {} ({} -> {} bytes, {} hits; seed spec {}, iteration {})",
                crash.kind,
                crash.message,
                if crash.location.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", crash.location)
                },
                crash.input.display(),
                crash.original_bytes,
                crash.minimized_bytes,
                crash.hits,
                crash.seed_spec.display(),
                crash.iteration
            )?;
        }
        Ok(())
    }
}

/// Arguments of `cargo xtask fuzz`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// How long to fuzz, in seconds (minimizing crashes comes on top).
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// PRNG seed [default: from the clock; printed so the run can be repeated].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seed specs (files or directories) instead of the project's own; repeatable.
    #[arg(long = "corpus", value_name = "PATH")]
    pub corpus: Vec<PathBuf>,
    /// Where to write minimized crashes [default: target/fuzz/crashes].
    #[arg(long, value_name = "DIR")]
    pub crashes: Option<PathBuf>,
}

/// `cargo xtask fuzz`: fuzzes codegen, prints the report; exit code 1 when anything failed.
pub fn cli(args: &Args) -> Result<ExitCode, String> {
    let root = crate::workspace::root();
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let mut config = FuzzConfig::new(&root, args.seconds, seed);
    if !args.corpus.is_empty() {
        config.corpus = expand_corpus(&args.corpus)?;
    }
    if let Some(dir) = &args.crashes {
        config.crashes_dir = dir.clone();
    }
    if config.corpus.is_empty() {
        return Err("fuzz: no seed specs".to_owned());
    }
    eprintln!(
        "fuzz: seed {seed}, {} seed specs, {} s; crashes go to {}",
        config.corpus.len(),
        config.seconds,
        config.crashes_dir.display()
    );
    let report = run(&config);
    print!("{report}");
    Ok(if report.crashes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn expand_corpus(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            out.extend(spec_files(path, None));
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(format!(
                "fuzz: no such file or directory: {}",
                path.display()
            ));
        }
    }
    Ok(out)
}

/// The project's own specs: `openapi/*.yaml`, `tests/fixtures/specs/*`,
/// `tests/fixtures/invalid/*`, `tests/fixtures/seed-3.1.yaml`, and the specs under
/// 200 KB of `../shared/specs/corpus-a` and `../shared/specs/corpus-31` when they exist.
/// Only `.json`, `.yaml` and `.yml` files, sorted within each folder.
pub fn default_corpus(root: &Path) -> Vec<PathBuf> {
    let mut out = spec_files(&root.join("openapi"), None);
    out.extend(spec_files(&root.join("tests/fixtures/specs"), None));
    out.extend(spec_files(&root.join("tests/fixtures/invalid"), None));
    let seed = root.join("tests/fixtures/seed-3.1.yaml");
    if seed.is_file() {
        out.push(seed);
    }
    if let Some(parent) = root.parent() {
        let shared = parent.join("shared").join("specs");
        for corpus in ["corpus-a", "corpus-31"] {
            out.extend(spec_files(
                &shared.join(corpus),
                Some(MAX_SHARED_SEED_BYTES),
            ));
        }
    }
    out
}

fn spec_files(dir: &Path, max_bytes: Option<u64>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let small = match max_bytes {
                Some(max) => entry.metadata().is_ok_and(|m| m.len() < max),
                None => true,
            };
            small && entry.file_type().is_ok_and(|t| t.is_file())
        })
        .map(|entry| entry.path())
        .filter(|path| SourceFormat::from_path(path).is_some())
        .collect();
    files.sort();
    files
}

/// Fuzzes codegen ([`codegen_target`]).
pub fn run(config: &FuzzConfig) -> FuzzReport {
    run_with(config, codegen_target)
}

/// The codegen target: generate, then check that every emitted `.rs` file parses. `Err`
/// for invalid Rust, and for "internal error" diagnostics (a generator bug by its own
/// account); ordinary diagnostics are fine. `spec_name` picks the format by extension.
pub fn codegen_target(spec_name: &str, text: &str) -> Result<(), String> {
    let options = codegen::Options::new(spec_name, "fuzz-target");
    let diagnostics = match codegen::generate(text, &options) {
        Ok(output) => {
            for file in &output.files {
                if file.path.ends_with(".rs") {
                    check_rust(&file.path, &file.text)?;
                }
            }
            output.diagnostics
        }
        Err(diagnostics) => diagnostics,
    };
    let internal = diagnostics
        .iter()
        .find(|d| d.message.starts_with("internal error"))
        .map(|d| d.message.clone());
    match internal {
        Some(message) => Err(message),
        None => Ok(()),
    }
}

/// `syn::parse_file`, skipping texts already seen to parse (the runtime files repeat).
fn check_rust(path: &str, text: &str) -> Result<(), String> {
    static GOOD: OnceLock<Mutex<HashSet<u64>>> = OnceLock::new();
    let hash = fnv1a(text.as_bytes()) ^ (text.len() as u64).rotate_left(32);
    let good = GOOD.get_or_init(Default::default);
    if good
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&hash)
    {
        return Ok(());
    }
    match syn::parse_file(text) {
        Ok(_) => {
            let mut good = good.lock().unwrap_or_else(|e| e.into_inner());
            if good.len() > 4096 {
                good.clear();
            }
            good.insert(hash);
            Ok(())
        }
        Err(error) => Err(format!("emitted {path} does not parse as Rust: {error}")),
    }
}

/// Fuzzes `target(spec_name, text)`: `Err(message)` or a panic is a failure.
pub fn run_with<F>(config: &FuzzConfig, target: F) -> FuzzReport
where
    F: Fn(&str, &str) -> Result<(), String> + Send + Sync + 'static,
{
    let started = Instant::now();
    let (seeds, skipped_seeds) = load_seeds(&config.corpus);
    let mut report = FuzzReport {
        seed: config.seed,
        seeds: seeds.len(),
        skipped_seeds,
        ..FuzzReport::default()
    };
    if let Err(e) = std::fs::create_dir_all(&config.crashes_dir) {
        report.errors.push(format!(
            "cannot create {}: {e}",
            config.crashes_dir.display()
        ));
    }
    report.stale_in_flight = stale_in_flight(&config.crashes_dir);
    if seeds.is_empty() {
        report.elapsed = started.elapsed();
        return report;
    }
    let mut fuzzer = Fuzzer {
        config,
        seeds: &seeds,
        exec: Executor::new(Arc::new(target), &config.crashes_dir),
        seen: HashMap::new(),
        report,
        minimize_budget: MINIMIZE_BUDGET.min(Duration::from_secs(config.seconds.max(1))),
    };
    let fuzz_start = Instant::now();
    let deadline = fuzz_start + Duration::from_secs(config.seconds);
    let mut minimizing = Duration::ZERO;
    let mut next_progress = fuzz_start + PROGRESS_EVERY;
    let mut iteration = 0u64;
    while Instant::now() < deadline && fuzzer.exec.hangs < MAX_HANGS {
        let input = generate_input(&seeds, config.seed, iteration);
        let outcome = fuzzer.exec.exec(&input.name, &input.text);
        if let Some(failure) = outcome.into_failure() {
            let before = Instant::now();
            fuzzer.handle_failure(failure, &input, iteration);
            minimizing += before.elapsed();
        }
        iteration += 1;
        if Instant::now() >= next_progress {
            next_progress += PROGRESS_EVERY;
            eprintln!(
                "fuzz: {:.0} s, {iteration} iterations, {} unique crashes",
                fuzz_start.elapsed().as_secs_f64(),
                fuzzer.report.crashes.len()
            );
        }
    }
    let mut report = fuzzer.finish();
    report.iterations = iteration;
    report.fuzz_time = fuzz_start.elapsed().saturating_sub(minimizing);
    report.elapsed = started.elapsed();
    report
}

fn stale_in_flight(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let own = format!(".in-flight-{}.", std::process::id());
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(".in-flight-") && !n.starts_with(&own))
        })
        .collect();
    stale.sort();
    stale
}

/// The input iteration `iteration` of a run with `config` tried: (spec name, text), to
/// reproduce a crash from its `.txt` (needs the same corpus files, unchanged).
pub fn input_for(config: &FuzzConfig, iteration: u64) -> Option<(String, String)> {
    let (seeds, _) = load_seeds(&config.corpus);
    if seeds.is_empty() {
        return None;
    }
    let input = generate_input(&seeds, config.seed, iteration);
    Some((input.name, input.text))
}
