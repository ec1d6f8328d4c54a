//! report.html in a real browser: headless Chromium loads the page (scripts would be
//! blocked by its CSP, and there are none), the DOM holds the rendered tables, and a
//! screenshot shows a laid-out page rather than a blank or raw-text one.
//!
//! Needs Chromium (`apt-get install chromium`; `.ci/run` installs it and sets
//! `SIGNOFF_REQUIRE_CHROMIUM=1` so the test cannot pass by skipping there).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::*;

fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("SIGNOFF_CHROMIUM") {
        return Some(path.into());
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

fn browser(chromium: &Path, profile: &Path, extra: &[&str], page: &Path) -> std::process::Output {
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

#[test]
fn report_html_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("SIGNOFF_REQUIRE_CHROMIUM").is_err(),
            "SIGNOFF_REQUIRE_CHROMIUM is set but no Chromium was found"
        );
        eprintln!("skipped: no Chromium on this machine");
        return;
    };
    let fixture =
        signoff_testkit::workspace_root().join("crates/report/tests/fixtures/zizmor.sarif");
    let s = Scenario::new()
        .policy("required: [secret-scan, sbom, coverage]\nexternal:\n  zizmor: {}\n")
        .gate("secret-scan.gate.json", &secret_scan_pass())
        .gate("sbom.gate.json", &sbom_pass())
        .gate("coverage.gate.json", &coverage_pass());
    let run = s
        .command()
        .arg("--sarif")
        .arg(format!("zizmor={}", fixture.display()))
        .run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let page = s.out().join("report.html");
    let profile = s.dir.path().join("profile");

    let dom = browser(&chromium, &profile, &["--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<h1>"), "{dom}");
    assert!(dom.matches("<table>").count() >= 5, "{dom}");
    assert!(dom.contains("Sign-off: REJECTED"), "{dom}");
    assert!(!dom.contains("<script"), "{dom}");

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let output = browser(
        &chromium,
        &profile,
        &[
            "--window-size=1200,1600",
            &format!("--screenshot={}", shot.display()),
        ],
        &page,
    );
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert_eq!((info.width, info.height), (1200, 1600));
    let channels = info.color_type.samples();
    let pixels = &buffer[..info.buffer_size()];
    let background = &pixels[..channels];
    let mut ink = 0usize;
    let mut colors = std::collections::HashSet::new();
    for pixel in pixels.chunks(channels) {
        if pixel != background {
            ink += 1;
        }
        colors.insert(pixel.to_vec());
    }
    let share = ink as f64 / (info.width * info.height) as f64;
    // Text, rules and table borders cover a few percent of a laid-out page; a blank page
    // has none, and raw markdown in a monospace blob looks very different.
    assert!(
        (0.02..0.6).contains(&share),
        "ink share {share:.3} (screenshot in {})",
        shot.display()
    );
    assert!(
        colors.len() > 50,
        "only {} colours (screenshot in {})",
        colors.len(),
        shot.display()
    );
    eprintln!("screenshot: {}", shot.display());
}
