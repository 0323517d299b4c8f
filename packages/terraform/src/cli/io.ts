/** Where a command writes, injected so the commands run in tests exactly as from a terminal. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colors, unless NO_COLOR). */
  readonly isTty: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The process's own streams and environment.
 *
 * @example
 * ```ts
 * process.exitCode = await runPlanCommand(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
  };
}
