#!/usr/bin/env bash
# Runs pim-lint once for the GitHub Action (action.yml) and writes every CI output of that one run:
# workflow commands on stdout (annotations on the diff), SARIF for code scanning and the Markdown
# summary. Exits 0 when the run completed, whatever it found (pim-lint's exit code becomes a step
# output, and a later step of the action fails the job after the SARIF upload); exits 2 when the
# run itself failed (bad arguments, an invalid pack or config, an unreadable file).
#
# Everything comes from the environment, never from text spliced into the script:
#   INPUT_PATHS, INPUT_PACKS   one per line
#   INPUT_CONFIG               a file, or empty to discover .pim-lint.yaml
#   INPUT_FAIL_ON              error | warning | note | never
#   INPUT_ANNOTATIONS          true: --format github; false: the human report in the log
#   INPUT_SARIF                true or false (the upload itself is a step of action.yml)
#   INPUT_SUMMARY              true: append the Markdown to the job summary
#   RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: set by the runner
set -euo pipefail

fail() {
  echo "::error title=pim-lint::$1"
  exit 2
}

boolean() {
  [[ $2 == true || $2 == false ]] || fail "$1 must be true or false"
}
boolean annotations "${INPUT_ANNOTATIONS:-true}"
boolean sarif "${INPUT_SARIF:-true}"
boolean summary "${INPUT_SUMMARY:-true}"
case "${INPUT_FAIL_ON:-error}" in
  error | warning | note | never) ;;
  *) fail "fail-on must be error, warning, note or never" ;;
esac

# One item per line, blank lines and surrounding whitespace (and CR) dropped.
lines() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    [[ -n $line ]] && printf '%s\n' "$line"
  done <<<"$1"
}

out="$RUNNER_TEMP/pim-lint-results"
mkdir -p "$out"
sarif="$out/pim-lint.sarif"
markdown="$out/pim-lint.md"
rm -f "$sarif" "$markdown"

args=(check --fail-on "${INPUT_FAIL_ON:-error}" --sarif-file "$sarif" --markdown-file "$markdown")
if [[ ${INPUT_ANNOTATIONS:-true} == true ]]; then
  args+=(--format github)
else
  args+=(--format human --color never)
fi
while IFS= read -r pack; do
  args+=(--pack "$pack")
done < <(lines "${INPUT_PACKS:-}")
if [[ -n ${INPUT_CONFIG:-} ]]; then
  args+=(--config "$INPUT_CONFIG")
fi
paths=()
while IFS= read -r path; do
  paths+=("$path")
done < <(lines "${INPUT_PATHS:-.}")
[[ ${#paths[@]} -gt 0 ]] || paths=(.)
args+=(-- "${paths[@]}")

status=0
pim-lint "${args[@]}" || status=$?

{
  echo "exit-code=$status"
  echo "sarif-file=$sarif"
  echo "markdown-file=$markdown"
} >>"$GITHUB_OUTPUT"

if [[ ${INPUT_SUMMARY:-true} == true && -s $markdown ]]; then
  cat "$markdown" >>"$GITHUB_STEP_SUMMARY"
fi

case $status in
  0 | 1) exit 0 ;;
  *) fail "pim-lint could not complete the run (exit $status); see the log above" ;;
esac
