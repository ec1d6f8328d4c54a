//! Supply chain: actions and reusable workflows not pinned to a commit SHA (a branch or
//! no ref is worse than a tag), container and service images on a mutable tag or none,
//! and installers piped from a download straight into a shell or interpreter.

use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, at};
use crate::model::uses::{Image, Pin, Uses};
use crate::model::{Flavor, Str};

pub(crate) struct SupplyChain;

impl Audit for SupplyChain {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::UnpinnedUses,
            Rule::UnpinnedImages,
            Rule::CurlPipeShell,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for step in cx.steps() {
            let gitlab = step
                .workflow
                .is_some_and(|(_, w)| w.flavor == Flavor::GitLab);
            if let Some(uses) = step.step.uses.as_ref().filter(|_| !gitlab) {
                unpinned(step.path, uses, &step.identity(), out);
                if let Some(Uses::Docker(image)) = Uses::parse(&uses.text) {
                    image_pin(step.path, image, uses, "the step's `docker://` image", out);
                }
            }
            if let Some(run) = &step.step.run {
                curl_pipe(cx, step.path, run, &step.identity(), out);
            }
        }
        for (_, workflow, _, job, _) in cx.jobs() {
            if let Some(uses) = &job.uses {
                unpinned(&workflow.path, uses, &job.id.text, out);
            }
            for (image, what) in job
                .container
                .iter()
                .map(|c| (c, "the job's container"))
                .chain(job.services.iter().map(|s| (s, "a service container")))
            {
                let what = if workflow.flavor == Flavor::GitLab {
                    "the job's image"
                } else {
                    what
                };
                image_pin(workflow.file_of(job), &image.text, image, what, out);
            }
        }
        for action in &cx.repo.actions {
            if let Some(image) = &action.image
                && let Some(reference) = image.text.strip_prefix("docker://")
            {
                image_pin(&action.path, reference, image, "the action's image", out);
            }
        }
    }
}

fn unpinned(path: &str, uses: &Str, identity: &str, out: &mut Vec<Finding>) {
    let Some(parsed) = Uses::parse(&uses.text) else {
        return;
    };
    let Some(pin) = parsed.pin() else { return };
    let Uses::Repo {
        owner,
        repo,
        path: sub,
        ..
    } = parsed
    else {
        return;
    };
    let name = match sub {
        Some(sub) => format!("{owner}/{repo}/{sub}"),
        None => format!("{owner}/{repo}"),
    };
    let (severity, how) = match pin {
        Pin::Sha => return,
        Pin::Missing => (Severity::High, "names no ref at all, so it runs whatever the default branch holds".to_owned()),
        Pin::Branch => (Severity::High, format!("follows `{}`, a branch or moving ref, so every push to it changes what runs here", uses.text.rsplit('@').next().unwrap_or_default())),
        Pin::Tag if parsed.is_first_party() => (Severity::Low, "is pinned to a tag; GitHub's own tags are not expected to move, but a SHA is immutable".to_owned()),
        Pin::Tag => (Severity::Medium, "is pinned to a tag, which its owner (or whoever takes over the account) can move to other code".to_owned()),
    };
    let tag = match pin {
        Pin::Tag => uses.text.rsplit('@').next().unwrap_or("v1"),
        _ => "v1.2.3",
    };
    out.push(
        at(Rule::UnpinnedUses, path, uses.pos, &[identity, &uses.text])
            .severity(severity)
            .message(format!("`{}` {how}", uses.text))
            .help(format!(
                "pin the full commit SHA and keep the version as a comment, e.g. `uses: {name}@<40-hex commit of {tag}> # {tag}`; Dependabot (`package-ecosystem: github-actions`) keeps SHA pins current"
            ))
            .detail("uses", uses.text.clone())
            .build(),
    );
}

fn image_pin(path: &str, reference: &str, at_: &Str, what: &str, out: &mut Vec<Finding>) {
    if reference.contains("${{") || reference.contains('$') {
        return;
    }
    let image = Image::parse(reference);
    if image.digest.is_some() || !image.tag_is_mutable() {
        return;
    }
    let (severity, how) = match image.tag {
        None => (
            Severity::High,
            "has no tag, so it is `latest`: whatever was pushed last".to_owned(),
        ),
        Some(tag) if tag.eq_ignore_ascii_case("latest") => (
            Severity::High,
            "uses `latest`: whatever was pushed last".to_owned(),
        ),
        Some(tag) => (Severity::Medium, format!("uses `{tag}`, a tag that moves")),
    };
    out.push(
        at(Rule::UnpinnedImages, path, at_.pos, &[&at_.text])
            .severity(severity)
            .message(format!("{what} `{reference}` {how}"))
            .help(format!(
                "pin a version and its digest, e.g. `{}:<version>@sha256:<digest>`; `docker buildx imagetools inspect {}:<version>` prints the digest",
                image.name, image.name
            ))
            .build(),
    );
}

static PIPE: crate::knowledge::Lazy = crate::knowledge::Lazy::spans(concat!(
    r"(?im)\b(?:curl|wget|iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n|;]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+\S+\s+)*",
    r"(?:(?:ba|z|da|k|fi)?sh\b|python[0-9.]*\b|perl\b|ruby\b|node\b|php\b|iex\b|invoke-expression\b)",
    r"|\b(?:ba|z)?sh\s+<\s*\(\s*(?:curl|wget)\b|\b(?:ba|z)?sh\s+-c\s+[\x22']?\$\(\s*(?:curl|wget)\b|\bsource\s+<\s*\(\s*(?:curl|wget)\b",
));

fn curl_pipe(
    cx: &Cx<'_>,
    path: &str,
    run: &crate::model::Node,
    identity: &str,
    out: &mut Vec<Finding>,
) {
    let Some(script) = run.as_str() else { return };
    // Most scripts download nothing: a word test spares them the regex.
    let lower = script.to_ascii_lowercase();
    if !(["curl", "wget", "iwr", "irm", "invoke-web", "invoke-rest"]
        .iter()
        .any(|w| lower.contains(w)))
    {
        return;
    }
    for (start, end) in PIPE.find_iter(script) {
        let found = &script[start..end];
        let line = script[..start].rfind('\n').map_or(0, |i| i + 1);
        let text: String = script[line..]
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .chars()
            .take(120)
            .collect();
        out.push(
            at(Rule::CurlPipeShell, path, cx.locate(path, run, start, found), &[identity, found])
                .message(format!("`{text}` runs a downloaded script without checking it"))
                .help("download to a file, check its checksum or signature, then run it: `curl -fsSLo install.sh \"$URL\" && echo \"$SHA256  install.sh\" | sha256sum -c - && sh install.sh`; or install a pinned version with a package manager or a pinned action")
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piped_installers_are_found_and_ordinary_pipes_are_not() {
        for script in [
            "curl -sSL https://install.python-poetry.org | python3 -",
            "curl -fsSL https://get.docker.com | sudo -E sh",
            "wget -qO- https://x.sh | bash",
            "bash <(curl -s https://codecov.io/bash)",
            "sh -c \"$(curl -fsSL https://x/install.sh)\"",
            "iwr https://x/install.ps1 | iex",
        ] {
            assert!(PIPE.is_match(script), "{script}");
        }
        for script in [
            "curl -s https://x | jq .tag",
            "curl -fsSL https://x.gpg | sudo gpg --dearmor -o k.gpg",
            "curl https://x | tee file",
            "cat x | sh",
        ] {
            assert!(!PIPE.is_match(script), "{script}");
        }
    }
}

#[cfg(test)]
mod engines {
    /// Both engines behind `PIPE` find the same spans (the DFA is built to report them: a
    /// DFA with no capture slots found none, and uv's `curl https://pyenv.run | bash` went
    /// unreported once the pattern had switched engines).
    #[test]
    fn both_engines_find_the_same_spans() {
        let source = super::PIPE.source();
        let lite = crate::knowledge::pattern(source);
        let full = crate::knowledge::commands::spans_matcher(source);
        for script in [
            "# Install pyenv\ncurl https://pyenv.run | bash\n\n# Set up\nexport A=1\n",
            "curl -fsSL https://get.example.sh | sudo -E bash -\nwget -qO- x | python3 -",
            "bash <(curl -s https://x) && sh -c \"$(wget -O- https://y)\"",
            "iwr https://x | iex",
            "curl -o f.sh https://x; sh f.sh",
            "\u{e9}t\u{e9}: curl https://x | sh # d\u{e9}j\u{e0}",
        ] {
            let a: Vec<_> = lite
                .find_iter(script)
                .map(|m| (m.start(), m.end()))
                .collect();
            let b: Vec<_> = full
                .find_iter(script.as_bytes())
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(a, b, "{script:?}");
        }
    }
}
