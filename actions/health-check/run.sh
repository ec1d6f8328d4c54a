#!/usr/bin/env bash
# Runs signoff-health with the action's inputs (from the environment, never inlined).
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/../lib.sh"

# The job summary's notes name the artifact the files are uploaded as.
SIGNOFF_ARTIFACT_NAME=$(signoff_artifact_name health-check)
export SIGNOFF_ARTIFACT_NAME
echo "artifact-name=$SIGNOFF_ARTIFACT_NAME" >> "$GITHUB_OUTPUT"
args=(--out "$INPUT_OUT")
signoff_lines args --url "$INPUT_URL"
signoff_lines args --expect "$INPUT_EXPECT"
[ -z "$INPUT_STATUS" ] || args+=(--status "$INPUT_STATUS")
[ -z "$INPUT_CONFIG" ] || args+=(--config "$INPUT_CONFIG")
[ -z "$INPUT_DEADLINE" ] || args+=(--deadline "$INPUT_DEADLINE")
[ -z "$INPUT_ROLLBACK" ] || args+=(--rollback "$INPUT_ROLLBACK")
[ -z "$INPUT_POLICY" ] || args+=(--policy "$INPUT_POLICY")
signoff_lines args "" "$INPUT_ARGS"
signoff_exec "$SIGNOFF_BIN" "${args[@]}"
