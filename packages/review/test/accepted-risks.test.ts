/**
 * Accepted risks: the file's schema is checked strictly (every problem named, with what to write), and
 * applying it to a real review marks findings accepted, keeps them out of --fail-on, fails on expired
 * entries and reports stale ones. Today is injected.
 */
import {
  type AcceptedRisks,
  applyAcceptedRisks,
  entryMatches,
  parseAcceptedRisks,
} from '../src/accepted-risks';
import { AcceptedRisksError, ReviewErrorCode } from '../src/errors';
import { loadPlanFile } from '../src/plan';
import { reviewPlans } from '../src/review';
import { planPath } from './helpers';

const NOW = new Date('2026-12-07T16:00:00Z');
const FILE = '.secure-lambda-review.json';

const ENTRY = {
  rule: 'lambda.url-public',
  address: 'aws_lambda_function_url.api',
  reason: 'Public webhook; the handler verifies an HMAC signature on every request',
  owner: '@org/payments',
  expires: '2027-03-31',
};

function parse(value: unknown, now = NOW): AcceptedRisks {
  return parseAcceptedRisks(JSON.stringify(value), FILE, { now });
}

function problemsOf(value: unknown): readonly string[] {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof AcceptedRisksError) return error.problems;
    throw error;
  }
  throw new Error('expected an AcceptedRisksError');
}

/** The review of the lambda-mixed fixture: one high (a public URL), three medium, one info. */
function mixedReport(failOn: 'high' | 'medium' | 'none' = 'high') {
  return reviewPlans([{ plan: loadPlanFile(planPath('lambda-mixed')), stack: 'lambda-mixed' }], { failOn });
}

describe('the file format', () => {
  test('a valid file parses into entries with their position', () => {
    const risks = parse({
      version: 1,
      accepted: [ENTRY, { ...ENTRY, address: 'aws_lambda_function_url.*', stack: 'dev' }],
    });
    expect(risks.entries).toEqual([
      { index: 0, ...ENTRY },
      { index: 1, ...ENTRY, address: 'aws_lambda_function_url.*', stack: 'dev' },
    ]);
  });

  test('an empty list is valid', () => {
    expect(parse({ version: 1, accepted: [] }).entries).toEqual([]);
  });

  test('not JSON: a typed error with the cause kept', () => {
    expect(() => parseAcceptedRisks('{ nope', FILE, { now: NOW })).toThrow(
      expect.objectContaining({
        code: ReviewErrorCode.ACCEPTED_RISKS_INVALID,
        cause: expect.any(SyntaxError),
        message: expect.stringContaining('.secure-lambda-review.json is not a valid accepted-risks file'),
      }),
    );
  });

  test.each([
    ['a wrong version', { version: 2, accepted: [] }, '"version" must be 1, not 2'],
    ['no list', { version: 1 }, '"accepted" must be a list of entries'],
    [
      'an unknown top-level key',
      { version: 1, accepted: [], acepted: [] },
      'unknown top-level key "acepted"',
    ],
    ['an entry that is not an object', { version: 1, accepted: ['x'] }, 'accepted[0] must be an object'],
    [
      'an unknown rule id',
      { version: 1, accepted: [{ ...ENTRY, rule: 'lambda.url-open' }] },
      'accepted[0].rule "lambda.url-open" is not a rule id',
    ],
    [
      'a missing reason',
      { version: 1, accepted: [{ ...ENTRY, reason: undefined }] },
      'accepted[0].reason must be a non-empty string (it is missing)',
    ],
    [
      'a reason that says nothing',
      { version: 1, accepted: [{ ...ENTRY, reason: 'ok' }] },
      'accepted[0].reason is too short',
    ],
    [
      'a missing owner',
      { version: 1, accepted: [{ ...ENTRY, owner: '' }] },
      'accepted[0].owner must be a non-empty string',
    ],
    [
      'a date in another format',
      { version: 1, accepted: [{ ...ENTRY, expires: '31.03.2027' }] },
      'accepted[0].expires "31.03.2027" is not a date: write YYYY-MM-DD',
    ],
    [
      'a date that does not exist',
      { version: 1, accepted: [{ ...ENTRY, expires: '2027-02-30' }] },
      'accepted[0].expires "2027-02-30" is not a date',
    ],
    [
      'an expiry more than a year ahead',
      { version: 1, accepted: [{ ...ENTRY, expires: '2028-01-01' }] },
      'accepted[0].expires 2028-01-01 is more than 366 days after today (2026-12-07)',
    ],
    [
      'an address that matches everything',
      { version: 1, accepted: [{ ...ENTRY, address: '**' }] },
      'accepted[0].address "**" matches every resource',
    ],
    [
      'a misspelt key',
      { version: 1, accepted: [{ ...ENTRY, expiry: '2027-01-01' }] },
      'accepted[0] has an unknown key "expiry"',
    ],
    [
      'a duplicate entry',
      { version: 1, accepted: [ENTRY, { ...ENTRY, reason: `${ENTRY.reason}, again` }] },
      'accepted[1] repeats accepted[0] (same rule, address and stack)',
    ],
  ])('%s is refused with a message that says what to fix', (_name, value, message) => {
    expect(problemsOf(value)).toEqual([expect.stringContaining(message)]);
  });

  test('every problem is reported at once', () => {
    const problems = problemsOf({
      version: 1,
      accepted: [
        { rule: 'nope', address: 'a.b' },
        { ...ENTRY, owner: 3 },
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining('accepted[0].rule "nope"'),
      expect.stringContaining('accepted[0].reason'),
      expect.stringContaining('accepted[0].owner'),
      expect.stringContaining('accepted[0].expires'),
      expect.stringContaining('accepted[1].owner'),
    ]);
  });

  test('an expired date is valid in the file: it fails the review instead, naming the entry', () => {
    expect(parse({ version: 1, accepted: [{ ...ENTRY, expires: '2026-01-01' }] }).entries).toHaveLength(1);
  });
});

describe('matching', () => {
  const finding = {
    rule: 'lambda.url-public',
    address: 'module.api.aws_lambda_function_url.fn["a.b"]',
    stack: 'dev',
  } as const;
  const entry = (address: string, stack?: string) =>
    parse({ version: 1, accepted: [{ ...ENTRY, address, ...(stack ? { stack } : {}) }] }).entries[0]!;

  test.each([
    ['module.api.aws_lambda_function_url.fn["a.b"]', undefined, true],
    ['module.api.aws_lambda_function_url.fn["*"]', undefined, true],
    ['module.*.aws_lambda_function_url.fn*', 'dev', true],
    ['module.api.aws_lambda_function_url.fn["a.b"]', 'prod', false],
    ['module.api.aws_lambda_function_url.fn', undefined, false],
    ['module.api.aws_lambda_function_url.fn["a?b"]', undefined, false],
  ])('%s (stack %s) matches: %s', (address, stack, matches) => {
    expect(entryMatches(entry(address, stack), finding)).toBe(matches);
  });

  test('another rule on the same address does not match', () => {
    expect(entryMatches(entry(finding.address), { ...finding, rule: 'lambda.url-direct-invoke' })).toBe(
      false,
    );
  });
});

describe('applying accepted risks to a review', () => {
  test('without a file, the report is unchanged', () => {
    const report = mixedReport();
    expect(applyAcceptedRisks(report, undefined, { now: NOW })).toBe(report);
  });

  test('an accepted high finding is marked, still counted, and no longer fails --fail-on high', () => {
    const report = mixedReport();
    expect(report.summary.failed).toBe(true);
    const output = applyAcceptedRisks(report, parse({ version: 1, accepted: [ENTRY] }), { now: NOW });
    const url = output.findings.find((f) => f.rule === 'lambda.url-public');
    expect(url?.accepted).toEqual({ reason: ENTRY.reason, owner: ENTRY.owner, expires: ENTRY.expires });
    expect(output.findings.filter((f) => f.accepted !== undefined)).toHaveLength(1);
    expect(output.summary.counts).toEqual(report.summary.counts);
    expect(output.summary.failed).toBe(false);
    expect(output.acceptedRisks).toEqual({ file: FILE, entries: 1, accepted: 1, expired: [], stale: [] });
  });

  test('accepting the high finding does not hide the medium ones at --fail-on medium', () => {
    const output = applyAcceptedRisks(mixedReport('medium'), parse({ version: 1, accepted: [ENTRY] }), {
      now: NOW,
    });
    expect(output.summary.failed).toBe(true);
  });

  test('the last day still holds; the day after, the entry has expired, accepts nothing and fails the review', () => {
    const risks = parse({ version: 1, accepted: [{ ...ENTRY, expires: '2026-12-07' }] });
    expect(applyAcceptedRisks(mixedReport(), risks, { now: NOW }).summary.failed).toBe(false);
    const dayAfter = applyAcceptedRisks(mixedReport(), risks, { now: new Date('2026-12-08T00:00:00Z') });
    expect(dayAfter.summary.failed).toBe(true);
    expect(dayAfter.findings.every((f) => f.accepted === undefined)).toBe(true);
    expect(dayAfter.acceptedRisks?.expired).toEqual([
      expect.objectContaining({ index: 0, expires: '2026-12-07' }),
    ]);
    expect(dayAfter.acceptedRisks?.stale).toEqual([]);
  });

  test('an expired entry fails even when nothing it covered reaches --fail-on (the file must be cleaned up)', () => {
    const risks = parse({
      version: 1,
      accepted: [
        { ...ENTRY, rule: 'lambda.alias-changed', address: 'aws_lambda_alias.*', expires: '2026-11-30' },
      ],
    });
    expect(applyAcceptedRisks(mixedReport(), risks, { now: NOW }).acceptedRisks?.expired).toHaveLength(1);
    const noHigh = applyAcceptedRisks(
      mixedReport(),
      parse({
        version: 1,
        accepted: [
          ENTRY,
          { ...ENTRY, rule: 'lambda.alias-changed', address: 'aws_lambda_alias.*', expires: '2026-11-30' },
        ],
      }),
      { now: NOW },
    );
    expect(noHigh.summary.failed).toBe(true);
  });

  test('--fail-on none never fails, expired entries included', () => {
    const risks = parse({ version: 1, accepted: [{ ...ENTRY, expires: '2026-01-01' }] });
    expect(applyAcceptedRisks(mixedReport('none'), risks, { now: NOW }).summary.failed).toBe(false);
  });

  test('an entry that matches nothing is stale; one for a stack not reviewed is not', () => {
    const risks = parse({
      version: 1,
      accepted: [
        ENTRY,
        { ...ENTRY, address: 'aws_lambda_function_url.gone' },
        { ...ENTRY, address: 'aws_lambda_function_url.other', stack: 'secure-lambda-prod' },
      ],
    });
    const output = applyAcceptedRisks(mixedReport(), risks, { now: NOW });
    expect(output.acceptedRisks?.stale).toEqual([
      expect.objectContaining({ index: 1, address: 'aws_lambda_function_url.gone' }),
    ]);
    expect(output.summary.failed).toBe(false);
  });
});
