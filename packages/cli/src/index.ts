/**
 * `@secure-lambda/cli`: the `secure-lambda` command (release, rollback, status, prune) and its parts, for
 * scripts that want them as functions.
 */
export { ACTIVE_STATUSES, type AwsPortOptions, awsPort, MAX_ATTEMPTS, versionView } from './aws-port';
export { localEmulator, parseArgs, run } from './cli';
export {
  appSpecFor,
  type CommandContext,
  type FunctionStatus,
  formatStatus,
  type PruneResult,
  prune,
  type ReleaseResult,
  type RollbackResult,
  release,
  rollback,
  status,
  verifyVersion,
} from './commands';
export {
  AccessDeniedError,
  AliasNotFoundError,
  AwsFailureError,
  CliError,
  CliErrorCode,
  type CliErrorCodeValue,
  DeploymentInProgressError,
  FunctionNotFoundError,
  LocalEmulatorError,
  NoCredentialsError,
  NoPreviousVersionError,
  NothingToReleaseError,
  OutputsMissingError,
  ReleaseRolledBackError,
  ThrottledError,
  toCliError,
  UsageError,
  VersionNotVerifiedError,
} from './errors';
export {
  type CodeDeployTarget,
  type ExpectedVersion,
  type FunctionConfiguration,
  MANIFEST_FORMAT,
  parseManifest,
  type ReleaseManifest,
  type ReleaseTarget,
  readManifest,
  type Strategy,
} from './manifest';
export type { AliasView, DeploymentStatus, DeploymentView, LifecycleEventView, ReleasePort } from './port';
export { formatRecord, parseRecord, type ReleaseRecord } from './record';
export { differences, environmentValueHash, type VersionView } from './verify';
export { trafficTo, type WaitOptions, waitForDeployment } from './wait';
