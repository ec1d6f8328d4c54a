#!/usr/bin/env python3
"""Materialise the infra benchmark's repositories at their pinned commits.

usage: infra_extract.py MIRROR_ROOT OUT_DIR [REPOS_FILE]

MIRROR_ROOT holds bare mirrors as <owner>+<name>/repo (what the session's `fetch` gives);
REPOS_FILE (default: infra-repos.txt beside this script) lists `<owner>+<name> <commit>`.
Only the files the infra gate, hadolint and checkov read are written (Dockerfiles, YAML,
Terraform, .dockerignore, .gitignore, .env*): mirrors may lack large blobs, and the rest is
not needed. Missing blobs are skipped and counted.
"""
import os
import re
import subprocess
import sys

WANTED = re.compile(
    r"(^|/)(Dockerfile[^/]*|Containerfile[^/]*|[^/]*\.dockerfile|[^/]*\.ya?ml|[^/]*\.tf|"
    r"\.dockerignore|[^/]*\.dockerignore|\.gitignore|\.env[^/]*)$",
    re.IGNORECASE,
)


def main():
    mirrors, out = sys.argv[1], sys.argv[2]
    repos_file = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "infra-repos.txt")
    for line in open(repos_file):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, commit = line.split()[:2]
        git_dir = os.path.join(mirrors, name, "repo")
        dest = os.path.join(out, name)
        listing = subprocess.run(
            ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit],
            check=True, capture_output=True).stdout.decode("utf-8", "replace")
        written = missing = 0
        for entry in listing.split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            mode, kind, sha = meta.split()
            if kind != "blob" or mode == "120000" or not WANTED.search(path):
                continue
            blob = subprocess.run(["git", "--git-dir", git_dir, "cat-file", "blob", sha],
                                  capture_output=True)
            if blob.returncode != 0:
                missing += 1
                continue
            target = os.path.join(dest, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(blob.stdout)
            written += 1
        print(f"{name}: {written} files ({missing} blobs missing from the mirror)")


if __name__ == "__main__":
    main()
