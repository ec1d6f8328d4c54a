//! `signoff-coverage merge`: writes merged coverage as one lcov tracefile, which every
//! coverage service and tool reads. Lines are 0/1 (covered or not: counts from different
//! shards and formats do not add up meaningfully), branches keep their ids, functions
//! their names.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::FileCov;

/// Why a file name cannot be an lcov `SF:` line, in the words of warnings.
pub const UNNAMED: &str =
    "a name that lcov cannot hold (empty, a control character or line break, or blanks at an end)";

/// Files `to_lcov` could not write, by name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// Files with only summary totals (no per-line data).
    pub summary_only: Vec<String>,
    /// Files whose names an lcov `SF:` line cannot carry: empty, with a line break or
    /// another control character, or with leading or trailing blanks (which readers trim).
    pub unnamed: Vec<String>,
}

impl LeftOut {
    pub fn is_empty(&self) -> bool {
        self.summary_only.is_empty() && self.unnamed.is_empty()
    }

    /// Whether `path` is left out.
    pub fn contains(&self, path: &str) -> bool {
        self.summary_only
            .iter()
            .chain(&self.unnamed)
            .any(|p| p == path)
    }

    /// Says what was left out and why, one sentence per reason.
    pub fn describe(&self) -> Vec<String> {
        let mut said = Vec::new();
        if !self.summary_only.is_empty() {
            said.push(format!(
                "{} only summary totals (no per-line data) and are not in the merged lcov",
                signoff_core::text::plural(
                    self.summary_only.len() as u64,
                    "file has",
                    "files have"
                )
            ));
        }
        if !self.unnamed.is_empty() {
            said.push(format!(
                "{} {UNNAMED} and are not in the merged lcov: {}",
                signoff_core::text::plural(self.unnamed.len() as u64, "file has", "files have"),
                self.unnamed
                    .iter()
                    .take(3)
                    .map(|p| format!("{p:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        said
    }
}

/// Whether an lcov `SF:` line carries `path` unchanged.
fn writable(path: &str) -> bool {
    !path.is_empty() && path.trim() == path && !path.chars().any(char::is_control)
}

/// The lcov text of `files`, in path order, and the files that cannot be written as lcov.
pub fn to_lcov(files: &BTreeMap<String, FileCov>) -> (String, LeftOut) {
    let mut out = String::new();
    let mut skipped = LeftOut::default();
    for (path, file) in files {
        if !file.has_line_data() {
            skipped.summary_only.push(path.clone());
            continue;
        }
        if !writable(path) {
            skipped.unnamed.push(path.clone());
            continue;
        }
        let _ = writeln!(out, "TN:\nSF:{path}");
        if file.has.functions {
            let names: BTreeMap<u64, &str> = file.names.iter().map(|(id, n)| (*id, &**n)).collect();
            let mut hit = 0;
            for (index, packed) in file.functions.iter().enumerate() {
                let id = packed & !1;
                let name = names
                    .get(&id)
                    .map_or_else(|| format!("f{index}_{id:016x}"), |n| (*n).to_owned());
                let _ = writeln!(out, "FN:0,{name}\nFNDA:{},{name}", packed & 1);
                hit += packed & 1;
            }
            let _ = writeln!(out, "FNF:{}\nFNH:{hit}", file.functions.len());
        }
        if file.has.branches {
            let mut hit = 0;
            let branches = file.branch_entries();
            for packed in &branches {
                let line = packed >> 32;
                let id = (packed >> 1) & 0x7fff_ffff;
                let taken = if packed & 1 == 1 { "1" } else { "0" };
                hit += packed & 1;
                let _ = writeln!(out, "BRDA:{line},0,{id},{taken}");
            }
            let _ = writeln!(out, "BRF:{}\nBRH:{hit}", branches.len());
        }
        let (mut found, mut covered) = (0, 0);
        for (line, hit) in file.lines.iter() {
            found += 1;
            covered += u64::from(hit);
            let _ = writeln!(out, "DA:{line},{}", u8::from(hit));
        }
        let _ = writeln!(out, "LF:{found}\nLH:{covered}\nend_of_record");
    }
    (out, skipped)
}

#[cfg(test)]
mod name_tests {
    use std::collections::BTreeMap;

    use super::to_lcov;
    use crate::model::{FileCov, Has};

    fn covered(lines: &[u32]) -> FileCov {
        let mut file = FileCov::new(Has {
            lines: true,
            ..Has::default()
        });
        for &line in lines {
            file.lines.set(line, true);
        }
        file.finish();
        file
    }

    /// Found by the coverage fuzz targets: a name with a line break broke the lcov, and a
    /// name with a leading tab lost its lines when read back (readers trim the name).
    #[test]
    fn names_lcov_cannot_hold_are_left_out_and_said() {
        let mut files = BTreeMap::new();
        for name in ["src/ok.rs", "bad\nname.rs", "\ttab.rs", ""] {
            files.insert(name.to_owned(), covered(&[1, 2]));
        }
        let (text, left_out) = to_lcov(&files);
        assert_eq!(text.matches("SF:").count(), 1, "{text}");
        assert!(text.contains("SF:src/ok.rs\n"));
        assert_eq!(left_out.unnamed, ["", "\ttab.rs", "bad\nname.rs"]);
        let said = left_out.describe().join(" ");
        assert!(
            said.contains("3 files have a name that lcov cannot hold"),
            "{said}"
        );
    }
}
