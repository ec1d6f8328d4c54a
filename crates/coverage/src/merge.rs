//! `signoff-coverage merge`: writes merged coverage as one lcov tracefile, which every
//! coverage service and tool reads. Lines are 0/1 (covered or not: counts from different
//! shards and formats do not add up meaningfully), branches keep their ids, functions
//! their names.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::FileCov;

/// The lcov text of `files`, in path order. Files with only summary totals (no per-line
/// data) cannot be written as lcov and are returned by name.
pub fn to_lcov(files: &BTreeMap<String, FileCov>) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut skipped = Vec::new();
    for (path, file) in files {
        if !file.has_line_data() {
            skipped.push(path.clone());
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
