//! Compose file audits: privileged services, the Docker socket, host namespaces, unpinned
//! images, `depends_on: service_healthy` on a service with no healthcheck, missing
//! resource limits, and credentials that fall back to a default (`${DB_PASSWORD:-…}`).
//! Hard-coded credentials themselves belong to the secret scan.

use std::sync::LazyLock;

use regex::Regex;
use signoff_core::report::Finding;

use super::{Audit, Cx, Rule, at, is_secret_name};
use crate::model::image::{self, Pin};
use crate::model::{Node, YamlFile};
use signoff_core::yaml::tree::Value;

pub(crate) struct Compose;

impl Audit for Compose {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::ComposePrivileged,
            Rule::ComposeDockerSocket,
            Rule::ComposeHostNamespace,
            Rule::ComposeUnpinnedImage,
            Rule::ComposeMissingHealthcheck,
            Rule::ComposeNoResourceLimits,
            Rule::ComposeDefaultCredential,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for file in &cx.repo.compose {
            for doc in &file.docs {
                let Some(services) = doc.get("services") else {
                    continue;
                };
                for (name, service) in services.entries() {
                    service_rules(cx, file, services, &name.text, service, out);
                    default_credentials(&file.path, &name.text, service, None, out);
                }
            }
        }
    }
}

fn service_rules(
    cx: &Cx<'_>,
    file: &YamlFile,
    services: &Node,
    name: &str,
    service: &Node,
    out: &mut Vec<Finding>,
) {
    let path = &file.path;
    if let Some(entry) = service.entry("privileged")
        && entry.value.is_true()
    {
        out.push(
            at(Rule::ComposePrivileged, path, entry.key.pos, &[name])
                .message(format!("service `{name}` runs privileged: it has every capability and the host's devices, so escaping the container is trivial"))
                .help("remove `privileged: true` and grant only what the service needs: `cap_add: [NET_ADMIN]`, `devices: [/dev/fuse]`")
                .build(),
        );
    }
    for volume in service.get("volumes").map(Node::items).unwrap_or_default() {
        let source = match volume.as_str() {
            Some(short) => short.split(':').next().unwrap_or(short).to_owned(),
            None => volume
                .get("source")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_owned(),
        };
        if source.ends_with("docker.sock") {
            out.push(
                at(Rule::ComposeDockerSocket, path, volume.pos, &[name, &source])
                    .message(format!("service `{name}` mounts the Docker socket `{source}`: whoever controls the service controls the host"))
                    .help("remove the mount; if the service must start containers, put a socket proxy with a narrow allow-list in between (e.g. tecnativa/docker-socket-proxy with `CONTAINERS=1` only)")
                    .build(),
            );
        }
    }
    for key in ["network_mode", "pid", "ipc"] {
        if let Some(entry) = service.entry(key)
            && entry.value.as_str() == Some("host")
        {
            out.push(
                at(Rule::ComposeHostNamespace, path, entry.key.pos, &[name, key])
                    .message(format!("service `{name}` sets `{key}: host`: it shares the host's namespace, bypassing the container's isolation"))
                    .help(if key == "network_mode" {
                        "remove it and publish only the ports needed: `ports: [\"127.0.0.1:8080:8080\"]`"
                    } else {
                        "remove it; the service gets its own namespace"
                    })
                    .build(),
            );
        }
    }
    // With `pull_policy: never` or `build`, `image:` names an image that is built here (its
    // Dockerfile's `FROM` is judged as a Dockerfile) or already local, never pulled. With
    // `build:` alone compose still tries a pull first, so that is judged like any image.
    let pulled = !matches!(
        service.get("pull_policy").and_then(Node::as_str),
        Some("never" | "build")
    );
    if pulled
        && let Some(node) = service.get("image")
        && let Some(written) = node.as_str()
    {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let vars = cx.repo.env_vars.get(dir).map_or(&[][..], Vec::as_slice);
        let resolved = image::substitute(written, vars);
        let pin = image::pin(&resolved);
        // What the `.env` beside the file makes of a variable, for the message.
        let shown = if resolved == written {
            format!("`{written}`")
        } else {
            format!("`{written}` (`{resolved}` from `.env`)")
        };
        let severity = image::severity(pin);
        if let Some(severity) = severity {
            out.push(
                at(Rule::ComposeUnpinnedImage, path, node.pos, &[name, written])
                    .severity(severity)
                    .message(match pin {
                        Pin::Tag => format!("service `{name}` uses {shown}, pinned by a tag only; tags are moved"),
                        Pin::Variable => format!("service `{name}` takes its image from `{written}`, a variable with no default here, so its pin is not judged"),
                        _ => format!("service `{name}` uses {shown}, which pulls whatever `latest` is that day"),
                    })
                    .help(if pin == Pin::Variable {
                        "give the variable a pinned default (`${IMAGE:-<image>:<version>@sha256:<digest>}`), or check that whoever sets it pins by digest".to_owned()
                    } else {
                        format!("pin the image by version and digest: `image: {}:<version>@sha256:<digest>`", image::name(&resolved))
                    })
                    .detail("pin", pin.as_str())
                    .build(),
            );
        }
    }
    if let Some(depends) = service.get("depends_on") {
        for (target, condition) in depends.entries() {
            let Some(value) = condition.get("condition") else {
                continue;
            };
            if value.as_str() != Some("service_healthy") {
                continue;
            }
            let Some(other) = services.get(&target.text) else {
                continue;
            };
            if has_healthcheck(cx, file, other) {
                continue;
            }
            out.push(
                at(Rule::ComposeMissingHealthcheck, path, value.pos, &[name, &target.text])
                    .message(format!("service `{name}` waits for `{}` to be healthy, but `{}` has no healthcheck, so `docker compose up` fails or waits for nothing", target.text, target.text))
                    .help(format!("give `{}` a healthcheck:\n  healthcheck:\n    test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]\n    interval: 10s\n    retries: 5", target.text))
                    .build(),
            );
        }
    }
    let limited = service.get("mem_limit").is_some()
        || service.get("cpus").is_some()
        || service
            .get("deploy")
            .and_then(|d| d.get("resources"))
            .and_then(|r| r.get("limits"))
            .is_some();
    if !limited {
        let key_pos = services
            .entry(name)
            .map_or(service.pos, |entry| entry.key.pos);
        out.push(
            at(Rule::ComposeNoResourceLimits, path, key_pos, &[name])
                .message(format!("service `{name}` has no memory or CPU limit: one runaway container starves the others"))
                .help("set limits:\n  deploy:\n    resources:\n      limits: {cpus: \"1.0\", memory: 512M}")
                .build(),
        );
    }
}

/// Whether a service has a healthcheck of its own, or builds from a Dockerfile in the
/// repository that has one.
fn has_healthcheck(cx: &Cx<'_>, file: &YamlFile, service: &Node) -> bool {
    if let Some(check) = service.get("healthcheck") {
        return !check.get("disable").is_some_and(Node::is_true);
    }
    let Some(build) = service.get("build") else {
        return false;
    };
    let (context, dockerfile) = match build.as_str() {
        Some(context) => (context.to_owned(), "Dockerfile".to_owned()),
        None => (
            build
                .get("context")
                .and_then(Node::as_str)
                .unwrap_or(".")
                .to_owned(),
            build
                .get("dockerfile")
                .and_then(Node::as_str)
                .unwrap_or("Dockerfile")
                .to_owned(),
        ),
    };
    let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
    let wanted = normalize(&format!("{dir}/{context}/{dockerfile}"));
    cx.repo.dockerfiles.iter().any(|d| {
        d.path == wanted
            && d.file
                .instructions
                .iter()
                .any(|i| i.keyword == "HEALTHCHECK" && !i.args.trim().eq_ignore_ascii_case("none"))
    })
}

/// `a/./b/../c` → `a/c`, without a leading `/`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// `${NAME:-default}`, `${NAME-default}`.
static FALLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^}$]+)\}").expect("valid regex")
});

/// Every scalar of a service whose variable or key names a secret and falls back to a
/// literal default.
fn default_credentials(
    path: &str,
    service: &str,
    node: &Node,
    key: Option<&str>,
    out: &mut Vec<Finding>,
) {
    match &node.value {
        Value::Scalar { text, .. } => {
            for found in FALLBACK.captures_iter(text) {
                let (Some(whole), Some(var), Some(default)) =
                    (found.get(0), found.get(1), found.get(2))
                else {
                    continue;
                };
                let env_key = key.or_else(|| text.split_once('=').map(|(k, _)| k.trim()));
                if !is_secret_name(var.as_str()) && !env_key.is_some_and(is_secret_name) {
                    continue;
                }
                if default.as_str().trim().is_empty() {
                    continue;
                }
                out.push(
                    at(Rule::ComposeDefaultCredential, path, node.pos_of(whole.start()), &[service, var.as_str()])
                        .message(format!("service `{service}`: `{}` falls back to a built-in default when the variable is unset, so a deploy that forgets it runs with a known credential", var.as_str()))
                        .help(format!("make the variable required: `${{{}:?set {} in the environment}}`", var.as_str(), var.as_str()))
                        .build(),
                );
            }
        }
        Value::Sequence(items) => {
            for item in items {
                default_credentials(path, service, item, None, out);
            }
        }
        Value::Mapping(_) => {
            for (k, value) in node.entries() {
                default_credentials(path, service, value, Some(&k.text), out);
            }
        }
    }
}
