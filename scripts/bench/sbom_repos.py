#!/usr/bin/env python3
"""SBOM gate on real repositories (issue 14): signoff-sbom, syft and cdxgen side by side,
each compared with the truth that `sbom_truth.py` derives from the lockfiles on its own.

For every repository below (pinned by commit), from a bare git mirror:
  1. the whole tree at that commit: signoff-sbom's status, and the lockfiles it names as
     unread. A repository with an unread lockfile must never `pass`.
  2. a corpus of the files of the kind under test (lockfiles and the manifests they need):
     each tool runs on a fresh copy of it, alternating, several times; the script prints
     median wall time, peak RSS, and per tool the components, dev-only components and
     edges found against the truth, and whether signoff matches it exactly.

Usage:
    cargo build --release -p signoff-sbom
    python3 scripts/bench/sbom_repos.py [--runs 3] [--only NAME,...] [--no-peers]

Mirrors come from $SIGNOFF_SBOM_MIRRORS/<owner>+<name>/repo (default /work/.mirror), as
the session tool `fetch` leaves them; a repository without a mirror is skipped with a
note. Peers come from install-peers.sh ($SIGNOFF_PEERS/bin).
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sbom as bench  # noqa: E402  (the CycloneDX bench: commands, env, timing)
import sbom_truth  # noqa: E402

MIRRORS = os.environ.get("SIGNOFF_SBOM_MIRRORS", "/work/.mirror")

# (repository, commit, what it covers, files of the corpus)
REPOS = [
    ("denoland/fresh", "39b5f06f8a7d7fa02dd2e2950f2291d04ef9fea7", "deno.lock (jsr + npm), Actions",
     ["deno.lock", ".github/workflows/*"]),
    ("pdm-project/pdm", "a7e9d0015b4d5ca5d1b0c558582f9bf41b2fdf54", "pdm.lock (extras vs dev groups)",
     ["pdm.lock", "pyproject.toml"]),
    ("Comfy-Org/comfy-cli", "e805d26b599773022e7e9594127acdfdf3017d8f", "pylock.toml (PEP 751)",
     ["pylock.toml"]),
    ("mattermost/mattermost-mobile", "06ed862d222012d7c9d0d9fc6111399ad60cf7fa",
     "Podfile.lock, npm devOptional, buildscript/settings Gradle lockfiles",
     ["ios/Podfile.lock", "package-lock.json", "package.json", "android/*-gradle.lockfile"]),
    ("Cecca/repro-course-ci", "HEAD", "conda-lock.yml and explicit conda lock",
     ["conda-lock.yml", "conda-linux-64.lock"]),
    ("conda-incubator/conda-lock", "9c4752b05d38bb463e8a4965ff46c2f0fbee59b4", "conda environment.yml",
     ["example/*/environment.yml"]),
    ("helix-editor/helix", "079a789e8cb08ead67f19e1971a1b7438b37354b", "flake.lock, Actions",
     ["flake.lock", ".github/workflows/*"]),
    ("kamatama41/gradle-dependency-lock-example", "HEAD", "Gradle 6 dependency-locks layout",
     ["gradle/dependency-locks/*.lockfile"]),
    ("JoseLion/maybe", "6d952ea87d4d0bb18654d12b265804b29cfd6445", "gradle.lockfile + buildscript lockfile",
     ["gradle.lockfile", "buildscript-gradle.lockfile"]),
    ("google/gson", "9835b6f90192f79cdf5300c528fc6212455fb6c1", "pom.xml (parent, properties, dependencyManagement)",
     ["pom.xml", "*/pom.xml"]),
    ("android/nowinandroid", "d6abd6d3e562ae0f017888f5d62042316a49a2d6", "Gradle scripts + libs.versions.toml",
     ["settings.gradle.kts", "gradle/libs.versions.toml", "build.gradle.kts", "app/build.gradle.kts",
      "core/*/build.gradle.kts", "feature/*/*/build.gradle.kts"]),
    ("App-vNext/Polly", "173d6d1d2e28a4697f1ac1d22da68f77ff19a0c9", "*.csproj/*.fsproj + Directory.Packages.props",
     ["Directory.Packages.props", "Directory.Build.props", "src/*/*.csproj", "test/*/*.csproj", "samples/*/*.*sproj"]),
    ("honojs/hono", "28a9c128912de19f3fb28b00ae289c9b93f6f392", "bun.lock nested resolution (repo also has a bun.lockb)",
     ["bun.lock"]),
    ("jestjs/jest", "52db46e50404c993d3f10dd1481e861cc04ae22e", "yarn berry resolutions and dev scoping",
     ["yarn.lock", "package.json", "packages/*/package.json"]),
    ("maybe-finance/maybe", "77b5469832758d1cbee1a940f3012a1ae1c74cd3", "Gemfile.lock platform gems",
     ["Gemfile.lock", "Gemfile"]),
    ("phoenixframework/phoenix", "167c46950cf53aef363d672687cc653267c20aa6", "mix.lock optional edges",
     ["mix.lock", "mix.exs"]),
    ("localsend/localsend", "HEAD", "Dart pub workspace dev scope",
     ["pubspec.lock", "pubspec.yaml", "app/pubspec.yaml", "packages/*/pubspec.yaml"]),
    ("cli/cli", "HEAD", "go.mod direct vs indirect", ["go.mod", "go.sum"]),
]


def git(mirror: str, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", mirror, *args], capture_output=True, check=True).stdout


def extract(mirror: str, commit: str, dest: str, patterns: list[str] | None) -> int:
    """Writes the blobs of `commit` (those matching `patterns`, or all) under `dest`;
    blobs the mirror lacks (its largest files) are skipped."""
    listing = git(mirror, "ls-tree", "-r", "-z", commit).split(b"\0")
    wanted = []
    for entry in filter(None, listing):
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        rel = path.decode("utf-8", "surrogateescape")
        if kind != b"blob" or mode in (b"120000", b"160000"):
            continue
        if patterns is None or any(fnmatch.fnmatchcase(rel, p) and rel.count("/") == p.count("/") for p in patterns):
            wanted.append((sha, rel))
    cat = subprocess.Popen(["git", "--git-dir", mirror, "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    written = 0
    for sha, rel in wanted:
        cat.stdin.write(sha + b"\n"); cat.stdin.flush()
        header = cat.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            continue
        data = cat.stdout.read(int(header[2])); cat.stdout.read(1)
        out = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            f.write(data)
        written += 1
    cat.stdin.close(); cat.wait()
    return written


def purl_key(purl: str) -> str:
    """A purl as the truth's key: type/namespace/name@version, decoded, lower case."""
    base = purl.split("#")[0].split("?")[0][len("pkg:"):]
    kind, _, rest = base.partition("/")
    at = rest.rfind("@")
    name, version = (rest[:at], rest[at + 1:]) if at > rest.rfind("/") else (rest, "")
    name, version = urllib.parse.unquote(name), urllib.parse.unquote(version)
    if kind == "pypi":
        name = sbom_truth.pep503(name)
    return f"{kind}/{name}@{version}".lower()


def reading(bom_path: str, dev_scopes=("excluded",)) -> tuple[set, set, set]:
    """(components, dev-only, edges) of a CycloneDX document, third-party only."""
    try:
        doc = json.load(open(bom_path))
    except (OSError, ValueError):
        return set(), set(), set()
    refs, comps, dev = {}, set(), set()
    for c in doc.get("components") or []:
        props = {p.get("name"): p.get("value") for p in c.get("properties") or []}
        if props.get("signoff:first-party") == "true" or not c.get("purl"):
            continue
        k = purl_key(c["purl"])
        refs[c.get("bom-ref", c["purl"])] = k
        comps.add(k)
        if c.get("scope") in dev_scopes:
            dev.add(k)
    edges = set()
    for d in doc.get("dependencies") or []:
        a = refs.get(d.get("ref"))
        for b in d.get("dependsOn") or []:
            if a and refs.get(b) and a != refs[b]:
                edges.add((a, refs[b]))
    return comps, dev, edges


def score(found: set, truth: set) -> str:
    if not truth and not found:
        return "0/0"
    return f"{len(found & truth)}/{len(truth)}" + (f" +{len(found - truth)}" if found - truth else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("--no-peers", action="store_true")
    a = ap.parse_args()
    if not os.access(bench.OURS, os.X_OK):
        print(f"error: {bench.OURS} missing; run `cargo build --release -p signoff-sbom` first")
        return 2
    tools = ["signoff-sbom"]
    if not a.no_peers:
        tools += [p for p in ("syft", "cdxgen") if shutil.which(p, path=bench.env()["PATH"])]
    rows, failures = [], []
    keep = tempfile.mkdtemp(prefix="sbom-repos-out-")
    for repo, commit, covers, patterns in REPOS:
        name = repo.replace("/", "+")
        if a.only and name not in a.only.split(",") and repo not in a.only.split(","):
            continue
        mirror = os.path.join(MIRRORS, name, "repo")
        if not os.path.isdir(mirror):
            print(f"note: no mirror of {repo} at {mirror}; skipped")
            continue
        commit = git(mirror, "rev-parse", commit).decode().strip()
        # 1. the whole repository: never `pass` with an unread lockfile.
        full = tempfile.mkdtemp(prefix="sbom-full-")
        extract(mirror, commit, os.path.join(full, name), None)
        out = os.path.join(keep, name + ".full")
        subprocess.run([bench.OURS, os.path.join(full, name), "--out", out], env=bench.env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gate = json.load(open(os.path.join(out, "sbom.gate.json")))
        unread = [f["location"]["path"] for f in gate["findings"] if f["rule"] == "lockfile-unread"]
        if unread and gate["status"] == "pass":
            failures.append(f"{repo}: pass with unread {unread}")
        shutil.rmtree(full, ignore_errors=True)
        # 2. the corpus, against the truth.
        corpus = tempfile.mkdtemp(prefix="sbom-corpus-")
        files = extract(mirror, commit, os.path.join(corpus, name), patterns)
        truth = sbom_truth.truth(os.path.join(corpus, name))
        walls = {t: [] for t in tools}
        rss = {t: 0.0 for t in tools}
        for _ in range(a.runs):
            for tool in tools:
                tmp = tempfile.mkdtemp(prefix="sbom-run-")
                work = os.path.join(tmp, name)
                shutil.copytree(os.path.join(corpus, name), work)
                bom = os.path.join(keep, f"{name}.{tool}.cdx.json")
                _, wall, mb = bench.timed(bench.command(tool, work, bom), tmp)
                walls[tool].append(wall)
                rss[tool] = max(rss[tool], mb)
                shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(corpus, ignore_errors=True)
        med = {t: statistics.median(walls[t]) for t in tools}
        found = {t: reading(os.path.join(keep, f"{name}.{t}.cdx.json"),
                            ("excluded",) if t == "signoff-sbom" else ("excluded", "optional")) for t in tools}
        ours = found["signoff-sbom"]
        exact = ours[0] == truth.components and ours[1] == truth.dev and ours[2] == truth.edges
        if not exact:
            failures.append(f"{repo}: signoff differs from the truth")
            for label, got, want in zip(("components", "dev", "edges"), ours,
                                        (truth.components, truth.dev, truth.edges)):
                if got != want:
                    print(f"  {repo} {label}: missing {sorted(want - got)[:5]} extra {sorted(got - want)[:5]}")
        peers = [t for t in tools if t != "signoff-sbom"]
        fastest = min((med[t] for t in peers), default=None)
        ratio = fastest / max(med["signoff-sbom"], 0.005) if fastest else None
        if ratio is not None and ratio < 20:
            failures.append(f"{repo}: only {ratio:.0f}x faster than the faster peer")
        row = dict(repo=repo, commit=commit, covers=covers, files=files, status=gate["status"],
                   unread=len(unread), truth=(len(truth.components), len(truth.dev), len(truth.edges)),
                   found={t: (score(found[t][0], truth.components), score(found[t][1], truth.dev),
                              score(found[t][2], truth.edges)) for t in tools},
                   med=med, rss=rss, ratio=ratio, exact=exact)
        rows.append(row)
        print(f"{repo}@{commit[:12]}: full repo {gate['status']} ({len(unread)} unread) | truth "
              f"{row['truth']} | " + " | ".join(f"{t} {row['found'][t]} {med[t]*1000:.0f} ms {rss[t]:.0f} MB" for t in tools)
              + (f" | {ratio:.0f}x" if ratio else "") + (" | exact" if exact else " | DIFFERS"), flush=True)

    print()
    print("| repository @ commit | covers | full-repo status (unread) | truth: components / dev-only / edges | "
          + " | ".join(f"{t}: components, dev, edges" for t in tools) + " | time " + " / ".join(tools)
          + " | peak RSS " + " / ".join(tools) + " | faster peer ÷ ours |")
    print("|---|---|---|---|" + "---|" * len(tools) + "---|---|---:|")
    for r in rows:
        print(f"| {r['repo']} @ `{r['commit'][:12]}` | {r['covers']} | {r['status']} ({r['unread']}) | "
              f"{r['truth'][0]} / {r['truth'][1]} / {r['truth'][2]} | "
              + " | ".join(", ".join(r["found"][t]) + (" ✓" if t == "signoff-sbom" and r["exact"] else "") for t in tools)
              + " | " + " / ".join(f"{r['med'][t]*1000:.0f} ms" for t in tools)
              + " | " + " / ".join(f"{r['rss'][t]:.0f} MB" for t in tools)
              + f" | {r['ratio']:.0f}× |" if r["ratio"] else " | - |")
    print(f"\noutputs kept in {keep}")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
