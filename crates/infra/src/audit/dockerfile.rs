//! Dockerfile and Containerfile audits: how the base image is pinned, who the final stage
//! runs as, health checks, exec-form commands, build tools left in the runtime image, piped
//! installers and `ADD <url>`, apt recommends, secrets in `ENV`/`ARG`, and what `COPY . .`
//! lets into the image.

use std::sync::LazyLock;

use regex::Regex;
use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, at, is_secret_name};
use crate::load::DockerfileAt;
use crate::model::dockerfile::{Instruction, Stage, unquote, words};
use crate::model::image::{self, Pin};

pub(crate) struct Dockerfiles;

impl Audit for Dockerfiles {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::DockerUnpinnedBase,
            Rule::DockerRootUser,
            Rule::DockerNoHealthcheck,
            Rule::DockerShellForm,
            Rule::DockerBuildTools,
            Rule::DockerCurlPipeShell,
            Rule::DockerAddUrl,
            Rule::DockerAptRecommends,
            Rule::DockerSecretInBuild,
            Rule::DockerCopyContext,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for file in &cx.repo.dockerfiles {
            let stages = file.file.stages();
            base_images(file, &stages, out);
            final_stage(file, &stages, out);
            for instruction in &file.file.instructions {
                instruction_rules(file, instruction, out);
            }
            copy_context(cx, file, out);
        }
    }
}

/// Package names that compile or build, not run.
const BUILD_TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "autoconf",
    "automake",
    "libtool",
    "musl-dev",
    "libc-dev",
    "libc6-dev",
    "golang",
    "rustc",
    "cargo",
    "maven",
    "gradle",
    "default-jdk",
    "openjdk-17-jdk",
    "openjdk-21-jdk",
    "openjdk-11-jdk",
    "nodejs-dev",
    "python3-dev",
    "python-dev",
    "development tools",
];

fn base_images(file: &DockerfileAt, stages: &[Stage], out: &mut Vec<Finding>) {
    let vars = file.file.global_args();
    for (n, stage) in stages.iter().enumerate() {
        let from = &file.file.instructions[stage.from];
        let written = stage.image.as_str();
        let lower = written.to_ascii_lowercase();
        // `scratch` and earlier stages are not pulled.
        if written.is_empty()
            || lower == "scratch"
            || stages[..n]
                .iter()
                .any(|s| s.name.as_deref() == Some(&lower))
        {
            continue;
        }
        let resolved = image::substitute(written, &vars);
        let pin = image::pin(&resolved);
        let (severity, what) = match pin {
            Pin::Digest => continue,
            Pin::Variable => (
                Severity::Info,
                "is set when the image is built (a build argument with no default), so its pin is not judged here",
            ),
            Pin::Latest => (Severity::High, "is `:latest`, which changes under you"),
            Pin::Untagged => (
                Severity::High,
                "has no tag, so Docker pulls `:latest`, which changes under you",
            ),
            Pin::Tag => (
                Severity::Low,
                "is pinned by a tag only; tags are moved, so the build is not reproducible",
            ),
        };
        let name = resolved.split(['@']).next().unwrap_or(&resolved);
        out.push(
            at(
                Rule::DockerUnpinnedBase,
                &file.path,
                from.pos_of(stage.image_offset),
                &[&n.to_string(), written],
            )
            .severity(severity)
            .message(format!("the base image `{resolved}` {what}"))
            .help(if pin == Pin::Variable {
                "give the build argument a pinned default (`ARG BASE=<image>:<version>@sha256:<digest>`), or check that the build passes a digest-pinned image".to_owned()
            } else { format!(
                "pin the image by digest, keeping the tag for readers: `FROM {}@sha256:<digest>` (`docker buildx imagetools inspect {}` prints it); let Dependabot or Renovate update it",
                if pin == Pin::Tag { name.to_owned() } else { format!("{}:<version>", name.trim_end_matches(":latest")) },
                if pin == Pin::Tag { name.to_owned() } else { format!("{}:<version>", name.trim_end_matches(":latest")) },
            ) })
            .detail("pin", pin.as_str())
            .build(),
        );
    }
}

/// The stages the final stage is built on (itself first), following `FROM <stage>`.
fn lineage(stages: &[Stage], last: usize) -> Vec<&Stage> {
    let mut chain = vec![&stages[last]];
    let mut current = last;
    while let Some(parent) = stages[..current]
        .iter()
        .rposition(|s| s.name.as_deref() == Some(&stages[current].image.to_ascii_lowercase()))
    {
        chain.push(&stages[parent]);
        current = parent;
    }
    chain
}

fn final_stage(file: &DockerfileAt, stages: &[Stage], out: &mut Vec<Finding>) {
    let Some(last) = stages.len().checked_sub(1) else {
        return;
    };
    let chain = lineage(stages, last);
    let instructions = &file.file.instructions;
    let of = |keyword: &'static str| {
        chain.iter().find_map(|stage| {
            instructions[stage.from..stage.end]
                .iter()
                .rev()
                .find(|i| i.keyword == keyword)
        })
    };
    let from = &instructions[stages[last].from];
    let base = chain.last().map_or("", |s| s.image.as_str());
    // Images built to run as a non-root user by default.
    let nonroot_base =
        base.contains("nonroot") || base.contains("distroless") && base.contains(":nonroot");
    match of("USER") {
        None if !nonroot_base => out.push(
            at(Rule::DockerRootUser, &file.path, from.pos, &["no-user"])
                .message("the final stage has no `USER`, so the container runs as root")
                .help("create an unprivileged user and switch to it at the end of the final stage:\n  RUN addgroup -S app && adduser -S -G app app\n  USER app")
                .detail("user", "none")
                .build(),
        ),
        Some(user) if is_root(&user.args) => out.push(
            at(Rule::DockerRootUser, &file.path, user.pos, &["user-root"])
                .message(format!("the final stage runs as `{}`", user.args.trim()))
                .help("switch to an unprivileged user after the steps that need root: `USER 10001:10001`")
                .detail("user", "root")
                .build(),
        ),
        _ => {}
    }
    match of("HEALTHCHECK") {
        None => out.push(
            at(Rule::DockerNoHealthcheck, &file.path, from.pos, &["none"])
                .message("the image has no `HEALTHCHECK`, so a hung container still counts as running")
                .help("add one that probes the service: `HEALTHCHECK --interval=30s --timeout=3s CMD [\"/app/healthcheck\"]` (or `CMD curl -fsS http://localhost:8080/health || exit 1`)")
                .build(),
        ),
        Some(check) if check.args.trim().eq_ignore_ascii_case("none") => out.push(
            at(Rule::DockerNoHealthcheck, &file.path, check.pos, &["disabled"])
                .message("`HEALTHCHECK NONE` turns off the base image's health check")
                .help("replace it with a check of this service: `HEALTHCHECK CMD [\"/app/healthcheck\"]`")
                .build(),
        ),
        Some(_) => {}
    }
    build_tools(file, &stages[last], stages.len(), out);
}

fn is_root(user: &str) -> bool {
    let who = user.trim().split(':').next().unwrap_or("").trim();
    matches!(who, "root" | "0")
}

static INSTALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\s+(?:[^;&|]*?\s)?(?:install|add)\s+([^;&|]*)",
    )
    .expect("valid regex")
});

fn build_tools(file: &DockerfileAt, stage: &Stage, stages: usize, out: &mut Vec<Finding>) {
    for instruction in &file.file.instructions[stage.from..stage.end] {
        if instruction.keyword != "RUN" {
            continue;
        }
        let script = instruction.args.clone();
        for install in INSTALL.captures_iter(&script) {
            let Some(packages) = install.get(1) else {
                continue;
            };
            let tools: Vec<&str> = words(packages.as_str())
                .into_iter()
                .map(|(w, _)| w)
                .filter(|w| !w.starts_with('-'))
                .map(|w| w.split(['=', ':']).next().unwrap_or(w))
                .filter(|w| BUILD_TOOLS.contains(w))
                .collect();
            if tools.is_empty() {
                continue;
            }
            let offset = packages.start() + packages.as_str().find(tools[0]).unwrap_or(0);
            let fix = if stages > 1 {
                "install them in the build stage only, and `COPY --from=build` just the artifacts into the final stage"
            } else {
                "use a multi-stage build: compile in `FROM … AS build`, then start the final stage from a slim or distroless image and `COPY --from=build` only the artifacts"
            };
            out.push(
                at(
                    Rule::DockerBuildTools,
                    &file.path,
                    instruction.pos_of(offset),
                    &[&tools.join(",")],
                )
                .message(format!(
                    "the runtime stage installs build tools ({}), which ship in the image and widen its attack surface",
                    tools.join(", ")
                ))
                .help(fix)
                .build(),
            );
        }
    }
}

static PIPE_SHELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:-\S+\s+)*(?:/bin/|/usr/bin/)?(?:sh|bash|zsh|dash|ash|ksh|python3?|perl|ruby|node)\b")
        .expect("valid regex")
});

static APT_INSTALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bapt(?:-get)?\s+(?:[^;&|\n]*?\s)?install\b[^;&|\n]*").expect("valid regex")
});

fn instruction_rules(file: &DockerfileAt, instruction: &Instruction, out: &mut Vec<Finding>) {
    let path = &file.path;
    match instruction.keyword.as_str() {
        "CMD" | "ENTRYPOINT"
            if instruction.exec_form().is_none() && !instruction.args.trim().is_empty() =>
        {
            let shown: String = instruction.args.trim().chars().take(60).collect();
            out.push(
                at(Rule::DockerShellForm, path, instruction.pos, &[&instruction.keyword, instruction.args.trim()])
                    .message(format!(
                        "`{} {shown}` is in shell form: it runs under `/bin/sh -c`, so SIGTERM does not reach the process and shutdown is not graceful",
                        instruction.keyword
                    ))
                    .help(format!(
                        "use the exec (JSON) form: `{} [{}]`",
                        instruction.keyword,
                        words(instruction.args.trim())
                            .iter()
                            .map(|(w, _)| format!("\"{}\"", w.replace('"', "\\\"")))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .build(),
            );
        }
        "RUN" => {
            let script = instruction.script();
            for found in PIPE_SHELL.find_iter(&script) {
                let pos = if found.start() < instruction.args.len() {
                    instruction.pos_of(found.start())
                } else {
                    instruction.pos
                };
                out.push(
                    at(Rule::DockerCurlPipeShell, path, pos, &[found.as_str()])
                        .message(format!(
                            "`{}` runs whatever the server sends, unverified, at build time",
                            found.as_str().chars().take(80).collect::<String>()
                        ))
                        .help("download to a file, check its checksum, then run it:\n  RUN curl -fsSLo install.sh https://… && echo \"<sha256>  install.sh\" | sha256sum -c - && sh install.sh")
                        .build(),
                );
            }
            for found in APT_INSTALL.find_iter(&instruction.args) {
                if found.as_str().contains("--no-install-recommends")
                    || script.contains("APT::Install-Recommends")
                {
                    continue;
                }
                let command = if found.as_str().starts_with("apt-get") {
                    "apt-get"
                } else {
                    "apt"
                };
                out.push(
                    at(Rule::DockerAptRecommends, path, instruction.pos_of(found.start()), &[found.as_str()])
                        .message(format!("`{command} install` without `--no-install-recommends` pulls in packages the image does not need"))
                        .help("`RUN apt-get update && apt-get install -y --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*`")
                        .detail("command", command)
                        .build(),
                );
            }
        }
        "ADD" => {
            for (word, offset) in words(&instruction.args) {
                let word = unquote(word);
                if word.starts_with("http://") || word.starts_with("https://") {
                    if instruction.args.contains("--checksum=") {
                        continue;
                    }
                    out.push(
                        at(Rule::DockerAddUrl, path, instruction.pos_of(offset), &[word])
                            .message(format!("`ADD {word}` downloads at build time without checking what it got"))
                            .help("verify it: `ADD --checksum=sha256:<digest> <url> <dest>`, or download with `RUN curl -fsSLo` and `sha256sum -c`")
                            .build(),
                    );
                }
            }
        }
        "ENV" | "ARG" => secret_in_build(path, instruction, out),
        _ => {}
    }
}

/// `ENV DB_PASSWORD=…`, `ARG NPM_TOKEN`: a secret in the image's config or history.
fn secret_in_build(path: &str, instruction: &Instruction, out: &mut Vec<Finding>) {
    let args = instruction.args.trim_start();
    let lead = instruction.args.len() - args.len();
    let mut pairs: Vec<(&str, Option<&str>, usize)> = Vec::new();
    if args.contains('=') {
        for (word, offset) in words(args) {
            let (name, value) = match word.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (word, None),
            };
            pairs.push((name, value, offset));
        }
    } else if let Some((name, offset)) = words(args).first() {
        // `ENV NAME value` (legacy form) or `ARG NAME`.
        let value = args[offset + name.len()..].trim();
        pairs.push((name, (!value.is_empty()).then_some(value), *offset));
    }
    for (name, value, offset) in pairs {
        if !is_secret_name(name) {
            continue;
        }
        let value = value.map(unquote).filter(|v| !v.is_empty());
        // `ENV TOKEN=${TOKEN}` only carries the build argument on: still a secret in the
        // image; the finding is about the name, and never shows the value.
        let (what, help) = if instruction.keyword == "ARG" {
            (
                format!(
                    "the build argument `{name}` is a secret; build arguments stay in the image's history"
                ),
                "pass it as a build secret instead: `RUN --mount=type=secret,id=token cat /run/secrets/token`, built with `docker build --secret id=token,env=TOKEN`",
            )
        } else {
            (
                format!(
                    "`ENV {name}` puts a secret into the image, where `docker inspect` shows it"
                ),
                "inject it at run time (`docker run -e`, a Kubernetes Secret, a secrets manager), or use a build secret (`RUN --mount=type=secret,id=…`) when the build needs it",
            )
        };
        out.push(
            at(
                Rule::DockerSecretInBuild,
                path,
                instruction.pos_of(lead + offset),
                &[&instruction.keyword, name],
            )
            .message(what)
            .help(help)
            .detail("literal", value.is_some_and(|v| !v.starts_with('$')))
            .build(),
        );
    }
}

/// What a build context must keep out of the image.
const MUST_IGNORE: &[(&str, &str)] = &[
    (".env", "`.env*`"),
    (".env.production", "`.env*`"),
    (".git", "`.git`"),
    ("id_rsa", "private keys (`id_rsa`, `*.pem`, `*.key`)"),
    ("server.pem", "private keys (`id_rsa`, `*.pem`, `*.key`)"),
    ("tls.key", "private keys (`id_rsa`, `*.pem`, `*.key`)"),
];

fn copy_context(cx: &Cx<'_>, file: &DockerfileAt, out: &mut Vec<Finding>) {
    let Some(copy) = file
        .file
        .instructions
        .iter()
        .find(|i| matches!(i.keyword.as_str(), "COPY" | "ADD") && copies_everything(i))
    else {
        return;
    };
    let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
    let ignore = cx
        .repo
        .dockerignores
        .get(&file.path)
        .or_else(|| cx.repo.dockerignores.get(dir));
    let missing: Vec<&str> = match ignore {
        None => Vec::new(),
        Some(text) => {
            let mut missing: Vec<&str> = MUST_IGNORE
                .iter()
                .filter(|(candidate, _)| !dockerignore_excludes(text, candidate))
                .map(|(_, label)| *label)
                .collect();
            missing.dedup();
            if missing.is_empty() {
                return;
            }
            missing
        }
    };
    let message = if ignore.is_none() {
        format!(
            "`{} {}` copies the whole build context and there is no `.dockerignore`, so `.env` files, `.git` and keys end up in the image",
            copy.keyword,
            copy.args.trim()
        )
    } else {
        format!(
            "`{} {}` copies the whole build context, and `.dockerignore` does not exclude {}",
            copy.keyword,
            copy.args.trim(),
            missing.join(", ")
        )
    };
    out.push(
        at(Rule::DockerCopyContext, &file.path, copy.pos, &["copy-all"])
            .message(message)
            .help(format!(
                "add to {}/.dockerignore:\n  .git\n  .env*\n  !.env.example\n  *.pem\n  *.key\n  id_rsa*\nor copy only what the image needs (`COPY src/ ./src/`)",
                if dir.is_empty() { "." } else { dir }
            ))
            .build(),
    );
}

/// `COPY . .`, `COPY ./ /app`, `COPY * ./`: the whole context.
fn copies_everything(instruction: &Instruction) -> bool {
    if instruction.args.contains("--from=") || !instruction.heredocs.is_empty() {
        return false;
    }
    let sources: Vec<String> = match instruction.exec_form() {
        Some(mut list) => {
            list.pop();
            list
        }
        None => {
            let mut list: Vec<String> = words(&instruction.args)
                .into_iter()
                .map(|(w, _)| w.to_owned())
                .filter(|w| !w.starts_with("--"))
                .collect();
            list.pop();
            list
        }
    };
    sources
        .iter()
        .any(|s| matches!(s.as_str(), "." | "./" | "*" | "./*"))
}

/// Whether the `.dockerignore` `text` keeps `candidate` (a path at the context root) out:
/// the last pattern that matches decides, `!` patterns let it back in.
fn dockerignore_excludes(text: &str, candidate: &str) -> bool {
    let mut excluded = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (negate, pattern) = match line.strip_prefix('!') {
            Some(p) => (true, p.trim()),
            None => (false, line),
        };
        let pattern = pattern.trim_start_matches("./").trim_start_matches('/');
        let pattern = pattern.trim_end_matches('/');
        let matches = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher())
            .is_ok_and(|m| {
                m.is_match(candidate)
                    || globset::Glob::new(&format!("**/{pattern}")).is_ok_and(|g| {
                        pattern.starts_with("**") && g.compile_matcher().is_match(candidate)
                    })
            });
        if matches {
            excluded = !negate;
        }
    }
    excluded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_patterns() {
        assert!(dockerignore_excludes(".env*\n", ".env.production"));
        assert!(dockerignore_excludes("*\n!src\n", ".git"));
        assert!(!dockerignore_excludes("*\n!.env\n", ".env"));
        assert!(dockerignore_excludes("**/*.pem\n", "server.pem"));
        assert!(!dockerignore_excludes("node_modules\n", ".git"));
    }

    #[test]
    fn roots() {
        assert!(is_root("root"));
        assert!(is_root(" 0:0 "));
        assert!(!is_root("app"));
        assert!(!is_root("10001"));
    }
}
