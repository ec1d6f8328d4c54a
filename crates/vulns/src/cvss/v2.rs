//! CVSS v2 base score (the v2 guide, §3.2.1).

use super::metrics;

fn weight(key: &str, value: &str) -> Option<f64> {
    Some(match (key, value) {
        ("AV", "L") => 0.395,
        ("AV", "A") => 0.646,
        ("AV", "N") => 1.0,
        ("AC", "H") => 0.35,
        ("AC", "M") => 0.61,
        ("AC", "L") => 0.71,
        ("Au", "M") => 0.45,
        ("Au", "S") => 0.56,
        ("Au", "N") => 0.704,
        ("C" | "I" | "A", "N") => 0.0,
        ("C" | "I" | "A", "P") => 0.275,
        ("C" | "I" | "A", "C") => 0.660,
        _ => return None,
    })
}

/// The base score of a v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, temporal metrics allowed).
pub(super) fn base(vector: &str) -> Option<f64> {
    let pairs = metrics(vector)?;
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(k, v)| weight(k, v))
    };
    let (av, ac, au) = (get("AV")?, get("AC")?, get("Au")?);
    let (c, i, a) = (get("C")?, get("I")?, get("A")?);
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Some((score * 10.0).round() / 10.0)
}
