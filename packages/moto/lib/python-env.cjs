'use strict';
/**
 * Where the project's Python virtualenv (moto, checkov, the Encryption SDK CLI) lives: the one rule that
 * `scripts/python-env.mjs` (which creates it) and `@secure-lambda/moto` (which runs moto from it) share.
 *
 * Plain CommonJS on purpose: the setup script runs straight after `npm ci`, before anything is built, so
 * it cannot load the package's compiled `dist/`; the compiled package `require`s this same file, and an
 * ES module script can `import` it. One file, so the two can no longer drift apart.
 *
 * @example
 * ```js
 * import { findRepoRoot, resolveVenvDir } from '@secure-lambda/moto/python-env';
 * const { venvDir } = resolveVenvDir(findRepoRoot(process.cwd()));
 * ```
 */
const { existsSync } = require('node:fs');
const path = require('node:path');

/** Environment variables and file names of the virtualenv. */
const PythonEnv = Object.freeze({
  /** Where the virtualenv lives; a relative path is taken from the repository root. */
  VENV_ENV: 'SECURE_LAMBDA_VENV',
  /** The interpreter that creates the virtualenv (default `python3` on PATH). */
  PYTHON_ENV: 'SECURE_LAMBDA_PYTHON',
  VENV_DIR_NAME: '.venv',
  /** Marks the repository root, where the virtualenv lives by default. */
  REQUIREMENTS_FILE: 'requirements.txt',
  SETUP_COMMAND: 'npm run setup:python',
});

/**
 * Walks up from `start` to the first directory holding requirements.txt: the repository root.
 * @param {string} start
 * @returns {string | undefined}
 */
function findRepoRoot(start) {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, PythonEnv.REQUIREMENTS_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The virtualenv directory: SECURE_LAMBDA_VENV (a relative path from `repoRoot`), else `<repoRoot>/.venv`.
 * `source` says which, for messages.
 * @param {string} repoRoot
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ venvDir: string, source: 'env' | 'repo' }}
 */
function resolveVenvDir(repoRoot, env = process.env) {
  const fromEnv = env[PythonEnv.VENV_ENV];
  return fromEnv
    ? { venvDir: path.resolve(repoRoot, fromEnv), source: 'env' }
    : { venvDir: path.join(repoRoot, PythonEnv.VENV_DIR_NAME), source: 'repo' };
}

/**
 * A console script or the interpreter inside a virtualenv (`bin/<name>`; the project supports POSIX only).
 * @param {string} venvDir
 * @param {string} name
 * @returns {string}
 */
function venvExecutable(venvDir, name) {
  return path.join(venvDir, 'bin', name);
}

exports.PythonEnv = PythonEnv;
exports.findRepoRoot = findRepoRoot;
exports.resolveVenvDir = resolveVenvDir;
exports.venvExecutable = venvExecutable;
