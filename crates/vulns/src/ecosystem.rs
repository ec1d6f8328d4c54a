//! The package ecosystems the gate matches, how their package URLs map to OSV package
//! names, and how names are normalised so the SBOM and the database meet.

use std::fmt;

/// An OSV ecosystem the gate knows how to order versions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Npm,
    PyPI,
    Maven,
    Go,
    CratesIo,
    RubyGems,
    NuGet,
    Packagist,
    Pub,
    Hex,
}

impl Ecosystem {
    /// Every ecosystem, in the order they are reported.
    pub const ALL: &'static [Ecosystem] = &[
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Maven,
        Ecosystem::Go,
        Ecosystem::CratesIo,
        Ecosystem::RubyGems,
        Ecosystem::NuGet,
        Ecosystem::Packagist,
        Ecosystem::Pub,
        Ecosystem::Hex,
    ];

    /// The OSV name, also the folder of its export (`<name>/all.zip`).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Maven => "Maven",
            Ecosystem::Go => "Go",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Pub => "Pub",
            Ecosystem::Hex => "Hex",
        }
    }

    /// The ecosystem of an OSV `package.ecosystem` (`Debian:11` style suffixes are not ours).
    pub fn from_osv(name: &str) -> Option<Self> {
        Ecosystem::ALL
            .iter()
            .copied()
            .find(|e| e.osv_name() == name)
    }

    /// The ecosystem of a package URL type (`pkg:<type>/…`).
    pub fn from_purl_type(kind: &str) -> Option<Self> {
        Some(match kind.to_ascii_lowercase().as_str() {
            "npm" => Ecosystem::Npm,
            "pypi" => Ecosystem::PyPI,
            "maven" => Ecosystem::Maven,
            "golang" => Ecosystem::Go,
            "cargo" => Ecosystem::CratesIo,
            "gem" => Ecosystem::RubyGems,
            "nuget" => Ecosystem::NuGet,
            "composer" => Ecosystem::Packagist,
            "pub" => Ecosystem::Pub,
            "hex" => Ecosystem::Hex,
            _ => return None,
        })
    }

    /// The name as both sides are compared: PEP 503 for PyPI, lower case where the
    /// registry is case-insensitive (NuGet, Packagist, Hex, Pub), as is elsewhere.
    pub fn normalize(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => pep503(name),
            Ecosystem::NuGet | Ecosystem::Packagist | Ecosystem::Hex | Ecosystem::Pub => {
                name.to_ascii_lowercase()
            }
            // npm names are lower case by rule; old mixed-case names stay as published.
            _ => name.to_owned(),
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// PEP 503: lower case, runs of `-`, `_` and `.` become one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            pending = true;
            continue;
        }
        if pending && !out.is_empty() {
            out.push('-');
        }
        pending = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// A package named by a package URL: ecosystem, OSV name, version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlPackage {
    pub ecosystem: Option<Ecosystem>,
    /// The purl type as written, for the count of unsupported ecosystems.
    pub kind: String,
    /// The name as OSV spells it (`@scope/name`, `group:artifact`, module path).
    pub name: String,
    pub version: Option<String>,
}

/// Parses `pkg:type/namespace/name@version?qualifiers#subpath` (percent-decoded). A Go
/// purl's subpath is part of the module path (`pkg:golang/github.com/jackc/pgx@v5.6.0#v5`
/// is module `github.com/jackc/pgx/v5`, https://github.com/google/osv.dev/issues/2972).
pub fn parse_purl(purl: &str) -> Option<PurlPackage> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let rest = rest.trim_start_matches('/');
    let (rest, subpath) = match rest.split_once('#') {
        Some((rest, subpath)) => (rest, Some(subpath.trim_matches('/'))),
        None => (rest, None),
    };
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let (kind, path) = rest.split_once('/')?;
    let (path, version) = match path.rfind('@') {
        Some(at) if at > 0 && path.rfind('/').is_none_or(|slash| at > slash) => {
            (&path[..at], Some(decode(&path[at + 1..])))
        }
        _ => (path, None),
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let (name, namespace) = segments.split_last()?;
    let ecosystem = Ecosystem::from_purl_type(kind);
    let name = match ecosystem {
        Some(Ecosystem::Maven) => match namespace {
            [] => name.clone(),
            namespace => format!("{}:{name}", namespace.join(".")),
        },
        Some(Ecosystem::Go) => {
            let mut module = namespace
                .iter()
                .chain([name])
                .cloned()
                .collect::<Vec<_>>()
                .join("/");
            if let Some(subpath) = subpath.filter(|s| !s.is_empty()) {
                module = format!("{module}/{}", decode(subpath));
            }
            module
        }
        _ => namespace
            .iter()
            .chain([name])
            .cloned()
            .collect::<Vec<_>>()
            .join("/"),
    };
    Some(PurlPackage {
        ecosystem,
        kind: kind.to_ascii_lowercase(),
        name,
        version: version.filter(|v| !v.is_empty()),
    })
}

/// Percent-decoding (invalid escapes stay as written).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_become_osv_names() {
        let cases = [
            ("pkg:npm/%40babel/core@7.0.0", "npm", "@babel/core", "7.0.0"),
            ("pkg:npm/lodash@4.17.15", "npm", "lodash", "4.17.15"),
            ("pkg:pypi/Django@3.2", "PyPI", "Django", "3.2"),
            (
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
                "Maven",
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
            ),
            (
                "pkg:golang/github.com/jackc/pgx@v5.6.0#v5",
                "Go",
                "github.com/jackc/pgx/v5",
                "v5.6.0",
            ),
            (
                "pkg:golang/golang.org/x/text@v0.3.5",
                "Go",
                "golang.org/x/text",
                "v0.3.5",
            ),
            ("pkg:cargo/regex@1.5.4", "crates.io", "regex", "1.5.4"),
            (
                "pkg:composer/laravel/framework@v8.0.0",
                "Packagist",
                "laravel/framework",
                "v8.0.0",
            ),
        ];
        for (purl, ecosystem, name, version) in cases {
            let parsed = parse_purl(purl).unwrap();
            assert_eq!(parsed.ecosystem.unwrap().osv_name(), ecosystem, "{purl}");
            assert_eq!(parsed.name, name, "{purl}");
            assert_eq!(parsed.version.as_deref(), Some(version), "{purl}");
        }
        let unknown = parse_purl("pkg:swift/github.com/a/b@1.0.0").unwrap();
        assert_eq!((unknown.ecosystem, unknown.kind.as_str()), (None, "swift"));
        assert!(parse_purl("npm/lodash").is_none());
    }

    #[test]
    fn pypi_names_normalise_per_pep_503() {
        assert_eq!(pep503("Django_REST.framework"), "django-rest-framework");
        assert_eq!(pep503("zope..interface"), "zope-interface");
        assert_eq!(Ecosystem::PyPI.normalize("PyYAML"), "pyyaml");
        assert_eq!(Ecosystem::Npm.normalize("JSONStream"), "JSONStream");
    }
}
