/**
 * `@secure-lambda/testkit`: test harnesses for the workspace — a local moto server (the AWS API emulator)
 * and an in-memory KMS double. Private: used only by the workspace's own tests.
 */
export {
  DataKeySpecBytes,
  KmsDoubleDefaults,
  type KmsExceptionName,
  KmsExceptions,
  KmsLimits,
  MOTO_ACCOUNT_ID,
  MOTO_CREDENTIALS,
  MotoDefaults,
  PythonEnv,
} from './constants';
export {
  KmsServiceError,
  type KmsServiceErrorMetadata,
  MotoNotInstalledError,
  MotoRequestFailedError,
  MotoStartFailedError,
  TestkitError,
  TestkitErrorCode,
  type TestkitErrorCodeValue,
  TestkitOptionsError,
} from './errors';
export {
  type CreateKeyOptions,
  type DecryptInput,
  type DecryptOutput,
  type EncryptInput,
  type EncryptOutput,
  type GenerateDataKeyInput,
  type GenerateDataKeyOutput,
  InMemoryKms,
  type InMemoryKmsOptions,
  type KmsEncryptionContext,
  type KmsKeyState,
  type KmsOperation,
  type KmsResponseMetadata,
} from './kms-double';
export {
  type MotoCredentials,
  type MotoServer,
  type MotoServerOptions,
  startMotoServer,
  withMotoServer,
} from './moto-server';
/**
 * Building blocks of the harness for tools that run a long-lived emulator of their own (the local
 * deployment in packages/local-aws): where moto is installed, the script that runs it (python/serve.py),
 * a free loopback port, and the sanitized server environment (no real AWS settings, no proxies).
 */
export {
  MOTO_SERVE_SCRIPT,
  pickFreePort,
  serverEnvironment as motoServerEnvironment,
} from './private/moto-process';
export { locateMotoInstall, type MotoInstall } from './private/venv';
