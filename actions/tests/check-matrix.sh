#!/usr/bin/env bash
# Checks the README's matrix example as the self-test ran it: two coverage shards, each
# failing `lines: 80` on its half of the tests, judged as one by the report (merged line by
# line, they pass). With $SIGNOFF_RESULTS set (under act), copies the evidence there.
set -euo pipefail
problems=()
case "$VERDICT" in
  "APPROVED"|"APPROVED WITH CONDITIONS") ;;
  *) problems+=("verdict: expected an approval, got '$VERDICT'") ;;
esac
json=signoff-report/signoff.json
if [ -s "$json" ]; then
  coverage=$("${SIGNOFF_PYTHON:-python3}" - "$json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
gate = next((g for g in data["gates"] if g["gate"] == "coverage"), None)
if gate is None:
    print("missing")
else:
    shards = sorted(r["status"] for r in gate["reports"])
    print(gate["status"], "|", gate["summary"], "|", ",".join(shards))
PY
)
  case "$coverage" in
    "pass | "*"merged from 2 shards | fail,fail,pass") ;;
    *) problems+=("coverage: expected the two failing shards merged into a pass, got: $coverage") ;;
  esac
else
  problems+=("$json is missing")
fi
[ -s "$SUMMARY_FILE" ] && grep -q "Sign-off: $VERDICT" "$SUMMARY_FILE" || problems+=("the job summary does not state the verdict")

if [ -n "${SIGNOFF_RESULTS:-}" ]; then
  mkdir -p "$SIGNOFF_RESULTS/matrix"
  printf 'coverage=%s\nverdict=%s\nscore=%s\n' "${coverage:-}" "$VERDICT" "$SCORE" > "$SIGNOFF_RESULTS/matrix/outputs"
  cp "$SUMMARY_FILE" "$SIGNOFF_RESULTS/matrix/summary.md" 2>/dev/null || true
  cp -r signoff-report "$SIGNOFF_RESULTS/matrix/"
  printf '%s\n' "${problems[@]}" > "$SIGNOFF_RESULTS/matrix/problems"
fi
if [ ${#problems[@]} -gt 0 ]; then
  for problem in "${problems[@]}"; do echo "::error title=self-test (matrix)::$problem"; done
  exit 1
fi
echo "self-test matrix: $VERDICT, score $SCORE; coverage $coverage"
