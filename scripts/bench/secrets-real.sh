#!/usr/bin/env bash
# Real-world evaluation of the secret scan: signoff-secrets, Betterleaks and Kingfisher in tree
# mode with their default configs (validation off, no network) on the pinned public repositories
# of scripts/bench/secrets-real/repos.tsv, scored against the hand labels in
# scripts/bench/secrets-real/labels.jsonl.
#
#   scripts/bench/secrets-real.sh [OWNER/NAME...]   run and score every repository (or those named)
#
# Each repository's pinned commit is exported from its bare mirror (the `fetch` tool's snapshot,
# $SIGNOFF_MIRRORS/<owner>+<name>/repo, default /work/.mirror); a repository without a mirror or
# without that commit is skipped with a message. Files the snapshot lacks are listed.
# Environment:
#   SIGNOFF_SECRETS_BIN  signoff-secrets binary (default: cargo build --release -p signoff-secrets)
#   SIGNOFF_BENCH_KIT    kit with install-peers.sh (default /work/shared/bench/secrets); or set
#                        KINGFISHER and BETTERLEAKS to the binaries. A peer that is not there is
#                        skipped with a message.
#   SIGNOFF_BENCH_DIR    work directory for trees and reports (default $TMPDIR/signoff-bench-secrets-real)
#   SCORE_ARGS           extra arguments for score.py, e.g. "--unlabeled-out /tmp/unlabeled.jsonl"
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE="$PWD/scripts/bench/secrets-real"
MIRRORS="${SIGNOFF_MIRRORS:-/work/.mirror}"
WORK="${SIGNOFF_BENCH_DIR:-${TMPDIR:-/tmp}/signoff-bench-secrets-real}"
KIT="${SIGNOFF_BENCH_KIT:-/work/shared/bench/secrets}"
mkdir -p "$WORK/trees" "$WORK/out"
WORK="$(cd "$WORK" && pwd)"

if [ -n "${SIGNOFF_SECRETS_BIN:-}" ]; then
  US="$SIGNOFF_SECRETS_BIN"
else
  cargo build --release -q -p signoff-secrets
  US="$PWD/target/release/signoff-secrets"
fi
KF="${KINGFISHER:-}"; BL="${BETTERLEAKS:-}"
if [ -z "$KF$BL" ] && [ -f "$KIT/install-peers.sh" ]; then
  eval "$(bash "$KIT/install-peers.sh")"        # sets kingfisher=… betterleaks=…
  KF="$kingfisher"; BL="$betterleaks"
fi
[ -x "$KF" ] || { echo "skip: Kingfisher is not installed (set KINGFISHER or SIGNOFF_BENCH_KIT)"; KF=""; }
[ -x "$BL" ] || { echo "skip: Betterleaks is not installed (set BETTERLEAKS or SIGNOFF_BENCH_KIT)"; BL=""; }
echo "signoff-secrets $("$US" --version | awk '{print $2}')${KF:+, kingfisher $("$KF" --version | awk '{print $2}')}${BL:+, betterleaks $("$BL" version 2>/dev/null | head -1)}"

FINDINGS="$WORK/findings.jsonl" RUNS="$WORK/runs.jsonl"
: > "$FINDINGS"; : > "$RUNS"; : > "$WORK/exported.jsonl"

git_dir() {  # OWNER/NAME: the mirror's git directory, or nothing
  local base="$MIRRORS/${1/\//+}" c
  for c in "$base/repo" "$base" "$base.git"; do
    if [ -d "$c" ] && git --git-dir="$c" rev-parse --git-dir >/dev/null 2>&1; then echo "$c"; return; fi
  done
}

run_tool() {  # TOOL REPO TREE OUT REPORT CMD...: run in the tree, normalise, record the run
  local tool="$1" repo="$2" tree="$3" out="$4" report="$5"; shift 5
  local t0 t1 ok=true
  t0=$(date +%s.%N)
  (cd "$tree" && "$@") >"$out/$tool.log" 2>&1 || true
  t1=$(date +%s.%N)
  if ! python3 "$HERE/normalize.py" "$tool" "$repo" "$tree" "$report" >>"$FINDINGS"; then
    ok=false; echo "  ERROR: $tool wrote no readable report for $repo (log: $out/$tool.log)"
  fi
  printf '{"tool":"%s","repo":"%s","ok":%s,"wall_s":%.2f}\n' "$tool" "$repo" "$ok" "$(echo "$t1 - $t0" | bc)" >>"$RUNS"
}

want() { [ $# -le 1 ] && return 0; local r; for r in "${@:2}"; do [ "$r" = "$1" ] && return 0; done; return 1; }

while IFS=$'\t' read -r repo commit set kind _; do
  case "$repo" in ''|'#'*) continue ;; esac
  want "$repo" "$@" || continue
  gd="$(git_dir "$repo")"
  if [ -z "$gd" ]; then echo "skip $repo: no mirror under $MIRRORS (fetch github:$repo)"; continue; fi
  if ! git --git-dir="$gd" cat-file -e "$commit^{commit}" 2>/dev/null; then
    echo "skip $repo: the mirror $gd has no commit $commit"; continue
  fi
  tree="$WORK/trees/${repo/\//+}" out="$WORK/out/${repo/\//+}"
  if [ "$(cat "$tree.commit" 2>/dev/null)" != "$commit" ]; then
    rm -rf "$tree" "$tree.commit"
    python3 "$HERE/export.py" "$gd" "$commit" "$tree" --missing "$tree.missing" 2>/dev/null
    echo "$commit" > "$tree.commit"
  fi
  missing=$(wc -l < "$tree.missing") note=""
  [ "$missing" -eq 0 ] || note="; $missing file(s) not in the snapshot, see $tree.missing"
  echo "$repo @ ${commit:0:12} ($set, $kind)$note"
  rm -rf "$out"; mkdir -p "$out"
  run_tool signoff "$repo" "$tree" "$out" "$out/us/secret-scan.sarif" "$US" . --mode tree --out "$out/us"
  # Betterleaks' --redact also rewrites file paths that contain the secret's text, so its report
  # stays unredacted in the work directory (never printed: only rule, path and line are read).
  [ -z "$BL" ] || run_tool betterleaks "$repo" "$tree" "$out" "$out/bl.json" \
    "$BL" fs . -s --no-banner --exit-code 0 -l error -o "$out/bl.json"
  [ -z "$KF" ] || run_tool kingfisher "$repo" "$tree" "$out" "$out/kf.json" \
    "$KF" scan . --git-history none -n --no-update-check -q --redact -f json -o "$out/kf.json"
  printf '{"repo":"%s","commit":"%s","set":"%s","missing":%s}\n' "$repo" "$commit" "$set" "$missing" >>"$WORK/exported.jsonl"
done < "$HERE/repos.tsv"

# shellcheck disable=SC2086
python3 "$HERE/score.py" --repos "$HERE/repos.tsv" --labels "$HERE/labels.jsonl" \
  --leaky "$HERE/leaky-repo-expected.jsonl" --findings "$FINDINGS" --runs "$RUNS" \
  --json "$WORK/score.json" ${SCORE_ARGS:-}
