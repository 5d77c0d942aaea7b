//! `cargo xtask semver`: the diff's semver advice checked by a tool we did not write.
//!
//! For each pair of `tests/fixtures/diff`, the crate of `old.yaml` is the baseline and
//! the crate of `new.yaml` the candidate for `cargo-semver-checks` (pinned, installed on
//! demand into `target/tools/`, never committed). Its verdict ("a new major version is
//! required" or not) is set beside the bump `cargo xtask diff` suggests, and every pair
//! must agree. `cargo-semver-checks` only looks for breaks: where it is silent, an
//! addition still earns our `minor`, which is not a disagreement. It checks the default
//! features, the API the advice covers (the `builders` feature is test support that
//! follows the response schemas).
//!
//! Without the tool (offline and not installed) the task says so and exits 0.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use codegen::diff::Bump;

/// The pinned release of `cargo-semver-checks`.
const TOOL: (&str, &str) = ("cargo-semver-checks", "0.51.0");

/// Pairs where the tool is silent about a break we report, and why ours is right: its
/// lints compare items and signatures' shapes, not the types inside them (0.51 has no
/// lint for a changed field type, argument type or associated type), nor behaviour.
const EXPLAINED: &[(&str, &str)] = &[
    (
        "constraint-tightened",
        "minItems 6 -> 8: `new` refuses values it accepted (a behaviour change, no signature change)",
    ),
    (
        "dependent-required-changed",
        "a note now needs a mode too: bodies that were sent are refused (a behaviour change, no signature change)",
    ),
    (
        "format-changed",
        "field types changed (Uuid <-> String): the tool has no lint for field type changes",
    ),
    (
        "response-added",
        "Endpoint::Error changed from Infallible: the tool has no lint for associated types",
    ),
    (
        "response-field-retyped",
        "field type changed (String -> i64): the tool has no lint for field type changes",
    ),
];

/// Arguments of `cargo xtask semver`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only the pairs whose directory name contains this.
    #[arg(long)]
    pub only: Option<String>,
    /// Do not install the tool when it is missing (skip instead).
    #[arg(long)]
    pub no_install: bool,
}

/// What `cargo-semver-checks` says a release needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// "semver requires new major version".
    Major,
    /// "semver requires new minor version".
    Minor,
    /// "no semver update required".
    None,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Major => "major",
            Verdict::Minor => "minor",
            Verdict::None => "none",
        }
    }

    /// Reads the verdict from the tool's output (stdout and stderr together); `None`
    /// when the output says neither (the run failed).
    pub fn parse(output: &str) -> Option<Verdict> {
        if output.contains("requires new major version") {
            Some(Verdict::Major)
        } else if output.contains("requires new minor version") {
            Some(Verdict::Minor)
        } else if output.contains("no semver update required") {
            Some(Verdict::None)
        } else {
            None
        }
    }

    /// Whether our suggested bump says the same: a break exactly when the tool finds
    /// one; the tool's minor-level lints (deprecations, `must_use`) need at least our
    /// `minor`.
    pub fn agrees_with(self, ours: Bump) -> bool {
        match self {
            Verdict::Major => ours == Bump::Major,
            Verdict::Minor => ours == Bump::Minor,
            Verdict::None => ours != Bump::Major,
        }
    }
}

/// Where the tool is installed (`bin/` below it holds the binary).
fn tool_root(root: &Path) -> PathBuf {
    root.join("target/tools/cargo-semver-checks")
}

fn tool_binary(root: &Path) -> PathBuf {
    tool_root(root).join("bin/cargo-semver-checks")
}

/// The binary, installing the pinned version first when allowed and missing.
fn ensure_tool(root: &Path, install: bool) -> Option<PathBuf> {
    let binary = tool_binary(root);
    if binary.is_file() {
        return Some(binary);
    }
    if !install {
        return None;
    }
    let (package, version) = TOOL;
    eprintln!("semver: installing {package}@{version} into target/tools ...");
    let status = Command::new(crate::bench::cargo())
        .args(["install", "--locked", "--quiet", "--root"])
        .arg(tool_root(root))
        .arg(format!("{package}@{version}"))
        .status();
    match status {
        Ok(status) if status.success() => Some(binary),
        Ok(status) => {
            eprintln!("semver: installing {package} failed ({status})");
            None
        }
        Err(error) => {
            eprintln!("semver: cannot run cargo install: {error}");
            None
        }
    }
}

/// One pair's result.
struct Row {
    pair: String,
    ours: Bump,
    theirs: Result<Verdict, String>,
}

/// Runs `cargo xtask semver`.
pub fn cli(args: &Args) -> Result<ExitCode, String> {
    let root = crate::workspace::root();
    let Some(tool) = ensure_tool(&root, !args.no_install) else {
        println!("semver: cargo-semver-checks is not installed: skipped");
        return Ok(ExitCode::SUCCESS);
    };
    let pairs = pairs(&root.join("tests/fixtures/diff"), args.only.as_deref())?;
    let scratch = root.join("target/semver-crates");
    let mut rows = Vec::new();
    for (index, pair) in pairs.iter().enumerate() {
        let name = file_name(pair);
        eprintln!("semver: [{}/{}] {name}", index + 1, pairs.len());
        let old = read(&pair.join("old.yaml"))?;
        let new = read(&pair.join("new.yaml"))?;
        let report = codegen::diff_texts(&old, "old.yaml", &new, "new.yaml", &Default::default())?;
        let dir = scratch.join(&name);
        write_crate(&old, &dir.join("old"))?;
        write_crate(&new, &dir.join("new"))?;
        let theirs = run_tool(&tool, &root, &dir);
        rows.push(Row {
            pair: name,
            ours: report.semver_bump(),
            theirs,
        });
    }
    print!("{}", table(&rows));
    let disagreements = rows.iter().filter(|row| row_verdict(row) == "NO").count();
    let explained = rows
        .iter()
        .filter(|row| row_verdict(row) == "explained")
        .count();
    println!(
        "{} pairs: {} agree, {} explained (see below), {} disagree or failed",
        rows.len(),
        rows.len() - disagreements - explained,
        explained,
        disagreements
    );
    for row in rows.iter().filter(|row| row_verdict(row) == "explained") {
        if let Some((_, why)) = EXPLAINED.iter().find(|(pair, _)| *pair == row.pair) {
            println!("  {}: {why}", row.pair);
        }
    }
    Ok(if disagreements == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The fixture pair directories, sorted, filtered by `only`.
fn pairs(dir: &Path, only: Option<&str>) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut pairs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.join("old.yaml").is_file() && path.join("new.yaml").is_file())
        .filter(|path| only.is_none_or(|only| file_name(path).contains(only)))
        .collect();
    pairs.sort();
    Ok(pairs)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A standalone crate `api` 1.0.0 for `spec` in `dir` (both sides share the name, as
/// two releases of one crate do).
fn write_crate(spec: &str, dir: &Path) -> Result<(), String> {
    let mut options = codegen::Options::new("spec.yaml", "api");
    options.crate_version = "1.0.0".to_owned();
    options.standalone = true;
    let output = codegen::generate(spec, &options).map_err(|diags| diags.render("spec.yaml"))?;
    crate::sync::write(dir, &output.files)
        .map(drop)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))
}

/// `cargo-semver-checks check-release` of `dir/new` against `dir/old`, as a patch
/// release so every lint, major and minor, reports.
fn run_tool(tool: &Path, root: &Path, dir: &Path) -> Result<Verdict, String> {
    let output = Command::new(tool)
        // `--package`: the crate is `publish = false`, which the tool skips unless named.
        // `--default-features`: the API our advice covers; the `builders` feature (test
        // support, following the response schemas) is outside it.
        .args(["semver-checks", "check-release", "--package", "api"])
        .args(["--default-features", "--release-type", "patch"])
        .arg("--manifest-path")
        .arg(dir.join("new/Cargo.toml"))
        .arg("--baseline-root")
        .arg(dir.join("old"))
        // One target directory for every pair: dependencies are documented once.
        .env("CARGO_TARGET_DIR", root.join("target/semver-target"))
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Verdict::parse(&text).ok_or_else(|| {
        let tail: Vec<&str> = text.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("no verdict ({}): {}", output.status, tail.join(" / "))
    })
}

/// `yes`, `explained` (a known blind spot of the tool, listed in [`EXPLAINED`]) or `NO`.
fn row_verdict(row: &Row) -> &'static str {
    match &row.theirs {
        Ok(verdict) if verdict.agrees_with(row.ours) => "yes",
        Ok(Verdict::None) if row.ours == Bump::Major && is_explained(&row.pair) => "explained",
        _ => "NO",
    }
}

fn is_explained(pair: &str) -> bool {
    EXPLAINED.iter().any(|(name, _)| *name == pair)
}

fn table(rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|row| row.pair.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:width$}  {:6}  {:20}  agree",
        "pair", "diff", "cargo-semver-checks"
    );
    for row in rows {
        let theirs = match &row.theirs {
            Ok(verdict) => verdict.as_str().to_owned(),
            Err(message) => format!("failed: {message}"),
        };
        let agree = row_verdict(row);
        let _ = writeln!(
            out,
            "{:width$}  {:6}  {:20}  {agree}",
            row.pair,
            row.ours.as_str(),
            theirs
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_read_from_the_tools_summary_lines() {
        let major =
            "     Summary semver requires new major version: 1 major and 0 minor checks failed";
        assert_eq!(Verdict::parse(major), Some(Verdict::Major));
        let minor =
            "     Summary semver requires new minor version: 0 major and 1 minor checks failed";
        assert_eq!(Verdict::parse(minor), Some(Verdict::Minor));
        let none = "     Summary no semver update required";
        assert_eq!(Verdict::parse(none), Some(Verdict::None));
        assert_eq!(Verdict::parse("error: failed to build rustdoc"), None);
    }

    #[test]
    fn silence_agrees_with_any_bump_but_major() {
        assert!(Verdict::None.agrees_with(Bump::Minor));
        assert!(Verdict::None.agrees_with(Bump::None));
        assert!(!Verdict::None.agrees_with(Bump::Major));
        assert!(Verdict::Major.agrees_with(Bump::Major));
        assert!(!Verdict::Major.agrees_with(Bump::Minor));
        assert!(!Verdict::Minor.agrees_with(Bump::Patch));
    }
}
