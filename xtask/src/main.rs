//! `cargo xtask`: the project's tasks (see matklad/cargo-xtask; the alias lives in
//! `.cargo/config.toml`).
//!
//! - `cargo xtask codegen`: regenerate `generated/` from `openapi/`.
//! - `cargo xtask codegen --check`: write nothing; show a diff and exit 1 when stale.
//! - `cargo xtask codegen --spec PATH --out DIR [--crate-name NAME]`: a standalone crate
//!   for any spec.
//! - `cargo xtask semver`: the diff's semver advice against cargo-semver-checks.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Generating is allocation-bound (token streams, syntax trees): mimalloc is markedly
/// faster than the system allocator at it, with two threads rendering.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Codegen(xtask::codegen::Args),
    /// Generate and `cargo check` a crate for every spec in a directory; print a table.
    Corpus(xtask::corpus::Args),
    /// Prove the generated client right on the wire: every operation against Prism, every
    /// example round-tripped, every constrained schema judged beside a reference validator.
    Conformance(xtask::conformance::Args),
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
        Command::Codegen(args) => xtask::codegen::cli(&args),
        Command::Corpus(args) => xtask::corpus::cli(&args),
        Command::Conformance(args) => xtask::conformance::cli(&args),
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
