/**
 * `@secure-lambda/testkit`: test harnesses for the workspace — a local moto server (the AWS API emulator)
 * and an in-memory KMS double. Private: used only by the workspace's own tests; the server process itself
 * is `@secure-lambda/moto`, which tools that run moto outside tests (deploy:local) use directly.
 */

/**
 * From `@secure-lambda/moto`, for tests that run a Python tool of their own against the harness's server
 * (the Encryption SDK CLI interop lane): the virtualenv, its missing-install error, and the sanitized
 * server environment (no real AWS settings, no proxies).
 */
export {
  locateMotoInstall,
  type MotoCredentials,
  type MotoInstall,
  MotoNotInstalledError,
  MotoOptionsError,
  MotoRequestFailedError,
  type MotoServer,
  type MotoServerOptions,
  MotoStartFailedError,
  motoServerEnvironment,
  startMotoServer,
  withMotoServer,
} from '@secure-lambda/moto';
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
