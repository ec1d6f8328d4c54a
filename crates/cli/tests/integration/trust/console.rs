//! Item 15: what users see while it runs: progress on a terminal only, one line per
//! health-check attempt, the top findings on the console, `--format json` for machines,
//! and `--help` with exit codes, environment variables and an example.

use super::{check, project, token};

/// Runs `signoff check` under a pseudo-terminal (`script`), so stderr is a terminal.
fn on_a_terminal(dir: &std::path::Path) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let command = format!("'{}' check", env!("CARGO_BIN_EXE_signoff"));
    // No delay before the first line: how long the scan takes depends on the machine.
    let run = signoff_testkit::Cmd::new(script)
        .env("SIGNOFF_PROGRESS_DELAY_MS", "0")
        .current_dir(dir)
        .args(["-qec", &command, "/dev/null"])
        .run();
    Some(run.stdout)
}

/// Progress shows on a terminal (what the history scan got through), and never in a pipe
/// or a CI log.
#[test]
fn issue_13_item_15_progress_on_a_terminal_only() {
    let mut repo = project();
    // Enough history that the run takes longer than the progress line's first delay.
    for n in 0..40 {
        repo.write(&format!("src/file{n}.txt"), "text\n".repeat(20_000 + n));
        repo.commit(&format!("commit {n}"));
    }
    let Some(terminal) = on_a_terminal(repo.path()) else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    assert!(
        terminal.contains("\r\u{1b}[2Ksecret-scan · "),
        "no progress line on a terminal:\n{terminal}"
    );
    let piped = check(repo.path()).run();
    assert!(!piped.stderr.contains('\r'), "{}", piped.stderr);
    assert!(!piped.stderr.contains("secret-scan · "), "{}", piped.stderr);
}

/// The health check says what each attempt got, one line each.
#[test]
fn issue_13_item_15_one_line_per_health_check_attempt() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/health", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(3).enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 2048];
            let _ = stream.read(&mut buffer);
            let (status, body) = if n < 2 {
                ("503 Service Unavailable", "{}")
            } else {
                ("200 OK", "{\"status\":\"ok\"}")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let run = crate::signoff()
        .current_dir(dir.path())
        .args([
            "health-check",
            "--url",
            &url,
            "--deadline",
            "20",
            "--period",
            "1",
        ])
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let attempts: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("health-check: ") && l.contains(" attempt "))
        .collect();
    assert_eq!(attempts.len(), 3, "{}", run.stderr);
    assert!(
        attempts[0].contains("attempt 1 at ") && attempts[0].contains("HTTP 503"),
        "{}",
        attempts[0]
    );
    assert!(
        attempts[2].contains("attempt 3") && attempts[2].ends_with(", ok"),
        "{}",
        attempts[2]
    );
}

/// The console names the worst findings (not only counts); `--format json` prints
/// signoff.json for machines.
#[test]
fn issue_13_item_15_top_findings_on_the_console_and_json_for_machines() {
    let mut repo = project();
    repo.write("deploy.env", format!("GH_TOKEN={}\n", token()));
    repo.commit("token");
    let run = check(repo.path()).run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let finding = run
        .stdout
        .lines()
        .find(|l| l.contains("github-pat"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        finding.contains("critical") && finding.contains("deploy.env:1"),
        "{finding}"
    );
    assert!(
        !run.stdout.contains(&token()),
        "a secret reached the console"
    );

    let run = check(repo.path()).args(["--format", "json"]).run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["verdict"], "REJECTED");
    signoff_testkit::validate("signoff.v1.json", &json).unwrap();
    let written = std::fs::read_to_string(repo.path().join("signoff-out/signoff.json")).unwrap();
    assert_eq!(
        json,
        serde_json::from_str::<serde_json::Value>(&written).unwrap()
    );
}

/// `--help` ends with the exit codes, the environment variables and an example.
#[test]
fn issue_13_item_15_help_shows_exit_codes_environment_and_an_example() {
    for args in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["report", "--help"],
    ] {
        let run = crate::signoff().args(&args).run();
        for needle in [
            "Exit codes:",
            "130",
            "Environment:",
            "SIGNOFF_DIR",
            "SIGNOFF_LOG",
            "Example",
            "signoff check",
        ] {
            assert!(
                run.stdout.contains(needle),
                "`signoff {}` lacks {needle}:\n{}",
                args.join(" "),
                run.stdout
            );
        }
    }
}
