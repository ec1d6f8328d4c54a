//! `uses:` references: a local action or workflow (`./path`), a Docker image
//! (`docker://image:tag`), or a repository action or reusable workflow
//! (`owner/repo[/path]@ref`), with how firmly the ref pins what runs.

/// A parsed `uses:` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Uses<'a> {
    /// `./path` in this repository.
    Local(&'a str),
    /// `docker://image[:tag][@digest]`.
    Docker(&'a str),
    /// `owner/repo[/path]@ref`.
    Repo {
        owner: &'a str,
        repo: &'a str,
        path: Option<&'a str>,
        git_ref: Option<&'a str>,
    },
}

/// How a ref pins the code it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pin {
    /// A full 40-hex commit SHA: immutable.
    Sha,
    /// A version tag (`v4`, `v1.2.3`): movable by the action's owner.
    Tag,
    /// A branch or other symbolic ref (`main`, `latest`, a short SHA): moves on every push.
    Branch,
    /// No ref at all.
    Missing,
}

impl<'a> Uses<'a> {
    /// Parses a `uses:` value; `None` for an empty or expression value.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() || text.contains("${{") {
            return None;
        }
        if text.starts_with("./") || text.starts_with("../") || text == "." {
            return Some(Uses::Local(text));
        }
        // `$/path`: this repository at the same commit, like `./path`.
        if let Some(rest) = text.strip_prefix("$/") {
            return Some(Uses::Local(rest));
        }
        if let Some(image) = text.strip_prefix("docker://") {
            return Some(Uses::Docker(image));
        }
        let (name, git_ref) = match text.rsplit_once('@') {
            Some((name, git_ref)) => (name, Some(git_ref).filter(|r| !r.is_empty())),
            None => (text, None),
        };
        let mut parts = name.splitn(3, '/');
        let owner = parts.next().filter(|p| !p.is_empty())?;
        let repo = parts.next().filter(|p| !p.is_empty())?;
        let path = parts.next().filter(|p| !p.is_empty());
        Some(Uses::Repo {
            owner,
            repo,
            path,
            git_ref,
        })
    }

    /// `owner/repo[/path]`, lower-cased, for looking actions up in tables.
    pub(crate) fn slug(&self) -> String {
        match self {
            Uses::Repo {
                owner, repo, path, ..
            } => match path {
                Some(path) => format!("{owner}/{repo}/{path}"),
                None => format!("{owner}/{repo}"),
            }
            .to_ascii_lowercase(),
            Uses::Local(path) => path.to_string(),
            Uses::Docker(image) => image.to_string(),
        }
    }

    /// How the ref pins a repository reference.
    pub(crate) fn pin(&self) -> Option<Pin> {
        let Uses::Repo { git_ref, .. } = self else {
            return None;
        };
        Some(match git_ref {
            None => Pin::Missing,
            Some(r) if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) => Pin::Sha,
            Some(r) if is_version(r) => Pin::Tag,
            Some(_) => Pin::Branch,
        })
    }

    /// Whether GitHub (`actions/*`, `github/*`) publishes the action.
    pub(crate) fn is_first_party(&self) -> bool {
        matches!(self, Uses::Repo { owner, .. } if owner.eq_ignore_ascii_case("actions") || owner.eq_ignore_ascii_case("github"))
    }
}

/// `v4`, `v1.2`, `1.2.3`, `v2.0.0-beta.1`, `release-1.4`… read as version tags.
pub(crate) fn is_version(text: &str) -> bool {
    let rest = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .or_else(|| text.strip_prefix("release-"))
        .unwrap_or(text);
    let numeric: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    !numeric.is_empty() && numeric.starts_with(|c: char| c.is_ascii_digit()) && {
        let tail = &rest[numeric.len()..];
        tail.is_empty() || tail.starts_with(['-', '+'])
    }
}

/// An image reference `name[:tag][@sha256:…]`, read for how firmly it pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Image<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> Image<'a> {
    pub(crate) fn parse(text: &'a str) -> Self {
        let text = text.trim();
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (text, None),
        };
        // A `:` after the last `/` separates the tag; one before it is a registry port.
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        match rest[slash..].rfind(':') {
            Some(colon) => Image {
                name: &rest[..slash + colon],
                tag: Some(&rest[slash + colon + 1..]),
                digest,
            },
            None => Image {
                name: rest,
                tag: None,
                digest,
            },
        }
    }

    /// Whether the tag is one that moves: none, `latest`, or a branch-like name.
    pub(crate) fn tag_is_mutable(&self) -> bool {
        match self.tag {
            None => true,
            Some(tag) => MUTABLE_TAGS.contains(&tag.to_ascii_lowercase().as_str()),
        }
    }
}

/// Tags that name a moving target rather than one build.
pub(crate) const MUTABLE_TAGS: &[&str] = &[
    "latest",
    "main",
    "master",
    "develop",
    "dev",
    "development",
    "staging",
    "stage",
    "prod",
    "production",
    "stable",
    "edge",
    "nightly",
    "head",
    "current",
    "release",
    "test",
    "next",
    "canary",
    "beta",
    "alpha",
    "lts",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            Uses::parse("./.github/actions/setup"),
            Some(Uses::Local("./.github/actions/setup"))
        );
        assert_eq!(
            Uses::parse("docker://alpine:3.20"),
            Some(Uses::Docker("alpine:3.20"))
        );
        let repo = Uses::parse("github/codeql-action/init@v3").unwrap();
        assert_eq!(repo.slug(), "github/codeql-action/init");
        assert_eq!(repo.pin(), Some(Pin::Tag));
        assert!(repo.is_first_party());
        assert_eq!(Uses::parse("a/b@main").unwrap().pin(), Some(Pin::Branch));
        assert_eq!(Uses::parse("a/b").unwrap().pin(), Some(Pin::Missing));
        assert_eq!(
            Uses::parse("a/b@0123456789abcdef0123456789abcdef01234567")
                .unwrap()
                .pin(),
            Some(Pin::Sha)
        );
        assert_eq!(Uses::parse("a/b@abc1234").unwrap().pin(), Some(Pin::Branch));
        assert_eq!(Uses::parse("${{ matrix.action }}"), None);
    }

    #[test]
    fn versions_and_images() {
        for tag in ["v4", "v1.2.3", "1.0", "v2.0.0-beta.1", "release-1.4"] {
            assert!(is_version(tag), "{tag}");
        }
        for tag in ["main", "latest", "vnext", "v", "stable-1"] {
            assert!(!is_version(tag), "{tag}");
        }
        let image = Image::parse("registry:5000/team/app:1.2@sha256:abc");
        assert_eq!(
            (image.name, image.tag, image.digest),
            ("registry:5000/team/app", Some("1.2"), Some("sha256:abc"))
        );
        assert!(Image::parse("registry:5000/app").tag_is_mutable());
        assert!(Image::parse("postgres:latest").tag_is_mutable());
        assert!(!Image::parse("postgres:16").tag_is_mutable());
    }
}
