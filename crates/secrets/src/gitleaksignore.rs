//! `.gitleaksignore`: gitleaks' list of findings a team has accepted, one fingerprint a
//! line, `commit:file:rule:line` from a history scan or `file:rule:line` from a directory
//! scan (`#` starts a comment). A finding at that file and line (and commit, when given) is
//! accepted, like a baseline entry. The rule must be the finding's own, or one signoff does
//! not have (a gitleaks rule id: a team moving from gitleaks keeps its list). Lines that are
//! not fingerprints are reported with their line number, never silently skipped.

use std::path::Path;

use signoff_core::report::Finding;

/// The file name gitleaks reads in the repository's root.
pub const FILE: &str = ".gitleaksignore";

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    commit: Option<String>,
    path: String,
    rule: String,
    line: u64,
}

/// The parsed file, with the lines that were not fingerprints.
#[derive(Debug, Default)]
pub struct Ignore {
    entries: Vec<Entry>,
    /// `(line number, why)` of lines that were not understood.
    pub problems: Vec<(usize, String)>,
}

impl Ignore {
    /// Reads `root/.gitleaksignore` when there is one.
    pub fn load(root: &Path) -> std::io::Result<Option<Self>> {
        let path = root.join(FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let bytes = std::fs::read(&path)?;
        Ok(Some(Self::parse(&String::from_utf8_lossy(&bytes))))
    }

    /// Parses the file's text.
    pub fn parse(text: &str) -> Self {
        let mut ignore = Ignore::default();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match entry(line) {
                Some(entry) => ignore.entries.push(entry),
                None => ignore.problems.push((
                    index + 1,
                    "not a gitleaks fingerprint (`commit:file:rule:line` or `file:rule:line`)"
                        .to_owned(),
                )),
            }
        }
        ignore
    }

    /// Whether there are entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Marks the findings the file accepts. `known_rule` tells signoff's rule ids apart
    /// from gitleaks' own. Returns how many.
    pub fn apply(&self, findings: &mut [Finding], known_rule: impl Fn(&str) -> bool) -> usize {
        let mut accepted = 0;
        for finding in findings.iter_mut().filter(|f| !f.waived) {
            let Some(location) = &finding.location else {
                continue;
            };
            let lines: Vec<u64> = std::iter::once(location.line.unwrap_or(0))
                .chain(
                    finding
                        .details
                        .get("lines")
                        .and_then(|l| l.as_array())
                        .into_iter()
                        .flatten()
                        .filter_map(|l| l.as_u64()),
                )
                .collect();
            let matched = self.entries.iter().any(|entry| {
                entry.path == location.path
                    && lines.contains(&entry.line)
                    && (entry.rule == finding.rule || !known_rule(&entry.rule))
                    && entry
                        .commit
                        .as_ref()
                        .is_none_or(|c| location.commit.as_ref() == Some(c))
            });
            if matched {
                finding.waived = true;
                finding.details.insert("gitleaksignore".into(), true.into());
                accepted += 1;
            }
        }
        accepted
    }
}

/// `commit:file:rule:line` or `file:rule:line`; the file may itself hold `:`.
fn entry(line: &str) -> Option<Entry> {
    let (rest, number) = line.rsplit_once(':')?;
    let number: u64 = number.trim().parse().ok()?;
    let (rest, rule) = rest.rsplit_once(':')?;
    if rule.is_empty() || rest.is_empty() {
        return None;
    }
    let (commit, path) = match rest.split_once(':') {
        Some((commit, path))
            if commit.len() >= 7
                && commit.len() <= 64
                && commit.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            (Some(commit.to_ascii_lowercase()), path)
        }
        _ => (None, rest),
    };
    Some(Entry {
        commit,
        path: path.replace('\\', "/").trim_start_matches("./").to_owned(),
        rule: rule.to_owned(),
        line: number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fingerprint_forms_parse() {
        let ignore = Ignore::parse(
            "# accepted\n\
             3786a8d20a3f9de2ad0a3ed16c32c3053786a8d2:config/app.yml:generic-api-key:12\n\
             src/keys.py:aws-access-key-id:3\n\
             C:\\\\not a fingerprint\n",
        );
        assert_eq!(
            ignore.entries,
            [
                Entry {
                    commit: Some("3786a8d20a3f9de2ad0a3ed16c32c3053786a8d2".into()),
                    path: "config/app.yml".into(),
                    rule: "generic-api-key".into(),
                    line: 12
                },
                Entry {
                    commit: None,
                    path: "src/keys.py".into(),
                    rule: "aws-access-key-id".into(),
                    line: 3
                },
            ]
        );
        assert_eq!(ignore.problems.len(), 1);
        assert_eq!(ignore.problems[0].0, 4);
    }
}
