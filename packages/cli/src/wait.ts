import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, CliErrorCode, ReleaseRolledBackError } from './errors';
import type { ReleaseTarget } from './manifest';
import type { DeploymentView, ReleasePort } from './port';

export interface WaitOptions {
  readonly log: (line: string) => void;
  /** @default 5000 */
  readonly pollMs?: number;
  /** @default 60 minutes: longer than any canary or linear configuration the platform offers by default */
  readonly timeoutMs?: number;
  /** For tests: the clock and the pause between polls. */
  readonly now?: () => number;
  readonly pause?: (ms: number) => Promise<void>;
}

const ENDED = new Set(['Succeeded', 'Failed', 'Stopped']);

/** Share of traffic on `target` from the alias: 100 when it is the primary version, else its weight. */
export function trafficTo(
  alias: { version: string; weights: Readonly<Record<string, number>> },
  target: string,
): number {
  if (alias.version === target) {
    const others = Object.values(alias.weights).reduce((sum, w) => sum + w, 0);
    return Math.round((1 - others) * 100);
  }
  return Math.round((alias.weights[target] ?? 0) * 100);
}

/** Alarm names from CodeDeploy's stop message ("... Activated alarms: a, b"). */
function alarmsInMessage(message: string | undefined): string[] {
  const match = /Activated alarms?:\s*(.+?)\.?$/i.exec(message ?? '');
  return match ? (match[1] as string).split(/,\s*/).filter(Boolean) : [];
}

/**
 * Follows a CodeDeploy deployment until it ends, printing a line whenever the traffic share, an alarm
 * state or a lifecycle hook changes. Resolves on success; throws ReleaseRolledBackError naming the alarms
 * in ALARM and the failed hooks when the deployment fails or is stopped.
 *
 * @example
 * await waitForDeployment(port, target, 'd-ABC123', '5', { log: console.log });
 */
export async function waitForDeployment(
  port: ReleasePort,
  target: ReleaseTarget,
  deploymentId: string,
  targetVersion: string,
  options: WaitOptions,
): Promise<DeploymentView> {
  const pollMs = options.pollMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  const now = options.now ?? Date.now;
  const pause = options.pause ?? ((ms: number) => sleep(ms).then(() => undefined));
  const alarms = target.codedeploy?.alarms ?? [];
  const started = now();
  let last = '';
  for (;;) {
    const deployment = await port.getDeployment(deploymentId);
    const alias = await port.getAlias(target.functionName, target.alias);
    // CodeDeploy itself stops on alarms; the states here are for the operator. An unreadable state is
    // shown as such and does not abort the watch (the stop reason still names the alarm).
    let states: Readonly<Record<string, string>> = {};
    let alarmsUnreadable = false;
    try {
      states = await port.alarmStates(alarms);
    } catch {
      alarmsUnreadable = true;
    }
    const events = await port.lifecycleEvents(deploymentId);
    const line =
      `  ${target.id}: ${deployment.status}, ${trafficTo(alias, targetVersion)}% on version ${targetVersion}` +
      (alarms.length
        ? ` | alarms: ${alarmsUnreadable ? 'unavailable' : alarms.map((a) => `${a} ${states[a] ?? 'UNKNOWN'}`).join(', ')}`
        : '') +
      (events.length ? ` | hooks: ${events.map((e) => `${e.name} ${e.status}`).join(', ')}` : '');
    if (line !== last) options.log(line);
    last = line;
    if (deployment.status === 'Succeeded') return deployment;
    if (ENDED.has(deployment.status)) {
      const inAlarm = alarms.filter((a) => states[a] === 'ALARM');
      const named = alarmsInMessage(deployment.errorMessage);
      const failedHooks = events
        .filter((e) => e.status === 'Failed')
        .map((e) => (e.hook ? `${e.name} (${e.hook})` : e.name));
      throw new ReleaseRolledBackError(target.functionName, deploymentId, {
        alarms: [...new Set([...inAlarm, ...named])],
        hooks: failedHooks,
        message: `${deployment.status}${deployment.errorCode ? ` with ${deployment.errorCode}` : ''}${
          deployment.errorMessage ? ` (${deployment.errorMessage})` : ''
        }`,
      });
    }
    if (now() - started > timeoutMs) {
      throw new CliError(
        CliErrorCode.DEPLOYMENT_IN_PROGRESS,
        `wait for ${deploymentId}`,
        `the deployment is still ${deployment.status} after ${Math.round(timeoutMs / 60_000)} minutes. Follow it ` +
          'with `secure-lambda status`, or stop it with `secure-lambda rollback`.',
      );
    }
    await pause(pollMs);
  }
}
