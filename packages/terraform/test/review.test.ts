import { readFileSync } from 'node:fs';
import path from 'node:path';
import { reviewFiles, reviewPlanFiles } from '../src';
import { planJson, put, recordingIo, tempDir } from './support';

const NOW = new Date('2026-06-01T00:00:00Z');
const ADMIN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

let tmp: ReturnType<typeof tempDir>;
let plan: string;
beforeEach(() => {
  tmp = tempDir('review');
  plan = put(
    tmp.dir,
    'plans/secure-lambda-dev.json',
    JSON.stringify(
      planJson([
        ['aws_iam_role_policy.admin', ['create'], { name: 'admin', role: 'r', policy: ADMIN_POLICY }],
      ]),
    ),
  );
});
afterEach(() => tmp.remove());

/** No accepted risks: the tests never read the repository's own .secure-lambda-review.json (its dates move). */
const noAcceptedRisks = () => put(tmp.dir, 'no-accepted.json', JSON.stringify({ version: 1, accepted: [] }));

const accepted = (expires: string) =>
  put(
    tmp.dir,
    'accepted.json',
    JSON.stringify({
      version: 1,
      accepted: [
        {
          rule: 'iam.wildcard-action',
          address: 'aws_iam_role_policy.admin',
          reason: 'Break-glass role, reviewed by the security team',
          owner: '@org/security',
          expires,
        },
      ],
    }),
  );

describe('reviewPlanFiles (the reviewer in-process)', () => {
  test('writes review.md and review.sarif next to the plans and fails on a high finding', () => {
    const io = recordingIo();
    const code = reviewPlanFiles([plan], io, {
      outDir: tmp.dir,
      failOn: 'high',
      now: NOW,
      accepted: noAcceptedRisks(),
    });
    const files = reviewFiles(tmp.dir);
    expect(files).toEqual({
      markdown: path.join(tmp.dir, 'plans', 'review.md'),
      sarif: path.join(tmp.dir, 'plans', 'review.sarif'),
    });
    expect(code).toBe(1);
    expect(readFileSync(files.markdown, 'utf8')).toContain('iam.wildcard-action');
    const sarif = JSON.parse(readFileSync(files.sarif, 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toEqual(['iam.wildcard-action']);
    const stdout = io.out.join('');
    expect(stdout).toContain('aws_iam_role_policy.admin');
    expect(stdout).toContain('secure-lambda-review: markdown report written to');
    expect(stdout).toContain('secure-lambda-review: sarif report written to');
  });

  test('--fail-on none passes the same plan', () => {
    expect(
      reviewPlanFiles([plan], recordingIo(), {
        outDir: tmp.dir,
        failOn: 'none',
        now: NOW,
        accepted: noAcceptedRisks(),
      }),
    ).toBe(0);
  });

  test('an accepted risk passes it; the same entry once expired fails the review and says so', () => {
    expect(
      reviewPlanFiles([plan], recordingIo(), { outDir: tmp.dir, accepted: accepted('2026-12-31'), now: NOW }),
    ).toBe(0);
    const io = recordingIo();
    expect(reviewPlanFiles([plan], io, { outDir: tmp.dir, accepted: accepted('2026-05-31'), now: NOW })).toBe(
      1,
    );
    expect(io.err.join('')).toContain('expired on 2026-05-31: renew it with a new date or remove it');
  });

  test('a named accepted-risks file that is missing is bad input (2), with the reviewer message', () => {
    const io = recordingIo();
    const code = reviewPlanFiles([plan], io, {
      outDir: tmp.dir,
      accepted: path.join(tmp.dir, 'nope.json'),
      now: NOW,
    });
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(/^secure-lambda-review: .*nope\.json/);
  });
});
