#!/usr/bin/env bash
# Runs signoff-sbom with the action's inputs (from the environment, never inlined).
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/../lib.sh"

# The job summary's notes name the artifact the files are uploaded as.
SIGNOFF_ARTIFACT_NAME=$(signoff_artifact_name sbom)
export SIGNOFF_ARTIFACT_NAME
echo "artifact-name=$SIGNOFF_ARTIFACT_NAME" >> "$GITHUB_OUTPUT"
case "$INPUT_FORMAT" in
  xml) file=sbom.cdx.xml ;;
  spdx-json) file=sbom.spdx.json ;;
  *) file=sbom.cdx.json ;;
esac
echo "sbom=$INPUT_OUT/$file" >> "$GITHUB_OUTPUT"
args=(--out "$INPUT_OUT" --format "$INPUT_FORMAT")
[ -z "$INPUT_POLICY" ] || args+=(--policy "$INPUT_POLICY")
signoff_lines args "" "$INPUT_ARGS"
signoff_exec "$SIGNOFF_BIN" "${args[@]}" -- "$INPUT_PATH"
