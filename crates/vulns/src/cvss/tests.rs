//! The calculators against the specifications' own examples, and against 130 vectors
//! scored by Red Hat's reference `cvss` library (PyPI `cvss==3.6`, whose v4 scoring is
//! FIRST's calculator; `tests/fixtures/cvss/README.md` says how they were made).
#![allow(clippy::unwrap_used)]

use super::*;

fn base(vector: &str) -> f64 {
    score(vector)
        .unwrap_or_else(|| panic!("{vector} does not parse"))
        .base
}

/// CVSS v3.1 specification examples (https://www.first.org/cvss/v3-1/examples).
#[test]
fn v31_specification_examples() {
    for (vector, expected) in [
        // CVE-2013-1937 phpMyAdmin reflected XSS.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        // CVE-2014-0160 Heartbleed.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
        // CVE-2014-6271 Shellshock.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        // CVE-2016-5195 Dirty COW.
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
        // CVE-2013-0375 MySQL stored SQL injection.
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
    ] {
        assert_eq!(base(vector), expected, "{vector}");
    }
}

/// CVSS v2 guide examples (https://www.first.org/cvss/v2/guide §3.3).
#[test]
fn v2_guide_examples() {
    for (vector, expected) in [
        ("AV:N/AC:L/Au:N/C:N/I:N/A:C", 7.8),  // CVE-2002-0392
        ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0), // CVE-2003-0818
        ("AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2),  // CVE-2003-0062
        ("(AV:N/AC:L/Au:N/C:P/I:P/A:P)", 7.5),
    ] {
        assert_eq!(base(vector), expected, "{vector}");
    }
}

/// CVSS v4.0: FIRST's specification and calculator examples.
#[test]
fn v40_examples() {
    for (vector, expected) in [
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            9.3,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
            10.0,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
            0.0,
        ),
        (
            "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            8.5,
        ),
    ] {
        assert_eq!(base(vector), expected, "{vector}");
    }
}

#[test]
fn reference_library_scores() {
    let text = include_str!("../../tests/fixtures/cvss/reference-scores.txt");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (vector, expected) = line.rsplit_once(' ').unwrap();
        let expected: f64 = expected.parse().unwrap();
        assert_eq!(base(vector), expected, "{vector}");
        checked += 1;
    }
    assert_eq!(checked, 130);
}

#[test]
fn malformed_vectors_do_not_score() {
    for bad in [
        "",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:1",
        "AV:N/AC:L/Au:N",
        "garbage",
    ] {
        assert!(score(bad).is_none(), "{bad}");
    }
}

#[test]
fn ratings_follow_the_v3_scale() {
    assert_eq!(rating(9.8), Severity::Critical);
    assert_eq!(rating(7.0), Severity::High);
    assert_eq!(rating(6.9), Severity::Medium);
    assert_eq!(rating(0.1), Severity::Low);
    assert_eq!(rating(0.0), Severity::Info);
}
