#!/usr/bin/env python3
"""Normalise one secret scanner's report to (repo, path, line) findings, one JSON object a line.

    normalize.py TOOL REPO TREE REPORT >> findings.jsonl

TOOL is `signoff` (its SARIF log: every location and related location of a result),
`betterleaks` (its JSON report) or `kingfisher` (its JSON report). Paths are made relative to
TREE. No secret value is copied: only the rule id, path and lines (end_line is where a
multi-line match such as a private key block or a Kubernetes Secret ends).
"""
import json
import os
import sys


def rel(path, tree):
    path = path.replace("\\", "/")
    for prefix in (tree.rstrip("/") + "/", os.path.abspath(tree).rstrip("/") + "/", "./"):
        if path.startswith(prefix):
            path = path[len(prefix):]
    return path


def signoff(report):
    for run in report.get("runs", []):
        for res in run.get("results", []):
            locs = list(res.get("locations", [])) + list(res.get("relatedLocations", []))
            for loc in locs:
                phys = loc.get("physicalLocation", {})
                uri = phys.get("artifactLocation", {}).get("uri")
                region = phys.get("region", {})
                line = region.get("startLine")
                if uri and line:
                    yield uri, line, region.get("endLine", line), res.get("ruleId", "")


def betterleaks(report):
    items = report.get("findings", []) if isinstance(report, dict) else report
    for f in items or []:
        loc = f.get("location", {})
        path = loc.get("path") or f.get("File")
        line = loc.get("start_line") or f.get("StartLine")
        if path and line:
            end = loc.get("end_line") or f.get("EndLine") or line
            yield path, line, end, f.get("rule_id") or f.get("RuleID", "")


def kingfisher(report):
    for f in report.get("findings", []):
        fd = f.get("finding", {})
        if fd.get("path") and fd.get("line"):
            yield fd["path"], fd["line"], fd["line"], f.get("rule", {}).get("id", "")


def main():
    tool, repo, tree, path = sys.argv[1:5]
    try:
        report = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"normalize: {tool} on {repo}: no readable report at {path}: {e}", file=sys.stderr)
        sys.exit(1)
    parse = {"signoff": signoff, "betterleaks": betterleaks, "kingfisher": kingfisher}[tool]
    for p, line, end, rule in parse(report):
        print(json.dumps({"tool": tool, "repo": repo, "path": rel(p, tree), "line": int(line),
                          "end_line": max(int(end), int(line)), "rule": rule}))


if __name__ == "__main__":
    main()
