#!/usr/bin/env python3
"""Speed of signoff-pipeline against zizmor --offline, side by side on the same repositories.

usage: pipeline_speed.py REPOS_DIR [--signoff BIN] [--zizmor BIN] [--runs N]

For every repository of REPOS_DIR (see pipeline_extract.py), runs both tools N times
(default 5), interleaved so machine load falls on both alike, each on the whole repository
directory as a user would (both walk it for workflows, actions and Dependabot files):

    zizmor --offline --no-config --no-ignores --format json --no-progress DIR
    signoff-pipeline DIR --out TMP

and records each run's wall time and CPU time (user + sys of the child). Prints per
repository the median wall time of each and the ratio zizmor / signoff, then the totals
over all repositories (sum of medians) for wall and CPU time. One warm-up run of each
tool per repository comes first, so both read the files from the page cache.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos")
    parser.add_argument("--signoff", default="target/release/signoff-pipeline")
    parser.add_argument("--zizmor", default=os.path.expanduser("~/.cache/signoff-peers/pipeline-venv/bin/zizmor"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    totals = {"zizmor": [0.0, 0.0], "signoff": [0.0, 0.0]}
    print(f"{'repository':48} {'zizmor ms':>10} {'signoff ms':>11} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as out:
        for name in sorted(os.listdir(args.repos)):
            repo = os.path.join(args.repos, name)
            if not os.path.isdir(repo):
                continue
            commands = {
                "zizmor": [args.zizmor, "--offline", "--no-config", "--no-ignores", "--format", "json", "--no-progress", repo],
                "signoff": [args.signoff, repo, "--out", out],
            }
            for argv in commands.values():
                timed(argv)
            samples = {tool: [] for tool in commands}
            for _ in range(args.runs):
                for tool, argv in commands.items():
                    samples[tool].append(timed(argv))
            medians = {}
            for tool, runs in samples.items():
                wall = statistics.median(w for w, _ in runs)
                cpu = statistics.median(c for _, c in runs)
                medians[tool] = wall
                totals[tool][0] += wall
                totals[tool][1] += cpu
            ratio = medians["zizmor"] / medians["signoff"] if medians["signoff"] else float("inf")
            print(f"{name:48} {medians['zizmor'] * 1000:10.1f} {medians['signoff'] * 1000:11.1f} {ratio:6.1f}x")
    zw, zc = totals["zizmor"]
    sw, sc = totals["signoff"]
    print(f"{'TOTAL wall (sum of medians)':48} {zw * 1000:10.1f} {sw * 1000:11.1f} {zw / sw:6.1f}x")
    print(f"{'TOTAL cpu  (sum of medians)':48} {zc * 1000:10.1f} {sc * 1000:11.1f} {zc / sc:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
