/**
 * The work copy a stack is planned in. The stack directories that `cdktf synth` writes are never modified:
 * `cdktf synth` does not clear them and `cdktf deploy` runs terraform in them, so an override left there
 * would deploy with local state and without the account guard.
 */
import { copyFileSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_OUT_DIR, PlanLane } from '../constants';
import { planOverride } from './override';
import type { StackConfig, SynthesizedStack } from './stacks';

/**
 * Builds `<outDir>/plan-work/<stack>/` from the stack directory and writes the override there.
 * Terraform files are copied (the plan sees one consistent snapshot); anything else, such as `assets/`,
 * is symlinked so relative paths in the configuration resolve as they do in the stack directory (both
 * directories are two levels below outDir). `.terraform/` is kept between runs: init is then a no-op.
 *
 * @example
 * const workDir = prepareWorkDir(stack, readStackConfig(stack)); // '/repo/cdktf.out/plan-work/secure-lambda-dev'
 */
export function prepareWorkDir(
  stack: SynthesizedStack,
  config: StackConfig,
  { outDir = DEFAULT_OUT_DIR }: { outDir?: string } = {},
): string {
  const workDir = path.join(outDir, PlanLane.WORK_DIR, stack.name);
  mkdirSync(workDir, { recursive: true });
  for (const entry of readdirSync(workDir)) {
    if (entry === '.terraform') continue;
    rmSync(path.join(workDir, entry), { recursive: true, force: true });
  }
  for (const entry of readdirSync(stack.dir)) {
    if (entry.startsWith('.terraform') || entry.includes('.tfstate') || entry === PlanLane.OVERRIDE_FILE)
      continue;
    const source = path.join(stack.dir, entry);
    const target = path.join(workDir, entry);
    if (/\.tf(\.json)?$/.test(entry) && lstatSync(source).isFile()) copyFileSync(source, target);
    else symlinkSync(source, target);
  }
  writeFileSync(
    path.join(workDir, PlanLane.OVERRIDE_FILE),
    `${JSON.stringify(planOverride(config), null, 2)}\n`,
  );
  return workDir;
}
