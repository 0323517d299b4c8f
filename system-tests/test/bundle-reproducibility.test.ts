import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/terraform-json';

/**
 * Two builds of each app, in two checkouts at different paths, give byte-identical zips, so Terraform
 * sees the same hash and publishes a new version only when the code really changes.
 */
const apps = readdirSync(path.join(REPO_ROOT, 'apps')).filter((a) =>
  existsSync(path.join(REPO_ROOT, 'apps', a, 'src', 'index.ts')),
);

function bundle(appDir: string): Buffer {
  const run = spawnSync(process.execPath, [path.join(appDir, '..', '..', 'scripts', 'bundle-app.mjs')], {
    cwd: appDir,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`bundling ${appDir} failed: ${run.stderr}`);
  const name = path.basename(appDir);
  return readFileSync(path.join(appDir, 'dist', `${name}.zip`));
}

/** A second checkout elsewhere: the app's sources and the scripts, with the same installed packages. */
function secondCheckout(app: string): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'checkout-')), 'somewhere', 'else');
  const appDir = path.join(root, 'apps', app);
  mkdirSync(appDir, { recursive: true });
  for (const entry of ['package.json', 'tsconfig.json', 'src']) {
    cpSync(path.join(REPO_ROOT, 'apps', app, entry), path.join(appDir, entry), { recursive: true });
  }
  cpSync(path.join(REPO_ROOT, 'scripts'), path.join(root, 'scripts'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'tsconfig.base.json'), path.join(root, 'tsconfig.base.json'));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  // npm nests an app's own versions where they differ from the root's (zod 4 beside cdktf's zod 3).
  const nested = path.join(REPO_ROOT, 'apps', app, 'node_modules');
  if (existsSync(nested)) symlinkSync(nested, path.join(appDir, 'node_modules'), 'dir');
  return appDir;
}

describe.each(apps.map((a) => [a] as const))('%s bundle', (app) => {
  test('is byte-identical across builds and checkouts, with sorted entries, fixed times and modes', () => {
    const first = bundle(path.join(REPO_ROOT, 'apps', app));
    const again = bundle(path.join(REPO_ROOT, 'apps', app));
    const elsewhere = secondCheckout(app);
    try {
      const other = bundle(elsewhere);
      expect(again.equals(first)).toBe(true);
      expect(other.equals(first)).toBe(true);
    } finally {
      rmSync(path.resolve(elsewhere, '..', '..', '..', '..'), { recursive: true, force: true });
    }
    const listing = spawnSync(
      'unzip',
      ['-Z', '-T', path.join(REPO_ROOT, 'apps', app, 'dist', `${app}.zip`)],
      { encoding: 'utf8' },
    );
    const lines = listing.stdout.split('\n').filter((l) => / index\.js/.test(l));
    expect(lines.map((l) => l.trim().split(/\s+/).pop())).toEqual(['index.js', 'index.js.map']);
    for (const line of lines) {
      expect(line.startsWith('-rw-r--r--')).toBe(true);
      expect(line).toContain('19800101.000000');
    }
  });
});
