#!/usr/bin/env node
/**
 * secure-lambda-local: deploy the platform to a local AWS emulator and tear it down.
 *
 *   secure-lambda-local deploy  [--local-dir DIR] [--bundle APP=ZIP]... [--report FILE] [--owner-pid PID]
 *   secure-lambda-local destroy [--local-dir DIR] [--report FILE]
 *   secure-lambda-local plan    [--local-dir DIR]     # terraform plan -detailed-exitcode; exit 2 = drift
 *
 * `npm run deploy:local` and `npm run destroy:local` build what is needed and run the first two.
 * Exit codes: 0 success, 1 a step failed (the message names it and the resource), 2 bad usage.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deployLocal, destroyLocal, planLocal } from './deploy';
import { LocalDeployError, LocalUsageError } from './errors';

const USAGE =
  'usage: secure-lambda-local deploy|destroy|plan [--local-dir DIR] [--bundle APP=ZIP]... [--report FILE]\n' +
  '  deploy --owner-pid PID: a new emulator stops by itself once process PID exits (for tests)';

interface Args {
  command: 'deploy' | 'destroy' | 'plan';
  localDir?: string;
  bundles: Record<string, string>;
  report?: string;
  ownerPid?: number;
}

function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'deploy' && command !== 'destroy' && command !== 'plan') {
    throw new LocalUsageError(command ? `unknown command ${command}` : 'a command is required');
  }
  const args: Args = { command, bundles: {} };
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    const value = () => {
      const next = rest[++i];
      if (next === undefined || next.startsWith('--')) throw new LocalUsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--local-dir') args.localDir = path.resolve(value());
    else if (arg === '--report') args.report = path.resolve(value());
    else if (arg === '--owner-pid' && command === 'deploy') {
      const pid = Number(value());
      if (!Number.isInteger(pid) || pid < 1) throw new LocalUsageError('--owner-pid takes a process id');
      args.ownerPid = pid;
    } else if (arg === '--bundle' && command === 'deploy') {
      const match = /^([a-z0-9-]+)=(.+)$/.exec(value());
      if (!match)
        throw new LocalUsageError('--bundle takes APP=ZIP, e.g. --bundle crypto-api=build/crypto-api.zip');
      args.bundles[match[1] as string] = path.resolve(match[2] as string);
    } else throw new LocalUsageError(`unknown option ${arg}`);
  }
  return args;
}

function writeReport(file: string, report: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, file);
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof LocalUsageError) {
      console.error(`secure-lambda-local: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const log = (line: string) => console.log(line);
  const common = args.localDir ? { localDir: args.localDir, log } : { log };
  try {
    if (args.command === 'deploy') {
      const report = await deployLocal({
        ...common,
        ...(Object.keys(args.bundles).length ? { bundles: args.bundles } : {}),
        ...(args.ownerPid !== undefined ? { ownerPid: args.ownerPid } : {}),
      });
      if (args.report) writeReport(args.report, report);
    } else if (args.command === 'destroy') {
      const report = await destroyLocal(common);
      if (args.report) writeReport(args.report, report);
    } else {
      const plan = await planLocal(common);
      console.log(plan.output);
      return plan.exitCode ?? 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof LocalDeployError) {
      console.error(`secure-lambda-local ${args.command}: ${error.message}`);
      return 1;
    }
    console.error(`secure-lambda-local ${args.command}: unexpected failure:`, error);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
