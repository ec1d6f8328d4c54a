#!/usr/bin/env python3
"""Compare signoff-pipeline with actionlint where their checks overlap.

usage: pipeline_actionlint.py REPOS_DIR [--signoff BIN] [--actionlint BIN] [--show N]

REPOS_DIR holds one directory per repository (see pipeline_extract.py). actionlint reads
only workflow files, so both sides are restricted to `.github/workflows/*.y{a,}ml`:

    actionlint -format '{{json .}}' -shellcheck= -pyflakes= .github/workflows/*.yml …
    signoff-pipeline DIR --out TMP

Two overlaps are compared:

- untrusted input: actionlint's `expression` errors saying a value "is potentially
  untrusted" against signoff's `template-injection` findings whose context is a
  `github.event.*` or `github.head_ref` value (the values actionlint's list covers;
  signoff also reports free-text inputs and run-time matrices, which actionlint does not),
  as (file, line, context) triples counted with multiplicity;
- unreadable workflows: the files actionlint cannot parse as YAML (a `syntax-check` error
  with "could not parse as YAML") against the files signoff reports as `invalid-workflow`.

actionlint places an expression inside a `run: |` block at the line of `run:` (with a
column past its end), so the untrusted-input total is also given matching on (file,
context) only. Prints both agreements per repository and overall, then every disagreement.
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

UNTRUSTED = re.compile(r'"([^"]+)" is potentially untrusted')


def actionlint(binary, repo):
    files = sorted(glob.glob(os.path.join(repo, ".github/workflows/*.yml"))
                   + glob.glob(os.path.join(repo, ".github/workflows/*.yaml")))
    if not files:
        return [], set()
    rel = [os.path.relpath(f, repo) for f in files]
    proc = subprocess.run([binary, "-format", "{{json .}}", "-shellcheck=", "-pyflakes=", *rel],
                          cwd=repo, capture_output=True, text=True)
    errors = json.loads(proc.stdout or "[]")
    untrusted, broken = [], set()
    for e in errors:
        if e["kind"] == "expression":
            m = UNTRUSTED.search(e["message"])
            if m:
                untrusted.append((e["filepath"], e["line"], m.group(1)))
        elif e["kind"] == "syntax-check" and "could not parse as YAML" in e["message"]:
            broken.add(e["filepath"])
    return untrusted, broken


def signoff(binary, repo):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, repo, "--out", out], capture_output=True)
        report = json.load(open(os.path.join(out, "pipeline.gate.json")))
    untrusted, broken = [], set()
    for f in report["findings"]:
        loc = f.get("location") or {}
        path = loc.get("path", "")
        if not path.startswith(".github/workflows/"):
            continue
        if f["rule"] == "invalid-workflow":
            broken.add(path)
        ctx = (f.get("details") or {}).get("context", "")
        if f["rule"] == "template-injection" and (ctx.startswith("github.event.") or ctx == "github.head_ref"):
            untrusted.append((path, loc.get("line", 0), ctx))
    return untrusted, broken


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos")
    parser.add_argument("--signoff", default="target/release/signoff-pipeline")
    parser.add_argument("--actionlint", default=os.path.expanduser("~/.cache/signoff-peers/pipeline-venv/bin/actionlint"))
    parser.add_argument("--show", type=int, default=1000)
    args = parser.parse_args()
    total = collections.Counter()
    loose = collections.Counter()
    rows = []
    print(f"{'repository':48} {'untrusted: both':>15} {'actionlint':>10} {'signoff':>8}   {'unparsable files: both':>22} {'actionlint':>10} {'signoff':>8}")
    for name in sorted(os.listdir(args.repos)):
        repo = os.path.join(args.repos, name)
        if not os.path.isdir(repo):
            continue
        (al_u, al_b), (so_u, so_b) = actionlint(args.actionlint, repo), signoff(args.signoff, repo)
        a, b = collections.Counter(al_u), collections.Counter(so_u)
        both, only_a, only_s = a & b, a - b, b - a
        la = collections.Counter((f, c) for f, _, c in al_u)
        lb = collections.Counter((f, c) for f, _, c in so_u)
        loose.update(both=sum((la & lb).values()), al=sum((la - lb).values()), so=sum((lb - la).values()))
        counts = (sum(both.values()), sum(only_a.values()), sum(only_s.values()),
                  len(al_b & so_b), len(al_b - so_b), len(so_b - al_b))
        for key, n in zip(("u_both", "u_al", "u_so", "b_both", "b_al", "b_so"), counts):
            total[key] += n
        print(f"{name:48} {counts[0]:15} {counts[1]:10} {counts[2]:8}   {counts[3]:22} {counts[4]:10} {counts[5]:8}")
        rows += [(name, "only actionlint", "untrusted", *k) for k in only_a.elements()]
        rows += [(name, "only signoff", "untrusted", *k) for k in only_s.elements()]
        rows += [(name, "only actionlint", "unparsable", f) for f in sorted(al_b - so_b)]
        rows += [(name, "only signoff", "unparsable", f) for f in sorted(so_b - al_b)]
    print(f"{'TOTAL':48} {total['u_both']:15} {total['u_al']:10} {total['u_so']:8}   {total['b_both']:22} {total['b_al']:10} {total['b_so']:8}")
    for kind, keys in (("untrusted input", ("u_both", "u_al", "u_so")), ("unparsable files", ("b_both", "b_al", "b_so"))):
        union = sum(total[k] for k in keys)
        print(f"{kind}: agree {100.0 * total[keys[0]] / union if union else 100.0:.1f}% of {union}")
    lu = sum(loose.values())
    print(f"untrusted input matching (file, context): agree {100.0 * loose['both'] / lu if lu else 100.0:.1f}% of {lu} (both {loose['both']}, only actionlint {loose['al']}, only signoff {loose['so']})")
    print()
    for row in rows[: args.show]:
        print("  ".join(str(x) for x in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
