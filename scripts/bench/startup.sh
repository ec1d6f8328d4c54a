#!/usr/bin/env bash
# Binary sizes (stripped release builds) and `--version` start-up time: median of RUNS
# runs per binary, measured with a monotonic clock around each process.
# usage: scripts/bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-21}
cargo build --release -q --workspace --bins
printf '%-18s %10s %14s\n' binary "size (MB)" "--version (ms)"
for bin in target/release/signoff target/release/signoff-*; do
  [ -x "$bin" ] && [ -f "$bin" ] || continue
  case "$bin" in *.d) continue ;; esac
  size=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 1e6:.1f}')" "$bin")
  times=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N); "$bin" --version >/dev/null; t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000 ))")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-18s %10s %14s\n' "$(basename "$bin")" "$size" "$(python3 -c "print(f'{$median / 1000:.2f}')")"
done
