/**
 * `@secure-lambda/review`: a security review of Terraform plans (`terraform show -json`) for pull
 * requests. It judges a change: what a plan would do to the security of what is deployed.
 */
export {
  ACCEPTED_RISKS_FILE,
  type AcceptedRiskEntry,
  AcceptedRiskLimits,
  type AcceptedRisks,
  type AcceptedRisksOutcome,
  acceptedRiskNotices,
  applyAcceptedRisks,
  type ClockOptions,
  describeEntry,
  entryMatches,
  isExpired,
  loadAcceptedRisks,
  parseAcceptedRisks,
  type ReviewOutput,
} from './accepted-risks';
export {
  ADMIN_LIKE_MANAGED_POLICIES,
  Defaults,
  ExitCode,
  FAIL_ON_VALUES,
  type FailOn,
  LAMBDA_RUNTIME_DEPRECATIONS,
  OUTPUT_FORMATS,
  type OutputFormat,
  PRIVILEGE_ESCALATION_ACTIONS,
  SEVERITIES,
  type Severity,
} from './constants';
export {
  AcceptedRisksError,
  NoPlansFoundError,
  NotAPlanError,
  NotJsonError,
  ReviewError,
  ReviewErrorCode,
  type ReviewErrorCodeValue,
  UnreadableFileError,
  UnsupportedFormatVersionError,
  UsageError,
  WriteFailedError,
} from './errors';
export {
  type Acceptance,
  countBySeverity,
  type Finding,
  maxSeverity,
  reachesThreshold,
  type SeverityCounts,
} from './finding';
export { escapeUnsafe, safeJson, UNSAFE_CHARACTERS } from './format/escape';
export { formatJson } from './format/json';
export { formatMarkdown, markdownText } from './format/markdown';
export {
  FINGERPRINT_KEY,
  findingFingerprint,
  findResourceRegion,
  formatSarif,
  SARIF_LEVEL,
  type SarifOptions,
  type SarifRegion,
  SECURITY_SEVERITY,
  sarifText,
} from './format/sarif';
export { formatText, type TextOptions } from './format/text';
export {
  type Change,
  type ChangeAction,
  collectPlanFiles,
  type JsonValue,
  loadPlanFile,
  type Plan,
  type PlanInput,
  parsePlan,
  type ResourceChange,
  readPlans,
  stackName,
} from './plan';
export { type DeltaKind, diffPolicies, type PolicyDelta } from './policy/diff';
export type { PolicyDocument, PolicyKind } from './policy/model';
export { parsePolicyJson, policyFromDocumentData } from './policy/parse';
export {
  type ChangeCounts,
  countChanges,
  type PlanSummary,
  type ReviewOptions,
  type ReviewReport,
  reviewPlan,
  reviewPlans,
} from './review';
export { RULE_IDS, RULES, type RuleId, type RuleInfo } from './rules/catalog';
export {
  ALLOWED_CODE_LOADING_VALUES,
  CODE_LOADING_PREFIXES,
  CODE_LOADING_VARIABLES,
  isAllowedEnvironmentVariable,
  isCodeLoadingVariable,
} from './rules/code-loading';
export { isDeprecatedRuntime, runtimeDeprecation, runtimeVersion } from './rules/lambda';
