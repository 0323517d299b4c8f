import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { findRepoRoot, PythonEnv, resolveVenvDir, venvExecutable } from '../lib/python-env.cjs';
import { MotoNotInstalledError } from './errors';

/** A virtualenv with `moto[server]` installed. */
export interface MotoInstall {
  readonly venvDir: string;
  /** The virtualenv's interpreter: the server runs under it (python/serve.py wraps moto_server). */
  readonly python: string;
  /** The `moto_server` console script that `moto[server]` installs. */
  readonly motoServer: string;
}

function describeSource(source: 'option' | 'env' | 'repo'): string {
  switch (source) {
    case 'option':
      return 'the venvDir option';
    case 'env':
      return PythonEnv.VENV_ENV;
    case 'repo':
      return 'the repository default';
  }
}

/**
 * Finds the virtualenv by the rule scripts/python-env.mjs creates it with (lib/python-env.cjs, shared by
 * both): `venvDirOption`, else SECURE_LAMBDA_VENV (relative paths from the repository root), else
 * `<repo>/.venv`. The repository is searched for from this file first (works from any cwd inside or
 * outside the repository), then from the working directory (works when the package is installed elsewhere).
 *
 * @throws MotoNotInstalledError (`MOTO_NOT_INSTALLED`) when the interpreter or `moto_server` is missing
 *
 * @example
 * ```ts
 * const install = await locateMotoInstall(undefined);
 * spawn(install.python, motoServerArgs({ install, port }));
 * ```
 */
export async function locateMotoInstall(venvDirOption: string | undefined): Promise<MotoInstall> {
  const repoRoot = findRepoRoot(__dirname) ?? findRepoRoot(process.cwd());
  let venvDir: string;
  let source: 'option' | 'env' | 'repo';
  if (venvDirOption !== undefined) {
    venvDir = path.resolve(venvDirOption);
    source = 'option';
  } else if (repoRoot !== undefined || process.env[PythonEnv.VENV_ENV]) {
    ({ venvDir, source } = resolveVenvDir(repoRoot ?? process.cwd()));
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
    python: venvExecutable(venvDir, 'python'),
    motoServer: venvExecutable(venvDir, 'moto_server'),
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
