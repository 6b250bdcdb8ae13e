#!/usr/bin/env bash
# The pull-request check, for every host: CodeBuild runs it (examples/codebuild/buildspec.yml; the
# PullRequestCheck construct runs the same buildspec), and so does the GitHub action (action.yml). It plans
# the head's desired state against the published snapshot and against the base's desired state, writes
# the reports (reports/ai-optout.{json,md,xml,sarif}; the XML is JUnit for a CodeBuild report group, the
# SARIF for GitHub code scanning), prints GitHub annotations when run by GitHub Actions, and for a
# CodeCommit pull request posts the markdown as a comment and approves or revokes.
#
# Environment: SNAPSHOT_URL (required; s3://bucket/key or a file), CONFIG_PATH (default ai-optout.yaml),
# AI_OPTOUT_TOOL_DIR (default: the `tool` secondary source, else this script's checkout), REPORT_DIR
# (default reports). The base: BASE_CONFIG (a file), or, for CodeCommit, REPOSITORY_NAME and
# DESTINATION_COMMIT (read with codecommit:GetFile). CodeCommit comment and approval: PULL_REQUEST_ID,
# SOURCE_COMMIT, DESTINATION_COMMIT, REVISION_ID (the PullRequestCheck rule passes them from the event).
#
# Exit 1 when the head cannot be planned (configuration error) or adds violations of `expect`; drift
# that was already there does not fail the check.
set -euo pipefail

config="${CONFIG_PATH:-ai-optout.yaml}"
snapshot="${SNAPSHOT_URL:?set SNAPSHOT_URL to the published snapshot, s3://<bucket>/ai-optout/snapshots/latest.json}"
tool_dir="${AI_OPTOUT_TOOL_DIR:-${CODEBUILD_SRC_DIR_tool:-$(cd "$(dirname "$0")/.." && pwd)}}"
out="${REPORT_DIR:-reports}"
mkdir -p "$out"

base_args=()
if [ -n "${BASE_CONFIG:-}" ]; then
  base_args=(--base-config "$BASE_CONFIG")
elif [ -n "${REPOSITORY_NAME:-}" ] && [ -n "${DESTINATION_COMMIT:-}" ]; then
  # The file at the pull request's destination commit (GetFile returns it base64-encoded).
  if aws codecommit get-file --repository-name "$REPOSITORY_NAME" --commit-specifier "$DESTINATION_COMMIT" \
    --file-path "$config" --query fileContent --output text >"$out/base.b64" 2>"$out/base.err"; then
    base64 -d "$out/base.b64" >"$out/base.yaml"
    base_args=(--base-config "$out/base.yaml")
  else
    echo "No $config at the base commit $DESTINATION_COMMIT ($(head -c 300 "$out/base.err")): planning the head alone."
  fi
fi

plan() {
  node "$tool_dir/bin/ai-optout.mjs" plan --config "$config" --snapshot "$snapshot" "${base_args[@]}" "$@"
}

set +e
plan --format json --out "$out/ai-optout.json" 2>"$out/errors.txt"
code=$?
plan --format markdown --out "$out/ai-optout.md" 2>/dev/null
plan --format junit --out "$out/ai-optout.xml" 2>/dev/null
plan --format sarif --out "$out/ai-optout.sarif" 2>/dev/null
# Annotations on the pull request (workflow commands on standard output).
if [ "${GITHUB_ACTIONS:-}" = true ]; then plan --format github 2>/dev/null; fi
set -e
cat "$out/errors.txt" >&2

# What the pull request adds: violations of expect (none when there is no base: then all of them count).
added=$(node -e '
  const fs = require("node:fs");
  const file = process.argv[1];
  if (!fs.existsSync(file)) { console.log(-1); process.exit(0); }
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  console.log((report.pullRequest ?? report).violations.length);
' "$out/ai-optout.json")
if [ "$code" = 1 ] || [ "$added" != 0 ]; then verdict=fail; else verdict=pass; fi

if [ -n "${PULL_REQUEST_ID:-}" ]; then
  # CodeCommit takes at most 10,240 characters per comment.
  node -e '
    const fs = require("node:fs");
    const [md, errors, verdict] = process.argv.slice(1);
    let body = fs.existsSync(md) ? fs.readFileSync(md, "utf8")
      : "## ❌ AI services opt-out: the desired state cannot be planned\n\n```\n" + fs.readFileSync(errors, "utf8") + "```\n";
    if (body.length > 10000) body = body.slice(0, 10000) + "\n\n… (cut; the build log and its report group hold the full report)\n";
    fs.writeFileSync(md + ".comment", body + `\n<!-- ai-optout: ${verdict} -->\n`);
  ' "$out/ai-optout.md" "$out/errors.txt" "$verdict"
  aws codecommit post-comment-for-pull-request --repository-name "$REPOSITORY_NAME" \
    --pull-request-id "$PULL_REQUEST_ID" --before-commit-id "$DESTINATION_COMMIT" \
    --after-commit-id "$SOURCE_COMMIT" --client-request-token "ai-optout-$SOURCE_COMMIT" \
    --content "file://$out/ai-optout.md.comment" >/dev/null
  state=$([ "$verdict" = pass ] && echo APPROVE || echo REVOKE)
  aws codecommit update-pull-request-approval-state --pull-request-id "$PULL_REQUEST_ID" \
    --revision-id "$REVISION_ID" --approval-state "$state"
fi

echo "ai-optout pull-request check: $verdict (plan exit code $code, violations added: $added)"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "verdict=$verdict"; echo "plan-exit-code=$code"; echo "reports=$out"; } >>"$GITHUB_OUTPUT"
fi
[ "$verdict" = pass ]
