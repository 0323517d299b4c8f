/**
 * The rules of the package graph, checked on the real tree (and, so that a green run means something, on
 * planted violations): the release CLI reaches none of the local deployment tool, the stacks, cdktf or the
 * test kit at run time; the contracts depend on nothing; and no workspace imports another's files by path.
 * Anyone can run the same check by hand: `npm ls --all --workspaces --omit=dev`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
