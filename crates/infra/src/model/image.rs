//! Image references (`registry/name:tag@sha256:…`) and how well they are pinned.

/// How an image reference is pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// `@sha256:…`: immutable.
    Digest,
    /// A tag other than `latest`: mutable, but named.
    Tag,
    /// `:latest`.
    Latest,
    /// No tag: Docker pulls `latest`.
    Untagged,
    /// A variable decides (`${TAG}`): cannot be judged.
    Variable,
}

impl Pin {
    /// The kind, as findings record it (`details.pin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Pin::Digest => "digest",
            Pin::Tag => "tag",
            Pin::Latest => "latest",
            Pin::Untagged => "untagged",
            Pin::Variable => "variable",
        }
    }
}

/// The severity of an image reference pinned this way, for compose files and manifests:
/// none for a digest, medium for `latest` or no tag, low for a tag alone, and info for a
/// variable: the gate says it could not judge that image rather than pass over it.
pub fn severity(pin: Pin) -> Option<signoff_core::report::Severity> {
    use signoff_core::report::Severity;
    match pin {
        Pin::Digest => None,
        Pin::Variable => Some(Severity::Info),
        Pin::Latest | Pin::Untagged => Some(Severity::Medium),
        Pin::Tag => Some(Severity::Low),
    }
}

/// The image's repository, without its tag or digest: `localhost:5000/web` of
/// `localhost:5000/web:1.2@sha256:…` (the tag follows the last `:` after the last `/`,
/// since a registry may carry a port).
pub fn name(image: &str) -> &str {
    let repository = image.split('@').next().unwrap_or(image);
    let last = repository.rfind('/').map_or(0, |slash| slash + 1);
    match repository[last..].rfind(':') {
        Some(colon) => &repository[..last + colon],
        None => repository,
    }
}

/// How `image` is pinned.
pub fn pin(image: &str) -> Pin {
    if image.contains('@') {
        return Pin::Digest;
    }
    if image.contains('$') || image.contains("{{") {
        return Pin::Variable;
    }
    // The tag follows the last `:` after the last `/` (a registry may carry a port).
    let name = image.rsplit('/').next().unwrap_or(image);
    match name.rsplit_once(':') {
        Some((_, "latest")) => Pin::Latest,
        Some((_, tag)) if !tag.is_empty() => Pin::Tag,
        _ => Pin::Untagged,
    }
}

/// `image` with its `${VAR}`, `${VAR:-default}` and `$VAR` replaced from `vars` (or by
/// their default); unknown variables stay.
pub fn substitute(image: &str, vars: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = image;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, default, used) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => {
                    let body = &inner[..end];
                    let (name, default) = match body.split_once(":-") {
                        Some((n, d)) => (n, Some(d)),
                        None => (body, None),
                    };
                    (name, default, end + 2)
                }
                None => {
                    out.push('$');
                    rest = after;
                    continue;
                }
            }
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..len], None, len)
        };
        match vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, value)) if !value.is_empty() => out.push_str(value),
            _ => match default {
                Some(d) => out.push_str(d),
                None => {
                    out.push('$');
                    out.push_str(&after[..used.min(after.len())]);
                }
            },
        }
        rest = &after[used.min(after.len())..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins() {
        assert_eq!(pin("alpine"), Pin::Untagged);
        assert_eq!(pin("alpine:latest"), Pin::Latest);
        assert_eq!(pin("localhost:5000/app"), Pin::Untagged);
        assert_eq!(pin("localhost:5000/app:1.2"), Pin::Tag);
        assert_eq!(pin("alpine:3.20@sha256:abc"), Pin::Digest);
        assert_eq!(
            name("localhost:5000/web:1.2@sha256:ab"),
            "localhost:5000/web"
        );
        assert_eq!(name("ghcr.io/acme/web"), "ghcr.io/acme/web");
        assert_eq!(name("redis:7"), "redis");
        assert_eq!(name("frontend"), "frontend");
        assert_eq!(pin("node:${NODE}"), Pin::Variable);
    }

    #[test]
    fn substitutes_variables() {
        let vars = vec![("V".to_owned(), "1.2".to_owned())];
        assert_eq!(substitute("node:${V}", &vars), "node:1.2");
        assert_eq!(substitute("node:$V-slim", &vars), "node:1.2-slim");
        assert_eq!(substitute("node:${X:-20}", &vars), "node:20");
        assert_eq!(substitute("node:${X}", &vars), "node:${X}");
        assert_eq!(substitute("a${", &vars), "a${");
    }
}
