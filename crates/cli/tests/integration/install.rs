//! `actions/install.sh`, the install step every action shares, against a local server that
//! serves release assets: it installs a verified asset, refuses one whose checksum does not
//! match, prefers a binary of the right version already on PATH, and explains itself when
//! it can do none of these.

use std::path::{Path, PathBuf};
use std::time::Instant;

use signoff_testkit::http::{FakeHttp, Response};
use signoff_testkit::{Cmd, Run};

const TARGET: &str = "x86_64-unknown-linux-musl";

fn version() -> String {
    std::fs::read_to_string(signoff_testkit::workspace_root().join("actions/VERSION"))
        .unwrap()
        .trim()
        .to_owned()
}

/// A release archive holding the real `signoff` binary, and its SHA-256.
fn archive(dir: &Path) -> (Vec<u8>, String) {
    let name = format!("signoff-{}-{TARGET}", version());
    let folder = dir.join(&name);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_signoff"), folder.join("signoff")).unwrap();
    let tarball = dir.join(format!("{name}.tar.gz"));
    let status = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(dir)
        .arg(&name)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&tarball).unwrap();
    let sha = signoff_core::fs::sha256_hex(&bytes);
    (bytes, sha)
}

fn release_server(bytes: Vec<u8>, listed_sha: String) -> FakeHttp {
    let version = version();
    let archive_name = format!("signoff-{version}-{TARGET}.tar.gz");
    FakeHttp::start(move |request| {
        let sums = format!(
            "{listed_sha}  {archive_name}\n0000  signoff-{version}-aarch64-apple-darwin.tar.gz\n"
        );
        if request.target == "/latest" {
            // GitHub redirects /releases/latest to the newest release's tag page.
            Response::bytes(302, "").header("Location", &format!("/tag/v{version}"))
        } else if request.target == format!("/tag/v{version}") {
            Response::bytes(200, "release page")
        } else if request.target == format!("/v{version}/SHA256SUMS") {
            Response::bytes(200, sums)
        } else if request.target == format!("/v{version}/{archive_name}") {
            Response::bytes(200, bytes.clone())
        } else {
            Response::bytes(404, "not found")
        }
    })
}

struct Install {
    dir: tempfile::TempDir,
}

impl Install {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("tool-cache")
    }

    fn run(&self, action_path: &Path, url: &str, path_dirs: &str) -> Run {
        self.run_with_version(action_path, url, path_dirs, "")
    }

    fn run_with_version(
        &self,
        action_path: &Path,
        url: &str,
        path_dirs: &str,
        version: &str,
    ) -> Run {
        Cmd::new("bash")
            .arg(signoff_testkit::workspace_root().join("actions/install.sh"))
            .env("SIGNOFF_BINARY", "signoff")
            .env("SIGNOFF_VERSION", version)
            .env("SIGNOFF_DOWNLOAD_URL", url)
            .env("GITHUB_ACTION_PATH", action_path)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TOOL_CACHE", self.cache())
            .env("GITHUB_OUTPUT", self.dir.path().join("output"))
            .env("GITHUB_PATH", self.dir.path().join("path"))
            .env("PATH", path_dirs)
            .run()
    }

    fn output(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("output")).unwrap_or_default()
    }
}

fn system_path() -> String {
    "/usr/local/bin:/usr/bin:/bin".into()
}

fn gate_action() -> PathBuf {
    signoff_testkit::workspace_root().join("actions/sbom")
}

#[test]
fn installs_a_verified_release_asset() {
    let install = Install::new();
    let (bytes, sha) = archive(install.dir.path());
    let server = release_server(bytes, sha);
    let started = Instant::now();
    let run = install.run(&gate_action(), &server.url, &system_path());
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let installed = install
        .cache()
        .join(format!("signoff/{}/{TARGET}/bin/signoff", version()));
    assert!(
        install
            .output()
            .contains(&format!("bin={}", installed.display())),
        "{}",
        install.output()
    );
    let version_run = Cmd::new(&installed).arg("--version").run();
    assert_eq!(version_run.stdout.trim(), format!("signoff {}", version()));
    let path_file = std::fs::read_to_string(install.dir.path().join("path")).unwrap();
    assert_eq!(
        path_file.trim(),
        installed.parent().unwrap().display().to_string()
    );
    eprintln!("install from the local release server took {took:?}");

    // A second run finds the cached binary and downloads nothing.
    let requests = server.requests().len();
    let run = install.run(&gate_action(), &server.url, &system_path());
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(server.requests().len(), requests);
}

#[test]
fn refuses_an_asset_whose_checksum_does_not_match() {
    let install = Install::new();
    let (bytes, _) = archive(install.dir.path());
    let server = release_server(bytes, "f".repeat(64));
    let run = install.run(&gate_action(), &server.url, &system_path());
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(
        run.stderr.contains("checksum mismatch") && run.stderr.contains("refusing"),
        "{}",
        run.stderr
    );
    assert!(
        !install
            .cache()
            .join(format!("signoff/{}/{TARGET}/bin/signoff", version()))
            .exists()
    );
    assert!(!install.output().contains("bin="));
}

#[test]
fn uses_a_binary_of_the_right_version_on_path() {
    let install = Install::new();
    let server = release_server(Vec::new(), "0".repeat(64));
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_signoff")).parent().unwrap();
    let run = install.run(
        &gate_action(),
        &server.url,
        &format!("{}:{}", bin_dir.display(), system_path()),
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        install
            .output()
            .contains(&format!("bin={}", bin_dir.join("signoff").display())),
        "{}",
        install.output()
    );
    assert!(server.requests().is_empty());
}

#[test]
fn explains_what_it_cannot_do() {
    let install = Install::new();
    // A bad version input is refused before anything runs.
    let run = Cmd::new("bash")
        .arg(signoff_testkit::workspace_root().join("actions/install.sh"))
        .env("SIGNOFF_BINARY", "signoff")
        .env("SIGNOFF_VERSION", "latest; rm -rf /")
        .env("GITHUB_ACTION_PATH", gate_action())
        .run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(
        run.stderr.contains("is not a release version"),
        "{}",
        run.stderr
    );

    // No release and nothing to build from: say so.
    let lonely = install.dir.path().join("checkout/actions/sbom");
    std::fs::create_dir_all(&lonely).unwrap();
    std::fs::copy(
        signoff_testkit::workspace_root().join("actions/VERSION"),
        lonely.parent().unwrap().join("VERSION"),
    )
    .unwrap();
    let server = FakeHttp::start(|_| Response::bytes(404, "not found"));
    let run = install.run(&lonely, &server.url, &system_path());
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(run.stderr.contains("no release"), "{}", run.stderr);
}

/// `version: latest` (issue #13, item 14; also run by the trust suite).
#[test]
pub fn latest_installs_the_newest_release() {
    let install = Install::new();
    let (bytes, sha) = archive(install.dir.path());
    let server = release_server(bytes, sha);
    let run = install.run_with_version(&gate_action(), &server.url, &system_path(), "latest");
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        run.stderr
            .contains(&format!("latest release: v{}", version())),
        "{}",
        run.stderr
    );
    assert!(install.output().contains("bin="), "{}", install.output());
}
