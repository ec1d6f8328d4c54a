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
