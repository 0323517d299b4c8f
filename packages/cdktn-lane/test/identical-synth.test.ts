/**
 * The lane off the archived framework: every stack synthesized with CDK Terrain (`cdktn` 0.24, the maintained
 * fork of cdktf) must be the Terraform JSON that cdktf 0.21 synthesizes, byte for byte once keys are sorted.
 * The app, the constructs and the prebuilt provider (@cdktf/provider-aws 20.1.0) are the same files; only the
 * core package changes, through `src/alias-cdktn.cjs`. The one field allowed to differ is the version each
 * framework stamps in the `//` comment block, and it must name each framework's own version.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canonicalJson, withVersionStamp } from '../src/canonical-json';

const LANE_DIR = path.resolve(__dirname, '..');
const ALIAS = path.join(LANE_DIR, 'src', 'alias-cdktn.cjs');
const STACKS_DIR = path.dirname(require.resolve('@secure-lambda/stacks/package.json'));
/** The cdktf the stacks load (resolved from them, as their synth does). */
const CDKTF_VERSION = (
  createRequire(path.join(STACKS_DIR, 'package.json'))('cdktf/package.json') as { version: string }
).version;
const CDKTN_VERSION = (
  JSON.parse(readFileSync(path.join(LANE_DIR, 'node_modules', 'cdktn', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

type Framework = 'cdktf' | 'cdktn';

const work = mkdtempSync(path.join(tmpdir(), 'cdktn-lane-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs one of the stacks' cdktf apps (`main.js`: every stack `npm run synth` writes; `local-main.js`: the local stack). */
function synth(framework: Framework, app: 'main' | 'local-main'): string {
  const outdir = path.join(work, `${framework}-${app}`);
  const trace = path.join(work, `${framework}-${app}.trace`);
  const script = path.join(STACKS_DIR, 'dist', `${app}.js`);
  const run = spawnSync(
    process.execPath,
    [
      ...(framework === 'cdktn' ? ['--require', ALIAS] : []),
      script,
      ...(app === 'local-main' ? [outdir] : []),
    ],
    {
      cwd: path.resolve(STACKS_DIR, '..'),
      env: { ...process.env, CDKTF_OUTDIR: outdir, SECURE_LAMBDA_CDKTN_TRACE: trace },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.status !== 0) throw new Error(`${framework} synth of ${app} failed:\n${run.stderr.slice(-3000)}`);
  if (framework === 'cdktn') {
    // The alias was used: cdktf never loaded, cdktn did.
    const resolved = readFileSync(trace, 'utf8');
    expect(resolved).toContain('cdktf -> node_modules/cdktn/');
    expect(resolved).not.toMatch(/-> .*node_modules\/cdktf\//);
  }
  return outdir;
}

function stacksIn(outdir: string): string[] {
  const dir = path.join(outdir, 'stacks');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((s) => existsSync(path.join(dir, s, 'cdk.tf.json')))
        .sort()
    : [];
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe.each(['main', 'local-main'] as const)('stacks/dist/%s.js', (app) => {
  let cdktfOut: string;
  let cdktnOut: string;

  beforeAll(() => {
    cdktfOut = synth('cdktf', app);
    cdktnOut = synth('cdktn', app);
  }, 300_000);

  test('cdktn synthesizes the same stacks', () => {
    expect(stacksIn(cdktfOut).length).toBeGreaterThan(0);
    expect(stacksIn(cdktnOut)).toEqual(stacksIn(cdktfOut));
  });

  test('every stack is the same Terraform JSON, byte for byte after sorting keys', () => {
    const lines: string[] = [];
    for (const stack of stacksIn(cdktfOut)) {
      const read = (out: string) => readFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8');
      const fromCdktf = withVersionStamp(read(cdktfOut), 'framework');
      const fromCdktn = withVersionStamp(read(cdktnOut), 'framework');
      expect({ stack, cdktf: fromCdktf.version, cdktn: fromCdktn.version }).toEqual({
        stack,
        cdktf: CDKTF_VERSION,
        cdktn: CDKTN_VERSION,
      });
      const a = canonicalJson(fromCdktf.text);
      const b = canonicalJson(fromCdktn.text);
      expect({ stack, identical: a === b }).toEqual({ stack, identical: true });
      lines.push(`${stack}: identical (${a.length} bytes canonical, sha256 ${sha(a)}…)`);
    }
    process.stdout.write(
      `cdktn lane (${app}): cdktf ${CDKTF_VERSION} vs cdktn ${CDKTN_VERSION}, @cdktf/provider-aws 20.1.0\n  ${lines.join('\n  ')}\n`,
    );
  });
});
