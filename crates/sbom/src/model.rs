//! What a lockfile parser produces: a small graph of packages per lockfile, independent
//! of CycloneDX. `graph.rs` merges these; `bom.rs` turns the result into a BOM.

use std::fmt;

/// A package ecosystem, named as its purl type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Cargo,
    Cocoapods,
    Composer,
    Conda,
    Docker,
    Gem,
    Generic,
    Github,
    GithubActions,
    Golang,
    Hex,
    Jsr,
    Maven,
    Npm,
    Nuget,
    Pub,
    Pypi,
    Swift,
}

impl Ecosystem {
    /// The purl type.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Cocoapods => "cocoapods",
            Ecosystem::Composer => "composer",
            Ecosystem::Conda => "conda",
            Ecosystem::Docker => "docker",
            Ecosystem::Gem => "gem",
            Ecosystem::Generic => "generic",
            Ecosystem::Github => "github",
            Ecosystem::GithubActions => "githubactions",
            Ecosystem::Golang => "golang",
            Ecosystem::Hex => "hex",
            Ecosystem::Jsr => "jsr",
            Ecosystem::Maven => "maven",
            Ecosystem::Npm => "npm",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Pub => "pub",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Swift => "swift",
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hash algorithm a lockfile records, named as in CycloneDX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Alg {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    /// The CycloneDX `alg` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Alg::Md5 => "MD5",
            Alg::Sha1 => "SHA-1",
            Alg::Sha256 => "SHA-256",
            Alg::Sha384 => "SHA-384",
            Alg::Sha512 => "SHA-512",
        }
    }

    /// Length of the digest in hex characters.
    pub fn hex_len(self) -> usize {
        match self {
            Alg::Md5 => 32,
            Alg::Sha1 => 40,
            Alg::Sha256 => 64,
            Alg::Sha384 => 96,
            Alg::Sha512 => 128,
        }
    }

    /// The algorithm named `name` (`sha256`, `sha-256`, `SHA512`, …).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().replace('-', "").as_str() {
            "md5" => Some(Alg::Md5),
            "sha1" => Some(Alg::Sha1),
            "sha256" => Some(Alg::Sha256),
            "sha384" => Some(Alg::Sha384),
            "sha512" => Some(Alg::Sha512),
            _ => None,
        }
    }
}

/// A digest in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest {
    pub alg: Alg,
    pub hex: String,
}

impl Digest {
    /// A digest from hex text; `None` unless the length and characters fit the algorithm.
    pub fn hex(alg: Alg, hex: &str) -> Option<Self> {
        let hex = hex.trim().to_ascii_lowercase();
        (hex.len() == alg.hex_len() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then_some(Digest { alg, hex })
    }

    /// A digest from standard base64 (npm's Subresource Integrity, Go's `h1:`).
    pub fn base64(alg: Alg, text: &str) -> Option<Self> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?;
        Digest::hex(alg, &hex::encode(bytes))
    }

    /// An `alg:hex` or `alg-base64` pair (`sha256:ab…`, `sha512-q2…=`).
    pub fn parse_prefixed(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some((alg, value)) = text.split_once(':')
            && let Some(alg) = Alg::from_name(alg)
        {
            return Digest::hex(alg, value);
        }
        let (alg, value) = text.split_once('-')?;
        Digest::base64(Alg::from_name(alg)?, value)
    }

    /// npm's `integrity`: one or more space-separated SRI hashes; the strongest wins.
    pub fn integrity(text: &str) -> Vec<Self> {
        let mut digests: Vec<Digest> = text
            .split_whitespace()
            .filter_map(Digest::parse_prefixed)
            .collect();
        digests.sort();
        digests.dedup();
        digests
    }
}

/// Where a package comes from, beyond its registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The ecosystem's default registry.
    Registry,
    /// A download URL (a tarball, or a package in another registry).
    Url(String),
    /// A git repository, with the commit when the lockfile records it.
    Git { url: String, rev: Option<String> },
    /// A local path (first-party code).
    Path(String),
}

/// A package as one lockfile describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// Namespace (npm scope with `@`, Go module path prefix, composer vendor, Maven group).
    pub namespace: Option<String>,
    pub name: String,
    pub version: String,
    pub origin: Origin,
    pub hashes: Vec<Digest>,
    /// Declared licences (SPDX expressions or names), when the lockfile carries them.
    pub licenses: Vec<String>,
    /// purl qualifiers, sorted by key when written.
    pub qualifiers: Vec<(String, String)>,
    /// Downloadable files (wheels, sdists) with their own hash: `(url or file name, hash)`.
    pub distributions: Vec<(String, Digest)>,
    /// purl subpath (a reusable workflow or an action inside a repository).
    pub subpath: Option<String>,
}

impl Package {
    /// A registry package without hashes.
    pub fn new(ecosystem: Ecosystem, name: impl Into<String>, version: impl Into<String>) -> Self {
        Package {
            ecosystem,
            namespace: None,
            name: name.into(),
            version: version.into(),
            origin: Origin::Registry,
            hashes: Vec::new(),
            licenses: Vec::new(),
            qualifiers: Vec::new(),
            distributions: Vec::new(),
            subpath: None,
        }
    }

    /// An npm package from its full name (`@scope/name` or `name`).
    pub fn npm(full_name: &str, version: impl Into<String>) -> Self {
        let (namespace, name) = split_npm_name(full_name);
        let mut package = Package::new(Ecosystem::Npm, name, version);
        package.namespace = namespace.map(str::to_owned);
        package
    }

    /// A package whose name has `/`-separated namespace segments (Go, composer, swift).
    pub fn with_path(ecosystem: Ecosystem, path: &str, version: impl Into<String>) -> Self {
        let (namespace, name) = match path.rsplit_once('/') {
            Some((namespace, name)) => (Some(namespace.to_owned()), name),
            None => (None, path),
        };
        let mut package = Package::new(ecosystem, name, version);
        package.namespace = namespace;
        package
    }

    /// The package's full name as its ecosystem writes it (`@babel/core`, `github.com/a/b`,
    /// `org.slf4j:slf4j-api`).
    pub fn full_name(&self) -> String {
        match (&self.namespace, self.ecosystem) {
            (None, _) => self.name.clone(),
            (Some(ns), Ecosystem::Maven) => format!("{ns}:{}", self.name),
            (Some(ns), _) => format!("{ns}/{}", self.name),
        }
    }

    /// The package URL.
    pub fn purl(&self) -> String {
        crate::purl::format(self)
    }

    pub fn hash(mut self, digest: Option<Digest>) -> Self {
        self.hashes.extend(digest);
        self
    }

    pub fn origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// Marks the package as coming from a git repository, with the purl `vcs_url`
    /// qualifier the purl spec gives such sources: `git+URL@REVISION` (`git+URL` when
    /// the lockfile records no revision). `url` is without its `git+` prefix.
    pub fn set_git(&mut self, url: impl Into<String>, rev: Option<String>) {
        let url = url.into();
        let vcs = match &rev {
            Some(rev) => format!("git+{url}@{rev}"),
            None => format!("git+{url}"),
        };
        self.qualifiers.retain(|(key, _)| key != "vcs_url");
        self.qualifiers.push(("vcs_url".into(), vcs));
        self.origin = Origin::Git { url, rev };
    }

    /// Marks the package as downloaded from `url` (a tarball, not a registry), with the
    /// purl `download_url` qualifier.
    pub fn set_download(&mut self, url: impl Into<String>) {
        let url = url.into();
        self.qualifiers.retain(|(key, _)| key != "download_url");
        self.qualifiers.push(("download_url".into(), url.clone()));
        self.origin = Origin::Url(url);
    }

    /// Sets an origin as read from a lockfile: git and URL origins get their qualifier.
    pub fn set_origin(&mut self, origin: Origin) {
        match origin {
            Origin::Git { url, rev } => self.set_git(url, rev),
            Origin::Url(url) => self.set_download(url),
            other => self.origin = other,
        }
    }
}

/// Splits `@scope/name` into (`@scope`, `name`).
pub fn split_npm_name(full: &str) -> (Option<&str>, &str) {
    match full.strip_prefix('@').and_then(|_| full.split_once('/')) {
        Some((scope, name)) => (Some(scope), name),
        None => (None, full),
    }
}

/// A node of a lockfile's graph.
#[derive(Debug, Clone)]
pub struct Node {
    /// `None` for a lockfile's anonymous root (a requirements file, a project without a
    /// name): its dependencies become direct dependencies of the repository.
    pub package: Option<Package>,
    /// First-party code (the project itself, a workspace member).
    pub first_party: bool,
    /// Runtime dependencies, as node indices.
    pub deps: Vec<usize>,
    /// Development-only dependencies (only first-party nodes have them).
    pub dev_deps: Vec<usize>,
    /// Whether the lockfile itself marks the package development-only, when it says so.
    pub dev_hint: Option<bool>,
    /// Whether the lockfile itself says the package is a direct dependency (Go's
    /// `// indirect` says it is not).
    pub direct_hint: Option<bool>,
    /// 1-based line of the package in the lockfile, when known.
    pub line: Option<u64>,
}

impl Node {
    pub fn package(package: Package) -> Self {
        Node {
            package: Some(package),
            first_party: false,
            deps: Vec::new(),
            dev_deps: Vec::new(),
            dev_hint: None,
            direct_hint: None,
            line: None,
        }
    }

    /// A first-party node (the project or a workspace member); `None` for an anonymous one.
    pub fn root(package: Option<Package>) -> Self {
        Node {
            first_party: true,
            ..Node::package_opt(package)
        }
    }

    fn package_opt(package: Option<Package>) -> Self {
        Node {
            package,
            first_party: false,
            deps: Vec::new(),
            dev_deps: Vec::new(),
            dev_hint: None,
            direct_hint: None,
            line: None,
        }
    }
}

/// Something in a lockfile that deserves a finding but does not stop parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub line: Option<u64>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// A requirement that does not pin one version (`flask>=2`).
    Unpinned,
    /// An entry the parser could not understand and skipped.
    Skipped,
}

/// The graph one lockfile describes.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub notes: Vec<Note>,
    /// Further files the lockfile pulls in (`-r other.txt`), repository-relative.
    pub includes: Vec<String>,
    /// Read from a manifest that no lockfile pins (pom.xml, Gradle scripts, .csproj):
    /// the versions are the declared ones and transitive dependencies are unknown.
    pub unlocked: bool,
}

impl Graph {
    /// Adds a node and returns its index.
    pub fn add(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Adds a runtime edge, once, and never from a node to itself.
    pub fn edge(&mut self, from: usize, to: usize) {
        if from != to && !self.nodes[from].deps.contains(&to) {
            self.nodes[from].deps.push(to);
        }
    }

    /// Adds an anonymous root over the packages no other node depends on, for lockfiles
    /// that do not name the project's own requirements (pdm.lock, pylock.toml, conda-lock):
    /// a dev edge to those the lockfile marks development-only, a runtime edge otherwise.
    pub fn add_root_over_unrequired(&mut self) {
        let mut depended = vec![false; self.nodes.len()];
        for node in &self.nodes {
            for &to in node.deps.iter().chain(&node.dev_deps) {
                depended[to] = true;
            }
        }
        let mut root = Node::root(None);
        for (index, node) in self.nodes.iter().enumerate() {
            if depended[index] || node.first_party {
                continue;
            }
            if node.dev_hint == Some(true) {
                root.dev_deps.push(index);
            } else {
                root.deps.push(index);
            }
        }
        self.add(root);
    }

    pub fn note(&mut self, kind: NoteKind, line: Option<u64>, message: impl Into<String>) {
        self.notes.push(Note {
            kind,
            line,
            message: message.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_becomes_hex() {
        let digests = Digest::integrity(
            "sha512-q2SjB+L2g5S3YhW/eC6jwgd6kdJVdzXmc0zCLx6bJgqBAxxUNHJb+VD5hOC5Y0ynqJ4EXRoE4Z8r2JbaBcBlJw==",
        );
        assert_eq!(digests.len(), 1);
        assert_eq!(digests[0].alg, Alg::Sha512);
        assert_eq!(digests[0].hex.len(), 128);
        assert!(Digest::integrity("sha512-notbase64!").is_empty());
        assert_eq!(
            Digest::parse_prefixed(
                "sha256:0c4ee35b7ed6c1bc6f2fb3d6e0b1c9e3c44b0e3b0ca8e6c6cf2d59d53a4ebd5e"
            )
            .map(|d| d.alg),
            Some(Alg::Sha256)
        );
        assert_eq!(Digest::parse_prefixed("sha256:short"), None);
    }

    #[test]
    fn npm_names_split_on_the_scope() {
        assert_eq!(split_npm_name("@babel/core"), (Some("@babel"), "core"));
        assert_eq!(split_npm_name("lodash"), (None, "lodash"));
        assert_eq!(split_npm_name("@broken"), (None, "@broken"));
        assert_eq!(
            Package::npm("@babel/core", "7.0.0").full_name(),
            "@babel/core"
        );
    }
}
