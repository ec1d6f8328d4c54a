#!/usr/bin/env bash
# Speed and peak memory of signoff-infra against checkov (and hadolint) on the same files.
#
# usage: scripts/bench/infra-speed.sh REPOS_DIR [RUNS]
#
# REPOS_DIR is the tree infra_extract.py writes (one directory per repository). Each tool
# reads the whole tree in one run: signoff-infra REPOS_DIR, checkov -d REPOS_DIR with the
# frameworks the infra gate covers (dockerfile, kubernetes, terraform), hadolint on every
# Dockerfile. Wall time and peak RSS come from GNU time; signoff-infra is run RUNS times
# (default 3) and the fastest run is kept, checkov once (it takes minutes).
# Environment: SIGNOFF (default target/release/signoff-infra), CHECKOV and HADOLINT
# (default ~/.cache/signoff-peers/infra-venv/bin/...).
set -euo pipefail
repos=${1:?usage: infra-speed.sh REPOS_DIR [RUNS]}
runs=${2:-3}
signoff=${SIGNOFF:-target/release/signoff-infra}
checkov=${CHECKOV:-$HOME/.cache/signoff-peers/infra-venv/bin/checkov}
hadolint=${HADOLINT:-$HOME/.cache/signoff-peers/infra-venv/bin/hadolint}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: prints "NAME seconds kilobytes" from GNU time.
measure() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" > /dev/null 2> "$tmp/stderr" || true
  # GNU time adds "Command exited with non-zero status N" first when the tool fails.
  printf '%s %s\n' "$name" "$(tail -n 1 "$tmp/time")"
}

files=$(find "$repos" \( -iname 'dockerfile*' -o -iname 'containerfile*' -o -iname '*.dockerfile' \) \
  -not -iname '*.dockerignore' -type f | wc -l)
echo "tree: $repos ($(find "$repos" -type f | wc -l) files, $files Dockerfiles, $(du -sh "$repos" | cut -f1))"
best=""
for _ in $(seq "$runs"); do
  line=$(measure signoff-infra "$signoff" "$repos" --out "$tmp/out")
  if [ -z "$best" ] || awk -v a="$(echo "$line" | cut -d' ' -f2)" -v b="$(echo "$best" | cut -d' ' -f2)" 'BEGIN{exit !(a<b)}'; then
    best=$line
  fi
done
echo "$best"
ck=$(measure checkov "$checkov" -d "$repos" -o json --framework dockerfile kubernetes terraform \
  --skip-download --soft-fail --compact)
echo "$ck"
find "$repos" \( -iname 'dockerfile*' -o -iname 'containerfile*' -o -iname '*.dockerfile' \) \
  -not -iname '*.dockerignore' -type f -print0 > "$tmp/dockerfiles"
hl=$(measure hadolint xargs -0 -a "$tmp/dockerfiles" "$hadolint" --no-fail --format json)
echo "$hl"
read -r _ s_time s_rss <<< "$best"
read -r _ c_time c_rss <<< "$ck"
awk -v st="$s_time" -v sr="$s_rss" -v ct="$c_time" -v cr="$c_rss" 'BEGIN {
  if (st == 0) st = 0.01
  printf "checkov / signoff-infra: %.1fx the wall time, %.1fx the peak memory\n", ct / st, cr / sr
}'
