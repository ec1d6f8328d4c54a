//! Files the runner reads after a step: outputs (`$GITHUB_OUTPUT`) and the job summary
//! (`$GITHUB_STEP_SUMMARY`).

use std::borrow::Cow;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

/// GitHub refuses a step summary over 1 MiB.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// The name of the artifact the step uploads its files as, for notes that point to it:
/// `SIGNOFF_ARTIFACT_NAME` (the actions set it), else the report action's default.
pub fn artifact_name() -> String {
    std::env::var("SIGNOFF_ARTIFACT_NAME")
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "signoff-report".into())
}

/// The note appended when a summary is cut, naming the artifact with the full report.
pub fn truncated_note() -> String {
    format!(
        "\n\n> [!WARNING]\n> This summary was cut to stay under GitHub's 1 MiB limit for job \
         summaries. The full report is in the `{}` artifact.\n",
        crate::markdown::escape(&artifact_name())
    )
}

/// `markdown` cut to at most `limit` bytes at a line boundary, with open code fences and
/// `<details>` blocks closed and a visible note, or unchanged when it fits.
pub fn fit_summary(markdown: &str, limit: usize) -> Cow<'_, str> {
    if markdown.len() <= limit {
        return Cow::Borrowed(markdown);
    }
    // Room for the note and the closing tags we may add.
    let note = truncated_note();
    let reserve = note.len() + 256;
    let budget = limit.saturating_sub(reserve);
    let mut cut = budget.min(markdown.len());
    while cut > 0 && !markdown.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &markdown[..cut];
    let head = match head.rfind('\n') {
        Some(index) => &head[..index],
        None => head,
    };
    let mut out = String::with_capacity(limit);
    out.push_str(head);
    if head
        .lines()
        .filter(|line| line.trim_start().starts_with("```"))
        .count()
        % 2
        == 1
    {
        out.push_str("\n```");
    }
    let opened = head.matches("<details").count();
    let closed = head.matches("</details>").count();
    for _ in closed..opened.min(closed + 8) {
        out.push_str("\n</details>");
    }
    out.push_str(&note);
    Cow::Owned(out)
}

/// Appends `markdown` to the summary file at `path`, keeping the file under
/// [`SUMMARY_LIMIT`]. Returns whether it had to cut.
pub fn append_summary_to(path: &Path, markdown: &str) -> io::Result<bool> {
    let existing = std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    let room = SUMMARY_LIMIT.saturating_sub(existing);
    let fitted = fit_summary(markdown, room);
    let truncated = matches!(fitted, Cow::Owned(_));
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(fitted.as_bytes())?;
    if !fitted.ends_with('\n') {
        file.write_all(b"\n")?;
    }
    Ok(truncated)
}

/// Appends to `$GITHUB_STEP_SUMMARY` when set; `Ok(None)` outside Actions.
pub fn append_summary(markdown: &str) -> io::Result<Option<bool>> {
    match std::env::var_os("GITHUB_STEP_SUMMARY") {
        Some(path) if !path.is_empty() => append_summary_to(Path::new(&path), markdown).map(Some),
        _ => Ok(None),
    }
}

/// The text that sets output `name` to `value`: `name=value` for one line, else a
/// heredoc with a delimiter that does not occur in the value.
pub fn format_output(name: &str, value: &str) -> String {
    if !value.contains('\n') && !value.contains('\r') {
        return format!("{name}={value}\n");
    }
    let mut seed = {
        use sha2::{Digest, Sha256};
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let digest = Sha256::digest(format!("{name}\0{value}\0{nanos}\0{}", std::process::id()));
        hex::encode(&digest[..12])
    };
    while value.contains(&seed) {
        seed.push('x');
    }
    let delimiter = format!("ghadelimiter_{seed}");
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// Appends an output to the file at `path`.
pub fn set_output_to(path: &Path, name: &str, value: &str) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(format_output(name, value).as_bytes())
}

/// Sets a step output when `$GITHUB_OUTPUT` is set; silent otherwise.
pub fn set_output(name: &str, value: &str) -> io::Result<()> {
    match std::env::var_os("GITHUB_OUTPUT") {
        Some(path) if !path.is_empty() => set_output_to(Path::new(&path), name, value),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_summary_is_unchanged() {
        assert!(matches!(
            fit_summary("# ok\n", SUMMARY_LIMIT),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn oversized_summary_is_cut_with_note_and_closed_blocks() {
        let mut markdown = String::from("# Report\n<details><summary>all</summary>\n\n```text\n");
        while markdown.len() < 3 * SUMMARY_LIMIT {
            markdown.push_str("| `a|b` | <script>x</script> | ünïcödé |\n");
        }
        let fitted = fit_summary(&markdown, SUMMARY_LIMIT);
        assert!(fitted.len() <= SUMMARY_LIMIT);
        let note = truncated_note();
        assert!(fitted.ends_with(&note));
        assert!(note.contains("`signoff-report` artifact"), "{note}");
        let body = fitted.trim_end_matches(&note);
        assert!(
            body.ends_with("```\n</details>"),
            "{}",
            &body[body.len() - 40..]
        );
    }

    #[test]
    fn append_respects_what_the_file_already_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        std::fs::write(&path, "x".repeat(SUMMARY_LIMIT - 1000)).unwrap();
        let truncated = append_summary_to(&path, &"line\n".repeat(10_000)).unwrap();
        assert!(truncated);
        assert!(std::fs::metadata(&path).unwrap().len() as usize <= SUMMARY_LIMIT);
    }

    #[test]
    fn multiline_output_uses_a_delimiter_absent_from_the_value() {
        assert_eq!(format_output("status", "pass"), "status=pass\n");
        let value = "line one\nghadelimiter_\nEOF";
        let text = format_output("summary", value);
        let first = text.lines().next().unwrap();
        let delimiter = first.strip_prefix("summary<<").unwrap();
        assert!(!value.contains(delimiter));
        assert_eq!(
            text,
            format!("summary<<{delimiter}\n{value}\n{delimiter}\n")
        );
    }

    #[test]
    fn outputs_append_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        set_output_to(&path, "a", "1").unwrap();
        set_output_to(&path, "b", "x\ny").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("a=1\nb<<ghadelimiter_"));
        assert!(text.contains("\nx\ny\n"));
    }
}
