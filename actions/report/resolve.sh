#!/usr/bin/env bash
# Finds what the report action reads from other runs, with the GitHub CLI, before it runs:
# - on a `workflow_run` event (the safe way to comment on a fork's pull request: this
#   workflow runs with the base repository's token and never checks out the fork's code),
#   the run whose gate reports to read and the pull request to comment on;
# - with `baseline: auto`, the base branch's latest sign-off, to show what changed since.
# Writes `run-id`, `pull-request` and `baseline` to GITHUB_OUTPUT. What it cannot find is a
# notice, never a failure: the report then names no trend, or posts no comment.
set -euo pipefail
# shellcheck source=../lib.sh
source "$GITHUB_ACTION_PATH/actions/lib.sh"

out=${GITHUB_OUTPUT:-/dev/null}
event=${GITHUB_EVENT_NAME:-}
workflow=$(signoff_workflow_file)
base=${GITHUB_BASE_REF:-${GITHUB_REF_NAME:-}}
run_id=""
pr=""

if [ "$event" = workflow_run ] && [ "${INPUT_FROM_RUN:-auto}" != false ]; then
  if ! command -v jq >/dev/null 2>&1; then
    echo "::error title=signoff::reading the workflow_run event needs jq on the runner" >&2
    exit 2
  fi
  payload=${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH is not set}
  run_id=$(jq -r '.workflow_run.id // empty' "$payload")
  head_sha=$(jq -r '.workflow_run.head_sha // empty' "$payload")
  path=$(jq -r '.workflow_run.path // empty' "$payload")
  workflow=${path##*/}
  pr=$(jq -r '.workflow_run.pull_requests[0].number // empty' "$payload")
  base=$(jq -r '.workflow_run.pull_requests[0].base.ref // empty' "$payload")
  if [ -z "$pr" ] && [ "$(jq -r '.workflow_run.event // empty' "$payload")" = pull_request ] \
    && [ -n "$head_sha" ] && command -v gh >/dev/null 2>&1; then
    # A fork's pull request: GitHub does not name it in the event. Find the open pull
    # request whose head is the commit the run built (checked here, not taken from any
    # file the fork's run wrote).
    found=$(gh pr list --repo "$GITHUB_REPOSITORY" --state open --search "$head_sha" \
      --json number,headRefOid,baseRefName \
      --jq ".[] | select(.headRefOid == \"$head_sha\") | \"\(.number) \(.baseRefName)\"" 2>/dev/null | head -n 1) || found=""
    if [ -n "$found" ]; then
      pr=${found%% *}
      base=${found#* }
    fi
  fi
  if [ -z "$pr" ]; then
    echo "::notice title=signoff::the run $run_id of $workflow belongs to no open pull request; the report posts no comment" >&2
  fi
  [ -n "$base" ] || base=$(jq -r '.repository.default_branch // empty' "$payload")
fi

baseline=${INPUT_BASELINE:-}
if [ "$baseline" = auto ]; then
  baseline=""
  if [ -n "${ACT:-}" ]; then
    echo "::notice title=signoff::no baseline under act (no GitHub API)" >&2
  else
    dir=$(signoff_base_signoff "${INPUT_ARTIFACT_NAME:-signoff-report}" "$workflow" "$base" \
      "${RUNNER_TEMP:-/tmp}/signoff-baseline")
    [ -z "$dir" ] || baseline="$dir/signoff.json"
  fi
elif [ -n "$baseline" ] && [ ! -f "$baseline" ]; then
  echo "::error title=signoff::the baseline '$baseline' is not a file: give the base branch's signoff.json, 'auto', or nothing" >&2
  exit 2
fi

{
  echo "run-id=$run_id"
  echo "pull-request=$pr"
  echo "baseline=$baseline"
} >> "$out"
