//! The audit registry: every rule the gate applies, and one audit per family of files
//! (Dockerfile, compose, Kubernetes, Terraform, repository hygiene), each in its own file.
//! An audit reads the loaded repository ([`Cx`]) and pushes findings built from its
//! rules, each at file:line:column with a fix; the gate runs them all and applies the
//! policy.

mod compose;
mod dockerfile;
mod hygiene;
mod kubernetes;
mod terraform;

use signoff_core::report::Finding;

use crate::load::Repo;
use crate::model::Pos;

signoff_core::rules! {
    /// Every rule of the infra gate.
    pub enum Rule {
        DockerUnpinnedBase = ("docker-unpinned-base", Severity::High, "A base image is `:latest`, untagged, or not pinned by digest"),
        DockerRootUser = ("docker-root-user", Severity::High, "The final stage runs as root: no `USER`, or `USER root`"),
        DockerNoHealthcheck = ("docker-no-healthcheck", Severity::Low, "The image has no `HEALTHCHECK`"),
        DockerShellForm = ("docker-shell-form", Severity::Low, "`CMD` or `ENTRYPOINT` in shell form: signals do not reach the process"),
        DockerBuildTools = ("docker-build-tools", Severity::Medium, "Compilers or build tools are installed in the runtime stage"),
        DockerCurlPipeShell = ("docker-curl-pipe-shell", Severity::High, "A download is piped straight into a shell"),
        DockerAddUrl = ("docker-add-url", Severity::Medium, "`ADD` fetches a URL: unverified, and cached by its name"),
        DockerAptRecommends = ("docker-apt-recommends", Severity::Low, "`apt-get install` without `--no-install-recommends`"),
        DockerSecretInBuild = ("docker-secret-in-build", Severity::High, "A secret is passed through `ENV` or `ARG`, where the image keeps it"),
        DockerCopyContext = ("docker-copy-context", Severity::Medium, "`COPY . .` with no `.dockerignore`, or one that lets `.env*`, `.git` or keys in"),
        ComposePrivileged = ("compose-privileged", Severity::High, "A compose service runs privileged"),
        ComposeDockerSocket = ("compose-docker-socket", Severity::Critical, "A compose service mounts the Docker socket"),
        ComposeHostNamespace = ("compose-host-namespace", Severity::High, "A compose service shares the host's network, PID or IPC namespace"),
        ComposeUnpinnedImage = ("compose-unpinned-image", Severity::Medium, "A compose image is `:latest`, untagged, or not pinned by digest"),
        ComposeMissingHealthcheck = ("compose-missing-healthcheck", Severity::Medium, "`depends_on` waits for `service_healthy`, but that service has no healthcheck"),
        ComposeNoResourceLimits = ("compose-no-resource-limits", Severity::Low, "A compose service has no memory or CPU limit"),
        ComposeDefaultCredential = ("compose-default-credential", Severity::High, "A credential falls back to a default value (`${DB_PASSWORD:-…}`)"),
        K8sRunAsRoot = ("k8s-run-as-root", Severity::Medium, "A container may run as root: no `runAsNonRoot: true` or non-zero `runAsUser`"),
        K8sPrivilegeEscalation = ("k8s-privilege-escalation", Severity::Medium, "A container does not set `allowPrivilegeEscalation: false`"),
        K8sWritableRootFs = ("k8s-writable-root-fs", Severity::Low, "A container's root filesystem is writable (`readOnlyRootFilesystem` is not true)"),
        K8sCapabilities = ("k8s-capabilities", Severity::Low, "A container does not drop ALL capabilities"),
        K8sPrivileged = ("k8s-privileged", Severity::High, "A container runs privileged"),
        K8sHostPath = ("k8s-host-path", Severity::High, "A pod mounts a hostPath volume"),
        K8sHostNamespace = ("k8s-host-namespace", Severity::High, "A pod shares the host's network, PID or IPC namespace"),
        K8sUnpinnedImage = ("k8s-unpinned-image", Severity::Medium, "A container image is `:latest`, untagged, or not pinned by digest"),
        K8sNoResources = ("k8s-no-resources", Severity::Low, "A container has no resource requests or limits"),
        K8sNoProbes = ("k8s-no-probes", Severity::Low, "A long-running container has no liveness or readiness probe"),
        K8sPlainSecret = ("k8s-plain-secret", Severity::High, "A `Secret` manifest with its data is in the repository"),
        K8sNoNetworkPolicy = ("k8s-no-network-policy", Severity::Low, "Workloads are deployed, but no NetworkPolicy restricts their traffic"),
        K8sNoPdb = ("k8s-no-pdb", Severity::Low, "A replicated workload has no PodDisruptionBudget"),
        K8sNamespaceNoPsa = ("k8s-namespace-no-psa", Severity::Medium, "A Namespace has no Pod Security Admission `enforce` label"),
        TfNoRemoteBackend = ("tf-no-remote-backend", Severity::Medium, "A Terraform root module keeps its state locally"),
        TfBackendUnlocked = ("tf-backend-unlocked", Severity::Medium, "The S3 backend has no state locking or no encryption"),
        TfNoVersionConstraints = ("tf-no-version-constraints", Severity::Low, "No `required_version`, or a provider without a version constraint"),
        TfUnpinnedModule = ("tf-unpinned-module", Severity::Medium, "A module source is not pinned to a version or a ref"),
        TfSecretVariable = ("tf-secret-variable", Severity::Medium, "A variable named like a secret is not `sensitive`, or has a literal default"),
        TfProviderCredentials = ("tf-provider-credentials", Severity::Critical, "A provider's credentials are written in the code"),
        TfUnencryptedStorage = ("tf-unencrypted-storage", Severity::High, "A database, disk or file system is not encrypted at rest"),
        TfPublicStorage = ("tf-public-storage", Severity::High, "A bucket, container or database is open to the public"),
        EnvFileCommitted = ("env-file-committed", Severity::High, "A `.env` file is in the repository"),
        EnvNotIgnored = ("env-not-ignored", Severity::Low, "`.gitignore` does not exclude `.env` files"),
        EnvExampleMissing = ("env-example-missing", Severity::Low, "Compose files read environment variables, but no `.env.example` documents them"),
        InvalidFile = ("invalid-file", Severity::High, "A Dockerfile, compose file, manifest or Terraform file cannot be read as one"),
    }
}

/// Rules whose finding is about a value (a credential): left to the secret scan when it
/// reports the same lines.
pub(crate) const VALUE_RULES: &[Rule] = &[
    Rule::DockerSecretInBuild,
    Rule::ComposeDefaultCredential,
    Rule::K8sPlainSecret,
    Rule::TfSecretVariable,
    Rule::TfProviderCredentials,
];

/// What an audit sees.
pub(crate) struct Cx<'a> {
    pub repo: &'a Repo,
}

/// One audit: a family of related rules.
pub(crate) trait Audit: Sync {
    /// The rules it reports.
    fn rules(&self) -> &'static [Rule];
    /// Pushes its findings.
    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>);
}

/// Every audit, in report order.
pub(crate) static AUDITS: &[&dyn Audit] = &[
    &dockerfile::Dockerfiles,
    &compose::Compose,
    &kubernetes::Kubernetes,
    &terraform::Terraform,
    &hygiene::Hygiene,
];

/// A finding of `rule` at `pos` of `path`; `identity` keeps its fingerprint stable when
/// lines move.
pub(crate) fn at(
    rule: Rule,
    path: &str,
    pos: Pos,
    identity: &[&str],
) -> signoff_core::finding::FindingBuilder {
    let mut builder = Finding::new(rule).at(path, u64::from(pos.line));
    if pos.line > 0 && pos.column > 0 {
        builder = builder.column(u64::from(pos.column));
    }
    for part in identity {
        builder = builder.identity(*part);
    }
    builder
}

/// Whether a name (`DB_PASSWORD`, `apiKey`, `client_secret`) names a secret, and not a
/// path, a name or a setting about one (`PASSWORD_FILE`, `TOKEN_TTL`, `SECRET_NAME`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    const NOT: &[&str] = &[
        "file",
        "path",
        "dir",
        "url",
        "uri",
        "name",
        "user",
        "username",
        "id",
        "length",
        "len",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "endpoint",
        "header",
        "type",
        "enabled",
        "policy",
        "rotation",
        "version",
        "arn",
        "ref",
        "key_id",
        "count",
        "min",
        "max",
        "secret_name",
        "provider",
        "mode",
        "method",
        "field",
        "param",
        "prefix",
        "env",
        "location",
        "store",
        "manager",
        "vault",
        "hash",
        "salt",
        "ssm",
        "kms",
        "length",
    ];
    if NOT.contains(&last.as_str()) {
        return false;
    }
    let has = |w: &str| words.iter().any(|x| x == w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    has("password")
        || has("passwd")
        || has("pwd")
        || has("secret")
        || has("token")
        || has("apikey")
        || has("credential")
        || has("credentials")
        || pair("api", "key")
        || pair("private", "key")
        || pair("access", "key")
        || pair("secret", "key")
        || pair("auth", "key")
        || (has("pass") && words.len() > 1)
}

/// The lower-case words of a snake, kebab or camel case name.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use signoff_core::finding::Rule as _;

    use super::*;

    #[test]
    fn every_rule_belongs_to_exactly_one_audit() {
        for rule in Rule::ALL {
            let owners = AUDITS
                .iter()
                .filter(|audit| audit.rules().contains(rule))
                .count();
            assert_eq!(owners, 1, "{}", rule.id());
        }
    }

    #[test]
    fn rule_list() {
        let list: Vec<String> = Rule::ALL
            .iter()
            .map(|r| {
                format!(
                    "{:<28} {:<8} {}",
                    r.id(),
                    r.default_severity().as_str(),
                    r.description()
                )
            })
            .collect();
        insta::assert_snapshot!(list.join("\n"));
    }

    #[test]
    fn secret_names() {
        for yes in [
            "DB_PASSWORD",
            "apiKey",
            "client_secret",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "db-pass",
            "PRIVATE_KEY",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "POSTGRES_PASSWORD_FILE",
            "TOKEN_TTL",
            "secret_name",
            "PASSWORD_LENGTH",
            "PORT",
            "tokenizer",
            "pass",
            "KEY_ID",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }
}
