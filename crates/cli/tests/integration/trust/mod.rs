//! The `trust` suite (issue #13, "A verdict users can trust"): each numbered item of the
//! issue as the real binaries show it — fail closed, honest wording, no stale or mixed
//! reports. Modules by theme; each test names the item it covers.
//! <https://github.com/signoff-dev/signoff/issues/13>

mod console;
mod inputs;
mod outputs;
mod readme_table;
mod smaller;
mod verdicts;
mod workflows;

use std::path::{Path, PathBuf};

use signoff_testkit::{Cmd, GitRepo, Run};

/// The first line `signoff check` and `signoff report` print: `signoff: VERDICT (score N/100)`.
pub fn verdict(run: &Run) -> &str {
    let line = run.stdout.lines().next().unwrap_or_default();
    let Some(rest) = line.strip_prefix("signoff: ") else {
        return "no verdict";
    };
    rest.split(" (score").next().unwrap_or_default()
}

/// A fixture file of another crate.
pub fn fixture(relative: &str) -> Vec<u8> {
    std::fs::read(signoff_testkit::workspace_root().join(relative)).unwrap()
}

/// A repository whose SBOM passes (the sbom crate's Cargo fixture) and whose code has a
/// coverage report c8 wrote (lines 70.5%), committed.
pub fn project() -> GitRepo {
    let mut repo = GitRepo::new();
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "app/Cargo.toml",
        "core/Cargo.toml",
    ] {
        repo.write(
            file,
            fixture(&format!("crates/sbom/tests/fixtures/cargo/{file}")),
        );
    }
    repo.write(
        "calc.js",
        fixture("crates/coverage/tests/fixtures/src/js/calc.js"),
    );
    repo.write(
        "coverage/lcov.info",
        fixture("crates/coverage/tests/fixtures/js/lcov.info"),
    );
    repo.commit("project");
    repo
}

/// [`project`] with a committed GitHub token that its policy allows (`max_findings: 5`),
/// and a coverage threshold it meets.
pub fn project_with_an_allowed_secret() -> GitRepo {
    let mut repo = project();
    repo.write("deploy.env", format!("GH_TOKEN={}\n", token()));
    repo.write(
        "signoff.yml",
        "gates:\n  coverage: {lines: 50}\n  secret-scan: {max_findings: 5}\n",
    );
    repo.commit("token");
    repo
}

/// A GitHub token with a valid checksum, assembled at run time so no file holds one.
pub fn token() -> String {
    let body = "Zq4Y8mT2vB7nK1pL9sD3fG6hJ0wE5r";
    let mut crc = 0xFFFF_FFFFu32;
    for byte in body.bytes() {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut value = u64::from(!crc);
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while value > 0 {
        out.push(digits[(value % 62) as usize]);
        value /= 62;
    }
    while out.len() < 6 {
        out.push(b'0');
    }
    out.reverse();
    format!("ghp_{body}{}", String::from_utf8(out).unwrap())
}

/// `signoff check` in `dir`.
pub fn check(dir: &Path) -> Cmd {
    crate::signoff().current_dir(dir).arg("check")
}

/// The report `signoff check` wrote into `dir/signoff-out`.
pub fn report_md(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("signoff-out/report.md")).unwrap()
}

/// The `signoff` binary run as an unprivileged user when the tests run as root (as in a
/// container), so file permissions mean something; `None` when that is not possible.
pub fn unprivileged() -> Option<Cmd> {
    let uid = std::process::Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some(crate::signoff());
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())?;
    Some(
        Cmd::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_signoff")),
    )
}

/// The lines of the markdown table whose header row is `header`, as cells.
pub fn readme_table(header: &str) -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(signoff_testkit::workspace_root().join("README.md")).unwrap();
    let rows: Vec<Vec<String>> = readme
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            line.trim()
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "README.md has no table `{header}`");
    rows
}
