/**
 * The checkov command (`npm run scan`, `node scripts/checkov.mjs`): checkov over the synthesized stacks,
 * offline; fails on any failed check. Prints checkov's failed checks (compact) and one summary line, and
 * writes the full JSON report to `<out>/checkov/results_json.json`.
 */
import path from 'node:path';
import { formatSummary, runCheckov } from '../checkov/run';
import { readSkipFile, skipFileProblems } from '../checkov/skip-file';
import { Checkov, DEFAULT_OUT_DIR, ExitCode, repoRoot } from '../constants';
import { TerraformError } from '../errors';
import { display } from '../process';
import type { CommandIo } from './io';
import { type CommandSpec, parseCommandLine, usage } from './options';

export const CHECKOV_COMMAND: CommandSpec = {
  usage: 'node scripts/checkov.mjs',
  summary:
    'checkov (framework terraform_json) over <out>/stacks, offline, with the skips of .checkov.yaml (each with\n' +
    'its reason). Run synth first.',
  options: {
    out: { type: 'string', value: 'DIR', description: 'the synth output directory (default cdktf.out)' },
  },
  epilogue: [
    'exit codes: 0 no failed check; 1 a check failed or a file did not parse; 2 nothing could be scanned',
    '(bad option, checkov not installed, no synthesized stack, a skip without a reason, checkov crashed).',
    'environment: SECURE_LAMBDA_VENV, the virtualenv holding checkov (default <repo>/.venv, made by',
    '`npm run setup:python`).',
  ],
};

/**
 * Runs the checkov command and resolves with its exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCheckovCommand(process.argv.slice(2), processIo());
 * ```
 */
export async function runCheckovCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    const { values, help } = parseCommandLine(CHECKOV_COMMAND, argv);
    if (help) {
      io.stdout(`${usage(CHECKOV_COMMAND)}\n`);
      return ExitCode.OK;
    }
    const outDir = typeof values.out === 'string' ? path.resolve(values.out) : DEFAULT_OUT_DIR;
    const problems = skipFileProblems(readSkipFile());
    if (problems.length > 0) {
      io.stderr(`checkov: ${path.relative(repoRoot, Checkov.SKIP_FILE)}:\n  ${problems.join('\n  ')}\n`);
      return ExitCode.CANNOT_RUN;
    }
    const result = await runCheckov({
      outDir,
      baseEnv: io.env,
      onOutput: (chunk) => io.stdout(chunk.toString('utf8')),
    });
    io.stdout(`${formatSummary(result)}\n`);
    io.stdout(`checkov: full report in ${display(result.resultsPath)}\n`);
    if (result.summary.failed > 0 || result.summary.parsingErrors > 0) {
      const ids = [...new Set(result.failedChecks.map((c) => c.id))].sort();
      io.stderr(
        `checkov: ${result.summary.failed} failed check(s) (${ids.join(', ')}). Fix the construct or stack; ` +
          'skip a check only in .checkov.yaml, with the reason it cannot pass.\n',
      );
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof TerraformError) {
      io.stderr(`checkov: ${error.message}\n`);
      return ExitCode.CANNOT_RUN;
    }
    throw error;
  }
}
