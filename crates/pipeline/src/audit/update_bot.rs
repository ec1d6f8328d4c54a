//! Dependency update coverage: Dependabot or Renovate must exist, and cover every package
//! ecosystem the repository's manifests show, `github-actions` included (pinned SHAs only
//! stay safe when something bumps them). Renovate covers everything it knows unless
//! `enabledManagers` narrows it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex_lite::Regex;
use signoff_core::report::Finding;

use super::{Audit, Cx, Rule, at};
use crate::model::{Node, Pos};

pub(crate) struct UpdateBot;

impl Audit for UpdateBot {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::MissingUpdateBot, Rule::UpdateBotGap]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let mut found: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for manifest in &cx.repo.manifests {
            found
                .entry(manifest.ecosystem)
                .or_default()
                .push(&manifest.path);
        }
        if found.is_empty() {
            return;
        }
        let covered: Option<(String, Pos, Vec<String>)> =
            match (&cx.repo.dependabot, &cx.repo.renovate) {
                (Some((path, doc)), _) => {
                    Some((path.clone(), updates_pos(doc), dependabot_ecosystems(doc)))
                }
                (None, Some((path, text))) => match renovate_managers(text) {
                    None => return,
                    Some(ecosystems) => Some((path.clone(), Pos::default(), ecosystems)),
                },
                (None, None) => None,
            };
        let Some((path, pos, covered)) = covered else {
            let names: Vec<String> = found.keys().map(|e| format!("`{e}`")).collect();
            out.push(
                at(Rule::MissingUpdateBot, ".github/dependabot.yml", Pos::default(), &["update-bot"])
                    .message(format!("neither Dependabot nor Renovate is configured, so nothing proposes updates for {}", names.join(", ")))
                    .help(format!("add `.github/dependabot.yml`:\n  version: 2\n  updates:\n{}", snippet(found.keys().copied())))
                    .build(),
            );
            return;
        };
        for (ecosystem, paths) in &found {
            if covered.iter().any(|c| covers(c, ecosystem)) {
                continue;
            }
            let mut shown: Vec<String> = paths.iter().take(4).map(|p| format!("`{p}`")).collect();
            if paths.len() > 4 {
                shown.push(format!("{} more", paths.len() - 4));
            }
            out.push(
                at(Rule::UpdateBotGap, &path, pos, &[ecosystem])
                    .message(format!(
                        "`{ecosystem}` is used ({}) but the update configuration does not cover it",
                        shown.join(", ")
                    ))
                    .help(format!(
                        "add to `updates:`:\n{}",
                        snippet([*ecosystem].into_iter())
                    ))
                    .detail("ecosystem", *ecosystem)
                    .build(),
            );
        }
    }
}

fn snippet<'a>(ecosystems: impl Iterator<Item = &'a str>) -> String {
    ecosystems
        .map(|e| format!("    - package-ecosystem: {e}\n      directory: /\n      schedule: {{interval: weekly}}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn updates_pos(doc: &Node) -> Pos {
    doc.entry("updates")
        .map(|e| e.key.pos)
        .unwrap_or(Pos { line: 1, column: 1 })
}

fn dependabot_ecosystems(doc: &Node) -> Vec<String> {
    doc.get("updates")
        .map(|u| {
            u.items()
                .iter()
                .filter_map(|item| item.get("package-ecosystem").and_then(Node::as_str))
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a configured ecosystem (Dependabot's or Renovate's name) covers one found.
fn covers(configured: &str, found: &str) -> bool {
    configured == found
        || matches!(
            (configured, found),
            ("bun" | "yarn" | "pnpm", "npm")
                | ("uv" | "pipenv" | "poetry" | "pip-compile", "pip")
                | ("docker-compose", "docker")
                | ("dotnet-sdk", "nuget")
                | ("*", _)
        )
}

static ENABLED: LazyLock<Regex> =
    LazyLock::new(|| crate::knowledge::pattern(r#"["']?enabledManagers["']?\s*:\s*\[([^\]]*)\]"#));

static DISABLED: LazyLock<Regex> =
    LazyLock::new(|| crate::knowledge::pattern(r#"^\s*\{\s*["']?enabled["']?\s*:\s*false"#));

/// The ecosystems a Renovate configuration covers: all (`*`) unless `enabledManagers`
/// lists managers; `None` when Renovate is switched off (`"enabled": false`).
fn renovate_managers(text: &str) -> Option<Vec<String>> {
    if DISABLED.is_match(text) {
        return None;
    }
    let Some(list) = ENABLED.captures(text).and_then(|c| c.get(1)) else {
        return Some(vec!["*".to_owned()]);
    };
    Some(
        list.as_str()
            .split(',')
            .map(|m| m.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
            .filter(|m| !m.is_empty())
            .map(|manager| {
                match manager.as_str() {
                    "pip_requirements" | "pip_setup" | "pep621" | "pipenv" | "poetry"
                    | "setup-cfg" | "pip-compile" => "pip",
                    "dockerfile" | "docker-compose" => "docker",
                    "gomod" => "gomod",
                    "helmv3" | "helm-values" => "helm",
                    "gitsubmodules" => "gitsubmodule",
                    "devcontainer" => "devcontainers",
                    "terraform" | "terragrunt" => "terraform",
                    "github-actions" => "github-actions",
                    other => return other.to_owned(),
                }
                .to_owned()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renovate_covers_all_unless_narrowed() {
        assert_eq!(
            renovate_managers("{\"extends\": [\"config:base\"]}"),
            Some(vec!["*".to_owned()])
        );
        assert_eq!(
            renovate_managers("{enabledManagers: ['npm', 'dockerfile']}"),
            Some(vec!["npm".to_owned(), "docker".to_owned()])
        );
        assert_eq!(renovate_managers("{\"enabled\": false}"), None);
        assert!(covers("*", "cargo"));
        assert!(covers("uv", "pip"));
        assert!(!covers("npm", "github-actions"));
    }
}
