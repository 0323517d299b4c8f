/**
 * Jest global setup of the system tests: synthesizes the cdktf app once per jest run, before any test file
 * starts, and tells the workers which run it was (they inherit the environment).
 */
import { randomUUID } from 'node:crypto';
import { SYNTH_RUN_ID_ENV, synthesize } from './synth';

export default function globalSetup(): void {
  if (process.env.SECURE_LAMBDA_SKIP_SYNTH === '1') return;
  const runId = randomUUID();
  const run = synthesize(runId);
  process.env[SYNTH_RUN_ID_ENV] = runId;
  console.log(`\nsystem tests: synthesized ${run.stacks.join(', ')} in ${run.seconds} s (${run.command})`);
}
