/**
 * The two-step bootstrap of an account for CI (stacks/src/bootstrap-stack.ts, docs/ci.md):
 *
 *   1. apply the bootstrap stack with local state (the state bucket does not exist yet);
 *   2. `terraform init -migrate-state` into the bucket the first step made, then the local state is moved aside.
 *
 * The same two steps run against real AWS (the caller's credentials, `secure-lambda-local bootstrap --env dev`
 * then `migrate-state --env dev`) and against the local emulator (`bootstrap --emulator`: moto over HTTPS with
 * its certificate, Terraform's S3 backend pointed at it). Which backend Terraform uses is switched with an
 * override file beside the synthesized stack (Terraform replaces the stack's backend block with an override's),
 * so the synthesized configuration itself is never edited.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_ENDPOINT_VARIABLE, localEnvironment } from '@secure-lambda/stacks/emulator';
import { prepareTerraform } from '@secure-lambda/terraform/config';
import { EMULATOR_CREDENTIALS } from './clients';
import { type EmulatorInfo, ensureEmulator } from './emulator';
import { errorMessage, LocalDeployError } from './errors';
import { display, type LocalLayout, localLayout, REPO_ROOT } from './layout';
import { runTerraform } from './terraform';

/** The bootstrap stack of the emulator (stacks/src/local-bootstrap-main.ts). */
export const LOCAL_BOOTSTRAP_STACK = 'secure-lambda-bootstrap-local';

/** The override file that chooses the backend of a bootstrap step; removed once the state is in its bucket. */
export const BACKEND_OVERRIDE_FILE = 'zz_bootstrap_backend_override.tf.json';

/** Where the state of step 1 lives until step 2 moves it: outside cdktf.out, which a synth rewrites. */
export function localStatePath(localDir: string, stack: string): string {
  return path.join(localDir, 'bootstrap', `${stack}.tfstate`);
}

/** What a bootstrap made, from its outputs (stacks/src/bootstrap-stack.ts `BootstrapOutput`). */
export interface BootstrapOutputs {
  readonly stateBucket: string;
  readonly stateKeyArn: string;
  readonly region: string;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
  /** The `backend` of the platform environment in stacks/src/config.ts. */
  readonly platformBackend: {
    readonly type: 's3';
    readonly bucket: string;
    readonly key: string;
    readonly region: string;
    readonly kmsKeyId: string;
  };
}

/** The emulator a bootstrap runs against: its endpoint and the certificate Terraform must trust. */
export type EmulatorTarget = Pick<EmulatorInfo, 'endpoint' | 'certFile' | 'region'>;

/**
 * Terraform's S3 backend settings for a state in the emulated bucket: the S3 endpoint on 127.0.0.1, path-style
 * requests (moto serves no virtual hosts), no account or region lookups, and the lock file. The emulator's
 * certificate reaches the backend through `AWS_CA_BUNDLE` (`emulatorTerraformEnv`), its credentials through
 * `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`.
 *
 * @example
 * ```ts
 * emulatorBackend(emulator, { bucket, key: 'platform/secure-lambda-local.tfstate', kmsKeyId: keyArn });
 * ```
 */
export function emulatorBackend(
  emulator: EmulatorTarget,
  state: { readonly bucket: string; readonly key: string; readonly kmsKeyId?: string },
): Record<string, unknown> {
  return {
    bucket: state.bucket,
    key: state.key,
    region: emulator.region,
    ...(state.kmsKeyId ? { encrypt: true, kms_key_id: state.kmsKeyId } : {}),
    use_lockfile: true,
    endpoints: { s3: emulator.endpoint, sts: emulator.endpoint, iam: emulator.endpoint },
    use_path_style: true,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
}

/**
 * Terraform's environment for the emulator: the offline CLI config (provider mirror; the caller's `AWS_*` and
 * `TF_*` dropped), the emulator's fake credentials, its certificate as the only CA, and its endpoint for the
 * stack's `emulator_endpoint` variable.
 */
export function emulatorTerraformEnv(emulator: EmulatorTarget): NodeJS.ProcessEnv {
  const { env } = prepareTerraformOrFail();
  return {
    ...env,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_REGION: emulator.region,
    AWS_CA_BUNDLE: emulator.certFile,
    [`TF_VAR_${EMULATOR_ENDPOINT_VARIABLE}`]: emulator.endpoint,
  };
}

/**
 * Terraform's environment for a real account: the caller's own AWS credentials and profile (an administrator
 * bootstraps), with the project's CLI config so the provider comes from the mirror.
 */
export function accountTerraformEnv(baseEnv: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { configPath } = prepareTerraformOrFail();
  return { ...baseEnv, TF_CLI_CONFIG_FILE: configPath, CHECKPOINT_DISABLE: '1' };
}

function prepareTerraformOrFail() {
  try {
    return prepareTerraform();
  } catch (error) {
    throw new LocalDeployError('check prerequisites', errorMessage(error), { cause: error });
  }
}

/** Options of a bootstrap step. */
export interface StepOptions {
  /** The synthesized bootstrap stack (holds cdk.tf.json). */
  readonly stackDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Step 1's state file (`localStatePath`). */
  readonly localState: string;
  /**
   * Apply without asking. Off for a real account, where the person bootstrapping reads the plan and answers.
   * @default false
   */
  readonly autoApprove?: boolean;
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

function writeOverride(stackDir: string, backend: Record<string, unknown>): void {
  writeFileSync(
    path.join(stackDir, BACKEND_OVERRIDE_FILE),
    `${JSON.stringify({ '//': 'Written by secure-lambda-local bootstrap; see docs/ci.md.', terraform: { backend } }, null, 2)}\n`,
  );
}

/** terraform with inherited stdio (a person watches and answers) or collected output (tests, the emulator). */
async function terraform(
  step: 'terraform init' | 'terraform apply' | 'terraform output',
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; interactive: boolean },
): Promise<string> {
  if (options.interactive) {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('terraform', [...args], { cwd: options.cwd, env: options.env, stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new LocalDeployError(step, `terraform ${args[0]} exited with code ${code}.`);
    return '';
  }
  const run = await runTerraform(step, args, { cwd: options.cwd, env: options.env });
  if (run.code !== 0) {
    const output = `${run.stderr}\n${run.stdout}`.trim();
    throw new LocalDeployError(
      step,
      `terraform ${args[0]} exited with code ${run.code}:\n${output.slice(-3000)}`,
      {
        output,
      },
    );
  }
  return run.stdout;
}

/** The bootstrap stack's outputs, read with `terraform output -json`. */
export async function readBootstrapOutputs(
  stackDir: string,
  env: NodeJS.ProcessEnv,
): Promise<BootstrapOutputs> {
  const text = await terraform('terraform output', ['output', '-json'], {
    cwd: stackDir,
    env,
    interactive: false,
  });
  const raw = JSON.parse(text) as Record<string, { value: unknown }>;
  const value = (name: string): unknown => {
    if (!raw[name])
      throw new LocalDeployError('terraform output', `the bootstrap stack has no output ${name}.`);
    return raw[name].value;
  };
  return {
    stateBucket: value('state-bucket') as string,
    stateKeyArn: value('state-key-arn') as string,
    region: value('region') as string,
    planRoleArn: value('plan-role-arn') as string,
    deployRoleArn: value('deploy-role-arn') as string,
    platformBackend: value('platform-backend') as BootstrapOutputs['platformBackend'],
  };
}

/**
 * Step 1: the bootstrap stack applied with local state (`localState`), because the bucket that will hold its
 * state is one of the things it creates.
 */
export async function applyWithLocalState(options: StepOptions): Promise<BootstrapOutputs> {
  const log = options.log ?? (() => {});
  if (!existsSync(path.join(options.stackDir, 'cdk.tf.json'))) {
    throw new LocalDeployError(
      'check prerequisites',
      `${display(options.stackDir)} holds no synthesized stack. Run \`npm run synth\` first.`,
    );
  }
  mkdirSync(path.dirname(options.localState), { recursive: true, mode: 0o700 });
  writeOverride(options.stackDir, { local: { path: options.localState } });
  const interactive = !options.autoApprove;
  log(`bootstrap: step 1 of 2: apply with local state in ${display(options.localState)}`);
  await terraform('terraform init', ['init', '-input=false', '-reconfigure'], {
    cwd: options.stackDir,
    env: options.env,
    interactive: false,
  });
  await terraform(
    'terraform apply',
    interactive
      ? ['apply', '-lock-timeout=60s']
      : ['apply', '-auto-approve', '-input=false', '-lock-timeout=60s'],
    { cwd: options.stackDir, env: options.env, interactive },
  );
  return readBootstrapOutputs(options.stackDir, options.env);
}

/**
 * Step 2: `terraform init -migrate-state` from the local state into the bucket. `backend` is the S3 backend to
 * move to: for a real account the stack's own (its cdk.tf.json; pass undefined), for the emulator
 * `emulatorBackend(...)`. The local state is moved aside (`.migrated`), not deleted, once Terraform reads the
 * same resources back from the bucket.
 */
export async function migrateStateToBucket(
  options: Omit<StepOptions, 'autoApprove'> & { readonly backend?: Record<string, unknown> },
): Promise<{ readonly resources: number; readonly movedAside: string }> {
  const log = options.log ?? (() => {});
  if (!existsSync(options.localState)) {
    throw new LocalDeployError(
      'check prerequisites',
      `${display(options.localState)} does not exist: run step 1 (secure-lambda-local bootstrap) first.`,
    );
  }
  const before = stateResources(options.localState);
  // Bind the folder to the local state first, whatever .terraform/ says (a synth in between may have
  // rewritten it): -migrate-state copies from the backend the folder was last initialised with.
  writeOverride(options.stackDir, { local: { path: options.localState } });
  await terraform('terraform init', ['init', '-input=false', '-reconfigure'], {
    cwd: options.stackDir,
    env: options.env,
    interactive: false,
  });
  const override = path.join(options.stackDir, BACKEND_OVERRIDE_FILE);
  if (options.backend) writeOverride(options.stackDir, { s3: options.backend });
  else rmSync(override, { force: true });
  log(`bootstrap: step 2 of 2: terraform init -migrate-state (${before} resources into the state bucket)`);
  await terraform('terraform init', ['init', '-input=false', '-migrate-state', '-force-copy'], {
    cwd: options.stackDir,
    env: options.env,
    interactive: false,
  });
  const listed = await terraform('terraform output', ['state', 'list'], {
    cwd: options.stackDir,
    env: options.env,
    interactive: false,
  });
  const after = listed.split('\n').filter((l) => l.trim() !== '').length;
  if (after !== before) {
    throw new LocalDeployError(
      'terraform init',
      `the state in the bucket lists ${after} resources, the local state ${before}; the local state is left in ` +
        `place (${display(options.localState)}). Compare them before going on.`,
    );
  }
  const movedAside = `${options.localState}.migrated`;
  renameSync(options.localState, movedAside);
  rmSync(`${options.localState}.backup`, { force: true });
  log(
    `bootstrap: the state is in the bucket; the local copy is now ${display(movedAside)} (delete it when satisfied)`,
  );
  return { resources: after, movedAside };
}

/** Resource count of a state file. */
function stateResources(file: string): number {
  const state = JSON.parse(readFileSync(file, 'utf8')) as { resources?: { instances?: unknown[] }[] };
  return (state.resources ?? []).reduce((n, r) => n + (r.instances?.length ?? 1), 0);
}

/** Synthesizes the emulator's bootstrap stack into `<localDir>/bootstrap/cdktf.out`; returns its stack folder. */
export function synthesizeLocalBootstrap(localDir: string): Promise<string> {
  const entry = path.join(REPO_ROOT, 'stacks', 'dist', 'local-bootstrap-main.js');
  const outDir = path.join(localDir, 'bootstrap', 'cdktf.out');
  if (!existsSync(entry)) {
    return Promise.reject(
      new LocalDeployError(
        'synthesize',
        `${display(entry)} is missing. Build the stacks first (npm run build).`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, outDir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.on('error', (error) =>
      reject(new LocalDeployError('synthesize', errorMessage(error), { cause: error })),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(path.join(outDir, 'stacks', LOCAL_BOOTSTRAP_STACK))
        : reject(
            new LocalDeployError(
              'synthesize',
              `the local bootstrap app exited with code ${code}:\n${Buffer.concat(out).toString('utf8')}`,
            ),
          ),
    );
  });
}

/** What `bootstrapEmulator` did. */
export interface EmulatorBootstrapReport {
  readonly emulator: EmulatorInfo;
  readonly outputs: BootstrapOutputs;
  /** The S3 backend settings of the emulated state bucket, for the platform stack's state. */
  readonly platformBackend: Record<string, unknown>;
  readonly migratedResources: number;
}

/**
 * Both steps against the local emulator (started, or reused, in `localDir`): the state bucket, key and roles
 * exist in moto afterwards, and the bootstrap's own state lives in the emulated bucket.
 *
 * @example
 * ```ts
 * const report = await bootstrapEmulator({ localDir: '.local', log: console.log });
 * report.outputs.platformBackend; // { type: 's3', bucket: 'secure-lambda-tfstate-local-111111111111', ... }
 * ```
 */
export async function bootstrapEmulator(options: {
  readonly localDir?: string;
  readonly ownerPid?: number;
  readonly log?: (line: string) => void;
}): Promise<EmulatorBootstrapReport> {
  const log = options.log ?? (() => {});
  const layout: LocalLayout = localLayout(options.localDir);
  const ensured = await ensureEmulator(layout, {
    accountId: localEnvironment.accountId,
    region: localEnvironment.region,
    ...(options.ownerPid !== undefined ? { ownerPid: options.ownerPid } : {}),
  });
  const emulator = ensured.info;
  log(`bootstrap: emulator ${ensured.reused ? 'reused' : 'started'} on ${emulator.endpoint}`);
  const stackDir = await synthesizeLocalBootstrap(layout.localDir);
  const env = emulatorTerraformEnv(emulator);
  const localState = localStatePath(layout.localDir, LOCAL_BOOTSTRAP_STACK);
  const outputs = await applyWithLocalState({ stackDir, env, localState, autoApprove: true, log });
  const { resources } = await migrateStateToBucket({
    stackDir,
    env,
    localState,
    log,
    backend: emulatorBackend(emulator, {
      bucket: outputs.stateBucket,
      key: `bootstrap/${LOCAL_BOOTSTRAP_STACK}.tfstate`,
    }),
  });
  return {
    emulator,
    outputs,
    migratedResources: resources,
    platformBackend: emulatorBackend(emulator, {
      bucket: outputs.platformBackend.bucket,
      key: outputs.platformBackend.key,
      kmsKeyId: outputs.platformBackend.kmsKeyId,
    }),
  };
}
