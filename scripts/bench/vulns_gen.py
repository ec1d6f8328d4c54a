#!/usr/bin/env python3
"""Generates an OSV database at real size and shape, and an SBOM to match against it.

OSV's exports cannot be downloaded here, so this writes `<Ecosystem>/all.zip` for npm,
PyPI, Maven, Go and crates.io shaped like the real ones: one `<ID>.json` per record,
deflated; record counts in the real proportions (npm dominated by OpenSSF `MAL-` reports
with an explicit `versions` list, GHSA/PYSEC/GO/RUSTSEC records with ECOSYSTEM or SEMVER
ranges, aliases, CVSS vectors, prose `details`); about 250 MB zipped in total by
default. The SBOM is CycloneDX 1.6 with N components (default 2,000) over the five
ecosystems, about a third of them named by some record.

Usage: python3 scripts/bench/vulns_gen.py OUT_DIR [--megabytes 250] [--components 2000] [--seed 16]
Writes OUT_DIR/db/<Ecosystem>/all.zip and OUT_DIR/sbom.cdx.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import string
import zipfile

# Share of the zipped bytes per ecosystem, and the prefix of its own advisory ids.
SHAPE = {
    "npm": (0.60, "GHSA", 0.85),       # (share, native id prefix, share of MAL- reports)
    "PyPI": (0.17, "PYSEC", 0.35),
    "Maven": (0.10, "GHSA", 0.0),
    "Go": (0.09, "GO", 0.0),
    "crates.io": (0.04, "RUSTSEC", 0.05),
}
WORDS = ("a an the of to in and or is are be by for from with without when which this that "
         "attacker remote local user input request response header cookie path file directory "
         "buffer overflow injection command sql cross site scripting prototype pollution denial "
         "service regular expression crafted payload arbitrary code execution memory leak "
         "authentication bypass authorization token session redirect open validation sanitize "
         "version versions affected fixed upgrade patch release library package module function "
         "method parameter argument option default configuration allows could may might cause "
         "crash hang exhaustion disclosure sensitive information server client parser").split()


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def package_name(rng: random.Random, ecosystem: str, i: int) -> str:
    stem = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
    if ecosystem == "npm":
        return f"@{stem[:4]}/{stem}-{i}" if i % 5 == 0 else f"{stem}-{i}"
    if ecosystem == "PyPI":
        return f"{stem.capitalize()}_{i}" if i % 7 == 0 else f"{stem}-{i}"
    if ecosystem == "Maven":
        return f"org.{stem[:5]}.{stem}:{stem}-core-{i}"
    if ecosystem == "Go":
        return f"github.com/{stem[:6]}/{stem}{i}" + ("/v2" if i % 9 == 0 else "")
    return f"{stem}_{i}"


def version(rng: random.Random, ecosystem: str) -> str:
    major, minor, patch = rng.randint(0, 12), rng.randint(0, 30), rng.randint(0, 20)
    if ecosystem == "Maven" and rng.random() < 0.2:
        return f"{major}.{minor}.{patch}.{rng.choice(['Final', 'RELEASE', 'RC1', 'M2'])}"
    if ecosystem == "PyPI" and rng.random() < 0.1:
        return f"{major}.{minor}.{patch}{rng.choice(['a1', 'b2', 'rc1', '.post1', '.dev3'])}"
    return f"{major}.{minor}.{patch}"


def record(rng: random.Random, ecosystem: str, prefix: str, mal_share: float, n: int, names: list[str]) -> dict:
    name = rng.choice(names)
    if rng.random() < mal_share:
        rid = f"MAL-2025-{n}"
        return {
            "schema_version": "1.5.0", "id": rid, "modified": "2025-06-01T00:00:00Z",
            "published": "2025-05-01T00:00:00Z", "summary": f"Malicious code in {name} ({ecosystem})",
            "details": "\n---\n_-= Per source details. Do not edit below this line.=-_\n\n## Source: ossf-package-analysis\n" + words(rng, rng.randint(30, 120)),
            "affected": [{"package": {"ecosystem": ecosystem, "name": name},
                          "versions": [version(rng, ecosystem) for _ in range(rng.randint(1, 4))],
                          "database_specific": {"malicious-packages-origins": [{"source": "ossf-package-analysis", "sha256": "%064x" % rng.getrandbits(256)}]}}],
            "references": [{"type": "WEB", "url": f"https://example.invalid/{rid}"}],
            "database_specific": {"malicious-packages-origins": []},
        }
    rid = f"{prefix}-{2015 + n % 11}-{n:05d}" if prefix != "GHSA" else "GHSA-" + "-".join(
        "".join(rng.choice("23456789cfghjmpqrvwx") for _ in range(4)) for _ in range(3))
    events = [{"introduced": "0" if rng.random() < 0.4 else version(rng, ecosystem)}]
    if rng.random() < 0.85:
        events.append({"fixed": version(rng, ecosystem)})
    elif rng.random() < 0.5:
        events.append({"last_affected": version(rng, ecosystem)})
    vector = "CVSS:3.1/AV:{}/AC:{}/PR:{}/UI:{}/S:{}/C:{}/I:{}/A:{}".format(
        *(rng.choice(v) for v in ("NALP", "LH", "NLH", "NR", "UC", "HLN", "HLN", "HLN")))
    return {
        "schema_version": "1.5.0", "id": rid, "modified": "2025-06-01T00:00:00Z",
        "published": "2021-03-01T00:00:00Z",
        "aliases": [f"CVE-{2015 + n % 11}-{10000 + n}"] + ([f"GHSA-x{n:04d}"] if prefix != "GHSA" and rng.random() < 0.5 else []),
        "summary": words(rng, 8), "details": words(rng, rng.randint(60, 400)),
        "severity": [{"type": "CVSS_V3", "score": vector}],
        "affected": [{"package": {"ecosystem": ecosystem, "name": name, "purl": f"pkg:{ecosystem.lower()}/{name}"},
                      "ranges": [{"type": "SEMVER" if ecosystem == "Go" else "ECOSYSTEM", "events": events}],
                      "database_specific": {"source": f"https://example.invalid/{rid}.json"}}],
        "references": [{"type": "ADVISORY", "url": f"https://nvd.nist.gov/vuln/detail/CVE-{n}"},
                       {"type": "WEB", "url": f"https://example.invalid/{name}/issues/{n}"}],
        "database_specific": {"cwe_ids": [f"CWE-{rng.randint(20, 1300)}"], "severity": rng.choice(["LOW", "MODERATE", "HIGH", "CRITICAL"]), "github_reviewed": True},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--megabytes", type=float, default=250)
    parser.add_argument("--components", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sbom_components = []
    for ecosystem, (share, prefix, mal_share) in SHAPE.items():
        names = [package_name(rng, ecosystem, i) for i in range(int(60000 * share) + 500)]
        folder = os.path.join(args.out, "db", ecosystem)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "all.zip")
        budget = args.megabytes * share * 1e6
        n = 0
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            while n % 500 != 0 or os.path.getsize(path) < budget:
                rec = record(rng, ecosystem, prefix, mal_share, n, names)
                zf.writestr(f"{rec['id']}.json", json.dumps(rec, indent=2))
                n += 1
        print(f"{ecosystem}: {n} records, {os.path.getsize(path) / 1e6:.1f} MB")
        count = int(args.components * share)
        purl_type = {"npm": "npm", "PyPI": "pypi", "Maven": "maven", "Go": "golang", "crates.io": "cargo"}[ecosystem]
        for i in range(count):
            name = rng.choice(names) if rng.random() < 0.35 else package_name(rng, ecosystem, 10**6 + i)
            v = version(rng, ecosystem)
            if ecosystem == "Maven":
                group, artifact = name.split(":")
                purl = f"pkg:maven/{group}/{artifact}@{v}"
            elif ecosystem == "npm" and name.startswith("@"):
                purl = f"pkg:npm/%40{name[1:]}@{v}"
            elif ecosystem == "Go":
                purl = f"pkg:golang/{name}@v{v}"
            else:
                purl = f"pkg:{purl_type}/{name}@{v}"
            sbom_components.append({"type": "library", "bom-ref": f"{purl}#{i}", "name": name, "version": v, "purl": purl})
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "metadata": {"component": {"type": "application", "name": "bench", "bom-ref": "root"}},
            "components": sbom_components,
            "dependencies": [{"ref": "root", "dependsOn": [c["bom-ref"] for c in sbom_components]}]}
    with open(os.path.join(args.out, "sbom.cdx.json"), "w") as f:
        json.dump(sbom, f)
    print(f"sbom: {len(sbom_components)} components")


if __name__ == "__main__":
    main()
