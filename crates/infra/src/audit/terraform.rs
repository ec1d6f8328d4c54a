//! Terraform audits: state (a remote backend, locked and encrypted), version constraints,
//! pinned module sources, secret-named variables, provider credentials in code, and
//! encryption at rest and public access for the main AWS, GCP and Azure storage and
//! database resources.
//!
//! Settings are read through the evaluator (`model::terraform::eval`): a literal, or a
//! variable, local, `!`, parentheses or agreeing conditional that resolves to one in the
//! repository (a local module's variable from its callers' arguments). An unknown value
//! (a function, a template, a variable without a default, callers that disagree, a cycle)
//! is judged as before the evaluator existed: a rule that reports a *set* value (`= false`,
//! `= true`, a public ACL) does not report it; a rule that reports a *missing* setting
//! counts it as set, except a variable's `sensitive`, which counts only when it is `true`.
//! Backend settings and variable blocks, where Terraform allows no
//! references, are evaluated as constants. S3 buckets, Azure storage and Google storage are encrypted at rest by the
//! provider whatever the code says, so only public access is judged for them.

use std::collections::BTreeMap;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, at, is_secret_name};
use crate::model::Pos;
use crate::model::terraform::eval::{Modules, Scope, dir_of};
use crate::model::terraform::{TfFile, attr, block, labels, literal_str};

pub(crate) struct Terraform;

impl Audit for Terraform {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::TfNoRemoteBackend,
            Rule::TfBackendUnlocked,
            Rule::TfNoVersionConstraints,
            Rule::TfUnpinnedModule,
            Rule::TfSecretVariable,
            Rule::TfProviderCredentials,
            Rule::TfUnencryptedStorage,
            Rule::TfPublicStorage,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let mut dirs: BTreeMap<&str, Vec<&TfFile>> = BTreeMap::new();
        for file in &cx.repo.terraform {
            dirs.entry(dir_of(&file.path)).or_default().push(file);
        }
        for (dir, files) in &dirs {
            root_module(dir, files, out);
        }
        let index = Modules::new(&cx.repo.terraform);
        for file in &cx.repo.terraform {
            let scope = index.scope(dir_of(&file.path));
            modules(file, out);
            variables(file, out);
            providers(file, &scope, out);
            resources(file, &scope, out);
        }
    }
}

/// A directory is a root module when it configures a provider or a backend and does not
/// sit under `modules/`.
fn root_module(dir: &str, files: &[&TfFile], out: &mut Vec<Finding>) {
    let under_modules = dir.split('/').any(|p| p == "modules");
    let terraform_blocks: Vec<(&TfFile, &Block)> = files
        .iter()
        .flat_map(|f| f.blocks("terraform").map(move |b| (*f, b)))
        .collect();
    let providers: Vec<(&TfFile, &Block)> = files
        .iter()
        .flat_map(|f| f.blocks("provider").map(move |b| (*f, b)))
        .collect();
    let backend = terraform_blocks
        .iter()
        .find_map(|(f, b)| block(&b.body, "backend").map(|backend| (*f, backend)));
    let cloud = terraform_blocks
        .iter()
        .any(|(_, b)| block(&b.body, "cloud").is_some());
    let is_root = (!providers.is_empty() || backend.is_some()) && !under_modules;
    if !is_root {
        return;
    }
    let anchor = terraform_blocks
        .first()
        .or(providers.first())
        .map(|(f, b)| (f.path.as_str(), f.pos(*b)));
    let Some((anchor_path, anchor_pos)) = anchor else {
        return;
    };
    let dir_name = if dir.is_empty() { "." } else { dir };
    match backend {
        None if !cloud => out.push(
            at(Rule::TfNoRemoteBackend, anchor_path, anchor_pos, &[dir_name])
                .message(format!("the Terraform in `{dir_name}/` has no backend: state is kept on the machine that runs it, unshared, unlocked and unencrypted"))
                .help("configure a remote backend with locking, e.g.\n  terraform {\n    backend \"s3\" {\n      bucket       = \"my-tf-state\"\n      key          = \"prod/terraform.tfstate\"\n      region       = \"eu-west-1\"\n      encrypt      = true\n      use_lockfile = true\n    }\n  }")
                .build(),
        ),
        Some((file, backend)) => {
            let kind = labels(backend).first().copied().unwrap_or("");
            if kind == "local" {
                out.push(
                    at(Rule::TfNoRemoteBackend, &file.path, file.pos(backend), &[dir_name])
                        .message(format!("the Terraform in `{dir_name}/` uses the `local` backend: state stays on one machine"))
                        .help("use a remote backend with locking and encryption (`s3` with `use_lockfile = true` and `encrypt = true`, `gcs`, `azurerm`)")
                        .build(),
                );
            } else if kind == "s3" {
                // Terraform allows no references in a backend block: constants only.
                let constant = Scope::constant();
                let locked = attr(&backend.body, "dynamodb_table").is_some()
                    || attr(&backend.body, "use_lockfile")
                        .is_some_and(|a| constant.bool(&a.value) != Some(false));
                let encrypted = attr(&backend.body, "encrypt")
                    .is_some_and(|a| constant.bool(&a.value) != Some(false));
                let mut gaps = Vec::new();
                if !locked {
                    gaps.push("no locking (`use_lockfile = true` or `dynamodb_table`)");
                }
                if !encrypted {
                    gaps.push("no encryption (`encrypt = true`)");
                }
                if !gaps.is_empty() {
                    out.push(
                        at(Rule::TfBackendUnlocked, &file.path, file.pos(backend), &[dir_name])
                            .message(format!("the S3 backend of `{dir_name}/` has {}", gaps.join(" and ")))
                            .help("add `use_lockfile = true` (Terraform 1.10+) and `encrypt = true` to the backend block")
                            .build(),
                    );
                }
            }
        }
        None => {}
    }
    let required_version = terraform_blocks
        .iter()
        .any(|(_, b)| attr(&b.body, "required_version").is_some());
    if !required_version {
        out.push(
            at(Rule::TfNoVersionConstraints, anchor_path, anchor_pos, &[dir_name, "required_version"])
                .message(format!("the Terraform in `{dir_name}/` has no `required_version`: any Terraform release may apply it"))
                .help("add `required_version = \"~> 1.9\"` to the `terraform` block")
                .build(),
        );
    }
    let required: Vec<(String, bool)> = terraform_blocks
        .iter()
        .filter_map(|(_, b)| block(&b.body, "required_providers"))
        .flat_map(|rp| rp.body.iter().filter_map(|s| s.as_attribute()))
        .map(|a| {
            let versioned = match &a.value {
                hcl_edit::expr::Expression::Object(object) => object.iter().any(|(k, _)| {
                    k.as_ident().map(|i| i.as_str()) == Some("version")
                        || k.as_expr().and_then(|e| e.as_str()) == Some("version")
                }),
                other => other.as_str().is_some(),
            };
            (a.key.as_str().to_owned(), versioned)
        })
        .collect();
    for (file, provider) in &providers {
        let name = labels(provider).first().copied().unwrap_or("");
        let versioned = attr(&provider.body, "version").is_some()
            || required.iter().any(|(n, v)| n == name && *v);
        if !versioned {
            out.push(
                at(Rule::TfNoVersionConstraints, &file.path, file.pos(*provider), &[dir_name, name])
                    .message(format!("provider `{name}` has no version constraint: `terraform init` takes the newest release, breaking changes included"))
                    .help(format!("constrain it:\n  terraform {{\n    required_providers {{\n      {name} = {{ source = \"hashicorp/{name}\", version = \"~> 5.0\" }}\n    }}\n  }}"))
                    .build(),
            );
        }
    }
}

/// Whether a git ref is a mutable branch name.
fn is_branch(reference: &str) -> bool {
    matches!(
        reference,
        "main" | "master" | "develop" | "dev" | "trunk" | "HEAD"
    )
}

/// A module's `source` must be a literal string in Terraform, so it is read as one.
fn modules(file: &TfFile, out: &mut Vec<Finding>) {
    for module in file.blocks("module") {
        let name = labels(module).first().copied().unwrap_or("");
        let Some(source_attr) = attr(&module.body, "source") else {
            continue;
        };
        let Some(source) = literal_str(&source_attr.value) else {
            continue;
        };
        if source.starts_with("./") || source.starts_with("../") {
            continue;
        }
        let git = source.starts_with("git::")
            || source.starts_with("git@")
            || source.starts_with("github.com/")
            || source.starts_with("bitbucket.org/")
            || source.contains(".git");
        let problem = if git {
            match source.split_once("ref=") {
                None => Some("has no `?ref=`, so it follows the default branch"),
                Some((_, reference)) if is_branch(reference.split('&').next().unwrap_or("")) => {
                    Some("points at a branch, which moves")
                }
                Some(_) => None,
            }
        } else if source.contains("::") || source.starts_with("http") {
            None
        } else if attr(&module.body, "version").is_none() {
            Some(
                "comes from a registry without a `version`, so every `init` may take a new release",
            )
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(
                at(Rule::TfUnpinnedModule, &file.path, file.pos(source_attr), &[name, source])
                    .message(format!("module `{name}` (`{source}`) {problem}"))
                    .help(if git {
                        "pin it to a commit (or at least a release tag): `source = \"git::https://github.com/org/repo.git//path?ref=<40-hex commit>\"`"
                    } else {
                        "pin it: `version = \"~> 5.2\"` (or an exact `= 5.2.1`)"
                    })
                    .detail("git", git)
                    .build(),
            );
        }
    }
}

fn variables(file: &TfFile, out: &mut Vec<Finding>) {
    // Terraform allows no references in a variable block: constants only.
    let constant = Scope::constant();
    for variable in file.blocks("variable") {
        let name = labels(variable).first().copied().unwrap_or("");
        if !is_secret_name(name) {
            continue;
        }
        let sensitive = attr(&variable.body, "sensitive")
            .is_some_and(|a| constant.bool(&a.value) == Some(true));
        let default = attr(&variable.body, "default")
            .filter(|a| constant.str(&a.value).is_some_and(|s| !s.is_empty()));
        if let Some(default) = default {
            out.push(
                at(Rule::TfSecretVariable, &file.path, file.pos(default), &[name, "default"])
                    .severity(Severity::High)
                    .message(format!("variable `{name}` names a secret and has a literal default, so the secret is in the code"))
                    .help(format!("remove the default, mark it `sensitive = true`, and pass it at apply time (`TF_VAR_{name}`) or read it from a secrets manager data source"))
                    .build(),
            );
        } else if !sensitive {
            out.push(
                at(Rule::TfSecretVariable, &file.path, file.pos(variable), &[name, "sensitive"])
                    .message(format!("variable `{name}` names a secret but is not `sensitive`, so plans and logs print it"))
                    .help("add `sensitive = true` to the variable block")
                    .build(),
            );
        }
    }
}

fn providers(file: &TfFile, scope: &Scope<'_, '_>, out: &mut Vec<Finding>) {
    for provider in file.blocks("provider") {
        let name = labels(provider).first().copied().unwrap_or("");
        for attribute in provider.body.iter().filter_map(|s| s.as_attribute()) {
            let key = attribute.key.as_str();
            let credential = is_secret_name(key)
                || matches!(
                    key,
                    "access_key" | "secret_key" | "credentials" | "client_certificate"
                );
            let known = scope.str(&attribute.value).filter(|v| !v.is_empty());
            let Some(value) = known else {
                continue;
            };
            // `credentials = "account.json"` names a file, the value is elsewhere.
            if !credential || (key == "credentials" && !value.trim_start().starts_with('{')) {
                continue;
            }
            out.push(
                at(Rule::TfProviderCredentials, &file.path, file.pos(attribute), &[name, key])
                    .message(format!("provider `{name}` has `{key}` written in the code{}", through(file, &attribute.value)))
                    .help("remove it and let the provider read its credentials from the environment (AWS_ACCESS_KEY_ID…, GOOGLE_APPLICATION_CREDENTIALS, ARM_CLIENT_SECRET) or from workload identity (OIDC) in CI; rotate the exposed credential")
                    .build(),
            );
        }
    }
}

/// Resources encrypted only when an attribute says so: (type, attribute, what it is).
const ENCRYPTION: &[(&str, &str, &str)] = &[
    ("aws_db_instance", "storage_encrypted", "RDS instance"),
    ("aws_rds_cluster", "storage_encrypted", "RDS cluster"),
    (
        "aws_docdb_cluster",
        "storage_encrypted",
        "DocumentDB cluster",
    ),
    (
        "aws_neptune_cluster",
        "storage_encrypted",
        "Neptune cluster",
    ),
    ("aws_ebs_volume", "encrypted", "EBS volume"),
    ("aws_efs_file_system", "encrypted", "EFS file system"),
    ("aws_redshift_cluster", "encrypted", "Redshift cluster"),
    (
        "aws_elasticache_replication_group",
        "at_rest_encryption_enabled",
        "ElastiCache replication group",
    ),
];

/// Canned ACLs that open a bucket to everyone.
const PUBLIC_ACLS: &[&str] = &["public-read", "public-read-write", "website"];

/// The source text of a value that is not a literal, for a message: "`, from `!var.x``".
fn through(file: &TfFile, expr: &Expression) -> String {
    if matches!(expr, Expression::Bool(_) | Expression::String(_)) {
        return String::new();
    }
    let Some(text) = expr.span().and_then(|span| file.source.get(span)) else {
        return String::new();
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 80 {
        format!(", from `{}…`", text.chars().take(80).collect::<String>())
    } else {
        format!(", from `{text}`")
    }
}

fn resources(file: &TfFile, scope: &Scope<'_, '_>, out: &mut Vec<Finding>) {
    for resource in file.blocks("resource") {
        let labels = labels(resource);
        let (Some(kind), Some(name)) = (labels.first().copied(), labels.get(1).copied()) else {
            continue;
        };
        let address = format!("{kind}.{name}");
        let body = &resource.body;
        if let Some((_, key, what)) = ENCRYPTION.iter().find(|(k, _, _)| *k == kind) {
            let serverless = kind == "aws_rds_cluster"
                && attr(body, "engine_mode")
                    .and_then(|a| scope.str(&a.value))
                    .is_some_and(|mode| mode == "serverless");
            let setting = attr(body, key);
            let unencrypted = match setting {
                None => !serverless,
                // Unknown: not reported, as before the evaluator.
                Some(a) => scope.bool(&a.value) == Some(false),
            };
            if unencrypted {
                let pos = setting.map_or_else(|| file.pos(resource), |a| file.pos(a));
                out.push(
                    at(Rule::TfUnencryptedStorage, &file.path, pos, &[&address])
                        .message(format!("{what} `{address}` is not encrypted at rest (`{key}` is {})", setting.map_or_else(|| "not set, and defaults to false".to_owned(), |a| format!("false{}", through(file, &a.value)))))
                        .help(format!("set `{key} = true` (with `kms_key_id` for a key you control); an existing resource must be re-created or restored from an encrypted snapshot"))
                        .build(),
                );
            }
        }
        public_access(file, scope, resource, kind, &address, body, out);
    }
}

fn public(
    file: &TfFile,
    pos: Pos,
    address: &str,
    message: String,
    help: &str,
    out: &mut Vec<Finding>,
) {
    out.push(
        at(Rule::TfPublicStorage, &file.path, pos, &[address])
            .message(message)
            .help(help)
            .build(),
    );
}

fn public_access(
    file: &TfFile,
    scope: &Scope<'_, '_>,
    resource: &Block,
    kind: &str,
    address: &str,
    body: &Body,
    out: &mut Vec<Finding>,
) {
    match kind {
        "aws_s3_bucket" | "aws_s3_bucket_acl" => {
            if let Some(acl) = attr(body, "acl")
                && let Some(value) = scope.str(&acl.value)
                && PUBLIC_ACLS.contains(&value.as_str())
            {
                public(
                    file,
                    file.pos(acl),
                    address,
                    format!(
                        "`{address}` grants the `{value}` ACL{}: anyone on the internet can read the bucket",
                        through(file, &acl.value)
                    ),
                    "use `acl = \"private\"` (or no ACL, with object ownership `BucketOwnerEnforced`) and an `aws_s3_bucket_public_access_block` that blocks public ACLs and policies; serve public files through CloudFront",
                    out,
                );
            }
        }
        "aws_db_instance" | "aws_rds_cluster_instance" => {
            if let Some(open) = attr(body, "publicly_accessible")
                && scope.bool(&open.value) == Some(true)
            {
                public(
                    file,
                    file.pos(open),
                    address,
                    format!(
                        "`{address}` is `publicly_accessible`{}: the database gets a public address",
                        through(file, &open.value)
                    ),
                    "set `publicly_accessible = false` and reach it through the VPC (a bastion, VPN or private link)",
                    out,
                );
            }
        }
        "google_storage_bucket_iam_member" | "google_storage_bucket_iam_binding" => {
            for key in ["member", "members"] {
                if let Some(members) = attr(body, key)
                    && scope
                        .strings(&members.value)
                        .iter()
                        .any(|m| m == "allUsers" || m == "allAuthenticatedUsers")
                {
                    public(
                        file,
                        file.pos(members),
                        address,
                        format!(
                            "`{address}` grants a role on the bucket to `allUsers` or `allAuthenticatedUsers`: it is public"
                        ),
                        "grant the role to named service accounts or groups; enable `uniform_bucket_level_access` and `public_access_prevention = \"enforced\"` on the bucket",
                        out,
                    );
                }
            }
        }
        "azurerm_storage_container" => {
            if let Some(access) = attr(body, "container_access_type")
                && matches!(
                    scope.str(&access.value).as_deref(),
                    Some("blob" | "container")
                )
            {
                public(
                    file,
                    file.pos(access),
                    address,
                    format!(
                        "`{address}` allows anonymous reads (`container_access_type` is not `private`)"
                    ),
                    "set `container_access_type = \"private\"` and hand out SAS tokens or use Entra ID for readers",
                    out,
                );
            }
        }
        "azurerm_storage_account" => {
            let set = [
                "allow_blob_public_access",
                "allow_nested_items_to_be_public",
            ]
            .into_iter()
            .find_map(|key| attr(body, key).map(|a| (key, a)));
            match set {
                Some((key, open)) if scope.bool(&open.value) == Some(true) => public(
                    file,
                    file.pos(open),
                    address,
                    format!(
                        "`{address}` sets `{key} = true`{}: its containers may be made public",
                        through(file, &open.value)
                    ),
                    "set `allow_nested_items_to_be_public = false`",
                    out,
                ),
                // azurerm 3.x lets containers be made public unless told otherwise.
                None => public(
                    file,
                    file.pos(resource),
                    address,
                    format!(
                        "`{address}` does not set `allow_nested_items_to_be_public = false`; before azurerm 4.0 it defaults to true, so its containers may be made public"
                    ),
                    "set `allow_nested_items_to_be_public = false`",
                    out,
                ),
                // false, or unknown: not reported, as before the evaluator.
                Some(_) => {}
            }
        }
        _ => {}
    }
}
