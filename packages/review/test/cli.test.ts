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

/** `YYYY-MM-DD` (UTC) `days` from now: the bin reads the real clock. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('accepted risks', () => {
  const urlEntry = {
    rule: 'lambda.url-public',
    address: 'aws_lambda_function_url.api',
    reason: 'Public webhook; the handler verifies an HMAC signature',
    owner: '@org/payments',
  };
  /** A folder like a repository root: the plan in cdktf.out/plans and the accepted-risks file. */
  const repo = (accepted: readonly object[] | string) => {
    const root = mkdtempSync(path.join(tmp, 'Accepted-Repo-'));
    const plans = path.join(root, 'cdktf.out', 'plans');
    mkdirSync(plans, { recursive: true });
    copyFileSync(planPath('lambda-mixed'), path.join(plans, 'lambda-mixed.json'));
    writeFileSync(
      path.join(root, '.secure-lambda-review.json'),
      typeof accepted === 'string' ? accepted : JSON.stringify({ version: 1, accepted }),
    );
    return root;
  };

  test('the default file accepts the only high finding: exit 0, the finding still shown as accepted', () => {
    const root = repo([{ ...urlEntry, expires: day(30) }]);
    const result = runBin([], { cwd: root });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('5 finding(s) (1 accepted)');
    expect(result.stdout).toContain('pass (nothing reaches high)');
    expect(result.stdout).toMatch(/lambda\.url-public {2}aws_lambda_function_url\.api {2}\[accepted\]/);
    expect(result.stdout).toContain(`accepted by @org/payments until ${day(30)}: Public webhook`);
    const json = JSON.parse(runBin(['--format', 'json'], { cwd: root }).stdout) as {
      findings: { rule: string; accepted: unknown }[];
      acceptedRisks: { accepted: number; expired: unknown[]; stale: unknown[] };
    };
    expect(json.findings.find((f) => f.rule === 'lambda.url-public')?.accepted).toEqual({
      reason: urlEntry.reason,
      owner: urlEntry.owner,
      expires: day(30),
    });
    expect(json.acceptedRisks).toMatchObject({ accepted: 1, expired: [], stale: [] });
    const md = runBin(['--format', 'markdown'], { cwd: root }).stdout;
    expect(md).toContain('✅ **accepted** by @&#8203;org/payments');
    expect(md).toContain('✅ passes: nothing reaches `high`');
  });

  test('accepted findings still fail a lower threshold they are not accepted for', () => {
    const root = repo([{ ...urlEntry, expires: day(30) }]);
    expect(runBin(['--fail-on', 'medium'], { cwd: root }).status).toBe(1);
  });

  test('an expired entry fails the review and names the entry', () => {
    const root = repo([{ ...urlEntry, expires: day(-1) }]);
    const result = runBin([], { cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `accepted risk accepted[0] (lambda.url-public on aws_lambda_function_url.api, owner @org/payments) in .secure-lambda-review.json expired on ${day(-1)}: renew it with a new date or remove it`,
    );
    expect(result.stdout).toContain('EXPIRED accepted[0] lambda.url-public on aws_lambda_function_url.api');
    expect(result.stdout).not.toContain('[accepted]');
  });

  test('an expired entry fails even when what it covered is accepted otherwise or gone', () => {
    const root = repo([
      { ...urlEntry, expires: day(30) },
      { ...urlEntry, address: 'aws_lambda_function_url.old', expires: day(-3) },
    ]);
    const result = runBin([], { cwd: root });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL (an accepted risk has expired)');
  });

  test('a stale entry is a warning, not a failure', () => {
    const root = repo([
      { ...urlEntry, expires: day(30) },
      { ...urlEntry, address: 'aws_lambda_function_url.gone', expires: day(30) },
    ]);
    const result = runBin([], { cwd: root });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      'warning: accepted risk accepted[1] (lambda.url-public on aws_lambda_function_url.gone) in .secure-lambda-review.json matches no finding: remove it',
    );
  });

  test('an invalid file is bad input (exit 2) with every problem listed', () => {
    const root = repo([{ ...urlEntry, rule: 'lambda.url-open', expires: 'soon' }]);
    const result = runBin([], { cwd: root });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('.secure-lambda-review.json is not a valid accepted-risks file:');
    expect(result.stderr).toContain('accepted[0].rule "lambda.url-open" is not a rule id');
    expect(result.stderr).toContain('accepted[0].expires "soon" is not a date: write YYYY-MM-DD');
  });

  test('--accepted FILE is read instead of the default; a missing one is an error', () => {
    const root = repo('{ "this is": "not read" ');
    const other = path.join(root, 'risks.json');
    writeFileSync(other, JSON.stringify({ version: 1, accepted: [{ ...urlEntry, expires: day(30) }] }));
    expect(runBin(['--accepted', other], { cwd: root }).status).toBe(0);
    const missing = runBin(['--accepted', path.join(root, 'nope.json')], { cwd: root });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read the accepted-risks file');
  });

  test('--format sarif: accepted findings are suppressed, the file location is relative to the working directory', () => {
    const root = repo([{ ...urlEntry, expires: day(30) }]);
    const result = runBin(['--format', 'sarif'], { cwd: root });
    expect(result.status).toBe(0);
    const log = JSON.parse(result.stdout) as {
      version: string;
      runs: {
        results: {
          ruleId: string;
          suppressions?: unknown[];
          locations: { physicalLocation: { artifactLocation: unknown } }[];
        }[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    const url = log.runs[0]?.results.find((r) => r.ruleId === 'lambda.url-public');
    expect(url?.suppressions).toHaveLength(1);
    expect(url?.locations[0]?.physicalLocation.artifactLocation).toEqual({
      uri: 'cdktf.out/plans/lambda-mixed.json',
      uriBaseId: '%SRCROOT%',
    });
  });
});

describe('--sarif FILE', () => {
  test('writes SARIF beside the --out report in the same run', () => {
    const out = path.join(tmp, 'both', 'review.md');
    const sarif = path.join(tmp, 'both', 'review.sarif');
    const result = runBin([planPath('lambda-mixed'), '--format', 'markdown', '--out', out, '--sarif', sarif]);
    expect(result.status).toBe(1);
    expect(readFileSync(out, 'utf8').startsWith('## Terraform plan review')).toBe(true);
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: unknown[] }[] };
    expect(log.runs[0]?.results).toHaveLength(5);
    expect(result.stdout).toContain(`sarif report written to ${sarif}`);
    expect(readdirSync(path.dirname(out)).sort()).toEqual(['review.md', 'review.sarif']);
  });
});

describe('[TM-REVIEW-01] a hostile plan file name cannot forge the terminal', () => {
  test('[TM-REVIEW-01] a stack (file) name with ESC and bidi characters is printed escaped by the bin', () => {
    const dir = mkdtempSync(path.join(tmp, 'hostile-'));
    const name = `evil\u001b[2K\u001b[1A\u202e.json`;
    copyFileSync(planPath('lambda-mixed'), path.join(dir, name));
    writeFileSync(path.join(dir, `note\u001b]0;owned\u0007.json`), '{"note": true}');
    const result = runBin([dir]);
    expect(result.status).toBe(1);
    for (const stream of [result.stdout, result.stderr]) {
      expect(stream).not.toContain(String.fromCharCode(0x1b));
      expect(stream).not.toContain(String.fromCharCode(0x202e));
      expect(stream).not.toContain(String.fromCharCode(0x07));
    }
    expect(result.stdout).toContain('evil\\u001b[2K\\u001b[1A\\u202e');
    expect(result.stderr).toContain('note\\u001b]0;owned\\u0007.json');
  });
});
