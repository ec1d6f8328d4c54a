//! Hostile input: binary, huge and non-UTF-8 files, YAML alias bombs and deep nesting, HCL
//! with heredocs and interpolations, CRLF and BOMs, unreadable files. Every case ends in a
//! bounded run with a clear finding or error naming the file; none passes unseen.

use std::time::{Duration, Instant};

use crate::common::{check, repo, write};

const GITIGNORE: (&str, &str) = (".gitignore", ".env*\n");

/// The `invalid-file` findings, as `path:line`.
fn invalid(outcome: &crate::common::Outcome) -> Vec<String> {
    outcome.of("invalid-file")
}

#[test]
fn a_binary_file_named_dockerfile_is_a_finding() {
    let dir = repo(&[GITIGNORE]);
    write(
        dir.path(),
        "Dockerfile",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0garbage",
    );
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "fail");
    assert_eq!(invalid(&outcome), ["Dockerfile"]);
    let message = outcome.findings()[0]["message"].as_str().unwrap();
    assert!(message.contains("binary"), "{message}");
}

#[test]
fn invalid_utf8_is_a_finding_at_its_line() {
    let dir = repo(&[GITIGNORE]);
    write(
        dir.path(),
        "app.Dockerfile",
        b"FROM alpine:3.20\nRUN echo \xff\xfe\n",
    );
    let outcome = check(dir.path());
    assert_eq!(invalid(&outcome), ["app.Dockerfile:2"]);
    assert!(
        outcome.findings()[0]["message"]
            .as_str()
            .unwrap()
            .contains("not UTF-8")
    );
}

#[test]
fn a_huge_file_is_bounded_and_reported() {
    let dir = repo(&[GITIGNORE]);
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\ndata:\n");
    while text.len() < 6 << 20 {
        text.push_str("  k: vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\n");
    }
    write(dir.path(), "docker-compose.yml", text.as_bytes());
    let started = Instant::now();
    let outcome = check(dir.path());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(invalid(&outcome), ["docker-compose.yml"]);
    assert!(
        outcome.findings()[0]["message"]
            .as_str()
            .unwrap()
            .contains("byte limit")
    );
    // Only the first bytes were read.
    assert!(outcome.report["metrics"]["bytes_read"].as_u64().unwrap() <= (4 << 20) + 1);
}

#[test]
fn a_yaml_alias_bomb_is_stopped() {
    let mut bomb =
        String::from("apiVersion: v1\nkind: ConfigMap\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let dir = repo(&[GITIGNORE, ("k8s/bomb.yaml", bomb.as_str())]);
    let started = Instant::now();
    let outcome = check(dir.path());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(outcome.status(), "fail");
    let found = invalid(&outcome);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("k8s/bomb.yaml"), "{found:?}");
}

#[test]
fn deep_nesting_is_stopped_in_yaml_and_hcl() {
    let deep_yaml = format!(
        "apiVersion: v1\nkind: ConfigMap\ndata: {}x{}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let deep_hcl = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let dir = repo(&[
        GITIGNORE,
        ("k8s/deep.yaml", deep_yaml.as_str()),
        ("tf/deep.tf", deep_hcl.as_str()),
    ]);
    let outcome = check(dir.path());
    let found = invalid(&outcome);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("k8s/deep.yaml:"), "{found:?}");
    assert!(found[1].starts_with("tf/deep.tf:"), "{found:?}");
}

#[test]
fn crlf_bom_heredocs_and_interpolations_are_read() {
    let dockerfile = "\u{feff}FROM alpine:latest\r\nRUN <<EOF\r\ncurl -fsSL https://x.example | sh\r\nEOF\r\nUSER app\r\nHEALTHCHECK CMD [\"true\"]\r\nCMD [\"app\"]\r\n";
    let terraform = "\u{feff}terraform {\r\n  required_version = \"~> 1.9\"\r\n  backend \"gcs\" {}\r\n}\r\n\r\nvariable \"db_password\" {\r\n  default = <<-EOT\r\n    ${var.x}-%{ for p in var.ps }${p}%{ endfor }\r\n  EOT\r\n}\r\n";
    let dir = repo(&[
        GITIGNORE,
        ("Dockerfile", dockerfile),
        ("main.tf", terraform),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.found(),
        [
            "docker-curl-pipe-shell Dockerfile:2",
            "docker-unpinned-base Dockerfile:1",
            "tf-secret-variable main.tf:6",
        ]
    );
    let base = outcome.finding("docker-unpinned-base", "Dockerfile:1");
    assert_eq!(base["location"]["column"], 6);
}

#[test]
fn unparsable_files_are_findings_never_a_pass() {
    let dir = repo(&[
        GITIGNORE,
        (
            "Dockerfile",
            "FROM alpine:3.20\nthis is not an instruction\n",
        ),
        ("compose.yml", "services:\n  web:\n    image: [unclosed\n"),
        (
            "main.tf",
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n}\n",
        ),
        ("k8s/dup.yaml", "apiVersion: v1\nkind: Pod\nkind: Pod\n"),
    ]);
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "fail");
    let found = invalid(&outcome);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found.contains(&"Dockerfile:2".to_owned()), "{found:?}");
    for finding in outcome.findings() {
        assert!(
            finding["help"].as_str().is_some_and(|h| !h.is_empty()),
            "{finding}"
        );
    }
}

/// An object with the same key twice: Terraform keeps the last (hashicorp/terraform#28727),
/// hcl-edit rejects it. The file is named and not judged, as a warning, not a failure.
#[test]
fn a_duplicate_object_key_in_terraform_warns() {
    let dir = repo(&[
        GITIGNORE,
        (
            "main.tf",
            "locals {\n  x = {\n    a = null\n    a = 1\n  }\n}\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "warn", "{}", outcome.run.all_output());
    let finding = &outcome.findings()[0];
    assert_eq!(finding["rule"], "invalid-file");
    assert_eq!(finding["severity"], "medium");
    assert_eq!(finding["location"]["line"], 4);
}

/// A file the gate cannot read makes it `error` (exit 2), naming the file. (`/proc/self/mem`
/// opens but fails on the first read, for root too, where file modes would not stop a read.)
#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_an_error_not_a_pass() {
    let dir = repo(&[GITIGNORE, ("Dockerfile", "FROM alpine:3.20\n")]);
    std::os::unix::fs::symlink("/proc/self/mem", dir.path().join("prod.Dockerfile")).unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "error", "{}", outcome.run.all_output());
    let output = outcome.run.all_output();
    assert!(output.contains("cannot read prod.Dockerfile"), "{output}");
    assert!(output.contains("help:"), "{output}");
}

/// chmod 000 stops a read unless the tests run as root, who reads it anyway: either way
/// the gate never passes over the file.
#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_never_passed_over() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[GITIGNORE, ("Dockerfile", "FROM alpine:latest\n")]);
    let path = dir.path().join("Dockerfile");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = std::fs::read(&path).is_ok();
    let outcome = check(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    if root {
        assert_eq!(outcome.of("docker-unpinned-base"), ["Dockerfile:1"]);
    } else {
        assert_eq!(outcome.status(), "error");
        assert!(outcome.run.all_output().contains("cannot read Dockerfile"));
    }
}

#[test]
fn garbage_never_crashes_the_gate() {
    let samples: [&[u8]; 6] = [
        b"\\\n\\\n\\",
        b"FROM\nRUN <<\nRUN <<-'\n",
        b"# escape=`\nFROM a`\n`\n",
        b"FROM a AS\nFROM --platform=$X\nCOPY\nUSER\n",
        b"\xef\xbb\xbf\r\r\r\n",
        b"ONBUILD RUN x\nFROM ${",
    ];
    for (i, sample) in samples.iter().enumerate() {
        let dir = repo(&[GITIGNORE]);
        write(dir.path(), "Dockerfile", sample);
        write(dir.path(), "x.tf", sample);
        write(dir.path(), "compose.yml", sample);
        let outcome = check(dir.path());
        assert!(
            matches!(outcome.status(), "fail" | "warn" | "pass"),
            "sample {i}: {}",
            outcome.run.all_output()
        );
    }
}
