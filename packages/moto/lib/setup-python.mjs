#!/usr/bin/env node
/**
 * Creates or refreshes the project-local Python virtualenv that holds moto (and later checkov), from the
 * pinned `requirements.txt` at the repository root.
 *
 *   node scripts/python-env.mjs          # also run by `npm test` and `npm run setup:python`
 *   node scripts/python-env.mjs --help
 *
 * Environment:
 *   SECURE_LAMBDA_VENV    where the virtualenv lives (default `<repo>/.venv`; a relative path is taken
 *                         from the repository root)
 *   SECURE_LAMBDA_PYTHON  the interpreter that creates it (default `python3` on PATH)
 *
 * Where the virtualenv is comes from `@secure-lambda/moto/python-env`, the same file the moto package
 * reads when it runs moto: plain CommonJS, so this script can use it straight after `npm ci`, before
 * anything is built. Exit codes: 0 ready, 1 a step failed (the message names it), 2 bad usage.
 *
 * `npm test` runs this on every invocation, so the common case must be cheap: a stamp file inside the
 * virtualenv records the hash of requirements.txt and the Python version of the last complete install,
 * and when both still match the script only prints one line. The stamp is removed before pip starts and
 * written only after pip succeeds, so an interrupted install is simply redone on the next run (pip skips
 * what is already installed). Nothing is upgraded beyond what requirements.txt pins: not even pip.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findRepoRoot, PythonEnv, resolveVenvDir, venvExecutable } from './python-env.cjs';

/** The pinned set in requirements.txt is resolved on 3.11; several pins (networkx, regex, ...) need it. */
const MIN_PYTHON = Object.freeze({ major: 3, minor: 11 });
const STAMP_FILE = '.secure-lambda-stamp.json';
const STAMP_FORMAT = 1;

// The repository whose requirements.txt this package serves (the package lives inside it).
const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
if (repoRoot === undefined) {
  console.error('python-env: no requirements.txt above this package: run it from a secure-lambda checkout.');
  process.exit(2);
}
const requirementsPath = path.join(repoRoot, PythonEnv.REQUIREMENTS_FILE);

/** The command line: no options but --help; the usage text is generated from this table. */
const OPTIONS = /** @type {const} */ ({
  help: { type: 'boolean', description: 'print this text and exit' },
});
const USAGE = [
  'usage: node scripts/python-env.mjs [options]',
  '  creates or refreshes the Python virtualenv from requirements.txt',
  ...Object.entries(OPTIONS).map(([name, { description }]) => `  --${name.padEnd(8)}${description}`),
].join('\n');

class StepError extends Error {
  /**
   * @param {string} step what the script was doing
   * @param {string} message what went wrong and what to do next
   */
  constructor(step, message) {
    super(message);
    this.step = step;
  }
}

/** @param {string} p */
function display(p) {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * Asks an interpreter for its version. Returns undefined when it cannot be run at all.
 * @param {string} python
 */
function probePython(python) {
  const result = spawnSync(
    python,
    [
      '-c',
      'import platform, sys; print(platform.python_version()); print(sys.version_info[0], sys.version_info[1])',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.error || result.status !== 0) {
    return { ok: false, detail: result.error ? result.error.message : result.stderr.trim() };
  }
  const [version, majorMinor] = result.stdout.trim().split('\n');
  const [major, minor] = (majorMinor ?? '').split(' ').map(Number);
  if (!version || !Number.isInteger(major) || !Number.isInteger(minor)) {
    return { ok: false, detail: `unexpected output: ${JSON.stringify(result.stdout)}` };
  }
  return { ok: true, version, major, minor };
}

function findBasePython() {
  const python = process.env[PythonEnv.PYTHON_ENV] || 'python3';
  const probe = probePython(python);
  if (!probe.ok) {
    throw new StepError(
      'find Python',
      `could not run \`${python}\` (${probe.detail}). Install Python >= ${MIN_PYTHON.major}.${MIN_PYTHON.minor} ` +
        `and put python3 on PATH, or set ${PythonEnv.PYTHON_ENV} to the interpreter to use.`,
    );
  }
  if (probe.major !== MIN_PYTHON.major || probe.minor < MIN_PYTHON.minor) {
    throw new StepError(
      'check Python version',
      `\`${python}\` is Python ${probe.version}, but the pinned requirements need Python >= ` +
        `${MIN_PYTHON.major}.${MIN_PYTHON.minor}. Install a newer Python and set SECURE_LAMBDA_PYTHON to it ` +
        '(for example SECURE_LAMBDA_PYTHON=python3.11).',
    );
  }
  return { python, version: probe.version };
}

function readRequirementsHash() {
  try {
    return createHash('sha256').update(readFileSync(requirementsPath)).digest('hex');
  } catch (error) {
    throw new StepError(
      'read requirements.txt',
      `cannot read ${requirementsPath} (${error instanceof Error ? error.message : String(error)}). ` +
        'Run this script from a complete checkout of the repository.',
    );
  }
}

/** @param {string} stampPath */
function readStamp(stampPath) {
  try {
    return JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    // Missing or half-written: treated as "not installed", which makes the next step reinstall.
    return undefined;
  }
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {string} step
 * @param {string} hint
 */
function run(command, args, step, hint) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.error) {
    throw new StepError(step, `could not start \`${command}\` (${result.error.message}). ${hint}`);
  }
  if (result.status !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
    throw new StepError(step, `\`${[command, ...args].join(' ')}\` ${how}. ${hint}`);
  }
}

/**
 * Makes sure `venvDir` is a virtualenv whose interpreter has the base Python's version. A directory that
 * is not a virtualenv is never cleared: SECURE_LAMBDA_VENV might point somewhere precious by mistake.
 * @param {string} venvDir
 * @param {{ python: string, version: string }} base
 */
function ensureVenv(venvDir, base) {
  const venvPython = venvExecutable(venvDir, 'python');
  const exists = existsSync(venvDir);
  if (exists && existsSync(venvPython)) {
    const probe = probePython(venvPython);
    if (probe.ok && probe.version === base.version) return venvPython;
  }
  const isVenv = existsSync(path.join(venvDir, 'pyvenv.cfg'));
  if (exists && !isVenv && readdirSync(venvDir).length > 0) {
    throw new StepError(
      'create virtualenv',
      `${venvDir} exists, is not empty and is not a virtualenv (no pyvenv.cfg), so it is left alone. ` +
        `Point ${PythonEnv.VENV_ENV} at a new or empty directory, or remove that one.`,
    );
  }
  // A broken venv (interpreter moved, Python upgraded) is rebuilt from scratch: its packages were built
  // for the old interpreter.
  const args = ['-m', 'venv', ...(isVenv ? ['--clear'] : []), venvDir];
  console.log(`python-env: creating virtualenv ${display(venvDir)} with Python ${base.version}`);
  run(
    base.python,
    args,
    'create virtualenv',
    'On Debian or Ubuntu install the python3-venv package (apt-get install python3-venv); ' +
      'otherwise check that the directory is writable.',
  );
  return venvPython;
}

function main() {
  const { venvDir } = resolveVenvDir(repoRoot);
  const stampPath = path.join(venvDir, STAMP_FILE);
  const requirementsSha256 = readRequirementsHash();
  const base = findBasePython();
  const wanted = { format: STAMP_FORMAT, requirementsSha256, python: base.version };

  const stamp = readStamp(stampPath);
  const upToDate =
    stamp !== undefined &&
    stamp.format === wanted.format &&
    stamp.requirementsSha256 === wanted.requirementsSha256 &&
    stamp.python === wanted.python &&
    existsSync(venvExecutable(venvDir, 'python'));
  if (upToDate) {
    console.log(`python env up to date (${display(venvDir)}, Python ${base.version})`);
    return;
  }

  const venvPython = ensureVenv(venvDir, base);
  rmSync(stampPath, { force: true });
  console.log(`python-env: installing ${display(requirementsPath)} into ${display(venvDir)}`);
  run(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirementsPath],
    'pip install -r requirements.txt',
    'Check the network access to the package index and the messages above, then run ' +
      '`npm run setup:python` again (it resumes where pip stopped).',
  );

  // Written via rename so a crash cannot leave a stamp that parses but lies.
  const tmp = `${stampPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...wanted, installedAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(tmp, stampPath);
  console.log(`python-env: ready (${display(venvDir)}, Python ${base.version})`);
}

/** @returns {boolean} whether to go on (false: --help was answered) */
function readCommandLine() {
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: OPTIONS, strict: true });
    if (values.help) console.log(USAGE);
    return !values.help;
  } catch (error) {
    console.error(`python-env: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

try {
  if (readCommandLine()) main();
} catch (error) {
  if (error instanceof StepError) {
    console.error(`python-env: step "${error.step}" failed: ${error.message}`);
  } else {
    console.error('python-env: unexpected failure:', error);
  }
  process.exitCode = 1;
}
