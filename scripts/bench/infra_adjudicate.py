#!/usr/bin/env python3
"""Judge each disagreement of infra_compare.py: who is right, signoff or the peer?

usage: infra_adjudicate.py draft  COMPARE_JSON REPOS_DIR SET   > rows.tsv
       infra_adjudicate.py score  COMPARE_JSON LABELS_TSV SET

COMPARE_JSON is what `infra_compare.py REPOS_DIR --json OUT` wrote; SET names the set
(`dev` or `heldout`) in the labels file, `scripts/bench/infra-adjudicated.tsv`.

`draft` prints one row per disagreement with the classes that a check of the file itself
can settle, each with its evidence:
- kustomize-patch: the file is listed under `patches:` or `patchesStrategicMerge:` of a
  kustomization in its directory, so it is a partial object merged onto a base; the peer
  judged it as a whole object (a container with no image, a pod with no containers).
- nonroot-base: the final stage builds from an image tagged `nonroot` (distroless: uid
  65532), so the container does not run as root without a `USER` line.
- peer-unread: the peer gave no result for the file (a hidden directory, a Dockerfile
  named otherwise, `generateName`, placeholders); signoff's finding has to be read by hand.
Rows it cannot settle say `?`; they are labelled by reading the file, and the labels file
keeps the reason.

`score` prints per rule the agreement with the peer and how many cases each tool got right
once the disagreements are judged (verdict `signoff`, `peer`, `both` when each reading is
defensible, `neither` when neither tool says what is true). Cases where both tools say the same are counted as
right for both (they are not judged one by one).
"""
import collections
import csv
import json
import os
import re
import sys

FIELDS = ["set", "rule", "repository", "file", "line", "side", "verdict", "class", "reason"]


def kustomizations(directory):
    for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            yield path


def patched_by(repo_dir, rel):
    """The kustomization that lists `rel` as a patch, if one does."""
    directory = os.path.dirname(os.path.join(repo_dir, rel))
    base = os.path.basename(rel)
    for path in kustomizations(directory):
        text = open(path, encoding="utf-8", errors="replace").read()
        in_patches = False
        for line in text.splitlines():
            if re.match(r"^(patches|patchesStrategicMerge|patchesJson6902):", line):
                in_patches = True
                continue
            if re.match(r"^[^\s-]", line):
                in_patches = False
            if in_patches and re.search(r"(?:path:\s*|-\s*)\.?/?" + re.escape(base) + r"\s*$", line):
                return os.path.relpath(path, repo_dir)
    return None


def final_from(repo_dir, rel):
    froms = []
    for line in open(os.path.join(repo_dir, rel), encoding="utf-8", errors="replace"):
        if re.match(r"(?i)^\s*FROM\s", line):
            froms.append(line.strip())
    return froms[-1] if froms else ""


def draft(compare, repos_dir, set_name):
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(FIELDS)
    for rule, items in compare["disagreements"].items():
        for repo, (rel, line), side, peer_says in items:
            repo_dir = os.path.join(repos_dir, repo)
            verdict, klass, reason = "?", "", peer_says
            patch = patched_by(repo_dir, rel) if rel.endswith((".yaml", ".yml")) else None
            if side.startswith("checkov only") and patch:
                verdict, klass = "signoff", "kustomize-patch"
                reason = f"a patch listed in {patch}: its base sets what the patch leaves out"
            elif side.startswith("checkov only") and "USER" in rule and "nonroot" in final_from(repo_dir, rel):
                verdict, klass = "signoff", "nonroot-base"
                reason = f"final stage `{final_from(repo_dir, rel)[:90]}` runs as uid 65532"
            elif "peer did not look" in side:
                klass = "peer-unread"
            out.writerow([set_name, rule, repo, rel, line, side, verdict, klass, reason])


def score(compare, labels_path, set_name):
    labels = {}
    with open(labels_path, encoding="utf-8") as handle:
        rows = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            if row["set"] == set_name:
                labels[(row["rule"], row["repository"], row["file"], str(row["line"]), row["side"])] = row
    print(f"{'rule (peer)':52} {'cases':>6} {'agree':>6} {'%':>6} {'signoff right':>14} {'peer right':>11}")
    all_cases = all_agree = all_ours = all_peer = 0
    missing = 0
    for rule, counts in compare["totals"].items():
        cases, agree = counts.get("cases", 0), counts.get("agree", 0)
        ours = peer = agree
        for repo, (rel, line), side, _ in compare["disagreements"].get(rule, []):
            row = labels.get((rule, repo, rel, str(line), side))
            if row is None or row["verdict"] not in ("signoff", "peer", "both", "neither"):
                missing += 1
                print(f"  unlabelled: {rule} {repo}/{rel}:{line} {side}", file=sys.stderr)
                continue
            ours += row["verdict"] in ("signoff", "both")
            peer += row["verdict"] in ("peer", "both")
        all_cases, all_agree, all_ours, all_peer = all_cases + cases, all_agree + agree, all_ours + ours, all_peer + peer
        if cases:
            print(f"{rule:52} {cases:6} {agree:6} {100 * agree / cases:6.1f} {100 * ours / cases:13.1f}% {100 * peer / cases:10.1f}%")
    print(f"{'all mapped rules':52} {all_cases:6} {all_agree:6} {100 * all_agree / all_cases:6.1f} "
          f"{100 * all_ours / all_cases:13.1f}% {100 * all_peer / all_cases:10.1f}%")
    if missing:
        print(f"{missing} disagreements have no label", file=sys.stderr)
        return 1
    return 0


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("draft", "score"):
        print(__doc__, file=sys.stderr)
        return 2
    compare = json.load(open(sys.argv[2], encoding="utf-8"))
    if sys.argv[1] == "draft":
        draft(compare, sys.argv[3], sys.argv[4])
        return 0
    return score(compare, sys.argv[3], sys.argv[4])


if __name__ == "__main__":
    sys.exit(main())
