/**
 * `@secure-lambda/local-aws`: the platform deployed with terraform to a moto server on 127.0.0.1
 * (`npm run deploy:local`), smoke-tested through the AWS APIs, and torn down (`npm run destroy:local`).
 */
export { EMULATOR_CREDENTIALS, type EmulatorClients, emulatorClients } from './clients';
export {
  appBundles,
  type DeployOptions,
  type DeployReport,
  type DestroyReport,
  declaredApps,
  deployLocal,
  destroyLocal,
  type GapReport,
  type LocalOptions,
  localFunctionName,
  planLocal,
} from './deploy';
export { type EmulatorInfo, isAlive, runningEmulator, stopEmulator } from './emulator';
export { LocalDeployError, type LocalStep, LocalUsageError, SmokeCheckError } from './errors';
export { DEFAULT_LOCAL_DIR, type LocalLayout, localLayout } from './layout';
export { PROBES, type ProbeResult } from './probes';
export type { LocalOutputs, SmokeCheck, SmokeFunction } from './smoke';
export { readUiLine } from './terraform';
