#!/usr/bin/env bash
# Runs signoff-report with the report action's inputs (from the environment, never inlined).
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/actions/lib.sh"

dirs=()
signoff_lines dirs "" "$INPUT_PATH"
if [ "$INPUT_DOWNLOAD" = true ] && [ -z "${ACT:-}" ] && [ -d "$SIGNOFF_DOWNLOADS" ]; then
  dirs+=("$SIGNOFF_DOWNLOADS")
fi
if [ ${#dirs[@]} -eq 0 ]; then
  echo "::warning title=signoff::no gate reports to read: set 'path', or run the gate actions with 'upload: true' before this step"
  dirs+=("${RUNNER_TEMP:-/tmp}/signoff-no-gates")
  mkdir -p "${dirs[0]}"
fi
args=(--out "$INPUT_OUT")
[ -z "$INPUT_POLICY" ] || args+=(--policy "$INPUT_POLICY")
[ -z "$INPUT_TEMPLATE" ] || args+=(--template "$INPUT_TEMPLATE")
[ -z "${INPUT_BASELINE:-}" ] || args+=(--baseline "$INPUT_BASELINE")
signoff_lines args --sarif "$INPUT_SARIF"
if [ "$INPUT_COMMENT" = true ]; then
  args+=(--comment --comment-key "$INPUT_COMMENT_KEY")
  [ -z "${INPUT_PULL_REQUEST:-}" ] || args+=(--pull-request "$INPUT_PULL_REQUEST")
fi

# Keep a copy of what this step adds to the job summary (an output for other steps).
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
before=0
[ -f "$summary" ] && before=$(wc -c < "$summary")
code=0
"$SIGNOFF_BIN" "${args[@]}" -- "${dirs[@]}" || code=$?
copy="${RUNNER_TEMP:-/tmp}/signoff-summary-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n').md"
if [ -f "$summary" ]; then tail -c "+$((before + 1))" "$summary" > "$copy"; else : > "$copy"; fi
echo "summary-file=$copy" >> "$GITHUB_OUTPUT"
if [ "$code" -eq 1 ] && [ "$INPUT_FAIL" = false ]; then
  echo "::notice title=signoff::the sign-off is REJECTED; the step passes because 'fail' is false"
  exit 0
fi
exit "$code"
