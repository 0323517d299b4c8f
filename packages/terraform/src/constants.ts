import path from 'node:path';
import { REPO_ROOT } from '@secure-lambda/contracts';

/** The repository root: the CLI config, `cdktf.out` and the accepted-risks file are found from it. */
export const repoRoot = REPO_ROOT;

/** The provider the stacks are generated against: `@cdktf/provider-aws` 20.1.0 wraps AWS provider 5.100.0. */
export const AWS_PROVIDER = Object.freeze({
  hostname: 'registry.terraform.io',
  namespace: 'hashicorp',
  type: 'aws',
  version: '5.100.0',
} as const);

/** Names the filesystem mirror root; without it a short list of usual places is searched. */
export const MIRROR_ENV_VAR = 'SECURE_LAMBDA_TF_MIRROR';

/** Where the CLI config is written, relative to the repository root (git-ignored). */
export const CLI_CONFIG_RELATIVE_PATH = path.join('.terraform-cli', 'config.tfrc');

/**
 * Values handed to Terraform in place of real credentials. They are not secrets and must never look like
 * they could be: no `AKIA` prefix, so no scanner and no reader mistakes them for a leaked key.
 */
export const STUB_AWS_CREDENTIALS = Object.freeze({
  AWS_ACCESS_KEY_ID: 'secure-lambda-offline-stub-not-a-real-key',
  AWS_SECRET_ACCESS_KEY: 'secure-lambda-offline-stub-not-a-real-secret',
} as const);

/** Inherited variables kept for debugging; every other `TF_*` could change what Terraform does. */
export const KEPT_TF_VARIABLES: ReadonlySet<string> = new Set([
  'TF_LOG',
  'TF_LOG_CORE',
  'TF_LOG_PROVIDER',
  'TF_LOG_PATH',
]);

/** The synth output directory `cdktf.json` names. */
export const DEFAULT_OUT_DIR = path.join(repoRoot, 'cdktf.out');

/** Files and limits of the offline plan lane. */
export const PlanLane = Object.freeze({
  STACK_CONFIG_FILE: 'cdk.tf.json',
  OVERRIDE_FILE: 'zz_plan_override.tf.json',
  PLAN_FILE: 'tfplan',
  /** Local state path inside the work directory; plan never writes it, but the backend needs a path. */
  STATE_FILE: 'plan-lane.tfstate',
  /** `<outDir>/<WORK_DIR>/<stack>/`: where each stack is planned (never in cdktf's own stack folder). */
  WORK_DIR: 'plan-work',
  /** `<outDir>/<PLANS_DIR>/<stack>.json`: `terraform show -json` of each plan, and the review reports. */
  PLANS_DIR: 'plans',
  /**
   * Two stacks at a time: each step is mostly one terraform or provider process on one core, and CI has 2.
   * Measured on 2 cores with the dev and prod stacks (62 and 65 resources): 8.8 s for both at once, 13.9 s
   * one after the other.
   */
  DEFAULT_CONCURRENCY: 2,
  /** One terraform step takes seconds; this only stops a hung process (a provider waiting on a network). */
  STEP_TIMEOUT_MS: 600_000,
  TERRAFORM: 'terraform',
});

/** The review the plan command writes next to the plans. */
export const PlanReview = Object.freeze({
  MARKDOWN_FILE: 'review.md',
  SARIF_FILE: 'review.sarif',
  /** The team's accepted risks (rule, address, reason, owner, expiry), read when present. */
  ACCEPTED_RISKS_PATH: path.join(repoRoot, '.secure-lambda-review.json'),
  DEFAULT_FAIL_ON: 'high',
});

/** The checkov lane. */
export const Checkov = Object.freeze({
  SKIP_FILE: path.join(repoRoot, '.checkov.yaml'),
  /**
   * `terraform_json` reads cdktf's `cdk.tf.json`; the `terraform` framework finds no resources in it
   * (measured: 0 checks run), so it would pass anything.
   */
  FRAMEWORK: 'terraform_json',
  RESULTS_FILE_NAME: 'results_json.json',
  /** A scan of two stacks takes about 3 s; anything near this means checkov is waiting on something. */
  TIMEOUT_MS: 300_000,
  /** Shorter than this is not a reason, it is a label. */
  MIN_REASON_LENGTH: 20,
  /** Environment prefixes that change what checkov scans or where it reports: never inherited. */
  DROPPED_ENV_PREFIXES: Object.freeze(['BC_', 'CKV_', 'CHECKOV_', 'PRISMA_']),
});

/**
 * Exit codes of the package's commands (plan, checkov, terraform-config), the reviewer's convention:
 * 1 means "the check found something", 2 means "the check could not run as asked".
 */
export const ExitCode = Object.freeze({
  OK: 0,
  /** A stack failed to plan, the review failed, or checkov failed a check. */
  FAILED: 1,
  /** Bad usage or a missing prerequisite: nothing trustworthy was checked. */
  CANNOT_RUN: 2,
} as const);
