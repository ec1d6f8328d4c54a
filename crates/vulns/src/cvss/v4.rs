//! CVSS v4.0 base score (CVSS-B, or CVSS-BTE when threat and environmental metrics are
//! given): the macro vector's score from FIRST's table, adjusted by the vector's severity
//! distance to the highest vector of its macro vector (specification §8.2).

use super::metrics;
use super::v4_table::LOOKUP;

const MANDATORY: &[&str] = &[
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
];

fn allowed(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "AV" => &["N", "A", "L", "P"],
        "AC" => &["L", "H"],
        "AT" => &["N", "P"],
        "PR" | "VC" | "VI" | "VA" | "SC" | "SI" | "SA" => &["H", "L", "N"],
        "UI" => &["N", "P", "A"],
        "E" => &["X", "A", "P", "U"],
        "CR" | "IR" | "AR" => &["X", "H", "M", "L"],
        "MAV" => &["X", "N", "A", "L", "P"],
        "MAC" => &["X", "L", "H"],
        "MAT" => &["X", "N", "P"],
        "MPR" | "MVC" | "MVI" | "MVA" | "MSC" => &["X", "H", "L", "N"],
        "MUI" => &["X", "N", "P", "A"],
        "MSI" | "MSA" => &["X", "S", "H", "L", "N"],
        "S" => &["X", "N", "P"],
        "AU" => &["X", "N", "Y"],
        "R" => &["X", "A", "U", "I"],
        "V" => &["X", "D", "C"],
        "RE" => &["X", "L", "M", "H"],
        "U" => &["X", "Clear", "Green", "Amber", "Red"],
        _ => return None,
    })
}

struct Vector<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl Vector<'_> {
    fn get(&self, key: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("X", |(_, v)| v)
    }

    /// The effective value: the modified metric when set, with the spec's defaults.
    fn m(&self, key: &str) -> &str {
        let selected = self.get(key);
        match (key, selected) {
            ("E", "X") => return "A",
            ("CR" | "IR" | "AR", "X") => return "H",
            _ => {}
        }
        let modified = self.get(&format!("M{key}"));
        if modified != "X" { modified } else { selected }
    }

    fn macro_vector(&self) -> [u8; 6] {
        let m = |k: &str| self.m(k);
        let eq1 = if m("AV") == "N" && m("PR") == "N" && m("UI") == "N" {
            0
        } else if (m("AV") == "N" || m("PR") == "N" || m("UI") == "N") && m("AV") != "P" {
            1
        } else {
            2
        };
        let eq2 = if m("AC") == "L" && m("AT") == "N" {
            0
        } else {
            1
        };
        let eq3 = if m("VC") == "H" && m("VI") == "H" {
            0
        } else if m("VC") == "H" || m("VI") == "H" || m("VA") == "H" {
            1
        } else {
            2
        };
        let eq4 = if m("MSI") == "S" || m("MSA") == "S" {
            0
        } else if m("SC") == "H" || m("SI") == "H" || m("SA") == "H" {
            1
        } else {
            2
        };
        let eq5 = match m("E") {
            "A" => 0,
            "P" => 1,
            _ => 2,
        };
        let eq6 = if (m("CR") == "H" && m("VC") == "H")
            || (m("IR") == "H" && m("VI") == "H")
            || (m("AR") == "H" && m("VA") == "H")
        {
            0
        } else {
            1
        };
        [eq1, eq2, eq3, eq4, eq5, eq6]
    }
}

fn lookup(macro_vector: [u8; 6]) -> Option<f64> {
    let key: String = macro_vector.iter().map(|d| char::from(b'0' + d)).collect();
    LOOKUP
        .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
        .ok()
        .map(|index| LOOKUP[index].1)
}

/// The highest vectors of each EQ level (FIRST calculator's `maxComposed`).
fn max_composed(eq: usize, level: u8, eq6: u8) -> &'static [&'static str] {
    match (eq, level, eq6) {
        (1, 0, _) => &["AV:N/PR:N/UI:N/"],
        (1, 1, _) => &["AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"],
        (1, 2, _) => &["AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/"],
        (2, 0, _) => &["AC:L/AT:N/"],
        (2, 1, _) => &["AC:H/AT:N/", "AC:L/AT:P/"],
        (3, 0, 0) => &["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"],
        (3, 0, 1) => &[
            "VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/",
            "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/",
        ],
        (3, 1, 0) => &[
            "VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/",
            "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/",
        ],
        (3, 1, 1) => &[
            "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/",
            "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/",
            "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/",
            "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/",
            "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/",
        ],
        (3, 2, _) => &["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"],
        (4, 0, _) => &["SC:H/SI:S/SA:S/"],
        (4, 1, _) => &["SC:H/SI:H/SA:H/"],
        (4, 2, _) => &["SC:L/SI:L/SA:L/"],
        (5, 0, _) => &["E:A/"],
        (5, 1, _) => &["E:P/"],
        _ => &["E:U/"],
    }
}

/// Severity level of a value within its metric (lower is more severe).
fn level(key: &str, value: &str) -> f64 {
    match (key, value) {
        ("AV", "N") | ("PR", "N") | ("UI", "N") | ("AC", "L") | ("AT", "N") => 0.0,
        ("AV", "A") | ("PR", "L") | ("UI", "P") | ("AC", "H") | ("AT", "P") => 0.1,
        ("AV", "L") | ("PR", "H") | ("UI", "A") => 0.2,
        ("AV", "P") => 0.3,
        ("VC" | "VI" | "VA", "H") => 0.0,
        ("VC" | "VI" | "VA", "L") => 0.1,
        ("VC" | "VI" | "VA", "N") => 0.2,
        ("SC", "H") => 0.1,
        ("SC", "L") => 0.2,
        ("SC", "N") => 0.3,
        ("SI" | "SA", "S") => 0.0,
        ("SI" | "SA", "H") => 0.1,
        ("SI" | "SA", "L") => 0.2,
        ("SI" | "SA", "N") => 0.3,
        ("CR" | "IR" | "AR", "H") => 0.0,
        ("CR" | "IR" | "AR", "M") => 0.1,
        ("CR" | "IR" | "AR", "L") => 0.2,
        _ => 0.0,
    }
}

const DISTANCE_METRICS: &[&str] = &[
    "AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR",
];

/// The score after `CVSS:4.0/`.
pub(super) fn base(text: &str) -> Option<f64> {
    let pairs = metrics(text)?;
    for (key, value) in &pairs {
        if !allowed(key)?.contains(value) {
            return None;
        }
    }
    if MANDATORY
        .iter()
        .any(|key| !pairs.iter().any(|(k, _)| k == key))
    {
        return None;
    }
    let vector = Vector { pairs };
    if ["VC", "VI", "VA", "SC", "SI", "SA"]
        .iter()
        .all(|k| vector.m(k) == "N")
    {
        return Some(0.0);
    }
    let mv = vector.macro_vector();
    let value = lookup(mv)?;
    let next = |index: usize| {
        let mut lower = mv;
        lower[index] += 1;
        lookup(lower)
    };
    let eq3eq6_next = match (mv[2], mv[5]) {
        (0, 0) => {
            let mut left = mv;
            left[5] += 1;
            let mut right = mv;
            right[2] += 1;
            match (lookup(left), lookup(right)) {
                (Some(l), Some(r)) => Some(l.max(r)),
                (l, r) => l.or(r),
            }
        }
        (1, 0) => next(5),
        (0 | 1, 1) => next(2),
        _ => {
            let mut lower = mv;
            lower[2] += 1;
            lower[5] += 1;
            lookup(lower)
        }
    };
    // The first highest vector this one does not exceed in any metric.
    let mut distances = [0.0f64; 14];
    'search: for a in max_composed(1, mv[0], 0) {
        for b in max_composed(2, mv[1], 0) {
            for c in max_composed(3, mv[2], mv[5]) {
                for d in max_composed(4, mv[3], 0) {
                    for e in max_composed(5, mv[4], 0) {
                        let max = format!("{a}{b}{c}{d}{e}");
                        let max_pairs = metrics(max.trim_end_matches('/'))?;
                        for (slot, key) in DISTANCE_METRICS.iter().enumerate() {
                            let theirs = max_pairs
                                .iter()
                                .find(|(k, _)| k == key)
                                .map_or("X", |(_, v)| v);
                            distances[slot] = level(key, vector.m(key)) - level(key, theirs);
                        }
                        if distances.iter().all(|d| *d >= 0.0) {
                            break 'search;
                        }
                    }
                }
            }
        }
    }
    let sum = |range: std::ops::Range<usize>| distances[range].iter().sum::<f64>();
    let current = [sum(0..3), sum(3..5), sum(5..8) + sum(11..14), sum(8..11)];
    let step = 0.1;
    let max_severity = [
        [1.0, 4.0, 5.0][mv[0] as usize],
        [1.0, 2.0][mv[1].min(1) as usize],
        match (mv[2], mv[5]) {
            (0, 0) => 7.0,
            (0, _) => 6.0,
            (1, _) => 8.0,
            _ => 10.0,
        },
        [6.0, 5.0, 4.0][mv[3].min(2) as usize],
    ];
    let lowers = [next(0), next(1), eq3eq6_next, next(3), next(4)];
    let mut count = 0usize;
    let mut total = 0.0;
    for (index, lower) in lowers.iter().enumerate() {
        let Some(lower) = lower else { continue };
        let available = value - lower;
        if available < 0.0 {
            continue;
        }
        count += 1;
        if index < 4 {
            total += available * (current[index] / (max_severity[index] * step));
        }
    }
    let mean = if count == 0 {
        0.0
    } else {
        total / count as f64
    };
    let score = (value - mean).clamp(0.0, 10.0);
    Some(((score + 1e-6) * 10.0).round() / 10.0)
}
