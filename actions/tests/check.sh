#!/usr/bin/env bash
# Checks what the self-test's actions produced, for the case in $CASE: step outputs (in the
# environment), the job summary the report wrote, and the files. With $SIGNOFF_RESULTS set
# (under act), copies the evidence there for scripts/test-actions.sh.
set -euo pipefail
problems=()
expect() { [ "$2" = "$3" ] || problems+=("$1: expected '$3', got '$2'"); }
expect_one_of() { local name=$1 value=$2; shift 2; for v in "$@"; do [ "$value" = "$v" ] && return; done; problems+=("$name: '$value' is none of: $*"); }

if [ "$CASE" = pass ]; then
  expect secret-scan "$SECRETS" pass
  expect_one_of sbom "$SBOM" pass warn
  expect coverage "$COVERAGE" pass
  expect health-check "$HEALTH" pass
  expect_one_of pipeline "$PIPELINE" pass warn
  expect_one_of infra "$INFRA" pass warn skipped
  expect_one_of verdict "$VERDICT" "APPROVED" "APPROVED WITH CONDITIONS"
else
  expect secret-scan "$SECRETS" fail
  expect coverage "$COVERAGE" fail
  expect health-check "$HEALTH" fail
  expect pipeline "$PIPELINE" fail
  expect infra "$INFRA" fail
  expect verdict "$VERDICT" REJECTED
fi
[[ "$SCORE" =~ ^[0-9]+$ ]] || problems+=("score '$SCORE' is not a number")
for file in signoff-out/secret-scan.gate.json signoff-out/sbom.gate.json signoff-out/coverage.gate.json \
  signoff-out/health-check.gate.json signoff-out/secret-scan.sarif signoff-out/pipeline.gate.json \
  signoff-out/pipeline.sarif signoff-out/infra.gate.json signoff-report/report.md \
  signoff-report/report.html signoff-report/signoff.json signoff-report/signoff.intoto.json; do
  [ -s "$file" ] || problems+=("$file is missing or empty")
done
[ "$REPORT" = signoff-report/report.md ] || problems+=("report output is '$REPORT'")
if [ -s "$SUMMARY_FILE" ]; then
  grep -q "Sign-off: $VERDICT" "$SUMMARY_FILE" || problems+=("the job summary does not state the verdict $VERDICT")
else
  problems+=("the report wrote no job summary")
fi
if [ -f fixture.secret ]; then
  secret=$(cat fixture.secret)
  if grep -rqF "$secret" signoff-out signoff-report "$SUMMARY_FILE"; then problems+=("the planted secret appears in an output"); fi
fi

if [ -n "${SIGNOFF_RESULTS:-}" ]; then
  mkdir -p "$SIGNOFF_RESULTS/$CASE"
  printf 'secrets=%s\nsbom=%s\ncoverage=%s\nhealth=%s\npipeline=%s\ninfra=%s\nverdict=%s\nscore=%s\n' \
    "$SECRETS" "$SBOM" "$COVERAGE" "$HEALTH" "$PIPELINE" "${INFRA:-}" "$VERDICT" "$SCORE" > "$SIGNOFF_RESULTS/$CASE/outputs"
  cp "$SUMMARY_FILE" "$SIGNOFF_RESULTS/$CASE/summary.md" 2>/dev/null || true
  cp -r signoff-report "$SIGNOFF_RESULTS/$CASE/"
  printf '%s\n' "${problems[@]}" > "$SIGNOFF_RESULTS/$CASE/problems"
fi
if [ ${#problems[@]} -gt 0 ]; then
  for problem in "${problems[@]}"; do echo "::error title=self-test ($CASE)::$problem"; done
  exit 1
fi
echo "self-test $CASE: $VERDICT, score $SCORE"
