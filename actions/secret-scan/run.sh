#!/usr/bin/env bash
# Runs signoff-secrets with the action's inputs (from the environment, never inlined).
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/../lib.sh"

# The job summary's notes name the artifact the files are uploaded as.
SIGNOFF_ARTIFACT_NAME=$(signoff_artifact_name secret-scan)
export SIGNOFF_ARTIFACT_NAME
echo "artifact-name=$SIGNOFF_ARTIFACT_NAME" >> "$GITHUB_OUTPUT"
echo "sarif=$INPUT_OUT/secret-scan.sarif" >> "$GITHUB_OUTPUT"
args=(--out "$INPUT_OUT")
[ -z "$INPUT_MODE" ] || args+=(--mode "$INPUT_MODE")
[ -z "$INPUT_BASE" ] || args+=(--base "$INPUT_BASE")
[ -z "$INPUT_CONFIG" ] || args+=(--config "$INPUT_CONFIG")
[ -z "$INPUT_BASELINE" ] || args+=(--baseline "$INPUT_BASELINE")
[ -z "$INPUT_POLICY" ] || args+=(--policy "$INPUT_POLICY")
signoff_lines args "" "$INPUT_ARGS"
signoff_exec "$SIGNOFF_BIN" "${args[@]}" -- "$INPUT_PATH"
