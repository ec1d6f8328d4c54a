//! CVSS v3.0 and v3.1 base score (specification §7.1 and Appendix A for v3.1's Roundup).

use super::metrics;

fn weight(key: &str, value: &str, changed: bool) -> Option<f64> {
    Some(match (key, value) {
        ("AV", "N") => 0.85,
        ("AV", "A") => 0.62,
        ("AV", "L") => 0.55,
        ("AV", "P") => 0.2,
        ("AC", "L") => 0.77,
        ("AC", "H") => 0.44,
        ("PR", "N") => 0.85,
        ("PR", "L") => {
            if changed {
                0.68
            } else {
                0.62
            }
        }
        ("PR", "H") => {
            if changed {
                0.5
            } else {
                0.27
            }
        }
        ("UI", "N") => 0.85,
        ("UI", "R") => 0.62,
        ("C" | "I" | "A", "H") => 0.56,
        ("C" | "I" | "A", "L") => 0.22,
        ("C" | "I" | "A", "N") => 0.0,
        _ => return None,
    })
}

/// v3.1 Roundup: the smallest number, to one decimal, equal to or higher than its input,
/// computed on integers to avoid floating-point surprises.
fn roundup_31(value: f64) -> f64 {
    let integer = (value * 100_000.0).round() as i64;
    if integer % 10_000 == 0 {
        integer as f64 / 100_000.0
    } else {
        ((integer / 10_000) + 1) as f64 / 10.0
    }
}

/// v3.0 round up to one decimal.
fn roundup_30(value: f64) -> f64 {
    (value * 10.0).ceil() / 10.0
}

/// The base score of the metrics after `CVSS:3.x/`.
pub(super) fn base(vector: &str, v31: bool) -> Option<f64> {
    let pairs = metrics(vector)?;
    let get = |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let scope_changed = match get("S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let w = |key: &str| weight(key, get(key)?, scope_changed);
    let (av, ac, pr, ui) = (w("AV")?, w("AC")?, w("PR")?, w("UI")?);
    let (c, i, a) = (w("C")?, w("I")?, w("A")?);
    let iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    let roundup = if v31 { roundup_31 } else { roundup_30 };
    Some(if impact <= 0.0 {
        0.0
    } else if scope_changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    })
}
