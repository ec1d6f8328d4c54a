//! Which lines of a file the secret scan reports, for other gates: a credential's value
//! belongs to the secret scan, so a gate that would report the same value (the infra
//! gate's `ENV PASSWORD=…`, `${DB_PASSWORD:-…}`, a Terraform variable's default)
//! leaves it to the secret scan instead of reporting it twice.
//!
//! Uses the default rules and the same path judgement as `--mode tree` (example files,
//! code, lockfiles, allowlists), so what it answers is what the gate would report for that
//! file with no `.gitleaks.toml`.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use crate::engine::Scanner;
use crate::rules::Ruleset;
use crate::scan::{Setup, Stats};

static RULES: LazyLock<Option<Ruleset>> = LazyLock::new(|| Ruleset::default_rules().ok());

/// The 1-based lines of `data` (the file at repository-relative `path`) on which the
/// secret scan reports a credential. Empty for binary data.
pub fn lines(path: &str, data: &[u8]) -> BTreeSet<u32> {
    let Some(rules) = RULES.as_ref() else {
        return BTreeSet::new();
    };
    let setup = Setup {
        root: Path::new("."),
        rules,
        scanner: Scanner {
            rules,
            decode_depth: crate::DEFAULT_DECODE_DEPTH,
        },
        exclude: globset::GlobSet::empty(),
        max_file_bytes: crate::DEFAULT_MAX_FILE_BYTES,
        skip_dir: None,
    };
    if setup.excluded(path) {
        return BTreeSet::new();
    }
    let stats = Stats::default();
    setup
        .scanner
        .scan(data)
        .hits
        .iter()
        .filter(|hit| setup.keep(hit, path, None, &stats))
        .flat_map(|hit| hit.line..hit.line.saturating_add(hit.lines.max(1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_lines_the_secret_scan_reports() {
        let data = b"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-admin}\n      LOG_LEVEL: info\n";
        let found = lines("docker-compose.yml", data);
        assert!(found.contains(&4), "{found:?}");
        assert!(!found.contains(&1) && !found.contains(&5), "{found:?}");
        assert!(lines("a.bin", b"\0\0AKIA").is_empty());
    }
}
