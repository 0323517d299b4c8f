import { Logger } from '@aws-lambda-powertools/logger';
import { HookStatus } from '../src/constants';
import { HookConfigurationError, HookEventError } from '../src/errors';
import { createHook, type HookPort, readHookConfig, targetOf } from '../src/hook';

const APP_SPEC = JSON.stringify({
  version: 0,
  Resources: [
    {
      api: {
        Type: 'AWS::Lambda::Function',
        Properties: { Name: 'prod-api', Alias: 'live', CurrentVersion: '4', TargetVersion: '5' },
      },
    },
  ],
});

function portDouble(answer: { functionError?: string; payload: string } | Error, appSpec = APP_SPEC) {
  const calls: string[] = [];
  const port: HookPort = {
    async appSpec(id) {
      calls.push(`appSpec ${id}`);
      return appSpec;
    },
    async invoke(fn, version, payload) {
      calls.push(`invoke ${fn}:${version} ${payload}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async report(id, execution, status) {
      calls.push(`report ${id} ${execution} ${status}`);
    },
  };
  return { port, calls };
}

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const event = { DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'exec-1' };
const config = readHookConfig({
  SMOKE_TESTS: JSON.stringify({
    'prod-api': { event: { ping: true }, expect: { statusCode: 403 } },
    'prod-worker': { event: { Records: [] } },
  }),
});

describe('deployment hook (port double; CodeDeploy hooks and Invoke cannot run on the emulator)', () => {
  test('invokes the target version with the smoke event and reports Succeeded on the expected answer', async () => {
    const { port, calls } = portDouble({ payload: JSON.stringify({ statusCode: 403, body: '{}' }) });
    const result = await createHook({ port, config, logger })(event);
    expect(result).toEqual({ status: HookStatus.SUCCEEDED, reason: 'prod-api:5 passed the smoke event' });
    expect(calls).toEqual(['appSpec d-1', 'invoke prod-api:5 {"ping":true}', 'report d-1 exec-1 Succeeded']);
  });

  test.each([
    [{ functionError: 'Unhandled', payload: '{}' }, 'prod-api:5 failed the smoke event (Unhandled)'],
    [{ payload: JSON.stringify({ statusCode: 500 }) }, 'answered the smoke event without {"statusCode":403}'],
    [new Error('connect ETIMEDOUT'), 'the smoke test could not run: connect ETIMEDOUT'],
  ])('reports Failed (never a silent timeout): %j', async (answer, reason) => {
    const { port, calls } = portDouble(answer);
    const result = await createHook({ port, config, logger })(event);
    expect(result.status).toBe(HookStatus.FAILED);
    expect(result.reason).toContain(reason);
    expect(calls.at(-1)).toBe('report d-1 exec-1 Failed');
  });

  test('refuses to test a function it was not configured for', async () => {
    const other = APP_SPEC.replace('prod-api', 'prod-billing');
    const { port, calls } = portDouble({ payload: '{}' }, other);
    const result = await createHook({ port, config, logger })(event);
    expect(result).toEqual({
      status: HookStatus.FAILED,
      reason: "prod-billing is not one of this hook's targets (prod-api, prod-worker)",
    });
    expect(calls.some((c) => c.startsWith('invoke'))).toBe(false);
  });

  test('an event without the CodeDeploy ids is a typed error (there is nothing to report to)', async () => {
    const { port, calls } = portDouble({ payload: '{}' });
    await expect(createHook({ port, config, logger })({ DeploymentId: 'd-1' })).rejects.toThrow(
      HookEventError,
    );
    expect(calls).toEqual([]);
  });

  test('configuration errors name the variable', () => {
    expect(() => readHookConfig({})).toThrow(HookConfigurationError);
    expect(() => readHookConfig({})).toThrow(/SMOKE_TESTS must name the functions/);
    expect(() => readHookConfig({ SMOKE_TESTS: '{' })).toThrow(/SMOKE_TESTS must be JSON/);
    expect(() => readHookConfig({ SMOKE_TESTS: '{}' })).toThrow(/one entry per function/);
    expect(() => readHookConfig({ SMOKE_TESTS: '{"a":{"expect":[1]}}' })).toThrow(/SMOKE_TESTS\.a must be/);
    expect(readHookConfig({ SMOKE_TESTS: '{"a":{}}' })).toEqual({ tests: { a: { event: '{}' } } });
  });

  test('targetOf reads the function and version from the AppSpec the CLI writes', () => {
    expect(targetOf(APP_SPEC)).toEqual({ name: 'prod-api', version: '5' });
    expect(() => targetOf('{"Resources":[]}')).toThrow(/names no function and target version/);
  });
});
