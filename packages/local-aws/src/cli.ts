#!/usr/bin/env node
/**
 * secure-lambda-local: deploy the platform to a local AWS emulator and tear it down.
 *
 *   secure-lambda-local deploy  [--local-dir DIR] [--bundle APP=ZIP]... [--report FILE] [--owner-pid PID]
 *   secure-lambda-local destroy [--local-dir DIR] [--report FILE]
 *   secure-lambda-local plan    [--local-dir DIR]     # terraform plan -detailed-exitcode; exit 2 = drift
 *   secure-lambda-local bootstrap --env dev|prod [--auto-approve]   # CI bootstrap step 1 (docs/ci.md)
 *   secure-lambda-local migrate-state --env dev|prod                # CI bootstrap step 2
 *   secure-lambda-local bootstrap --emulator [--local-dir DIR]      # both steps on the emulator
 *
 * `npm run deploy:local` and `npm run destroy:local` build what is needed and run the first two.
 * Exit codes: 0 success, 1 a step failed (the message names it and the resource), 2 bad usage.
 * The options and the usage text come from one table (cli-args.ts), so the two cannot drift apart.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  accountTerraformEnv,
  applyWithLocalState,
  type BootstrapOutputs,
  bootstrapEmulator,
  localStatePath,
  migrateStateToBucket,
} from './bootstrap';
import { type Args, BIN, type BootstrapEnvironment, parseArgs, usage } from './cli-args';
import { deployLocal, destroyLocal, planLocal } from './deploy';
import { LocalDeployError, LocalUsageError } from './errors';
import { DEFAULT_LOCAL_DIR, REPO_ROOT } from './layout';

/** The synthesized bootstrap stack of an environment (`npm run synth` writes it). */
function bootstrapStackDir(env: BootstrapEnvironment): { stack: string; stackDir: string } {
  const stack = `secure-lambda-bootstrap-${env}`;
  return { stack, stackDir: path.join(REPO_ROOT, 'cdktf.out', 'stacks', stack) };
}

function printOutputs(log: (line: string) => void, outputs: BootstrapOutputs): void {
  log(`  state bucket     ${outputs.stateBucket} (${outputs.region})`);
  log(`  state key        ${outputs.stateKeyArn}`);
  log(`  plan role        ${outputs.planRoleArn}`);
  log(`  deploy role      ${outputs.deployRoleArn}`);
  log(`  platform backend ${JSON.stringify(outputs.platformBackend)}`);
}

async function bootstrapCommand(args: Args, log: (line: string) => void): Promise<void> {
  const localDir = args.localDir ?? DEFAULT_LOCAL_DIR;
  if (args.emulator) {
    const report = await bootstrapEmulator({
      localDir,
      log,
      ...(args.ownerPid !== undefined ? { ownerPid: args.ownerPid } : {}),
    });
    log(
      `bootstrap: the emulator is bootstrapped (${report.migratedResources} resources in the state bucket):`,
    );
    printOutputs(log, report.outputs);
    if (args.report) writeReport(args.report, report);
    return;
  }
  const env = args.env as BootstrapEnvironment;
  const { stack, stackDir } = bootstrapStackDir(env);
  const options = { stackDir, env: accountTerraformEnv(), localState: localStatePath(localDir, stack), log };
  if (args.command === 'bootstrap') {
    const outputs = await applyWithLocalState({
      ...options,
      ...(args.autoApprove ? { autoApprove: true } : {}),
    });
    log(`bootstrap: ${stack} applied with local state:`);
    printOutputs(log, outputs);
    log(`bootstrap: next, step 2: secure-lambda-local migrate-state --env ${env}`);
  } else {
    const { resources } = await migrateStateToBucket(options);
    log(
      `bootstrap: ${stack}'s state (${resources} resources) now lives in its bucket. Next: the platform backend in ` +
        'stacks/src/config.ts and the repository variables (docs/ci.md).',
    );
  }
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
        ...(args.backend ? { backend: args.backend } : {}),
      });
      if (args.report) writeReport(args.report, report);
    } else if (args.command === 'bootstrap' || args.command === 'migrate-state') {
      await bootstrapCommand(args, log);
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
