/**
 * Shared test helpers: where the fixtures are, reviewing a fixture, and running the real bin.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Finding } from '../src/finding';
import { loadPlanFile } from '../src/plan';
import { reviewPlan } from '../src/review';

export const PACKAGE_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '..', '..');
export const FIXTURES_DIR = path.join(__dirname, 'fixtures');
export const PLANS_DIR = path.join(FIXTURES_DIR, 'plans');
export const SHIPPED_DIR = path.join(FIXTURES_DIR, 'shipped');
export const BIN = path.join(PACKAGE_DIR, 'dist', 'cli.js');

export interface ManifestCase {
  readonly name: string;
  readonly group: string;
  readonly description: string;
  /** `severity rule address` of every finding a careful reviewer reports for this change. */
  readonly expect: readonly string[];
  /** A benign change: nothing above info. */
  readonly benign?: boolean;
  /** The corpus class the case belongs to (wildcards, conditions, created, moves, ranges, unknown, tables, coverage). */
  readonly class?: string;
  readonly file: string;
  readonly changes: readonly string[];
  readonly statePatches: readonly string[];
}

export interface Manifest {
  readonly terraform: string;
  readonly awsProvider: string;
  readonly moto: string;
  readonly cases: readonly ManifestCase[];
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as Manifest;
}

export function planPath(name: string): string {
  return path.join(PLANS_DIR, `${name}.json`);
}

/**
 * The day the fixtures' expectations hold for: runtimes are judged by the day of the review (nodejs20.x
 * deprecated since 2026-04-30, nodejs22.x from 2027-04-30), so tests review on a fixed day.
 */
export const REVIEW_DAY = new Date('2026-12-07T12:00:00Z');

/** The reviewer's findings for a committed fixture, reviewed as stack `name` on {@link REVIEW_DAY}. */
export function reviewFixture(
  file: string,
  stack = path.basename(file, '.json'),
  now = REVIEW_DAY,
): Finding[] {
  return reviewPlan(loadPlanFile(file), stack, { now });
}

/** A finding reduced to what the fixture tests assert: `severity rule address`. */
export function brief(finding: Pick<Finding, 'severity' | 'rule' | 'address'>): string {
  return `${finding.severity} ${finding.rule} ${finding.address}`;
}

const execFileAsync = promisify(execFile);

/** Builds dist/ so the bin tests run the current source (turbo builds before test; a bare `npx jest` may not). */
export async function buildBin(): Promise<void> {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [PACKAGE_DIR] });
  await execFileAsync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PACKAGE_DIR });
}

export interface BinResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/cli.js ...args` (stdout is a pipe, so no colors unless forced). */
export function runBin(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): BinResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? PACKAGE_DIR,
    env: { ...process.env, NO_COLOR: undefined, ...options.env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
