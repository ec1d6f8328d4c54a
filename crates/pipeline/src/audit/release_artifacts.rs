//! What a release ships: images pushed only under mutable tags (`latest`, a branch name,
//! no tag), so a rollback or an audit cannot name what ran; and secrets read at their
//! `latest` version, so a secret rotation changes a running release without a deploy.

use std::sync::LazyLock;

use regex_lite::Regex;
use signoff_core::report::Finding;

use super::{Audit, Cx, Rule, StepRef, at};
use crate::knowledge::Acts;
use crate::model::Node;
use crate::model::uses::{Image, MUTABLE_TAGS, Uses};

pub(crate) struct ReleaseArtifacts;

impl Audit for ReleaseArtifacts {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::MutableImageTag, Rule::UnpinnedSecretVersion]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let steps = cx.steps();
        for step in steps {
            if step.acts.has(Acts::IMAGE_PUSH) {
                if let Some(slug) = step
                    .step
                    .uses
                    .as_ref()
                    .and_then(|u| Uses::parse(&u.text))
                    .map(|u| u.slug())
                    && slug.starts_with("docker/build-push-action")
                {
                    build_push(step, steps, out);
                }
                if let Some(run) = &step.step.run {
                    pushed_by_script(cx, step, run, out);
                }
            }
            for node in step
                .step
                .run
                .iter()
                .chain(step.step.with.iter().map(|(_, v)| v))
            {
                secret_versions(cx, step, node, out);
            }
        }
    }
}

/// Whether a tag written in a workflow names one build: it carries the commit, a run
/// number or a version, or an expression we cannot see through (given the benefit of the
/// doubt), rather than a moving name.
fn tag_is_immutable(tag: &str) -> bool {
    let tag = tag.trim();
    if tag.is_empty() {
        return false;
    }
    if tag.contains("${{") || tag.contains('$') {
        return true;
    }
    !MUTABLE_TAGS.contains(&tag.to_ascii_lowercase().as_str())
}

/// The tags of `docker/build-push-action`, following `steps.<id>.outputs.tags` to the
/// docker/metadata-action step that makes them.
fn build_push(step: &StepRef<'_>, all: &[StepRef<'_>], out: &mut Vec<Finding>) {
    let Some(tags) = step.step.input("tags") else {
        let pos = step.step.uses.as_ref().map_or(step.step.pos, |u| u.pos);
        report(
            step,
            pos,
            "pushes an image without `tags:`, so it is `latest`".into(),
            out,
        );
        return;
    };
    let text = tags.as_str().unwrap_or_default();
    let refs: Vec<&str> = text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let mut mutable = Vec::new();
    for reference in &refs {
        if let Some(id) = METADATA_OUTPUT.captures(reference).and_then(|c| c.get(1)) {
            match metadata_tags(step, all, id.as_str()) {
                Some(false) => mutable.push(format!("the tags of step `{}`", id.as_str())),
                _ => return,
            }
            continue;
        }
        let image = Image::parse(reference);
        match image.tag {
            Some(tag) if tag_is_immutable(tag) => return,
            None if reference.contains('$') => return,
            _ => mutable.push(format!("`{reference}`")),
        }
    }
    if !mutable.is_empty() {
        report(
            step,
            tags.pos,
            format!("pushes an image only as {}", mutable.join(", ")),
            out,
        );
    }
}

static METADATA_OUTPUT: LazyLock<Regex> =
    LazyLock::new(|| crate::knowledge::pattern(r"steps\.([\w-]+)\.outputs\.tags"));

/// Whether the docker/metadata-action step `id` makes an immutable tag; `None` when it
/// cannot be found.
fn metadata_tags(step: &StepRef<'_>, all: &[StepRef<'_>], id: &str) -> Option<bool> {
    let meta = all.iter().find(|s| {
        s.path == step.path
            && s.job.map(|j| j.0) == step.job.map(|j| j.0)
            && s.step.id.as_ref().is_some_and(|i| i.text == id)
    })?;
    let Some(tags) = meta.step.input("tags").and_then(Node::as_str) else {
        // The defaults tag branches by name and tags by version.
        return Some(step.workflow.is_some_and(|(_, w)| {
            w.on.get("push")
                .and_then(|p| p.config.as_ref())
                .is_some_and(|c| c.get("tags").is_some())
        }));
    };
    Some(
        tags.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .any(|line| {
                let line = line.to_ascii_lowercase();
                line.contains("type=sha")
                    || line.contains("type=semver")
                    || line.contains("type=pep440")
                    || (line.contains("type=ref") && line.contains("event=tag"))
                    || (line.contains("type=raw")
                        && line.split("value=").nth(1).is_some_and(|v| {
                            tag_is_immutable(v.split(',').next().unwrap_or_default())
                        }))
            }),
    )
}

static PUSHED: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r"(?:\s(?:-t|--tag)[ =]|\bdocker\s+(?:image\s+)?push\s+|--destination[ =]|\bbuilds\s+submit\b[^\n]*--tag[ =])([^\s'\x22;&|]+)",
    )
});

fn pushed_by_script(cx: &Cx<'_>, step: &StepRef<'_>, run: &Node, out: &mut Vec<Finding>) {
    let Some(script) = run.as_str() else { return };
    let mut first: Option<(usize, &str, bool)> = None;
    let mut all_mutable = true;
    let mut names = Vec::new();
    for captures in PUSHED.captures_iter(script) {
        let Some(reference) = captures.get(1) else {
            continue;
        };
        let image = Image::parse(reference.as_str());
        let immutable = match image.tag {
            Some(tag) => tag_is_immutable(tag),
            None => reference.as_str().contains('$'),
        };
        all_mutable &= !immutable;
        // Point at the push itself when there is one, else at the first tag.
        let pushes = captures
            .get(0)
            .is_some_and(|m| !m.as_str().trim_start().starts_with('-'));
        if pushes && first.is_none_or(|(_, _, pushed)| !pushed) {
            first = Some((reference.start(), reference.as_str(), true));
        }
        first.get_or_insert((reference.start(), reference.as_str(), false));
        names.push(format!("`{}`", reference.as_str()));
    }
    if let Some((offset, text, _)) = first.filter(|_| all_mutable) {
        report(
            step,
            cx.locate(step.path, run, offset, text),
            format!("pushes an image only as {}", names.join(", ")),
            out,
        );
    }
}

fn report(step: &StepRef<'_>, pos: crate::model::Pos, what: String, out: &mut Vec<Finding>) {
    out.push(
        at(Rule::MutableImageTag, step.path, pos, &[&step.identity()])
            .message(format!("{} {what}: a mutable tag, so a rollback or an audit cannot name the build that ran", step.place()))
            .help("also tag every pushed image with the commit, and deploy by that tag or by digest, e.g.\n  tags: |\n    ghcr.io/org/app:${{ github.sha }}\n    ghcr.io/org/app:latest\nor with docker/metadata-action: `tags: type=sha,format=long`")
            .build(),
    );
}

static LATEST_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r"(?i)--(?:set|update)-secrets[= ][^\n]*?[\w/-]+=[\w/.-]+:latest\b|\bsecrets\s+versions\s+access\s+latest\b|/secrets/[\w-]+/versions/latest\b",
    )
});

fn secret_versions(cx: &Cx<'_>, step: &StepRef<'_>, node: &Node, out: &mut Vec<Finding>) {
    let Some(text) = node.as_str() else { return };
    if !text.contains("latest") {
        return;
    }
    if let Some(found) = LATEST_SECRET.find(text) {
        let shown: String = found.as_str().chars().take(100).collect();
        out.push(
            at(Rule::UnpinnedSecretVersion, step.path, cx.locate(step.path, node, found.start(), found.as_str()), &[&step.identity()])
                .message(format!("{} reads a secret at its latest version (`{shown}`), so rotating it changes the running release without a deploy, and a rollback does not restore the old value", step.place()))
                .help("pin the secret version the release was tested with, e.g. `--set-secrets=API_KEY=api-key:3`, and bump it with a deploy")
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutable_tags() {
        assert!(tag_is_immutable("${{ github.sha }}"));
        assert!(tag_is_immutable("1.4.2"));
        assert!(tag_is_immutable("sha-abc123"));
        assert!(!tag_is_immutable("latest"));
        assert!(!tag_is_immutable("main"));
    }

    #[test]
    fn latest_secret_versions() {
        for text in [
            "gcloud run deploy api --set-secrets=DB_PASSWORD=db-password:latest",
            "gcloud secrets versions access latest --secret=x",
            "projects/p/secrets/key/versions/latest",
        ] {
            assert!(LATEST_SECRET.is_match(text), "{text}");
        }
        assert!(
            !LATEST_SECRET
                .is_match("gcloud run deploy api --set-secrets=DB_PASSWORD=db-password:3")
        );
        assert!(!LATEST_SECRET.is_match("docker pull node:latest"));
    }
}
