#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) on the stable toolchain.
# A crashing input is written to fuzz/crashes/<target>-<hash> and the exit code is 1.
# Usage: scripts/fuzz.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
seed="${2:-$(date +%s)}"
echo "fuzzing every target for ${seconds}s each, seed ${seed}"
exec cargo run --locked --release -p signoff-fuzz -- --target all --seconds "$seconds" --seed "$seed"
