/**
 * The workspace's command-line tools are on the path after `npm ci && npm run build`: `npx secure-lambda`,
 * `npx secure-lambda-review`, `npx secure-lambda-local`.
 *
 * npm links a workspace's `bin` only if its target exists at install time, and `dist/` never does after
 * a fresh `npm ci`. So each bin is a small committed shim that loads `dist/cli.js`, and says to build
 * when it is missing. Checked three ways: the rule on every package.json; a real clean install of the
 * bins' packages into a scratch workspace (no dist there: the "before build" case); and the real
 * workspace after its build.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../src/synth';

interface Workspace {
  readonly dir: string;
  readonly name: string;
  readonly bin: Readonly<Record<string, string>>;
  readonly manifest: Record<string, unknown>;
}

function workspaces(): Workspace[] {
  const root = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  const dirs = root.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return execFileSync('git', ['ls-files', '--', `${parent}/*/package.json`], {
      cwd: repoRoot,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file.split('/').length === 3)
      .map((file) => path.dirname(file));
  });
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8'));
    return { dir, name: manifest.name, bin: manifest.bin ?? {}, manifest };
  });
}

const withBins = () => workspaces().filter((w) => Object.keys(w.bin).length > 0);

function tracked(file: string): boolean {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', '--', file], { cwd: repoRoot, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The tools this change puts on the path, with a call each that its own CLI answers without AWS. */
const EXPECTED: Readonly<Record<string, { args: string[]; code: number; output: RegExp }>> = {
  'secure-lambda': {
    args: [],
    code: 2,
    output: /a command is required[\s\S]*usage:\s+secure-lambda release/,
  },
  'secure-lambda-review': { args: ['--help'], code: 0, output: /secure-lambda-review/ },
  'secure-lambda-local': { args: ['--help'], code: 0, output: /usage: secure-lambda-local/ },
  'secure-lambda-new-function': {
    args: [],
    code: 2,
    output: /give one function name and --trigger[\s\S]*usage: npm run new:function/,
  },
};

describe('bins after npm ci', () => {
  it('[linking rule] every bin of every workspace is a file in git, outside dist/', () => {
    const bins = withBins().flatMap((w) =>
      Object.entries(w.bin).map(([name, target]) => {
        const file = path.posix.join(w.dir, target);
        return {
          name,
          file,
          inDist: /(^|\/)dist\//.test(path.posix.normalize(target)),
          tracked: tracked(file),
        };
      }),
    );
    expect(bins.map((b) => b.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(bins.filter((b) => b.inDist || !b.tracked)).toEqual([]);
  });

  it('a clean install links every bin, and a bin whose package is not built says to run npm run build (exit 2)', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), `Bins-${Math.random().toString(36).slice(2, 8)}-`));
    try {
      // A workspace with the bins' packages as a fresh checkout has them: package.json (without its
      // dependencies, so the install is offline and quick) and the files git tracks, never dist/.
      const packages = withBins();
      writeFileSync(
        path.join(scratch, 'package.json'),
        JSON.stringify({ name: 'bins-probe', private: true, workspaces: packages.map((w) => w.dir) }),
      );
      for (const w of packages) {
        mkdirSync(path.join(scratch, w.dir), { recursive: true });
        const { dependencies: _d, devDependencies: _dd, scripts: _s, ...manifest } = w.manifest;
        writeFileSync(path.join(scratch, w.dir, 'package.json'), JSON.stringify(manifest));
        for (const target of Object.values(w.bin)) {
          const file = path.join(w.dir, target);
          if (tracked(file)) cpSync(path.join(repoRoot, file), path.join(scratch, file));
        }
      }
      // `npm ci` installs from a lock file: a first install writes it, then `npm ci` installs afresh.
      const flags = ['--offline', '--ignore-scripts', '--no-audit', '--no-fund'];
      expect(await run('npm', ['install', ...flags], scratch)).toMatchObject({ code: 0 });
      rmSync(path.join(scratch, 'node_modules'), { recursive: true, force: true });
      expect(await run('npm', ['ci', ...flags], scratch)).toMatchObject({ code: 0 });
      for (const [name, expected] of Object.entries(EXPECTED)) {
        const link = path.join(scratch, 'node_modules', '.bin', name);
        expect({ name, linked: existsSync(link) }).toEqual({ name, linked: true });
        const result = await run('npx', ['--no-install', name, ...expected.args], scratch);
        expect({ name, code: result.code }).toEqual({ name, code: 2 });
        expect(result.stderr).toContain(`${name}: `);
        expect(result.stderr).toMatch(/dist\/cli\.js is not built yet\. Run `npm run build`/);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it.each(Object.entries(EXPECTED))(
    'after the build, npx %s runs the built CLI through its shim',
    async (name, expected) => {
      const link = path.join(repoRoot, 'node_modules', '.bin', name);
      const owner = withBins().find((w) => name in w.bin) as Workspace;
      expect(realpathSync(link)).toBe(
        realpathSync(path.join(repoRoot, owner.dir, owner.bin[name] as string)),
      );
      const result = await run('npx', ['--no-install', name, ...expected.args], repoRoot);
      expect({ name, code: result.code }).toEqual({ name, code: expected.code });
      expect(`${result.stdout}${result.stderr}`).toMatch(expected.output);
      expect(result.stderr).not.toContain('is not built yet');
    },
  );
});
