/**
 * `@secure-lambda/terraform`: terraform and checkov as this workspace runs them, offline. The CLI config
 * that installs the AWS provider from a local mirror (`prepareTerraform`), one process runner
 * (`spawnCollect`), terraform steps with strict JSON, the offline plan lane (`planStacks`: override, work
 * copy, init, validate, plan, show) with the plan review in-process (`reviewPlanFiles`), the checkov scan
 * (`runCheckov`), and the commands behind `npm run plan`, `npm run scan` and `npm run synth`'s config step.
 */

export type {
  CheckovFailedCheck,
  CheckovInstall,
  CheckovResult,
  CheckovSummary,
  RunCheckovOptions,
} from './checkov/run';
export { checkovEnv, checkovInstall, formatSummary, runCheckov } from './checkov/run';
export { readSkipFile, type SkipEntry, skipFileProblems } from './checkov/skip-file';
export { CHECKOV_COMMAND, runCheckovCommand } from './cli/checkov';
export { type CommandIo, processIo } from './cli/io';
export {
  badValue,
  type CommandLine,
  type CommandSpec,
  type OptionSpec,
  parseCommandLine,
  usage,
} from './cli/options';
export { PLAN_COMMAND, type PlanCommandOptions, parsePlanOptions, runPlanCommand } from './cli/plan';
export { runTerraformConfigCommand, TERRAFORM_CONFIG_COMMAND } from './cli/terraform-config';
export {
  defaultMirrorCandidates,
  findProviderMirror,
  type PreparedTerraform,
  type ProviderMirror,
  prepareTerraform,
  probeMirror,
  renderCliConfig,
  terraformEnv,
  terraformPlatform,
  writeCliConfig,
} from './cli-config';
export {
  AWS_PROVIDER,
  Checkov,
  CLI_CONFIG_RELATIVE_PATH,
  DEFAULT_OUT_DIR,
  ExitCode,
  KEPT_TF_VARIABLES,
  MIRROR_ENV_VAR,
  PlanLane,
  PlanReview,
  repoRoot,
  STUB_AWS_CREDENTIALS,
} from './constants';
export {
  CheckovError,
  PlanError,
  ProcessStartError,
  TerraformConfigError,
  TerraformError,
  TerraformErrorCode,
  type TerraformErrorCodeValue,
  UsageError,
} from './errors';
export { writeFileAtomic } from './files';
export {
  OFFLINE_PROVIDER_SETTINGS,
  type PlanOverride,
  PROVIDER_ARGUMENTS_TO_UNSET,
  planOverride,
} from './plan/override';
export {
  type FailedStack,
  type PlannedStack,
  type PlanResult,
  type PlanStackOptions,
  type PlanTimings,
  planStack,
} from './plan/plan-stack';
export { formatResult, type PlanStacksOptions, planStacks } from './plan/plan-stacks';
export {
  type ReviewExitCodeValue,
  type ReviewIo,
  type ReviewPlanFilesOptions,
  reviewFiles,
  reviewPlanFiles,
} from './plan/review';
export {
  checkProviderVersion,
  listStacks,
  type ProviderBlock,
  readStackConfig,
  type StackConfig,
  type SynthesizedStack,
  selectStacks,
} from './plan/stacks';
export { prepareWorkDir } from './plan/work-dir';
export {
  display,
  errorMessage,
  exitText,
  type ProcessResult,
  type SpawnCollectOptions,
  seconds,
  spawnCollect,
  tail,
} from './process';
export {
  formatDiagnostics,
  parseTerraformJson,
  type TerraformDiagnostic,
  type TerraformRunner,
  terraformStep,
  type ValidateResult,
} from './terraform-json';
