//! report.html in a real browser: headless Chromium loads the page, its one inline script
//! runs (allowed by its hash in the CSP, which blocks any other), the DOM holds the banner,
//! the area cards and the rendered tables, and screenshots at a desktop and a phone width
//! show a laid-out page rather than a blank or raw-text one.
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
    assert!(dom.contains("class=\"banner rejected\""), "{dom}");
    assert!(dom.contains("class=\"area\""), "{dom}");
    assert!(dom.matches("<table").count() >= 5, "{dom}");
    assert!(dom.contains("REJECTED"), "{dom}");
    // The filter script ran (the CSP let it): it wrote how many rows it shows.
    assert!(
        dom.contains(" shown</span>"),
        "the filter script did not run: {dom}"
    );
    assert_eq!(dom.matches("<script").count(), 1, "{dom}");
    let html = std::fs::read_to_string(&page).unwrap();
    let script = html
        .split("<script>")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .unwrap();
    let hash = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script))
    };
    assert!(
        html.contains(&format!("script-src 'sha256-{hash}'")),
        "the CSP does not allow exactly the page's script"
    );

    for width in [1280, 390] {
        screenshot(&chromium, &profile, &page, width);
    }
    accessibility(&chromium, &profile, &page, s.dir.path());
}

/// axe-core (from npm; `.ci/run` installs it under target/ci-tools and sets
/// `SIGNOFF_REQUIRE_AXE=1`) finds no serious or critical accessibility violation. It runs
/// on a copy of the page without the CSP, which would block axe's own script.
fn accessibility(chromium: &Path, profile: &Path, page: &Path, dir: &Path) {
    let axe = std::env::var_os("SIGNOFF_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            signoff_testkit::workspace_root()
                .join("target/ci-tools/node_modules/axe-core/axe.min.js")
        });
    if !axe.is_file() {
        assert!(
            std::env::var("SIGNOFF_REQUIRE_AXE").is_err(),
            "SIGNOFF_REQUIRE_AXE is set but {} does not exist",
            axe.display()
        );
        eprintln!(
            "accessibility check skipped: no axe-core at {}",
            axe.display()
        );
        return;
    }
    let html = std::fs::read_to_string(page).unwrap();
    let start = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let end = start + html[start..].find('>').unwrap() + 1;
    let runner = format!(
        "<script src=\"file://{}\"></script>\n<script>axe.run(document, {{resultTypes: ['violations']}}).then(function (r) {{ \
         var pre = document.createElement('pre'); pre.id = 'axe-result'; \
         pre.textContent = JSON.stringify(r.violations.map(function (v) {{ return {{id: v.id, impact: v.impact, help: v.help, \
         targets: v.nodes.slice(0, 3).map(function (n) {{ return n.target.join(' '); }})}}; }})); \
         document.body.appendChild(pre); }}, function (e) {{ var pre = document.createElement('pre'); pre.id = 'axe-result'; \
         pre.textContent = 'axe failed: ' + e; document.body.appendChild(pre); }});</script>\n</body>",
        axe.display()
    );
    let checked = format!("{}{}", &html[..start], &html[end..]).replace("</body>", &runner);
    let copy = dir.join("axe.html");
    std::fs::write(&copy, checked).unwrap();
    let dom = browser(
        chromium,
        profile,
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ],
        &copy,
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    let result = dom
        .split("<pre id=\"axe-result\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("axe did not report: {dom}"));
    let result = result
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let violations: serde_json::Value =
        serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}: {result}"));
    let serious: Vec<&serde_json::Value> = violations
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(serious.is_empty(), "accessibility violations: {serious:#?}");
}

/// A screenshot `width` pixels wide shows a laid-out page.
fn screenshot(chromium: &Path, profile: &Path, page: &Path, width: u32) {
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{width}.png"));
    let output = browser(
        chromium,
        profile,
        &[
            &format!("--window-size={width},1600"),
            &format!("--screenshot={}", shot.display()),
        ],
        page,
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
    assert_eq!((info.width, info.height), (width, 1600));
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
