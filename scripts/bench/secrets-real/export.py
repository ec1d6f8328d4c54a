#!/usr/bin/env python3
"""Export one commit's tree from a bare mirror into a directory, like `git archive | tar -x`.

    export.py GIT_DIR COMMIT DEST [--missing FILE]

Unlike git archive it does not stop at a blob the snapshot lacks (the fetch tool's snapshots
leave out files of 4 MiB and more and Git LFS content): such files are skipped and listed, one
path a line, in --missing (default: stderr), so the evaluation says what it could not read.
Symlinks are written as symlinks, submodules are skipped (and listed).
"""
import argparse
import os
import subprocess
import sys


def tree_entries(git_dir, commit):
    out = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", "--full-tree", commit],
                         check=True, capture_output=True).stdout
    for rec in out.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode, kind, sha = meta.split(b" ")
        yield mode.decode(), kind.decode(), sha.decode(), os.fsdecode(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("git_dir")
    ap.add_argument("commit")
    ap.add_argument("dest")
    ap.add_argument("--missing")
    a = ap.parse_args()
    entries = list(tree_entries(a.git_dir, a.commit))
    blobs = [e for e in entries if e[1] == "blob"]
    skipped = [f"{p}\tsubmodule" for _, k, _, p in entries if k == "commit"]
    cat = subprocess.Popen(["git", "--git-dir", a.git_dir, "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    # Feed and read in chunks so neither pipe fills up.
    for i in range(0, len(blobs), 256):
        chunk = blobs[i:i + 256]
        cat.stdin.write("".join(sha + "\n" for _, _, sha, _ in chunk).encode())
        cat.stdin.flush()
        for mode, _, sha, path in chunk:
            header = cat.stdout.readline().decode().split()
            if len(header) < 3 or header[1] == "missing":
                skipped.append(f"{path}\tmissing from the snapshot")
                continue
            data = cat.stdout.read(int(header[2]))
            cat.stdout.read(1)  # the newline after each object
            dest = os.path.join(a.dest, path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if mode == "120000":
                os.symlink(os.fsdecode(data), dest)
                continue
            with open(dest, "wb") as f:
                f.write(data)
            if mode == "100755":
                os.chmod(dest, 0o755)
    cat.stdin.close()
    cat.wait()
    out = open(a.missing, "w") if a.missing else sys.stderr
    for line in skipped:
        print(line, file=out)
    print(f"exported {len(blobs) - sum(1 for s in skipped if 'missing' in s)} files, skipped {len(skipped)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
