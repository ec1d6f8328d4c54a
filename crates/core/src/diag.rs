//! Errors users see when a configuration file is wrong: what, where (file:line:column)
//! and how to fix it. Every problem found is collected before stopping.
//!
//! ```text
//! error: unknown key `line` in signoff.yml:3:5
//!   = help: expected one of `lines`, `branches`, `functions`, `patch`; did you mean `lines`?
//! ```

use std::fmt;

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column; 0 when unknown.
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    /// A problem at a position.
    pub fn at(line: u64, column: u64, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            message: message.into(),
            help: None,
        }
    }

    /// A problem with the whole file.
    pub fn file(message: impl Into<String>) -> Self {
        Self::at(0, 0, message)
    }

    /// Adds the fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The file as the user named it.
    pub file: String,
    /// At least one problem, in file order.
    pub problems: Vec<Problem>,
}

impl ConfigError {
    /// An error with one problem.
    pub fn one(file: impl Into<String>, problem: Problem) -> Self {
        Self {
            file: file.into(),
            problems: vec![problem],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            let file = crate::text::one_line(&self.file);
            let message = crate::text::one_line(&problem.message);
            match (problem.line, problem.column) {
                (0, _) => write!(f, "error: {message} in {file}")?,
                (line, 0) => write!(f, "error: {message} in {file}:{line}")?,
                (line, column) => write!(f, "error: {message} in {file}:{line}:{column}")?,
            }
            if let Some(help) = &problem.help {
                write!(f, "\n  = help: {}", crate::text::one_line(help))?;
            }
        }
        Ok(())
    }
}

/// The nearest candidate to a misspelled key, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input_lower = input.to_ascii_lowercase().replace('_', "-");
    candidates
        .iter()
        .map(|candidate| {
            let normalized = candidate.replace('_', "-");
            (strsim::jaro_winkler(&input_lower, &normalized), *candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// `expected one of `a`, `b`; did you mean `a`?` for an unknown key or value.
pub fn expected_one_of(input: &str, candidates: &[&str]) -> String {
    let list = candidates
        .iter()
        .map(|candidate| format!("`{candidate}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match did_you_mean(input, candidates) {
        Some(nearest) => format!("expected one of {list}; did you mean `{nearest}`?"),
        None => format!("expected one of {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_nearest_key() {
        let keys = ["lines", "branches", "functions", "patch"];
        assert_eq!(did_you_mean("line", &keys), Some("lines"));
        assert_eq!(did_you_mean("brnaches", &keys), Some("branches"));
        assert_eq!(did_you_mean("zzz", &keys), None);
        assert_eq!(
            did_you_mean("max-findings", &["max_findings"]),
            Some("max_findings")
        );
    }

    #[test]
    fn renders_file_line_column_and_help() {
        let error = ConfigError {
            file: "signoff.yml".into(),
            problems: vec![
                Problem::at(3, 5, "unknown key `line`").help("expected `lines`"),
                Problem::file("the file is empty"),
            ],
        };
        assert_eq!(
            error.to_string(),
            "error: unknown key `line` in signoff.yml:3:5\n  = help: expected `lines`\n\
             error: the file is empty in signoff.yml"
        );
    }
}
