#!/usr/bin/env python3
"""Compare signoff-infra with hadolint and checkov where their rules overlap.

usage: infra_compare.py REPOS_DIR [--signoff BIN] [--hadolint BIN] [--checkov BIN]
                        [--show N] [--json OUT] [--cache DIR]

REPOS_DIR holds one directory per repository (see infra_extract.py). For each repository:

    signoff-infra DIR --out TMP                       (findings with rule, path, line)
    hadolint --format json --no-fail FILE...          (every Dockerfile signoff reads)
    checkov -d DIR -o json --framework dockerfile kubernetes terraform --skip-download

A *case* is one place both tools could speak about:
- checkov: every result (passed or failed) of a mapped check id is a case, at its file and
  line range (a Dockerfile, a Kubernetes object, a Terraform resource or provider); the
  ids mapped to one signoff rule are merged per range (CPU and memory requests and limits
  are one case for `k8s-no-resources`). signoff says yes when a finding of the rule lies in
  the range.
- hadolint reports failures only: a case is a (file, line) where either tool reports.
A signoff finding of a mapped rule in no case of the peer is a case of its own ("signoff
only, the peer did not look there").

Agreement per mapped rule = cases where both say the same / all cases. Disagreements are
listed with both sides, so each class can be explained in BENCHMARKS.md.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

NOT_OWN = {".git", "node_modules", "vendor", "third_party", "fixtures", "testdata",
           "__fixtures__", ".terraform"}

# (label, signoff rule, filter on the finding, tool, peer check ids)
MAP = [
    ("base image latest/untagged", "docker-unpinned-base",
     lambda f: f["details"].get("pin") in ("latest", "untagged"), "hadolint", ["DL3006", "DL3007"]),
    ("base image latest/untagged", "docker-unpinned-base",
     lambda f: f["details"].get("pin") in ("latest", "untagged"), "checkov", ["CKV_DOCKER_7"]),
    ("final USER root", "docker-root-user",
     lambda f: f["details"].get("user") == "root", "hadolint", ["DL3002"]),
    ("no USER / USER root", "docker-root-user", None, "checkov", ["CKV_DOCKER_3", "CKV_DOCKER_8"]),
    ("no HEALTHCHECK", "docker-no-healthcheck", None, "checkov", ["CKV_DOCKER_2"]),
    ("shell-form CMD/ENTRYPOINT", "docker-shell-form", None, "hadolint", ["DL3025"]),
    # DL3015 looks at `apt-get install` only; `apt install` (also judged by signoff) is
    # reported separately below as a class of its own.
    ("apt-get without --no-install-recommends", "docker-apt-recommends",
     lambda f: f["details"].get("command") == "apt-get", "hadolint", ["DL3015"]),
    ("k8s privileged", "k8s-privileged", None, "checkov", ["CKV_K8S_16"]),
    ("k8s host namespaces", "k8s-host-namespace", None, "checkov", ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"]),
    ("k8s privilege escalation", "k8s-privilege-escalation", None, "checkov", ["CKV_K8S_20"]),
    ("k8s read-only root fs", "k8s-writable-root-fs", None, "checkov", ["CKV_K8S_22"]),
    ("k8s root containers", "k8s-run-as-root", None, "checkov", ["CKV_K8S_23"]),
    ("k8s capabilities not dropped", "k8s-capabilities", None, "checkov", ["CKV_K8S_37"]),
    ("k8s image latest/untagged", "k8s-unpinned-image",
     lambda f: f["details"].get("pin") in ("latest", "untagged"), "checkov", ["CKV_K8S_14"]),
    # An image a variable decides is reported as not judged (info), which is no claim
    # that it lacks a digest.
    ("k8s image without digest", "k8s-unpinned-image",
     lambda f: f["details"].get("pin") not in ("variable", "built"), "checkov", ["CKV_K8S_43"]),
    ("k8s resources", "k8s-no-resources", None, "checkov", ["CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"]),
    ("k8s probes", "k8s-no-probes", None, "checkov", ["CKV_K8S_8", "CKV_K8S_9"]),
    ("tf unencrypted storage", "tf-unencrypted-storage", None, "checkov",
     ["CKV_AWS_16", "CKV_AWS_96", "CKV_AWS_3", "CKV_AWS_42", "CKV_AWS_64", "CKV_AWS_29", "CKV_AWS_74", "CKV_AWS_44"]),
    ("tf public storage", "tf-public-storage", None, "checkov",
     ["CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_17", "CKV_GCP_28", "CKV_AZURE_34", "CKV_AZURE_190", "CKV_AZURE_59"]),
    ("tf provider credentials", "tf-provider-credentials", None, "checkov", ["CKV_AWS_41"]),
]

# The names signoff-infra reads as Dockerfiles (crates/infra/src/load.rs, is_dockerfile).
DOCKERFILE = re.compile(r"^(?i:dockerfile|containerfile)$|^(Dockerfile|Containerfile)[.-].+|(?i:\.dockerfile|\.containerfile)$")
NOT_DOCKERFILE = re.compile(r"\.(rs|go|py|js|ts|java|rb|sh|md|txt|json|ya?ml|toml|snap|j2|jinja2?|tpl|tmpl|template|erb|mustache|hbs|orig|bak|swp|lock|log|html|cs|kt|php|dockerignore)$", re.I)


def own(path):
    return not any(part in NOT_OWN for part in path.split("/"))


def dockerfiles(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in NOT_OWN]
        for name in filenames:
            if DOCKERFILE.search(name) and not (NOT_DOCKERFILE.search(name) and name.lower() not in ("dockerfile", "containerfile")):
                out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(out)


def instruction_starts(path):
    """For each line of a Dockerfile, the line its instruction starts on (hadolint reports
    an instruction at its first line; signoff at the text it is about)."""
    starts, current, continuing = {}, 1, False
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    except OSError:
        return starts
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\r").strip()
        if not continuing and text and not text.startswith("#"):
            current = number
        starts[number] = current
        if text.startswith("#") and continuing:
            continue
        continuing = text.endswith("\\") or (continuing and not text)
    return starts


def run_signoff(binary, root):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, root, "--out", out], capture_output=True)
        report = json.load(open(os.path.join(out, "infra.gate.json")))
    return report["findings"]


def run_hadolint(binary, root, files):
    if not files:
        return []
    result = subprocess.run([binary, "--format", "json", "--no-fail", *files], cwd=root,
                            capture_output=True, text=True)
    try:
        return json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        return []


def checkov_results(binary, root, cache=None):
    cached = os.path.join(cache, os.path.basename(root) + ".checkov.json") if cache else None
    if cached and os.path.exists(cached):
        return [tuple(r) for r in json.load(open(cached))]
    out = checkov_run(binary, root)
    if cached:
        os.makedirs(cache, exist_ok=True)
        json.dump(out, open(cached, "w"))
    return out


def checkov_run(binary, root):
    result = subprocess.run(
        [binary, "-d", ".", "-o", "json", "--framework", "dockerfile", "kubernetes", "terraform",
         "--skip-download", "--soft-fail", "--compact"],
        cwd=root, capture_output=True, text=True)
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError:
        return []
    if isinstance(data, dict):
        data = [data]
    out = []
    for block in data:
        results = block.get("results", {}) if isinstance(block, dict) else {}
        for status, key in (("FAILED", "failed_checks"), ("PASSED", "passed_checks")):
            for check in results.get(key, []):
                path = check.get("file_path", "").lstrip("/")
                if path.startswith("./"):
                    path = path[2:]
                start, end = (check.get("file_line_range") or [0, 0])[:2]
                out.append((check["check_id"], path, start, end, status == "FAILED",
                            check.get("resource", "")))
    return out


def compare(args):
    totals = collections.defaultdict(lambda: collections.Counter())
    disagreements = collections.defaultdict(list)
    repos = sorted(d for d in os.listdir(args.repos) if os.path.isdir(os.path.join(args.repos, d)))
    for repo in repos:
        root = os.path.join(args.repos, repo)
        ours = run_signoff(args.signoff, root)
        files = dockerfiles(root)
        hadolint = run_hadolint(args.hadolint, root, files)
        checkov = checkov_results(args.checkov, root, args.cache) if args.checkov else []
        for label, rule, keep, tool, ids in MAP:
            mine = [f for f in ours if f["rule"] == rule and (keep is None or keep(f))
                    and f.get("location", {}).get("line")]
            used = set()
            cases = []
            if tool == "hadolint":
                peer = {(h["file"], h["line"]) for h in hadolint if h.get("code") in ids}
                # A file hadolint cannot parse (DL1000) gets no other result from it.
                unparsed = {h["file"] for h in hadolint if h.get("code") == "DL1000"}
                starts = {}
                places = set()
                for f in mine:
                    path = f["location"]["path"]
                    if path not in starts:
                        starts[path] = instruction_starts(os.path.join(root, path))
                    line = f["location"]["line"]
                    places.add((path, starts[path].get(line, line)))
                for place in sorted(peer | places):
                    if place[0] in unparsed:
                        cases.append((place, place in places, None, "hadolint could not parse the file"))
                        continue
                    cases.append((place, place in places, place in peer, ""))
            else:
                units = {}
                for check_id, path, start, end, failed, resource in checkov:
                    if check_id not in ids or not own(path):
                        continue
                    # Checks of a whole Dockerfile (no HEALTHCHECK, no USER) are one case
                    # per file: checkov's range for them is not the final stage's.
                    if all(i.startswith("CKV_DOCKER_") for i in ids):
                        start, end = 0, 10**9
                    key = (path, start, end)
                    prev = units.get(key, (False, resource))
                    units[key] = (prev[0] or failed, resource)
                for (path, start, end), (failed, resource) in sorted(units.items()):
                    hits = [i for i, f in enumerate(mine) if f["location"]["path"] == path
                            and start <= f["location"]["line"] <= end]
                    used.update(hits)
                    cases.append(((path, start), bool(hits), failed, resource))
                for i, f in enumerate(mine):
                    if i not in used:
                        cases.append(((f["location"]["path"], f["location"]["line"]), True,
                                      None, "checkov has no result here"))
            key = (label, tool)
            for place, yes, peer_yes, note in cases:
                totals[key]["cases"] += 1
                if peer_yes is None:
                    totals[key]["signoff_only_unseen"] += 1
                    disagreements[key].append((repo, place, "signoff only (peer did not look)", note))
                elif yes == peer_yes:
                    totals[key]["agree"] += 1
                    totals[key]["both" if yes else "neither"] += 1
                else:
                    side = "signoff only" if yes else f"{tool} only"
                    totals[key]["signoff_only" if yes else "peer_only"] += 1
                    disagreements[key].append((repo, place, side, note))
        # Outside the peers' scope: `apt install` (DL3015 reads `apt-get` only).
        apt = [f for f in ours if f["rule"] == "docker-apt-recommends"
               and f["details"].get("command") == "apt"]
        totals[("apt install (not apt-get): outside DL3015", "hadolint")]["outside_scope"] += len(apt)
    return repos, totals, disagreements


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos")
    parser.add_argument("--signoff", default="target/release/signoff-infra")
    parser.add_argument("--hadolint", default=os.path.expanduser("~/.cache/signoff-peers/infra-venv/bin/hadolint"))
    parser.add_argument("--checkov", default=os.path.expanduser("~/.cache/signoff-peers/infra-venv/bin/checkov"))
    parser.add_argument("--show", type=int, default=5)
    parser.add_argument("--cache", help="keep checkov's results here (it takes minutes) and reuse them")
    parser.add_argument("--json")
    args = parser.parse_args()
    repos, totals, disagreements = compare(args)
    print(f"{len(repos)} repositories")
    print("cases: places either tool could judge; unseen: signoff reports where the peer read nothing")
    print("(it could not parse the file, or does not read that kind); % read: agreement without those")
    print(f"{'rule':40} {'peer':9} {'cases':>6} {'agree':>6} {'%':>6} {'% read':>6} {'both':>5} {'neither':>7} {'ours':>5} {'peer':>5} {'unseen':>6}")
    all_cases = all_agree = 0
    for (label, tool), c in totals.items():
        if "outside_scope" in c:
            print(f"{label:40} {tool:9} signoff reports {c['outside_scope']} (not counted above)")
            continue
        pct = 100.0 * c["agree"] / c["cases"] if c["cases"] else 100.0
        all_cases += c["cases"]
        all_agree += c["agree"]
        read = c["cases"] - c["signoff_only_unseen"]
        pct_read = 100.0 * c["agree"] / read if read else 100.0
        print(f"{label:40} {tool:9} {c['cases']:6} {c['agree']:6} {pct:6.1f} {pct_read:6.1f} {c['both']:5} {c['neither']:7} {c['signoff_only']:5} {c['peer_only']:5} {c['signoff_only_unseen']:6}")
    if all_cases:
        print(f"{'all mapped rules':40} {'':9} {all_cases:6} {all_agree:6} {100.0 * all_agree / all_cases:6.1f}")
    for (label, tool), items in disagreements.items():
        if not items:
            continue
        print(f"\n## {label} ({tool}): {len(items)} disagreements")
        for repo, place, side, note in items[: args.show]:
            print(f"  {side:34} {repo}/{place[0]}:{place[1]} {note}")
    if args.json:
        json.dump({"totals": {f"{l} ({t})": dict(c) for (l, t), c in totals.items()},
                   "disagreements": {f"{l} ({t})": items for (l, t), items in disagreements.items()}},
                  open(args.json, "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
