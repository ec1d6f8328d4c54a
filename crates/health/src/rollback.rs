//! The rollback hook: when the gate fails, the user's command runs through the shell
//! with variables that say what failed. Its output goes to stderr (the job log), never
//! into the report; its exit status and duration go into the report.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::config::Rollback;

/// What the rollback command did.
#[derive(Debug, Clone)]
pub(crate) struct RollbackResult {
    pub command: String,
    /// Exit code; `None` when it was killed (timeout, signal) or could not start.
    pub exit_code: Option<i32>,
    pub duration: Duration,
    pub timed_out: bool,
    /// Why it could not start, if it could not.
    pub error: Option<String>,
}

impl RollbackResult {
    /// Whether the rollback ran and exited 0.
    pub(crate) fn succeeded(&self) -> bool {
        self.exit_code == Some(0)
    }
}

/// Variables the command receives, besides the job's own environment.
pub(crate) struct RollbackEnv {
    /// Names of the failed checks.
    pub failed: Vec<String>,
    /// Their URLs (credentials removed).
    pub urls: Vec<String>,
    /// One line on the first failure.
    pub reason: String,
    /// The gate's summary.
    pub summary: String,
}

/// Runs the rollback command to completion or its timeout.
pub(crate) async fn run(rollback: &Rollback, env: &RollbackEnv) -> RollbackResult {
    let started = Instant::now();
    let mut command = shell(&rollback.command);
    command
        .env("SIGNOFF_HEALTH_STATUS", "fail")
        .env("SIGNOFF_HEALTH_FAILED", env.failed.join(","))
        .env("SIGNOFF_HEALTH_FAILED_URLS", env.urls.join(" "))
        .env("SIGNOFF_HEALTH_REASON", &env.reason)
        .env("SIGNOFF_HEALTH_SUMMARY", &env.summary)
        .stdin(Stdio::null())
        // The gate prints its verdict on stdout; the command's chatter goes to the log.
        .stdout(stderr_stdio())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut result = RollbackResult {
        command: rollback.command.clone(),
        exit_code: None,
        duration: Duration::ZERO,
        timed_out: false,
        error: None,
    };
    eprintln!(
        "health-check: running the rollback command: {}",
        rollback.command
    );
    match command.spawn() {
        Err(error) => result.error = Some(format!("cannot start the rollback command: {error}")),
        Ok(mut child) => match tokio::time::timeout(rollback.timeout, child.wait()).await {
            Ok(Ok(status)) => result.exit_code = status.code(),
            Ok(Err(error)) => {
                result.error = Some(format!("waiting for the rollback command failed: {error}"))
            }
            Err(_) => {
                result.timed_out = true;
                kill_group(&mut child).await;
            }
        },
    }
    result.duration = started.elapsed();
    result
}

#[cfg(unix)]
fn shell(command_line: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new("sh");
    // Its own process group, so a timeout ends everything the command started.
    command.arg("-c").arg(command_line).process_group(0);
    command
}

/// Kills the command and everything in its process group (`kill -KILL -PGID`: the
/// `kill` program, since signalling a group directly needs `unsafe`).
#[cfg(unix)]
async fn kill_group(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        let _ = tokio::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status()
            .await;
    }
    let _ = child.kill().await;
}

#[cfg(not(unix))]
async fn kill_group(child: &mut tokio::process::Child) {
    let _ = child.kill().await;
}

#[cfg(windows)]
fn shell(command_line: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new("cmd");
    command.arg("/C").arg(command_line);
    command
}

#[cfg(unix)]
fn stderr_stdio() -> Stdio {
    use std::os::fd::AsFd;
    std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_or_else(|_| Stdio::null(), Stdio::from)
}

#[cfg(not(unix))]
fn stderr_stdio() -> Stdio {
    Stdio::inherit()
}
