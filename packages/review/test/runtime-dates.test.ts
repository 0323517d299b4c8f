/**
 * `lambda.runtime-deprecated` judges by the dates of the runtime table (`@secure-lambda/contracts/runtime`
 * for Node.js), on the day of the review: the same plan passes the day before a deprecation and is
 * reported from that day on.
 */
import { readFileSync } from 'node:fs';
import { NODE_RUNTIMES } from '@secure-lambda/contracts/runtime';
import { LAMBDA_RUNTIME_DEPRECATIONS } from '../src/constants';
import { parsePlan } from '../src/plan';
import { reviewPlan } from '../src/review';
import { isDeprecatedRuntime, runtimeDeprecation } from '../src/rules/lambda';
import { brief, planPath } from './helpers';

/** The committed fixture (nodejs22.x → nodejs20.x) with its runtimes replaced. */
function runtimeChange(from: string, to: string) {
  const raw = JSON.parse(readFileSync(planPath('lambda-runtime-deprecated'), 'utf8')) as {
    resource_changes: {
      address: string;
      change: { before: { runtime: string }; after: { runtime: string } };
    }[];
  };
  const fn = raw.resource_changes.find((rc) => rc.address === 'aws_lambda_function.api');
  if (!fn) throw new Error('fixture lambda-runtime-deprecated has no aws_lambda_function.api');
  fn.change.before.runtime = from;
  fn.change.after.runtime = to;
  return parsePlan(JSON.stringify(raw), `${from}-to-${to}.json`);
}

const lambdaFindings = (from: string, to: string, day: string) =>
  reviewPlan(runtimeChange(from, to), 'dev', { now: new Date(day) })
    .filter((f) => f.rule.startsWith('lambda.runtime-'))
    .map(brief);

describe('deprecated runtimes by date', () => {
  test('the Node.js rows are the contract table, not a second list', () => {
    for (const row of NODE_RUNTIMES) expect(LAMBDA_RUNTIME_DEPRECATIONS[row.runtime]).toBe(row.deprecation);
    expect(runtimeDeprecation('nodejs22.x')).toBe('2027-04-30');
    expect(runtimeDeprecation('toString')).toBeUndefined();
  });

  test.each([
    ['nodejs20.x', '2026-04-29T23:59:59Z', false],
    ['nodejs20.x', '2026-04-30T00:00:00Z', true],
    ['nodejs22.x', '2027-04-29T12:00:00Z', false],
    ['nodejs22.x', '2027-04-30T00:00:00Z', true],
    ['nodejs24.x', '2027-04-30T00:00:00Z', false],
    ['python3.9', '2026-01-01T00:00:00Z', true],
    ['nodejs26.x', '2030-01-01T00:00:00Z', false],
  ])('%s on %s: deprecated %s', (runtime, day, deprecated) => {
    expect(isDeprecatedRuntime(runtime, new Date(day))).toBe(deprecated);
  });

  test('moving to nodejs20.x: a downgrade the day before its deprecation, deprecated from that day', () => {
    expect(lambdaFindings('nodejs22.x', 'nodejs20.x', '2026-04-29T12:00:00Z')).toEqual([
      'low lambda.runtime-downgraded aws_lambda_function.api',
    ]);
    expect(lambdaFindings('nodejs22.x', 'nodejs20.x', '2026-04-30T12:00:00Z')).toEqual([
      'medium lambda.runtime-deprecated aws_lambda_function.api',
    ]);
  });

  test('moving to nodejs22.x passes until 2027-04-30, and the finding names the day', () => {
    expect(lambdaFindings('nodejs20.x', 'nodejs22.x', '2027-04-29T12:00:00Z')).toEqual([]);
    const [finding] = reviewPlan(runtimeChange('nodejs20.x', 'nodejs22.x'), 'dev', {
      now: new Date('2027-04-30T12:00:00Z'),
    }).filter((f) => f.rule === 'lambda.runtime-deprecated');
    expect(finding?.message).toContain('which AWS deprecated on 2027-04-30');
  });

  test('moving to nodejs24.x passes on any day before 2028-04-30', () => {
    expect(lambdaFindings('nodejs22.x', 'nodejs24.x', '2028-04-29T12:00:00Z')).toEqual([]);
  });
});
