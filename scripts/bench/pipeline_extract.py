#!/usr/bin/env python3
"""Materialise the pipeline benchmark's repositories at their pinned commits.

usage: pipeline_extract.py MIRROR_ROOT OUT_DIR [REPOS_FILE]

MIRROR_ROOT holds bare clones as <owner>+<name>/repo (what the `fetch` tool leaves), or as
<owner>+<name>.git; REPOS_FILE (default: pipeline-repos.txt beside this script) lists
`owner/name commit` lines. Each repository's tree at the commit is written to
OUT_DIR/<owner>+<name>/. Blobs a snapshot lacks (large media, LFS) are skipped and counted:
workflow files are small, so every one the benchmark reads is present.
"""
import os
import subprocess
import sys


def git_dir(root, slug):
    base = slug.replace("/", "+")
    for candidate in (os.path.join(root, base, "repo"), os.path.join(root, base + ".git")):
        if os.path.isdir(candidate):
            return candidate
    sys.exit(f"error: no clone of {slug} under {root} (fetch it first)")


def extract(gd, commit, out):
    listing = subprocess.run(
        ["git", "--git-dir", gd, "ls-tree", "-r", "-z", "--full-tree", commit],
        check=True, capture_output=True).stdout
    entries = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, path = item.split(b"\t", 1)
        mode, kind, oid = meta.split()
        if kind == b"blob":
            entries.append((mode, oid, path.decode("utf-8", "surrogateescape")))
    proc = subprocess.Popen(["git", "--git-dir", gd, "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = 0
    for mode, oid, path in entries:
        proc.stdin.write(oid + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing += 1
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        target = os.path.join(out, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if mode == b"120000":
            continue  # symlinks are left out: the benchmark reads regular files
        with open(target, "wb") as handle:
            handle.write(data)
    proc.stdin.close()
    proc.wait()
    return len(entries), missing


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    root, out_root = sys.argv[1], sys.argv[2]
    repos = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "pipeline-repos.txt")
    for line in open(repos):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        slug, commit = line.split()
        out = os.path.join(out_root, slug.replace("/", "+"))
        if os.path.isdir(out) and os.listdir(out):
            continue
        total, missing = extract(git_dir(root, slug), commit, out)
        print(f"{slug} {commit[:12]}: {total} files, {missing} missing from the snapshot")


if __name__ == "__main__":
    main()
