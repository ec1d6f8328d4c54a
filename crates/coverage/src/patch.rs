//! Patch coverage: of the lines a change adds, which the report measures and which of
//! those ran. A changed line the report does not list (blank, comment, declaration) is
//! not measured, the rule diff-cover follows.

use std::collections::BTreeMap;

use crate::diff::Changes;
use crate::model::{Counter, FileCov};

/// Patch coverage of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchFile {
    pub path: String,
    pub counter: Counter,
    /// Uncovered changed lines grouped into inclusive ranges.
    pub uncovered: Vec<(u32, u32)>,
    /// Uncovered changed lines one by one.
    pub uncovered_lines: Vec<u32>,
}

/// Patch coverage of a change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patch {
    pub counter: Counter,
    /// Files with at least one measured changed line, by path.
    pub files: Vec<PatchFile>,
    /// Changed files the report has no line data for.
    pub unmeasured_files: Vec<String>,
}

/// Largest run of unmeasured lines a range of uncovered lines bridges.
const BRIDGE: u32 = 8;

pub fn compute(changes: &Changes, files: &BTreeMap<String, FileCov>) -> Patch {
    let mut patch = Patch::default();
    for (path, lines) in &changes.files {
        let Some(file) = files.get(path).filter(|f| f.has_line_data()) else {
            patch.unmeasured_files.push(path.clone());
            continue;
        };
        let mut counter = Counter::default();
        let mut uncovered_lines = Vec::new();
        for &line in lines {
            match file.lines.get(line) {
                Some(true) => counter.add(Counter::new(1, 1)),
                Some(false) => {
                    counter.add(Counter::new(1, 0));
                    uncovered_lines.push(line);
                }
                None => {}
            }
        }
        if counter.total == 0 {
            patch.unmeasured_files.push(path.clone());
            continue;
        }
        let mut uncovered: Vec<(u32, u32)> = Vec::new();
        for &line in &uncovered_lines {
            match uncovered.last_mut() {
                Some((_, end))
                    if line - *end <= BRIDGE
                        && (*end + 1..line).all(|between| file.lines.get(between).is_none()) =>
                {
                    *end = line;
                }
                _ => uncovered.push((line, line)),
            }
        }
        patch.counter.add(counter);
        patch.files.push(PatchFile {
            path: path.clone(),
            counter,
            uncovered,
            uncovered_lines,
        });
    }
    patch
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Has;

    #[test]
    fn measures_only_instrumented_changed_lines_and_groups_ranges() {
        let mut file = FileCov::new(Has {
            lines: true,
            ..Has::default()
        });
        for (line, hit) in [
            (1, true),
            (2, false),
            (4, false),
            (5, true),
            (6, false),
            (30, false),
        ] {
            file.lines.set(line, hit);
        }
        file.finish();
        let files = BTreeMap::from([("a.c".to_owned(), file)]);
        let changes = Changes {
            files: BTreeMap::from([
                ("a.c".to_owned(), vec![1, 2, 3, 4, 5, 6, 30]),
                ("b.c".to_owned(), vec![1]),
            ]),
        };
        let patch = compute(&changes, &files);
        assert_eq!(patch.counter, Counter::new(6, 2));
        assert_eq!(patch.files[0].uncovered, vec![(2, 4), (6, 6), (30, 30)]);
        assert_eq!(patch.unmeasured_files, vec!["b.c"]);
    }
}
