#!/usr/bin/env python3
"""Score secret scanners' findings on real repositories against hand labels.

    score.py --repos repos.tsv --labels labels.jsonl --findings findings.jsonl --runs runs.jsonl
             [--leaky leaky-repo-expected.jsonl] [--trees DIR] [--json OUT]
             [--unlabeled-out FILE] [--catalogue TOOL] [--by-repo]

A finding is a (repo, path, line..end_line) from normalize.py, deduplicated per tool and first
line. A label covers lines line..end_line (end_line defaults to line; a private key block spans
several lines). A finding takes the label at its first line, else a positive label its span
touches (a Kubernetes Secret match that starts at `kind: Secret`), else any label it touches;
a positive line is hit when any finding's span touches it.
Positives are lines labeled `credential` or `weak-credential`.

  precision = findings on positive lines / all findings      (per tool, deduplicated per path:line)
  recall    = positive lines hit by a finding / positive lines

Findings on lines without a label are printed as UNLABELED and count as false positives until
someone who did not write the scanner labels them; --unlabeled-out writes them as ready-to-label
records (the line's shape with every value redacted, never the value). Only (tool, repo) pairs
that ran (runs.jsonl) are scored; a tool that failed on a repository is named, never scored as
silent. The leaked-config benchmark (set `leaky` in repos.tsv) is scored apart: the share of
its risky lines (--leaky) each tool hits. The held-out set (set `heldout`: repositories chosen
after the scanner's rules were written, never used to tune them) is scored like the main set and
printed after it, never mixed into it.
"""
import argparse
import collections
import json
import os
import re
import sys

LABELS = ("credential", "weak-credential", "placeholder", "not-credential")
POSITIVE = {"credential", "weak-credential"}
CONTEXTS = ("code", "test", "fixture", "example", "docs", "vendor", "deploy-config")
TOOLS = ("signoff", "betterleaks", "kingfisher")


def die(msg):
    print(f"score.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append((n, json.loads(line)))
            except ValueError as e:
                die(f"{path}:{n}: not JSON ({e}); fix the line")
    return out


def read_repos(path):
    repos = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 4:
            die(f"{path}:{n}: want repo<TAB>commit<TAB>set<TAB>kind<TAB>why")
        repos[cols[0]] = {"commit": cols[1], "set": cols[2], "kind": cols[3]}
    return repos


class Labels:
    """Labels indexed by (repo, path); a lookup finds the label whose span holds a line."""

    def __init__(self, path, repos):
        self.by_file = collections.defaultdict(list)
        self.all = []
        seen = set()
        for n, rec in read_jsonl(path):
            where = f"{path}:{n}"
            for field in ("repo", "commit", "path", "line", "label", "kind", "context", "note"):
                if field not in rec:
                    die(f"{where}: missing field `{field}`")
            if rec["label"] not in LABELS:
                die(f"{where}: label `{rec['label']}` is not one of {', '.join(LABELS)}")
            if rec["context"] not in CONTEXTS:
                die(f"{where}: context `{rec['context']}` is not one of {', '.join(CONTEXTS)}")
            repo = repos.get(rec["repo"])
            if repo is None:
                die(f"{where}: repository {rec['repo']} is not in repos.tsv")
            if repo["commit"] != rec["commit"]:
                die(f"{where}: labeled at {rec['commit'][:12]} but repos.tsv pins {repo['commit'][:12]}; relabel")
            rec.setdefault("end_line", rec["line"])
            key = (rec["repo"], rec["path"], rec["line"])
            if key in seen:
                die(f"{where}: {rec['path']}:{rec['line']} in {rec['repo']} is labeled twice")
            seen.add(key)
            self.by_file[(rec["repo"], rec["path"])].append(rec)
            self.all.append(rec)

    def at(self, repo, path, line, end=None):
        """The label of a finding on lines line..end: the one at its first line, else a positive
        label inside the span, else any label whose lines the span touches."""
        end = line if end is None else end
        touching = []
        for rec in self.by_file.get((repo, path), ()):
            if rec["line"] == line:
                return rec
            if rec["line"] <= end and line <= rec["end_line"]:
                touching.append(rec)
        touching.sort(key=lambda r: (r["label"] not in POSITIVE, abs(r["line"] - line)))
        return touching[0] if touching else None


def ratio(a, b):
    return f"{a / b:.3f}" if b else "  n/a"


def score_tool(tool, labels, findings, ran, repos):
    """Classify one tool's findings and the positive lines it hits on the given repositories."""
    res = {"tp": [], "fp": [], "unlabeled": [], "hit": set()}
    spans = collections.defaultdict(list)
    for (repo, path, line), end in sorted(findings[tool].items()):
        if repo not in repos or (tool, repo) not in ran:
            continue
        spans[(repo, path)].append((line, end))
        rec = labels.at(repo, path, line, end)
        if rec is None:
            res["unlabeled"].append((repo, path, line))
        elif rec["label"] in POSITIVE:
            res["tp"].append(rec)
        else:
            res["fp"].append(rec)
    res["positives"] = [r for r in labels.all if r["repo"] in repos and r["label"] in POSITIVE
                        and (tool, r["repo"]) in ran]
    for r in res["positives"]:
        if any(a <= r["end_line"] and r["line"] <= b for a, b in spans.get((r["repo"], r["path"]), ())):
            res["hit"].add(id(r))
    n = len(res["tp"]) + len(res["fp"]) + len(res["unlabeled"])
    res["findings"] = n
    res["precision"] = len(res["tp"]) / n if n else None
    res["hits"] = len(res["hit"])
    res["recall"] = res["hits"] / len(res["positives"]) if res["positives"] else None
    return res


def breakdown(title, field, labels, results, tools, repos):
    """Per value of a label field: positives and hits (recall), and findings on/off positives."""
    print(f"\n{title} (recall = hits/positives; findings on lines labeled with this {field}: tp+fp)")
    values = sorted({r[field] for r in labels.all if r["repo"] in repos})
    head = f"  {field:22s} {'pos':>4s}"
    for t in tools:
        head += f" | {t[:10]:>10s} recall   tp   fp"
    print(head)
    for v in values:
        pos = [r for r in labels.all if r["repo"] in repos and r[field] == v and r["label"] in POSITIVE]
        row = f"  {v:22s} {len(pos):4d}"
        for t in tools:
            res = results[t]
            hits = sum(1 for r in pos if id(r) in res["hit"])
            tp = sum(1 for r in res["tp"] if r[field] == v)
            fp = sum(1 for r in res["fp"] if r[field] == v)
            row += f" | {hits:4d}/{len(pos):<4d} {ratio(hits, len(pos))} {tp:4d} {fp:4d}"
        print(row)


SHAPE_KEEP = re.compile(r"^(\$\{[^}]*\}|\{\{.*\}\}|<[^<>]*>|%\([^)]*\)s|\$[A-Za-z_][A-Za-z0-9_]*)$")
# Public format prefixes a redacted shape may keep: they say what kind of token it is, not which.
KNOWN_PREFIX = re.compile(r"^(xox[abprs]-|gh[pousr]_|github_pat_|glpat-|sk_live_|sk_test_|rk_live_|npm_|AKIA|ASIA|"
                          r"AIza|SG\.|eyJ|dop_v1_|shpat_|base64:|\$2[aby]\$|\$apr1\$|\$6\$|\$argon2id\$)")


def shape_of(value):
    """A redacted description of a value: a public prefix, its character class and length, never its text."""
    if not value or SHAPE_KEEP.match(value):
        return value
    m = KNOWN_PREFIX.match(value)
    prefix, rest = (m.group(0), value[m.end():]) if m else ("", value)
    if not rest:
        return value
    if re.fullmatch(r"[0-9a-f]+", rest):
        cls = "hex"
    elif rest.isdigit():
        cls = "digits"
    elif re.fullmatch(r"[a-z]+", rest):
        cls = "lower"
    elif re.fullmatch(r"[A-Z_]+", rest):
        cls = "upper"
    elif re.fullmatch(r"[A-Za-z0-9]+", rest):
        cls = "alnum"
    elif re.fullmatch(r"[A-Za-z0-9+/=_-]+", rest):
        cls = "b64"
    elif " " in rest:
        cls = "text"
    else:
        cls = "mixed"
    return f"{prefix}<{cls}:{len(rest)}>"


SHAPE_MARK = re.compile(r"<(?:[a-z0-9]+:\d+|user|redacted)>")


def _shape_token(tok):
    """Shape one whitespace-separated token; references, URL structure and shapes already made stay."""
    tok = re.sub(r"\$\{([A-Za-z_][\w.]*)(:-?|:)([^}]+)\}",
                 lambda m: "${" + m.group(1) + m.group(2) + shape_of(m.group(3)) + "}", tok)
    if "${" in tok or "<redacted>" in tok or SHAPE_KEEP.match(tok):
        return tok
    out, pos = [], 0
    for mark in SHAPE_MARK.finditer(tok):
        out.append(re.sub(r"[^\s\"'`,;<>(){}\[\]]{4,}", lambda t: shape_of(t.group(0)), tok[pos:mark.start()]))
        out.append(mark.group(0))
        pos = mark.end()
    out.append(re.sub(r"[^\s\"'`,;<>(){}\[\]]{4,}", lambda t: shape_of(t.group(0)), tok[pos:]))
    return "".join(out)


def redact_line(text):
    """The line with every literal value replaced by its shape; keys, operators and references stay."""
    text = text.strip()[:240]
    text = re.sub(r"([A-Za-z][A-Za-z0-9+.-]*://)([^:/@\s]+):([^@\s]+)@", r"\1<user>:<redacted>@", text)
    text = re.sub(r"([\"'`])((?:(?!\1).){4,}?)\1",
                  lambda m: m.group(0) if "<redacted>" in m.group(2) else m.group(1) + shape_of(m.group(2)) + m.group(1),
                  text)
    m = re.search(r"(=>|:=|=|:)\s*", text)
    if m:
        head, tail = text[:m.end()], text[m.end():]
        text = head + " ".join(_shape_token(t) for t in tail.split(" "))
    return text


def guess_context(path):
    p = "/" + path.lower()
    if re.search(r"/(vendor|node_modules|third_party|bower_components)/", p):
        return "vendor"
    if re.search(r"/(tests?|spec|__tests__|e2e|cypress)/|[._-](test|spec)\.", p):
        return "test"
    if re.search(r"/(fixtures?|testdata|mocks?|seeds?)/", p):
        return "fixture"
    if re.search(r"\.(md|rst|adoc|txt)$|/docs?/", p):
        return "docs"
    if re.search(r"example|sample|\.dist$|template", p):
        return "example"
    if re.search(r"compose|\.env|k8s|kubernetes|helm|charts?/|\.tf$|terraform|deploy|values.*\.ya?ml$", p):
        return "deploy-config"
    return "code"


def write_unlabeled(path, unlabeled, repos, trees):
    with open(path, "w", encoding="utf-8") as out:
        for (repo, fpath, line), tools in sorted(unlabeled.items()):
            text = ""
            src = os.path.join(trees, repo.replace("/", "+"), fpath) if trees else None
            if src and os.path.isfile(src):
                with open(src, "rb") as f:
                    lines = f.read().decode("utf-8", "replace").splitlines()
                text = redact_line(lines[line - 1]) if 0 < line <= len(lines) else ""
            rec = {"repo": repo, "commit": repos[repo]["commit"], "path": fpath, "line": line,
                   "label": "", "kind": "", "context": guess_context(fpath), "class": "", "note": "",
                   "shape": text, "reported_by": sorted(tools)}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def catalogue(tool, labels, res):
    """Markdown tables of the tool's false-positive and missed classes, by lines they cost."""
    fps = collections.defaultdict(list)
    for rec in res["fp"]:
        fps[(rec["label"], rec.get("class", "?"))].append(rec)
    print(f"\n### {tool}: false-positive classes (lines)\n")
    print("| lines | label | class | example shapes |\n|---:|---|---|---|")
    for (lab, cls), recs in sorted(fps.items(), key=lambda kv: -len(kv[1])):
        ex = "; ".join(sorted({r["note"] for r in recs})[:2]).replace("|", "\\|")
        print(f"| {len(recs)} | {lab} | {cls} | {ex} |")
    if res["unlabeled"]:
        print(f"| {len(res['unlabeled'])} | (unlabeled) | | |")
    miss = collections.defaultdict(list)
    for rec in res["positives"]:
        if id(rec) not in res["hit"]:
            miss[(rec["kind"], rec.get("class", "?"))].append(rec)
    print(f"\n### {tool}: missed classes (positive lines not reported)\n")
    print("| lines | kind | class | contexts | example shapes |\n|---:|---|---|---|---|")
    for (kind, cls), recs in sorted(miss.items(), key=lambda kv: -len(kv[1])):
        ctx = ",".join(f"{c}:{n}" for c, n in collections.Counter(r["context"] for r in recs).most_common())
        ex = "; ".join(sorted({r["note"] for r in recs})[:2]).replace("|", "\\|")
        print(f"| {len(recs)} | {kind} | {cls} | {ctx} | {ex} |")


def report_set(title, repo_set, labels, findings, ran, tools, by_repo):
    """Print one set's figures (totals, without docs, per-repository means, breakdowns)."""
    results = {t: score_tool(t, labels, findings, ran, repo_set) for t in tools}
    pos_all = sum(1 for r in labels.all if r["repo"] in repo_set and r["label"] in POSITIVE)
    print(f"\n{title}: {len(repo_set)}, labeled lines: "
          f"{sum(1 for r in labels.all if r['repo'] in repo_set)}, positive lines: {pos_all}")
    print(f"  {'tool':12s} {'findings':>8s} {'on-pos':>7s} {'on-neg':>7s} {'unlabeled':>9s} "
          f"{'precision':>9s} {'recall':>7s} {'hits':>9s}")
    for t in tools:
        r = results[t]
        print(f"  {t:12s} {r['findings']:8d} {len(r['tp']):7d} {len(r['fp']):7d} {len(r['unlabeled']):9d} "
              f"{ratio(len(r['tp']), r['findings']):>9s} {ratio(r['hits'], len(r['positives'])):>7s} "
              f"{r['hits']:4d}/{len(r['positives']):<4d}")
    print("  without lines labeled `docs` (findings on them and positives in them left out):")
    for t in tools:
        r = results[t]
        tp = sum(1 for x in r["tp"] if x["context"] != "docs")
        fp = sum(1 for x in r["fp"] if x["context"] != "docs")
        n = tp + fp + len(r["unlabeled"])
        pos = [x for x in r["positives"] if x["context"] != "docs"]
        hits = sum(1 for x in pos if id(x) in r["hit"])
        print(f"  {t:12s} {n:8d} {tp:7d} {fp:7d} {len(r['unlabeled']):9d} {ratio(tp, n):>9s} "
              f"{ratio(hits, len(pos)):>7s} {hits:4d}/{len(pos):<4d}")
    print("  mean over repositories (each repository weighs the same; n/a ones left out):")
    for t in tools:
        per = [score_tool(t, labels, findings, ran, {repo}) for repo in sorted(repo_set)]
        precs = [r["precision"] for r in per if r["precision"] is not None]
        recs = [r["recall"] for r in per if r["recall"] is not None]
        print(f"  {t:12s} precision {sum(precs) / len(precs) if precs else 0:.3f} over {len(precs)}, "
              f"recall {sum(recs) / len(recs) if recs else 0:.3f} over {len(recs)}")
    breakdown("by label", "label", labels, results, tools, repo_set)
    breakdown("by kind", "kind", labels, results, tools, repo_set)
    breakdown("by context", "context", labels, results, tools, repo_set)
    if by_repo:
        print("\nby repository (tp/fp/unlabeled findings, hits/positives)")
        for repo in sorted(repo_set):
            row = f"  {repo:40s}"
            for t in tools:
                r = score_tool(t, labels, findings, ran, {repo})
                row += f" | {t[:4]} {len(r['tp']):3d}/{len(r['fp']):3d}/{len(r['unlabeled']):3d} {r['hits']:3d}/{len(r['positives']):<3d}"
            print(row)

    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repos", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--findings", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--leaky")
    ap.add_argument("--trees", help="exported trees (default: trees/ beside --findings)")
    ap.add_argument("--json")
    ap.add_argument("--unlabeled-out")
    ap.add_argument("--catalogue", metavar="TOOL", help="print TOOL's false-positive and missed classes")
    ap.add_argument("--by-repo", action="store_true", help="also print the figures per repository")
    a = ap.parse_args()

    repos = read_repos(a.repos)
    labels = Labels(a.labels, repos)
    ran = {(r["tool"], r["repo"]) for _, r in read_jsonl(a.runs) if r.get("ok")}
    failed = sorted({(r["tool"], r["repo"]) for _, r in read_jsonl(a.runs) if not r.get("ok")})
    findings = collections.defaultdict(dict)     # tool -> {(repo, path, line): end_line}
    for _, f in read_jsonl(a.findings):
        key = (f["repo"], f["path"], int(f["line"]))
        end = max(int(f.get("end_line", f["line"])), findings[f["tool"]].get(key, 0))
        findings[f["tool"]][key] = end
    tools = [t for t in TOOLS if any(t == tool for tool, _ in ran)]
    for tool, repo in failed:
        print(f"NOT SCORED: {tool} did not run on {repo}")
    scanned = {repo for _, repo in ran}
    main_set = {r for r in scanned if repos.get(r, {}).get("set") == "main"}
    heldout_set = {r for r in scanned if repos.get(r, {}).get("set") == "heldout"}
    if not main_set and not heldout_set:
        die("no repository of the main or held-out set ran; nothing to score")
    trees = a.trees or os.path.join(os.path.dirname(os.path.abspath(a.findings)), "trees")

    results = report_set("real repositories", main_set, labels, findings, ran, tools, a.by_repo) if main_set else {}
    results_heldout = {}
    if heldout_set:
        results_heldout = report_set("held-out repositories (set `heldout`, scored apart)", heldout_set,
                                     labels, findings, ran, tools, a.by_repo)

    unlabeled = collections.defaultdict(set)
    for res in (results, results_heldout):
        for t in res:
            for key in res[t]["unlabeled"]:
                unlabeled[key].add(t)
    if unlabeled:
        print(f"\nUNLABELED ({len(unlabeled)} lines, counted as false positives until labeled):")
        for (repo, path, line), ts in sorted(unlabeled.items()):
            print(f"  UNLABELED {repo} {path}:{line} [{','.join(sorted(ts))}]")

    leaky = {}
    leaky_repos = {r for r in scanned if repos.get(r, {}).get("set") == "leaky"}
    if a.leaky and leaky_repos:
        expected = [rec for _, rec in read_jsonl(a.leaky) if rec["repo"] in leaky_repos]
        csv_risk = {}
        for e in expected:
            csv_risk[(e["repo"], e["path"])] = e.get("csv_risk", 1)
        total = sum(csv_risk.values())
        print(f"\nleaked-config benchmark ({', '.join(sorted(leaky_repos))}): its list counts {total} risky lines in "
              f"{len(csv_risk)} files; {len(expected)} of them could be identified line by line")
        print("  its own counting (lines reported per file, capped at the file's count) | identified risky lines hit")
        for t in tools:
            hit = [e for e in expected if any(ln <= e.get("end_line", e["line"]) and e["line"] <= end
                                              for (rp, p, ln), end in findings[t].items()
                                              if rp == e["repo"] and p == e["path"])]
            reported = collections.Counter((rp, p) for (rp, p, _ln) in findings[t] if (rp, p) in csv_risk)
            own = sum(min(n, csv_risk[k]) for k, n in reported.items())
            r = score_tool(t, labels, findings, ran, leaky_repos)
            leaky[t] = {"found": own, "risky": total, "lines_hit": len(hit), "lines": len(expected),
                        "findings": r["findings"], "precision": r["precision"], "unlabeled": len(r["unlabeled"])}
            print(f"  {t:12s} {own:3d} / {total} ({ratio(own, total)}) | {len(hit):3d} / {len(expected)} "
                  f"({ratio(len(hit), len(expected))})   findings {r['findings']}, precision on labeled lines "
                  f"{ratio(len(r['tp']), r['findings'])}{', unlabeled ' + str(len(r['unlabeled'])) if r['unlabeled'] else ''}")
            for key in r["unlabeled"]:
                unlabeled[key].add(t)

    if a.unlabeled_out:
        write_unlabeled(a.unlabeled_out, unlabeled, repos, trees)
        print(f"\nwrote {len(unlabeled)} unlabeled lines to {a.unlabeled_out}")
    if a.catalogue:
        cat = results if main_set else results_heldout
        if a.catalogue not in cat:
            die(f"--catalogue {a.catalogue}: that tool did not run")
        catalogue(a.catalogue, labels, cat[a.catalogue])
    if a.json:
        def figures(res):
            return {t: {k: res[t][k] for k in ("findings", "precision", "recall", "hits")}
                    | {"tp": len(res[t]["tp"]), "fp": len(res[t]["fp"]),
                       "unlabeled": len(res[t]["unlabeled"]), "positives": len(res[t]["positives"])}
                    for t in res}
        doc = {"main": figures(results), "leaky": leaky, "repos": sorted(main_set)}
        if heldout_set:
            doc["heldout"] = figures(results_heldout)
            doc["heldout_repos"] = sorted(heldout_set)
        json.dump(doc, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
