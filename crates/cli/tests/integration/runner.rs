//! A gate inside GitHub Actions: step outputs, the job summary, annotations within the
//! per-step cap with the runner's escaping, and the findings folded into a log group.

use crate::signoff;

#[test]
fn a_gate_in_actions_sets_outputs_annotates_within_the_cap_and_groups_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    // Thirteen manifests without a lockfile, one in a folder whose name needs escaping in
    // an annotation's properties.
    for name in (0..12)
        .map(|i| format!("pkg-{i:02}"))
        .chain(["we,ird:dir%".to_owned()])
    {
        let folder = repo.join(&name);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("package.json"),
            format!(
                "{{\"name\": \"p{}\", \"dependencies\": {{\"left-pad\": \"^1.3.0\"}}}}",
                name.len()
            ),
        )
        .unwrap();
    }
    let output = dir.path().join("output.txt");
    let summary = dir.path().join("summary.md");
    std::fs::write(&output, "").unwrap();
    std::fs::write(&summary, "").unwrap();
    let run = signoff()
        .current_dir(&repo)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["sbom", ".", "--out"])
        .arg(dir.path().join("out"))
        .run();
    assert!(run.code == 0, "{}", run.all_output());

    let commands: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    let warnings = commands
        .iter()
        .filter(|l| l.starts_with("::warning "))
        .count();
    assert!((1..=10).contains(&warnings), "{commands:#?}");
    assert!(
        commands
            .iter()
            .any(|l| l.starts_with("::notice ")
                && l.contains("more findings are not annotated here")),
        "{commands:#?}"
    );
    let group = commands
        .iter()
        .position(|l| l.starts_with("::group::sbom: ") && l.ends_with("open findings"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    let end = commands.iter().position(|l| *l == "::endgroup::").unwrap();
    assert!(group < end);

    // The runner's property escaping: `,` `:` `%` in a file name.
    let escaped = "file=we%2Cird%3Adir%25/package.json";
    if !commands.iter().any(|l| l.contains(escaped)) {
        // Not every finding fits; the weird folder may have lost its slot. Then the
        // report still holds it.
        let report = std::fs::read_to_string(dir.path().join("out/sbom.gate.json")).unwrap();
        assert!(report.contains("we,ird:dir%/package.json"), "{report}");
    }

    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.lines().any(|l| l == "status=warn"), "{outputs}");
    for key in ["summary", "report"] {
        assert!(
            outputs.lines().any(|l| l.starts_with(&format!("{key}="))),
            "{outputs}"
        );
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("sbom"), "{summary}");
}
