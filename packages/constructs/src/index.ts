export { CodeSigning, type CodeSigningProps, type SignedBundle } from './code-signing';
export { Defaults, LOG_RETENTION_VALUES } from './constants';
export {
  type DirectInvokeGuardrail,
  type DirectInvokeGuardrailOptions,
  directInvokeGuardrail,
  type GuardrailPolicyDocument,
  type GuardrailStatement,
} from './direct-invoke-guardrail';
export {
  EncryptionKey,
  type EncryptionKeyProps,
  type KeyGrantOptions,
  type KeyUse,
  type PrincipalGrantOptions,
} from './encryption-key';
export {
  BundleNotFoundError,
  ConstructError,
  ConstructErrorCode,
  type ConstructErrorCodeValue,
  InvalidPropError,
} from './errors';
export { FunctionQueue, type FunctionQueueProps, type QueueTriggerOptions } from './function-queue';
export {
  FunctionSchedule,
  type FunctionScheduleProps,
  type ScheduleRetryOptions,
  type ScheduleTriggerOptions,
} from './function-schedule';
export {
  type AwsService,
  applyGrant,
  type Grant,
  type IGrantee,
  type PolicyCondition,
  type PolicyStatement,
  sid,
} from './grants';
export { PrivateNetwork, type PrivateNetworkProps } from './private-network';
export {
  type DeploymentHooks,
  type DeploymentStrategy,
  type IHookFunction,
  ProgressiveDeployment,
  type ProgressiveDeploymentProps,
  strategyProblem,
} from './progressive-deployment';
export { RuntimeCurrency, type RuntimeCurrencyProps } from './runtime-currency';
export { type BucketGrantOptions, SecureBucket, type SecureBucketProps } from './secure-bucket';
export {
  type AlarmDelivery,
  bundleHash,
  type FunctionAlarmOptions,
  type IFunctionNetwork,
  SecureFunction,
  type SecureFunctionProps,
} from './secure-function';
export { type SecretStore, SecureSecret, type SecureSecretProps } from './secure-secret';
export { VersionedAlias, type VersionedAliasProps } from './versioned-alias';
