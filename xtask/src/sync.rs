//! Comparing generated files with a directory, and writing only what changed.
//!
//! A file under the directory is generated when its first line carries the `@generated`
//! marker; such a file that generation no longer produces is an orphan. Hand-written
//! files (no marker) are never touched.

use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::File;

/// How a directory differs from the generated files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The file exists with other contents.
    Stale {
        /// Relative path.
        path: String,
        /// Unified diff from the file on disk to the expected text.
        diff: String,
    },
    /// The file does not exist.
    Missing {
        /// Relative path.
        path: String,
    },
    /// A generated file that generation no longer produces.
    Orphan {
        /// Relative path.
        path: String,
    },
}

impl Mismatch {
    /// The relative path concerned.
    pub fn path(&self) -> &str {
        match self {
            Mismatch::Stale { path, .. }
            | Mismatch::Missing { path }
            | Mismatch::Orphan { path } => path,
        }
    }

    /// A human report: the kind, the path, and the diff for stale files.
    pub fn report(&self) -> String {
        match self {
            Mismatch::Stale { path, diff } => format!("stale: {path}\n{diff}"),
            Mismatch::Missing { path } => format!("missing: {path}\n"),
            Mismatch::Orphan { path } => {
                format!("orphan: {path} (generated earlier, no longer produced)\n")
            }
        }
    }
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Every way `dir` differs from `files`, sorted by path, stale files with their diff.
pub fn compare(dir: &Path, files: &[File]) -> Vec<Mismatch> {
    mismatches(dir, files, true)
}

/// [`compare`], with the diffs of stale files left empty when `with_diffs` is false.
fn mismatches(dir: &Path, files: &[File], with_diffs: bool) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(existing) if normalize(&existing) == file.text => {}
            Ok(existing) => out.push(Mismatch::Stale {
                path: file.path.clone(),
                diff: if with_diffs {
                    unified_diff(&normalize(&existing), &file.text, &file.path)
                } else {
                    String::new()
                },
            }),
            Err(_) => out.push(Mismatch::Missing {
                path: file.path.clone(),
            }),
        }
    }
    for orphan in generated_files(dir) {
        let relative = relative_path(dir, &orphan);
        if !files.iter().any(|f| f.path == relative) {
            out.push(Mismatch::Orphan { path: relative });
        }
    }
    out.sort_by(|a, b| a.path().cmp(b.path()));
    out
}

/// Writes the files that differ and removes orphans; returns what changed (without
/// diffs: a diff of a rewritten 7 MB file costs more than writing it).
pub fn write(dir: &Path, files: &[File]) -> std::io::Result<Vec<Mismatch>> {
    let changes = mismatches(dir, files, false);
    for change in &changes {
        let path = dir.join(change.path());
        match change {
            Mismatch::Orphan { .. } => std::fs::remove_file(&path)?,
            _ => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let text = files
                    .iter()
                    .find(|f| f.path == change.path())
                    .map(|f| f.text.as_str())
                    .unwrap_or_default();
                std::fs::write(&path, text)?;
            }
        }
    }
    Ok(changes)
}

/// How long a diff may search for the smallest edit: Myers' algorithm is quadratic on
/// files that changed throughout, and past the deadline `similar` settles for a larger,
/// still correct, diff.
const DIFF_DEADLINE: Duration = Duration::from_secs(2);

fn unified_diff(old: &str, new: &str, path: &str) -> String {
    similar::TextDiff::configure()
        .timeout(DIFF_DEADLINE)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

fn relative_path(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Files below `dir` (not in `target/`) whose first line has the `@generated` marker.
fn generated_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| n != "target" && n != "node_modules")
                {
                    stack.push(path);
                }
            } else if first_line_is_generated(&path) {
                out.push(path);
            }
        }
    }
    out
}

fn first_line_is_generated(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut line = String::new();
    std::io::BufReader::new(file).read_line(&mut line).is_ok()
        && line.contains(codegen::GENERATED_MARKER)
}
