/**
 * The Lambda runtime of every function of the platform, as one setting, with the dates AWS announced for
 * it and for the other Node.js runtimes. The constructs deploy `LAMBDA_RUNTIME`, synth warns when it comes
 * within `DEPRECATION_WARNING_DAYS` of its deprecation, the plan review judges runtimes by these dates, and
 * the bundle tests run on the Node.js major this runtime names.
 *
 * Moving to `nodejs24.x` is a change of `LAMBDA_RUNTIME` below, but the AWS provider 5.100.0 that the
 * offline mirror carries rejects `nodejs24.x` at `terraform validate`: it needs the AWS provider 6.x (see
 * the README, "Moving to nodejs24.x").
 */

/** What AWS announced for one managed runtime: UTC days, `YYYY-MM-DD`. */
export interface RuntimeLifecycle {
  /** The runtime identifier, as in `aws_lambda_function.runtime`. */
  readonly runtime: string;
  /** The Node.js major version the runtime runs (Node.js runtimes only). */
  readonly nodeMajor: number;
  /** No more security patches or support from this day on. */
  readonly deprecation: string;
  /** No new function with this runtime can be created from this day on. */
  readonly blockCreate: string;
  /** No function with this runtime can be updated from this day on. */
  readonly blockUpdate: string;
}

/**
 * The Node.js runtimes of AWS Lambda, newest first, with the dates of AWS's "Lambda runtimes" page
 * (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) as of mid 2026: AWS moved the block dates of
 * `nodejs18.x` and `nodejs20.x` to 2027 after first announcing 2025 and 2026 ones. Update a row when AWS
 * announces other dates; add a row when AWS publishes a new runtime.
 */
export const NODE_RUNTIMES = [
  {
    runtime: 'nodejs24.x',
    nodeMajor: 24,
    deprecation: '2028-04-30',
    blockCreate: '2028-06-01',
    blockUpdate: '2028-07-01',
  },
  {
    runtime: 'nodejs22.x',
    nodeMajor: 22,
    deprecation: '2027-04-30',
    blockCreate: '2027-06-01',
    blockUpdate: '2027-07-01',
  },
  {
    runtime: 'nodejs20.x',
    nodeMajor: 20,
    deprecation: '2026-04-30',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  {
    runtime: 'nodejs18.x',
    nodeMajor: 18,
    deprecation: '2025-09-01',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
] as const satisfies readonly RuntimeLifecycle[];

/**
 * The runtime of every function of the platform. The one place to change it; `nodejs24.x` needs the AWS
 * provider 6.x first (5.100.0 rejects it at validate).
 */
export const LAMBDA_RUNTIME = 'nodejs22.x';

/** Synth warns when the platform's runtime is this many days or fewer from its deprecation. */
export const DEPRECATION_WARNING_DAYS = 180;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The dates AWS announced for a Node.js runtime, or `undefined` for a runtime the table does not list.
 *
 * @example
 * ```ts
 * runtimeLifecycle('nodejs22.x')?.deprecation; // '2027-04-30'
 * runtimeLifecycle('python3.13'); // undefined
 * ```
 */
export function runtimeLifecycle(runtime: string): RuntimeLifecycle | undefined {
  return NODE_RUNTIMES.find((row) => row.runtime === runtime);
}

/** Midnight UTC of a `YYYY-MM-DD` day, in milliseconds. */
function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * Whole days from `now` to a `YYYY-MM-DD` day (midnight UTC): 0 on the day itself, negative after it.
 *
 * @example
 * ```ts
 * daysUntil('2027-04-30', new Date('2026-11-01T12:00:00Z')); // 180
 * ```
 */
export function daysUntil(day: string, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((dayStart(day) - today) / DAY_MS);
}

/** Where a runtime stands on a given day. */
export type RuntimeStatus =
  | { readonly state: 'unknown'; readonly runtime: string }
  | { readonly state: 'supported'; readonly lifecycle: RuntimeLifecycle; readonly daysLeft: number }
  | { readonly state: 'deprecating'; readonly lifecycle: RuntimeLifecycle; readonly daysLeft: number }
  | { readonly state: 'deprecated'; readonly lifecycle: RuntimeLifecycle; readonly daysLeft: number };

/**
 * Where `runtime` stands on `now`: `deprecated` from its deprecation day on, `deprecating` within
 * `warningDays` before it, `supported` before that, `unknown` when the table has no row for it.
 *
 * @example
 * ```ts
 * runtimeStatus('nodejs22.x', new Date('2026-12-07')); // { state: 'deprecating', daysLeft: 144, ... }
 * runtimeStatus('nodejs20.x', new Date('2026-12-07')).state; // 'deprecated'
 * ```
 */
export function runtimeStatus(
  runtime: string,
  now: Date,
  warningDays: number = DEPRECATION_WARNING_DAYS,
): RuntimeStatus {
  const lifecycle = runtimeLifecycle(runtime);
  if (lifecycle === undefined) return { state: 'unknown', runtime };
  const daysLeft = daysUntil(lifecycle.deprecation, now);
  if (daysLeft <= 0) return { state: 'deprecated', lifecycle, daysLeft };
  if (daysLeft <= warningDays) return { state: 'deprecating', lifecycle, daysLeft };
  return { state: 'supported', lifecycle, daysLeft };
}

/**
 * The Node.js major version a Node.js runtime identifier names (`nodejs22.x` → 22), from the table or, for
 * an identifier it does not list yet, from the name.
 *
 * @example
 * ```ts
 * nodeMajorOf(LAMBDA_RUNTIME); // 22
 * nodeMajorOf('python3.13'); // undefined
 * ```
 */
export function nodeMajorOf(runtime: string): number | undefined {
  const row = runtimeLifecycle(runtime);
  if (row !== undefined) return row.nodeMajor;
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}
