//! `cargo xtask codegen`: regenerate `generated/` and the fixture client crates from
//! their specs (or, with `--spec`/`--out`, a standalone crate for any spec), or with
//! `--check` compare them with what is on disk.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{sync, workspace};

/// Arguments of `cargo xtask codegen`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write nothing; print a diff of stale, missing and orphan files; exit 1 if any.
    #[arg(long)]
    pub check: bool,
    /// Generate from this spec instead of openapi/ (needs --out).
    #[arg(long, requires = "out")]
    pub spec: Option<PathBuf>,
    /// Write a standalone crate here (needs --spec).
    #[arg(long, requires = "spec")]
    pub out: Option<PathBuf>,
    /// Package name of the standalone crate (default: from the spec's file name).
    #[arg(long, requires = "spec")]
    pub crate_name: Option<String>,
    /// Treat every warning as an error (for CI).
    #[arg(long)]
    pub deny_warnings: bool,
    /// The tree the spec's `$ref`s may read (default: the spec's own directory).
    #[arg(long, requires = "spec")]
    pub ref_root: Option<PathBuf>,
    /// Serve remote (`http(s)://`) `$ref`s from this directory, as `<host>/<path>`.
    #[arg(long, requires = "spec")]
    pub ref_mirror: Option<PathBuf>,
}

/// Runs `cargo xtask codegen`.
pub fn cli(args: &Args) -> Result<ExitCode, String> {
    match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => codegen_standalone(spec, out, args),
        _ => codegen_workspace(args.check, args.deny_warnings),
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
            if let Some(summary) = crate::diff::summary_since_head(&root, &target.spec, 15) {
                println!("{summary}");
            }
        }
    }
    Ok(code)
}

fn apply(
    dir: &Path,
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

fn codegen_standalone(spec: &Path, out: &Path, args: &Args) -> Result<ExitCode, String> {
    let (crate_name, check, deny_warnings) =
        (args.crate_name.clone(), args.check, args.deny_warnings);
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
    let mut overrides = crate::workspace::OverrideFiles::beside(spec, &spec.display().to_string())?;
    if let Some(files) = &mut overrides.files {
        if let Some(root) = &args.ref_root {
            files.root = root.clone();
        }
        files.mirror = args.ref_mirror.clone();
    }
    let output = codegen::generate_with(&text, &options, &overrides.as_overrides())
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
