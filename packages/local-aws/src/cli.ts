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
 * The options and the usage text come from one table (cli-args.ts), so the two cannot drift apart.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Args, BIN, parseArgs, usage } from './cli-args';
import { deployLocal, destroyLocal, planLocal } from './deploy';
import { LocalDeployError, LocalUsageError } from './errors';

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
      console.error(`${BIN}: ${error.message}\n${usage()}`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    console.log(usage());
    return 0;
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
