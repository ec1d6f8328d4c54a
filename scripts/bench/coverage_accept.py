#!/usr/bin/env python3
"""Acceptance check of the coverage gate against the real reports in
../shared/bench/coverage/reports: every report must give the totals of its
expected.json, and patch coverage of change.diff must equal diff-cover's (same
uncovered lines). Skips cleanly when the shared data is absent.

usage: scripts/bench/coverage_accept.py [--bin target/release/signoff-coverage] [--data DIR]
                                        [--src PROJECT=DIR]...

Go profiles name no functions: `go tool cover -func` reads them from the source, and so
does the gate when the source is under --root. Give a checkout of the project's commit
with --src go-uuid=DIR to check those too; without it, the Go function counts are
reported as not checkable rather than as failures.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DATA = os.path.join(os.path.dirname(ROOT), "shared", "bench", "coverage", "reports")
if not os.path.isdir(DEFAULT_DATA):
    DEFAULT_DATA = "/work/shared/bench/coverage/reports"

METRICS = ["lines", "branches", "functions", "statements"]


def run(binary, args, cwd):
    out = os.path.join(cwd, "out")
    proc = subprocess.run([binary, *args, "--out", out], cwd=cwd, capture_output=True, text=True)
    with open(os.path.join(out, "coverage.gate.json")) as f:
        return proc.returncode, json.load(f), proc.stdout + proc.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "signoff-coverage"))
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--src", action="append", default=[], help="PROJECT=DIR with the project's source")
    a = ap.parse_args()
    src = dict(item.split("=", 1) for item in a.src)
    if not os.path.isdir(a.data):
        print(f"skip: {a.data} not found (the shared bench data is not on this machine)")
        return 0
    binary = os.path.abspath(a.bin)
    failures = checked = 0
    for project in sorted(os.listdir(a.data)):
        pdir = os.path.join(a.data, project)
        expected = json.load(open(os.path.join(pdir, "expected.json")))
        with tempfile.TemporaryDirectory() as cwd:  # not a repository: paths kept as written
            for name, exp in sorted(expected["reports"].items()):
                # The source is of the commit before change.diff: not for after-change/ reports.
                extra = ["--root", os.path.abspath(src[project])] if project in src and not name.startswith("after-change/") else []
                rc, report, output = run(binary, ["--report", os.path.join(pdir, name), *extra], cwd)
                got = {}
                bad = []
                for m in METRICS:
                    t = report["metrics"].get(f"{m}_total")
                    c = report["metrics"].get(f"{m}_covered")
                    got[m] = None if t is None else (t, c)
                    want_t = exp.get(f"{m}_total")
                    want = None if want_t is None else (want_t, exp.get(f"{m}_covered"))
                    if want != got[m] and not (want is None and m != "statements" and got[m] is None):
                        if m == "functions" and got[m] is None and "go-coverprofile" in exp["format"] and project not in src:
                            print(f"note {project}/{name}: functions need the Go source (--src {project}=DIR); not checked")
                            continue
                        bad.append(f"{m}: want {want} got {got[m]}")
                checked += 1
                status = "ok  " if not bad and rc == 0 else "FAIL"
                if bad or rc != 0:
                    failures += 1
                print(f"{status} {project}/{name} [{report['details'].get('reports', [{}])[0].get('format')}] {report['summary']}"
                      + ("" if not bad else "  <- " + "; ".join(bad)) + ("" if rc == 0 else f"  rc={rc} {output.strip()}"))
            # Patch coverage against diff-cover's result (or the computed one for Go).
            diffs = dict(expected.get("diff_cover", {}))
            if "diff_coverage_computed_not_by_a_tool" in expected:
                diffs["change.diff vs after-change/coverprofile.set.out"] = expected["diff_coverage_computed_not_by_a_tool"]
            for key, want in sorted(diffs.items()):
                report_name = key.split(" vs ", 1)[1].split(" (", 1)[0]
                args = ["--report", os.path.join(pdir, report_name), "--diff", os.path.join(pdir, "change.diff")]
                rc, report, output = run(binary, args, cwd)
                patch = report["details"].get("patch", {})
                # diff-cover was given --src-roots java/src; our paths are mapped by suffix.
                got_unc = {k: v for k, v in patch.get("uncovered_lines", {}).items()}
                want_unc = want["uncovered_changed_lines"]
                ok = (patch.get("lines_total") == want["changed_lines_measured"]
                      and patch.get("lines_total", 0) - patch.get("lines_covered", 0) == want["changed_lines_uncovered"]
                      and got_unc == want_unc)
                checked += 1
                if not ok:
                    failures += 1
                print(f"{'ok  ' if ok else 'FAIL'} {project} patch {key}: measured {patch.get('lines_total')} "
                      f"covered {patch.get('lines_covered')} uncovered {got_unc}"
                      + ("" if ok else f"  <- want {want['changed_lines_measured']} measured, uncovered {want_unc}"))
    print(f"{checked - failures} of {checked} checks match")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
