#!/usr/bin/env bash
# Fuzzes every parser entry point (the targets in fuzz/src/targets.rs).
#
#   scripts/fuzz.sh [SECONDS] [SEED]
#       The stable-toolchain driver: each target SECONDS (default 60) on its seeds and
#       mutations of them. A failing input goes to fuzz/crashes/<target>-<hash>; exit 1.
#
#   scripts/fuzz.sh --libfuzzer SECONDS [JOBS] [TARGET...]
#       Coverage-guided, with cargo-fuzz and libFuzzer (needs a nightly toolchain and
#       `cargo install cargo-fuzz`): each target SECONDS, JOBS targets at a time (default:
#       the number of cores), starting from the seeds and the corpus of earlier runs in
#       fuzz/libfuzzer/corpus/<target>. Crashes go to fuzz/libfuzzer/artifacts/<target>/.
#       Prints per target the CPU seconds, inputs run, corpus size and peak memory, and
#       appends them to fuzz/libfuzzer/campaign.tsv; exit 1 when a target crashed.
#       Replay a crash on stable with:
#       cargo run -p signoff-fuzz -- --target NAME --replay FILE
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" != "--libfuzzer" ]]; then
  seconds="${1:-60}"
  seed="${2:-$(date +%s)}"
  echo "fuzzing every target for ${seconds}s each, seed ${seed}"
  exec cargo run --locked --release -p signoff-fuzz -- --target all --seconds "$seconds" --seed "$seed"
fi

shift
seconds="${1:?usage: scripts/fuzz.sh --libfuzzer SECONDS [JOBS] [TARGET...]}"
jobs="${2:-$(nproc)}"
shift $(( $# >= 2 ? 2 : 1 ))
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "error: cargo-fuzz on a nightly toolchain is needed: rustup toolchain install nightly && cargo install cargo-fuzz" >&2
  echo "       (without them, scripts/fuzz.sh SECONDS runs the same targets on stable)" >&2
  exit 2
fi
dir=fuzz/libfuzzer
# Debug assertions on (integer overflow panics), no sanitizer: the code under test is
# safe Rust, so a sanitizer would find nothing a panic does not, at half the speed.
cargo +nightly fuzz build --fuzz-dir "$dir" -s none -a -O
bin="$dir/target/x86_64-unknown-linux-gnu/release"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cargo run --locked --release -q -p signoff-fuzz -- --list)
fi
cargo run --locked --release -q -p signoff-fuzz -- --export-seeds "$dir/seeds" >/dev/null
mkdir -p "$dir/logs"

one() {
  local target="$1" seconds="$2" dir="$3" bin="$4"
  mkdir -p "$dir/corpus/$target" "$dir/artifacts/$target"
  local log="$dir/logs/$target.log" times="$dir/logs/$target.time"
  local status=ok
  /usr/bin/time -f "%U %S" -o "$times" \
    "$bin/$target" "$dir/corpus/$target" "$dir/seeds/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$dir/artifacts/$target/" >"$log" 2>&1 || status=CRASH
  local cpu runs peak corpus
  cpu=$(awk '{printf "%.0f", $1 + $2}' "$times" 2>/dev/null || echo 0)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  corpus=$(find "$dir/corpus/$target" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "${cpu:-0}" "${runs:-0}" "$corpus" "${peak:-0}" "$status" | tee -a "$dir/campaign.tsv"
  [[ "$status" == ok ]]
}
export -f one
printf 'fuzzing %d targets for %ss each, %s at a time (columns: time, target, CPU s, inputs, corpus, peak MB, status)\n' \
  "${#targets[@]}" "$seconds" "$jobs"
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'one "$@"' _ {} "$seconds" "$dir" "$bin" || exit 1
