#!/usr/bin/env bash
# `secure-lambda release <stack> --wait` after a deploy, from the outputs the apply wrote. With all-at-once
# (dev) Terraform has moved `live` already and the CLI answers NOTHING_TO_RELEASE: that is success here. Any
# other failure, a rollback included (exit 1, the alarm or hook named), fails the job.
#
#   .github/scripts/release.sh <stack>
set -euo pipefail

stack="${1:?usage: release.sh <stack>}"
outputs="cdktf.out/outputs/$stack.json"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

set +e
npm run --silent release -- "$stack" --wait --outputs "$outputs" 2>&1 | tee "$log"
code="${PIPESTATUS[0]}"
set -e
if [ "$code" -ne 0 ] && grep -q '\[NOTHING_TO_RELEASE\]' "$log"; then
  echo "release: every function of $stack is already on its newest version"
  exit 0
fi
exit "$code"
