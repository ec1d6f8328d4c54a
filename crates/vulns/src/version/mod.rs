//! Version ordering per ecosystem, as OSV defines it: semver for npm, crates.io, Hex and
//! Go (pseudo-versions and `+incompatible` included), PEP 440 for PyPI, Maven's version
//! order, RubyGems, NuGet, Composer (PHP `version_compare`) and Pub. A version that does
//! not parse is `None`: the caller counts it as not matched and never guesses.

mod composer;
mod maven;
mod nuget;
mod pep440;
mod rubygems;
pub(crate) mod semver;

use std::cmp::Ordering;

use crate::ecosystem::Ecosystem;

/// A parsed version of one ecosystem's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Version {
    Semver(semver::Semver),
    Pep440(pep440::Pep440),
    Maven(maven::Maven),
    Gem(rubygems::Gem),
    NuGet(nuget::NuGet),
    Composer(composer::Composer),
}

/// Which ordering a range uses: the ecosystem's own (`ECOSYSTEM`) or semver (`SEMVER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Ecosystem(Ecosystem),
    Semver,
}

impl Scheme {
    /// Parses `text` in this scheme; `None` when it is not a version of the scheme.
    pub(crate) fn parse(self, text: &str) -> Option<Version> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match self {
            Scheme::Semver => semver::Semver::parse(text, false).map(Version::Semver),
            Scheme::Ecosystem(ecosystem) => match ecosystem {
                Ecosystem::Npm | Ecosystem::CratesIo | Ecosystem::Hex | Ecosystem::Go => {
                    semver::Semver::parse(text, false).map(Version::Semver)
                }
                Ecosystem::Pub => semver::Semver::parse(text, true).map(Version::Semver),
                Ecosystem::PyPI => pep440::Pep440::parse(text).map(Version::Pep440),
                Ecosystem::Maven => maven::Maven::parse(text).map(Version::Maven),
                Ecosystem::RubyGems => rubygems::Gem::parse(text).map(Version::Gem),
                Ecosystem::NuGet => nuget::NuGet::parse(text).map(Version::NuGet),
                Ecosystem::Packagist => composer::Composer::parse(text).map(Version::Composer),
            },
        }
    }
}

impl Version {
    /// Orders two versions of the same scheme; `None` across schemes (never compared).
    pub(crate) fn compare(&self, other: &Version) -> Option<Ordering> {
        Some(match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Pep440(a), Version::Pep440(b)) => a.cmp(b),
            (Version::Maven(a), Version::Maven(b)) => a.cmp(b),
            (Version::Gem(a), Version::Gem(b)) => a.cmp(b),
            (Version::NuGet(a), Version::NuGet(b)) => a.cmp(b),
            (Version::Composer(a), Version::Composer(b)) => a.cmp(b),
            _ => return None,
        })
    }
}

/// Compares digit strings of any length by value (`007` = `7`), without overflow.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tables;
