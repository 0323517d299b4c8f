import type { Logger } from '@aws-lambda-powertools/logger';
import { EnvVars, HookStatus, type HookStatusValue } from './constants';
import { HookConfigurationError, HookEventError } from './errors';

/** The CodeDeploy lifecycle event a hook receives. */
export interface HookEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/** What the hook needs from AWS (the SDK in index.ts, doubles in the unit tests). */
export interface HookPort {
  /** The deployment's AppSpec content (CodeDeploy GetDeployment). */
  appSpec(deploymentId: string): Promise<string>;
  /** Invokes one version; returns the function error (if any) and the response payload text. */
  invoke(
    functionName: string,
    version: string,
    payload: string,
  ): Promise<{ functionError?: string; payload: string }>;
  report(deploymentId: string, executionId: string, status: HookStatusValue): Promise<void>;
}

/** One target's smoke test. */
export interface SmokeTest {
  /** The event, as the JSON text sent to the new version. */
  readonly event: string;
  readonly expect?: Readonly<Record<string, unknown>>;
}

export interface HookConfig {
  /** Function name → its smoke test; only these functions may be tested. */
  readonly tests: Readonly<Record<string, SmokeTest>>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the hook's configuration from its environment.
 *
 * @example
 * readHookConfig({ SMOKE_TESTS: '{"app-prod-api":{"event":{"rawPath":"/"},"expect":{"statusCode":403}}}' });
 */
export function readHookConfig(env: NodeJS.ProcessEnv): HookConfig {
  const raw = env[EnvVars.SMOKE_TESTS];
  if (!raw) {
    throw new HookConfigurationError(
      `${EnvVars.SMOKE_TESTS} must name the functions this hook may test (JSON).`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new HookConfigurationError(`${EnvVars.SMOKE_TESTS} must be JSON.`, { cause: error });
  }
  if (!isObject(parsed) || Object.keys(parsed).length === 0) {
    throw new HookConfigurationError(
      `${EnvVars.SMOKE_TESTS} must be a JSON object with one entry per function.`,
    );
  }
  const tests: Record<string, SmokeTest> = {};
  for (const [name, test] of Object.entries(parsed)) {
    if (
      !isObject(test) ||
      (test.event !== undefined && !isObject(test.event)) ||
      (test.expect !== undefined && !isObject(test.expect))
    ) {
      throw new HookConfigurationError(
        `${EnvVars.SMOKE_TESTS}.${name} must be { "event"?: object, "expect"?: object }.`,
      );
    }
    tests[name] = {
      event: JSON.stringify(test.event ?? {}),
      ...(test.expect ? { expect: test.expect } : {}),
    };
  }
  return { tests };
}

/** The function and version an AppSpec deploys. */
export function targetOf(appSpec: string): { name: string; version: string } {
  const spec = JSON.parse(appSpec) as {
    Resources?: Record<string, { Properties?: { Name?: string; TargetVersion?: string } }>[];
  };
  const properties = Object.values(spec.Resources?.[0] ?? {})[0]?.Properties;
  if (!properties?.Name || !properties.TargetVersion) {
    throw new Error('the AppSpec names no function and target version');
  }
  return { name: properties.Name, version: properties.TargetVersion };
}

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected as Record<string, unknown>).every(([k, v]) =>
    contains((actual as Record<string, unknown>)[k], v),
  );
}

/**
 * The hook: reads which version the deployment targets, invokes it with the smoke event, checks the
 * response, and reports Succeeded or Failed to CodeDeploy. Every outcome after the event is valid is
 * reported (a failure to check is a Failed, never a silent timeout); payloads are never logged.
 *
 * @example
 * const hook = createHook({ port, config: readHookConfig(process.env), logger });
 * await hook({ DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'e-1' });
 */
export function createHook({ port, config, logger }: { port: HookPort; config: HookConfig; logger: Logger }) {
  return async (event: unknown): Promise<{ status: HookStatusValue; reason: string }> => {
    const { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId } = (event ??
      {}) as Partial<HookEvent>;
    if (typeof deploymentId !== 'string' || typeof executionId !== 'string') {
      throw new HookEventError(
        'expected a CodeDeploy lifecycle event with DeploymentId and LifecycleEventHookExecutionId.',
      );
    }
    let status: HookStatusValue = HookStatus.FAILED;
    let reason: string;
    try {
      const target = targetOf(await port.appSpec(deploymentId));
      const test = config.tests[target.name];
      if (!test) {
        reason = `${target.name} is not one of this hook's targets (${Object.keys(config.tests).join(', ')})`;
      } else {
        const result = await port.invoke(target.name, target.version, test.event);
        if (result.functionError) {
          reason = `${target.name}:${target.version} failed the smoke event (${result.functionError})`;
        } else if (test.expect && !contains(JSON.parse(result.payload || 'null'), test.expect)) {
          reason = `${target.name}:${target.version} answered the smoke event without ${JSON.stringify(test.expect)}`;
        } else {
          status = HookStatus.SUCCEEDED;
          reason = `${target.name}:${target.version} passed the smoke event`;
        }
      }
    } catch (error) {
      reason = `the smoke test could not run: ${(error as Error).message}`;
    }
    logger.info('deployment hook result', { deploymentId, status, reason });
    await port.report(deploymentId, executionId, status);
    return { status, reason };
  };
}
