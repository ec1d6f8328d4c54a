#!/usr/bin/env bash
# Runs signoff-infra with the action's inputs (from the environment, never inlined).
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/../lib.sh"

# The job summary's notes name the artifact the files are uploaded as.
SIGNOFF_ARTIFACT_NAME=$(signoff_artifact_name infra)
export SIGNOFF_ARTIFACT_NAME
echo "artifact-name=$SIGNOFF_ARTIFACT_NAME" >> "$GITHUB_OUTPUT"
echo "sarif=$INPUT_OUT/infra.sarif" >> "$GITHUB_OUTPUT"
args=(--out "$INPUT_OUT")
[ -z "$INPUT_FAIL_ON" ] || args+=(--fail-on "$INPUT_FAIL_ON")
[ -z "$INPUT_BASELINE" ] || args+=(--baseline "$INPUT_BASELINE")
[ -z "$INPUT_POLICY" ] || args+=(--policy "$INPUT_POLICY")
signoff_lines args "" "$INPUT_ARGS"
signoff_exec "$SIGNOFF_BIN" "${args[@]}" -- "$INPUT_PATH"
