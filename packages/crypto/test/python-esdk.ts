import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { locateMotoInstall, type MotoServer, motoServerEnvironment } from '@secure-lambda/testkit';
import { AlgorithmSuiteId, type AlgorithmSuiteIdValue } from '../src';

/**
 * Drives the AWS Encryption SDK for Python through its CLI (`aws-encryption-cli`, installed into the
 * project's virtualenv from requirements.txt), pointed at a moto KMS on 127.0.0.1.
 */

/** The CLI's names for the suites this package supports. */
export const PYTHON_SUITE_NAMES: Readonly<Record<AlgorithmSuiteIdValue, string>> = {
  [AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY]: 'AES_256_GCM_HKDF_SHA512_COMMIT_KEY',
  [AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384]:
    'AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384',
};

/** Bytes of the CLI's output kept for a failure message (it logs one warning per file at most). */
const OUTPUT_TAIL = 8 * 1024;

export interface PythonCli {
  /** The virtualenv's interpreter; the console script runs under it (a long checkout path can exceed the shebang limit). */
  readonly python: string;
  readonly script: string;
}

export interface CliRun {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/**
 * Finds `aws-encryption-cli` in the virtualenv the testkit uses for moto, or throws saying how to
 * install it.
 */
export async function locatePythonCli(): Promise<PythonCli> {
  const install = await locateMotoInstall(undefined);
  const script = path.join(install.venvDir, 'bin', 'aws-encryption-cli');
  try {
    await access(script, fsConstants.R_OK);
  } catch (error) {
    throw new Error(
      `The Python Encryption SDK CLI is not installed: ${script} is missing. Run \`npm run setup:python\` ` +
        '(npm test runs it first) to install aws-encryption-sdk-cli from requirements.txt into the virtualenv.',
      { cause: error },
    );
  }
  return { python: install.python, script };
}

/**
 * The CLI's environment: fake credentials, KMS at the moto endpoint (botocore reads
 * AWS_ENDPOINT_URL_KMS), and no profile, proxy or instance metadata from the machine — the same
 * sanitizing the testkit applies to the moto server itself.
 */
export function cliEnvironment(moto: MotoServer): NodeJS.ProcessEnv {
  return motoServerEnvironment(moto.port, moto.region, {
    AWS_ENDPOINT_URL_KMS: moto.endpoint,
    PYTHONUTF8: '1',
  });
}

/** `glob.glob` expands the CLI's --input: brackets, stars and question marks in a path are escaped. */
export function globEscape(p: string): string {
  return p.replace(/[[*?]/g, '[$&]');
}

/** Runs the CLI once; resolves with its exit and the tail of its output, whatever the exit code. */
export function runCli(cli: PythonCli, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli.python, [cli.script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ args, code, signal, output }));
  });
}

/** Runs `tasks` with at most `limit` at a time (the CLI is CPU-bound and the machine has two cores). */
export async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** One line of the CLI's `--metadata-output`, the fields the tests read. */
export interface CliMetadata {
  readonly mode: string;
  readonly input: string;
  readonly output: string;
  readonly skipped?: boolean;
  readonly header: {
    readonly algorithm: string;
    readonly frame_length: number;
    readonly encryption_context: Readonly<Record<string, string>>;
  };
}

export function describeRun(run: CliRun): string {
  const exit = run.signal !== null ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
  return `aws-encryption-cli ${run.args.join(' ')}\n${exit}; its output ends with:\n${run.output}`;
}
