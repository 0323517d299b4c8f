import { existsSync, constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { PythonEnv } from '../constants';
import { MotoNotInstalledError } from '../errors';

export interface MotoInstall {
  readonly venvDir: string;
  /** The virtualenv's interpreter: the server runs under it (see moto-process.ts for why). */
  readonly python: string;
  /** The `moto_server` console script that `moto[server]` installs. */
  readonly motoServer: string;
}

/** Walks up from `start` to the first directory holding requirements.txt: the repository root. */
function findRepoRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, PythonEnv.REQUIREMENTS_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function describeSource(source: 'option' | 'env' | 'repo'): string {
  switch (source) {
    case 'option':
      return 'the venvDir option';
    case 'env':
      return `${PythonEnv.VENV_ENV}`;
    case 'repo':
      return 'the repository default';
  }
}

/**
 * Finds the virtualenv the same way scripts/python-env.mjs creates it: the `venvDir` option, else
 * SECURE_LAMBDA_VENV (relative paths from the repository root, like the script), else `<repo>/.venv`.
 * The repository is searched for from this file first (works from any cwd inside or outside the repo),
 * then from the working directory (works when the package is installed elsewhere).
 */
export async function locateMotoInstall(venvDirOption: string | undefined): Promise<MotoInstall> {
  const repoRoot = findRepoRoot(__dirname) ?? findRepoRoot(process.cwd());
  const fromEnv = process.env[PythonEnv.VENV_ENV];
  let venvDir: string;
  let source: 'option' | 'env' | 'repo';
  if (venvDirOption !== undefined) {
    venvDir = path.resolve(venvDirOption);
    source = 'option';
  } else if (fromEnv) {
    venvDir = path.resolve(repoRoot ?? process.cwd(), fromEnv);
    source = 'env';
  } else if (repoRoot !== undefined) {
    venvDir = path.join(repoRoot, PythonEnv.VENV_DIR_NAME);
    source = 'repo';
  } else {
    throw new MotoNotInstalledError(
      `Cannot find the repository root (a directory with ${PythonEnv.REQUIREMENTS_FILE}) above ${__dirname} ` +
        `or ${process.cwd()}, so there is no default virtualenv. Pass venvDir, or set ${PythonEnv.VENV_ENV} to ` +
        `a virtualenv made by \`${PythonEnv.SETUP_COMMAND}\`.`,
      undefined,
    );
  }

  const install: MotoInstall = {
    venvDir,
    python: path.join(venvDir, 'bin', 'python'),
    motoServer: path.join(venvDir, 'bin', 'moto_server'),
  };
  for (const file of [install.python, install.motoServer]) {
    try {
      await access(file, fsConstants.X_OK);
    } catch (error) {
      throw new MotoNotInstalledError(
        `moto is not installed: ${file} is missing or not executable (virtualenv from ${describeSource(source)}: ` +
          `${venvDir}). Run \`${PythonEnv.SETUP_COMMAND}\` in the repository root (or \`npm test\`, which runs ` +
          'it first) to create the virtualenv from requirements.txt.',
        venvDir,
        { cause: error },
      );
    }
  }
  return install;
}
