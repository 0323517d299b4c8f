/**
 * The wait, progress and rollback-reporting logic with an injected double of the AWS port: moto keeps
 * CodeDeploy deployments in "Created" (no traffic shifting, no alarm evaluation, no lifecycle hooks) and
 * has no StopDeployment, so these paths cannot run against the emulator.
 */
import { release, rollback } from '../src/commands';
import { CliErrorCode, ReleaseRolledBackError } from '../src/errors';
import type { ReleaseManifest, ReleaseTarget } from '../src/manifest';
import type { AliasView, DeploymentView, LifecycleEventView, ReleasePort } from '../src/port';
import { formatRecord } from '../src/record';
import type { VersionView } from '../src/verify';
import { trafficTo, waitForDeployment } from '../src/wait';
import { expectedFor, tinyZip } from './support';

/** What the stack deployed; every version the double reports is identical to it (verified). */
const EXPECTED = expectedFor('5', tinyZip('exports.handler = async () => 5;'), {
  role: 'arn:aws:iam::111111111111:role/prod-api-role',
});

/** One poll's worth of state: what CodeDeploy, the alias, the alarms and the hooks report. */
interface Frame {
  readonly status: DeploymentView['status'];
  readonly weights?: Record<string, number>;
  readonly version?: string;
  readonly alarms?: Record<string, string>;
  readonly events?: LifecycleEventView[];
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

class PortDouble implements ReleasePort {
  readonly calls: string[] = [];
  frames: Frame[] = [];
  private frame = 0;
  alias: AliasView = { name: 'live', version: '4', weights: {}, description: '' };
  versions = ['1', '2', '3', '4', '5'];
  active: string[] = [];

  private current(): Frame {
    return this.frames[Math.min(this.frame, this.frames.length - 1)] as Frame;
  }
  async getAlias(): Promise<AliasView> {
    const f = this.frames.length ? this.current() : undefined;
    return f
      ? { ...this.alias, version: f.version ?? this.alias.version, weights: f.weights ?? {} }
      : this.alias;
  }
  async listAliases() {
    return [this.alias];
  }
  async listVersions() {
    return this.versions;
  }
  async updateAlias(_fn: string, _alias: string, change: { version?: string; description?: string }) {
    this.calls.push(`updateAlias ${JSON.stringify(change)}`);
    this.alias = {
      ...this.alias,
      ...(change.version ? { version: change.version } : {}),
      ...(change.description ? { description: change.description } : {}),
    };
  }
  async getVersion(_fn: string, version: string): Promise<VersionView> {
    return { version, codeSha256: EXPECTED.codeSha256, configuration: EXPECTED.configuration };
  }
  async deleteVersion(_fn: string, version: string) {
    this.calls.push(`deleteVersion ${version}`);
  }
  async callerArn() {
    return 'arn:aws:sts::111111111111:assumed-role/release/ana';
  }
  async createDeployment() {
    this.calls.push('createDeployment');
    return 'd-DOUBLE1';
  }
  async getDeployment(id: string): Promise<DeploymentView> {
    const f = this.current();
    return {
      id,
      status: f.status,
      ...(f.errorCode ? { errorCode: f.errorCode } : {}),
      ...(f.errorMessage ? { errorMessage: f.errorMessage } : {}),
    };
  }
  async activeDeployments() {
    return this.active;
  }
  async latestDeployment() {
    return this.active[0];
  }
  async stopDeployment(id: string, rollbackEnabled: boolean) {
    this.calls.push(`stopDeployment ${id} rollback=${rollbackEnabled}`);
  }
  async alarmStates(names: readonly string[]) {
    const f = this.frames.length ? this.current() : undefined;
    return Object.fromEntries(names.map((n) => [n, f?.alarms?.[n] ?? 'OK']));
  }
  /** The last call of a poll: the next poll sees the next frame. */
  async lifecycleEvents() {
    const events = this.frames.length ? (this.current().events ?? []) : [];
    this.frame += 1;
    return events;
  }
}

const ERRORS_ALARM = 'prod-api-new-version-errors';
const THROTTLES_ALARM = 'prod-api-new-version-throttles';
const canary: ReleaseTarget = {
  id: 'api',
  functionName: 'prod-api',
  alias: 'live',
  strategy: { type: 'canary', percent: 10, minutes: 5 },
  codedeploy: {
    application: 'prod-api',
    deploymentGroup: 'prod-api',
    alarms: [ERRORS_ALARM, THROTTLES_ALARM],
  },
  expected: EXPECTED,
};
const manifest: ReleaseManifest = {
  stack: 'prod',
  region: 'eu-west-1',
  accountId: '111111111111',
  functions: [canary],
};
const noPause = { pause: async () => undefined };

describe('wait for a CodeDeploy release (port double: the emulator does not shift traffic)', () => {
  test('prints traffic, alarm and hook progress once per change and succeeds', async () => {
    const port = new PortDouble();
    port.frames = [
      { status: 'InProgress', events: [{ name: 'BeforeAllowTraffic', status: 'InProgress' }] },
      { status: 'InProgress', events: [{ name: 'BeforeAllowTraffic', status: 'InProgress' }] },
      {
        status: 'InProgress',
        weights: { '5': 0.1 },
        events: [{ name: 'BeforeAllowTraffic', status: 'Succeeded' }],
      },
      {
        status: 'InProgress',
        weights: { '5': 0.1 },
        events: [{ name: 'BeforeAllowTraffic', status: 'Succeeded' }],
      },
      { status: 'Succeeded', version: '5', events: [{ name: 'BeforeAllowTraffic', status: 'Succeeded' }] },
    ];
    const lines: string[] = [];
    const result = await waitForDeployment(port, canary, 'd-DOUBLE1', '5', {
      log: (l) => lines.push(l),
      ...noPause,
    });
    expect(result.status).toBe('Succeeded');
    expect(lines).toEqual([
      `  api: InProgress, 0% on version 5 | alarms: ${ERRORS_ALARM} OK, ${THROTTLES_ALARM} OK | hooks: BeforeAllowTraffic InProgress`,
      `  api: InProgress, 10% on version 5 | alarms: ${ERRORS_ALARM} OK, ${THROTTLES_ALARM} OK | hooks: BeforeAllowTraffic Succeeded`,
      `  api: Succeeded, 100% on version 5 | alarms: ${ERRORS_ALARM} OK, ${THROTTLES_ALARM} OK | hooks: BeforeAllowTraffic Succeeded`,
    ]);
  });

  test('a stop on alarm exits with ReleaseRolledBackError naming the alarm', async () => {
    const port = new PortDouble();
    port.frames = [
      { status: 'InProgress', weights: { '5': 0.1 } },
      { status: 'InProgress', weights: { '5': 0.1 }, alarms: { [ERRORS_ALARM]: 'ALARM' } },
      {
        status: 'Stopped',
        alarms: { [ERRORS_ALARM]: 'ALARM' },
        errorCode: 'ALARM_ACTIVE',
        errorMessage: `One or more alarms have been activated. Activated alarms: ${ERRORS_ALARM}`,
      },
    ];
    const lines: string[] = [];
    const waiting = waitForDeployment(port, canary, 'd-DOUBLE1', '5', {
      log: (l) => lines.push(l),
      ...noPause,
    });
    await expect(waiting).rejects.toThrow(ReleaseRolledBackError);
    await expect(waiting).rejects.toMatchObject({
      code: CliErrorCode.ROLLED_BACK,
      culprits: { alarms: [ERRORS_ALARM], hooks: [] },
      message: expect.stringContaining(
        `deployment d-DOUBLE1 was rolled back by alarm ${ERRORS_ALARM}: Stopped with ALARM_ACTIVE`,
      ),
    });
    expect(lines.at(-1)).toContain(`${ERRORS_ALARM} ALARM`);
  });

  test('a failed hook exits with ReleaseRolledBackError naming the hook', async () => {
    const port = new PortDouble();
    port.frames = [
      {
        status: 'Failed',
        errorCode: 'HOOK_EXECUTION_FAILURE',
        errorMessage: 'The deployment failed because a lifecycle hook reported Failed.',
        events: [{ name: 'BeforeAllowTraffic', status: 'Failed', hook: 'prod-api-smoke' }],
      },
    ];
    const waiting = waitForDeployment(port, canary, 'd-DOUBLE1', '5', { log: () => undefined, ...noPause });
    await expect(waiting).rejects.toMatchObject({
      culprits: { alarms: [], hooks: ['BeforeAllowTraffic (prod-api-smoke)'] },
      message: expect.stringContaining('rolled back by hook BeforeAllowTraffic (prod-api-smoke)'),
    });
  });

  test('an unreadable alarm state is shown, not fatal', async () => {
    const port = new PortDouble();
    port.frames = [{ status: 'Succeeded', version: '5' }];
    port.alarmStates = async () => {
      throw new Error('read alarm states: HTTP 500');
    };
    const lines: string[] = [];
    await waitForDeployment(port, canary, 'd-DOUBLE1', '5', { log: (l) => lines.push(l), ...noPause });
    expect(lines).toEqual(['  api: Succeeded, 100% on version 5 | alarms: unavailable']);
  });

  test('gives up after the timeout, saying how to follow or stop the deployment', async () => {
    const port = new PortDouble();
    port.frames = [{ status: 'InProgress' }];
    let clock = 0;
    const waiting = waitForDeployment(port, canary, 'd-DOUBLE1', '5', {
      log: () => undefined,
      timeoutMs: 60_000,
      pollMs: 10_000,
      now: () => clock,
      pause: async (ms) => {
        clock += ms;
      },
    });
    await expect(waiting).rejects.toMatchObject({
      code: CliErrorCode.DEPLOYMENT_IN_PROGRESS,
      message: expect.stringMatching(/still InProgress after 1 minutes.*secure-lambda rollback/),
    });
  });

  test('release --wait records the way back, starts the deployment and reports a rollback as an error', async () => {
    const port = new PortDouble();
    port.frames = [{ status: 'Stopped', alarms: { [THROTTLES_ALARM]: 'ALARM' }, errorCode: 'ALARM_ACTIVE' }];
    const lines: string[] = [];
    const attempt = release({ port, log: (l) => lines.push(l) }, manifest, [canary], {
      wait: true,
      waitOptions: noPause,
    });
    await expect(attempt).rejects.toThrow(`rolled back by alarm ${THROTTLES_ALARM}`);
    expect(port.calls).toEqual([
      expect.stringMatching(/^updateAlias \{"description":"secure-lambda release: previous=4 current=5 /),
      'createDeployment',
    ]);
    expect(lines[0]).toBe('api: deployment d-DOUBLE1 started: prod-api:live 4 -> 5 (canary 10% / 5 min)');
  });

  test.each([
    [0.1, '5', 10],
    [0.25, '4', 75],
  ])('trafficTo: weight %d', (weight, version, expected) => {
    expect(trafficTo({ version: '4', weights: { '5': weight } }, version)).toBe(expected);
  });
});

describe('rollback (port double)', () => {
  test('a deployment in progress is stopped with rollback; the alias is left to CodeDeploy', async () => {
    const port = new PortDouble();
    port.active = ['d-INFLIGHT'];
    const lines: string[] = [];
    const results = await rollback({ port, log: (l) => lines.push(l) }, [canary]);
    expect(results).toEqual([
      { id: 'api', functionName: 'prod-api', action: 'stopped-deployment', deploymentId: 'd-INFLIGHT' },
    ]);
    expect(port.calls).toEqual(['stopDeployment d-INFLIGHT rollback=true']);
    expect(lines).toEqual(['api: stopped deployment d-INFLIGHT with rollback; CodeDeploy moves live back']);
  });

  test('with no deployment in progress the alias goes back to the recorded version', async () => {
    const port = new PortDouble();
    port.alias = {
      name: 'live',
      version: '5',
      weights: {},
      description: formatRecord({
        kind: 'release',
        previous: '4',
        current: '5',
        at: '2026-11-29T12:00:00.000Z',
        by: 'x',
      }),
    };
    await rollback({ port, log: () => undefined }, [canary]);
    expect(port.alias.version).toBe('4');
    expect(port.calls[0]).toMatch(
      /^updateAlias \{"version":"4","weights":\{\},"description":"secure-lambda rollback: from=5 to=4 /,
    );
  });

  test('checks every function before changing any: one without a record stops them all', async () => {
    const port = new PortDouble();
    const other: ReleaseTarget = { ...canary, id: 'other', functionName: 'prod-other' };
    port.alias = { name: 'live', version: '5', weights: {}, description: '' };
    await expect(rollback({ port, log: () => undefined }, [canary, other])).rejects.toMatchObject({
      code: CliErrorCode.NO_PREVIOUS_VERSION,
    });
    expect(port.calls).toEqual([]);
  });
});
