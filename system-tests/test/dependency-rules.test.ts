/**
 * The rules of the package graph, checked on the real tree (and, so that a green run means something, on
 * planted violations): the release CLI reaches none of the local deployment tool, the stacks, cdktf or the
 * test kit at run time; the contracts depend on nothing; and no workspace imports another's files by path.
 * Anyone can run the same check by hand: `npm ls --all --workspaces --omit=dev`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  forbiddenPaths,
  listWorkspaces,
  type NpmLsNode,
  npmRuntimeTree,
  pathImports,
} from '../src/dependency-rules';
import { repoRoot } from '../src/synth';

/**
 * What `secure-lambda release` must never load: it talks to AWS through the SDK and reads the contracts;
 * the deployment tooling (terraform, cdktf, the emulator and the test kit) is for other commands.
 */
const NOT_FOR_THE_CLI = (name: string) =>
  [
    '@secure-lambda/local-aws',
    '@secure-lambda/stacks',
    '@secure-lambda/testkit',
    '@secure-lambda/moto',
    '@secure-lambda/constructs',
    'cdktf',
    'constructs',
  ].includes(name) || name.startsWith('@cdktf/');

describe('runtime dependencies (npm ls --all --workspaces --omit=dev)', () => {
  let tree: NpmLsNode;
  beforeAll(() => {
    tree = npmRuntimeTree(repoRoot);
  });

  test('@secure-lambda/cli has no runtime path to local-aws, stacks, cdktf, the test kit or the emulator', () => {
    expect(Object.keys(tree.dependencies?.['@secure-lambda/cli']?.dependencies ?? {})).toContain(
      '@secure-lambda/contracts',
    );
    expect(forbiddenPaths(tree, '@secure-lambda/cli', NOT_FOR_THE_CLI)).toEqual([]);
  });

  test('@secure-lambda/contracts depends on nothing', () => {
    expect(tree.dependencies?.['@secure-lambda/contracts']).toBeDefined();
    expect(forbiddenPaths(tree, '@secure-lambda/contracts', () => true)).toEqual([]);
  });

  test('the check sees a path through a deduplicated package (a planted tree)', () => {
    const planted: NpmLsNode = {
      dependencies: {
        '@secure-lambda/local-aws': { version: '1', dependencies: { cdktf: { version: '0.21.0' } } },
        '@secure-lambda/cli': {
          version: '1',
          dependencies: {
            '@secure-lambda/local-aws': { version: '1' },
            '@aws-sdk/client-lambda': { version: '3' },
          },
        },
      },
    };
    expect(forbiddenPaths(planted, '@secure-lambda/cli', NOT_FOR_THE_CLI)).toEqual([
      '@secure-lambda/cli > @secure-lambda/local-aws',
      '@secure-lambda/cli > @secure-lambda/local-aws > cdktf',
    ]);
  });
});

describe('imports between workspaces', () => {
  test("no workspace's src/ or test/ imports another workspace's dist/ or src/ by path", () => {
    const found = pathImports(listWorkspaces(repoRoot), repoRoot).map(
      (i) => `${i.file}:${i.line} ${i.specifier}: ${i.reason}`,
    );
    expect(found).toEqual([]);
  });

  test('every workspace is scanned, the contracts among them', () => {
    const names = listWorkspaces(repoRoot).map((w) => w.name);
    expect(names).toEqual(
      expect.arrayContaining(['@secure-lambda/cli', '@secure-lambda/contracts', '@secure-lambda/stacks']),
    );
  });

  test('planted path imports are each named, with file and line; imports by name and subpath pass', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'Dependency-Rules-'));
    try {
      const dirs = { a: path.join(root, 'packages', 'a'), b: path.join(root, 'packages', 'b') };
      for (const dir of Object.values(dirs)) mkdirSync(path.join(dir, 'src'), { recursive: true });
      mkdirSync(path.join(dirs.a, 'test'), { recursive: true });
      // Spelled in parts so that this file does not itself hold the imports it plants.
      const b = (...parts: string[]) => ['@secure-lambda', 'b', ...parts].join('/');
      writeFileSync(
        path.join(dirs.a, 'src', 'index.ts'),
        [
          `import { x } from '${b('dist', 'x')}';`,
          `import { y } from '${b('y')}';`,
          "import { z } from './z';",
          `const w = require('${['..', '..', 'b', 'src', 'w'].join('/')}');`,
        ].join('\n'),
      );
      writeFileSync(path.join(dirs.a, 'test', 'a.test.ts'), `const v = await import('${b('src', 'v')}');\n`);
      const workspaces = [
        { name: '@secure-lambda/a', dir: dirs.a },
        { name: '@secure-lambda/b', dir: dirs.b },
      ];
      expect(pathImports(workspaces, root).map((i) => `${i.file}:${i.line} ${i.specifier}`)).toEqual([
        `${path.join('packages', 'a', 'src', 'index.ts')}:1 @secure-lambda/b/dist/x`,
        `${path.join('packages', 'a', 'src', 'index.ts')}:4 ../../b/src/w`,
        `${path.join('packages', 'a', 'test', 'a.test.ts')}:1 @secure-lambda/b/src/v`,
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('what workspaces may reach', () => {
  const workspaceDirs = ['packages', 'apps']
    .flatMap((parent) =>
      readdirSync(path.join(repoRoot, parent), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => path.join(repoRoot, parent, entry.name)),
    )
    .concat([path.join(repoRoot, 'stacks'), path.join(repoRoot, 'system-tests')]);
  /** A path into the repository's root scripts/ folder, built from the root or by climbing to it. */
  const ROOT_SCRIPT = [
    /(?:repoRoot|REPO_ROOT|REPO_DIR)\s*,\s*'scripts'/,
    /'\.\.',\s*'\.\.',\s*'scripts'/,
    /['"`](?:\.\.\/){2,}scripts\//,
  ];

  /**
   * Files that may name the root scripts/ folder, each with why: they test the repository as a checkout, not
   * import code from it.
   */
  const ALLOWED: Readonly<Record<string, string>> = {
    'system-tests/test/bundle-reproducibility.test.ts':
      'runs the build step the apps run (their `bundle` script) in two checkouts and compares the zips',
    'system-tests/test/dependency-rules.test.ts': 'this rule: its planted examples',
  };

  function sources(dir: string): string[] {
    const out: string[] = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'dist', 'fixtures', '.stryker-tmp'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) out.push(...sources(full));
      else if (/\.(?:c|m)?(?:t|j)s$/.test(entry.name)) out.push(full);
    }
    return out;
  }

  test('no workspace reaches into the root scripts/ folder by path: the code lives in a package', () => {
    const offenders = workspaceDirs.flatMap((dir) =>
      sources(dir)
        .filter((file) => !(path.relative(repoRoot, file) in ALLOWED))
        .flatMap((file) =>
          readFileSync(file, 'utf8')
            .split('\n')
            .map((line, index) => ({ line, index }))
            .filter(({ line }) => ROOT_SCRIPT.some((pattern) => pattern.test(line)))
            .map(({ index }) => `${path.relative(repoRoot, file)}:${index + 1}`),
        ),
    );
    expect(offenders).toEqual([]);
  });

  test('the check finds the shapes it forbids', () => {
    const planted = [
      "const RUNNER = path.join(REPO_ROOT, 'scripts', 'run-bundle.mjs');",
      "path.join(APP_DIR, '..', '..', 'scripts', 'run-bundle.mjs')",
      "import x from '../../scripts/terraform-config.mjs';",
    ];
    for (const line of planted) expect(ROOT_SCRIPT.some((pattern) => pattern.test(line))).toBe(true);
    expect(ROOT_SCRIPT.some((p) => p.test("path.join(PACKAGE_DIR, 'scripts', 'make-fixtures.mjs')"))).toBe(
      false,
    );
  });

  test('@secure-lambda/cli declares no deployer, framework or test kit, not even for its tests', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'packages', 'cli', 'package.json'), 'utf8'));
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    const forbidden = [
      '@secure-lambda/testkit',
      '@secure-lambda/local-aws',
      '@secure-lambda/stacks',
      'cdktf',
    ];
    expect(declared.filter((name) => forbidden.includes(name) || name.startsWith('@cdktf/'))).toEqual([]);
  });
});
