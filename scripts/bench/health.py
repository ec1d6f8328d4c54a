#!/usr/bin/env python3
"""Benchmarks of the health-check gate against the curl loops it replaces.

Run from the repository root:  python3 scripts/bench/health.py [--runs N]

Everything runs on 127.0.0.1 against `health-bench-server` (the integration tests'
server, built as an example). Each measurement alternates signoff-health and the curl
loop, several runs, and reports medians:

  A. decision latency: the server turns healthy 3-4 s after it starts (a random moment,
     the same for both in a run, so neither gains from being in phase); how long after
     that does each notice, with a 1 s period?
  B. deadline: a server that never answers; how far past a 2 s deadline does the gate
     finish?
  C. 200 endpoints on 200 ports, one JSON assertion each: wall time and peak RSS,
     signoff-health (concurrent) vs a sequential curl loop.
  D. per-request cost: 300 requests to one endpoint, signoff-health latency samples vs
     300 curl invocations.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
GATE = os.path.join(TARGET, "release", "signoff-health")
SERVER = os.path.join(TARGET, "release", "examples", "health-bench-server")


def build():
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-p", "signoff-health", "--bin", "signoff-health",
         "--example", "health-bench-server"],
        cwd=ROOT, check=True)


class BenchServer:
    def __init__(self, *args):
        self.proc = subprocess.Popen([SERVER, "--lifetime", "120", *args], stdout=subprocess.PIPE, text=True)
        self.started = time.monotonic()
        count = int(args[args.index("--ports") + 1]) if "--ports" in args else 1
        self.addrs = [self.proc.stdout.readline().strip() for _ in range(count)]

    def close(self):
        self.proc.kill()
        self.proc.wait()


def run_gate(args, out):
    started = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", GATE, "--out", out, *args],
                          capture_output=True, text=True)
    wall = time.monotonic() - started
    rss_kb = int(proc.stderr.strip().splitlines()[-1])
    with open(os.path.join(out, "health-check.gate.json")) as f:
        report = json.load(f)
    return proc.returncode, wall, rss_kb, report


def curl_ok(url, want=None):
    proc = subprocess.run(["curl", "-fsS", "--max-time", "5", url], capture_output=True, text=True)
    return proc.returncode == 0 and (want is None or want in proc.stdout)


def median(values):
    return statistics.median(values)


def bench_decision(runs, tmp):
    ours, curl = [], []
    rng = random.Random(7)
    for _ in range(runs):
        after = 3.0 + rng.random()
        server = BenchServer("--healthy-after", f"{after:.3f}")
        offset = time.monotonic() - server.started
        code, _, _, report = run_gate(
            ["--url", f"http://{server.addrs[0]}/", "--period", "1s", "--deadline", "20s"], tmp)
        assert code == 0, report["summary"]
        healthy_ms = report["details"]["checks"][0]["time_to_healthy_ms"]
        ours.append(healthy_ms / 1000 + offset - after)
        server.close()

        server = BenchServer("--healthy-after", f"{after:.3f}")
        url = f"http://{server.addrs[0]}/"
        while not curl_ok(url):  # the loop teams write: until curl -f …; do sleep 1; done
            time.sleep(1)
        curl.append(time.monotonic() - server.started - after)
        server.close()
    return ours, curl


def bench_deadline(runs, tmp):
    over, inside = [], []
    server = BenchServer("--hang")
    for _ in range(runs):
        code, wall, _, report = run_gate(
            ["--url", f"http://{server.addrs[0]}/", "--timeout", "30s", "--deadline", "2s"], tmp)
        assert code == 1, report["summary"]
        over.append(wall - 2.0)
        inside.append(report["metrics"]["decided_ms"] / 1000 - 2.0)
    server.close()
    return over, inside


def bench_many(runs, tmp, count=200):
    server = BenchServer("--ports", str(count))
    config = os.path.join(tmp, "checks.yml")
    with open(config, "w") as f:
        f.write("deadline: 60s\nchecks:\n")
        for addr in server.addrs:
            f.write(f"  - {{url: 'http://{addr}/health', expect: ['$.status == \"healthy\"']}}\n")
    ours, rss, curl = [], [], []
    for _ in range(runs):
        code, wall, rss_kb, report = run_gate(["--config", config], tmp)
        assert code == 0 and report["metrics"]["checks_healthy"] == count, report["summary"]
        ours.append(wall)
        rss.append(rss_kb)
        started = time.monotonic()
        for addr in server.addrs:
            assert curl_ok(f"http://{addr}/health", '"status":"healthy"')
        curl.append(time.monotonic() - started)
    server.close()
    return ours, rss, curl


def bench_per_request(runs, tmp, count=300):
    server = BenchServer()
    url = f"http://{server.addrs[0]}/health"
    ours, curl = [], []
    for _ in range(runs):
        code, wall, _, report = run_gate(["--url", url, "--slo-samples", str(count), "--p99", "5s"], tmp)
        assert code == 0, report["summary"]
        ours.append(wall / (count + 1))
        started = time.monotonic()
        for _ in range(count):
            assert curl_ok(url)
        curl.append((time.monotonic() - started) / count)
    server.close()
    return ours, curl


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if shutil.which("curl") is None:
        print("curl is not installed; skipping the health-check benchmark")
        return 0
    if not args.no_build:
        build()
    size = os.path.getsize(GATE)
    print(f"signoff-health release binary: {size / 1e6:.1f} MB (stripped)")
    with tempfile.TemporaryDirectory() as tmp:
        ours, curl = bench_decision(args.runs, tmp)
        print(f"A. decision after the server turns healthy (period 1s), median of {args.runs}: "
              f"signoff-health {median(ours) * 1000:.0f} ms (max {max(ours) * 1000:.0f} ms), "
              f"curl loop {median(curl) * 1000:.0f} ms (max {max(curl) * 1000:.0f} ms)")
        over, inside = bench_deadline(args.runs, tmp)
        print(f"B. past a 2 s deadline (server never answers), median of {args.runs}: decision "
              f"{median(inside) * 1000:.0f} ms (max {max(inside) * 1000:.0f} ms); whole process, start to exit "
              f"with the report written, {median(over) * 1000:.0f} ms (max {max(over) * 1000:.0f} ms)")
        ours, rss, curl = bench_many(args.runs, tmp)
        print(f"C. 200 endpoints, JSON assertion each, median of {args.runs}: signoff-health {median(ours):.2f} s "
              f"(peak RSS {median(rss) / 1024:.1f} MB, max {max(rss) / 1024:.1f} MB), sequential curl loop "
              f"{median(curl):.2f} s, ratio {median(curl) / median(ours):.1f}x")
        ours, curl = bench_per_request(args.runs, tmp)
        print(f"D. per request (300 to one endpoint), median of {args.runs}: signoff-health "
              f"{median(ours) * 1000:.2f} ms, curl {median(curl) * 1000:.2f} ms, ratio {median(curl) / median(ours):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
