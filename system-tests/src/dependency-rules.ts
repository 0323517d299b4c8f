/**
 * The dependency rules between workspaces, as functions the system test runs on the real tree and on
 * planted examples:
 * - runtime dependency paths (`npm ls --all --omit=dev --json`) that must not exist, e.g. from the CLI to
 *   the local deployment tool, the stacks, cdktf or the test kit, or from the contracts to anything;
 * - imports of another workspace's files by path (`@secure-lambda/x/dist/...`, `../../packages/x/...`)
 *   instead of by package name and `exports` subpath.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SystemTestError, SystemTestErrorCode } from './errors';

/** A node of `npm ls --json`: deduplicated packages appear once with their dependencies, then bare. */
export interface NpmLsNode {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, NpmLsNode>>;
}

/** `npm ls --all --workspaces --omit=dev --json` at `root`: every workspace's runtime dependency tree. */
export function npmRuntimeTree(root: string): NpmLsNode {
  const result = spawnSync('npm', ['ls', '--all', '--workspaces', '--omit=dev', '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  // npm ls exits 1 on problems such as extraneous packages; the JSON still describes the tree.
  if (result.error || !result.stdout.trim().startsWith('{')) {
    throw new SystemTestError(
      SystemTestErrorCode.SCRIPT_FAILED,
      `npm ls failed (${result.error?.message ?? result.stderr.trim()}). Run npm ci, then retry.`,
      { cause: result.error },
    );
  }
  return JSON.parse(result.stdout) as NpmLsNode;
}

/**
 * Every path from `from` (a workspace in the tree) to a package that `forbidden` matches, as
 * `a > b > c` strings; deduplicated nodes are followed to their first full entry.
 */
export function forbiddenPaths(
  tree: NpmLsNode,
  from: string,
  forbidden: (name: string) => boolean,
): string[] {
  const full = new Map<string, NpmLsNode>();
  const index = (node: NpmLsNode) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      const key = `${name}@${child.version}`;
      if (child.dependencies && !full.has(key)) full.set(key, child);
      index(child);
    }
  };
  index(tree);
  const start = tree.dependencies?.[from];
  if (!start) {
    throw new SystemTestError(SystemTestErrorCode.SCRIPT_FAILED, `${from} is not a workspace of the tree.`);
  }
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (node: NpmLsNode, trail: readonly string[]) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      const key = `${name}@${child.version}`;
      const here = [...trail, name];
      if (forbidden(name)) found.push(here.join(' > '));
      if (seen.has(key)) continue;
      seen.add(key);
      walk(child.dependencies ? child : (full.get(key) ?? child), here);
    }
  };
  walk(start, [from]);
  return found;
}

/** A workspace: its package name and folder. */
export interface Workspace {
  readonly name: string;
  readonly dir: string;
}

/** The workspaces the root package.json names (`packages/*`-style globs and plain folders). */
export function listWorkspaces(root: string): Workspace[] {
  const patterns = (
    JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
  ).workspaces;
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
    const parent = path.join(root, pattern.slice(0, -2));
    return readdirSync(parent).map((entry) => path.join(parent, entry));
  });
  return dirs
    .filter((dir) => {
      try {
        return statSync(path.join(dir, 'package.json')).isFile();
      } catch {
        return false;
      }
    })
    .map((dir) => ({
      name: (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string }).name,
      dir,
    }));
}

/** One import of another workspace's files by path. */
export interface PathImport {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly reason: string;
}

const SOURCE = /\.(?:[cm]?ts|[cm]?js|tsx)$/;
// `from '...'`, `import '...'`, `import('...')`, `require('...')`, `jest.mock('...')`.
const SPECIFIERS =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bjest\.(?:mock|requireActual)\s*\(\s*)(['"`])([^'"`\n]+)\1/g;
const WORKSPACE_FILE = /^@secure-lambda\/[^/]+\/(?:dist|src|lib|test)(?:\/|$)/;

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => SOURCE.test(entry) && !entry.split(path.sep).includes('node_modules'))
    .map((entry) => path.join(dir, entry));
}

/**
 * Imports in each workspace's `src/` and `test/` that reach another workspace's files by path: a package
 * specifier into its `dist/`, `src/`, `lib/` or `test/` (use an `exports` subpath), or a relative path
 * that leaves the workspace for another one (depend on it by name).
 */
export function pathImports(workspaces: readonly Workspace[], root: string): PathImport[] {
  const found: PathImport[] = [];
  const owner = (file: string) =>
    workspaces.find((w) => file === w.dir || file.startsWith(`${w.dir}${path.sep}`));
  for (const workspace of workspaces) {
    for (const file of ['src', 'test'].flatMap((sub) => sourceFiles(path.join(workspace.dir, sub)))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(SPECIFIERS)) {
        const specifier = match[2] as string;
        const line = text.slice(0, match.index).split('\n').length;
        const where = { file: path.relative(root, file), line, specifier };
        if (WORKSPACE_FILE.test(specifier)) {
          found.push({
            ...where,
            reason: 'imports a workspace file by path; add an exports subpath and import that',
          });
        } else if (specifier.startsWith('.')) {
          const target = owner(path.resolve(path.dirname(file), specifier));
          if (target && target !== workspace) {
            found.push({
              ...where,
              reason: `reaches into ${target.name} by a relative path; depend on it by name`,
            });
          }
        }
      }
    }
  }
  return found;
}
