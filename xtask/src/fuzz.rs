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

use std::backtrace::Backtrace;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use codegen::source::SourceFormat;

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

// ---------------------------------------------------------------------------------------
// Seeds and formats

struct Seed {
    path: PathBuf,
    format: SourceFormat,
    text: String,
    /// `None` when the text does not parse: then only bytes are mutated.
    value: Option<Value>,
}

fn load_seeds(paths: &[PathBuf]) -> (Vec<Seed>, Vec<(PathBuf, String)>) {
    let mut seeds = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let format = SourceFormat::from_path(path).unwrap_or(SourceFormat::Yaml);
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let value = parse_value(format, &text);
                seeds.push(Seed {
                    path: path.clone(),
                    format,
                    text,
                    value,
                });
            }
            Err(e) => skipped.push((path.clone(), e.to_string())),
        }
    }
    (seeds, skipped)
}

/// The value tree, read by the generator's own loader (`codegen::parse_tree`), so
/// a seed's numbers and keys are what the generator sees.
fn parse_value(format: SourceFormat, text: &str) -> Option<Value> {
    codegen::parse_tree(text, format).ok()
}

fn serialize(format: SourceFormat, value: &Value, compact: bool) -> String {
    let json = || {
        if compact {
            serde_json::to_string(value)
        } else {
            serde_json::to_string_pretty(value)
        }
        .unwrap_or_default()
    };
    match format {
        SourceFormat::Json => json(),
        SourceFormat::Yaml => serde_yaml::to_string(value).unwrap_or_else(|_| json()),
    }
}

// ---------------------------------------------------------------------------------------
// Inputs

/// One generated input.
#[derive(Debug, Clone, PartialEq)]
struct Input {
    /// `fuzz.json` or `fuzz.yaml`: the spec name given to the target.
    name: String,
    format: SourceFormat,
    text: String,
    seed_index: usize,
    /// Names of the mutations applied, in order.
    mutations: Vec<&'static str>,
}

fn iteration_rng(seed: u64, iteration: u64) -> fastrand::Rng {
    fastrand::Rng::with_seed(splitmix64(seed ^ splitmix64(iteration.wrapping_add(1))))
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The input of `iteration` for the PRNG seed `seed`: a pure function of its arguments.
fn generate_input(seeds: &[Seed], seed: u64, iteration: u64) -> Input {
    let mut rng = iteration_rng(seed, iteration);
    // Half the time the smallest of three: small specs run faster, big ones still come up.
    let mut seed_index = rng.usize(..seeds.len());
    if rng.bool() {
        for _ in 0..2 {
            let other = rng.usize(..seeds.len());
            if seeds[other].text.len() < seeds[seed_index].text.len() {
                seed_index = other;
            }
        }
    }
    let spec = &seeds[seed_index];
    let mut mutations = Vec::new();
    let (format, mut text, bytes) = match &spec.value {
        Some(value) if rng.u8(..10) != 0 => {
            let mut value = value.clone();
            for _ in 0..rng.usize(1..=8) {
                mutations.push(mutate(&mut value, &mut rng, seeds));
            }
            let format = if rng.bool() {
                SourceFormat::Json
            } else {
                SourceFormat::Yaml
            };
            let text = serialize(format, &value, rng.bool());
            (format, text, rng.u8(..8) == 0)
        }
        _ => (spec.format, spec.text.clone(), true),
    };
    if bytes {
        text = mutate_text(&text, &mut rng);
        mutations.push("bytes");
    }
    Input {
        name: format!("fuzz.{}", format.extension()),
        format,
        text,
        seed_index,
        mutations,
    }
}

// ---------------------------------------------------------------------------------------
// Paths in a value tree

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy)]
enum SegRef<'a> {
    Key(&'a str),
    Index(usize),
}

impl SegRef<'_> {
    fn to_owned_seg(self) -> Seg {
        match self {
            SegRef::Key(k) => Seg::Key(k.to_owned()),
            SegRef::Index(i) => Seg::Index(i),
        }
    }
}

/// The key `up` segments from the end of `path` (1 = the last), if it is a key.
fn key_at<'a>(path: &[SegRef<'a>], up: usize) -> Option<&'a str> {
    match path.len().checked_sub(up).map(|i| path[i]) {
        Some(SegRef::Key(k)) => Some(k),
        _ => None,
    }
}

fn walk<'a>(
    value: &'a Value,
    stack: &mut Vec<SegRef<'a>>,
    f: &mut dyn FnMut(&[SegRef<'a>], &'a Value),
) {
    f(stack, value);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                stack.push(SegRef::Key(k));
                walk(v, stack, f);
                stack.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                stack.push(SegRef::Index(i));
                walk(v, stack, f);
                stack.pop();
            }
        }
        _ => {}
    }
}

/// A uniformly random node matching `pred` (reservoir sampling, one walk).
fn pick(
    root: &Value,
    rng: &mut fastrand::Rng,
    pred: &dyn Fn(&[SegRef<'_>], &Value) -> bool,
) -> Option<Vec<Seg>> {
    let mut count = 0usize;
    let mut chosen: Option<Vec<Seg>> = None;
    let mut stack = Vec::new();
    walk(root, &mut stack, &mut |path, value| {
        if pred(path, value) {
            count += 1;
            if rng.usize(..count) == 0 {
                chosen = Some(path.iter().map(|s| s.to_owned_seg()).collect());
            }
        }
    });
    chosen
}

fn get<'v>(root: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    let mut current = root;
    for seg in path {
        current = match (seg, current) {
            (Seg::Key(k), Value::Object(map)) => map.get(k)?,
            (Seg::Index(i), Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

fn get_mut<'v>(root: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut current = root;
    for seg in path {
        current = match (seg, current) {
            (Seg::Key(k), Value::Object(map)) => map.get_mut(k)?,
            (Seg::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

fn remove_at(root: &mut Value, path: &[Seg]) -> Option<Value> {
    let (last, parent) = path.split_last()?;
    match (last, get_mut(root, parent)?) {
        (Seg::Key(k), Value::Object(map)) => map.shift_remove(k),
        (Seg::Index(i), Value::Array(items)) if *i < items.len() => Some(items.remove(*i)),
        _ => None,
    }
}

/// Renames the member at `path` (keeping its place); false when `path` is not a member.
fn rename_at(root: &mut Value, path: &[Seg], new: &str) -> bool {
    let Some((Seg::Key(old), parent)) = path.split_last() else {
        return false;
    };
    let Some(Value::Object(map)) = get_mut(root, parent) else {
        return false;
    };
    rename_key(map, old, new);
    true
}

fn rename_key(map: &mut Map<String, Value>, old: &str, new: &str) {
    let entries = std::mem::take(map);
    for (k, v) in entries {
        if k == old {
            map.insert(new.to_owned(), v);
        } else {
            map.entry(k).or_insert(v);
        }
    }
}

/// `#/a/b~1c` for a path (escaped by `codegen::pointer`, as the generator reads it).
fn encode_pointer(path: &[Seg]) -> String {
    let tokens: Vec<String> = path
        .iter()
        .map(|seg| match seg {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect();
    format!("#{}", codegen::pointer::encode(&tokens))
}

fn escape_token(token: &str) -> String {
    codegen::pointer::escape_token(token).into_owned()
}

fn percent_encode_some(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let special = !(c.is_ascii_alphanumeric() || "#/-_.".contains(c));
        if special || rng.u8(..8) == 0 {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Node predicates

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const SCHEMA_HINTS: &[&str] = &[
    "type",
    "properties",
    "$ref",
    "allOf",
    "oneOf",
    "anyOf",
    "items",
    "enum",
    "format",
    "additionalProperties",
    "nullable",
    "const",
    "prefixItems",
];

fn is_schema_like(path: &[SegRef<'_>], value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    if SCHEMA_HINTS.iter().any(|k| map.contains_key(*k)) {
        return true;
    }
    if matches!(
        key_at(path, 1),
        Some(
            "schema"
                | "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "contentSchema"
        )
    ) {
        return true;
    }
    if matches!(
        key_at(path, 2),
        Some(
            "properties"
                | "schemas"
                | "$defs"
                | "definitions"
                | "patternProperties"
                | "dependentSchemas"
        )
    ) {
        return true;
    }
    matches!(path.last(), Some(SegRef::Index(_)))
        && matches!(
            key_at(path, 2),
            Some("allOf" | "oneOf" | "anyOf" | "prefixItems")
        )
}

fn is_operation(path: &[SegRef<'_>], value: &Value) -> bool {
    path.len() == 3
        && matches!(path[0], SegRef::Key("paths" | "webhooks"))
        && key_at(path, 1).is_some_and(|m| HTTP_METHODS.contains(&m))
        && value.is_object()
}

fn is_path_item(path: &[SegRef<'_>], value: &Value) -> bool {
    path.len() == 2 && matches!(path[0], SegRef::Key("paths" | "webhooks")) && value.is_object()
}

fn is_parameter(path: &[SegRef<'_>], value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    map.contains_key("in")
        || (matches!(path.last(), Some(SegRef::Index(_))) && key_at(path, 2) == Some("parameters"))
        || key_at(path, 2) == Some("parameters")
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

// ---------------------------------------------------------------------------------------
// Random values

const WEIRD_STRINGS: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "r#x",
    "r#type",
    "r#self",
    "r#",
    "0abc",
    "😀",
    "",
    " ",
    "_",
    "__",
    "a-b",
    "a b",
    "a.b",
    "$",
    "@type",
    "\u{0}",
    "\n",
    "\t",
    "\r\n",
    "\u{7f}",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "\u{85}",
    "\u{2028}",
    "é",
    "Ω",
    "ß",
    "İ",
    "ǅ",
    "ﬀ",
    "a\u{301}",
    "漢字",
    "123",
    "-1",
    "1.5",
    "true",
    "null",
    "None",
    "Some",
    "Ok",
    "Err",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "HashMap",
    "std",
    "core",
    "alloc",
    "async",
    "await",
    "dyn",
    "fn",
    "impl",
    "match",
    "mod",
    "move",
    "ref",
    "static",
    "struct",
    "trait",
    "union",
    "unsafe",
    "use",
    "where",
    "yield",
    "abstract",
    "try",
    "gen",
    "macro_rules",
    "loop",
    "break",
    "continue",
    "as",
    "box",
    "{",
    "}",
    "{{a}}",
    "{a",
    "a}",
    "}{",
    "\"",
    "\\",
    "'",
    "`",
    "*/",
    "/*",
    "//",
    "///",
    "#",
    "#[",
    "#![allow()]",
    "]",
    "a::b",
    "<T>",
    "Client",
    "Error",
    "new",
    "default",
    "clone",
    "fmt",
    "serde",
    "deserialize",
    "Default",
    "Clone",
    "Debug",
    "Serialize",
    "Deserialize",
    "types",
    "client",
    "runtime",
    "__private",
    "k#x",
    "%7B",
    "%7Bid%7D",
    "~0",
    "~1",
    "a/b",
    "CamelCase",
    "snake_case",
    "SCREAMING_CASE",
    "camelCaseABC",
    "ABC",
    "A",
    "a",
    "_1",
    "1_",
    "a__b",
    "-",
    "--",
    "+",
    "=",
    "?",
    "!",
    "Ok(())",
    "x\u{0}y",
    "💩💩",
    "ä-ö",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

const TYPE_NAMES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null", "file", "any", "",
    "String", "int", "float", "date", "uuid", "Object",
];

const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "int8",
    "int16",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float",
    "double",
    "decimal",
    "byte",
    "binary",
    "base64",
    "date",
    "date-time",
    "time",
    "duration",
    "uuid",
    "email",
    "uri",
    "uri-reference",
    "url",
    "hostname",
    "ipv4",
    "ipv6",
    "password",
    "regex",
    "json-pointer",
    "",
    "garbage",
    "😀",
    "date-time ",
    "INT32",
    "int128",
];

const PATTERNS: &[&str] = &[
    "",
    "^a$",
    "(",
    ")",
    "[",
    "a{2,1}",
    "\\",
    "\\p{L}+",
    "\\p{Nope}",
    "(?<n>a)\\k<n>",
    "(?=a)",
    "(?<!a)b",
    "\\d{1000000}",
    "^(a+)+$",
    "[\\u{1F600}]",
    "\\u00zz",
    "a**",
    "(?i)abc",
    "\u{0}",
    "[^]",
    "\\1(a)",
    "^\\/api\\/{id}$",
    ".*",
    "{",
    "}",
    "{{a}}",
    "\\Q",
    "[[:alpha:]]",
    "^[a-z]{1,}$",
    "\"",
    "*/",
    "#",
    "\\\"",
    "'",
    "[z-a]",
    "(?P<x>y)",
];

const MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/*+json",
    "application/problem+json",
    "application/vnd.api+json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/mixed",
    "application/octet-stream",
    "text/plain",
    "text/plain; charset=utf-8",
    "text/html",
    "text/event-stream",
    "application/xml",
    "application/x-ndjson",
    "image/png",
    "image/*",
    "*/*",
    "",
    "json",
    "application/json; charset=\"utf-8\"",
    "APPLICATION/JSON",
    "😀/😀",
    "a/b/c",
    "application/json;",
    ";",
];

const STATUS_CODES: &[&str] = &[
    "200", "201", "202", "204", "206", "299", "2XX", "2xx", "3XX", "301", "304", "400", "404",
    "4XX", "500", "5XX", "default", "Default", "100", "1XX", "999", "0", "-1", "abc", "", "200 ",
    "02", "600", "XXX",
];

const PARAM_IN: &[&str] = &[
    "path",
    "query",
    "header",
    "cookie",
    "body",
    "formData",
    "querystring",
    "",
    "PATH",
    "😀",
];

const PARAM_STYLES: &[&str] = &[
    "form",
    "simple",
    "label",
    "matrix",
    "deepObject",
    "spaceDelimited",
    "pipeDelimited",
    "garbage",
    "",
];

const VERSIONS: &[&str] = &[
    "3.0.0",
    "3.0.1",
    "3.0.3",
    "3.0.4",
    "3.1.0",
    "3.1.1",
    "3.1.2",
    "3.2.0",
    "2.0",
    "3",
    "3.0",
    "3.1",
    "3.9.9",
    "4.0.0",
    "1.0",
    "",
    "garbage",
    "3.0.0-rc0",
    " 3.0.0",
    "3.1.0\n",
    "3.1.0.1",
    "3.x",
    "v3.0.0",
];

const PATH_TEMPLATES: &[&str] = &[
    "/{",
    "/}",
    "/{{a}}",
    "/{a}/{a}",
    "/a/{b",
    "/a/b}",
    "/}{",
    "/{}",
    "/{😀}",
    "",
    "no-slash",
    "/",
    "//",
    "/{self}",
    "/{type}",
    "/{Self}",
    "/{crate}",
    "/{r#x}",
    "/{0abc}",
    "/x/{id}.{format}",
    "/{a}{b}",
    "/{a-b}/{a_b}",
    "/{ id }",
    "/%7Bid%7D",
    "/a?b=c",
    "/a#frag",
    "/{id}/{ID}",
    "/{\u{0}}",
    "/\u{7f}",
    "/a b",
    "/../..",
    "/{a}/{b}/{c}/{d}",
    "/users/{userId}/pets/{petId}",
    "/{{",
    "/{id}}",
    "/\"",
    "/\\",
    "/{\"}",
    "/{a\nb}",
];

const FIXED_POINTERS: &[&str] = &[
    "#",
    "",
    "#/",
    "/",
    "#/components",
    "#/components/schemas",
    "#/components/schemas/",
    "#//",
    "other.yaml#/components/schemas/A",
    "https://example.com/schema.json",
    "https://example.com/schema.json#/a",
    "#anchor",
    "#/paths/~1pets~1{id}",
    "#/paths/%7Bid%7D",
    "urn:uuid:1234",
    "#/0",
    "#/components/schemas/a~1b",
    "#/components/schemas/~",
    "#/components/schemas/~2",
    "#/components/schemas/%",
    "#/components/schemas/%ZZ",
    "#/$defs/x",
    "#/definitions/x",
    "../x.json",
    "#/components/parameters/x",
    "#/components/responses/x",
    "#/components/requestBodies/x",
    "#/components/headers/x",
    "#/components/pathItems/x",
    "#/components/securitySchemes/x",
    "#/info",
    "#/openapi",
    "#/paths",
    "#/components/schemas/😀",
    "#/components/schemas/%F0%9F%98%80",
];

const TEXT_TOKENS: &[&str] = &[
    ": ",
    "- ",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!!map ",
    "!custom ",
    "? ",
    "---\n",
    "...\n",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    ",",
    ":",
    "#",
    "|",
    "|-\n",
    ">",
    "%YAML 1.2\n",
    "@",
    "`",
    ".nan",
    ".inf",
    "-.inf",
    "1e999",
    "-0",
    "0x1F",
    "0o17",
    "~",
    "null",
    "\u{feff}",
    "\r\n",
    "\r",
    "\\u0000",
    "\\ud800",
    "\\uDFFF",
    "\\",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
    "😀",
    "$ref",
    "\"$ref\": \"#\"",
    "$ref: '#/'",
    "type: ",
    "\n  ",
    "\n- ",
    "yes",
    "no",
    "on",
    "off",
    "1_000",
    "0.",
    ".5",
    "+1",
    "18446744073709551616",
    "-9223372036854775809",
    "1.7976931348623157e309",
];

const NUMERIC_KEYWORDS: &[&str] = &[
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
];

fn choose<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn weird_string(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..10) {
        0..=5 => choose(rng, WEIRD_STRINGS).to_owned(),
        6 | 7 => random_string(rng),
        8 => format!(
            "{}{}",
            choose(rng, WEIRD_STRINGS),
            choose(rng, WEIRD_STRINGS)
        ),
        _ => {
            let base = choose(rng, &["name", "id", "type", "self", "value", "data", "x"]);
            collide(rng, base)
        }
    }
}

fn random_string(rng: &mut fastrand::Rng) -> String {
    let len = rng.usize(0..16);
    (0..len)
        .map(|_| match rng.u8(..12) {
            0..=3 => rng.alphabetic(),
            4 => rng.digit(10),
            5 => *rng
                .choice(" -_.{}/~%$#\\\"'`:;,!?()[]<>@&*+=|^".as_bytes())
                .unwrap_or(&b'_') as char,
            6 => char::from(rng.u8(..0x20)),
            7 => rng.char('\u{80}'..'\u{800}'),
            8 => rng.char('\u{800}'..'\u{d7ff}'),
            9 => rng.char('\u{1f300}'..'\u{1f6ff}'),
            10 => *rng
                .choice(
                    [
                        '\u{301}', '\u{200b}', '\u{202e}', '\u{feff}', '\u{fffd}', '\u{85}',
                    ]
                    .iter(),
                )
                .unwrap_or(&'x'),
            _ => rng.char(char::MIN..=char::MAX),
        })
        .collect()
}

/// A name that may collide with `name` once converted to a Rust identifier.
fn collide(rng: &mut fastrand::Rng, name: &str) -> String {
    match rng.u8(..12) {
        0 => name.to_uppercase(),
        1 => name.to_lowercase(),
        2 => name.replace('_', "-"),
        3 => name.replace('-', "_"),
        4 => format!("{name}_"),
        5 => format!("_{name}"),
        6 => format!("r#{name}"),
        7 => format!("{name}1"),
        8 => name
            .chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    vec!['_', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            })
            .collect(),
        9 => {
            let mut up = true;
            name.chars()
                .filter_map(|c| {
                    if c == '_' || c == '-' {
                        up = true;
                        None
                    } else if up {
                        up = false;
                        Some(c.to_ascii_uppercase())
                    } else {
                        Some(c)
                    }
                })
                .collect()
        }
        10 => format!("{name} "),
        _ => format!("{name}.{name}"),
    }
}

fn weird_number(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..20) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1),
        3 => json!(1.5),
        4 => json!(0.1),
        5 => json!(1e308),
        6 => json!(-1e308),
        7 => json!(1e-300),
        8 => json!(i64::MIN),
        9 => json!(i64::MAX),
        10 => json!(u64::MAX),
        11 => json!(9_007_199_254_740_993u64),
        12 => json!(4_294_967_296u64),
        13 => json!(-0.0),
        14 => json!(256),
        15 => json!(-129),
        16 => json!(rng.i64(..)),
        17 => json!(rng.i32(-1000..1000)),
        18 => json!((rng.f64() - 0.5) * 10f64.powi(rng.i32(-20..20))),
        _ => json!(u32::MAX),
    }
}

/// A number, or something that only looks like one.
fn numeric_like(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..10) {
        0..=5 => weird_number(rng),
        6 => json!(choose(
            rng,
            &[
                "NaN",
                "Infinity",
                "-Infinity",
                "1e999",
                "0x10",
                "",
                "5",
                "-0",
                "1_000"
            ]
        )),
        7 => Value::Bool(rng.bool()),
        8 => Value::Null,
        _ => random_value(rng, 1),
    }
}

fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    let top = if depth == 0 { 4 } else { 6 };
    match rng.u8(..top) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => weird_number(rng),
        3 => Value::String(weird_string(rng)),
        4 => Value::Array(
            (0..rng.usize(0..4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.usize(0..4))
                .map(|_| (weird_string(rng), random_value(rng, depth - 1)))
                .collect(),
        ),
    }
}

fn kind(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

fn value_of_other_type(rng: &mut fastrand::Rng, current: &Value) -> Value {
    for _ in 0..8 {
        let value = random_value(rng, 2);
        if kind(&value) != kind(current) {
            return value;
        }
    }
    Value::Null
}

fn random_type(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..20) {
        0..=11 => json!(choose(rng, TYPE_NAMES)),
        12..=14 => json!([choose(rng, TYPE_NAMES), "null"]),
        15..=17 => Value::Array(
            (0..rng.usize(0..5))
                .map(|_| json!(choose(rng, TYPE_NAMES)))
                .collect(),
        ),
        _ => random_value(rng, 1),
    }
}

/// A random pointer: existing or not, to itself or an ancestor, oddly escaped.
fn random_pointer(rng: &mut fastrand::Rng, root: &Value, here: &[Seg]) -> String {
    match rng.u8(..16) {
        0..=2 => {
            pick(root, rng, &|_, _| true).map_or_else(|| "#".to_owned(), |p| encode_pointer(&p))
        }
        3 => encode_pointer(here),
        4 => encode_pointer(&here[..here.len().saturating_sub(1)]),
        5 => {
            let cut = rng.usize(..=here.len());
            encode_pointer(&here[..cut])
        }
        6 => format!("#/components/schemas/{}", escape_token(&weird_string(rng))),
        7 => {
            let mut p = pick(root, rng, &|_, _| true)
                .map_or_else(|| "#".to_owned(), |p| encode_pointer(&p));
            let at = rng.usize(..=p.len());
            if p.is_char_boundary(at) {
                p.insert_str(at, choose(rng, &["~", "~2", "~01", "~1", "~0", "/", "//"]));
            }
            p
        }
        8 => {
            let p = pick(root, rng, &|_, _| true)
                .map_or_else(|| "#/a{b}".to_owned(), |p| encode_pointer(&p));
            percent_encode_some(&p, rng)
        }
        9 | 10 => choose(rng, FIXED_POINTERS).to_owned(),
        11 | 12 => {
            // A schema that exists: the common case, sometimes with the case changed.
            let names: Vec<&String> = root
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            if names.is_empty() {
                "#/components/schemas/Missing".to_owned()
            } else {
                let name = names[rng.usize(..names.len())].as_str();
                let name = if rng.u8(..4) == 0 {
                    collide(rng, name)
                } else {
                    name.to_owned()
                };
                format!("#/components/schemas/{}", escape_token(&name))
            }
        }
        13 => {
            let p = pick(root, rng, &|_, v| v.is_array())
                .map_or_else(|| "#".to_owned(), |p| encode_pointer(&p));
            format!(
                "{p}/{}",
                choose(rng, &["-1", "99999", "01", "-", "1.0", ""])
            )
        }
        14 => format!(
            "{}/{}",
            encode_pointer(here),
            choose(
                rng,
                &[
                    "properties/x",
                    "items",
                    "allOf/0",
                    "$ref",
                    "additionalProperties"
                ]
            )
        ),
        _ => weird_string(rng),
    }
}

fn random_schema(rng: &mut fastrand::Rng, root: &Value, here: &[Seg], depth: u32) -> Value {
    let top = if depth == 0 { 6 } else { 13 };
    match rng.u8(..top) {
        0 => Value::Bool(rng.bool()),
        1 => json!({}),
        2 => json!({ "$ref": random_pointer(rng, root, here) }),
        3 => json!({ "type": random_type(rng) }),
        4 => {
            json!({ "type": "string", "format": choose(rng, FORMATS), "pattern": choose(rng, PATTERNS) })
        }
        5 => json!({ "enum": (0..rng.usize(0..5)).map(|_| enum_value(rng)).collect::<Vec<_>>() }),
        6 | 7 => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for _ in 0..rng.usize(0..4) {
                let name = weird_string(rng);
                if rng.bool() {
                    required.push(Value::String(name.clone()));
                }
                properties.insert(name, random_schema(rng, root, here, depth - 1));
            }
            json!({ "type": "object", "properties": properties, "required": required })
        }
        8 => json!({ "type": "array", "items": random_schema(rng, root, here, depth - 1) }),
        9 | 10 => {
            let keyword = choose(rng, &["allOf", "oneOf", "anyOf"]);
            let items: Vec<Value> = (0..rng.usize(0..4))
                .map(|_| random_schema(rng, root, here, depth - 1))
                .collect();
            json!({ keyword: items })
        }
        11 => json!({ "const": random_value(rng, 1) }),
        _ => json!({
            "type": choose(rng, &["integer", "number"]),
            "minimum": numeric_like(rng),
            "maximum": numeric_like(rng),
        }),
    }
}

fn enum_value(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..8) {
        0..=4 => Value::String(weird_string(rng)),
        5 => weird_number(rng),
        6 => Value::Null,
        _ => random_value(rng, 1),
    }
}

// ---------------------------------------------------------------------------------------
// Structural mutations

struct Ctx<'a> {
    root: &'a mut Value,
    rng: &'a mut fastrand::Rng,
    seeds: &'a [Seed],
}

type Mutation = fn(&mut Ctx<'_>) -> bool;

const MUTATIONS: &[(&str, u32, Mutation)] = &[
    ("replace-node", 8, m_replace_node),
    ("delete", 8, m_delete),
    ("duplicate", 5, m_duplicate),
    ("ref", 10, m_ref),
    ("type", 8, m_type),
    ("keyword-3.1", 10, m_keyword),
    ("numbers", 7, m_numbers),
    ("names", 12, m_names),
    ("compose", 7, m_compose),
    ("version", 2, m_version),
    ("splice", 4, m_splice),
    ("operation", 8, m_operation),
    ("pattern-format", 4, m_pattern_format),
    ("default-enum", 5, m_default_enum),
    ("required", 4, m_required),
    ("servers-security", 3, m_servers_security),
    ("string", 5, m_string),
    ("discriminator", 3, m_discriminator),
];

/// Applies one random mutation (retrying a few times when one finds nothing to change);
/// returns its name.
fn mutate(root: &mut Value, rng: &mut fastrand::Rng, seeds: &[Seed]) -> &'static str {
    let total: u32 = MUTATIONS.iter().map(|m| m.1).sum();
    let mut cx = Ctx { root, rng, seeds };
    for _ in 0..4 {
        let mut roll = cx.rng.u32(..total);
        let &(name, _, mutation) = MUTATIONS
            .iter()
            .find(|m| {
                if roll < m.1 {
                    true
                } else {
                    roll -= m.1;
                    false
                }
            })
            .unwrap_or(&MUTATIONS[0]);
        if mutation(&mut cx) {
            return name;
        }
    }
    "none"
}

fn pick_in(cx: &mut Ctx<'_>, pred: &dyn Fn(&[SegRef<'_>], &Value) -> bool) -> Option<Vec<Seg>> {
    pick(cx.root, cx.rng, pred)
}

fn set_at(cx: &mut Ctx<'_>, path: &[Seg], value: Value) -> bool {
    match get_mut(cx.root, path) {
        Some(slot) => {
            *slot = value;
            true
        }
        None => false,
    }
}

/// Inserts `key: value` into the object at `path`.
fn insert_at(cx: &mut Ctx<'_>, path: &[Seg], key: &str, value: Value) -> bool {
    match get_mut(cx.root, path) {
        Some(Value::Object(map)) => {
            map.insert(key.to_owned(), value);
            true
        }
        _ => false,
    }
}

fn m_replace_node(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &|p, _| !p.is_empty()) else {
        return false;
    };
    let current = get(cx.root, &path).cloned().unwrap_or(Value::Null);
    let value = value_of_other_type(cx.rng, &current);
    set_at(cx, &path, value)
}

fn m_delete(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &|p, _| !p.is_empty()) else {
        return false;
    };
    remove_at(cx.root, &path).is_some()
}

fn m_duplicate(cx: &mut Ctx<'_>) -> bool {
    let Some(source) = pick_in(cx, &|p, _| !p.is_empty()) else {
        return false;
    };
    let Some(value) = get(cx.root, &source).cloned() else {
        return false;
    };
    let Some(target) = pick_in(cx, &|_, v| is_container(v)) else {
        return false;
    };
    let key = match (source.last(), cx.rng.u8(..3)) {
        (Some(Seg::Key(k)), 0) => k.clone(),
        (_, 1) => match get(cx.root, &target) {
            Some(Value::Object(map)) if !map.is_empty() => map
                .keys()
                .nth(cx.rng.usize(..map.len()))
                .cloned()
                .unwrap_or_default(),
            _ => weird_string(cx.rng),
        },
        _ => weird_string(cx.rng),
    };
    let at = cx.rng.usize(..=4);
    match get_mut(cx.root, &target) {
        Some(Value::Object(map)) => {
            map.insert(key, value);
            true
        }
        Some(Value::Array(items)) => {
            items.insert(at.min(items.len()), value);
            true
        }
        _ => false,
    }
}

fn m_ref(cx: &mut Ctx<'_>) -> bool {
    let existing = if cx.rng.u8(..10) < 7 {
        pick_in(cx, &|p, v| key_at(p, 1) == Some("$ref") && v.is_string())
    } else {
        None
    };
    let holder = match existing {
        Some(mut path) => {
            path.pop();
            path
        }
        None => {
            let schema = cx.rng.u8(..4) != 0;
            let found = if schema {
                pick_in(cx, &is_schema_like)
            } else {
                pick_in(cx, &|_, v| v.is_object())
            };
            let Some(path) = found else {
                return false;
            };
            path
        }
    };
    let pointer = random_pointer(cx.rng, cx.root, &holder);
    let value = if cx.rng.u8(..12) == 0 {
        random_value(cx.rng, 1)
    } else {
        Value::String(pointer)
    };
    if cx.rng.u8(..6) == 0 {
        // A $ref with siblings (allowed in 3.1, ignored in 3.0).
        let sibling = choose(
            cx.rng,
            &["description", "type", "nullable", "properties", "default"],
        );
        let extra = random_value(cx.rng, 1);
        insert_at(cx, &holder, sibling, extra);
    }
    insert_at(cx, &holder, "$ref", value)
}

fn m_type(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let value = random_type(cx.rng);
    insert_at(cx, &path, "type", value)
}

fn m_keyword(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let root: &Value = cx.root;
    let rng = &mut *cx.rng;
    let extension = format!("x-{}", weird_string(rng));
    let schema = |rng: &mut fastrand::Rng| random_schema(rng, root, &path, 2);
    let entries: Vec<(&str, Value)> = match rng.u8(..28) {
        0 => vec![("const", random_value(rng, 2))],
        1 => vec![(
            "prefixItems",
            Value::Array((0..rng.usize(0..4)).map(|_| schema(rng)).collect()),
        )],
        2 => {
            let mut out = vec![("if", schema(rng))];
            if rng.bool() {
                out.push(("then", schema(rng)));
            }
            if rng.bool() {
                out.push(("else", schema(rng)));
            }
            out
        }
        3 => {
            let name = weird_string(rng);
            let pointer = format!("{}/$defs/{}", encode_pointer(&path), escape_token(&name));
            let inner = if rng.bool() {
                json!({ "$ref": pointer })
            } else {
                schema(rng)
            };
            vec![("$defs", json!({ name: inner }))]
        }
        4 => vec![(
            "patternProperties",
            json!({ choose(rng, PATTERNS): schema(rng) }),
        )],
        5 => vec![(
            "contentEncoding",
            json!(choose(
                rng,
                &[
                    "base64",
                    "base64url",
                    "binary",
                    "8bit",
                    "7bit",
                    "quoted-printable",
                    "gzip",
                    "",
                    "😀"
                ]
            )),
        )],
        6 => vec![("contentMediaType", json!(choose(rng, MEDIA_TYPES)))],
        7 => vec![("contentSchema", schema(rng))],
        8 => vec![(
            "dependentRequired",
            if rng.u8(..4) == 0 {
                random_value(rng, 2)
            } else {
                json!({ weird_string(rng): [weird_string(rng), weird_string(rng)] })
            },
        )],
        9 => vec![(
            "dependentSchemas",
            json!({ weird_string(rng): schema(rng) }),
        )],
        10 => vec![
            ("contains", schema(rng)),
            ("minContains", numeric_like(rng)),
            ("maxContains", numeric_like(rng)),
        ],
        11 => vec![(
            "unevaluatedProperties",
            if rng.bool() {
                json!(false)
            } else {
                schema(rng)
            },
        )],
        12 => vec![(
            "unevaluatedItems",
            if rng.bool() {
                json!(false)
            } else {
                schema(rng)
            },
        )],
        13 => vec![("propertyNames", json!({ "pattern": choose(rng, PATTERNS) }))],
        14 => vec![(
            "examples",
            if rng.bool() {
                json!([random_value(rng, 1), random_value(rng, 1)])
            } else {
                random_value(rng, 1)
            },
        )],
        15 => vec![(
            choose(
                rng,
                &[
                    "$anchor",
                    "$dynamicAnchor",
                    "$dynamicRef",
                    "$id",
                    "$schema",
                    "$comment",
                    "$vocabulary",
                ],
            ),
            Value::String(weird_string(rng)),
        )],
        16 => vec![("not", schema(rng))],
        17 => vec![(
            choose(rng, &["exclusiveMinimum", "exclusiveMaximum"]),
            if rng.bool() {
                Value::Bool(rng.bool())
            } else {
                numeric_like(rng)
            },
        )],
        18 => vec![(
            "nullable",
            if rng.u8(..3) == 0 {
                random_value(rng, 0)
            } else {
                Value::Bool(rng.bool())
            },
        )],
        19 => vec![(
            choose(rng, &["readOnly", "writeOnly", "deprecated", "uniqueItems"]),
            if rng.u8(..3) == 0 {
                random_value(rng, 0)
            } else {
                Value::Bool(rng.bool())
            },
        )],
        20 => vec![(
            "additionalProperties",
            match rng.u8(..4) {
                0 => json!(false),
                1 => json!(true),
                2 => schema(rng),
                _ => random_value(rng, 1),
            },
        )],
        21 => vec![(
            "items",
            match rng.u8(..4) {
                0 => json!(false),
                1 => Value::Array((0..rng.usize(0..3)).map(|_| schema(rng)).collect()),
                _ => schema(rng),
            },
        )],
        22 => vec![(
            choose(rng, &["title", "description", "summary"]),
            json!(choose(
                rng,
                &[
                    "*/",
                    "/*",
                    "\r\n",
                    "```rust\nfn x() {}\n```",
                    "\\",
                    "#![allow(unused)]",
                    "\"\"\"",
                    "\u{0}",
                    "doc\u{85}line",
                    "    code",
                    "[link](http://x)",
                    "<b>",
                    "\t\t",
                    ""
                ]
            )),
        )],
        23 => vec![(extension.as_str(), random_value(rng, 2))],
        24 => vec![("default", random_value(rng, 2))],
        25 => vec![("example", random_value(rng, 2))],
        26 => vec![
            ("type", json!("object")),
            ("properties", random_value(rng, 2)),
        ],
        _ => vec![("enum", json!([Value::Null]))],
    };
    let mut changed = false;
    for (key, value) in entries {
        changed |= insert_at(cx, &path, key, value);
    }
    changed
}

fn m_numbers(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    if cx.rng.u8(..3) == 0 {
        // Inverted bounds.
        let (low, high) = *cx
            .rng
            .choice(
                [
                    ("minLength", "maxLength"),
                    ("minItems", "maxItems"),
                    ("minimum", "maximum"),
                    ("minProperties", "maxProperties"),
                    ("exclusiveMinimum", "exclusiveMaximum"),
                    ("minContains", "maxContains"),
                ]
                .iter(),
            )
            .unwrap_or(&("minimum", "maximum"));
        let big = cx.rng.i64(1..1_000_000);
        let small = cx.rng.i64(-10..1);
        insert_at(cx, &path, low, json!(big));
        return insert_at(cx, &path, high, json!(small));
    }
    let keyword = choose(cx.rng, NUMERIC_KEYWORDS);
    let value = numeric_like(cx.rng);
    insert_at(cx, &path, keyword, value)
}

fn m_names(cx: &mut Ctx<'_>) -> bool {
    match cx.rng.u8(..9) {
        // Rename a property, sometimes to a near-collision with a sibling.
        0 | 1 => {
            let Some(path) = pick_in(cx, &|p, _| {
                key_at(p, 2) == Some("properties") && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let old = match path.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => return false,
            };
            let new = if cx.rng.bool() {
                collide(cx.rng, &old)
            } else {
                weird_string(cx.rng)
            };
            if cx.rng.bool() {
                // Keep the old one and add the new one beside it.
                let value = get(cx.root, &path).cloned().unwrap_or(Value::Null);
                let parent = &path[..path.len() - 1];
                insert_at(cx, parent, &new, value)
            } else {
                let renamed = rename_at(cx.root, &path, &new);
                if renamed && cx.rng.bool() {
                    let holder = &path[..path.len() - 2];
                    if let Some(Value::Object(schema)) = get_mut(cx.root, holder) {
                        if let Some(Value::Array(required)) = schema.get_mut("required") {
                            required.push(Value::String(new));
                        }
                    }
                }
                renamed
            }
        }
        // operationId: weird, or a duplicate of another operation's.
        2 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let id = if cx.rng.bool() {
                pick_in(cx, &|p, v| {
                    key_at(p, 1) == Some("operationId") && v.is_string()
                })
                .and_then(|p| get(cx.root, &p).cloned())
                .map(|v| match v {
                    Value::String(s) if cx.rng.bool() => Value::String(collide(cx.rng, &s)),
                    other => other,
                })
                .unwrap_or_else(|| Value::String(weird_string(cx.rng)))
            } else if cx.rng.u8(..6) == 0 {
                random_value(cx.rng, 0)
            } else {
                Value::String(weird_string(cx.rng))
            };
            insert_at(cx, &path, "operationId", id)
        }
        // Enum values: weird, colliding, mixed types.
        3 => {
            let Some(path) = pick_in(cx, &is_schema_like) else {
                return false;
            };
            let base = weird_string(cx.rng);
            let values: Vec<Value> = (0..cx.rng.usize(0..6))
                .map(|_| match cx.rng.u8(..3) {
                    0 => Value::String(collide(cx.rng, &base)),
                    _ => enum_value(cx.rng),
                })
                .collect();
            if cx.rng.bool() {
                insert_at(cx, &path, "type", json!("string"));
            }
            insert_at(cx, &path, "enum", Value::Array(values))
        }
        // Path templates.
        4 => {
            let Some(path) = pick_in(cx, &is_path_item) else {
                return false;
            };
            let new = match cx.rng.u8(..3) {
                0 => format!("/{}/{{{}}}", weird_string(cx.rng), weird_string(cx.rng)),
                _ => choose(cx.rng, PATH_TEMPLATES).to_owned(),
            };
            rename_at(cx.root, &path, &new)
        }
        // Parameter names and locations.
        5 => {
            let Some(path) = pick_in(cx, &is_parameter) else {
                return false;
            };
            if cx.rng.bool() {
                let name = weird_string(cx.rng);
                insert_at(cx, &path, "name", json!(name))
            } else {
                let location = choose(cx.rng, PARAM_IN);
                insert_at(cx, &path, "in", json!(location))
            }
        }
        // Component names, with every reference renamed too (so they still resolve).
        6 | 7 => {
            let Some(path) = pick_in(cx, &|p, _| {
                p.len() == 3 && matches!(p[0], SegRef::Key("components")) && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let (Some(Seg::Key(section)), Some(Seg::Key(old))) = (path.get(1), path.get(2)) else {
                return false;
            };
            let new = if cx.rng.bool() {
                collide(cx.rng, old)
            } else {
                weird_string(cx.rng)
            };
            let from = format!(
                "#/components/{}/{}",
                escape_token(section),
                escape_token(old)
            );
            let to = format!(
                "#/components/{}/{}",
                escape_token(section),
                escape_token(&new)
            );
            if cx.rng.u8(..4) != 0 {
                rewrite_refs(cx.root, &from, &to);
            }
            rename_at(cx.root, &path, &new)
        }
        // Any key anywhere.
        _ => {
            let Some(path) = pick_in(cx, &|p, _| key_at(p, 1).is_some()) else {
                return false;
            };
            let new = weird_string(cx.rng);
            rename_at(cx.root, &path, &new)
        }
    }
}

fn rewrite_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if k == "$ref" => {
                        if s == from || s.starts_with(&format!("{from}/")) {
                            *s = format!("{to}{}", &s[from.len()..]);
                        }
                    }
                    _ => rewrite_refs(v, from, to),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

fn m_compose(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let Some(current) = get(cx.root, &path).cloned() else {
        return false;
    };
    let mut value = current;
    for level in 0..cx.rng.usize(1..=3) {
        let keyword = choose(cx.rng, &["allOf", "oneOf", "anyOf"]);
        let mut items = Vec::new();
        if cx.rng.u8(..4) != 0 {
            items.push(value.clone());
        }
        for _ in 0..cx.rng.usize(0..3) {
            items.push(random_schema(cx.rng, cx.root, &path, 1));
        }
        if cx.rng.bool() {
            // Recursion: point back at this schema (or one of its ancestors).
            let cut = path.len().saturating_sub(cx.rng.usize(..3));
            items.push(json!({ "$ref": encode_pointer(&path[..cut]) }));
        }
        cx.rng.shuffle(&mut items);
        value = match cx.rng.u8(..6) {
            0 if level == 0 => {
                // Keep the schema, add the composition beside its own keywords.
                let mut map = match value {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                map.insert(keyword.to_owned(), Value::Array(items));
                Value::Object(map)
            }
            1 => {
                json!({ keyword: if cx.rng.bool() { json!([]) } else { random_value(cx.rng, 1) } })
            }
            _ => json!({ keyword: items }),
        };
    }
    set_at(cx, &path, value)
}

fn m_version(cx: &mut Ctx<'_>) -> bool {
    let rng = &mut *cx.rng;
    let Value::Object(root) = &mut *cx.root else {
        return false;
    };
    match rng.u8(..10) {
        0 => {
            root.shift_remove("openapi");
        }
        1 => {
            root.insert("swagger".to_owned(), json!("2.0"));
        }
        2 => {
            root.insert("openapi".to_owned(), random_value(rng, 0));
        }
        _ => {
            root.insert("openapi".to_owned(), json!(choose(rng, VERSIONS)));
        }
    }
    true
}

fn m_splice(cx: &mut Ctx<'_>) -> bool {
    let donors: Vec<&Value> = cx.seeds.iter().filter_map(|s| s.value.as_ref()).collect();
    if donors.is_empty() {
        return false;
    }
    let donor = donors[cx.rng.usize(..donors.len())];
    let Some(from) = pick(donor, cx.rng, &|p, _| !p.is_empty()) else {
        return false;
    };
    let Some(value) = get(donor, &from).cloned() else {
        return false;
    };
    match cx.rng.u8(..10) {
        0..=4 => {
            let Some(to) = pick_in(cx, &|p, _| !p.is_empty()) else {
                return false;
            };
            set_at(cx, &to, value)
        }
        5..=7 => {
            let name = match from.last() {
                Some(Seg::Key(k)) if cx.rng.bool() => k.clone(),
                _ => weird_string(cx.rng),
            };
            let Value::Object(root) = &mut *cx.root else {
                return false;
            };
            let components = root.entry("components").or_insert_with(|| json!({}));
            let Value::Object(components) = components else {
                return false;
            };
            let schemas = components.entry("schemas").or_insert_with(|| json!({}));
            let Value::Object(schemas) = schemas else {
                return false;
            };
            schemas.insert(name, value);
            true
        }
        _ => {
            let Some(to) = pick_in(cx, &|_, v| v.is_object()) else {
                return false;
            };
            let key = weird_string(cx.rng);
            insert_at(cx, &to, &key, value)
        }
    }
}

fn random_parameter(rng: &mut fastrand::Rng, root: &Value, here: &[Seg]) -> Value {
    let mut param = Map::new();
    param.insert("name".to_owned(), json!(weird_string(rng)));
    param.insert("in".to_owned(), json!(choose(rng, PARAM_IN)));
    if rng.bool() {
        param.insert(
            "required".to_owned(),
            if rng.u8(..5) == 0 {
                random_value(rng, 0)
            } else {
                json!(rng.bool())
            },
        );
    }
    if rng.u8(..5) == 0 {
        param.insert(
            "content".to_owned(),
            json!({ choose(rng, MEDIA_TYPES): { "schema": random_schema(rng, root, here, 2) } }),
        );
    } else {
        param.insert("schema".to_owned(), random_schema(rng, root, here, 2));
    }
    if rng.bool() {
        param.insert("style".to_owned(), json!(choose(rng, PARAM_STYLES)));
    }
    if rng.bool() {
        param.insert("explode".to_owned(), json!(rng.bool()));
    }
    if rng.u8(..6) == 0 {
        param.insert("allowReserved".to_owned(), json!(rng.bool()));
    }
    Value::Object(param)
}

fn m_operation(cx: &mut Ctx<'_>) -> bool {
    match cx.rng.u8(..9) {
        // A parameter on an operation or a path item.
        0 | 1 => {
            let Some(path) = pick_in(cx, &|p, v| is_operation(p, v) || is_path_item(p, v)) else {
                return false;
            };
            let param = if cx.rng.u8(..6) == 0 {
                json!({ "$ref": random_pointer(cx.rng, cx.root, &path) })
            } else {
                random_parameter(cx.rng, cx.root, &path)
            };
            match get_mut(cx.root, &path) {
                Some(Value::Object(op)) => {
                    let params = op.entry("parameters").or_insert_with(|| json!([]));
                    match params {
                        Value::Array(items) => items.push(param),
                        other => *other = json!([param]),
                    }
                    true
                }
                _ => false,
            }
        }
        // A media type key.
        2 => {
            let Some(path) = pick_in(cx, &|p, _| {
                key_at(p, 2) == Some("content") && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let media = choose(cx.rng, MEDIA_TYPES);
            rename_at(cx.root, &path, media)
        }
        // A response status.
        3 => {
            let Some(path) = pick_in(cx, &|p, _| {
                key_at(p, 2) == Some("responses") && key_at(p, 1).is_some()
            }) else {
                return false;
            };
            let status = choose(cx.rng, STATUS_CODES);
            rename_at(cx.root, &path, status)
        }
        // A method (copied, or odd).
        4 => {
            let Some(path) = pick_in(cx, &is_path_item) else {
                return false;
            };
            let method = choose(
                cx.rng,
                &[
                    "get",
                    "put",
                    "post",
                    "delete",
                    "patch",
                    "head",
                    "options",
                    "trace",
                    "query",
                    "TRACE",
                    "GET",
                    "x-foo",
                    "parameters",
                    "servers",
                    "summary",
                    "$ref",
                    "connect",
                ],
            );
            let value = match get(cx.root, &path) {
                Some(Value::Object(item)) if !item.is_empty() && cx.rng.bool() => item
                    .values()
                    .nth(cx.rng.usize(..item.len()))
                    .cloned()
                    .unwrap_or(Value::Null),
                _ => random_value(cx.rng, 2),
            };
            insert_at(cx, &path, method, value)
        }
        // A request body.
        5 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let body = match cx.rng.u8(..5) {
                0 => json!({ "$ref": random_pointer(cx.rng, cx.root, &path) }),
                1 => random_value(cx.rng, 2),
                _ => {
                    let mut content = Map::new();
                    for _ in 0..cx.rng.usize(0..3) {
                        let media = choose(cx.rng, MEDIA_TYPES).to_owned();
                        let mut entry =
                            json!({ "schema": random_schema(cx.rng, cx.root, &path, 2) });
                        if media.starts_with("multipart") && cx.rng.bool() {
                            entry["encoding"] = json!({ weird_string(cx.rng): {
                                "contentType": choose(cx.rng, MEDIA_TYPES),
                                "style": choose(cx.rng, PARAM_STYLES),
                                "explode": cx.rng.bool(),
                            }});
                        }
                        content.insert(media, entry);
                    }
                    json!({ "content": content, "required": cx.rng.bool() })
                }
            };
            insert_at(cx, &path, "requestBody", body)
        }
        // A response with headers and content.
        6 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let status = choose(cx.rng, STATUS_CODES);
            let response = json!({
                "description": weird_string(cx.rng),
                "headers": { weird_string(cx.rng): { "schema": random_schema(cx.rng, cx.root, &path, 1) } },
                "content": { choose(cx.rng, MEDIA_TYPES): { "schema": random_schema(cx.rng, cx.root, &path, 2) } },
            });
            match get_mut(cx.root, &path) {
                Some(Value::Object(op)) => {
                    let responses = op.entry("responses").or_insert_with(|| json!({}));
                    match responses {
                        Value::Object(map) => {
                            map.insert(status.to_owned(), response);
                        }
                        other => *other = json!({ status: response }),
                    }
                    true
                }
                _ => false,
            }
        }
        // Callbacks and webhooks.
        7 => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let Some(op) = get(cx.root, &path).cloned() else {
                return false;
            };
            if cx.rng.bool() {
                let callback = json!({ "cb": { "{$request.body#/url}": { "post": op } } });
                insert_at(cx, &path, "callbacks", callback)
            } else {
                let hooks = json!({ weird_string(cx.rng): { "post": op } });
                insert_at(cx, &[], "webhooks", hooks)
            }
        }
        // An operation with nothing in it, or an odd value.
        _ => {
            let Some(path) = pick_in(cx, &is_operation) else {
                return false;
            };
            let value = match cx.rng.u8(..3) {
                0 => json!({}),
                1 => json!({ "responses": {} }),
                _ => random_value(cx.rng, 1),
            };
            set_at(cx, &path, value)
        }
    }
}

fn m_pattern_format(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    if cx.rng.bool() {
        let pattern = if cx.rng.u8(..4) == 0 {
            weird_string(cx.rng)
        } else {
            choose(cx.rng, PATTERNS).to_owned()
        };
        insert_at(cx, &path, "pattern", json!(pattern))
    } else {
        let format = choose(cx.rng, FORMATS);
        if cx.rng.bool() {
            let ty = choose(cx.rng, &["string", "integer", "number", "boolean", "array"]);
            insert_at(cx, &path, "type", json!(ty));
        }
        insert_at(cx, &path, "format", json!(format))
    }
}

fn m_default_enum(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let (key, value) = match cx.rng.u8(..6) {
        0 => ("default", random_value(cx.rng, 2)),
        1 => ("example", random_value(cx.rng, 2)),
        2 => ("enum", json!([])),
        3 => ("enum", random_value(cx.rng, 1)),
        4 => {
            let v = enum_value(cx.rng);
            ("enum", json!([v.clone(), v, null]))
        }
        _ => (
            "enum",
            json!([1, 1.5, "1", true, null, {"a": 1}, [1], -0.0, u64::MAX, i64::MIN]),
        ),
    };
    insert_at(cx, &path, key, value)
}

fn m_required(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let names: Vec<String> = match get(cx.root, &path).and_then(|s| s.get("properties")) {
        Some(Value::Object(props)) => props.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let value = match cx.rng.u8(..5) {
        0 => random_value(cx.rng, 1),
        1 => json!([]),
        _ => {
            let mut items: Vec<Value> = names
                .iter()
                .filter(|_| cx.rng.bool())
                .map(|n| json!(n))
                .collect();
            for _ in 0..cx.rng.usize(0..3) {
                items.push(match cx.rng.u8(..4) {
                    0 => json!(1),
                    1 => Value::Null,
                    _ => json!(weird_string(cx.rng)),
                });
            }
            if let Some(first) = items.first().cloned() {
                items.push(first);
            }
            Value::Array(items)
        }
    };
    insert_at(cx, &path, "required", value)
}

fn m_servers_security(cx: &mut Ctx<'_>) -> bool {
    match cx.rng.u8(..4) {
        0 => {
            let url = choose(
                cx.rng,
                &[
                    "https://{host}:{port}/{base",
                    "{scheme}://x",
                    "/relative",
                    "",
                    "https://example.com/{a}/{a}",
                    "{{x}}",
                    "https://😀.example/",
                    "//",
                    "http://[::1]:8080/v1",
                    "ftp://x",
                ],
            );
            let servers = json!([{
                "url": url,
                "variables": { weird_string(cx.rng): { "default": random_value(cx.rng, 0), "enum": [weird_string(cx.rng)] } },
            }]);
            insert_at(cx, &[], "servers", servers)
        }
        1 => {
            let name = weird_string(cx.rng);
            let scheme = json!({
                "type": choose(cx.rng, &["apiKey", "http", "oauth2", "openIdConnect", "mutualTLS", "basic", "", "garbage"]),
                "in": choose(cx.rng, &["header", "query", "cookie", "path", "", "body"]),
                "name": weird_string(cx.rng),
                "scheme": choose(cx.rng, &["bearer", "basic", "Bearer", "digest", "", "😀"]),
                "bearerFormat": weird_string(cx.rng),
                "flows": { "clientCredentials": { "tokenUrl": weird_string(cx.rng), "scopes": { weird_string(cx.rng): "" } } },
            });
            let Value::Object(root) = &mut *cx.root else {
                return false;
            };
            let components = root.entry("components").or_insert_with(|| json!({}));
            match components {
                Value::Object(components) => {
                    let schemes = components
                        .entry("securitySchemes")
                        .or_insert_with(|| json!({}));
                    match schemes {
                        Value::Object(schemes) => {
                            schemes.insert(name, scheme);
                        }
                        other => *other = json!({ name: scheme }),
                    }
                    true
                }
                _ => false,
            }
        }
        2 => {
            let names: Vec<String> = cx
                .root
                .pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let name = if names.is_empty() || cx.rng.u8(..4) == 0 {
                weird_string(cx.rng)
            } else {
                names[cx.rng.usize(..names.len())].clone()
            };
            let security = match cx.rng.u8(..4) {
                0 => random_value(cx.rng, 1),
                1 => json!([]),
                2 => json!([{}]),
                _ => json!([{ name: [weird_string(cx.rng)] }]),
            };
            let target = if cx.rng.bool() {
                pick_in(cx, &is_operation).unwrap_or_default()
            } else {
                Vec::new()
            };
            insert_at(cx, &target, "security", security)
        }
        _ => {
            let info = match cx.rng.u8(..3) {
                0 => random_value(cx.rng, 1),
                _ => json!({ "title": weird_string(cx.rng), "version": random_value(cx.rng, 0) }),
            };
            insert_at(cx, &[], "info", info)
        }
    }
}

fn m_string(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &|p, v| v.is_string() && !p.is_empty()) else {
        return false;
    };
    let value = weird_string(cx.rng);
    set_at(cx, &path, json!(value))
}

fn m_discriminator(cx: &mut Ctx<'_>) -> bool {
    let Some(path) = pick_in(cx, &is_schema_like) else {
        return false;
    };
    let property = match get(cx.root, &path).and_then(|s| s.get("properties")) {
        Some(Value::Object(props)) if !props.is_empty() && cx.rng.bool() => props
            .keys()
            .nth(cx.rng.usize(..props.len()))
            .cloned()
            .unwrap_or_default(),
        _ => weird_string(cx.rng),
    };
    let mut mapping = Map::new();
    for _ in 0..cx.rng.usize(0..4) {
        let key = weird_string(cx.rng);
        let target = if cx.rng.u8(..4) == 0 {
            weird_string(cx.rng)
        } else {
            random_pointer(cx.rng, cx.root, &path)
        };
        mapping.insert(key, json!(target));
    }
    let discriminator = match cx.rng.u8(..6) {
        0 => random_value(cx.rng, 1),
        1 => json!({ "mapping": mapping }),
        _ => json!({ "propertyName": property, "mapping": mapping }),
    };
    if cx.rng.bool() {
        // With a oneOf of references to existing schemas, as discriminators usually are.
        let refs: Vec<Value> = (0..cx.rng.usize(1..4))
            .map(|_| json!({ "$ref": random_pointer(cx.rng, cx.root, &path) }))
            .collect();
        let keyword = choose(cx.rng, &["oneOf", "anyOf"]);
        insert_at(cx, &path, keyword, Value::Array(refs));
    }
    insert_at(cx, &path, "discriminator", discriminator)
}

// ---------------------------------------------------------------------------------------
// Byte-level mutations

fn mutate_text(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..rng.usize(1..=3) {
        let len = bytes.len();
        match rng.u8(..9) {
            0 => bytes.truncate(rng.usize(..=len)),
            1 if len > 0 => {
                let i = rng.usize(..len);
                bytes[i] ^= 1 << rng.u8(..8);
            }
            2 | 3 => {
                let token = if rng.u8(..3) == 0 {
                    weird_string(rng)
                } else {
                    choose(rng, TEXT_TOKENS).to_owned()
                };
                let at = rng.usize(..=len);
                bytes.splice(at..at, token.bytes());
            }
            4 if len > 0 => {
                let start = rng.usize(..len);
                let end = (start + rng.usize(1..=32)).min(len);
                bytes.drain(start..end);
            }
            5 if len > 0 => {
                let start = rng.usize(..len);
                let end = (start + rng.usize(1..=256)).min(len);
                let chunk = bytes[start..end].to_vec();
                let at = rng.usize(..=len);
                bytes.splice(at..at, chunk);
            }
            6 if len > 0 => {
                let i = rng.usize(..len);
                bytes[i] = rng.u8(..);
            }
            7 => {
                // Lines: duplicate, delete or swap.
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                let (a, b) = (rng.usize(..n), rng.usize(..n));
                match rng.u8(..3) {
                    0 => {
                        let line = lines[a].clone();
                        lines.insert(b, line);
                    }
                    1 => {
                        lines.remove(a);
                    }
                    _ => lines.swap(a, b),
                }
                bytes = lines.join(&b'\n');
            }
            _ => {
                // Indentation.
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                let line = &mut lines[rng.usize(..n)];
                match rng.u8(..3) {
                    0 => {
                        let indent: &[u8] = [&b" "[..], b"  ", b"\t", b"    "][rng.usize(..4)];
                        line.splice(0..0, indent.iter().copied());
                    }
                    1 => {
                        if line.first() == Some(&b' ') {
                            line.remove(0);
                        }
                    }
                    _ => {
                        if let Some(at) = line.iter().position(|&b| b == b' ') {
                            line[at] = b'\t';
                        }
                    }
                }
                bytes = lines.join(&b'\n');
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

// ---------------------------------------------------------------------------------------
// Running the target

type Target = dyn Fn(&str, &str) -> Result<(), String> + Send + Sync;

#[derive(Debug, Clone)]
struct Failure {
    kind: CrashKind,
    key: String,
    message: String,
    location: String,
    /// Rendered (symbolized) only when the crash is saved.
    backtrace: Option<Arc<Backtrace>>,
}

enum Outcome {
    Pass,
    Fail(Failure),
}

impl Outcome {
    fn into_failure(self) -> Option<Failure> {
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

struct Executor {
    target: Arc<Target>,
    worker: Option<Worker>,
    hangs: usize,
    executions: u64,
    in_flight_dir: PathBuf,
    in_flight: Option<PathBuf>,
}

impl Executor {
    fn new(target: Arc<Target>, dir: &Path) -> Self {
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
    fn exec(&mut self, name: &str, text: &str) -> Outcome {
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

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

// ---------------------------------------------------------------------------------------
// Finding, minimizing and saving crashes

struct Fuzzer<'a> {
    config: &'a FuzzConfig,
    seeds: &'a [Seed],
    exec: Executor,
    /// Crash key → index in `report.crashes`.
    seen: HashMap<String, usize>,
    report: FuzzReport,
    minimize_budget: Duration,
}

impl Fuzzer<'_> {
    fn handle_failure(&mut self, failure: Failure, input: &Input, iteration: u64) {
        let mut queue = VecDeque::from([(failure, input.format, input.text.clone())]);
        while let Some((mut failure, format, text)) = queue.pop_front() {
            if failure.kind == CrashKind::Hang {
                // Hangs have no location: one per seed spec.
                let seed = &self.seeds[input.seed_index].path;
                let name = seed.file_name().unwrap_or_default().to_string_lossy();
                failure.key = format!("{} (from {name})", failure.key);
            }
            if let Some(&index) = self.seen.get(&failure.key) {
                self.report.crashes[index].hits += 1;
                continue;
            }
            eprintln!(
                "fuzz: new crash: {}: {}{} (minimizing {} bytes)",
                failure.kind,
                failure.message,
                if failure.location.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", failure.location)
                },
                text.len()
            );
            let mut others = Vec::new();
            let minimized = if failure.kind == CrashKind::Hang {
                text.clone()
            } else {
                minimize(
                    &mut self.exec,
                    format,
                    &text,
                    &failure.key,
                    self.minimize_budget,
                    &mut others,
                )
            };
            let crash = self.save(
                &failure,
                format,
                &text,
                &minimized,
                input.seed_index,
                iteration,
            );
            self.seen
                .insert(failure.key.clone(), self.report.crashes.len());
            self.report.crashes.push(crash);
            for (other, other_text) in others {
                if !self.seen.contains_key(&other.key) && other.kind != CrashKind::Hang {
                    queue.push_back((other, format, other_text));
                }
            }
        }
    }

    fn save(
        &mut self,
        failure: &Failure,
        format: SourceFormat,
        original: &str,
        minimized: &str,
        seed_index: usize,
        iteration: u64,
    ) -> Crash {
        let stem = format!("{:016x}", fnv1a(failure.key.as_bytes()));
        let dir = &self.config.crashes_dir;
        let input = dir.join(format!("{stem}.{}", format.extension()));
        let details = dir.join(format!("{stem}.txt"));
        let seed_spec = self.seeds[seed_index].path.clone();
        // An earlier run may have saved this crash already: keep the smaller input.
        for ext in ["json", "yaml"] {
            let earlier = dir.join(format!("{stem}.{ext}"));
            match std::fs::metadata(&earlier) {
                Ok(meta) if (meta.len() as usize) <= minimized.len() => {
                    let minimized_bytes = meta.len() as usize;
                    return Crash {
                        kind: failure.kind,
                        key: failure.key.clone(),
                        message: failure.message.clone(),
                        location: failure.location.clone(),
                        input: earlier,
                        details,
                        seed_spec,
                        iteration,
                        hits: 1,
                        original_bytes: original.len(),
                        minimized_bytes,
                    };
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(&earlier);
                }
                Err(_) => {}
            }
        }
        let text = format!(
            "kind: {}\nmessage: {}\nlocation: {}\nkey: {}\nseed spec: {}\nfound at: iteration {iteration} of seed {}\n\
             input: {} bytes, minimized to {} bytes ({})\n\nbacktrace:\n{}\n",
            failure.kind,
            failure.message,
            failure.location,
            failure.key,
            seed_spec.display(),
            self.config.seed,
            original.len(),
            minimized.len(),
            input.display(),
            failure.backtrace.as_ref().map_or_else(|| "(none)".to_owned(), |b| b.to_string()),
        );
        for (path, contents) in [(&input, minimized), (&details, text.as_str())] {
            if let Err(e) = std::fs::write(path, contents) {
                self.report
                    .errors
                    .push(format!("cannot write {}: {e}", path.display()));
            }
        }
        Crash {
            kind: failure.kind,
            key: failure.key.clone(),
            message: failure.message.clone(),
            location: failure.location.clone(),
            input,
            details,
            seed_spec,
            iteration,
            hits: 1,
            original_bytes: original.len(),
            minimized_bytes: minimized.len(),
        }
    }

    fn finish(self) -> FuzzReport {
        let mut report = self.report;
        report.executions = self.exec.executions;
        report
    }
}

/// Greedy minimization keeping the failure `key`: on the value tree when the text parses
/// (and its re-serialization still fails), else on lines, then characters. Failures with
/// other keys met on the way go to `others`.
fn minimize(
    exec: &mut Executor,
    format: SourceFormat,
    text: &str,
    key: &str,
    budget: Duration,
    others: &mut Vec<(Failure, String)>,
) -> String {
    let deadline = Instant::now() + budget;
    let name = format!("fuzz.{}", format.extension());
    let mut check = |candidate: &str| -> bool {
        match exec.exec(&name, candidate).into_failure() {
            Some(failure) if failure.key == key => true,
            Some(failure) => {
                if others.len() < 16 && !others.iter().any(|(o, _)| o.key == failure.key) {
                    others.push((failure, candidate.to_owned()));
                }
                false
            }
            None => false,
        }
    };
    if let Some(value) = parse_value(format, text) {
        let canonical = serialize(format, &value, false);
        if canonical == text || check(&canonical) {
            let value = minimize_tree(
                value,
                &mut |v| check(&serialize(format, v, false)),
                deadline,
            );
            return serialize(format, &value, false);
        }
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let lines = ddmin(lines, &mut |items| check(&items.concat()), deadline);
    let text = lines.concat();
    if text.len() > 4096 {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    ddmin(
        chars,
        &mut |items| check(&items.iter().collect::<String>()),
        deadline,
    )
    .into_iter()
    .collect()
}

/// Removes chunks of `items` (all, halves, quarters, ... single items) while `check`
/// holds for the rest.
fn ddmin<T: Clone>(
    mut items: Vec<T>,
    check: &mut dyn FnMut(&[T]) -> bool,
    deadline: Instant,
) -> Vec<T> {
    let mut chunk = items.len();
    while chunk > 0 {
        let mut start = 0;
        while start < items.len() {
            if Instant::now() >= deadline {
                return items;
            }
            let end = (start + chunk).min(items.len());
            let candidate: Vec<T> = items[..start]
                .iter()
                .chain(&items[end..])
                .cloned()
                .collect();
            if check(&candidate) {
                items = candidate;
            } else {
                start = end;
            }
        }
        chunk /= 2;
    }
    items
}

/// Deletes object members and array elements, top-down, while `check` holds; repeats
/// until nothing more goes (or time is up).
fn minimize_tree(
    mut current: Value,
    check: &mut dyn FnMut(&Value) -> bool,
    deadline: Instant,
) -> Value {
    loop {
        let before = serde_json::to_string(&current).unwrap_or_default().len();
        let mut queue: VecDeque<Vec<Seg>> = VecDeque::from([Vec::new()]);
        while let Some(path) = queue.pop_front() {
            if Instant::now() >= deadline {
                return current;
            }
            let children: Vec<(Seg, Value)> = match get(&current, &path) {
                Some(Value::Object(map)) => map
                    .iter()
                    .map(|(k, v)| (Seg::Key(k.clone()), v.clone()))
                    .collect(),
                Some(Value::Array(items)) => items
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, v)| (Seg::Index(i), v))
                    .collect(),
                _ => continue,
            };
            let is_object = matches!(get(&current, &path), Some(Value::Object(_)));
            let rebuild = |kept: &[(Seg, Value)]| -> Value {
                if is_object {
                    Value::Object(
                        kept.iter()
                            .filter_map(|(seg, v)| match seg {
                                Seg::Key(k) => Some((k.clone(), v.clone())),
                                Seg::Index(_) => None,
                            })
                            .collect(),
                    )
                } else {
                    Value::Array(kept.iter().map(|(_, v)| v.clone()).collect())
                }
            };
            let kept = ddmin(
                children,
                &mut |kept| {
                    let mut candidate = current.clone();
                    match get_mut(&mut candidate, &path) {
                        Some(slot) => *slot = rebuild(kept),
                        None => return false,
                    }
                    check(&candidate)
                },
                deadline,
            );
            if let Some(slot) = get_mut(&mut current, &path) {
                *slot = rebuild(&kept);
            }
            for (i, (seg, value)) in kept.into_iter().enumerate() {
                if is_container(&value) {
                    let mut child = path.clone();
                    child.push(if is_object { seg } else { Seg::Index(i) });
                    queue.push_back(child);
                }
            }
        }
        current = shrink_strings(current, check, deadline);
        let after = serde_json::to_string(&current).unwrap_or_default().len();
        if after >= before {
            return current;
        }
    }
}

/// Shortens string values and object keys character by character while `check` holds.
fn shrink_strings(
    mut current: Value,
    check: &mut dyn FnMut(&Value) -> bool,
    deadline: Instant,
) -> Value {
    let mut paths = Vec::new();
    let mut stack = Vec::new();
    walk(&current, &mut stack, &mut |path, value| {
        // Names and texts keep at least one character (an empty name is an edge case of
        // its own); the version stays as it is.
        let is_key = matches!(path.last(), Some(SegRef::Key(k)) if k.chars().count() > 1);
        let is_text = matches!(value, Value::String(s) if s.chars().count() > 1)
            && !matches!(path, [SegRef::Key("openapi" | "swagger")]);
        if is_key || is_text {
            paths.push((
                path.iter().map(|s| s.to_owned_seg()).collect::<Vec<_>>(),
                is_key,
                is_text,
            ));
        }
    });
    // Deepest first, so renaming a key does not invalidate paths still to do.
    for (path, is_key, is_text) in paths.into_iter().rev() {
        if Instant::now() >= deadline {
            break;
        }
        if is_text {
            if let Some(Value::String(text)) = get(&current, &path) {
                let chars: Vec<char> = text.chars().collect();
                let kept = ddmin(
                    chars,
                    &mut |kept| {
                        if kept.is_empty() {
                            return false;
                        }
                        let mut candidate = current.clone();
                        match get_mut(&mut candidate, &path) {
                            Some(slot) => *slot = Value::String(kept.iter().collect()),
                            None => return false,
                        }
                        check(&candidate)
                    },
                    deadline,
                );
                if let Some(slot) = get_mut(&mut current, &path) {
                    *slot = Value::String(kept.into_iter().collect());
                }
            }
        }
        if let (true, Some((Seg::Key(key), parent))) = (is_key, path.split_last()) {
            let chars: Vec<char> = key.chars().collect();
            let taken = |name: &str, value: &Value| matches!(get(value, parent), Some(Value::Object(map)) if map.contains_key(name));
            let kept = ddmin(
                chars,
                &mut |kept| {
                    let name: String = kept.iter().collect();
                    if name.is_empty() || taken(&name, &current) {
                        return false;
                    }
                    let mut candidate = current.clone();
                    rename_at(&mut candidate, &path, &name) && check(&candidate)
                },
                deadline,
            );
            let name: String = kept.into_iter().collect();
            if name != *key && !taken(&name, &current) {
                rename_at(&mut current, &path, &name);
            }
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The panic hook is process-wide: fuzz runs in tests go one at a time.
    static LOCK: Mutex<()> = Mutex::new(());

    fn lock() -> std::sync::MutexGuard<'static, ()> {
        LOCK.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-fuzz-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn small_seeds() -> Vec<Seed> {
        let root = crate::workspace::root();
        let mut paths = spec_files(&root.join("tests/fixtures/specs"), None);
        paths.extend(spec_files(&root.join("tests/fixtures/invalid"), None));
        let (seeds, skipped) = load_seeds(&paths);
        assert!(skipped.is_empty(), "{skipped:?}");
        assert!(seeds.iter().any(|s| s.value.is_some()));
        seeds
    }

    #[test]
    fn mutator_is_deterministic_for_a_seed() {
        let seeds = small_seeds();
        for iteration in 0..60 {
            let a = generate_input(&seeds, 42, iteration);
            let b = generate_input(&seeds, 42, iteration);
            assert_eq!(a, b, "iteration {iteration}");
        }
        let differs = (0..20)
            .filter(|&i| generate_input(&seeds, 42, i).text != generate_input(&seeds, 43, i).text);
        assert!(differs.count() > 10);

        let value = seeds
            .iter()
            .find_map(|s| s.value.clone())
            .expect("a parsed seed");
        let run = |seed: u64| {
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut v = value.clone();
            let names: Vec<&str> = (0..50).map(|_| mutate(&mut v, &mut rng, &seeds)).collect();
            (v, names)
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7).0, value);
    }

    #[test]
    fn every_mutation_applies_somewhere() {
        let seeds = small_seeds();
        let value = seeds
            .iter()
            .find(|s| s.path.ends_with("operations.yaml"))
            .and_then(|s| s.value.clone())
            .expect("operations.yaml");
        for &(name, _, mutation) in MUTATIONS {
            let applied = (0..200u64).any(|seed| {
                let mut rng = fastrand::Rng::with_seed(seed);
                let mut v = value.clone();
                let mut cx = Ctx {
                    root: &mut v,
                    rng: &mut rng,
                    seeds: &seeds,
                };
                mutation(&mut cx) && v != value
            });
            assert!(applied, "{name} never changed the spec");
        }
    }

    #[test]
    fn default_corpus_has_the_project_specs() {
        let root = crate::workspace::root();
        let corpus = default_corpus(&root);
        for wanted in [
            "tests/fixtures/seed-3.1.yaml",
            "tests/fixtures/invalid/bad-json.json",
            "tests/fixtures/specs/names.yaml",
        ] {
            assert!(corpus.contains(&root.join(wanted)), "{wanted} missing");
        }
        assert!(corpus.iter().any(|p| p.starts_with(root.join("openapi"))));
        let shared = root
            .parent()
            .map(|p| p.join("shared/specs"))
            .unwrap_or_default();
        for path in corpus.iter().filter(|p| p.starts_with(&shared)) {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
            assert!(len < MAX_SHARED_SEED_BYTES, "{}", path.display());
        }
    }

    #[test]
    fn yaml_seeds_keep_non_string_keys() {
        let value = parse_value(
            SourceFormat::Yaml,
            "a: &x {b: 1}\nresponses:\n  200: {}\n  true: 1\nc: *x\n",
        )
        .expect("yaml");
        assert_eq!(
            value,
            json!({"a": {"b": 1}, "responses": {"200": {}, "true": 1}, "c": {"b": 1}})
        );
    }

    #[test]
    fn short_run_over_the_default_corpus() {
        let _guard = lock();
        let dir = temp_dir("short");
        let config = FuzzConfig {
            seconds: 1,
            seed: 1,
            corpus: default_corpus(&crate::workspace::root()),
            crashes_dir: dir.clone(),
        };
        let report = run(&config);
        assert!(report.iterations > 0, "{report}");
        assert!(report.seeds > 0);
        assert!(report.executions >= report.iterations);
        assert!(report.skipped_seeds.is_empty(), "{report}");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("crash dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".in-flight"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn finds_and_minimizes_an_injected_crash() {
        let _guard = lock();
        let seeds = temp_dir("seeds");
        let crashes = temp_dir("crashes");
        let mut schemas = Map::new();
        for i in 0..12 {
            schemas.insert(
                format!("S{i}"),
                json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"$ref": "#/components/schemas/S0"}}}),
            );
        }
        schemas.insert(
            "Pet".to_owned(),
            json!({"type": "object", "x-boom": true, "properties": {"id": {"type": "integer"}}}),
        );
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/bad": {"get": {"x-bad": 1, "responses": {"200": {"description": "ok"}}}},
                "/pets": {"get": {"operationId": "list", "responses": {"200": {"description": "ok"}}}},
            },
            "components": {"schemas": schemas},
        });
        std::fs::write(
            seeds.join("a.json"),
            serde_json::to_string_pretty(&spec).unwrap(),
        )
        .unwrap();
        std::fs::write(seeds.join("b.yaml"), serde_yaml::to_string(&spec).unwrap()).unwrap();
        let config = FuzzConfig {
            seconds: 2,
            seed: 5,
            corpus: vec![seeds.join("a.json"), seeds.join("b.yaml")],
            crashes_dir: crashes.clone(),
        };
        let report = run_with(&config, |name, text| {
            let Some(value) = parse_value(SourceFormat::detect(name, ""), text) else {
                return Ok(());
            };
            if value.pointer("/components/schemas/Pet/x-boom").is_some() {
                panic!("boom: the marker is there");
            }
            if value.pointer("/paths/~1bad/get/x-bad").is_some() {
                return Err("bad output for `x-bad` 42".to_owned());
            }
            Ok(())
        });
        assert_eq!(report.crashes.len(), 2, "{report}");
        let boom = report
            .crashes
            .iter()
            .find(|c| c.kind == CrashKind::Panic)
            .expect("the panic");
        assert_eq!(boom.message, "boom: the marker is there");
        assert!(boom.location.contains("fuzz.rs"), "{}", boom.location);
        assert!(boom.hits > 1, "{report}");
        let minimized = std::fs::read_to_string(&boom.input).expect("saved input");
        let value = parse_value(
            SourceFormat::from_path(&boom.input).expect("ext"),
            &minimized,
        )
        .expect("parses");
        assert_eq!(value.as_object().map(Map::len), Some(1), "{minimized}");
        assert_eq!(
            value["components"].as_object().map(Map::len),
            Some(1),
            "{minimized}"
        );
        assert_eq!(
            value["components"]["schemas"].as_object().map(Map::len),
            Some(1),
            "{minimized}"
        );
        assert_eq!(
            value["components"]["schemas"]["Pet"]
                .as_object()
                .map(Map::len),
            Some(1),
            "{minimized}"
        );
        let details = std::fs::read_to_string(&boom.details).expect("details");
        assert!(details.contains("boom: the marker is there"), "{details}");

        let bad = report
            .crashes
            .iter()
            .find(|c| c.kind == CrashKind::BadOutput)
            .expect("the error");
        assert_eq!(bad.message, "bad output for `x-bad` 42");
        let minimized = std::fs::read_to_string(&bad.input).expect("saved input");
        let value = parse_value(
            SourceFormat::from_path(&bad.input).expect("ext"),
            &minimized,
        )
        .expect("parses");
        assert_eq!(value.as_object().map(Map::len), Some(1), "{minimized}");
        assert_eq!(
            value["paths"].as_object().map(Map::len),
            Some(1),
            "{minimized}"
        );
        let _ = std::fs::remove_dir_all(&seeds);
        let _ = std::fs::remove_dir_all(&crashes);
    }

    #[test]
    fn text_minimization_when_the_input_does_not_parse() {
        let _guard = lock();
        let dir = temp_dir("text");
        let mut exec = Executor::new(
            Arc::new(|_: &str, text: &str| {
                if text.contains("{{") {
                    panic!("double brace");
                }
                Ok(())
            }),
            &dir,
        );
        let text = "a: 1\nb: [\nc: {{ x\nd: 4\n";
        let key = exec.exec("x.yaml", text).into_failure().expect("fails").key;
        let mut others = Vec::new();
        let out = minimize(
            &mut exec,
            SourceFormat::Yaml,
            text,
            &key,
            Duration::from_secs(5),
            &mut others,
        );
        assert_eq!(out, "{{");
        assert!(others.is_empty());
        drop(exec);
        let _ = std::fs::remove_dir_all(&dir);
    }

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
