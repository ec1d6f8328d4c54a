//! Package URLs (purl spec): `pkg:type/namespace/name@version?qualifiers`, with the
//! per-type rules for names (PEP 503 for PyPI, lower case for npm, composer and hex) and
//! percent-encoding of every segment.

use crate::model::{Ecosystem, Package};

/// The purl of `package`.
pub fn format(package: &Package) -> String {
    let mut out = String::with_capacity(64);
    out.push_str("pkg:");
    out.push_str(package.ecosystem.as_str());
    out.push('/');
    if let Some(namespace) = &package.namespace {
        for segment in namespace.split('/').filter(|s| !s.is_empty()) {
            encode_into(&mut out, &normalize_case(package.ecosystem, segment));
            out.push('/');
        }
    }
    encode_into(&mut out, &normalize_name(package.ecosystem, &package.name));
    if !package.version.is_empty() {
        out.push('@');
        encode_into(&mut out, &package.version);
    }
    if !package.qualifiers.is_empty() {
        let mut qualifiers: Vec<&(String, String)> = package
            .qualifiers
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .collect();
        qualifiers.sort();
        for (index, (key, value)) in qualifiers.into_iter().enumerate() {
            out.push(if index == 0 { '?' } else { '&' });
            out.push_str(&key.to_ascii_lowercase());
            out.push('=');
            encode_into(&mut out, value);
        }
    }
    if let Some(subpath) = &package.subpath {
        let segments: Vec<&str> = subpath
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .collect();
        if !segments.is_empty() {
            out.push('#');
            for (index, segment) in segments.into_iter().enumerate() {
                if index > 0 {
                    out.push('/');
                }
                encode_into(&mut out, segment);
            }
        }
    }
    out
}

/// A name as its purl type wants it.
pub fn normalize_name(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Pypi => pep503(name),
        _ => normalize_case(ecosystem, name),
    }
}

fn normalize_case(ecosystem: Ecosystem, text: &str) -> String {
    match ecosystem {
        Ecosystem::Npm
        | Ecosystem::Composer
        | Ecosystem::Hex
        | Ecosystem::Pub
        | Ecosystem::Jsr
        | Ecosystem::Conda
        | Ecosystem::Github
        | Ecosystem::GithubActions => text.to_lowercase(),
        _ => text.to_owned(),
    }
}

/// PEP 503 normalised name: lower case, runs of `-`, `_` and `.` become one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

fn encode_into(out: &mut String, text: &str) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Package;

    #[test]
    fn npm_scopes_are_encoded_namespaces() {
        assert_eq!(
            Package::npm("@babel/core", "7.26.0").purl(),
            "pkg:npm/%40babel/core@7.26.0"
        );
        assert_eq!(
            Package::npm("JSONStream", "1.3.5").purl(),
            "pkg:npm/jsonstream@1.3.5"
        );
    }

    #[test]
    fn pypi_names_follow_pep_503() {
        assert_eq!(
            Package::new(Ecosystem::Pypi, "Zope.Interface__x", "5.0").purl(),
            "pkg:pypi/zope-interface-x@5.0"
        );
    }

    #[test]
    fn go_module_paths_keep_case_and_encode_plus() {
        let package = Package::with_path(
            Ecosystem::Golang,
            "github.com/BurntSushi/toml",
            "v2.0.0+incompatible",
        );
        assert_eq!(
            package.purl(),
            "pkg:golang/github.com/BurntSushi/toml@v2.0.0%2Bincompatible"
        );
    }

    #[test]
    fn qualifiers_are_sorted_and_encoded() {
        let mut package = Package::new(Ecosystem::Cargo, "reedline", "0.40.0");
        package.qualifiers = vec![
            (
                "vcs_url".into(),
                "git+https://github.com/nushell/reedline#abc".into(),
            ),
            ("download_url".into(), String::new()),
        ];
        assert_eq!(
            package.purl(),
            "pkg:cargo/reedline@0.40.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fnushell%2Freedline%23abc"
        );
    }
}
