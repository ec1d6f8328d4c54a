//! Kubernetes manifest audits, over every object of every document (and `kind: List`
//! items): each container's securityContext, privileged mode, host namespaces and
//! hostPath volumes, image pins, resources and probes; plain `Secret`s with data; and what
//! the set of manifests lacks: NetworkPolicies, PodDisruptionBudgets for replicated
//! workloads, Pod Security Admission labels on namespaces.

use std::collections::HashMap;

use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, at};
use crate::model::image::{self, Pin};
use crate::model::{Node, Pos};

pub(crate) struct Kubernetes;

impl Audit for Kubernetes {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::K8sRunAsRoot,
            Rule::K8sPrivilegeEscalation,
            Rule::K8sWritableRootFs,
            Rule::K8sCapabilities,
            Rule::K8sPrivileged,
            Rule::K8sHostPath,
            Rule::K8sHostNamespace,
            Rule::K8sUnpinnedImage,
            Rule::K8sNoResources,
            Rule::K8sNoProbes,
            Rule::K8sPlainSecret,
            Rule::K8sNoNetworkPolicy,
            Rule::K8sNoPdb,
            Rule::K8sNamespaceNoPsa,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let objects = objects(cx);
        let built = skaffold_artifacts(&objects);
        let mut first_workload: Option<(&str, Pos)> = None;
        let network_policy = objects.iter().any(|o| {
            matches!(
                o.kind,
                "NetworkPolicy"
                    | "CiliumNetworkPolicy"
                    | "CiliumClusterwideNetworkPolicy"
                    | "GlobalNetworkPolicy"
            )
        });
        let pdbs: Vec<&Node> = objects
            .iter()
            .filter(|o| o.kind == "PodDisruptionBudget")
            .filter_map(|o| o.node.get("spec")?.get("selector")?.get("matchLabels"))
            .collect();
        for object in &objects {
            match object.kind {
                "Secret" => plain_secret(object, out),
                "Namespace" => namespace(object, out),
                _ => {}
            }
            let Some((pod, long_running)) = pod_spec(object) else {
                continue;
            };
            if long_running && first_workload.is_none() {
                first_workload = Some((object.path, object.pos()));
            }
            pod_rules(object, pod, long_running, &built, out);
            replicas(object, &pdbs, out);
        }
        if let (Some((path, pos)), false) = (first_workload, network_policy) {
            out.push(
                at(Rule::K8sNoNetworkPolicy, path, pos, &["repository"])
                    .message("the manifests deploy workloads but no NetworkPolicy: every pod can reach every other pod and the internet")
                    .help("add a default-deny policy per namespace, then allow what each app needs:\n  apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: default-deny}\n  spec: {podSelector: {}, policyTypes: [Ingress, Egress]}")
                    .build(),
            );
        }
    }
}

/// One Kubernetes object.
struct Object<'a> {
    path: &'a str,
    kind: &'a str,
    name: String,
    node: &'a Node,
}

impl Object<'_> {
    /// Where the object is: its `kind` key.
    fn pos(&self) -> Pos {
        self.node.entry("kind").map_or(self.node.pos, |e| e.key.pos)
    }

    /// `Deployment/api`.
    fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// The images skaffold builds (`build.artifacts[].image` of each `skaffold/*` `Config`,
/// its profiles' too), by name, with the file that says so: skaffold replaces each in the
/// manifests it deploys with the tag and digest it pushed.
fn skaffold_artifacts<'a>(objects: &[Object<'a>]) -> HashMap<&'a str, &'a str> {
    let mut built = HashMap::new();
    for object in objects {
        let skaffold = object
            .node
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|v| v.starts_with("skaffold/"));
        if !skaffold || object.kind != "Config" {
            continue;
        }
        let profiles = object
            .node
            .get("profiles")
            .map(Node::items)
            .unwrap_or_default();
        for build in std::iter::once(object.node)
            .chain(profiles)
            .filter_map(|n| n.get("build"))
        {
            for artifact in build.get("artifacts").map(Node::items).unwrap_or_default() {
                if let Some(image) = artifact.get("image").and_then(Node::as_str) {
                    built.entry(image).or_insert(object.path);
                }
            }
        }
    }
    built
}

fn objects<'a>(cx: &'a Cx<'_>) -> Vec<Object<'a>> {
    let mut out = Vec::new();
    for file in &cx.repo.manifests {
        for doc in &file.docs {
            let mut push = |node: &'a Node| {
                if let Some(kind) = node.get("kind").and_then(Node::as_str) {
                    let name = node
                        .get("metadata")
                        .and_then(|m| m.get("name"))
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_owned();
                    out.push(Object {
                        path: &file.path,
                        kind,
                        name,
                        node,
                    });
                }
            };
            if doc.get("kind").and_then(Node::as_str) == Some("List") {
                for item in doc.get("items").map(Node::items).unwrap_or_default() {
                    push(item);
                }
            } else if doc.get("apiVersion").is_some() {
                push(doc);
            }
        }
    }
    out
}

/// The pod spec of a workload, and whether it runs continuously (not a Job).
fn pod_spec<'a>(object: &Object<'a>) -> Option<(&'a Node, bool)> {
    let spec = object.node.get("spec")?;
    match object.kind {
        "Pod" => Some((spec, true)),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" => {
            Some((spec.get("template")?.get("spec")?, true))
        }
        "Job" => Some((spec.get("template")?.get("spec")?, false)),
        "CronJob" => Some((
            spec.get("jobTemplate")?
                .get("spec")?
                .get("template")?
                .get("spec")?,
            false,
        )),
        _ => None,
    }
}

fn flag(node: Option<&Node>, key: &str) -> Option<bool> {
    let value = node?.get(key)?;
    Some(value.is_true())
}

fn pod_rules(
    object: &Object<'_>,
    pod: &Node,
    long_running: bool,
    built: &HashMap<&str, &str>,
    out: &mut Vec<Finding>,
) {
    let path = object.path;
    let id = object.id();
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if let Some(entry) = pod.entry(key)
            && entry.value.is_true()
        {
            out.push(
                at(Rule::K8sHostNamespace, path, entry.key.pos, &[&id, key])
                    .message(format!("`{id}` sets `{key}: true`: its pods share the node's namespace and can see or reach what the node does"))
                    .help(format!("remove `{key}: true`; expose ports through a Service instead"))
                    .build(),
            );
        }
    }
    for volume in pod.get("volumes").map(Node::items).unwrap_or_default() {
        if let Some(entry) = volume.entry("hostPath") {
            let host = entry
                .value
                .get("path")
                .and_then(Node::as_str)
                .unwrap_or("?");
            out.push(
                at(Rule::K8sHostPath, path, entry.key.pos, &[&id, host])
                    .severity(if host.contains("docker.sock") || host == "/" {
                        Severity::Critical
                    } else {
                        Severity::High
                    })
                    .message(format!("`{id}` mounts the node's `{host}` (hostPath): the pod can read or change the node"))
                    .help("use a PersistentVolumeClaim, a ConfigMap or an emptyDir instead of hostPath")
                    .build(),
            );
        }
    }
    let pod_context = pod.get("securityContext");
    let containers = pod
        .get("containers")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|c| (c, false));
    let init = pod
        .get("initContainers")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|c| (c, true));
    for (container, is_init) in containers.chain(init) {
        container_rules(
            object,
            &id,
            pod_context,
            container,
            is_init,
            long_running,
            out,
        );
        image_rule(object, &id, container, built, out);
    }
}

/// The pin of a container's image. An image that a variable decides, or that skaffold
/// builds and replaces when it deploys (`built`, from its `build.artifacts`), is an info
/// finding: its pin is not judged here.
fn image_rule(
    object: &Object<'_>,
    id: &str,
    container: &Node,
    built: &HashMap<&str, &str>,
    out: &mut Vec<Finding>,
) {
    let path = object.path;
    let name = container.get("name").and_then(Node::as_str).unwrap_or("?");
    let who = format!("container `{name}` of `{id}`");
    let ident = format!("{id}/{name}");
    let Some(node) = container.get("image") else {
        return;
    };
    let Some(written) = node.as_str() else {
        return;
    };
    // skaffold matches the image's name, whatever tag is written.
    if let Some(config) = built.get(image::name(written)) {
        out.push(
            at(Rule::K8sUnpinnedImage, path, node.pos, &[&ident, written])
                .severity(Severity::Info)
                .message(format!("{who} uses `{written}`, an image that `{config}` builds and, when it deploys, replaces with the tag and digest it pushed, so its pin is not judged here"))
                .help(format!("check the tag policy of `{config}`: the default (git commit) or `sha256` tags are immutable enough; deploying with `skaffold run` keeps the digest"))
                .detail("pin", "built")
                .build(),
        );
        return;
    }
    let pin = image::pin(written);
    let severity = image::severity(pin);
    if let Some(severity) = severity {
        out.push(
            at(Rule::K8sUnpinnedImage, path, node.pos, &[&ident, written])
                .severity(severity)
                .message(match pin {
                    Pin::Tag => format!("{who} uses `{written}`, pinned by a tag only; nodes may run different images under one tag"),
                    Pin::Variable => format!("{who} takes its image from `{written}` when it is deployed, so its pin is not judged here"),
                    _ => format!("{who} uses `{written}`, which is whatever `latest` is when a node pulls it"),
                })
                .help(if pin == Pin::Variable {
                    "check that what the deploy substitutes is pinned by digest (`<image>:<version>@sha256:<digest>`), or write that image here".to_owned()
                } else {
                    format!("pin by digest: `image: {}:<version>@sha256:<digest>`", image::name(written))
                })
                .detail("pin", pin.as_str())
                .build(),
        );
    }
}

fn container_rules(
    object: &Object<'_>,
    id: &str,
    pod_context: Option<&Node>,
    container: &Node,
    is_init: bool,
    long_running: bool,
    out: &mut Vec<Finding>,
) {
    let path = object.path;
    let name = container.get("name").and_then(Node::as_str).unwrap_or("?");
    let pos = container.entry("name").map_or(container.pos, |e| e.key.pos);
    let who = format!("container `{name}` of `{id}`");
    let ident = format!("{id}/{name}");
    let context = container.get("securityContext");
    let push = |out: &mut Vec<Finding>, rule: Rule, message: String, help: &str| {
        out.push(
            at(rule, path, pos, &[&ident])
                .message(message)
                .help(help)
                .build(),
        );
    };
    if flag(context, "privileged") == Some(true) {
        let entry_pos = context
            .and_then(|c| c.entry("privileged"))
            .map_or(pos, |e| e.key.pos);
        out.push(
            at(Rule::K8sPrivileged, path, entry_pos, &[&ident])
                .message(format!("{who} runs privileged: it has full access to the node"))
                .help("remove `privileged: true`; add only the capabilities it needs under `securityContext.capabilities.add`")
                .build(),
        );
    }
    let non_root = flag(context, "runAsNonRoot")
        .or(flag(pod_context, "runAsNonRoot"))
        .unwrap_or(false);
    let user = context
        .and_then(|c| c.get("runAsUser"))
        .or_else(|| pod_context.and_then(|c| c.get("runAsUser")))
        .and_then(Node::as_str)
        .and_then(|u| u.parse::<u64>().ok());
    if !non_root && user.is_none_or(|u| u == 0) {
        push(
            out,
            Rule::K8sRunAsRoot,
            format!(
                "{who} may run as root: neither `runAsNonRoot: true` nor a non-zero `runAsUser` is set"
            ),
            "set in the pod or container securityContext:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001",
        );
    }
    if flag(context, "allowPrivilegeEscalation") != Some(false) {
        push(
            out,
            Rule::K8sPrivilegeEscalation,
            format!(
                "{who} does not set `allowPrivilegeEscalation: false`: a setuid binary can gain root"
            ),
            "set `securityContext: {allowPrivilegeEscalation: false}` on the container",
        );
    }
    if flag(context, "readOnlyRootFilesystem") != Some(true) {
        push(
            out,
            Rule::K8sWritableRootFs,
            format!("{who} has a writable root filesystem: an intruder can change its binaries"),
            "set `securityContext: {readOnlyRootFilesystem: true}` and mount an emptyDir where the app writes",
        );
    }
    let drops_all = context
        .and_then(|c| c.get("capabilities"))
        .and_then(|c| c.get("drop"))
        .is_some_and(|d| {
            d.items()
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.eq_ignore_ascii_case("all")))
        });
    if !drops_all {
        push(
            out,
            Rule::K8sCapabilities,
            format!("{who} keeps the runtime's default capabilities (NET_RAW, CHOWN, …)"),
            "drop them all and add back only what is needed:\n  securityContext:\n    capabilities: {drop: [ALL]}",
        );
    }
    let resources = container.get("resources");
    let set = |part: &str, key: &str| {
        resources
            .and_then(|r| r.get(part))
            .and_then(|p| p.get(key))
            .is_some()
    };
    let mut missing = Vec::new();
    for key in ["cpu", "memory"] {
        // A request left out defaults to the limit, so a limit covers both.
        if !set("requests", key) && !set("limits", key) {
            missing.push(format!("requests.{key}"));
        }
        if !set("limits", key) {
            missing.push(format!("limits.{key}"));
        }
    }
    if !missing.is_empty() {
        out.push(
            at(Rule::K8sNoResources, path, pos, &[&ident])
                .message(format!("{who} has no {}: the scheduler cannot place it well and it can starve its neighbours", missing.join(", ")))
                .help("set them:\n  resources:\n    requests: {cpu: 100m, memory: 128Mi}\n    limits: {cpu: 500m, memory: 256Mi}")
                .detail("missing", missing)
                .build(),
        );
    }
    if long_running && !is_init {
        let missing: Vec<&str> = ["livenessProbe", "readinessProbe"]
            .into_iter()
            .filter(|p| container.get(p).is_none())
            .collect();
        if !missing.is_empty() {
            out.push(
                at(Rule::K8sNoProbes, path, pos, &[&ident])
                    .message(format!("{who} has no {}: Kubernetes cannot tell when it is stuck or not ready", missing.join(" or ")))
                    .help("add probes:\n  readinessProbe: {httpGet: {path: /ready, port: 8080}}\n  livenessProbe: {httpGet: {path: /health, port: 8080}, initialDelaySeconds: 10}")
                    .detail("missing", missing)
                    .build(),
            );
        }
    }
}

fn replicas(object: &Object<'_>, pdbs: &[&Node], out: &mut Vec<Finding>) {
    if !matches!(object.kind, "Deployment" | "StatefulSet") {
        return;
    }
    let Some(spec) = object.node.get("spec") else {
        return;
    };
    let Some(entry) = spec.entry("replicas") else {
        return;
    };
    let Some(count) = entry.value.as_str().and_then(|r| r.parse::<u64>().ok()) else {
        return;
    };
    if count < 2 {
        return;
    }
    let labels = spec
        .get("template")
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("labels"));
    let covered = pdbs.iter().any(|selector| {
        selector.entries().next().is_some()
            && selector.entries().all(|(k, v)| {
                labels.and_then(|l| l.get(&k.text)).and_then(Node::as_str) == v.as_str()
            })
    });
    if covered {
        return;
    }
    let id = object.id();
    out.push(
        at(Rule::K8sNoPdb, object.path, entry.key.pos, &[&id])
            .message(format!("`{id}` runs {count} replicas but no PodDisruptionBudget selects them: a node drain may take them all down at once"))
            .help(format!("add one:\n  apiVersion: policy/v1\n  kind: PodDisruptionBudget\n  metadata: {{name: {}}}\n  spec:\n    minAvailable: 1\n    selector: {{matchLabels: <the pod labels>}}", object.name))
            .build(),
    );
}

fn plain_secret(object: &Object<'_>, out: &mut Vec<Finding>) {
    for key in ["data", "stringData"] {
        let Some(entry) = object.node.entry(key) else {
            continue;
        };
        let mut values = entry.value.entries().peekable();
        if values.peek().is_none() {
            continue;
        }
        let end = entry
            .value
            .entries()
            .map(|(_, v)| v.pos.line)
            .max()
            .unwrap_or(entry.key.pos.line);
        let id = object.id();
        out.push(
            at(Rule::K8sPlainSecret, object.path, entry.key.pos, &[&id, key])
                .end_line(u64::from(end))
                .message(format!("`{id}` keeps its values in the repository (`{key}`); base64 is an encoding, not encryption"))
                .help("keep the values out of git: an ExternalSecret that reads them from a secrets manager, or a SealedSecret (`kubeseal < secret.yaml > sealed-secret.yaml`) that only the cluster can decrypt")
                .build(),
        );
    }
}

fn namespace(object: &Object<'_>, out: &mut Vec<Finding>) {
    let enforced = object
        .node
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get("pod-security.kubernetes.io/enforce"))
        .is_some();
    if enforced {
        return;
    }
    let id = object.id();
    out.push(
        at(Rule::K8sNamespaceNoPsa, object.path, object.pos(), &[&id])
            .message(format!("`{id}` has no `pod-security.kubernetes.io/enforce` label, so Pod Security Admission lets privileged pods in"))
            .help("label it:\n  metadata:\n    labels:\n      pod-security.kubernetes.io/enforce: restricted\n      pod-security.kubernetes.io/enforce-version: latest")
            .build(),
    );
}
