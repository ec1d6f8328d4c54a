//! What can go wrong reading the gate's inputs, each with what, where and how to fix it.

use std::fmt;

/// A problem with one input file (a coverage report, a diff, a baseline).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    /// The content is not any coverage format the gate knows.
    #[error("{file} is not a coverage report the gate can read: {why}")]
    Unrecognized { file: String, why: String },
    /// A malformed record.
    #[error("{file}:{line}: {message} ({format})")]
    Syntax {
        file: String,
        line: u64,
        format: &'static str,
        message: String,
    },
    /// A document that ends before it is complete.
    #[error("{file} ends before the {format} document is complete: {message}")]
    Truncated {
        file: String,
        format: &'static str,
        message: String,
    },
    /// A report of a format read whole that is larger than the gate reads.
    #[error(
        "{file} is {size} bytes, more than the {limit} bytes (1 GiB) the gate reads of a report in {format}, a format that must be read whole"
    )]
    TooLarge {
        file: String,
        format: &'static str,
        size: u64,
        limit: u64,
    },
    /// A report that holds no instrumented line at all.
    #[error("{file} holds no coverage data ({what})")]
    Empty { file: String, what: String },
    /// No file of the report maps to a repository file.
    #[error(
        "{file}: none of its {files} maps to a file of the repository at {root} (for example `{example}`)"
    )]
    Unmapped {
        file: String,
        files: String,
        root: String,
        example: String,
    },
    /// A diff that cannot be parsed or computed.
    #[error("{file}: {message}")]
    Diff { file: String, message: String },
}

impl InputError {
    /// How to fix it.
    pub fn help(&self) -> String {
        match self {
            InputError::Read { .. } => {
                "check the path given with --report (or --diff, --baseline) and its permissions"
                    .into()
            }
            InputError::Unrecognized { .. } => "give a report in lcov, Cobertura XML, JaCoCo XML, Go coverprofile, Istanbul JSON (coverage-final or coverage-summary), coverage.py JSON, llvm-cov export JSON or gcovr JSON".into(),
            InputError::Syntax { .. } => {
                "regenerate the report with the coverage tool; a hand-edited or concatenated file is often the cause"
                    .into()
            }
            InputError::Truncated { .. } => {
                "the file was cut short (a full disk, a cancelled job, a partial upload); regenerate it".into()
            }
            InputError::TooLarge { .. } => "write the same coverage as lcov or XML, which the gate streams with no size limit (`llvm-cov export -format=lcov`, `c8`/`nyc --reporter=lcov`, `coverage lcov`, `gcovr --lcov` or `--cobertura`), or split the report per test suite and give each with --report".into(),
            InputError::Empty { .. } => "a report without instrumented lines means the tests ran without coverage or the report names no source files; check the coverage tool's include/exclude settings".into(),
            InputError::Unmapped { .. } => "rewrite the report's build paths with `--path-map FROM=TO` (for example `--path-map /home/runner/work/app/app=`), or run from the repository root or give --root".into(),
            InputError::Diff { .. } => "give a unified diff (`git diff BASE...HEAD > change.diff`) or a revision that exists with --base".into(),
        }
    }
}

/// Renders the error the way every signoff tool does.
pub struct Shown<'a>(pub &'a InputError);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  = help: {}", self.0, self.0.help())
    }
}
