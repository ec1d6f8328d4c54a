#!/usr/bin/env python3
"""Writes N findings spread over the four gates as signoff/gate/v1 reports into DIR.

usage: report_gen.py N DIR
"""
import json
import os
import sys

RULES = {
    "secret-scan": ("github-pat", "critical"),
    "sbom": ("unpinned-requirement", "medium"),
    "coverage": ("lines-below-threshold", "high"),
    "health-check": ("latency-slo", "low"),
}


def main():
    total, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    per_gate = total // len(RULES)
    for gate, (rule, severity) in RULES.items():
        findings = [
            {
                "rule": rule,
                "severity": severity,
                "message": f"{rule} in module {i % 100}, item {i}",
                "location": {"path": f"src/module_{i % 100:03}/file_{i:06}.rs", "line": i % 400 + 1},
                "fingerprint": f"{gate}-{i:032x}"[-32:],
                "waived": False,
            }
            for i in range(per_gate)
        ]
        report = {
            "schema": "signoff/gate/v1",
            "gate": gate,
            "tool": {"name": f"signoff-{gate}", "version": "0.1.0"},
            "status": "fail",
            "summary": f"{per_gate} findings",
            "started_at": "2026-11-20T10:00:00Z",
            "duration_ms": 1000,
            "subject": {"repository": "acme/shop", "commit": "4f8e5210fddf0d8d6c1c1b7f0b6c3a2e9d8c7b6a", "root": "."},
            "metrics": {},
            "checks": [{"name": "max-findings", "op": "<=", "threshold": 0, "actual": per_gate, "ok": False}],
            "findings": findings,
            "artifacts": [],
            "details": {},
        }
        with open(os.path.join(out, f"{gate}.gate.json"), "w") as f:
            json.dump(report, f)


if __name__ == "__main__":
    main()
