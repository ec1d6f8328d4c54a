#!/usr/bin/env python3
"""Precision of the deploy jobs signoff-pipeline finds, against the hand labels.

usage: pipeline_deploys.py REPOS_DIR [--signoff BIN] [--labels FILE]

Runs the gate on every repository of REPOS_DIR (see pipeline_extract.py), reads the deploy
jobs it reports (`details.deploys` of pipeline.gate.json) and joins them with
pipeline-deploys.tsv by repository, workflow and job. Prints precision overall and per set
(tuning, held-out-N), and every detection the labels do not know (to label by hand) or
that is labelled but no longer found.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos")
    parser.add_argument("--signoff", default="target/release/signoff-pipeline")
    parser.add_argument("--labels", default=os.path.join(HERE, "pipeline-deploys.tsv"))
    args = parser.parse_args()
    labels = {}
    sets = {}
    with open(args.labels) as handle:
        header = None
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if header is None:
                header = fields
                continue
            row = dict(zip(header, fields))
            key = (row["repository"].replace("/", "+", 1), row["workflow"], row["job"])
            labels[key] = row["label"]
            sets[row["repository"].replace("/", "+", 1)] = row["set"]
    found = set()
    tally = collections.defaultdict(collections.Counter)
    unknown = []
    for name in sorted(os.listdir(args.repos)):
        repo = os.path.join(args.repos, name)
        if not os.path.isdir(repo):
            continue
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([args.signoff, repo, "--out", out], capture_output=True)
            report = json.load(open(os.path.join(out, "pipeline.gate.json")))
        for deploy in report["details"].get("deploys", []):
            key = (name, deploy["workflow"], deploy["job"])
            found.add(key)
            label = labels.get(key)
            if label is None:
                unknown.append(key)
                continue
            group = sets.get(name, "unlabelled")
            tally[group][label] += 1
            tally["all"][label] += 1
    for group in sorted(tally):
        c = tally[group]
        n = c["deploy"] + c["not-deploy"]
        print(f"{group:12} found {n:4}  deploys {c['deploy']:4}  not {c['not-deploy']:3}  precision {c['deploy'] / n if n else 1.0:.3f}")
    for key in unknown:
        print("unlabelled:", *key)
    for key in sorted(set(labels) - found):
        print("labelled but not found:", *key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
