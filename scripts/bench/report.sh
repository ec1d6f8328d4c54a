#!/usr/bin/env bash
# Renders sign-offs of 25k, 50k, 100k and 200k findings spread over four gates with the
# release signoff-report, and prints the median wall time and peak RSS of 5 runs each.
# usage: scripts/bench/report.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
cargo build --release -q -p signoff-report
bin=target/release/signoff-report
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-10s %12s %12s %12s %14s\n' findings "wall (ms)" "CPU (ms)" "RSS (MB)" "input (MB)"
for n in 25000 50000 100000 200000; do
  python3 scripts/bench/report_gen.py "$n" "$work/in-$n"
  printf 'required: [secret-scan, sbom, coverage, health-check]\n' > "$work/policy.yml"
  walls=(); cpus=(); rss=()
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$bin" "$work/in-$n" --out "$work/out" --policy "$work/policy.yml" >/dev/null || true
    read -r wall kb user sys < <(tail -n 1 "$work/time")
    walls+=("$(python3 -c "print(int(float('$wall') * 1000))")"); rss+=("$kb")
    cpus+=("$(python3 -c "print(int((float('$user') + float('$sys')) * 1000))")")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  size=$(du -sm "$work/in-$n" | cut -f1)
  printf '%-10s %12s %12s %12s %14s\n' "$n" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$(( $(median "${rss[@]}") / 1024 ))" "$size"
done
