#!/usr/bin/env bash
# Runs signoff-sbom with the action's inputs (from the environment, never inlined).
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/../lib.sh"

echo "artifact-name=$(signoff_artifact_name sbom)" >> "$GITHUB_OUTPUT"
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
