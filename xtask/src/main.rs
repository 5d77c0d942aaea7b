//! `cargo xtask`: the project's tasks (see matklad/cargo-xtask; the alias lives in
//! `.cargo/config.toml`).
//!
//! - `cargo xtask codegen`: regenerate `generated/` from `openapi/`.
//! - `cargo xtask codegen --check`: write nothing; show a diff and exit 1 when stale.
//! - `cargo xtask codegen --spec PATH --out DIR [--crate-name NAME]`: a standalone crate
//!   for any spec.
//! - `cargo xtask semver`: the diff's semver advice against cargo-semver-checks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Generating is allocation-bound (token streams, syntax trees): mimalloc is markedly
/// faster than the system allocator at it, with two threads rendering.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use xtask::{sync, workspace};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project tasks: code generation and checks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ from openapi/ (or a crate for any spec with --spec/--out).
    Codegen {
        /// Write nothing; print a diff of stale, missing and orphan files; exit 1 if any.
        #[arg(long)]
        check: bool,
        /// Generate from this spec instead of openapi/ (needs --out).
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// Write a standalone crate here (needs --spec).
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// Package name of the standalone crate (default: from the spec's file name).
        #[arg(long, requires = "spec")]
        crate_name: Option<String>,
        /// Treat every warning as an error (for CI).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Generate and `cargo check` a crate for every spec in a directory; print a table.
    Corpus(xtask::corpus::Args),
    /// Report what changed between two specs for users of the generated crate.
    Diff(xtask::diff::Args),
    /// Check the diff's semver advice on every fixture pair with cargo-semver-checks.
    Semver(xtask::semver::Args),
    /// Measure generate time, compile time and client overhead, ours against the peers.
    Bench(xtask::bench::Args),
    /// (internal) Run a command and print its wall time and peak memory as JSON.
    #[command(hide = true)]
    BenchProbe {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Fuzz the generator (structure-aware mutations of the project's specs) for a bounded time.
    Fuzz(xtask::fuzz::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen {
            check,
            spec,
            out,
            crate_name,
            deny_warnings,
        } => match (spec, out) {
            (Some(spec), Some(out)) => {
                codegen_standalone(&spec, &out, crate_name, check, deny_warnings)
            }
            _ => codegen_workspace(check, deny_warnings),
        },
        Command::Corpus(args) => xtask::corpus::cli(&args),
        Command::Fuzz(args) => xtask::fuzz::cli(&args),
        Command::Bench(args) => xtask::bench::cli(&args),
        Command::BenchProbe { args } => return xtask::bench::probe::probe_main(&args),
        Command::Diff(args) => xtask::diff::cli(&args),
        Command::Semver(args) => xtask::semver::cli(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{}", message.trim_end());
            ExitCode::FAILURE
        }
    }
}

fn report_warnings(output: &codegen::Output, spec_name: &str, deny: bool) -> Result<(), String> {
    if output.diagnostics.is_empty() {
        return Ok(());
    }
    let mut diags = output.diagnostics.clone();
    if deny {
        diags.deny_warnings();
    }
    eprint!("{}", diags.render(spec_name));
    if deny {
        return Err(format!(
            "{} warning(s) denied by --deny-warnings",
            diags.len()
        ));
    }
    Ok(())
}

fn codegen_workspace(check: bool, deny_warnings: bool) -> Result<ExitCode, String> {
    let root = workspace::root();
    let mut code = ExitCode::SUCCESS;
    for target in workspace::targets(&root)? {
        let output = workspace::generate_target(&root, &target)?;
        report_warnings(&output, &target.spec, deny_warnings)?;
        if apply(
            &root.join(&target.out),
            &output,
            check,
            "cargo xtask codegen",
        )? != ExitCode::SUCCESS
        {
            code = ExitCode::FAILURE;
        }
        // The spec changed since the last commit: say what that means for users.
        if !check {
            if let Some(summary) = xtask::diff::summary_since_head(&root, &target.spec, 15) {
                println!("{summary}");
            }
        }
    }
    Ok(code)
}

fn apply(
    dir: &std::path::Path,
    output: &codegen::Output,
    check: bool,
    command: &str,
) -> Result<ExitCode, String> {
    if check {
        let mismatches = sync::compare(dir, &output.files);
        if mismatches.is_empty() {
            println!(
                "{} is up to date ({} files)",
                dir.display(),
                output.files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for mismatch in &mismatches {
            print!("{}", mismatch.report());
        }
        eprintln!(
            "{} file(s) out of date in {}: run `{command}` and commit the result",
            mismatches.len(),
            dir.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let changes = sync::write(dir, &output.files)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
    if changes.is_empty() {
        println!(
            "{} is up to date ({} files)",
            dir.display(),
            output.files.len()
        );
    } else {
        for change in &changes {
            let verb = match change {
                sync::Mismatch::Stale { .. } => "updated",
                sync::Mismatch::Missing { .. } => "created",
                sync::Mismatch::Orphan { .. } => "removed",
            };
            println!("{verb} {}", change.path());
        }
    }
    println!(
        "{} operations, {} types, {} constraint rules",
        output.stats.operations, output.stats.types, output.stats.rules
    );
    Ok(ExitCode::SUCCESS)
}

fn codegen_standalone(
    spec: &std::path::Path,
    out: &std::path::Path,
    crate_name: Option<String>,
    check: bool,
    deny_warnings: bool,
) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let file_name = spec
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("spec")
        .to_owned();
    let stem = file_name.split('.').next().unwrap_or("api");
    let crate_name = crate_name.unwrap_or_else(|| default_crate_name(stem));
    let mut options = codegen::Options::new(file_name.clone(), crate_name);
    options.standalone = true;
    options.command = format!("cargo xtask codegen --spec {file_name}");
    let output = codegen::generate(&text, &options)
        .map_err(|diags| diags.render(&spec.display().to_string()))?;
    report_warnings(&output, &spec.display().to_string(), deny_warnings)?;
    apply(out, &output, check, &options.command)
}

/// A valid package name from a file stem: lowercase ASCII letters, digits, `-`.
fn default_crate_name(stem: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name = name.trim_matches('-').to_owned();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    name
}
