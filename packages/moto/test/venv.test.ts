import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRepoRoot, resolveVenvDir } from '../lib/python-env.cjs';
import { locateMotoInstall, MotoErrorCode, MotoNotInstalledError } from '../src/index';

const REPO_ROOT = findRepoRoot(__dirname) as string;
const SCRIPT = path.join(__dirname, '..', 'lib', 'setup-python.mjs');

async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe('where the virtualenv is (one rule for the setup script and the moto package)', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'Moto-Venv '));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds the project virtualenv with moto_server in it', async () => {
    const install = await withEnv('SECURE_LAMBDA_VENV', undefined, () => locateMotoInstall(undefined));
    expect(install.venvDir).toBe(resolveVenvDir(REPO_ROOT, {}).venvDir);
    expect(install.python).toBe(path.join(install.venvDir, 'bin', 'python'));
    expect(install.motoServer).toBe(path.join(install.venvDir, 'bin', 'moto_server'));
  });

  it('the setup script and locateMotoInstall resolve a relative SECURE_LAMBDA_VENV to the same folder', async () => {
    // A non-empty folder that is not a virtualenv: the script refuses it by name and touches nothing.
    const target = path.join(scratch, 'Not A Venv');
    mkdirSync(target);
    writeFileSync(path.join(target, 'precious.txt'), 'keep me');
    const relative = path.relative(REPO_ROOT, target);
    const script = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [SCRIPT],
        { cwd: scratch, env: { ...process.env, SECURE_LAMBDA_VENV: relative } },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
    expect(script.code).toBe(1);
    expect(script.stderr).toContain(`${target} exists, is not empty and is not a virtualenv`);
    expect(readFileSync(path.join(target, 'precious.txt'), 'utf8')).toBe('keep me');

    const error = await withEnv('SECURE_LAMBDA_VENV', relative, () => locateMotoInstall(undefined)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MotoNotInstalledError);
    expect(error).toMatchObject({ code: MotoErrorCode.MOTO_NOT_INSTALLED, venvDir: target });
    expect((error as Error).message).toContain('virtualenv from SECURE_LAMBDA_VENV');
  });

  it('an explicit venvDir wins over SECURE_LAMBDA_VENV, and a missing install says how to make one', async () => {
    const error = await withEnv('SECURE_LAMBDA_VENV', '/nonexistent', () => locateMotoInstall(scratch)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'MOTO_NOT_INSTALLED', venvDir: scratch });
    expect((error as Error).message).toMatch(
      /virtualenv from the venvDir option.*Run `npm run setup:python`/s,
    );
  });

  it('the setup script can load the rule before any build: it imports only the plain-CommonJS subpath', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(manifest.exports['./python-env'].default).toBe('./lib/python-env.cjs');
    // Everything it imports besides Node's own modules: only the plain-CommonJS rule beside it, no dist/.
    const imports = [...readFileSync(SCRIPT, 'utf8').matchAll(/from '([^']+)'/g)]
      .map((m) => m[1])
      .filter((specifier) => !specifier?.startsWith('node:'));
    expect(imports).toEqual(['./python-env.cjs']);
    // The root entry point only loads this package's subpath (scripts/ holds no code of its own).
    expect(manifest.exports['./setup-python']).toBe('./lib/setup-python.mjs');
  });
});
