//! Outputs that are either all from the new run or untouched: a run writes into a fresh
//! directory beside its output directory and swaps it in at the very end. An interrupt
//! (Ctrl-C, or the runner cancelling the job) removes what was staged and exits 130,
//! leaving the previous complete output, or none; a failed run leaves it too.
//!
//! The swap holds a lock the interrupt handler also takes, so an interrupt never lands
//! halfway through it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Staged directories not yet swapped in: (staging directory, its target).
static ACTIVE: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(0);

/// The exit code of an interrupted run (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

fn active() -> std::sync::MutexGuard<'static, Vec<(PathBuf, PathBuf)>> {
    ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A fresh directory that becomes `target` (or part of it) when committed; removed when
/// dropped uncommitted.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    done: bool,
}

impl Staging {
    /// A fresh, empty directory beside `target`: `.<name>.partial-<pid>-<n>`. Leftovers of
    /// runs that were killed (their process is gone) are removed first.
    pub fn beside(target: &Path) -> io::Result<Self> {
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = target.file_name().map_or_else(
            || "signoff-out".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        remove_leftovers(&parent, &name);
        let dir = parent.join(format!(
            ".{name}.partial-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        active().push((dir.clone(), target.to_path_buf()));
        Ok(Self {
            target: target.to_path_buf(),
            dir,
            done: false,
        })
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where the output ends up.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Replaces the whole `target` directory with the staged one.
    pub fn replace(mut self) -> io::Result<()> {
        let mut active = active();
        if self.target.exists() {
            let old = sibling(&self.target, "old");
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(&self.target, &old)?;
            if let Err(error) = std::fs::rename(&self.dir, &self.target) {
                let _ = std::fs::rename(&old, &self.target);
                return Err(error);
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&self.dir, &self.target)?;
        }
        active.retain(|(dir, _)| dir != &self.dir);
        self.done = true;
        Ok(())
    }

    /// Moves every staged entry into `target`, replacing the entries of the same name and
    /// keeping the others (a report written beside the gate reports it read).
    pub fn merge(mut self) -> io::Result<()> {
        let mut active = active();
        std::fs::create_dir_all(&self.target)?;
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let destination = self.target.join(entry.file_name());
            let old_dir = std::fs::symlink_metadata(&destination)
                .map(|m| m.is_dir())
                .unwrap_or(false);
            if old_dir {
                let old = sibling(&destination, "old");
                std::fs::rename(&destination, &old)?;
                std::fs::rename(entry.path(), &destination)?;
                let _ = std::fs::remove_dir_all(&old);
            } else {
                // Windows will not rename over an existing file.
                #[cfg(windows)]
                let _ = std::fs::remove_file(&destination);
                std::fs::rename(entry.path(), &destination)?;
            }
        }
        std::fs::remove_dir(&self.dir)?;
        active.retain(|(dir, _)| dir != &self.dir);
        self.done = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
            active().retain(|(dir, _)| dir != &self.dir);
        }
    }
}

fn sibling(path: &Path, kind: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{kind}-{}", std::process::id()))
}

/// Removes `.<name>.partial-<pid>-<n>` and `.<name>.old-<pid>` left by a run that was
/// killed, when its process no longer exists (known on Linux only; elsewhere they stay).
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name
            .strip_prefix(&format!(".{name}.partial-"))
            .or_else(|| file_name.strip_prefix(&format!(".{name}.old-")))
        else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or_default();
        let gone = pid.parse::<u32>().is_ok()
            && Path::new("/proc/self").exists()
            && !Path::new("/proc").join(pid).exists();
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Removes what is staged, says what was kept, and exits 130.
pub fn interrupted() -> ! {
    let active = active();
    let mut targets: Vec<&PathBuf> = Vec::new();
    for (dir, target) in active.iter() {
        let _ = std::fs::remove_dir_all(dir);
        // Nested staging (the report's, inside `check`'s) names a staging directory as
        // its target; only real outputs are worth naming.
        if !active.iter().any(|(other, _)| other == target) && !targets.contains(&target) {
            targets.push(target);
        }
    }
    for target in targets {
        if target.exists() {
            signoff_core::errln!(
                "signoff: interrupted; {} still holds the previous complete run",
                target.display()
            );
        } else {
            signoff_core::errln!(
                "signoff: interrupted; nothing was written to {}",
                target.display()
            );
        }
    }
    if active.is_empty() {
        signoff_core::errln!("signoff: interrupted");
    }
    std::process::exit(i32::from(INTERRUPTED))
}

/// Watches for Ctrl-C (and, on Unix, the SIGTERM a cancelled CI job gets) on threads of
/// their own; on either, [`interrupted`]. Call once, early: it returns once the handlers
/// are in place.
pub fn watch_interrupts() {
    #[cfg(unix)]
    for kind in [
        tokio::signal::unix::SignalKind::interrupt(),
        tokio::signal::unix::SignalKind::terminate(),
    ] {
        watch(move |ready| async move {
            let stream = tokio::signal::unix::signal(kind);
            let _ = ready.send(());
            match stream {
                Ok(mut stream) => stream.recv().await.is_some(),
                Err(_) => false,
            }
        });
    }
    #[cfg(not(unix))]
    watch(|ready| async move {
        let signal = tokio::signal::ctrl_c();
        let _ = ready.send(());
        signal.await.is_ok()
    });
}

/// Runs `wait` on a thread with a small runtime; when it returns `true`, [`interrupted`].
/// Returns when `wait` says its handler is in place (or after a second).
fn watch<F, Fut>(wait: F)
where
    F: FnOnce(std::sync::mpsc::Sender<()>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = bool>,
{
    let (ready, registered) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("interrupts".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            else {
                return;
            };
            if runtime.block_on(wait(ready)) {
                interrupted();
            }
        });
    match spawned {
        Ok(_) => {
            let _ = registered.recv_timeout(std::time::Duration::from_secs(1));
        }
        Err(error) => tracing::warn!("cannot watch for Ctrl-C: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_swaps_the_whole_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("stale.gate.json"), "old").unwrap();
        let staging = Staging::beside(&out).unwrap();
        std::fs::write(staging.path().join("report.md"), "new").unwrap();
        staging.replace().unwrap();
        assert!(!out.join("stale.gate.json").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("report.md")).unwrap(),
            "new"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn merge_keeps_other_files_and_dropping_leaves_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("gates")).unwrap();
        std::fs::write(out.join("sbom.gate.json"), "input").unwrap();
        std::fs::write(out.join("gates/old.gate.json"), "old copy").unwrap();
        std::fs::write(out.join("report.md"), "old").unwrap();
        let staging = Staging::beside(&out).unwrap();
        std::fs::write(staging.path().join("report.md"), "new").unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("report.md")).unwrap(),
            "old"
        );
        let staging = Staging::beside(&out).unwrap();
        std::fs::create_dir_all(staging.path().join("gates")).unwrap();
        std::fs::write(staging.path().join("report.md"), "new").unwrap();
        staging.merge().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("report.md")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("sbom.gate.json")).unwrap(),
            "input"
        );
        assert!(!out.join("gates/old.gate.json").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
