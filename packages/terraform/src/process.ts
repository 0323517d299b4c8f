/**
 * The one way this package runs a program: spawn, collect both streams, stop it at a deadline. Terraform
 * and checkov are both run through `spawnCollect`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ProcessStartError } from './errors';

export interface SpawnCollectOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The process is killed (SIGKILL) when it runs longer; the result then says `timedOut`. */
  readonly timeoutMs: number;
  /** Called with each chunk of standard output as it arrives (to stream it to a terminal). */
  readonly onStdout?: (chunk: Buffer) => void;
}

/** How a process ended and what it wrote. */
export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when it was killed for running past `timeoutMs`. */
  readonly timedOut: boolean;
}

/**
 * Runs `command` with `args` (no shell), collects stdout and stderr, and resolves when it has exited,
 * whatever its exit code. Rejects only when the program cannot be started.
 *
 * @throws ProcessStartError (`PROCESS_START_FAILED`) when spawn fails (not on PATH, missing `cwd`, ...)
 * @example
 * ```ts
 * const run = await spawnCollect('terraform', ['version', '-json'], { cwd, env, timeoutMs: 60_000 });
 * if (run.code !== 0) throw new Error(`terraform ${exitText(run)}`);
 * ```
 */
export function spawnCollect(
  command: string,
  args: readonly string[],
  options: SpawnCollectOptions,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new ProcessStartError(
          command,
          `could not start ${command} (${errorMessage(error)}). Is it installed and on PATH?`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/**
 * How a process ended, for a message.
 *
 * @example
 * exitText({ code: 1, signal: null }); // 'exited with code 1'
 */
export function exitText(result: Pick<ProcessResult, 'code' | 'signal'>): string {
  return result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
}

/**
 * The end of a long output, indented, where terraform and checkov put the error.
 *
 * @example
 * tail('a\nb\nc', 2); // '    ...\n    b\n    c'
 */
export function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['...', ...all.slice(-lines)] : all).map((l) => `    ${l}`).join('\n');
}

/**
 * The message of anything thrown.
 *
 * @example
 * errorMessage(new Error('boom')); // 'boom'
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A path for a message: relative to `cwd` when it is below it, absolute otherwise.
 *
 * @example
 * display('/repo/cdktf.out/plans', '/repo'); // 'cdktf.out/plans'
 */
export function display(p: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * Milliseconds as seconds with one decimal, for timings.
 *
 * @example
 * seconds(1234); // 1.2
 */
export function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
