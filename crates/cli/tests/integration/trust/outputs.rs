//! Items 3 and 12: outputs are either all from one run or untouched, an interrupted run
//! says so and exits 130, and a closed pipe never panics.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{check, project, report_md, verdict};

/// Every file under `dir`, with its bytes, in a stable order.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            } else {
                let name = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .display()
                    .to_string();
                out.push((name, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Entries beside the output directory that a run left behind (staging, old copies).
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".signoff-out."))
        .collect()
}

/// Item 3: a run that fails (a template error) leaves the previous complete output
/// untouched, and says so before any gate runs; a new run replaces it whole, stale gate
/// reports included.
#[test]
fn issue_13_item_3_a_failed_run_leaves_the_previous_output_whole() {
    let mut repo = project();
    repo.write("signoff.yml", "gates:\n  coverage: {lines: 50}\n");
    repo.commit("policy");
    let first = check(repo.path()).run();
    assert_eq!(verdict(&first), "APPROVED", "{}", first.all_output());
    let out = repo.path().join("signoff-out");
    let before = snapshot(&out);

    std::fs::write(repo.path().join("bad.hbs"), "{{verdict}} {{no_such_field}}").unwrap();
    let started = Instant::now();
    let run = check(repo.path()).args(["--template", "bad.hbs"]).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(run.stderr.contains("bad.hbs"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`no_such_field` does not exist"),
        "{}",
        run.stderr
    );
    // Checked first: no gate ran, so it failed fast and wrote nothing.
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(snapshot(&out), before);
    assert!(
        leftovers(repo.path()).is_empty(),
        "{:?}",
        leftovers(repo.path())
    );

    // A stray gate report in the output is not counted by the next run: it is replaced.
    std::fs::write(
        out.join("stale.gate.json"),
        "{\"schema\":\"signoff/gate/v1\"}",
    )
    .unwrap();
    let run = check(repo.path()).run();
    assert_eq!(verdict(&run), "APPROVED", "{}", run.all_output());
    assert!(!out.join("stale.gate.json").exists());
    assert!(leftovers(repo.path()).is_empty());
}

/// Starts `signoff check` with a health check that never becomes healthy, waits until it
/// is probing, interrupts it with a real SIGINT, and returns (exit code, stderr).
fn interrupted_check(dir: &Path) -> (i32, String) {
    use std::io::Read;
    // A port that refuses connections: every attempt fails until the 60 s deadline.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    std::fs::write(
        dir.join("slow.yml"),
        format!(
            "gates:\n  coverage: {{lines: 50}}\n  health-check:\n    deadline: 60s\n    checks:\n      - {{name: api, url: \"http://127.0.0.1:{port}/health\"}}\n"
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_signoff"))
        .current_dir(dir)
        .args(["check", "--policy", "slow.yml"])
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("SIGNOFF_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The health check prints one line per attempt on stderr: wait for the first.
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 256];
    let started = Instant::now();
    while !String::from_utf8_lossy(&seen).contains("health-check: api attempt 1") {
        assert!(started.elapsed() < Duration::from_secs(60), "never probed");
        let n = stderr.read(&mut buffer).unwrap();
        assert!(n > 0, "exited early: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..n]);
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    stderr.read_to_end(&mut seen).unwrap();
    let status = child.wait().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&seen).into_owned(),
    )
}

/// Item 3: Ctrl-C (a real SIGINT) exits 130, says so, and leaves the previous complete
/// output — or none, when there was none.
#[cfg(unix)]
#[test]
fn issue_13_item_3_an_interrupted_run_exits_130_and_keeps_the_previous_output() {
    let mut repo = project();
    repo.write("signoff.yml", "gates:\n  coverage: {lines: 50}\n");
    repo.commit("policy");
    let out = repo.path().join("signoff-out");

    // No previous output: none afterwards either.
    let (code, stderr) = interrupted_check(repo.path());
    assert_eq!(code, 130, "{stderr}");
    assert!(
        stderr.contains("signoff: interrupted; nothing was written to"),
        "{stderr}"
    );
    assert!(!out.exists());
    assert!(
        leftovers(repo.path()).is_empty(),
        "{:?}",
        leftovers(repo.path())
    );

    // A complete run, then an interrupted one: the complete one is still there, whole.
    let first = check(repo.path()).run();
    assert_eq!(verdict(&first), "APPROVED", "{}", first.all_output());
    let before = snapshot(&out);
    let (code, stderr) = interrupted_check(repo.path());
    assert_eq!(code, 130, "{stderr}");
    assert!(
        stderr.contains("still holds the previous complete run"),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before);
    assert!(report_md(repo.path()).contains("APPROVED"));
    assert!(
        leftovers(repo.path()).is_empty(),
        "{:?}",
        leftovers(repo.path())
    );
}

/// Item 12: `signoff check | head` never panics; the exit code is the verdict's.
#[cfg(unix)]
#[test]
fn issue_13_item_12_a_closed_pipe_keeps_the_exit_code() {
    let mut repo = project();
    repo.write("signoff.yml", "gates:\n  coverage: {lines: 99}\n");
    repo.commit("policy");
    for (args, expected) in [
        ("check", "1"),
        ("check --format json", "1"),
        ("report signoff-out", "1"),
        ("--help", "0"),
    ] {
        // The reader is gone before signoff writes a byte, so every write meets a closed
        // pipe (EPIPE), as `| head` does once it has its lines.
        let script = format!(
            "{{ sleep 0.3; exec '{}' {args}; }} | true; echo \"exit=${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_signoff")
        );
        let run = signoff_testkit::Cmd::new("bash")
            .current_dir(repo.path())
            .args(["-c", &script])
            .run();
        assert!(
            run.stdout.contains(&format!("exit={expected}")),
            "`signoff {args} | head`: {}",
            run.all_output()
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}
