import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { LOCAL_STACK_NAME } from '@secure-lambda/contracts';
import { StackOutput } from '@secure-lambda/contracts/stack-outputs';
import {
  type DeclaredFunction,
  EMULATOR_ENDPOINT_VARIABLE,
  EMULATOR_GAPS,
  type EmulatorGap,
  localEnvironment,
  localFunctions,
} from '@secure-lambda/stacks/emulator';
import { prepareTerraform } from '@secure-lambda/terraform/config';
import {
  type LocalBackendKind,
  recordedBackend,
  type S3BackendSettings,
  useBackend,
  writeBackendOverride,
} from './backend';
import { bootstrapEmulator } from './bootstrap';
import { EMULATOR_CREDENTIALS, type EmulatorClients, emulatorClients } from './clients';
import {
  type EmulatorInfo,
  ensureEmulator,
  hasResources,
  readEmulatorInfo,
  runningEmulator,
  stopEmulator,
} from './emulator';
import { errorMessage, LocalDeployError, type LocalStep } from './errors';
import { display, type LocalLayout, localLayout, REPO_ROOT } from './layout';
import { type ProbeResult, probeGaps } from './probes';
import {
  type LocalOutputs,
  type SmokeCheck,
  type SmokeFunction,
  type StateResource,
  smokeTest,
} from './smoke';
import {
  type ChangeCounts,
  failedResources,
  formatDiagnostics,
  type ResourceEvent,
  runTerraform,
  runTerraformJson,
  type TerraformRun,
} from './terraform';

export interface LocalOptions {
  /** @default `<repo>/.local` */
  readonly localDir?: string;
  /** Progress lines; default: none. The CLI prints them. */
  readonly log?: (line: string) => void;
}

export interface DeployOptions extends LocalOptions {
  /** Zip per app instead of `<app folder>/dist/<app>.zip`; any declared app. */
  readonly bundles?: Readonly<Record<string, string>>;
  /**
   * The folder of the declared apps (`<dir>/<name>/function.ts`), as the stacks read it.
   * @default `<repo>/apps`
   */
  readonly appsDir?: string;
  /**
   * A new emulator stops by itself once this process exits: tests pass their own pid, so an interrupted
   * run leaves no server behind. @default unset: the emulator runs until `destroy:local`
   */
  readonly ownerPid?: number;
  /**
   * Where the stack's state lives: `local` (a file in the local folder) or `s3` (the emulated state bucket of
   * the CI bootstrap, bootstrapped first when needed, with Terraform's S3 lock file).
   * @default the backend of the previous deployment to this emulator, else `local`
   */
  readonly backend?: LocalBackendKind;
}

/** A gap of stacks/src/emulator.ts with what this deployment's probe found. */
export interface GapReport extends EmulatorGap {
  readonly probe?: ProbeResult;
}

export interface DeployReport {
  readonly stack: string;
  readonly emulator: EmulatorInfo & { readonly reused: boolean; readonly staleStateMovedTo?: string };
  readonly gaps: readonly GapReport[];
  readonly planned: ChangeCounts;
  readonly applied: ChangeCounts;
  readonly applySeconds: number;
  /** The stack's string outputs (`terraform output -json`), by name: the platform's and each function's. */
  readonly outputs: LocalOutputs;
  /** The declared functions this deployment runs, by app name: the function name and trigger type. */
  readonly functions: readonly {
    readonly app: string;
    readonly functionName: string;
    readonly trigger: string;
  }[];
  readonly smoke: readonly SmokeCheck[];
  readonly stateFile: string;
  readonly seconds: number;
}

export interface DestroyReport {
  readonly stack: string;
  /** Resources terraform destroyed; 0 when the emulator was gone already. */
  readonly destroyed: number;
  readonly emulatorStopped: boolean;
  /** Set when the state was moved aside because its emulator was gone (its resources with it). */
  readonly staleStateMovedTo?: string;
  readonly seconds: number;
}

/**
 * Every app that declares a function (`apps/<name>/function.ts`), read by the stacks' own discovery, so
 * deploy:local deploys and smoke-tests exactly what the local stack builds.
 */
export function declaredApps(appsDir?: string): DeclaredFunction[] {
  try {
    return localFunctions(appsDir);
  } catch (error) {
    throw new LocalDeployError('check prerequisites', errorMessage(error), { cause: error });
  }
}

/** The zip each declared app deploys: the override, else its built bundle (which must exist). */
export function appBundles(
  bundles: Readonly<Record<string, string>> = {},
  declared: readonly DeclaredFunction[] = declaredApps(),
): Record<string, string> {
  const names = declared.map((d) => d.declaration.name);
  const unknown = Object.keys(bundles).filter((app) => !names.includes(app));
  if (unknown.length > 0) {
    throw new LocalDeployError(
      'check prerequisites',
      `unknown app(s) ${unknown.join(', ')} in --bundle; the declared apps are ${names.join(', ')}.`,
    );
  }
  const result: Record<string, string> = {};
  for (const { declaration, appDir } of declared) {
    const app = declaration.name;
    const zip = path.resolve(bundles[app] ?? path.join(appDir, 'dist', `${app}.zip`));
    if (!existsSync(zip)) {
      throw new LocalDeployError(
        'check prerequisites',
        `${display(zip)} does not exist. Build the apps first (npm run build), or use npm run deploy:local, which does.`,
        { resources: [app] },
      );
    }
    result[app] = zip;
  }
  return result;
}

/** Function names follow `<stack>-<app>` (stacks/src/platform-functions.ts: platformFunctionName). */
export const localFunctionName = (app: string): string => `${LOCAL_STACK_NAME}-${app}`;

interface TerraformSetup {
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The environment for terraform: the offline CLI config (provider mirror) from @secure-lambda/terraform,
 * which also strips the caller's AWS_* and TF_* settings, then the emulator's endpoint, fake credentials
 * and its certificate as the only trusted CA for AWS calls.
 */
async function terraformSetup(emulator: EmulatorInfo): Promise<TerraformSetup> {
  let env: NodeJS.ProcessEnv;
  try {
    ({ env } = prepareTerraform());
  } catch (error) {
    throw new LocalDeployError('check prerequisites', errorMessage(error), { cause: error });
  }
  return {
    env: {
      ...env,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_CA_BUNDLE: emulator.certFile,
      [`TF_VAR_${EMULATOR_ENDPOINT_VARIABLE}`]: emulator.endpoint,
    },
  };
}

function synthesize(
  layout: LocalLayout,
  bundles: Readonly<Record<string, string>>,
  appsDir?: string,
): Promise<void> {
  const entry = path.join(REPO_ROOT, 'stacks', 'dist', 'local-main.js');
  if (!existsSync(entry)) {
    return Promise.reject(
      new LocalDeployError(
        'synthesize',
        `${display(entry)} is missing. Build the stacks first (npm run build).`,
      ),
    );
  }
  const args = [
    entry,
    layout.synthDir,
    ...(appsDir ? ['--apps-dir', path.resolve(appsDir)] : []),
    ...Object.entries(bundles).flatMap(([app, zip]) => ['--bundle', `${app}=${zip}`]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.on('error', (error) =>
      reject(new LocalDeployError('synthesize', errorMessage(error), { cause: error })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const output = Buffer.concat(out).toString('utf8');
        reject(
          new LocalDeployError('synthesize', `the local cdktf app exited with code ${code}:\n${output}`, {
            output,
          }),
        );
      }
    });
  });
}

async function terraformInit(layout: LocalLayout, setup: TerraformSetup): Promise<void> {
  // -reconfigure: the backend is chosen per deployment (backend.ts); state is never migrated between them.
  const init = await runTerraform('terraform init', ['init', '-input=false', '-no-color', '-reconfigure'], {
    cwd: layout.stackDir,
    env: setup.env,
  });
  if (init.code !== 0) {
    const output = `${init.stderr}\n${init.stdout}`.trim();
    throw new LocalDeployError(
      'terraform init',
      `terraform init exited with code ${init.code}:\n${output.slice(-3000)}`,
      {
        output,
      },
    );
  }
}

/** A progress line per finished resource: `[12/72] created aws_kms_key.key_F64E54E4 (13s)`. */
function progressPrinter(log: (line: string) => void, verb: Record<string, string>) {
  let done = 0;
  let total: number | undefined;
  return {
    setTotal(n: number) {
      total = n;
    },
    onEvent(event: ResourceEvent) {
      if (event.kind === 'start') return;
      done += event.kind === 'done' ? 1 : 0;
      const counter = total ? `[${String(done).padStart(String(total).length)}/${total}]` : `[${done}]`;
      const what = event.kind === 'failed' ? 'FAILED' : (verb[event.action] ?? event.action);
      log(`  ${counter} ${what} ${event.address} (${event.elapsedSeconds ?? 0}s)`);
    },
  };
}

function terraformFailure(step: LocalStep, run: TerraformRun, hint: string): LocalDeployError {
  const resources = failedResources(run);
  const diagnostics = formatDiagnostics(run.diagnostics);
  return new LocalDeployError(
    step,
    `terraform exited with code ${run.code}.\n${diagnostics || run.rawOutput.slice(-3000)}\n${hint}`,
    { resources, output: run.rawOutput },
  );
}

/** The platform outputs every local deployment has; each function adds its own (`<app>-function-name`, ...). */
const PLATFORM_OUTPUTS = [
  StackOutput.KEY_ARN,
  StackOutput.INPUT_BUCKET_NAME,
  StackOutput.OUTPUT_BUCKET_NAME,
] as const;

/**
 * The stack's string outputs. Per-function outputs depend on what is declared, so only the platform's are
 * required here; a function's check fails by name when an output it needs is missing.
 */
async function readOutputs(layout: LocalLayout, setup: TerraformSetup): Promise<LocalOutputs> {
  const result = await runTerraform('terraform output', ['output', '-json'], {
    cwd: layout.stackDir,
    env: setup.env,
  });
  if (result.code !== 0) {
    throw new LocalDeployError(
      'terraform output',
      `terraform output exited with code ${result.code}: ${result.stderr}`,
    );
  }
  let parsed: Record<string, { value?: unknown }>;
  try {
    parsed = JSON.parse(result.stdout) as Record<string, { value?: unknown }>;
  } catch (error) {
    throw new LocalDeployError(
      'terraform output',
      `terraform output -json is not JSON: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  const outputs: Record<string, string> = {};
  for (const [name, entry] of Object.entries(parsed ?? {})) {
    if (typeof entry?.value === 'string' && entry.value !== '') outputs[name] = entry.value;
  }
  const missing = PLATFORM_OUTPUTS.filter((name) => outputs[name] === undefined);
  if (missing.length > 0) {
    throw new LocalDeployError(
      'terraform output',
      `the stack has no ${missing.join(', ')} output; apply it from this commit again (stacks/src/platform-stack.ts writes them).`,
    );
  }
  return outputs;
}

async function readState(layout: LocalLayout, setup: TerraformSetup): Promise<StateResource[]> {
  const result = await runTerraform('terraform output', ['show', '-json'], {
    cwd: layout.stackDir,
    env: setup.env,
  });
  if (result.code !== 0) {
    throw new LocalDeployError(
      'terraform output',
      `terraform show exited with code ${result.code}: ${result.stderr}`,
    );
  }
  const state = JSON.parse(result.stdout) as { values?: { root_module?: { resources?: StateResource[] } } };
  return state.values?.root_module?.resources ?? [];
}

function describeGap(gap: GapReport): string {
  const probe = gap.probe
    ? gap.probe.confirmed
      ? ` [confirmed: ${gap.probe.evidence}]`
      : ` [NOT CONFIRMED: ${gap.probe.evidence}; if the emulator now supports this, remove the gap from stacks/src/emulator.ts]`
    : '';
  return `  - ${gap.id} (${gap.kind}): ${gap.feature}. Locally: ${gap.localBehaviour}. Why: ${gap.reason}${probe}`;
}

/**
 * `npm run deploy:local`: emulator, gap probes, synth, init, apply with progress, outputs, smoke test.
 * Throws LocalDeployError naming the step (and resources) that failed. A failed apply leaves what it
 * created in the state, where destroyLocal() finds it.
 */
export async function deployLocal(options: DeployOptions = {}): Promise<DeployReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const layout = localLayout(options.localDir);
  const declared = declaredApps(options.appsDir);
  const bundles = appBundles(options.bundles, declared);
  const target = {
    accountId: localEnvironment.accountId,
    region: localEnvironment.region,
    ...(options.ownerPid !== undefined ? { ownerPid: options.ownerPid } : {}),
  };

  log(
    `deploy:local: stack ${LOCAL_STACK_NAME} (dev configuration, account ${target.accountId}, ${target.region})`,
  );
  log(
    `deploy:local: ${declared.length} declared function(s): ` +
      declared.map((d) => `${d.declaration.name} (${d.declaration.trigger.type})`).join(', '),
  );
  const ensured = await ensureEmulator(layout, target);
  const emulator = ensured.info;
  log(
    `deploy:local: emulator ${ensured.reused ? 'reused' : 'started'}: moto on ${emulator.endpoint} (pid ${emulator.pid}, log ${display(layout.emulatorLog)})`,
  );
  if (ensured.staleStateMovedTo) {
    log(
      `deploy:local: the emulator of the previous deployment had stopped, and moto keeps resources in memory, ` +
        `so they are gone; its state was moved to ${display(ensured.staleStateMovedTo)} and the stack is deployed afresh.`,
    );
  }

  const ca = readFileSync(emulator.certFile, 'utf8');
  const clients = emulatorClients(emulator.endpoint, emulator.region, ca);
  try {
    const probeContext = {
      clients,
      endpoint: emulator.endpoint,
      region: emulator.region,
      ca,
      prepared: new Map(),
    };
    const before = await probeGaps(EMULATOR_GAPS, 'before-apply', probeContext);

    const backend = await chooseBackend(layout, ensured.reused, options, log);
    // Every bundle explicitly: what the smoke test later runs (and checks by hash) is what was deployed.
    await synthesize(layout, bundles, options.appsDir);
    useBackend(layout, backend);
    log(`deploy:local: synthesized ${display(layout.stackDir)}`);
    const setup = await terraformSetup(emulator);
    await terraformInit(layout, setup);

    log('deploy:local: terraform apply');
    const progress = progressPrinter(log, {
      create: 'created',
      update: 'updated',
      delete: 'deleted',
      replace: 'replaced',
    });
    const apply = await runTerraformJson('terraform apply', ['apply', '-auto-approve', '-input=false'], {
      cwd: layout.stackDir,
      env: setup.env,
      onEvent: (event) => progress.onEvent(event),
      onPlanned: (counts) => {
        progress.setTotal(counts.add + counts.change + counts.remove);
        log(
          `deploy:local: plan: ${counts.add} to add, ${counts.change} to change, ${counts.remove} to destroy`,
        );
      },
    });
    if (apply.code !== 0) {
      throw terraformFailure(
        'terraform apply',
        apply,
        `What was created before the failure is in ${display(layout.stateFile)}; \`npm run destroy:local\` removes it.`,
      );
    }
    const planned = apply.planned ?? { add: 0, change: 0, remove: 0 };
    const applied = apply.applied ?? { add: 0, change: 0, remove: 0 };
    log(
      planned.add + planned.change + planned.remove === 0
        ? `deploy:local: no changes: the deployment matches the configuration (${apply.seconds} s)`
        : `deploy:local: applied: ${applied.add} added, ${applied.change} changed, ${applied.remove} destroyed in ${apply.seconds} s`,
    );

    const outputs = await readOutputs(layout, setup);
    const state = await readState(layout, setup);
    // The declared functions the stack built (with all-at-once releases there is no deployment hook).
    const deployedNames = new Set(
      state.filter((r) => r.type === 'aws_lambda_function').map((r) => String(r.values.function_name)),
    );
    const functions: SmokeFunction[] = declared
      .map(({ declaration }) => ({
        app: declaration.name,
        functionName: localFunctionName(declaration.name),
        declaration,
        zip: bundles[declaration.name] as string,
      }))
      .filter((fn) => deployedNames.has(fn.functionName));
    const after = await probeGaps(EMULATOR_GAPS, 'after-apply', {
      ...probeContext,
      deployed: {
        functions,
        securityGroupIds: state
          .filter((r) => r.type === 'aws_lambda_function')
          .flatMap(
            (r) =>
              (r.values.vpc_config as { security_group_ids?: string[] }[])?.[0]?.security_group_ids ?? [],
          ),
      },
    });
    const gaps: GapReport[] = EMULATOR_GAPS.map((gap) => {
      const probe = [...before, ...after].find((p) => p.id === gap.id);
      return probe ? { ...gap, probe } : gap;
    });
    log(
      `deploy:local: ${gaps.length} difference(s) from dev, forced by the emulator (stacks/src/emulator.ts):`,
    );
    for (const gap of gaps) log(describeGap(gap));

    log('deploy:local: smoke test');
    const smoke = await smokeTest({
      clients,
      endpoint: emulator.endpoint,
      region: emulator.region,
      certFile: emulator.certFile,
      outputs,
      state,
      functions,
    });
    for (const check of smoke) log(`  ok  ${check.name}: ${check.detail}`);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    log(
      `deploy:local: done in ${seconds} s. Functions: ${functions.map((f) => f.functionName).join(', ')}; ` +
        `input bucket ${outputs[StackOutput.INPUT_BUCKET_NAME]}. State: ${display(layout.stateFile)}. ` +
        'Remove with `npm run destroy:local`.',
    );
    return {
      stack: LOCAL_STACK_NAME,
      emulator: {
        ...emulator,
        reused: ensured.reused,
        ...(ensured.staleStateMovedTo ? { staleStateMovedTo: ensured.staleStateMovedTo } : {}),
      },
      gaps,
      planned,
      applied,
      applySeconds: apply.seconds,
      outputs,
      functions: functions.map((f) => ({
        app: f.app,
        functionName: f.functionName,
        trigger: f.declaration.trigger.type,
      })),
      smoke,
      stateFile: layout.stateFile,
      seconds,
    };
  } finally {
    clients.destroy();
  }
}

/**
 * `terraform plan -detailed-exitcode` against the running emulator: 0 = no changes, 2 = changes.
 * Used by the drift check; returns the exit code and the plan text.
 */
export async function planLocal(
  options: LocalOptions = {},
): Promise<{ exitCode: number | null; output: string }> {
  const layout = localLayout(options.localDir);
  const emulator = await requireEmulator(layout, 'terraform plan');
  const setup = await terraformSetup(emulator);
  const plan = await runTerraform(
    'terraform plan',
    ['plan', '-detailed-exitcode', '-input=false', '-lock=false', '-no-color'],
    { cwd: layout.stackDir, env: setup.env },
  );
  return { exitCode: plan.code, output: `${plan.stdout}\n${plan.stderr}`.trim() };
}

/**
 * The S3 backend settings for this deployment, or undefined for the local state file. `s3` bootstraps the
 * emulator (state bucket, key, roles; the bootstrap's own state moved into the bucket) unless this emulator
 * already was, and refuses to switch backends under a deployment that exists (its state would be left behind).
 */
async function chooseBackend(
  layout: LocalLayout,
  emulatorReused: boolean,
  options: DeployOptions,
  log: (line: string) => void,
): Promise<S3BackendSettings | undefined> {
  const recorded = emulatorReused ? recordedBackend(layout) : undefined;
  const wanted = options.backend ?? (recorded ? 's3' : 'local');
  const deployed = emulatorReused && (recorded !== undefined || existsSync(layout.stateFile));
  if (deployed && (wanted === 's3') !== (recorded !== undefined)) {
    throw new LocalDeployError(
      'check prerequisites',
      `the deployment on this emulator keeps its state ${recorded ? 'in the emulated state bucket' : 'in a local file'}; ` +
        'run npm run destroy:local first to switch backends (state is never migrated between them here).',
    );
  }
  if (wanted === 'local') return undefined;
  if (recorded) {
    log(
      `deploy:local: state in the emulated bucket s3://${String(recorded.bucket)}/${String(recorded.key)} (lock file on)`,
    );
    return recorded;
  }
  const boot = await bootstrapEmulator({
    localDir: layout.localDir,
    ...(options.ownerPid !== undefined ? { ownerPid: options.ownerPid } : {}),
    log: (line) => log(`deploy:local: ${line}`),
  });
  log(
    `deploy:local: state in the emulated bucket s3://${boot.outputs.platformBackend.bucket}/${boot.outputs.platformBackend.key} ` +
      `(SSE-KMS under ${boot.outputs.platformBackend.kmsKeyId}, lock file on)`,
  );
  return boot.platformBackend;
}

async function requireEmulator(layout: LocalLayout, step: LocalStep): Promise<EmulatorInfo> {
  const emulator = await runningEmulator(layout);
  if (!emulator) {
    throw new LocalDeployError(step, 'no local emulator is running. Deploy first: npm run deploy:local.');
  }
  return emulator;
}

/**
 * `npm run destroy:local`: terraform destroy against the running emulator, then stop it. Works on a
 * partial apply (whatever the state holds). When the emulator is gone, its resources are gone with it:
 * the state is moved aside and nothing else is done.
 */
export async function destroyLocal(options: LocalOptions = {}): Promise<DestroyReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const layout = localLayout(options.localDir);
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const emulator = await runningEmulator(layout);
  if (!emulator) {
    const recorded = readEmulatorInfo(layout);
    await stopEmulator(layout);
    // The emulated state bucket, if any, went with the emulator.
    useBackend(layout, undefined);
    let staleStateMovedTo: string | undefined;
    if (hasResources(layout.stateFile)) {
      staleStateMovedTo = `${layout.stateFile}.lost-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(layout.stateFile, staleStateMovedTo);
    }
    log(
      `destroy:local: no emulator is running${recorded ? ` (pid ${recorded.pid} has stopped)` : ''}, so nothing is deployed` +
        (staleStateMovedTo
          ? `; the state of its resources was moved to ${display(staleStateMovedTo)}.`
          : '.'),
    );
    return {
      stack: LOCAL_STACK_NAME,
      destroyed: 0,
      emulatorStopped: false,
      ...(staleStateMovedTo ? { staleStateMovedTo } : {}),
      seconds: seconds(),
    };
  }
  const setup = await terraformSetup(emulator);
  if (!existsSync(path.join(layout.stackDir, 'cdk.tf.json'))) await synthesize(layout, {});
  writeBackendOverride(layout, recordedBackend(layout));
  await terraformInit(layout, setup);
  // Buckets keep their objects in dev (no force_destroy: data outlives a mistaken destroy). The local
  // deployment's objects are smoke-test data in the emulator's memory, so they go with it.
  const state = await readState(layout, setup);
  const clients = emulatorClients(
    emulator.endpoint,
    emulator.region,
    readFileSync(emulator.certFile, 'utf8'),
  );
  try {
    for (const bucket of state
      .filter((r) => r.type === 'aws_s3_bucket')
      .map((r) => String(r.values.bucket))) {
      const removed = await emptyBucket(clients, bucket);
      if (removed > 0)
        log(`destroy:local: emptied s3://${bucket} (${removed} object version(s) and delete marker(s))`);
    }
  } catch (error) {
    throw new LocalDeployError('terraform destroy', `emptying the buckets failed: ${errorMessage(error)}`, {
      cause: error,
    });
  } finally {
    clients.destroy();
  }
  log(`destroy:local: terraform destroy against ${emulator.endpoint}`);
  const progress = progressPrinter(log, { delete: 'destroyed' });
  const destroy = await runTerraformJson('terraform destroy', ['destroy', '-auto-approve', '-input=false'], {
    cwd: layout.stackDir,
    env: setup.env,
    onEvent: (event) => progress.onEvent(event),
    onPlanned: (counts) => progress.setTotal(counts.remove),
  });
  if (destroy.code !== 0) {
    throw terraformFailure(
      'terraform destroy',
      destroy,
      `The emulator (pid ${emulator.pid}) is left running so that \`npm run destroy:local\` can be retried.`,
    );
  }
  const destroyed = destroy.applied?.remove ?? 0;
  const stopped = await stopEmulator(layout);
  useBackend(layout, undefined);
  log(
    `destroy:local: destroyed ${destroyed} resource(s) in ${destroy.seconds} s; emulator stopped (pid ${emulator.pid}).`,
  );
  return { stack: LOCAL_STACK_NAME, destroyed, emulatorStopped: stopped, seconds: seconds() };
}

/** Deletes every object version and delete marker of a bucket; returns how many. */
async function emptyBucket(clients: EmulatorClients, bucket: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key as string,
      VersionId: v.VersionId as string,
    }));
    if (objects.length === 0) return removed;
    await clients.s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    removed += objects.length;
  }
}

export type { EmulatorClients };
