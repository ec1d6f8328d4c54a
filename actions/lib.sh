# Shared by the actions' run scripts (sourced, never run on its own).
# Inputs reach these scripts only through environment variables set in `env:`.

# The name of the artifact a gate uploads: the `artifact-name` input, or one unique per
# job, attempt and invocation, so matrix shards and repeated steps never collide.
signoff_artifact_name() {
  local gate=$1
  if [ -n "${INPUT_ARTIFACT_NAME:-}" ]; then
    printf '%s' "$INPUT_ARTIFACT_NAME"
    return
  fi
  local id
  id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
  printf 'signoff-gate-%s-%s-%s-%s' "$gate" "${GITHUB_JOB:-job}" "${GITHUB_RUN_ATTEMPT:-1}" "$id" | tr -c 'A-Za-z0-9._-' '-'
}

# Adds one argument per non-empty line of a multiline input: signoff_lines ARRAY FLAG TEXT.
signoff_lines() {
  local -n into=$1
  local flag=$2 line
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    [ -n "${line//[[:space:]]/}" ] || continue
    if [ -n "$flag" ]; then into+=("$flag" "$line"); else into+=("$line"); fi
  done <<< "$3"
}

# Runs a gate and applies the `fail` input: with `fail: false`, a failing or erroring gate
# still ends the step successfully (its status is in the outputs; the report decides).
signoff_exec() {
  local code=0
  "$@" || code=$?
  echo "exit-code=$code" >> "${GITHUB_OUTPUT:-/dev/null}"
  if [ "$code" -ne 0 ] && [ "${INPUT_FAIL:-true}" = "false" ]; then
    echo "::notice title=signoff::$(basename "$1") ended with exit code $code; the step passes because 'fail' is false"
    return 0
  fi
  return "$code"
}

# The latest sign-off of the same workflow on BRANCH, downloaded with the GitHub CLI from
# the newest successful `push` or `schedule` run that kept the report artifact:
#   signoff_base_signoff ARTIFACT WORKFLOW_FILE BRANCH INTO_DIR
# Prints the directory holding signoff.json (and gates/), or nothing with a notice that
# says why. Only runs on the branch itself count: a fork's pull request can run on a
# branch of the same name, and its artifacts are not the base branch's.
signoff_base_signoff() {
  local artifact=$1 workflow=$2 branch=$3 into=$4 ids id tried=0
  if ! command -v gh >/dev/null 2>&1; then
    echo "::notice title=signoff::no baseline: the GitHub CLI (gh) is not installed on this runner" >&2
    return 0
  fi
  if [ -z "$workflow" ] || [ -z "$branch" ] || [ -z "${GITHUB_REPOSITORY:-}" ]; then
    echo "::notice title=signoff::no baseline: cannot tell this workflow's file or the base branch" >&2
    return 0
  fi
  for event in push schedule; do
    if ! ids=$(gh run list --repo "$GITHUB_REPOSITORY" --workflow "$workflow" --branch "$branch" \
      --event "$event" --status success --limit 5 --json databaseId --jq '.[].databaseId' 2>&1); then
      echo "::notice title=signoff::no baseline: listing the runs of $workflow on $branch failed (the job needs \`actions: read\`): ${ids//$'\n'/ }" >&2
      return 0
    fi
    for id in $ids; do
      [ "$id" != "${GITHUB_RUN_ID:-}" ] || continue
      tried=$((tried + 1))
      rm -rf "$into"
      mkdir -p "$into"
      if gh run download "$id" --repo "$GITHUB_REPOSITORY" --name "$artifact" --dir "$into" >/dev/null 2>&1 \
        && [ -f "$into/signoff.json" ]; then
        echo "::notice title=signoff::baseline: the sign-off of run $id of $workflow on $branch" >&2
        printf '%s' "$into"
        return 0
      fi
    done
  done
  echo "::notice title=signoff::no baseline: none of the $tried latest successful runs of $workflow on $branch kept a '$artifact' artifact with signoff.json" >&2
}

# The file name of the running workflow (`ci.yml`), from GITHUB_WORKFLOW_REF
# (`owner/repo/.github/workflows/ci.yml@refs/heads/main`).
signoff_workflow_file() {
  local ref=${GITHUB_WORKFLOW_REF:-}
  ref=${ref%%@*}
  printf '%s' "${ref##*/}"
}
