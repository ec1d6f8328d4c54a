#!/usr/bin/env python3
"""Vulnerabilities gate benchmark: signoff-vulns on a generated OSV database at real size
and shape (vulns_gen.py: ~250 MB zipped over npm, PyPI, Maven, Go and crates.io) against
a 2,000-component CycloneDX SBOM. Prints wall time and peak RSS of

- the cold run: no name index yet, so every record of every export is inflated once and
  the index is written (what the first run after a download costs when `update` did not
  build it);
- the warm runs (median of --runs): the index exists, as after `signoff-vulns update`.

osv-scanner is run side by side on the same exports (its offline mode reads the same
`<Ecosystem>/all.zip` files) when `osv-scanner` is on PATH or in $SIGNOFF_PEERS/bin; it
is not installable from the registries this project uses, so the script says so when
it is missing.

Usage:
    cargo build --release -p signoff-vulns
    python3 scripts/bench/vulns.py [--data DIR] [--runs 5] [--megabytes 250] [--components 2000]
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OURS = os.path.join(REPO, "target", "release", "signoff-vulns")
PEERS = os.environ.get("SIGNOFF_PEERS") or os.path.join(os.path.expanduser("~"), ".cache", "signoff-peers")


def measure(argv: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{argv[0]} exited {code}:\n{stderr}")
    return wall, usage.ru_maxrss / 1024, code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "signoff-vulns-bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--megabytes", type=float, default=250)
    parser.add_argument("--components", type=int, default=2000)
    args = parser.parse_args()
    if not os.path.isfile(OURS):
        sys.exit(f"{OURS} is missing: cargo build --release -p signoff-vulns")
    db = os.path.join(args.data, "db")
    sbom = os.path.join(args.data, "sbom.cdx.json")
    if not os.path.isfile(sbom):
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "vulns_gen.py"), args.data,
                        "--megabytes", str(args.megabytes), "--components", str(args.components)], check=True)
    zipped = sum(os.path.getsize(p) for p in glob.glob(os.path.join(db, "*", "all.zip")))
    print(f"database: {zipped / 1e6:.1f} MB zipped in {db}; SBOM: {sbom}")
    out = tempfile.mkdtemp()
    ours = [OURS, "--sbom", sbom, "--db", db, "--out", out]
    for index in glob.glob(os.path.join(db, "*", "all.zip.index")):
        os.remove(index)
    cold = measure(ours)
    warm = [measure(ours) for _ in range(args.runs)]
    wall = statistics.median(w for w, _, _ in warm)
    rss = max(r for _, r, _ in warm)
    print(f"| run | wall s | peak RSS MB |\n|---|---:|---:|")
    print(f"| signoff-vulns, cold (builds the name index) | {cold[0]:.2f} | {cold[1]:.0f} |")
    print(f"| signoff-vulns, warm (median of {args.runs}) | {wall:.2f} | {rss:.0f} |")
    peer = shutil.which("osv-scanner") or next(iter(glob.glob(os.path.join(PEERS, "bin", "osv-scanner"))), None)
    if peer is None:
        print("osv-scanner: not installed (no registry package provides it here); no side-by-side figure")
    else:
        local = tempfile.mkdtemp()
        os.symlink(db, os.path.join(local, "osv-scanner"))
        theirs = [peer, "scan", "source", "--offline-vulnerabilities", "--local-db-path", local, "-L", f"cyclonedx-json:{sbom}"]
        runs = [measure(theirs) for _ in range(args.runs)]
        peer_wall = statistics.median(w for w, _, _ in runs)
        print(f"| osv-scanner (median of {args.runs}) | {peer_wall:.2f} | {max(r for _, r, _ in runs):.0f} |")
        print(f"ratio osv-scanner / signoff-vulns (warm): {peer_wall / wall:.1f}x")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
