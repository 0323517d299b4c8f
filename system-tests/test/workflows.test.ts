/**
 * The GitHub Actions workflows (.github/): actionlint (with shellcheck on the `run:` scripts), zizmor's security
 * audit offline (template injection, unpinned actions, persisted checkout credentials, excessive permissions,
 * cache poisoning, ...), shellcheck on the scripts the workflows call, and every `uses:` pinned to a full commit
 * SHA. The tools come from the project virtualenv (requirements.txt, `npm run setup:python`); any finding fails.
 * Each tool is also run on a workflow written to be wrong, so a tool that stopped finding anything fails too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/terraform-json';
import { filesUnder, unpinnedUses } from '../src/workflows';

const GITHUB_DIR = path.join(REPO_ROOT, '.github');
const VENV = path.resolve(REPO_ROOT, process.env.SECURE_LAMBDA_VENV ?? '.venv');
const BIN = path.join(VENV, 'bin');
const TOOL_TIMEOUT_MS = 120_000;

/** Runs a tool of the virtualenv with the virtualenv first on PATH (actionlint finds shellcheck there). */
function tool(name: string, args: readonly string[], cwd: string) {
  const result = spawnSync(path.join(BIN, name), [...args], {
    cwd,
    encoding: 'utf8',
    timeout: TOOL_TIMEOUT_MS,
    env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' },
  });
  if (result.error) {
    throw new Error(
      `${name} did not run (${result.error.message}): run \`npm run setup:python\` (requirements.txt pins it).`,
    );
  }
  return { code: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const workflowFiles = filesUnder(GITHUB_DIR, /\.ya?ml$/);

test('the workflows and the shared setup action exist', () => {
  const names = workflowFiles.map((f) => path.relative(REPO_ROOT, f));
  expect(names).toEqual(
    expect.arrayContaining([
      '.github/workflows/pull-request.yml',
      '.github/workflows/main.yml',
      '.github/actions/setup/action.yml',
    ]),
  );
});

test('actionlint (with shellcheck) finds nothing', () => {
  const { code, output } = tool('actionlint', ['-no-color'], REPO_ROOT);
  console.log(
    `actionlint ${tool('actionlint', ['-version'], REPO_ROOT).output.split('\n')[0]}: exit ${code}${output ? `\n${output}` : ', no findings'}`,
  );
  expect({ code, output }).toEqual({ code: 0, output: '' });
});

test('zizmor --offline finds nothing', () => {
  const { code, output } = tool('zizmor', ['--offline', '--no-progress', '.github'], REPO_ROOT);
  const summary = output.split('\n').filter((l) => !/^\s*INFO /.test(l));
  console.log(`zizmor --offline .github: exit ${code}\n${summary.join('\n')}`);
  expect(code).toBe(0);
  expect(output).toMatch(/No findings to report/);
});

test('shellcheck finds nothing in the scripts the workflows run', () => {
  const scripts = filesUnder(path.join(GITHUB_DIR, 'scripts'), /\.sh$/);
  expect(scripts.length).toBeGreaterThanOrEqual(2);
  expect(tool('shellcheck', scripts, REPO_ROOT)).toEqual({ code: 0, output: '' });
});

test('every action is pinned to a full commit SHA with its version in a comment', () => {
  const unpinned = workflowFiles.flatMap((f) =>
    unpinnedUses(readFileSync(f, 'utf8')).map((u) => `${path.relative(REPO_ROOT, f)}: ${u}`),
  );
  const pinned = workflowFiles.flatMap((f) => [
    ...readFileSync(f, 'utf8').matchAll(/uses:\s*[\w.-]+\/\S+@[0-9a-f]{40}/g),
  ]);
  expect(pinned.length).toBeGreaterThanOrEqual(10);
  expect(unpinned).toEqual([]);
});

test('the pin check rejects tags, branches, short SHAs and SHAs without their version', () => {
  const text = [
    '      - uses: actions/checkout@v7',
    '      - uses: actions/checkout@main',
    '        uses: actions/checkout@3d3c42e',
    '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
    '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
    '      - uses: $/.github/actions/setup',
    '      - uses: ./.github/actions/setup',
  ].join('\n');
  expect(unpinnedUses(text)).toHaveLength(4);
});

describe('the tools find what they are there to find', () => {
  let dir = '';
  beforeAll(() => {
    // actionlint needs a git work tree; the planted workflow lives in a scratch repository.
    dir = mkdtempSync(path.join(os.tmpdir(), 'workflows-test-'));
    spawnSync('git', ['init', '-q', dir]);
    mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      path.join(dir, '.github', 'workflows', 'bad.yml'),
      [
        'name: bad',
        'on: pull_request_target',
        'jobs:',
        '  comment:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - uses: actions/checkout@v4',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the planted GitHub expression is the point
        '      - run: echo "${{ github.event.pull_request.title }}" && echo $UNQUOTED',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('actionlint reports the untrusted title in a script and shellcheck the unquoted variable', () => {
    const { code, output } = tool('actionlint', ['-no-color'], dir);
    expect(code).toBe(1);
    expect(output).toMatch(/github\.event\.pull_request\.title.*potentially untrusted/);
    expect(output).toMatch(/shellcheck reported issue/);
  });

  test('zizmor reports template injection, the unpinned action and the persisted credentials', () => {
    const { code, output } = tool('zizmor', ['--offline', '--no-progress', '.github'], dir);
    expect(code).not.toBe(0);
    for (const audit of ['template-injection', 'unpinned-uses', 'artipacked', 'dangerous-triggers']) {
      expect(output).toContain(`[${audit}]`);
    }
  });
});
