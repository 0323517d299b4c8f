/**
 * The plan command end to end on a small synthesized stack, with the real terraform and the provider from
 * the mirror: the override reaches only the work copy, the counts are terraform's, and the review runs
 * in-process on what was planned.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PlanLane, reviewFiles, runPlanCommand } from '../src';
import { put, recordingIo, tempDir } from './support';

const STACK = 'Mini-Stack';
const TERRAFORM_TIMEOUT_MS = 600_000;

/** What cdktf writes, reduced: an account guard, an S3 backend, a role and an admin policy on it. */
const CONFIG = {
  terraform: {
    required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } },
    backend: { s3: { bucket: 'state-bucket', key: 'mini.tfstate', region: 'eu-west-1' } },
  },
  provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }] },
  resource: {
    aws_iam_role: {
      role: {
        name: 'mini',
        assume_role_policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      },
    },
    aws_iam_role_policy: {
      admin: {
        name: 'admin',
        // A Terraform reference, written so it is not read as a JS placeholder.
        role: `\${aws_iam_role.role.name}`,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      },
    },
  },
};

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('plan-lane');
  put(tmp.dir, path.join('stacks', STACK, PlanLane.STACK_CONFIG_FILE), JSON.stringify(CONFIG));
});
afterAll(() => tmp.remove());

test(
  'plans offline, prints terraform counts, reviews in-process and fails on the high finding',
  async () => {
    const io = recordingIo(process.env);
    const code = await runPlanCommand(['--out', tmp.dir], io);
    const stdout = io.out.join('');
    expect({ code, stderr: io.err.join('') }).toEqual({
      code: 1,
      stderr: expect.stringContaining('plan: the security review has findings at or above high'),
    });
    expect(stdout).toMatch(new RegExp(`plan ${STACK}: 2 to add, 0 to change, 0 to destroy in [\\d.]+ s`));
    expect(stdout).toContain('plan: 1 of 1 stack(s) planned');
    expect(stdout).toContain('iam.wildcard-action');
    const plan = JSON.parse(readFileSync(path.join(tmp.dir, 'plans', `${STACK}.json`), 'utf8')) as {
      resource_changes: unknown[];
    };
    expect(plan.resource_changes).toHaveLength(2);
    expect(readFileSync(reviewFiles(tmp.dir).markdown, 'utf8')).toContain('aws_iam_role_policy.admin');
    expect(existsSync(reviewFiles(tmp.dir).sarif)).toBe(true);
    // cdktf deploy runs terraform in the stack folder: the plan lane's override must never reach it.
    expect(readdirSync(path.join(tmp.dir, 'stacks', STACK))).toEqual([PlanLane.STACK_CONFIG_FILE]);
    expect(existsSync(path.join(tmp.dir, PlanLane.WORK_DIR, STACK, PlanLane.OVERRIDE_FILE))).toBe(true);
  },
  TERRAFORM_TIMEOUT_MS,
);

test(
  '--no-review plans only and removes the earlier reports, so they are not mistaken for this run',
  async () => {
    const io = recordingIo(process.env);
    expect(await runPlanCommand(['--out', tmp.dir, '--no-review', STACK], io)).toBe(0);
    expect(io.out.join('')).not.toContain('iam.wildcard-action');
    expect(existsSync(reviewFiles(tmp.dir).markdown)).toBe(false);
    expect(existsSync(reviewFiles(tmp.dir).sarif)).toBe(false);
  },
  TERRAFORM_TIMEOUT_MS,
);

test('an unknown stack name exits 2 and names the stacks there are', async () => {
  const io = recordingIo(process.env);
  expect(await runPlanCommand(['--out', tmp.dir, 'secure-lambda-nope'], io)).toBe(2);
  expect(io.err.join('')).toContain(`secure-lambda-nope: not synthesized; the stacks in`);
  expect(io.err.join('')).toContain(`are ${STACK}.`);
});
