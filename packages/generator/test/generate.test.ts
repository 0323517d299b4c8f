import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseFunctionDeclaration } from '@secure-lambda/contracts/functions';
import { main } from '../src/cli';
import { GeneratorError, GeneratorErrorCode } from '../src/errors';
import { generateFunction, pinnedVersions } from '../src/generate';
import { TRIGGER_LIBRARIES } from '../src/templates';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'Secure-Lambda-Gen-'));
});
afterEach(() => {
  chmodSync(root, 0o755);
  if (existsSync(path.join(root, 'apps'))) chmodSync(path.join(root, 'apps'), 0o755);
  rmSync(root, { recursive: true, force: true });
});

function failure(name: string, trigger: string): GeneratorError {
  try {
    generateFunction({ root, name, trigger });
  } catch (error) {
    if (error instanceof GeneratorError) return error;
    throw error;
  }
  throw new Error('expected a GeneratorError');
}

test.each(['s3', 'url', 'sqs', 'schedule'])(
  '%s: the app, its declaration and tests, with pinned dependencies',
  (trigger) => {
    const files = generateFunction({ root, name: 'orders', trigger });
    expect(files.sort()).toEqual(
      [
        'README.md',
        'function.ts',
        'jest.config.cjs',
        'package.json',
        'src/handler.ts',
        'src/index.ts',
        'test/bundle.test.ts',
        'test/handler.test.ts',
        'tsconfig.json',
      ].map((f) => `apps/orders/${f}`),
    );
    const manifest = JSON.parse(readFileSync(path.join(root, 'apps/orders/package.json'), 'utf8'));
    expect(manifest.name).toBe('@secure-lambda/orders');
    for (const [pkg, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      if (!pkg.startsWith('@secure-lambda/')) expect(version).toBe(pinnedVersions()[pkg]);
    }
    for (const library of TRIGGER_LIBRARIES[trigger as keyof typeof TRIGGER_LIBRARIES]) {
      expect(Object.keys(manifest.dependencies)).toContain(library);
    }
    // The declaration is one the stacks accept (the object literal, read without running TypeScript).
    const text = readFileSync(path.join(root, 'apps/orders/function.ts'), 'utf8');
    const literal = text.slice(
      text.indexOf('defineFunction(') + 'defineFunction('.length,
      text.lastIndexOf(');'),
    );
    const declaration = parseFunctionDeclaration('function.ts', new Function(`return (${literal});`)());
    expect(declaration).toMatchObject({ name: 'orders', trigger: { type: trigger } });
    expect(readdirSync(path.join(root, 'apps'))).toEqual(['orders']);
  },
);

test('pinned versions are the ones this repository installs', () => {
  for (const [pkg, version] of Object.entries(pinnedVersions())) {
    // Not require.resolve: several packages do not export their package.json.
    let dir = __dirname;
    while (!existsSync(path.join(dir, 'node_modules', pkg, 'package.json'))) dir = path.dirname(dir);
    const installed = JSON.parse(readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8'));
    expect(`${pkg}@${installed.version}`).toBe(`${pkg}@${version}`);
  }
});

test('bad names, reserved names, unknown triggers and existing apps are typed errors; nothing is written', () => {
  expect(failure('Orders', 's3').code).toBe(GeneratorErrorCode.INVALID_NAME);
  expect(failure('../evil', 's3').code).toBe(GeneratorErrorCode.INVALID_NAME);
  expect(failure('a'.repeat(41), 's3').code).toBe(GeneratorErrorCode.INVALID_NAME);
  expect(failure('deployment-hook', 's3').message).toMatch(/reserved by the platform/);
  expect(failure('orders', 'http').message).toMatch(/use --trigger s3\|url\|sqs\|schedule/);
  expect(existsSync(path.join(root, 'apps'))).toBe(false);
  generateFunction({ root, name: 'orders', trigger: 'url' });
  const error = failure('orders', 's3');
  expect(error.code).toBe(GeneratorErrorCode.NAME_TAKEN);
  expect(JSON.parse(readFileSync(path.join(root, 'apps/orders/package.json'), 'utf8')).description).toMatch(
    /url/,
  );
});

test('a write that fails leaves nothing behind: no app, no staging folder', () => {
  mkdirSync(path.join(root, 'apps'));
  chmodSync(path.join(root, 'apps'), 0o555);
  if (process.getuid?.() === 0) {
    // root ignores directory permissions: fail the write another way (a file where apps/ should be).
    chmodSync(path.join(root, 'apps'), 0o755);
    rmSync(path.join(root, 'apps'), { recursive: true });
    require('node:fs').writeFileSync(path.join(root, 'apps'), 'not a folder');
  }
  const error = failure('orders', 's3');
  expect(error.code).toBe(GeneratorErrorCode.WRITE_FAILED);
  expect(error.message).toMatch(/nothing was created/);
  const apps = path.join(root, 'apps');
  const left = require('node:fs').statSync(apps).isDirectory() ? readdirSync(apps) : [];
  expect(left).toEqual([]);
});

test('the CLI: usage errors exit 2 and write nothing; success prints the files', () => {
  const errors: string[] = [];
  const logs: string[] = [];
  jest.spyOn(console, 'error').mockImplementation((m: string) => errors.push(m));
  jest.spyOn(console, 'log').mockImplementation((m: string) => logs.push(m));
  expect(main(['orders'], root)).toBe(2);
  expect(main(['orders', '--trigger', 's3', '--bogus'], root)).toBe(2);
  expect(main(['Bad', '--trigger', 's3', '--no-install'], root)).toBe(2);
  expect(errors.join('\n')).toMatch(/usage: npm run new:function/);
  expect(existsSync(path.join(root, 'apps'))).toBe(false);
  expect(main(['orders', '--trigger', 'sqs', '--no-install'], root)).toBe(0);
  expect(logs.join('\n')).toMatch(/created apps\/orders \(sqs trigger\)/);
});
