//! `cargo xtask bench`: what users pay for the generator, measured against the Rust peers
//! in the same run.
//!
//! - generate: wall time and peak memory of each built generator (ours: the release
//!   `xtask` binary, not `cargo run`) on specs from 5 KB to 13 MB, median of `--runs`;
//! - compile: `cargo check` of each generated crate with its dependencies already built
//!   (check once, touch the sources, measure the re-check);
//! - client: round trips per second of the generated client against plain `reqwest`
//!   (the `client_roundtrip` bench of the `tests` package, on 127.0.0.1).
//!
//! Prints one table per part, writes everything as JSON to `target/bench/bench.json` and
//! draws generate time against spec size to `docs/bench/generate-time.svg`.

pub mod chart;
pub mod peers;
pub mod probe;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::{json, Value};

use peers::Tool;
use probe::{Job, Measurement};

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Runs per generate measurement (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Install missing peers first (`cargo install --locked` of the pinned versions).
    #[arg(long)]
    pub install_peers: bool,
    /// Also compile the large specs' crates (GitHub's takes minutes and GiBs per tool).
    #[arg(long)]
    pub full: bool,
    /// Measure only these specs (labels, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Leave the peers out.
    #[arg(long)]
    pub no_peers: bool,
    /// Skip the compile part.
    #[arg(long)]
    pub no_compile: bool,
    /// Skip the client part.
    #[arg(long)]
    pub no_client: bool,
}

/// A spec the bench runs on.
#[derive(Debug, Clone)]
struct Spec {
    /// Short label for tables.
    label: &'static str,
    path: PathBuf,
    bytes: u64,
    /// Compiled by default (else only with `--full`).
    compile_by_default: bool,
}

/// The specs, smallest first: the vendored seed, corpus-a specs of increasing size and
/// GitHub's.
fn specs(root: &Path) -> Vec<Spec> {
    let shared = root.join("../shared/specs");
    let candidates: [(&'static str, PathBuf, bool); 7] = [
        (
            "seed",
            root.join("openapi/suno-custom-model-create.yaml"),
            true,
        ),
        (
            "storage",
            shared.join("corpus-a/googleapis.com__storage__v1.json"),
            true,
        ),
        (
            "epa",
            shared.join("corpus-a/epa.gov__dfr__0.0.0.json"),
            true,
        ),
        (
            "stripe",
            shared.join("corpus-a/stripe.com__2025-10-15T135319Z.json"),
            false,
        ),
        ("zoom", shared.join("corpus-a/zoom.us__2.0.0.json"), false),
        ("loket", shared.join("corpus-a/loket.nl__V2.json"), false),
        ("github", shared.join("github/api.github.com.json"), false),
    ];
    candidates
        .into_iter()
        .filter_map(|(label, path, compile_by_default)| {
            let bytes = std::fs::metadata(&path).ok()?.len();
            Some(Spec {
                label,
                path,
                bytes,
                compile_by_default,
            })
        })
        .collect()
}

/// One generate measurement (median over runs).
#[derive(Debug, Clone)]
struct GenerateResult {
    spec: Spec,
    tool: Tool,
    /// `None` when a run failed.
    median: Option<Measurement>,
    runs: usize,
}

/// One compile measurement.
#[derive(Debug, Clone)]
struct CompileResult {
    spec: Spec,
    tool: Tool,
    measurement: Option<Measurement>,
    warnings: Option<usize>,
    note: String,
}

/// Entry point of `cargo xtask bench`.
pub fn cli(args: &Args) -> Result<ExitCode, String> {
    let root = crate::workspace::root();
    let work = root.join("target/bench");
    std::fs::create_dir_all(work.join("logs")).map_err(|e| e.to_string())?;
    build_ours(&root)?;
    if args.install_peers && !args.no_peers {
        peers::install_missing(&root);
    }
    let mut tools = vec![Tool::Ours];
    if !args.no_peers {
        for tool in peers::PEERS {
            if peers::binary(&root, tool).is_some() {
                tools.push(tool);
            } else {
                eprintln!(
                    "bench: {} is not installed (run with --install-peers): skipped",
                    tool.name()
                );
            }
        }
    }
    let specs: Vec<Spec> = specs(&root)
        .into_iter()
        .filter(|spec| args.only.is_empty() || args.only.iter().any(|o| o == spec.label))
        .collect();
    if specs.is_empty() {
        return Err("no spec to measure (see --only)".to_owned());
    }

    let generated = measure_generate(&root, &work, &specs, &tools, args.runs.max(1))?;
    let mut report = String::new();
    generate_table(&mut report, &generated, &tools);
    print!("{report}");

    let mut compiled = Vec::new();
    if !args.no_compile {
        for spec in specs.iter().filter(|s| args.full || s.compile_by_default) {
            for &tool in &tools {
                let ok = generated
                    .iter()
                    .any(|g| g.tool == tool && g.spec.label == spec.label && g.median.is_some());
                let result = if ok {
                    measure_compile(&work, spec, tool)?
                } else {
                    CompileResult {
                        spec: spec.clone(),
                        tool,
                        measurement: None,
                        warnings: None,
                        note: "not generated".to_owned(),
                    }
                };
                eprintln!(
                    "bench: compile {} {}: {}",
                    spec.label,
                    tool.name(),
                    describe(&result)
                );
                compiled.push(result);
            }
        }
        let mut table = String::new();
        compile_table(&mut table, &compiled, &tools);
        print!("{table}");
        report.push_str(&table);
    }

    let client = if args.no_client {
        None
    } else {
        let client = measure_client(&root)?;
        let mut table = String::new();
        client_table(&mut table, &client);
        print!("{table}");
        report.push_str(&table);
        Some(client)
    };

    let json = to_json(&generated, &compiled, client.as_ref());
    let json_path = work.join("bench.json");
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(|e| format!("{}: {e}", json_path.display()))?;
    std::fs::write(work.join("bench.md"), &report).map_err(|e| e.to_string())?;
    let points: Vec<chart::Point> = generated
        .iter()
        .filter_map(|g| {
            Some(chart::Point {
                tool: g.tool.name().to_owned(),
                spec: g.spec.label.to_owned(),
                spec_bytes: g.spec.bytes,
                millis: g.median?.millis,
            })
        })
        .collect();
    let svg = chart::generate_time_svg(
        "Generate time against spec size (median, this machine)",
        &points,
    )?;
    let svg_path = root.join("docs/bench/generate-time.svg");
    std::fs::create_dir_all(root.join("docs/bench")).map_err(|e| e.to_string())?;
    std::fs::write(&svg_path, svg).map_err(|e| format!("{}: {e}", svg_path.display()))?;
    println!(
        "\nwrote {}, {} and {}",
        json_path.display(),
        work.join("bench.md").display(),
        svg_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The cargo that runs this task (`cargo` when started some other way).
pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Builds our generator in release mode (what users run is built once, then run often).
fn build_ours(root: &Path) -> Result<(), String> {
    let status = Command::new(cargo())
        .args(["build", "--release", "--locked", "--quiet", "-p", "xtask"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("building the release generator failed: {status}"))
    }
}

fn crate_name(spec: &Spec) -> String {
    format!("bench-{}", spec.label)
}

fn out_dir(work: &Path, tool: Tool, spec: &Spec) -> PathBuf {
    work.join("out").join(tool.name()).join(spec.label)
}

fn measure_generate(
    root: &Path,
    work: &Path,
    specs: &[Spec],
    tools: &[Tool],
    runs: usize,
) -> Result<Vec<GenerateResult>, String> {
    let mut results = Vec::new();
    for spec in specs {
        let mut jobs = Vec::new();
        for &tool in tools {
            let binary = peers::binary(root, tool)
                .ok_or_else(|| format!("{} has no binary", tool.name()))?;
            let out = out_dir(work, tool, spec);
            let log =
                work.join("logs")
                    .join(format!("generate-{}-{}.log", tool.name(), spec.label));
            let mut job = Job::new(binary, &[], &log).dir(root);
            for arg in peers::generate_args(tool, &spec.path, &out, &crate_name(spec)) {
                job = job.arg(arg);
            }
            job.timeout = std::time::Duration::from_secs(600);
            jobs.push((tool, job, out, Vec::new(), false));
        }
        // Runs take turns between the tools, so a noisy stretch of the shared machine
        // hits every tool alike instead of one tool's whole series.
        for _ in 0..runs {
            for (_, job, out, samples, failed) in &mut jobs {
                if *failed {
                    continue;
                }
                // Every run starts from nothing (no generator gets to reuse its output).
                let _ = std::fs::remove_dir_all(&*out);
                let measurement = probe::measure(job)?;
                if measurement.success {
                    samples.push(measurement);
                } else {
                    *failed = true;
                }
            }
        }
        for (tool, job, _, samples, failed) in jobs {
            let median = (!failed).then(|| median(&samples));
            eprintln!(
                "bench: generate {} {}: {}",
                spec.label,
                tool.name(),
                match median {
                    Some(m) => format!("{:.1} ms, {:.0} MiB", m.millis, m.peak_mib),
                    None => format!("failed (see {})", job.log.display()),
                }
            );
            results.push(GenerateResult {
                spec: spec.clone(),
                tool,
                median,
                runs,
            });
        }
    }
    Ok(results)
}

/// The median of each quantity on its own.
fn median(samples: &[Measurement]) -> Measurement {
    let pick = |value: fn(&Measurement) -> f64| {
        let mut values: Vec<f64> = samples.iter().map(value).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Measurement {
        millis: pick(|m| m.millis),
        peak_mib: pick(|m| m.peak_mib),
        success: true,
    }
}

fn measure_compile(work: &Path, spec: &Spec, tool: Tool) -> Result<CompileResult, String> {
    let dir = out_dir(work, tool, spec);
    let result = |measurement, warnings, note: &str| CompileResult {
        spec: spec.clone(),
        tool,
        measurement,
        warnings,
        note: note.to_owned(),
    };
    if let Err(error) = peers::prepare_crate(tool, &dir, &crate_name(spec)) {
        return Ok(result(None, None, &error));
    }
    let target = work.join("check").join(tool.name());
    let cargo = cargo();
    let log = work
        .join("logs")
        .join(format!("check-{}-{}.log", tool.name(), spec.label));
    // Not incremental: a touched file would otherwise be answered from the incremental
    // cache, and the number would say nothing about what a clean build (CI, a new
    // checkout, a changed spec) pays.
    let job = Job::new(cargo, &["check", "--quiet"], &log)
        .dir(&dir)
        .env("CARGO_TARGET_DIR", target.display().to_string())
        .env("CARGO_INCREMENTAL", "0");
    // First check: dependencies (and the crate) are built; not measured.
    let warm = probe::measure(&job)?;
    if !warm.success {
        return Ok(result(None, None, "does not compile"));
    }
    touch_sources(&dir.join("src"))?;
    let measured = probe::measure(&job)?;
    let warnings = std::fs::read_to_string(&log)
        .ok()
        .map(|text| count_warnings(&text));
    if measured.success {
        Ok(result(Some(measured), warnings, ""))
    } else {
        Ok(result(None, warnings, "re-check failed"))
    }
}

/// Sets the modification time of every `.rs` file under `dir` to now.
fn touch_sources(dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            touch_sources(&path)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let file = std::fs::File::options()
                .append(true)
                .open(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            file.set_modified(std::time::SystemTime::now())
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The warnings cargo reports for the checked crate (`generated N warnings`).
fn count_warnings(log: &str) -> usize {
    log.lines()
        .filter_map(|line| {
            let rest = line.split(" generated ").nth(1)?;
            rest.split_whitespace().next()?.parse::<usize>().ok()
        })
        .sum()
}

fn measure_client(root: &Path) -> Result<Value, String> {
    eprintln!("bench: client round trips (cargo bench -p tests --bench client_roundtrip) ...");
    let output = Command::new(cargo())
        .args([
            "bench",
            "--locked",
            "--quiet",
            "-p",
            "tests",
            "--bench",
            "client_roundtrip",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo bench: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.contains("\"client_roundtrip\""))
        .ok_or_else(|| {
            format!(
                "the client bench printed no result ({}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let value: Value = serde_json::from_str(line).map_err(|e| format!("{line}: {e}"))?;
    Ok(value["client_roundtrip"].clone())
}

fn describe(result: &CompileResult) -> String {
    match result.measurement {
        Some(m) => format!(
            "{:.1} s, {:.0} MiB, {} warnings",
            m.millis / 1000.0,
            m.peak_mib,
            result.warnings.unwrap_or(0)
        ),
        None => result.note.clone(),
    }
}

/// The header and rule lines of a table with a column per tool and an `ours/peer`
/// ratio column after each peer.
fn table_header(out: &mut String, first: &str, first_rule: &str, tools: &[Tool]) {
    let mut header = first.to_owned();
    let mut rule = first_rule.to_owned();
    for tool in tools {
        let _ = write!(header, " {} |", tool.name());
        rule.push_str(" --: |");
        if *tool != Tool::Ours {
            let _ = write!(header, " ours/{} |", tool.name());
            rule.push_str(" --: |");
        }
    }
    let _ = writeln!(out, "{header}\n{rule}");
}

fn generate_table(out: &mut String, results: &[GenerateResult], tools: &[Tool]) {
    let runs = results.first().map_or(0, |r| r.runs);
    let _ = writeln!(
        out,
        "\n## Generate: wall time and peak memory (median of {runs} runs)\n"
    );
    table_header(out, "| spec | KB |", "| --- | --: |", tools);
    let mut labels: Vec<&Spec> = Vec::new();
    for result in results {
        if !labels.iter().any(|s| s.label == result.spec.label) {
            labels.push(&result.spec);
        }
    }
    for spec in labels {
        let find = |tool: Tool| {
            results
                .iter()
                .find(|r| r.tool == tool && r.spec.label == spec.label)
                .and_then(|r| r.median)
        };
        let ours = find(Tool::Ours);
        let _ = write!(out, "| {} | {} |", spec.label, spec.bytes / 1024);
        for &tool in tools {
            let cell = match find(tool) {
                Some(m) => format!("{} / {:.0} MiB", millis(m.millis), m.peak_mib),
                None => "failed".to_owned(),
            };
            let _ = write!(out, " {cell} |");
            if tool != Tool::Ours {
                let ratio = match (ours, find(tool)) {
                    (Some(o), Some(p)) => format!("{:.2}", o.millis / p.millis),
                    _ => "-".to_owned(),
                };
                let _ = write!(out, " {ratio} |");
            }
        }
        out.push('\n');
    }
}

fn millis(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

fn compile_table(out: &mut String, results: &[CompileResult], tools: &[Tool]) {
    let _ = writeln!(
        out,
        "\n## Compile: `cargo check` of the generated crate, dependencies built (touch, re-check, not incremental)\n"
    );
    table_header(out, "| spec |", "| --- |", tools);
    let mut labels: Vec<&str> = Vec::new();
    for result in results {
        if !labels.contains(&result.spec.label) {
            labels.push(result.spec.label);
        }
    }
    for label in labels {
        let find = |tool: Tool| {
            results
                .iter()
                .find(|r| r.tool == tool && r.spec.label == label)
        };
        let ours = find(Tool::Ours).and_then(|r| r.measurement);
        let _ = write!(out, "| {label} |");
        for &tool in tools {
            let result = find(tool);
            let cell = match result {
                Some(r) => match r.measurement {
                    Some(m) => format!(
                        "{:.1} s / {:.0} MiB{}",
                        m.millis / 1000.0,
                        m.peak_mib,
                        match r.warnings {
                            Some(0) | None => String::new(),
                            Some(n) => format!(" ({n} warnings)"),
                        }
                    ),
                    None => r.note.clone(),
                },
                None => "-".to_owned(),
            };
            let _ = write!(out, " {cell} |");
            if tool != Tool::Ours {
                let ratio = match (ours, result.and_then(|r| r.measurement)) {
                    (Some(o), Some(p)) => format!("{:.2}", o.millis / p.millis),
                    _ => "-".to_owned(),
                };
                let _ = write!(out, " {ratio} |");
            }
        }
        out.push('\n');
    }
}

fn client_table(out: &mut String, client: &Value) {
    let number = |key: &str| client[key].as_f64().unwrap_or(f64::NAN);
    let _ = writeln!(
        out,
        "\n## Client: sequential round trips on 127.0.0.1 (median of {} rounds of {})\n",
        client["rounds"], client["requests_per_round"]
    );
    let _ = writeln!(
        out,
        "| client | round trips/s | µs per call |\n| --- | --: | --: |"
    );
    let _ = writeln!(
        out,
        "| generated | {:.0} | {:.1} |",
        number("generated_rps"),
        number("generated_us_median")
    );
    let _ = writeln!(
        out,
        "| plain reqwest | {:.0} | {:.1} |",
        number("reqwest_rps"),
        number("reqwest_us_median")
    );
    let _ = writeln!(
        out,
        "\nreqwest/generated throughput ratio: {:.3} (overhead {:+.1}%)",
        number("ratio"),
        (number("ratio") - 1.0) * 100.0
    );
}

fn to_json(
    generated: &[GenerateResult],
    compiled: &[CompileResult],
    client: Option<&Value>,
) -> Value {
    let measurement = |m: Option<Measurement>| match m {
        Some(m) => json!({"millis": m.millis, "peak_mib": m.peak_mib}),
        None => Value::Null,
    };
    json!({
        "generate": generated.iter().map(|g| json!({
            "spec": g.spec.label,
            "spec_bytes": g.spec.bytes,
            "tool": g.tool.name(),
            "runs": g.runs,
            "median": measurement(g.median),
        })).collect::<Vec<_>>(),
        "compile": compiled.iter().map(|c| json!({
            "spec": c.spec.label,
            "tool": c.tool.name(),
            "check": measurement(c.measurement),
            "warnings": c.warnings,
            "note": c.note,
        })).collect::<Vec<_>>(),
        "client": client.cloned().unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_summed_from_cargo_summaries() {
        let log = "warning: unused import\nwarning: `a` (lib) generated 3 warnings\n\
                   warning: `b` (lib) generated 1 warning (run `cargo fix`)\n";
        assert_eq!(count_warnings(log), 4);
        assert_eq!(count_warnings("Finished"), 0);
    }

    #[test]
    fn medians_are_taken_per_quantity() {
        let sample = |millis, peak_mib| Measurement {
            millis,
            peak_mib,
            success: true,
        };
        let m = median(&[sample(30.0, 5.0), sample(10.0, 9.0), sample(20.0, 7.0)]);
        assert_eq!((m.millis, m.peak_mib), (20.0, 7.0));
    }
}
