#!/usr/bin/env python3
"""SBOM gate benchmark: signoff-sbom against syft and cdxgen, side by side.

For every corpus in the bench data folder, each run copies the corpus to a fresh
temporary directory and runs signoff-sbom, syft and cdxgen on it one after the other
(alternating, so load from other work on the machine hits all three alike). It reports
median wall time and peak RSS per tool, the ratio of the faster peer's time to ours,
whether our SBOM passes the strict CycloneDX 1.6 schema (validate.py), and recall
against the peers' purl sets (compare.py: union and intersection).

Usage:
    cargo build --release -p signoff-sbom
    python3 scripts/bench/sbom.py [--runs 5] [--only CORPUS,...] [--bench DIR] [--no-peers]

--bench defaults to $SIGNOFF_SBOM_BENCH, else ../shared/bench/sbom beside the repository
(or /work/shared/bench/sbom); the script exits 0 with a note when it is absent. Peers come
from `install-peers.sh` ($SIGNOFF_PEERS/bin); a missing peer is skipped with a note.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OURS = os.path.join(REPO, "target", "release", "signoff-sbom")
PEERS = os.environ.get("SIGNOFF_PEERS") or os.path.join(os.path.expanduser("~"), ".cache", "signoff-peers")


def bench_dir(arg: str | None) -> str | None:
    for candidate in (arg, os.environ.get("SIGNOFF_SBOM_BENCH"),
                      os.path.join(REPO, "..", "shared", "bench", "sbom"),
                      os.path.join(REPO, "..", "..", "shared", "bench", "sbom"),
                      "/work/shared/bench/sbom"):
        if candidate and os.path.isdir(os.path.join(candidate, "data")):
            return os.path.abspath(candidate)
    return None


def env() -> dict:
    e = dict(os.environ)
    e["PATH"] = os.path.join(PEERS, "bin") + os.pathsep + e.get("PATH", "")
    e.update({"SYFT_CHECK_FOR_APP_UPDATE": "false", "FETCH_LICENSE": "false", "GOPROXY": "off",
              "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "NODE_NO_WARNINGS": "1",
              "CDXGEN_NO_BANNER": "true"})
    for key in list(e):
        if key.startswith(("GITHUB_", "RUNNER_", "SIGNOFF_")) or key == "CI":
            del e[key]
    return e


def command(tool: str, work: str, out: str) -> list[str]:
    if tool == "signoff-sbom":
        return [OURS, work, "--out", os.path.dirname(out), "--output", out]
    if tool == "syft":
        return [shutil.which("syft", path=env()["PATH"]) or "syft", "dir:" + work, "-q",
                "-o", "cyclonedx-json=" + out]
    return [shutil.which("cdxgen", path=env()["PATH"]) or "cdxgen", "-o", out, "--spec-version",
            "1.6", "--no-install-deps", "--no-babel", "--no-validate", work]


def timed(cmd: list[str], cwd: str) -> tuple[int, float, float]:
    """Exit code, wall seconds, peak RSS in MB (GNU time)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd, cwd=cwd,
                              env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, rss = t.read().strip().splitlines()[-1].split()
    return proc.returncode, float(wall), int(rss) / 1024


def line_of(cmd: list[str]) -> str:
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--bench", default=None)
    ap.add_argument("--no-peers", action="store_true")
    a = ap.parse_args()
    bench = bench_dir(a.bench)
    if not bench:
        print("note: no SBOM bench data (set SIGNOFF_SBOM_BENCH); nothing to do")
        return 0
    if not os.access(OURS, os.X_OK):
        print(f"error: {OURS} missing; run `cargo build --release -p signoff-sbom` first")
        return 2
    tools = ["signoff-sbom"]
    if not a.no_peers:
        for peer in ("syft", "cdxgen"):
            if shutil.which(peer, path=env()["PATH"]):
                tools.append(peer)
            else:
                print(f"note: {peer} not found (run install-peers.sh); skipped")
    corpora = sorted(os.listdir(os.path.join(bench, "data")))
    if a.only:
        corpora = [c for c in corpora if c in a.only.split(",")]

    rows = []
    keep = tempfile.mkdtemp(prefix="sbom-bench-out-")
    for corpus in corpora:
        walls = {t: [] for t in tools}
        rss = {t: 0.0 for t in tools}
        for run in range(a.runs):
            for tool in tools:
                tmp = tempfile.mkdtemp(prefix="sbom-bench-")
                work = os.path.join(tmp, corpus)
                shutil.copytree(os.path.join(bench, "data", corpus), work)
                out = os.path.join(keep, f"{corpus}.{tool}.cdx.json")
                rc, wall, mb = timed(command(tool, work, out), tmp)
                if tool == "signoff-sbom" and rc == 2:
                    print(f"error: signoff-sbom exited 2 on {corpus}")
                walls[tool].append(wall)
                rss[tool] = max(rss[tool], mb)
                shutil.rmtree(tmp, ignore_errors=True)
        ours = os.path.join(keep, f"{corpus}.signoff-sbom.cdx.json")
        valid = line_of([sys.executable, os.path.join(bench, "validate.py"), ours, "--spec", "1.6"])
        expected = sorted(os.path.join(bench, "expected", f)
                          for f in os.listdir(os.path.join(bench, "expected"))
                          if f.startswith(corpus + ".") and f.endswith(".purls"))
        recall = line_of([sys.executable, os.path.join(bench, "compare.py"), ours, *expected, "--quiet"])
        doc = json.load(open(ours))
        edges = sum(len(d.get("dependsOn") or []) for d in doc.get("dependencies") or [])
        med = {t: statistics.median(walls[t]) for t in tools}
        peers = [t for t in tools if t != "signoff-sbom"]
        fastest = min((med[t] for t in peers), default=None)
        rows.append({
            "corpus": corpus, "median_s": med, "max_rss_mb": rss,
            "ratio": (fastest / med["signoff-sbom"]) if fastest and med["signoff-sbom"] else None,
            "valid": valid.startswith("OK"), "recall": recall.replace("SUMMARY ", ""),
            "components": len(doc.get("components") or []), "edges": edges,
        })
        r = rows[-1]
        ratio = f"{r['ratio']:.0f}x" if r["ratio"] else "-"
        print(f"{corpus}: " + ", ".join(f"{t} {med[t]:.3f}s/{rss[t]:.0f}MB" for t in tools)
              + f" | faster peer / ours = {ratio} | valid={r['valid']} | {r['recall']}", flush=True)

    print()
    print("| corpus | signoff-sbom | " + " | ".join(peers) + " | faster peer ÷ ours | peak RSS (ours / "
          + " / ".join(peers) + ") | 1.6 valid | components | edges | recall (union, intersection) |")
    print("|---|---:|" + "---:|" * len(peers) + "---:|---|:-:|---:|---:|---|")
    for r in rows:
        med, rss = r["median_s"], r["max_rss_mb"]
        ratio = f"{r['ratio']:.0f}×" if r["ratio"] else "-"
        rec = r["recall"].split(" extra=")[0].replace("recall_union=", "").replace("recall_intersection=", "")
        print(f"| {r['corpus']} | {med['signoff-sbom']*1000:.0f} ms | "
              + " | ".join(f"{med[p]:.2f} s" for p in peers)
              + f" | {ratio} | {rss['signoff-sbom']:.0f} / " + " / ".join(f"{rss[p]:.0f}" for p in peers)
              + f" MB | {'yes' if r['valid'] else 'NO'} | {r['components']} | {r['edges']} | {rec} |")
    print(f"\noutputs kept in {keep}")
    bad = [r for r in rows if not r["valid"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
