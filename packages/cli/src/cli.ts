#!/usr/bin/env node
/**
 * secure-lambda: release, roll back, inspect and prune the versions behind each function's `live` alias.
 *
 *   secure-lambda release  <stack> [--function NAME] [--wait]
 *   secure-lambda rollback <stack> [--function NAME]
 *   secure-lambda status   <stack> [--function NAME] [--json]
 *   secure-lambda prune    <stack> --keep N [--dry-run] [--function NAME]
 *
 * Common options: --outputs FILE (the stack's `terraform output -json`, instead of running terraform in
 * the synthesized stack folder), --endpoint URL and --ca-file PEM (a local emulator; set automatically for
 * secure-lambda-local from the deploy:local emulator's record, .local/emulator/emulator.json).
 *
 * Exit codes: 0 done; 1 a step failed (the message names it) or a release was rolled back; 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
// The local deployment's contract (its record, layout and fake credentials), not the tool that deploys it.
import { EMULATOR_CREDENTIALS, LOCAL_STACK_NAME } from '@secure-lambda/contracts';
import { EmulatorRecordError } from '@secure-lambda/contracts/errors';
import { type LocalLayout, localLayout, readEmulatorRecord } from '@secure-lambda/contracts/local';
import { awsPort } from './aws-port';
import { formatStatus, prune, release, rollback, status } from './commands';
import { CliError, LocalEmulatorError, UsageError } from './errors';
import { readManifest, selectFunctions } from './manifest';

const USAGE = `usage:
  secure-lambda release  <stack> [--function NAME] [--wait]
  secure-lambda rollback <stack> [--function NAME]
  secure-lambda status   <stack> [--function NAME] [--json]
  secure-lambda prune    <stack> --keep N [--dry-run] [--function NAME]
options for every command: --outputs FILE, --endpoint URL, --ca-file PEM`;

type Command = 'release' | 'rollback' | 'status' | 'prune';

export interface CliArgs {
  readonly command: Command;
  readonly stack: string;
  readonly function?: string;
  readonly wait: boolean;
  readonly json: boolean;
  readonly keep?: number;
  readonly dryRun: boolean;
  readonly outputs?: string;
  readonly endpoint?: string;
  readonly caFile?: string;
  readonly pollSeconds?: number;
}

const FLAGS: Readonly<Record<string, readonly Command[]>> = {
  '--wait': ['release'],
  '--json': ['status'],
  '--dry-run': ['prune'],
};
const VALUES: Readonly<Record<string, readonly Command[]>> = {
  '--function': ['release', 'rollback', 'status', 'prune'],
  '--outputs': ['release', 'rollback', 'status', 'prune'],
  '--endpoint': ['release', 'rollback', 'status', 'prune'],
  '--ca-file': ['release', 'rollback', 'status', 'prune'],
  '--keep': ['prune'],
  '--poll-seconds': ['release'],
};

/** Parses argv (without node and the script); throws UsageError with what is wrong. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command !== 'release' && command !== 'rollback' && command !== 'status' && command !== 'prune') {
    throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
  const positional: string[] = [];
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (FLAGS[arg]) {
      if (!FLAGS[arg].includes(command)) throw new UsageError(`${arg} does not apply to ${command}`);
      flags.add(arg);
    } else if (VALUES[arg]) {
      if (!VALUES[arg].includes(command)) throw new UsageError(`${arg} does not apply to ${command}`);
      const value = rest[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      values[arg] = value;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1)
    throw new UsageError(`${command} takes exactly one stack name, e.g. secure-lambda-dev`);
  let keep: number | undefined;
  if (command === 'prune') {
    if (values['--keep'] === undefined)
      throw new UsageError('prune needs --keep N (how many newest versions to keep)');
    keep = Number(values['--keep']);
    if (!Number.isInteger(keep) || keep < 1)
      throw new UsageError(`--keep takes a whole number >= 1, got ${values['--keep']}`);
  }
  const poll = values['--poll-seconds'] === undefined ? undefined : Number(values['--poll-seconds']);
  if (poll !== undefined && !(poll > 0)) throw new UsageError('--poll-seconds takes a positive number');
  return {
    command,
    stack: positional[0] as string,
    ...(values['--function'] ? { function: values['--function'] } : {}),
    wait: flags.has('--wait'),
    json: flags.has('--json'),
    ...(keep !== undefined ? { keep } : {}),
    dryRun: flags.has('--dry-run'),
    ...(values['--outputs'] ? { outputs: path.resolve(values['--outputs']) } : {}),
    ...(values['--endpoint'] ? { endpoint: values['--endpoint'] } : {}),
    ...(values['--ca-file'] ? { caFile: path.resolve(values['--ca-file']) } : {}),
    ...(poll !== undefined ? { pollSeconds: poll } : {}),
  };
}

/**
 * The emulator of `npm run deploy:local`, for the local stack when no endpoint is given: its endpoint and
 * certificate as deploy:local recorded them (a record naming anything but 127.0.0.1 is refused), and its
 * fixed fake credentials (moto accepts any and serves the stack's account), so no real credentials are
 * ever sent to it.
 */
export function localEmulator(
  layout: LocalLayout = localLayout(),
): { endpoint: string; caFile: string; credentials: typeof EMULATOR_CREDENTIALS } | undefined {
  let info: ReturnType<typeof readEmulatorRecord>;
  try {
    info = readEmulatorRecord(layout);
  } catch (error) {
    if (error instanceof EmulatorRecordError) throw new LocalEmulatorError(error.message, { cause: error });
    throw error;
  }
  return info
    ? { endpoint: info.endpoint, caFile: info.certFile, credentials: EMULATOR_CREDENTIALS }
    : undefined;
}

export async function run(
  argv: readonly string[],
  log: (line: string) => void = console.log,
): Promise<number> {
  const args = parseArgs(argv);
  const manifest = readManifest(args.stack, args.outputs ? { outputsFile: args.outputs } : {});
  const targets = selectFunctions(manifest, args.function);
  const emulator:
    | { endpoint: string; caFile?: string; credentials?: typeof EMULATOR_CREDENTIALS }
    | undefined =
    args.endpoint !== undefined
      ? { endpoint: args.endpoint, ...(args.caFile ? { caFile: args.caFile } : {}) }
      : args.stack === LOCAL_STACK_NAME
        ? localEmulator()
        : undefined;
  const port = awsPort({
    region: manifest.region,
    ...(emulator?.endpoint ? { endpoint: emulator.endpoint } : {}),
    ...(emulator?.caFile ? { ca: readFileSync(emulator.caFile, 'utf8') } : {}),
    ...(emulator?.credentials ? { credentials: emulator.credentials } : {}),
  });
  try {
    const context = { port, log };
    switch (args.command) {
      case 'release':
        await release(context, manifest, targets, {
          wait: args.wait,
          waitOptions: args.pollSeconds ? { pollMs: args.pollSeconds * 1000 } : {},
        });
        break;
      case 'rollback':
        await rollback(context, targets);
        break;
      case 'status': {
        const rows = await status(context, targets);
        log(args.json ? JSON.stringify(rows, null, 2) : formatStatus(rows));
        break;
      }
      case 'prune':
        await prune(context, targets, { keep: args.keep as number, dryRun: args.dryRun });
        break;
    }
    return 0;
  } finally {
    port.destroy();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`secure-lambda: ${error.message}\n${USAGE}`);
        process.exitCode = 2;
      } else if (error instanceof CliError) {
        console.error(`secure-lambda: ${error.message} [${error.code}]`);
        process.exitCode = 1;
      } else {
        console.error('secure-lambda: unexpected failure:', error);
        process.exitCode = 1;
      }
    },
  );
}
