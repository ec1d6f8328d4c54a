//! Comparator tables per ecosystem. The Maven, NuGet and Packagist tables are OSV's own
//! (extracted from the `osv==0.0.22` wheel by `tests/fixtures/comparators/extract.py`);
//! the others are the schemes' published examples plus regression cases from the peers'
//! trackers, each with its link.
#![allow(clippy::unwrap_used)]

use std::cmp::Ordering;

use super::{Scheme, Version};
use crate::ecosystem::Ecosystem;

fn parse(scheme: Scheme, text: &str) -> Version {
    scheme
        .parse(text)
        .unwrap_or_else(|| panic!("{scheme:?} cannot parse {text:?}"))
}

fn check(scheme: Scheme, line: &str) {
    let (a, op, b) = ["!=", "<", ">", "="]
        .iter()
        .find_map(|op| {
            line.split_once(&format!(" {op} "))
                .map(|(a, b)| (a.trim(), *op, b.trim()))
        })
        .unwrap_or_else(|| panic!("bad table line {line:?}"));
    let order = parse(scheme, a).compare(&parse(scheme, b)).unwrap();
    let ok = match op {
        "<" => order == Ordering::Less,
        ">" => order == Ordering::Greater,
        "=" => order == Ordering::Equal,
        _ => order != Ordering::Equal,
    };
    assert!(ok, "{scheme:?}: expected {line}, got {order:?}");
    // The reverse comparison agrees.
    let reverse = parse(scheme, b).compare(&parse(scheme, a)).unwrap();
    assert_eq!(reverse, order.reverse(), "{scheme:?}: {line} reversed");
}

fn table(scheme: Scheme, text: &str) -> usize {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for line in &lines {
        check(scheme, line);
    }
    lines.len()
}

fn ordered(scheme: Scheme, versions: &[&str]) {
    for pair in versions.windows(2) {
        check(scheme, &format!("{} < {}", pair[0], pair[1]));
    }
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/comparators/");

#[test]
fn maven_table_from_osv() {
    let text = std::fs::read_to_string(format!("{FIXTURES}maven.txt")).unwrap();
    assert!(table(Scheme::Ecosystem(Ecosystem::Maven), &text) > 70);
}

#[test]
fn nuget_table_from_osv() {
    let text = std::fs::read_to_string(format!("{FIXTURES}nuget.txt")).unwrap();
    assert!(table(Scheme::Ecosystem(Ecosystem::NuGet), &text) > 30);
}

/// PHP's own `version_compare` cases. Lines comparing branch names (`dev-foo`) are left
/// out: a branch is not a version, so the gate never orders one (it is "not matched").
#[test]
fn packagist_table_from_osv_and_php() {
    let text = std::fs::read_to_string(format!("{FIXTURES}packagist.txt")).unwrap();
    let scheme = Scheme::Ecosystem(Ecosystem::Packagist);
    let (branches, versions): (Vec<&str>, Vec<&str>) = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .partition(|l| l.split_whitespace().any(|w| w.starts_with("dev-")));
    assert!(table(scheme, &versions.join("\n")) > 70);
    assert!(branches.len() < 10, "{branches:?}");
    assert!(scheme.parse("dev-main").is_none());
}

/// Maven qualifier ordering, the bug class behind grype's `.RELEASE` false positives
/// (https://github.com/anchore/grype/pull/1617) and the `-hudson-3` relabel
/// (https://github.com/anchore/vulnerability-match-labels/pull/116). OSV's Maven order is
/// the one before Maven 3.9's MNG-7559 change (https://github.com/apache/maven/pull/845),
/// which OSV's ecosystem helper does not follow; neither does this gate, to agree with
/// the database: `1.0.0.RC1` sorts after `1.0.0-RC2` here, as in OSV.
#[test]
fn issue_grype_1617_maven_qualifiers() {
    let maven = Scheme::Ecosystem(Ecosystem::Maven);
    table(
        maven,
        "2.5.6.RELEASE = 2.5.6
         4.3.0.Final = 4.3.0
         1.0.GA = 1
         1.6.1 < 1.6.1-hudson-3
         1.0.0-RC1 < 1.0.0-RC2
         1.0-alpha-1 < 1.0-beta-1
         1.0-beta-1 < 1.0-milestone-1
         1.0-M1 < 1.0-RC1
         1.0-cr1 = 1.0-rc1
         1.0-RC1 < 1.0-SNAPSHOT
         1.0-SNAPSHOT < 1.0
         1.0 < 1.0-sp1
         1.0-sp1 < 1.0-whatever
         1.0-whatever < 1.0.1
         2.17.0 < 2.17.1
         2.9.10.8 < 2.10.0
         1.0.0.RC1 > 1.0.0-RC2",
    );
}

/// Semver as npm, crates.io and Hex order it (semver.org §11).
#[test]
fn semver_precedence_examples() {
    let npm = Scheme::Ecosystem(Ecosystem::Npm);
    ordered(
        npm,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ],
    );
    table(
        npm,
        "1.0.0+build.1 = 1.0.0
         v1.2.3 = 1.2.3
         4.17.15 < 4.17.21
         18446744073709551616.0.0 > 18446744073709551615.0.0",
    );
    for bad in ["1.x", "latest", "1.2.3.4", "1.2.3-", "^1.2.3", ""] {
        assert!(npm.parse(bad).is_none(), "{bad}");
    }
}

/// Go: pseudo-versions are pre-releases of the next patch, `+incompatible` is build
/// metadata (https://go.dev/ref/mod#pseudo-versions); OSV records omit the `v`
/// (https://github.com/google/osv-scanner/issues/910).
#[test]
fn issue_osv_scanner_910_go_pseudo_versions() {
    let go = Scheme::Ecosystem(Ecosystem::Go);
    ordered(
        go,
        &[
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20220722155217-630584e8d5aa",
            "0.1.0",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20191109021931-daa7c04131f5",
            "v1.2.4",
        ],
    );
    table(
        go,
        "v2.0.0+incompatible = 2.0.0
         v0.0.0-20220722155217-630584e8d5aa = 0.0.0-20220722155217-630584e8d5aa
         v1.20.3 > 1.20.2",
    );
}

/// PEP 440's own example order (https://peps.python.org/pep-0440/#summary-of-permitted-suffixes-and-relative-ordering).
#[test]
fn pep440_spec_order() {
    let pypi = Scheme::Ecosystem(Ecosystem::PyPI);
    ordered(
        pypi,
        &[
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ],
    );
    table(
        pypi,
        "1.0 = 1.0.0
         1.0alpha1 = 1.0a1
         1.0-1 = 1.0.post1
         1.0c1 = 1.0rc1
         1.0.PRE1 = 1.0rc1
         1!0.1 > 2.0
         v2.0 = 2.0
         1.0-r4 = 1.0.post4
         2.0.0 > 1.0.0",
    );
    for bad in ["invalid", "1.0-beta-", "2.0.x", "1..0", ""] {
        assert!(pypi.parse(bad).is_none(), "{bad}");
    }
}

/// RubyGems (`Gem::Version` docs and tests): letters make a pre-release, `-` means
/// `.pre.`, trailing zeros do not count.
#[test]
fn rubygems_order() {
    let gem = Scheme::Ecosystem(Ecosystem::RubyGems);
    ordered(
        gem,
        &[
            "1.0.a",
            "1.0.a.2",
            "1.0.a.10",
            "1.0.b1",
            "1.0.0-1",
            "1.0",
            "1.0.1",
            "4.0.0.beta1",
            "4.0.0.rc1",
            "4.0.0",
            "5.0.0.beta4",
            "5.0.0.racecar1",
            "5.0.0",
        ],
    );
    table(gem, "1.0 = 1.0.0.0\n1.0.a = 1.0.0.a\n0.9.4.1 < 0.9.5");
    for bad in ["invalid", "v3.1.1", "1..2"] {
        assert!(gem.parse(bad).is_none(), "{bad}");
    }
}

/// Pub (pub_semver): build metadata sorts after the plain version.
#[test]
fn pub_orders_builds() {
    let pub_ = Scheme::Ecosystem(Ecosystem::Pub);
    ordered(pub_, &["1.0.0-dev", "1.0.0", "1.0.0+1", "1.0.0+2", "1.0.1"]);
}

#[test]
fn schemes_never_compare_across() {
    let a = Scheme::Ecosystem(Ecosystem::Maven).parse("1.0").unwrap();
    let b = Scheme::Semver.parse("1.0.0").unwrap();
    assert_eq!(a.compare(&b), None);
}
