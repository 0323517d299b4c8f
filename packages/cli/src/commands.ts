import {
  DeploymentInProgressError,
  NoPreviousVersionError,
  NothingToReleaseError,
  UsageError,
  VersionNotVerifiedError,
} from './errors';
import type { ReleaseManifest, ReleaseTarget } from './manifest';
import type { AliasView, ReleasePort } from './port';
import { formatRecord, parseRecord } from './record';
import { differences } from './verify';
import { type WaitOptions, waitForDeployment } from './wait';

export interface CommandContext {
  readonly port: ReleasePort;
  readonly log: (line: string) => void;
  /** For tests: the clock used in release records. */
  readonly now?: () => Date;
}

/** The deployment of the function's CodeDeploy group that has not ended, if any. */
async function activeDeploymentOf(port: ReleasePort, target: ReleaseTarget): Promise<string | undefined> {
  if (!target.codedeploy) return undefined;
  const [active] = await port.activeDeployments(
    target.codedeploy.application,
    target.codedeploy.deploymentGroup,
  );
  return active;
}

/** Published versions of a function, newest last. */
function newestOf(versions: readonly string[]): string | undefined {
  return versions[versions.length - 1];
}

/**
 * How `version` differs from what the stack deployed (`target.expected`): its code hash and everything
 * in its configuration that decides what code runs or with what privilege. Empty means verified.
 */
export async function verifyVersion(
  port: ReleasePort,
  target: ReleaseTarget,
  version: string,
): Promise<string[]> {
  return differences(target.expected, await port.getVersion(target.functionName, version));
}

/** The AppSpec CodeDeploy needs to shift `alias` from one version to another (and run the hooks). */
export function appSpecFor(target: ReleaseTarget, current: string, next: string): string {
  const hooks = target.codedeploy?.hooks;
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        [target.id]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: target.functionName,
            Alias: target.alias,
            CurrentVersion: current,
            TargetVersion: next,
          },
        },
      },
    ],
    ...(hooks && (hooks.preTraffic || hooks.postTraffic)
      ? {
          Hooks: [
            ...(hooks.preTraffic ? [{ BeforeAllowTraffic: hooks.preTraffic }] : []),
            ...(hooks.postTraffic ? [{ AfterAllowTraffic: hooks.postTraffic }] : []),
          ],
        }
      : {}),
  });
}

export interface ReleaseResult {
  readonly id: string;
  readonly functionName: string;
  readonly from: string;
  readonly to: string;
  readonly strategy: string;
  readonly deploymentId?: string;
}

interface PlannedRelease {
  readonly target: ReleaseTarget;
  readonly alias: AliasView;
  readonly next: string;
}

/**
 * `secure-lambda release`: moves each selected function's alias to its newest published version, at once
 * or through a CodeDeploy deployment, after recording the version it replaces in the alias description.
 * Everything is checked before anything changes: a deployment in progress, (with one function) nothing
 * to release, or a version that is not what the stack deployed (`VersionNotVerifiedError`: another code
 * hash, or a changed environment, layer, handler, runtime, role, ...) stops the command with nothing done.
 */
export async function release(
  context: CommandContext,
  manifest: ReleaseManifest,
  targets: readonly ReleaseTarget[],
  options: { wait?: boolean; waitOptions?: Omit<WaitOptions, 'log'> } = {},
): Promise<ReleaseResult[]> {
  const { port, log } = context;
  const planned: PlannedRelease[] = [];
  for (const target of targets) {
    const alias = await port.getAlias(target.functionName, target.alias);
    const next = newestOf(await port.listVersions(target.functionName));
    if (target.codedeploy) {
      const active = await activeDeploymentOf(port, target);
      if (active)
        throw new DeploymentInProgressError(`release ${target.functionName}`, target.functionName, active);
    }
    if (!next || (alias.version === next && Object.keys(alias.weights).length === 0)) {
      if (targets.length === 1)
        throw new NothingToReleaseError(target.functionName, target.alias, alias.version);
      log(`${target.id}: nothing to release (${target.alias} is on version ${alias.version}, the newest)`);
      continue;
    }
    // Code signing covers the zip, not the configuration: a version published by hand with, say,
    // NODE_OPTIONS=--import=data:... runs unsigned code before the handler. Only a version identical to
    // what Terraform applied is promoted.
    const found = await verifyVersion(port, target, next);
    if (found.length > 0) throw new VersionNotVerifiedError(target.functionName, next, found);
    planned.push({ target, alias, next });
  }
  if (planned.length === 0) {
    throw new NothingToReleaseError(manifest.stack, 'live', 'every function is on its newest version');
  }
  const by = await port.callerArn();
  const at = (context.now?.() ?? new Date()).toISOString();
  const results: ReleaseResult[] = [];
  for (const { target, alias, next } of planned) {
    const description = formatRecord({ kind: 'release', previous: alias.version, current: next, at, by });
    if (!target.codedeploy) {
      await port.updateAlias(target.functionName, target.alias, { version: next, weights: {}, description });
      log(
        `${target.id}: ${target.functionName}:${target.alias} ${alias.version} -> ${next} (all at once); previous version recorded`,
      );
      results.push({
        id: target.id,
        functionName: target.functionName,
        from: alias.version,
        to: next,
        strategy: 'all-at-once',
      });
      continue;
    }
    // Recorded first: if the deployment is later stopped or fails, the record still names the way back.
    await port.updateAlias(target.functionName, target.alias, { description });
    const { strategy } = target;
    const deploymentId = await port.createDeployment({
      application: target.codedeploy.application,
      deploymentGroup: target.codedeploy.deploymentGroup,
      appSpec: appSpecFor(target, alias.version, next),
      description: `secure-lambda release of ${target.functionName}: ${alias.version} -> ${next}`,
    });
    const how =
      strategy.type === 'all-at-once'
        ? strategy.type
        : `${strategy.type} ${strategy.percent}% / ${strategy.minutes} min`;
    log(
      `${target.id}: deployment ${deploymentId} started: ${target.functionName}:${target.alias} ${alias.version} -> ${next} (${how})`,
    );
    results.push({
      id: target.id,
      functionName: target.functionName,
      from: alias.version,
      to: next,
      strategy: how,
      deploymentId,
    });
    if (options.wait) {
      await waitForDeployment(port, target, deploymentId, next, { ...options.waitOptions, log });
      log(`${target.id}: deployment ${deploymentId} succeeded; ${target.alias} serves version ${next}`);
    }
  }
  return results;
}

export interface RollbackResult {
  readonly id: string;
  readonly functionName: string;
  readonly action: 'stopped-deployment' | 'alias-restored';
  readonly deploymentId?: string;
  readonly from?: string;
  readonly to?: string;
}

/**
 * `secure-lambda rollback`: stops an in-progress CodeDeploy deployment with rollback, or points the alias
 * back at the version the last release recorded. Checks every selected function first; nothing changes
 * if one of them has no way back.
 */
export async function rollback(
  context: CommandContext,
  targets: readonly ReleaseTarget[],
): Promise<RollbackResult[]> {
  const { port, log } = context;
  type Plan =
    | { target: ReleaseTarget; kind: 'stop'; deploymentId: string }
    | { target: ReleaseTarget; kind: 'restore'; from: string; to: string };
  const plans: Plan[] = [];
  for (const target of targets) {
    if (target.codedeploy) {
      const active = await activeDeploymentOf(port, target);
      if (active) {
        plans.push({ target, kind: 'stop', deploymentId: active });
        continue;
      }
    }
    const alias = await port.getAlias(target.functionName, target.alias);
    const record = parseRecord(alias.description);
    if (!record)
      throw new NoPreviousVersionError(
        target.functionName,
        target.alias,
        'the alias carries no release record',
      );
    if (record.kind === 'rollback') {
      throw new NoPreviousVersionError(
        target.functionName,
        target.alias,
        `the last action was a rollback from ${record.from} to ${record.to} at ${record.at}`,
      );
    }
    if (record.previous === alias.version && Object.keys(alias.weights).length === 0) {
      throw new NoPreviousVersionError(
        target.functionName,
        target.alias,
        `the alias already points at the recorded previous version ${record.previous}`,
      );
    }
    plans.push({ target, kind: 'restore', from: alias.version, to: record.previous });
  }
  const results: RollbackResult[] = [];
  const needsCaller = plans.some((p) => p.kind === 'restore');
  const by = needsCaller ? await port.callerArn() : '';
  const at = (context.now?.() ?? new Date()).toISOString();
  for (const plan of plans) {
    const { target } = plan;
    if (plan.kind === 'stop') {
      await port.stopDeployment(plan.deploymentId, true);
      log(
        `${target.id}: stopped deployment ${plan.deploymentId} with rollback; CodeDeploy moves ${target.alias} back`,
      );
      results.push({
        id: target.id,
        functionName: target.functionName,
        action: 'stopped-deployment',
        deploymentId: plan.deploymentId,
      });
      continue;
    }
    await port.updateAlias(target.functionName, target.alias, {
      version: plan.to,
      weights: {},
      description: formatRecord({ kind: 'rollback', from: plan.from, to: plan.to, at, by }),
    });
    log(`${target.id}: ${target.functionName}:${target.alias} ${plan.from} -> ${plan.to} (rolled back)`);
    results.push({
      id: target.id,
      functionName: target.functionName,
      action: 'alias-restored',
      from: plan.from,
      to: plan.to,
    });
  }
  return results;
}

export interface FunctionStatus {
  readonly id: string;
  readonly functionName: string;
  readonly alias: string;
  readonly strategy: string;
  readonly aliasVersion: string;
  readonly weights: Readonly<Record<string, number>>;
  readonly newestVersion: string | null;
  readonly previousVersion: string | null;
  readonly lastAction: string | null;
  readonly deployment: { readonly id: string; readonly status: string } | null;
  readonly alarms: Readonly<Record<string, string>>;
  /** Why the alarm states could not be read (they are then missing from `alarms`), or null. */
  readonly alarmError: string | null;
  /** Whether the version `live` serves is what the stack deployed (code hash and configuration). */
  readonly verified: boolean;
  /** How it differs, when it is not (environment variables by name only). */
  readonly differences: readonly string[];
}

/** `secure-lambda status`: what each function's alias serves, what could be released, and CodeDeploy's view. */
export async function status(
  context: CommandContext,
  targets: readonly ReleaseTarget[],
): Promise<FunctionStatus[]> {
  const { port } = context;
  const rows: FunctionStatus[] = [];
  for (const target of targets) {
    const alias = await port.getAlias(target.functionName, target.alias);
    const newest = newestOf(await port.listVersions(target.functionName)) ?? null;
    const record = parseRecord(alias.description);
    let deployment: FunctionStatus['deployment'] = null;
    let alarms: Readonly<Record<string, string>> = {};
    let alarmError: string | null = null;
    if (target.codedeploy) {
      const id = await port.latestDeployment(
        target.codedeploy.application,
        target.codedeploy.deploymentGroup,
      );
      if (id) deployment = { id, status: (await port.getDeployment(id)).status };
      // Alarm states are shown, not acted on: an unreadable state is reported, not fatal to the status.
      try {
        alarms = await port.alarmStates(target.codedeploy.alarms);
      } catch (error) {
        alarmError = (error as Error).message;
      }
    }
    const found = await verifyVersion(port, target, alias.version);
    const { strategy } = target;
    rows.push({
      id: target.id,
      functionName: target.functionName,
      alias: target.alias,
      strategy:
        strategy.type === 'all-at-once'
          ? strategy.type
          : `${strategy.type} ${strategy.percent}%/${strategy.minutes}min`,
      aliasVersion: alias.version,
      weights: alias.weights,
      newestVersion: newest,
      previousVersion: record?.kind === 'release' ? record.previous : null,
      lastAction: record
        ? record.kind === 'release'
          ? `release ${record.previous}->${record.current} at ${record.at}`
          : `rollback ${record.from}->${record.to} at ${record.at}`
        : null,
      deployment,
      alarms,
      alarmError,
      verified: found.length === 0,
      differences: found,
    });
  }
  return rows;
}

/** A readable table of `status` rows. */
export function formatStatus(rows: readonly FunctionStatus[]): string {
  const header = ['function', 'strategy', 'live', 'verified', 'newest', 'previous', 'deployment', 'alarms'];
  const lines = rows.map((r) => [
    r.id,
    r.strategy,
    `${r.aliasVersion}${Object.entries(r.weights)
      .map(([v, w]) => ` (+${v}: ${Math.round(w * 100)}%)`)
      .join('')}`,
    r.verified ? 'yes' : `NO: ${r.differences.join('; ')}`,
    r.newestVersion ?? '-',
    r.previousVersion ?? '-',
    r.deployment ? `${r.deployment.id} ${r.deployment.status}` : '-',
    r.alarmError
      ? `unavailable (${r.alarmError})`
      : Object.keys(r.alarms).length
        ? Object.entries(r.alarms)
            .map(([a, s]) => `${a}=${s}`)
            .join(', ')
        : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

export interface PruneResult {
  readonly id: string;
  readonly functionName: string;
  readonly kept: readonly string[];
  readonly deleted: readonly string[];
  readonly dryRun: boolean;
}

/**
 * `secure-lambda prune --keep N`: deletes published versions that are neither among the newest N nor
 * referenced by any alias (its version, its routing weights, or the previous version its release record
 * names, so a rollback target never disappears). Skips a function while a deployment is in progress.
 */
export async function prune(
  context: CommandContext,
  targets: readonly ReleaseTarget[],
  options: { keep: number; dryRun: boolean },
): Promise<PruneResult[]> {
  if (!Number.isInteger(options.keep) || options.keep < 1) {
    throw new UsageError(`--keep takes a whole number of versions, 1 or more (got ${options.keep}).`);
  }
  const { port, log } = context;
  const results: PruneResult[] = [];
  for (const target of targets) {
    if (target.codedeploy) {
      const active = await activeDeploymentOf(port, target);
      if (active) {
        log(`${target.id}: skipped, deployment ${active} is in progress`);
        continue;
      }
    }
    const versions = await port.listVersions(target.functionName);
    const aliases = await port.listAliases(target.functionName);
    const referenced = new Set<string>();
    for (const alias of aliases) {
      referenced.add(alias.version);
      for (const version of Object.keys(alias.weights)) referenced.add(version);
      const record = parseRecord(alias.description);
      if (record?.kind === 'release') referenced.add(record.previous);
    }
    const newest = new Set(versions.slice(-options.keep));
    const doomed = versions.filter((v) => !newest.has(v) && !referenced.has(v));
    const kept = versions.filter((v) => !doomed.includes(v));
    for (const version of doomed) {
      if (!options.dryRun) await port.deleteVersion(target.functionName, version);
    }
    const verb = options.dryRun ? 'would delete' : 'deleted';
    log(
      `${target.id}: ${verb} ${doomed.length ? doomed.join(', ') : 'nothing'}; kept ${kept.join(', ') || 'nothing'}` +
        ` (newest ${options.keep} and every version an alias or release record references)`,
    );
    results.push({
      id: target.id,
      functionName: target.functionName,
      kept,
      deleted: doomed,
      dryRun: options.dryRun,
    });
  }
  return results;
}
