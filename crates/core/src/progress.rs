//! Progress of long runs, on a terminal only: gates count what they get through
//! ([`add`]: commits, blobs, bytes, lockfiles) and a ticker started by the binary shows
//! the counts on one line of stderr, rewritten in place and cleared at the end. In CI logs
//! and pipes (stderr not a terminal, or `CI` set) nothing is shown, so logs stay clean.
//!
//! Counting costs one relaxed atomic add; with no ticker running it is all there is.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a gate counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Commits,
    Blobs,
    Files,
    Lockfiles,
    /// Bytes read (shown as KB, MB, GB).
    Bytes,
}

const UNITS: [Unit; 5] = [
    Unit::Commits,
    Unit::Blobs,
    Unit::Files,
    Unit::Lockfiles,
    Unit::Bytes,
];

static COUNTS: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];
/// Whether a progress line is on screen (so other stderr output clears it first).
static SHOWN: AtomicBool = AtomicBool::new(false);
static LINE: Mutex<()> = Mutex::new(());

/// Counts `n` more of `unit`.
pub fn add(unit: Unit, n: u64) {
    COUNTS[unit as usize].fetch_add(n, Ordering::Relaxed);
}

fn reset() {
    for count in &COUNTS {
        count.store(0, Ordering::Relaxed);
    }
}

/// Whether progress is shown here: stderr is a terminal and this is not CI.
pub fn enabled() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var_os("SIGNOFF_NO_PROGRESS").is_none()
}

/// The line for the current counts: `secret-scan: 1,204 commits · 48,210 blobs · 1.3 GB · 4s`.
pub fn line(label: &str, elapsed: Duration) -> String {
    let mut parts = vec![label.to_owned()];
    for unit in UNITS {
        let n = COUNTS[unit as usize].load(Ordering::Relaxed);
        if n == 0 {
            continue;
        }
        parts.push(match unit {
            Unit::Commits => crate::text::plural(n, "commit", "commits"),
            Unit::Blobs => crate::text::plural(n, "blob", "blobs"),
            Unit::Files => crate::text::plural(n, "file", "files"),
            Unit::Lockfiles => crate::text::plural(n, "lockfile", "lockfiles"),
            Unit::Bytes => bytes(n),
        });
    }
    parts.push(format!("{}s", elapsed.as_secs()));
    parts.join(" · ")
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Clears the progress line, if one is shown.
pub fn clear_line() {
    if SHOWN.swap(false, Ordering::AcqRel) {
        let _guard = LINE.lock();
        let _ = std::io::stderr().write_all(b"\r\x1b[2K");
    }
}

/// Shows progress for `label` while it lives (on a terminal only); dropping it clears the
/// line.
pub struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    /// Starts showing progress for `label` (a gate id), after a short delay so quick runs
    /// never flicker (300 ms; `SIGNOFF_PROGRESS_DELAY_MS` changes it, for tests and demos).
    pub fn start(label: &str) -> Self {
        reset();
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled() {
            return Self { stop, thread: None };
        }
        let label = label.to_owned();
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                let started = Instant::now();
                let mut next = Duration::from_millis(first_delay_ms());
                while !flag.load(Ordering::Acquire) {
                    // Woken at once when the gate ends (see `Drop`), so a run on a terminal
                    // does not wait out the rest of a sleep.
                    std::thread::park_timeout(Duration::from_millis(50));
                    if flag.load(Ordering::Acquire) {
                        break;
                    }
                    if started.elapsed() < next {
                        continue;
                    }
                    next += Duration::from_millis(200);
                    let text = line(&label, started.elapsed());
                    let _guard = LINE.lock();
                    let mut stderr = std::io::stderr().lock();
                    let _ = write!(stderr, "\r\x1b[2K{text}");
                    let _ = stderr.flush();
                    SHOWN.store(true, Ordering::Release);
                }
            })
            .ok();
        Self { stop, thread }
    }
}

/// The delay before the first progress line.
fn first_delay_ms() -> u64 {
    std::env::var("SIGNOFF_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(300)
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
        clear_line();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_what_was_counted() {
        reset();
        add(Unit::Commits, 1204);
        add(Unit::Blobs, 48_210);
        add(Unit::Bytes, 1_300_000_000);
        assert_eq!(
            line("secret-scan", Duration::from_secs(4)),
            "secret-scan · 1,204 commits · 48,210 blobs · 1.3 GB · 4s"
        );
        reset();
        assert_eq!(line("sbom", Duration::ZERO), "sbom · 0s");
    }
}
