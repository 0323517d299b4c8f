/**
 * `@secure-lambda/moto`: the moto server (the AWS API emulator) as this workspace runs it — where the
 * virtualenv is, the server process behind python/serve.py (retried writes replayed, watchdogs), its
 * sanitized environment, and the TLS certificate of the local emulator. Used by the test harness
 * (`@secure-lambda/testkit`) and by `deploy:local` (`@secure-lambda/local-aws`).
 *
 * The virtualenv rule itself is plain CommonJS (`@secure-lambda/moto/python-env`) so that
 * scripts/python-env.mjs can use it before anything is built.
 */
export { type CertificateOptions, ensureCertificate, MAKE_CERT_SCRIPT } from './certificate';
export { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, MotoDefaults, PythonEnv } from './constants';
export {
  MotoCertificateError,
  MotoError,
  MotoErrorCode,
  type MotoErrorCodeValue,
  MotoNotInstalledError,
  MotoOptionsError,
  MotoRequestFailedError,
  MotoStartFailedError,
} from './errors';
export { OutputTail } from './output-tail';
export {
  isPortConflict,
  killProcessGroup,
  MOTO_SERVE_SCRIPT,
  type MotoListen,
  MotoProcess,
  motoServerArgs,
  motoServerEnvironment,
  type ProcessExit,
  pickFreePort,
} from './process';
export {
  type MotoCredentials,
  type MotoServer,
  type MotoServerOptions,
  startMotoServer,
  withMotoServer,
} from './server';
export { locateMotoInstall, type MotoInstall } from './venv';
