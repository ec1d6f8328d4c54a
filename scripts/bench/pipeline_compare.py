#!/usr/bin/env python3
"""Compare signoff-pipeline with zizmor on the four audits both have.

usage: pipeline_compare.py REPOS_DIR [--signoff BIN] [--zizmor BIN] [--data DIR] [--show N]

REPOS_DIR holds one directory per repository (see pipeline_extract.py). Both tools run on
each with their defaults: `zizmor --offline --no-config --no-ignores --format json DIR`
(regular persona; a repository's own zizmor.yml and ignore comments are not read, since
signoff does not read them either) and `signoff-pipeline DIR`.

A finding is the triple (rule, file, line), counted with multiplicity. For
unpinned-uses, excessive-permissions and dangerous-triggers every zizmor finding counts.
For template-injection, zizmor's low and informational findings are left out: they are
expressions zizmor cannot classify ("may expand into attacker-controllable code": step
outputs, env, undeclared inputs), which signoff deliberately does not report; its medium
and high ones are the attacker-controllable values both tools look for.

Agreement per repository and overall = matched / (matched + only-zizmor + only-signoff).
The total is also given matching on (rule, file) only, which pairs the findings both tools
report at different lines of the same file (zizmor places some occurrences of a repeated
expression at the line of an earlier one). Prints the table, the totals per rule and every
disagreement; with --data writes the
normalised findings of both tools per repository as JSON.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

RULES = ("unpinned-uses", "excessive-permissions", "template-injection", "dangerous-triggers")
SEVERE = {"Medium", "High"}


def zizmor_findings(zizmor, repo):
    proc = subprocess.run([zizmor, "--offline", "--no-config", "--no-ignores", "--format", "json", "--no-progress", repo],
                          capture_output=True, text=True)
    if not proc.stdout.strip():
        return None, proc.stderr.strip().splitlines()[-1:] or ["no output"]
    out = []
    for f in json.loads(proc.stdout):
        rule = f["ident"]
        if rule not in RULES:
            continue
        if rule == "template-injection" and f["determinations"]["severity"] not in SEVERE:
            continue
        primary = next((l for l in f["locations"] if l["symbolic"]["kind"] == "Primary"), f["locations"][0])
        path = primary["symbolic"]["key"]["Local"]["verbatim_path"]
        path = os.path.relpath(path, repo) if os.path.isabs(path) else path.split("/", 1)[1]
        out.append((rule, path, primary["concrete"]["location"]["start_point"]["row"] + 1))
    return out, None


def signoff_findings(signoff, repo):
    with tempfile.TemporaryDirectory() as out_dir:
        subprocess.run([signoff, repo, "--out", out_dir], capture_output=True, text=True)
        report = json.load(open(os.path.join(out_dir, "pipeline.gate.json")))
    out = []
    for f in report["findings"]:
        if f["rule"] in RULES:
            loc = f.get("location") or {}
            out.append((f["rule"], loc.get("path", ""), loc.get("line", 1)))
    return out, report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos")
    parser.add_argument("--signoff", default="target/release/signoff-pipeline")
    parser.add_argument("--zizmor", default=os.path.expanduser("~/.cache/signoff-peers/pipeline-venv/bin/zizmor"))
    parser.add_argument("--data")
    parser.add_argument("--show", type=int, default=1000)
    args = parser.parse_args()
    totals = collections.Counter()
    loose = collections.Counter()
    per_rule = collections.defaultdict(collections.Counter)
    disagreements = []
    print(f"{'repository':48} {'both':>5} {'zizmor':>7} {'signoff':>8} {'agree':>7}")
    for name in sorted(os.listdir(args.repos)):
        repo = os.path.join(args.repos, name)
        if not os.path.isdir(repo):
            continue
        theirs, error = zizmor_findings(args.zizmor, repo)
        ours, _ = signoff_findings(args.signoff, repo)
        if theirs is None:
            print(f"{name:48} zizmor could not run: {error[0][:60]}")
            continue
        a, b = collections.Counter(theirs), collections.Counter(ours)
        both = sum((a & b).values())
        only_z = a - b
        only_s = b - a
        n_z, n_s = sum(only_z.values()), sum(only_s.values())
        union = both + n_z + n_s
        print(f"{name:48} {both:5} {n_z:7} {n_s:8} {100.0 * both / union if union else 100.0:6.1f}%")
        totals.update(both=both, zizmor=n_z, signoff=n_s)
        la = collections.Counter((r, p) for r, p, _ in theirs)
        lb = collections.Counter((r, p) for r, p, _ in ours)
        loose.update(both=sum((la & lb).values()), zizmor=sum((la - lb).values()), signoff=sum((lb - la).values()))
        for (rule, _, _), n in (a & b).items():
            per_rule[rule]["both"] += n
        for (rule, path, line), n in only_z.items():
            per_rule[rule]["zizmor"] += n
            disagreements.append((name, "only zizmor", rule, path, line, n))
        for (rule, path, line), n in only_s.items():
            per_rule[rule]["signoff"] += n
            disagreements.append((name, "only signoff", rule, path, line, n))
        if args.data:
            os.makedirs(args.data, exist_ok=True)
            with open(os.path.join(args.data, name + ".json"), "w") as handle:
                json.dump({"repository": name, "zizmor": sorted(theirs), "signoff": sorted(ours)}, handle, indent=1)
                handle.write("\n")
    union = sum(totals.values())
    print(f"{'TOTAL':48} {totals['both']:5} {totals['zizmor']:7} {totals['signoff']:8} {100.0 * totals['both'] / union if union else 100.0:6.1f}%")
    lu = sum(loose.values())
    print(f"{'TOTAL matching (rule, file)':48} {loose['both']:5} {loose['zizmor']:7} {loose['signoff']:8} {100.0 * loose['both'] / lu if lu else 100.0:6.1f}%")
    print()
    for rule in RULES:
        c = per_rule[rule]
        u = sum(c.values())
        print(f"{rule:24} both {c['both']:5}  only zizmor {c['zizmor']:4}  only signoff {c['signoff']:4}  agree {100.0 * c['both'] / u if u else 100.0:5.1f}%")
    print()
    for row in disagreements[: args.show]:
        print("  ".join(str(x) for x in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
