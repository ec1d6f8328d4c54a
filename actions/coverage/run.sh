#!/usr/bin/env bash
# Runs signoff-coverage with the action's inputs (from the environment, never inlined).
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/../lib.sh"

# The job summary's notes name the artifact the files are uploaded as.
SIGNOFF_ARTIFACT_NAME=$(signoff_artifact_name coverage)
export SIGNOFF_ARTIFACT_NAME
echo "artifact-name=$SIGNOFF_ARTIFACT_NAME" >> "$GITHUB_OUTPUT"
args=(--out "$INPUT_OUT")
# Each line of `report` is a path or a glob; globs are expanded here, one file per argument.
reports=()
signoff_lines reports "" "$INPUT_REPORT"
shopt -s nullglob globstar
for pattern in "${reports[@]}"; do
  matches=($pattern)
  if [ ${#matches[@]} -eq 0 ]; then args+=(--report "$pattern"); fi
  for file in "${matches[@]}"; do args+=(--report "$file"); done
done
if [ "${INPUT_BASELINE:-}" = auto ]; then
  INPUT_BASELINE=""
  if [ -z "${ACT:-}" ]; then
    dir=$(signoff_base_signoff "${INPUT_REPORT_ARTIFACT:-signoff-report}" "$(signoff_workflow_file)" \
      "${GITHUB_BASE_REF:-${GITHUB_REF_NAME:-}}" "${RUNNER_TEMP:-/tmp}/signoff-coverage-baseline")
    if [ -n "$dir" ] && [ -f "$dir/gates/coverage.gate.json" ]; then
      INPUT_BASELINE="$dir/gates/coverage.gate.json"
    elif [ -n "$dir" ]; then
      echo "::notice title=signoff::no coverage baseline: the base branch's sign-off has no coverage gate report"
    fi
  fi
fi
for name in lines branches functions patch patch-min-lines base diff baseline; do
  var="INPUT_${name^^}"
  var="${var//-/_}"
  [ -z "${!var}" ] || args+=("--$name" "${!var}")
done
signoff_lines args --path-map "$INPUT_PATH_MAP"
[ -z "$INPUT_POLICY" ] || args+=(--policy "$INPUT_POLICY")
signoff_lines args "" "$INPUT_ARGS"
signoff_exec "$SIGNOFF_BIN" "${args[@]}"
