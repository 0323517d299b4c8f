/**
 * `@secure-lambda/contracts`: the documents and names secure-lambda's packages share, with their versions
 * and strict readers. No dependencies: every package may import it, and it imports none of them.
 * Subpaths (`/release-manifest`, `/stack-outputs`, `/local`, `/plan-changes`, `/function-url-event`,
 * `/smoke-events`, `/functions`, `/runtime`, `/errors`) load one part each.
 */
export {
  ContractVersions,
  EMULATOR_CREDENTIALS,
  EMULATOR_HOST,
  LOCAL_STACK_NAME,
  RELEASE_MANIFEST_FORMAT,
} from './constants';
export {
  ContractsError,
  ContractsErrorCode,
  type ContractsErrorCodeValue,
  EmulatorRecordError,
  FunctionUrlEventError,
  PlanChangesError,
  ReleaseManifestError,
  StackOutputsError,
} from './errors';
export {
  type FunctionUrlEvent,
  type FunctionUrlEventOptions,
  functionUrlEvent,
  functionUrlTime,
  type IamCaller,
} from './function-url-event';
export {
  checkFunctionSet,
  defineFunction,
  type FunctionDeclaration,
  FunctionDeclarationError,
  type FunctionGrant,
  type FunctionTrigger,
  GENERATED_TRIGGER_TYPES,
  type GeneratedTriggerType,
  PLATFORM_BUCKETS,
  parseFunctionDeclaration,
  TRIGGER_TYPES,
} from './functions';
export {
  DEFAULT_LOCAL_DIR,
  type EmulatorRecord,
  emulatorEndpoint,
  type LocalLayout,
  localLayout,
  parseEmulatorRecord,
  REPO_ROOT,
  readEmulatorRecord,
  stackDirectory,
  writeEmulatorRecord,
} from './local';
export { countPlanChanges, NO_PLAN_CHANGES, type PlanChangeCounts, planChangesText } from './plan-changes';
export {
  type CodeDeployTarget,
  type ExpectedVersion,
  type FunctionConfiguration,
  parseReleaseManifest,
  type ReleaseManifest,
  type ReleaseOutput,
  type ReleaseTarget,
  type Strategy,
} from './release-manifest';
export {
  DEPRECATION_WARNING_DAYS,
  daysUntil,
  LAMBDA_RUNTIME,
  NODE_RUNTIMES,
  nodeMajorOf,
  type RuntimeLifecycle,
  type RuntimeStatus,
  runtimeLifecycle,
  runtimeStatus,
} from './runtime';
export {
  CRYPTO_API_SMOKE_TEST,
  OBJECT_PROCESSOR_SMOKE_TEST,
  SMOKE_TESTS,
  type SmokeTest,
} from './smoke-events';
export {
  aliasArnOutput,
  functionNameOutput,
  parseStackOutputs,
  STACK_APPS,
  STRING_OUTPUTS,
  type StackApp,
  StackOutput,
  type StackOutputName,
  type StackOutputs,
  type StringOutputName,
} from './stack-outputs';
