#!/usr/bin/env bash
# Downloads the OSV exports the SBOM needs into $SIGNOFF_VULN_DB (conditional requests:
# a database restored from today's cache costs one 304 per ecosystem).
set -euo pipefail
args=(update)
[ -z "$INPUT_SBOM" ] || args+=(--sbom "$INPUT_SBOM")
"$SIGNOFF_BIN" "${args[@]}" -- "$INPUT_PATH"
