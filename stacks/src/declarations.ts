import { existsSync, readdirSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import {
  checkFunctionSet,
  type FunctionDeclaration,
  FunctionDeclarationError,
  parseFunctionDeclaration,
} from '@secure-lambda/contracts/functions';
import { buildSync } from 'esbuild';
import { REPO_ROOT } from './bundles';

/** The file each app declares its function in, beside its `src/`. */
export const DECLARATION_FILE = 'function.ts';

/** A declaration and the app folder it came from. */
export interface DeclaredFunction {
  readonly declaration: FunctionDeclaration;
  /** The app folder (`apps/<name>`), absolute. */
  readonly appDir: string;
}

/**
 * Evaluates one `function.ts`. A declaration is TypeScript so that its author gets types and completion;
 * esbuild strips the types and bundles its imports (`@secure-lambda/contracts`, which has no dependencies),
 * and the result runs in this process like any stack code. Type errors are the app's `npm run typecheck`
 * to report; here the strict parser decides what is accepted.
 */
function evaluate(file: string): unknown {
  let code: string;
  try {
    const result = buildSync({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      // Resolve from the app folder (its node_modules, then those above it), then the workspace root's.
      absWorkingDir: path.dirname(file),
      nodePaths: [path.join(REPO_ROOT, 'node_modules')],
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (cause) {
    throw new FunctionDeclarationError(
      file,
      '(file)',
      `cannot be compiled: ${(cause as Error).message.split('\n').slice(0, 6).join(' ')}`,
      { cause },
    );
  }
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  try {
    (module as unknown as { _compile(code: string, file: string): void })._compile(code, file);
  } catch (cause) {
    throw new FunctionDeclarationError(file, '(file)', `threw while loading: ${(cause as Error).message}`, {
      cause,
    });
  }
  const exported = module.exports as { default?: unknown };
  if (exported.default === undefined) {
    throw new FunctionDeclarationError(
      file,
      '(file)',
      'has no default export: write `export default defineFunction({ ... })`.',
    );
  }
  return exported.default;
}

/**
 * Every function declared under `appsDir` (`<appsDir>/<name>/function.ts`), sorted by name. The name in a
 * declaration must be its folder's, so an app is found by name and two apps cannot claim one function.
 *
 * @throws {FunctionDeclarationError} for a declaration the platform does not accept, with the field to fix.
 * @example
 * ```ts
 * discoverFunctions().map((f) => f.declaration.name); // ['crypto-api', 'deployment-hook', 'object-processor']
 * ```
 */
export function discoverFunctions(appsDir: string = path.join(REPO_ROOT, 'apps')): DeclaredFunction[] {
  if (!existsSync(appsDir)) return [];
  const found: DeclaredFunction[] = [];
  for (const entry of readdirSync(appsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const appDir = path.join(appsDir, entry.name);
    const file = path.join(appDir, DECLARATION_FILE);
    if (!existsSync(file)) continue;
    const source = path.relative(path.dirname(appsDir), file).split(path.sep).join('/');
    const declaration = parseFunctionDeclaration(source, evaluate(file));
    if (declaration.name !== entry.name) {
      throw new FunctionDeclarationError(
        source,
        'name',
        `${JSON.stringify(declaration.name)} differs from its folder ${JSON.stringify(entry.name)}: ` +
          'a declaration names the app it sits in.',
      );
    }
    // A workspace whose package name is not @<scope>/<folder> would be bundled under another zip name.
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { name?: string };
    if (manifest.name?.replace(/^@[^/]+\//, '') !== entry.name) {
      throw new FunctionDeclarationError(
        source,
        'name',
        `the app's package is ${JSON.stringify(manifest.name)}: name it @secure-lambda/${entry.name}, as its zip is dist/${entry.name}.zip.`,
      );
    }
    found.push({ declaration, appDir });
  }
  found.sort((a, b) => a.declaration.name.localeCompare(b.declaration.name));
  checkFunctionSet(found.map((f) => f.declaration));
  return found;
}
