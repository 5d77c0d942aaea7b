//! Prism (`@stoplight/prism-cli`, pinned in `tests/prism/`) as a mock server on
//! 127.0.0.1: started on a spec with an OS-chosen port, killed on drop, and restarted
//! by the caller when a request made it die.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const READY: &str = "Prism is listening on ";
/// Prism reads and dereferences the whole spec first: minutes for the biggest ones.
const READY_TIMEOUT: Duration = Duration::from_secs(600);

pub struct Prism {
    child: Child,
    pub base_url: String,
}

impl Prism {
    /// Installs Prism if needed (`tests/prism/ensure.sh`, `npm ci` of the pinned lockfile).
    pub fn ensure_installed(root: &Path) -> Result<PathBuf, String> {
        let bin = root.join("tests/prism/node_modules/.bin/prism");
        let status = Command::new("bash")
            .arg(root.join("tests/prism/ensure.sh"))
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run tests/prism/ensure.sh: {e}"))?;
        if !status.success() || !bin.exists() {
            return Err(
                "Prism is not installed (tests/prism/ensure.sh failed: is Node.js there?)"
                    .to_owned(),
            );
        }
        Ok(bin)
    }

    /// Starts Prism on `spec` and waits for its ready line.
    pub fn start(bin: &Path, spec: &Path) -> Result<Self, String> {
        let mut child = Command::new(bin)
            .args(["mock", "-h", "127.0.0.1", "-p", "0"])
            .arg(spec)
            .env("FORCE_COLOR", "0")
            .env("NO_COLOR", "1")
            // Node's 16 KB cap on a request's head answers 431 to an operation with every
            // optional query parameter set (gsmtasks.com's 200 filters): raise it.
            .env("NODE_OPTIONS", "--max-http-header-size=1048576")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start Prism: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keeps draining after the ready line, so Prism never blocks on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                let _ = tx.send(line);
            }
        });
        let mut prism = Self {
            child,
            base_url: String::new(),
        };
        loop {
            match rx.recv_timeout(READY_TIMEOUT) {
                Ok(line) => {
                    if let Some(at) = line.find(READY) {
                        let url = line[at + READY.len()..].trim();
                        prism.base_url = url.trim_end_matches('/').to_owned();
                        return Ok(prism);
                    }
                }
                Err(_) => {
                    return Err("Prism did not start (spec it cannot load, or too slow)".to_owned())
                }
            }
        }
    }

    /// False once the process has exited.
    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
