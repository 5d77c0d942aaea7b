//! Measuring one command: wall time and peak resident memory.
//!
//! Each measurement runs in a fresh probe process (`cargo xtask bench-probe`), which
//! starts the command, waits for it and reads `getrusage(RUSAGE_CHILDREN)`: the largest
//! resident set of the command and of every descendant it waited for (`cargo check`
//! waits for `rustc`), so the number covers the whole process tree and nothing else.

use std::ffi::OsString;
use std::os::fd::AsFd as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A command to measure.
#[derive(Debug, Clone)]
pub struct Job {
    /// Program and arguments.
    pub argv: Vec<OsString>,
    /// Working directory (the bench's own when `None`).
    pub dir: Option<PathBuf>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Where the command's stdout and stderr go.
    pub log: PathBuf,
    /// The command is killed after this long.
    pub timeout: Duration,
}

impl Job {
    /// A job for `program` with `args`, logging to `log`, with a 30-minute timeout.
    pub fn new(program: impl Into<OsString>, args: &[&str], log: &Path) -> Self {
        let mut argv = vec![program.into()];
        argv.extend(args.iter().map(OsString::from));
        Self {
            argv,
            dir: None,
            env: Vec::new(),
            log: log.to_owned(),
            timeout: Duration::from_secs(30 * 60),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.argv.push(arg.into());
        self
    }

    /// Runs in `dir`.
    pub fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_owned());
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.push((key.to_owned(), value.into()));
        self
    }
}

/// What one run of a job took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// Wall time, start to exit.
    pub millis: f64,
    /// Peak resident memory of the process tree, MiB.
    pub peak_mib: f64,
    /// Whether it exited with status 0 (and was not killed by the timeout).
    pub success: bool,
}

/// Runs `job` once in a fresh probe process and returns what it took.
pub fn measure(job: &Job) -> Result<Measurement, String> {
    let exe = std::env::current_exe().map_err(|error| format!("current exe: {error}"))?;
    let log = std::fs::File::create(&job.log)
        .map_err(|error| format!("{}: {error}", job.log.display()))?;
    let mut command = Command::new(exe);
    command
        .arg("bench-probe")
        .arg(job.timeout.as_secs().to_string())
        .arg("--")
        .args(&job.argv)
        .stdin(Stdio::null())
        .stderr(
            log.try_clone()
                .map_err(|error| format!("{}: {error}", job.log.display()))?,
        );
    if let Some(dir) = &job.dir {
        command.current_dir(dir);
    }
    for (key, value) in &job.env {
        command.env(key, value);
    }
    let output = command
        .output()
        .map_err(|error| format!("starting the probe: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    let report: Value =
        serde_json::from_str(line).map_err(|error| format!("probe report {line:?}: {error}"))?;
    let number = |key: &str| {
        report[key]
            .as_f64()
            .ok_or(format!("probe report lacks {key}"))
    };
    Ok(Measurement {
        millis: number("millis")?,
        peak_mib: number("peak_kib")? / 1024.0,
        success: report["success"].as_bool() == Some(true),
    })
}

/// `cargo xtask bench-probe TIMEOUT_SECS -- PROGRAM ARGS...`: runs the program (its
/// stdout goes to this process's stderr, so stdout carries only the report) and prints
/// one JSON line: `{"millis": .., "peak_kib": .., "success": ..}`.
pub fn probe_main(args: &[OsString]) -> ExitCode {
    match probe(args) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bench-probe: {error}");
            ExitCode::FAILURE
        }
    }
}

fn probe(args: &[OsString]) -> Result<Value, String> {
    let (timeout, argv) = match args {
        [timeout, dashes, program, rest @ ..] if dashes == "--" => {
            let secs: u64 = timeout
                .to_string_lossy()
                .parse()
                .map_err(|_| format!("bad timeout {timeout:?}"))?;
            (Duration::from_secs(secs), (program, rest))
        }
        _ => return Err("usage: bench-probe TIMEOUT_SECS -- PROGRAM [ARGS...]".to_owned()),
    };
    let start = Instant::now();
    let mut child = Command::new(argv.0)
        .args(argv.1)
        .stdin(Stdio::null())
        .stdout(Stdio::from(
            std::io::stderr()
                .as_fd()
                .try_clone_to_owned()
                .map_err(|error| format!("stderr: {error}"))?,
        ))
        .spawn()
        .map_err(|error| format!("starting {:?}: {error}", argv.0))?;
    let pid = child.id();
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if finished.recv_timeout(timeout).is_err() {
            // Still running: stop it (the wait below then returns).
            let pid = nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap_or(i32::MAX));
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            true
        } else {
            false
        }
    });
    let status = child.wait().map_err(|error| format!("waiting: {error}"))?;
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    let _ = done.send(());
    let timed_out = watchdog.join().unwrap_or(false);
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map_err(|error| format!("getrusage: {error}"))?;
    Ok(json!({
        "millis": millis,
        // Linux reports kilobytes.
        "peak_kib": usage.max_rss(),
        "success": status.success() && !timed_out,
    }))
}
