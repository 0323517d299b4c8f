#!/usr/bin/env bash
# Runs Terraform on one synthesized platform stack with the AWS credentials of the job (the plan role or the
# deploy role, from aws-actions/configure-aws-credentials), against its deployed state in the S3 backend.
#
#   .github/scripts/terraform-stack.sh plan  <stack>   # plan, then cdktf.out/plans/<stack>.json for the review
#   .github/scripts/terraform-stack.sh apply <stack>   # apply, then cdktf.out/outputs/<stack>.json for the release
#
# `npm run synth` must have run: it writes the stack and .terraform-cli/config.tfrc (the provider mirror).
# Terraform takes the state lock (the S3 lock file) and waits up to LOCK_TIMEOUT for a running plan or deploy.
set -euo pipefail

command="${1:?usage: terraform-stack.sh plan|apply <stack>}"
stack="${2:?usage: terraform-stack.sh plan|apply <stack>}"
case "$stack" in
  secure-lambda-dev | secure-lambda-prod) ;;
  *)
    echo "terraform-stack.sh: $stack is not a platform stack" >&2
    exit 2
    ;;
esac
dir="cdktf.out/stacks/$stack"
lock_timeout="${LOCK_TIMEOUT:-10m}"
export TF_CLI_CONFIG_FILE="$PWD/.terraform-cli/config.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

backend="$(node -e 'const b = require(process.argv[1]).terraform?.backend ?? {}; console.log(Object.keys(b)[0] ?? "none")' "$PWD/$dir/cdk.tf.json")"
if [ "$backend" != "s3" ]; then
  if [ "$command" = "apply" ]; then
    echo "terraform-stack.sh: $stack keeps local state; a deploy from CI would lose it. Set its backend to the" \
      "bootstrap's bucket in stacks/src/config.ts (docs/ci.md, step 3)." >&2
    exit 1
  fi
  echo "::warning::$stack keeps local state, so this plan starts from nothing; configure the S3 backend (docs/ci.md)."
fi

terraform -chdir="$dir" init -input=false -no-color
case "$command" in
  plan)
    mkdir -p cdktf.out/plans
    terraform -chdir="$dir" plan -input=false -no-color -lock-timeout="$lock_timeout" -out=tfplan
    terraform -chdir="$dir" show -json tfplan > "cdktf.out/plans/$stack.json"
    ;;
  apply)
    mkdir -p cdktf.out/outputs
    terraform -chdir="$dir" apply -input=false -no-color -auto-approve -lock-timeout="$lock_timeout"
    terraform -chdir="$dir" output -json > "cdktf.out/outputs/$stack.json"
    ;;
  *)
    echo "terraform-stack.sh: unknown command $command (plan or apply)" >&2
    exit 2
    ;;
esac
