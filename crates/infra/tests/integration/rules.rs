//! One minimal case per rule family: each fault reported with its rule at its line, and
//! the good version of the same file reporting nothing.

use crate::common::{check, repo};

const GITIGNORE: (&str, &str) = (".gitignore", ".env\n.env.*\n!.env.example\n");

#[test]
fn dockerfile_faults_are_reported_at_their_lines() {
    let dir = repo(&[
        GITIGNORE,
        (
            "Dockerfile",
            "FROM golang:1.23 AS build\nRUN go build -o /app .\n\nFROM debian\nRUN apt-get update && \\\n    apt-get install -y ca-certificates gcc\nRUN wget -qO- https://get.example.sh | sh\nADD https://example.com/x.tgz /opt/\nENV API_TOKEN=${API_TOKEN}\nCOPY . .\nUSER root\nENTRYPOINT /app\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "fail");
    assert_eq!(
        outcome.found(),
        [
            "docker-add-url Dockerfile:8",
            "docker-apt-recommends Dockerfile:6",
            "docker-build-tools Dockerfile:6",
            "docker-copy-context Dockerfile:10",
            "docker-curl-pipe-shell Dockerfile:7",
            "docker-no-healthcheck Dockerfile:4",
            "docker-root-user Dockerfile:11",
            "docker-secret-in-build Dockerfile:9",
            "docker-shell-form Dockerfile:12",
            "docker-unpinned-base Dockerfile:1",
            "docker-unpinned-base Dockerfile:4",
        ]
    );
    // The column points at the text: `gcc` on the continuation line.
    let tools = outcome.finding("docker-build-tools", "Dockerfile:6");
    assert_eq!(tools["location"]["column"], 40);
    let base = outcome.finding("docker-unpinned-base", "Dockerfile:1");
    assert_eq!(base["severity"], "low");
    assert_eq!(base["details"]["pin"], "tag");
    assert!(base["help"].as_str().unwrap().contains("@sha256:"));
}

#[test]
fn a_well_built_dockerfile_passes() {
    let dir = repo(&[
        GITIGNORE,
        (
            ".dockerignore",
            ".git\n.env*\n!.env.example\n*.pem\n*.key\nid_rsa*\n",
        ),
        (
            "Containerfile",
            "# syntax=docker/dockerfile:1\nFROM rust:1.89@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nCOPY . .\nRUN cargo build --release\n\nFROM gcr.io/distroless/cc-debian12@sha256:1111111111111111111111111111111111111111111111111111111111111111\nCOPY --from=build /target/release/app /app\nUSER 10001:10001\nHEALTHCHECK CMD [\"/app\", \"health\"]\nENTRYPOINT [\"/app\"]\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(outcome.found(), Vec::<String>::new());
    assert_eq!(outcome.status(), "pass");
}

#[test]
fn compose_faults_are_reported_at_their_lines() {
    let dir = repo(&[
        GITIGNORE,
        (
            "compose.yaml",
            "x-base: &base\n  privileged: true\nservices:\n  app:\n    <<: *base\n    image: ghcr.io/acme/app:latest\n    pid: host\n    volumes:\n      - type: bind\n        source: /run/docker.sock\n        target: /var/run/docker.sock\n    depends_on:\n      cache: {condition: service_healthy}\n    mem_limit: 512m\n  cache:\n    image: redis:7.4@sha256:2222222222222222222222222222222222222222222222222222222222222222\n    deploy: {resources: {limits: {memory: 64M}}}\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.found(),
        [
            "compose-docker-socket compose.yaml:9",
            "compose-host-namespace compose.yaml:7",
            "compose-missing-healthcheck compose.yaml:13",
            "compose-privileged compose.yaml:2",
            "compose-unpinned-image compose.yaml:6",
        ]
    );
}

/// With `pull_policy: build` or `never`, `image:` only names what is built or already
/// local: nothing is pulled, even when the policy comes through a merge key. `build:` alone
/// is not enough (compose tries a pull first).
#[test]
fn an_image_compose_never_pulls_is_not_an_unpinned_pull() {
    let dir = repo(&[
        GITIGNORE,
        (
            "compose.yaml",
            "x-app: &app\n  image: acme-local\n  pull_policy: build\n  build: {context: .}\nservices:\n  web:\n    <<: *app\n    mem_limit: 512m\n  worker:\n    <<: *app\n    image: acme-worker\n    pull_policy: never\n    mem_limit: 512m\n  cache:\n    image: redis\n    build: .\n    mem_limit: 64m\n",
        ),
    ]);
    assert_eq!(
        check(dir.path()).found(),
        ["compose-unpinned-image compose.yaml:15"]
    );
}

#[test]
fn a_default_credential_the_secret_scan_does_not_report_is_the_infra_gates() {
    let dir = repo(&[
        GITIGNORE,
        (
            "docker-compose.yml",
            "services:\n  db:\n    image: postgres:16@sha256:3333333333333333333333333333333333333333333333333333333333333333\n    healthcheck: {test: [CMD, pg_isready]}\n    deploy: {resources: {limits: {memory: 1G}}}\n    environment:\n      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-Zq7uXk2Lp9wVb4Ty}\n      - POSTGRES_USER=${POSTGRES_USER:-postgres}\n",
        ),
    ]);
    let outcome = check(dir.path());
    let found = outcome.found();
    let deferred = outcome.report["metrics"]["deferred_to_secret_scan"]
        .as_u64()
        .unwrap();
    // Either the secret scan owns the value (and the infra gate counts it), or the infra
    // gate reports it: never both, never neither.
    let reported = found.contains(&"compose-default-credential docker-compose.yml:7".to_owned());
    assert!(reported ^ (deferred == 1), "{found:?} deferred={deferred}");
    assert!(!found.iter().any(|f| f.ends_with(":8")), "{found:?}");
    // The variables it reads are not documented anywhere.
    assert!(
        found.contains(&"env-example-missing docker-compose.yml:7".to_owned()),
        "{found:?}"
    );
    let dir2 = repo(&[GITIGNORE, (".env.example", "POSTGRES_PASSWORD=\n")]);
    crate::common::write(
        dir2.path(),
        "docker-compose.yml",
        std::fs::read(dir.path().join("docker-compose.yml"))
            .unwrap()
            .as_slice(),
    );
    assert!(
        !check(dir2.path())
            .found()
            .iter()
            .any(|f| f.starts_with("env-example-missing"))
    );
}

#[test]
fn kubernetes_faults_are_reported_at_their_lines() {
    let dir = repo(&[
        GITIGNORE,
        (
            "deploy/app.yaml",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          hostPID: true\n          securityContext: {runAsNonRoot: true}\n          containers:\n            - name: job\n              image: busybox\n              securityContext:\n                allowPrivilegeEscalation: false\n                readOnlyRootFilesystem: true\n                capabilities: {drop: [ALL]}\n              resources:\n                requests: {cpu: 10m, memory: 16Mi}\n                limits: {cpu: 100m, memory: 64Mi}\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.found(),
        [
            "k8s-host-namespace deploy/app.yaml:10",
            "k8s-unpinned-image deploy/app.yaml:14",
        ]
    );
}

#[test]
fn a_hardened_deployment_with_its_policies_passes() {
    let deployment = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web, tier: front}}\n    spec:\n      securityContext: {runAsNonRoot: true, runAsUser: 10001}\n      containers:\n        - name: web\n          image: nginx:1.27@sha256:4444444444444444444444444444444444444444444444444444444444444444\n          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}\n          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 1, memory: 64Mi}}\n          readinessProbe: {httpGet: {path: /, port: 8080}}\n          livenessProbe: {httpGet: {path: /, port: 8080}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n";
    let dir = repo(&[GITIGNORE, ("k8s/web.yaml", deployment)]);
    let outcome = check(dir.path());
    assert_eq!(outcome.found(), Vec::<String>::new());
    // Without the PDB and the policy, both are missed.
    let bare = deployment
        .split("---\napiVersion: policy/v1")
        .next()
        .unwrap();
    let dir = repo(&[GITIGNORE, ("k8s/web.yaml", bare)]);
    assert_eq!(
        check(dir.path()).found(),
        [
            "k8s-no-network-policy k8s/web.yaml:8",
            "k8s-no-pdb k8s/web.yaml:11"
        ]
    );
}

#[test]
fn helm_templates_are_counted_not_judged() {
    let dir = repo(&[
        GITIGNORE,
        (
            "chart/templates/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  {{- toYaml .Values.spec | nindent 2 }}\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(outcome.report["metrics"]["helm_templates_not_judged"], 1);
    assert_eq!(outcome.status(), "skipped", "{}", outcome.report["summary"]);
    let summary = outcome.report["summary"].as_str().unwrap();
    assert!(summary.contains("1 Helm template"), "{summary}");
}

#[test]
fn terraform_faults_are_reported_at_their_lines() {
    let dir = repo(&[
        GITIGNORE,
        (
            "infra/main.tf",
            "terraform {\n  required_version = \">= 1.5\"\n  backend \"local\" {}\n  required_providers {\n    google = { source = \"hashicorp/google\", version = \"~> 6.0\" }\n  }\n}\n\nprovider \"google\" {\n  project = \"acme\"\n}\n\nmodule \"net\" {\n  source = \"git::https://github.com/acme/net.git?ref=main\"\n}\n\nvariable \"api_key\" {\n  sensitive = true\n}\n\nresource \"google_storage_bucket_iam_member\" \"public\" {\n  bucket = \"b\"\n  role   = \"roles/storage.objectViewer\"\n  member = \"allUsers\"\n}\n\nresource \"aws_ebs_volume\" \"data\" {\n  size = 10\n}\n\nlocals {\n  doc = <<-EOT\n    ${var.x} %{ if true }y%{ endif }\n  EOT\n}\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.found(),
        [
            "tf-no-remote-backend infra/main.tf:3",
            "tf-public-storage infra/main.tf:24",
            "tf-unencrypted-storage infra/main.tf:27",
            "tf-unpinned-module infra/main.tf:14",
        ]
    );
}

#[test]
fn committed_env_files_and_an_open_gitignore() {
    let dir = repo(&[
        (".env", "LOG_LEVEL=debug\n"),
        ("api/.env.production", "LOG_LEVEL=info\n"),
        (".env.example", "LOG_LEVEL=\n"),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.found(),
        [
            "env-file-committed .env",
            "env-file-committed api/.env.production",
            "env-not-ignored .gitignore",
        ]
    );
    // `.env` alone is ignored, its variants are not: said as it is.
    let dir = repo(&[
        (".gitignore", ".env\n"),
        (".env.example", "A=\n"),
        (
            "Dockerfile",
            "FROM scratch\nCOPY app /app\nUSER 1\nHEALTHCHECK CMD [\"/app\", \"-h\"]\nCMD [\"/app\"]\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(outcome.found(), ["env-not-ignored .gitignore"]);
    let message = outcome.findings()[0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("excludes `.env` but not its variants"),
        "{message}"
    );
    // Ignored by git, the files are not committed, and .gitignore keeps them out.
    let dir = repo(&[
        GITIGNORE,
        (".env", "A=1\n"),
        (
            "Dockerfile",
            "FROM scratch\nCOPY app /app\nUSER 1\nHEALTHCHECK NONE\nCMD [\"/app\"]\n",
        ),
    ]);
    assert_eq!(
        check(dir.path()).found(),
        ["docker-no-healthcheck Dockerfile:4"]
    );
}

/// The findings of the gate on a repository of `.tf` files (and a `.gitignore`).
fn terraform(files: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec![GITIGNORE];
    all.extend_from_slice(files);
    check(repo(&all).path()).found()
}

const EBS: &str =
    "resource \"aws_ebs_volume\" \"data\" {\n  size      = 10\n  encrypted = ENC\n}\n";

#[test]
fn terraform_settings_from_variables_and_locals_are_evaluated() {
    let ebs = |value: &str, extra: &str| EBS.replace("ENC", value) + extra;
    // A variable's default, in another file of the same directory.
    let fs = ebs("var.encrypted", "");
    let found = terraform(&[
        ("db/main.tf", &fs),
        (
            "db/variables.tf",
            "variable \"encrypted\" {\n  type    = bool\n  default = false\n}\n",
        ),
    ]);
    assert_eq!(found, ["tf-unencrypted-storage db/main.tf:3"]);
    let found = terraform(&[
        ("db/main.tf", &fs),
        (
            "db/variables.tf",
            "variable \"encrypted\" {\n  default = true\n}\n",
        ),
    ]);
    assert_eq!(found, Vec::<String>::new());
    // Negation.
    let fs = ebs(
        "!var.unencrypted",
        "variable \"unencrypted\" { default = true }\n",
    );
    assert_eq!(
        terraform(&[("main.tf", &fs)]),
        ["tf-unencrypted-storage main.tf:3"]
    );
    let fs = ebs(
        "!var.unencrypted",
        "variable \"unencrypted\" { default = false }\n",
    );
    assert_eq!(terraform(&[("main.tf", &fs)]), Vec::<String>::new());
    // A local, through parentheses and an agreeing conditional.
    let fs = ebs(
        "local.encrypted",
        "locals {\n  encrypted = (var.prod ? local.off : false)\n  off = false\n}\n",
    );
    assert_eq!(
        terraform(&[("main.tf", &fs)]),
        ["tf-unencrypted-storage main.tf:3"]
    );
}

#[test]
fn a_local_module_is_judged_with_its_callers_arguments() {
    let rds = (
        "modules/rds/main.tf",
        "variable \"storage_encrypted\" {\n  default = true\n}\n\nresource \"aws_db_instance\" \"this\" {\n  storage_encrypted = var.storage_encrypted\n}\n",
    );
    let dir = repo(&[
        GITIGNORE,
        rds,
        (
            "main.tf",
            "module \"db\" {\n  source            = \"./modules/rds\"\n  storage_encrypted = false\n}\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.found(),
        ["tf-unencrypted-storage modules/rds/main.tf:6"]
    );
    let finding = outcome.finding("tf-unencrypted-storage", "modules/rds/main.tf:6");
    insta::assert_json_snapshot!(finding, {".fingerprint" => "[fingerprint]"});
    // Without the argument, the default stands.
    let found = terraform(&[
        rds,
        (
            "main.tf",
            "module \"db\" {\n  source = \"./modules/rds\"\n}\n",
        ),
    ]);
    assert_eq!(found, Vec::<String>::new());
    // Two callers that disagree: unknown, and not reported (a set value that is not known
    // to be false never was).
    let found = terraform(&[
        rds,
        (
            "prod/main.tf",
            "module \"db\" {\n  source            = \"../modules/rds\"\n  storage_encrypted = true\n}\n",
        ),
        (
            "dev/main.tf",
            "module \"db\" {\n  source            = \"../modules/rds\"\n  storage_encrypted = false\n}\n",
        ),
    ]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn unknown_terraform_values_keep_the_literal_judgement() {
    let ebs = |value: &str, extra: &str| EBS.replace("ENC", value) + extra;
    // Locals that refer to each other, a variable without a default, a function, a
    // conditional whose sides differ: none is known, none is reported.
    for (value, extra) in [
        ("local.a", "locals {\n  a = local.b\n  b = !local.a\n}\n"),
        ("var.encrypted", "variable \"encrypted\" {}\n"),
        ("lookup(var.m, \"encrypted\", false)", ""),
        (
            "var.prod ? true : false",
            "variable \"prod\" { default = false }\n",
        ),
        ("module.kms.enabled", ""),
    ] {
        let fs = ebs(value, extra);
        assert_eq!(
            terraform(&[("main.tf", &fs)]),
            Vec::<String>::new(),
            "{value}"
        );
    }
    // A missing setting is still reported, whatever the variables say.
    let found = terraform(&[(
        "main.tf",
        "variable \"encrypted\" { default = true }\nresource \"aws_ebs_volume\" \"data\" {\n  size = 10\n}\n",
    )]);
    assert_eq!(found, ["tf-unencrypted-storage main.tf:2"]);
    // An Azure account whose public setting is unknown counts as set, as before.
    let azure = "resource \"azurerm_storage_account\" \"sa\" {\n  name = \"x\"\n  allow_nested_items_to_be_public = var.public\n}\n";
    assert_eq!(
        terraform(&[("main.tf", &format!("{azure}variable \"public\" {{}}\n"))]),
        Vec::<String>::new()
    );
    assert_eq!(
        terraform(&[(
            "main.tf",
            &format!("{azure}variable \"public\" {{ default = true }}\n")
        )]),
        ["tf-public-storage main.tf:3"]
    );
}

#[test]
fn other_terraform_rules_read_evaluated_values() {
    let found = terraform(&[(
        "main.tf",
        "locals {\n  public = true\n  acl    = \"public-read\"\n}\n\nresource \"aws_db_instance\" \"db\" {\n  storage_encrypted   = true\n  publicly_accessible = local.public\n}\n\nresource \"aws_s3_bucket_acl\" \"site\" {\n  acl = local.acl\n}\n\nresource \"google_storage_bucket_iam_member\" \"all\" {\n  member = var.member\n}\n\nvariable \"member\" {\n  default = \"allUsers\"\n}\n",
    )]);
    assert_eq!(
        found,
        [
            "tf-public-storage main.tf:12",
            "tf-public-storage main.tf:16",
            "tf-public-storage main.tf:8",
        ]
    );
}

#[test]
fn a_provider_credential_from_a_variable_default_is_in_the_code() {
    let provider =
        "provider \"aws\" {\n  region     = \"eu-west-1\"\n  access_key = var.aws_access_key\n}\n";
    let found = terraform(&[(
        "modules/app/main.tf",
        &format!(
            "{provider}variable \"aws_access_key\" {{\n  sensitive = true\n  default   = \"AKIA1234567890ABCDEF\"\n}}\n"
        ),
    )]);
    assert!(
        found.contains(&"tf-provider-credentials modules/app/main.tf:3".to_owned()),
        "{found:?}"
    );
    // Without a default the key is given at apply time: nothing is in the code.
    let found = terraform(&[(
        "modules/app/main.tf",
        &format!("{provider}variable \"aws_access_key\" {{\n  sensitive = true\n}}\n"),
    )]);
    assert_eq!(found, Vec::<String>::new());
}

/// An image a variable decides (a build argument with no default, `${IMAGE}` substituted at
/// deploy time) is not passed over: an info finding says its pin was not judged. With a
/// default, the default is judged.
#[test]
fn images_chosen_by_variables_are_said_to_be_not_judged() {
    let dir = repo(&[
        GITIGNORE,
        (
            "Dockerfile",
            "ARG BASE\nARG RUNTIME=alpine:3.20\nFROM ${BASE} AS build\nFROM ${RUNTIME}\nUSER app\nHEALTHCHECK CMD [\"true\"]\nCMD [\"app\"]\n",
        ),
        (
            "k8s/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: ${WEB_IMAGE}\n",
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: ${WEB_IMAGE}\n  db:\n    image: ${DB_IMAGE:-postgres:16}\n",
        ),
    ]);
    let outcome = check(dir.path());
    for (rule, at) in [
        ("docker-unpinned-base", "Dockerfile:3"),
        ("k8s-unpinned-image", "k8s/pod.yaml:8"),
        ("compose-unpinned-image", "compose.yaml:3"),
    ] {
        let finding = outcome.finding(rule, at);
        assert_eq!(finding["severity"], "info", "{finding}");
        assert_eq!(finding["details"]["pin"], "variable", "{finding}");
        assert!(
            finding["message"].as_str().unwrap().contains("not judged"),
            "{finding}"
        );
    }
    // The build argument's default and the variable's fallback are judged as written.
    assert_eq!(
        outcome.finding("docker-unpinned-base", "Dockerfile:4")["details"]["pin"],
        "tag"
    );
    assert_eq!(
        outcome.finding("compose-unpinned-image", "compose.yaml:5")["details"]["pin"],
        "tag"
    );
}

/// An image skaffold builds is replaced when skaffold deploys, so its bare name in a
/// manifest is not an unpinned image: an info finding says its pin was not judged. Other
/// images of the same manifests are judged as usual.
#[test]
fn images_skaffold_builds_are_not_judged_as_unpinned() {
    let dir = repo(&[
        GITIGNORE,
        (
            "app/skaffold.yaml",
            "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: web\nprofiles:\n  - name: ci\n    build:\n      artifacts:\n        - image: worker\nmanifests:\n  rawYaml: [k8s/*.yaml]\n",
        ),
        (
            "app/k8s/pods.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web\n    - name: worker\n      image: worker:dev\n    - name: cache\n      image: redis\n",
        ),
    ]);
    let outcome = check(dir.path());
    for at in ["app/k8s/pods.yaml:8", "app/k8s/pods.yaml:10"] {
        let finding = outcome.finding("k8s-unpinned-image", at);
        assert_eq!(finding["severity"], "info", "{finding}");
        assert_eq!(finding["details"]["pin"], "built", "{finding}");
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .contains("`app/skaffold.yaml` builds"),
            "{finding}"
        );
    }
    let redis = outcome.finding("k8s-unpinned-image", "app/k8s/pods.yaml:12");
    assert_eq!(redis["severity"], "medium");
    assert_eq!(redis["details"]["pin"], "untagged");
}

/// Compose interpolates `${VAR}` from the `.env` beside the compose file, so an image set
/// there is judged by its value; a `.env` elsewhere does not count. No other value of the
/// `.env` appears in the report.
#[test]
fn compose_images_are_read_through_the_env_file_beside_them() {
    let dir = repo(&[
        // Committed, as getsentry/self-hosted commits its `.env`.
        (".gitignore", "node_modules/\n"),
        (
            ".env",
            "# images\nexport WEB_IMAGE=\"ghcr.io/acme/web:nightly\"\nAPI_TOKEN=s3cr3t-value-never-shown\n",
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: \"$WEB_IMAGE\"\n  api:\n    image: ${API_IMAGE}\n",
        ),
        (
            "deploy/compose.yaml",
            "services:\n  web:\n    image: ${WEB_IMAGE}\n",
        ),
    ]);
    let outcome = check(dir.path());
    let web = outcome.finding("compose-unpinned-image", "compose.yaml:3");
    assert_eq!(web["details"]["pin"], "tag", "{web}");
    assert!(
        web["message"]
            .as_str()
            .unwrap()
            .contains("`$WEB_IMAGE` (`ghcr.io/acme/web:nightly` from `.env`)"),
        "{web}"
    );
    let api = outcome.finding("compose-unpinned-image", "compose.yaml:5");
    assert_eq!(api["details"]["pin"], "variable", "{api}");
    let elsewhere = outcome.finding("compose-unpinned-image", "deploy/compose.yaml:3");
    assert_eq!(elsewhere["details"]["pin"], "variable", "{elsewhere}");
    assert!(
        !outcome
            .run
            .all_output()
            .contains("s3cr3t-value-never-shown")
    );
    assert!(
        !outcome
            .report
            .to_string()
            .contains("s3cr3t-value-never-shown")
    );
    let sarif = outcome
        .sarif
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(!sarif.contains("s3cr3t-value-never-shown"));
}

/// The fix names the image's repository, also when its registry carries a port.
#[test]
fn the_digest_fix_keeps_a_registry_port() {
    let dir = repo(&[
        GITIGNORE,
        (
            "k8s/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: localhost:5000/web:1.2\n",
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: localhost:5000/web:1.2\n",
        ),
    ]);
    let outcome = check(dir.path());
    for (rule, at) in [
        ("k8s-unpinned-image", "k8s/pod.yaml:8"),
        ("compose-unpinned-image", "compose.yaml:3"),
    ] {
        let finding = outcome.finding(rule, at);
        assert!(
            finding["help"]
                .as_str()
                .unwrap()
                .contains("`image: localhost:5000/web:<version>@sha256:<digest>`"),
            "{finding}"
        );
    }
}
