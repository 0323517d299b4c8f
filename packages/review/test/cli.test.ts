/**
 * The real bin (`node dist/cli.js`): exit codes, --fail-on, the three formats, --out, bad input, and
 * that sensitive values never reach any output.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../src/cli';
import { buildBin, planPath, runBin } from './helpers';

let tmp: string;

beforeAll(async () => {
  await buildBin();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'review-cli-'));
}, 120_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The start of an ANSI escape sequence (colors). */
const ANSI = `${String.fromCharCode(27)}[`;

describe('exit codes', () => {
  test('0 when nothing reaches the threshold', () => {
    const result = runBin([planPath('iam-benign')]);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toContain('pass (nothing reaches high)');
  });

  test('1 when a finding reaches the threshold (default high)', () => {
    const result = runBin([planPath('iam-wildcard-action')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL (a finding reaches high)');
    expect(result.stdout).toContain('iam.wildcard-action');
  });

  test.each([
    ['logging-retention-lowered', 'high', 0],
    ['logging-retention-lowered', 'medium', 1],
    ['logging-retention-lowered', 'low', 1],
    ['logging-retention-lowered', 'none', 0],
    ['logging-retention-infinite', 'medium', 0],
    ['logging-retention-infinite', 'low', 1],
    ['lambda-alias-moved', 'low', 0],
    ['iam-wildcard-action', 'none', 0],
  ])('%s with --fail-on %s exits %i', (fixture, failOn, status) => {
    expect(runBin([planPath(fixture), '--fail-on', failOn]).status).toBe(status);
  });

  test('--fail-on=LEVEL works too', () => {
    expect(runBin([planPath('logging-retention-lowered'), '--fail-on=medium']).status).toBe(1);
  });
});

describe('bad input exits 2 with a message that says what to do', () => {
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(tmp, name);
    writeFileSync(file, text);
    return file;
  };

  test('not JSON', () => {
    const result = runBin([write('garbage.json', 'this is not json')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /garbage\.json is not JSON .*Give the output of `terraform show -json <planfile>`/,
    );
  });

  test('a binary plan file', () => {
    const result = runBin([write('tfplan', Buffer.from('PK\u0003\u0004binary'))]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'It looks like a binary plan file: convert it with `terraform show -json <planfile> > plan.json`.',
    );
  });

  test('JSON that is not a plan (a state)', () => {
    const result = runBin([
      write('state.json', JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4', values: {} })),
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('state.json is a state (no "planned_values")');
    expect(result.stderr).toContain('terraform plan -out=tfplan');
  });

  test('JSON without format_version', () => {
    const result = runBin([write('other.json', JSON.stringify({ hello: 'world' }))]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('other.json is JSON but not a plan: it has no "format_version"');
  });

  test('an unsupported format_version major', () => {
    const plan = JSON.parse(readFileSync(planPath('iam-benign'), 'utf8')) as Record<string, unknown>;
    const result = runBin([write('future.json', JSON.stringify({ ...plan, format_version: '2.0' }))]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'uses plan JSON format_version 2.0; this reviewer reads 1.x (terraform 1.x)',
    );
  });

  test('a file that does not exist', () => {
    const result = runBin([path.join(tmp, 'missing.json')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/missing\.json: it does not exist\. Run `npm run plan`/);
  });

  test('an unknown option', () => {
    const result = runBin([planPath('iam-benign'), '--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option --bogus.');
    expect(result.stderr).toContain('usage: secure-lambda-review');
  });

  test.each([
    ['--format', 'yaml', '--format must be one of text, markdown, json, sarif, not "yaml"'],
    ['--fail-on', 'critical', '--fail-on must be one of high, medium, low, none, not "critical"'],
  ])('a bad %s value', (option, value, message) => {
    const result = runBin([planPath('iam-benign'), option, value]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test('an option without its value', () => {
    const result = runBin([planPath('iam-benign'), '--out']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--out needs a value.');
  });

  test('a folder without plans', () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    const result = runBin([empty]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no plan files (*.json) in');
  });

  test('--help prints the usage and exits 0', () => {
    const result = runBin(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'exit codes: 0 nothing reaches --fail-on, 1 a finding does or an accepted risk has expired, 2 bad input',
    );
  });
});

describe('plan folders', () => {
  test('the default folder is cdktf.out/plans; stacks are named by file; review.* and non-plans are skipped', () => {
    const root = path.join(tmp, 'repo');
    const plans = path.join(root, 'cdktf.out', 'plans');
    mkdirSync(plans, { recursive: true });
    copyFileSync(planPath('iam-benign'), path.join(plans, 'stack-a.json'));
    copyFileSync(planPath('lambda-url-public'), path.join(plans, 'stack-b.json'));
    writeFileSync(path.join(plans, 'review.json'), '{"findings": []}');
    writeFileSync(path.join(plans, 'review.md'), '# old review');
    writeFileSync(path.join(plans, 'notes.json'), '{"note": true}');
    const result = runBin(['--format', 'json'], { cwd: root });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as {
      summary: { plans: { stack: string }[]; skipped: string[] };
    };
    expect(report.summary.plans.map((p) => p.stack)).toEqual(['stack-a', 'stack-b']);
    expect(report.summary.skipped).toEqual([expect.stringContaining('notes.json')]);
    expect(result.stderr).toContain('skipped cdktf.out/plans/notes.json');
  });
});

describe('formats', () => {
  test('json: findings with exactly the documented keys, and a summary', () => {
    const result = runBin([planPath('lambda-mixed'), '--format', 'json']);
    const report = JSON.parse(result.stdout) as {
      findings: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    expect(report.findings.length).toBe(5);
    for (const finding of report.findings) {
      expect(Object.keys(finding).sort()).toEqual([
        'accepted',
        'address',
        'after',
        'before',
        'message',
        'rule',
        'severity',
        'stack',
      ]);
      expect(['high', 'medium', 'low', 'info']).toContain(finding.severity);
      expect(finding.accepted).toBeNull();
      expect(finding.stack).toBe('lambda-mixed');
    }
    expect(report.findings[0]).toMatchObject({
      severity: 'high',
      rule: 'lambda.url-public',
      address: 'aws_lambda_function_url.api',
      before: 'AWS_IAM',
      after: 'NONE',
    });
    expect((report as { acceptedRisks?: unknown }).acceptedRisks).toBeNull();
    expect(report.summary).toMatchObject({
      counts: { high: 1, medium: 3, low: 0, info: 1 },
      total: 5,
      failOn: 'high',
      failed: true,
      plans: [{ stack: 'lambda-mixed', changes: { create: 0, update: 3, delete: 0, replace: 0 } }],
    });
  });

  test('markdown: a summary table and one <details> per resource with before → after', () => {
    const result = runBin([planPath('lambda-mixed'), '--format', 'markdown']);
    const md = result.stdout;
    expect(md.startsWith('## Terraform plan review\n')).toBe(true);
    expect(md).toContain('**1 high · 3 medium · 0 low · 1 info** — ❌ fails: a finding reaches `high`');
    expect(md).toContain('| stack | changes | high | medium | low | info |');
    expect(md).toContain(
      '| lambda-mixed | 0 to create, 3 to update, 0 to destroy, 0 to replace | 1 | 3 | 0 | 1 |',
    );
    expect(md.match(/<details>/g)).toHaveLength(3);
    expect(md.match(/<\/details>/g)).toHaveLength(3);
    expect(md).toContain(
      '<summary>🔴 high <code>aws_lambda_function_url.api</code> — lambda.url-public</summary>',
    );
    expect(md).toContain('before → after:');
    // The worst resource comes first.
    expect(md.indexOf('aws_lambda_function_url.api')).toBeLessThan(
      md.indexOf('<code>aws_lambda_function.api'),
    );
  });

  test('text: grouped by stack and severity, without colors when stdout is not a terminal', () => {
    const result = runBin([planPath('lambda-mixed')]);
    expect(result.stdout).not.toContain(ANSI);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'Terraform plan review: 1 plan(s), 5 finding(s): high 1, medium 3, low 0, info 1; FAIL (a finding reaches high)',
    );
    expect(lines).toContain('lambda-mixed  (0 to create, 3 to update, 0 to destroy, 0 to replace)');
    const headings = lines.filter((l) => /^ {2}[A-Z]+ \(\d+\)$/.test(l));
    expect(headings).toEqual(['  HIGH (1)', '  MEDIUM (3)', '  INFO (1)']);
  });

  test('text: colors on a terminal, none with NO_COLOR', () => {
    const output = (env: NodeJS.ProcessEnv) => {
      let text = '';
      run([planPath('lambda-mixed')], { stdout: (t) => (text += t), stderr: () => {}, isTty: true, env });
      return text;
    };
    expect(output({})).toContain(ANSI);
    expect(output({ NO_COLOR: '1' })).not.toContain(ANSI);
  });

  test('--out writes the chosen format atomically and prints the text summary', () => {
    const out = path.join(tmp, 'out', 'review.md');
    const result = runBin([planPath('lambda-mixed'), '--format', 'markdown', '--out', out]);
    expect(result.status).toBe(1);
    expect(readFileSync(out, 'utf8').startsWith('## Terraform plan review')).toBe(true);
    expect(result.stdout).toContain('Terraform plan review: 1 plan(s), 5 finding(s)');
    expect(result.stdout).toContain(`markdown report written to ${out}`);
    expect(readdirSync(path.dirname(out))).toEqual(['review.md']);
  });

  test('--out to a place that cannot be written exits 2', () => {
    const blocker = path.join(tmp, 'a-file');
    writeFileSync(blocker, 'x');
    const result = runBin([planPath('iam-benign'), '--out', path.join(blocker, 'review.md')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot write the report to');
    expect(existsSync(path.join(blocker, 'review.md'))).toBe(false);
  });
});

describe('sensitive values are never printed', () => {
  test.each(['text', 'markdown', 'json'])('a sensitive retention, --format %s', (format) => {
    const result = runBin([planPath('logging-sensitive-retention'), '--format', format]);
    expect(result.stdout).toContain('(sensitive)');
    expect(result.stdout).toContain('logging.retention-lowered');
    // The variable went from 365 to 30 days.
    expect(result.stdout).not.toMatch(/\b365\b/);
    expect(result.stdout).not.toMatch(/\b30 days\b|"30"|: 30\b/);
  });

  test.each(['text', 'markdown', 'json'])('a policy from a sensitive variable, --format %s', (format) => {
    const result = runBin([planPath('iam-sensitive-policy-widened'), '--format', format]);
    expect(result.stdout).toContain('iam.wildcard-action');
    expect(result.stdout).toContain('(sensitive)');
    expect(result.stdout).not.toContain('review-secret');
    expect(result.stdout).not.toContain('ReadSecretPrefix');
    expect(result.stdout).not.toContain('s3:*');
  });
});
