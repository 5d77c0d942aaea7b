//! `cargo xtask diff`: what a spec change means for users of the generated crate.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use codegen::diff::{OutputFormat, Severity};

/// Arguments of `cargo xtask diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old spec (with --git: ignored, the vendored spec at REV is the old one).
    pub old: Option<PathBuf>,
    /// The new spec (default with --git: the vendored spec in the working tree).
    pub new: Option<PathBuf>,
    /// Compare the vendored spec in openapi/ with its version at this git revision.
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 when a change's Rust verdict is at least this severe, or (`wire-*`) its
    /// wire verdict.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
}

/// `--format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human text.
    Text,
    /// A pull-request comment.
    Markdown,
    /// For tools.
    Json,
}

/// `--fail-on`: a threshold on the Rust verdict or on the wire verdict.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// A Rust-breaking change.
    Breaking,
    /// A change to review or worse (Rust verdict).
    NeedsReview,
    /// Any change (Rust verdict).
    NonBreaking,
    /// A wire-breaking change.
    WireBreaking,
    /// A change to review or worse (wire verdict).
    WireNeedsReview,
    /// Any change (wire verdict).
    WireNonBreaking,
}

impl FailOn {
    /// (judged on the wire verdict?, threshold)
    fn threshold(self) -> (bool, Severity) {
        match self {
            FailOn::Breaking => (false, Severity::Breaking),
            FailOn::NeedsReview => (false, Severity::NeedsReview),
            FailOn::NonBreaking => (false, Severity::NonBreaking),
            FailOn::WireBreaking => (true, Severity::Breaking),
            FailOn::WireNeedsReview => (true, Severity::NeedsReview),
            FailOn::WireNonBreaking => (true, Severity::NonBreaking),
        }
    }
}

/// Runs `cargo xtask diff`.
pub fn cli(args: &Args) -> Result<ExitCode, String> {
    let format = match args.format {
        Format::Text => OutputFormat::Text,
        Format::Markdown => OutputFormat::Markdown,
        Format::Json => OutputFormat::Json,
    };
    let fail_on = args.fail_on.map(FailOn::threshold);
    let root = crate::workspace::root();
    let ((old_name, old_text), (new_name, new_text)) = match (&args.git, &args.old, &args.new) {
        (Some(rev), _, _) => {
            let spec = vendored_spec(&root)?;
            let relative = format!("openapi/{}", file_name(&spec));
            let old = git_show(&root, rev, &relative)?;
            let new_path = args.new.clone().unwrap_or(spec);
            ((format!("{rev}:{relative}"), old), read(&new_path)?)
        }
        (None, Some(old), Some(new)) => (read(old)?, read(new)?),
        _ => {
            return Err("usage: cargo xtask diff OLD NEW, or cargo xtask diff --git REV".to_owned())
        }
    };
    // The user's overrides (beside the new spec) apply to both sides.
    let overrides = match (&args.git, &args.new) {
        (Some(_), None) => {
            crate::workspace::OverrideFiles::beside(&vendored_spec(&root)?, &new_name)?
        }
        (_, Some(new)) => crate::workspace::OverrideFiles::beside(new, &new_name)?,
        _ => crate::workspace::OverrideFiles::default(),
    };
    let report = codegen::diff_texts(
        &old_text,
        &old_name,
        &new_text,
        &new_name,
        &overrides.as_overrides(),
    )?;
    print!("{}", report.render(format));
    match fail_on {
        Some((false, severity)) if report.has(severity) => Ok(ExitCode::FAILURE),
        Some((true, severity)) if report.has_wire(severity) => Ok(ExitCode::FAILURE),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// A one-screen summary of how the vendored spec changed since `HEAD`, for
/// `cargo xtask codegen` to print when it rewrites `generated/`. `None` when git has no
/// committed version or nothing changed for users.
pub fn summary_since_head(root: &Path, spec: &str, max_lines: usize) -> Option<String> {
    let old = git_show(root, "HEAD", spec).ok()?;
    let new = std::fs::read_to_string(root.join(spec)).ok()?;
    if old == new {
        return None;
    }
    let overrides = crate::workspace::OverrideFiles::beside(&root.join(spec), spec).ok()?;
    let report = codegen::diff_texts(
        &old,
        &format!("HEAD:{spec}"),
        &new,
        spec,
        &overrides.as_overrides(),
    )
    .ok()?;
    if report.is_empty() {
        return None;
    }
    Some(report.summary(max_lines))
}

fn vendored_spec(root: &Path) -> Result<PathBuf, String> {
    let specs = crate::workspace::vendored_specs(root)?;
    match specs.as_slice() {
        [spec] => Ok(spec.clone()),
        _ => Err(format!(
            "--git needs exactly one spec in openapi/, found {}",
            specs.len()
        )),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn read(path: &Path) -> Result<(String, String), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((path.display().to_string(), text))
}

fn git_show(root: &Path, rev: &str, relative: &str) -> Result<String, String> {
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{relative}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git show {rev}:{relative} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("{rev}:{relative} is not UTF-8"))
}
