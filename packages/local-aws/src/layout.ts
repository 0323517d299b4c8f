import path from 'node:path';
import { LOCAL_STACK_NAME } from '@secure-lambda/stacks/dist/emulator';

/** The repository root (this file runs as packages/local-aws/dist/layout.js or src/layout.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Default home of everything a local deployment keeps: git-ignored (`.local/` in .gitignore). */
export const DEFAULT_LOCAL_DIR = path.join(REPO_ROOT, '.local');

/** Where a local deployment keeps its files. Tests use a temporary directory instead of `.local/`. */
export interface LocalLayout {
  readonly localDir: string;
  /** The cdktf output directory of the local app. */
  readonly synthDir: string;
  /** Where terraform runs; holds `.terraform/` and the state file (the stack's local backend). */
  readonly stackDir: string;
  readonly stateFile: string;
  /** The running emulator: `emulator.json` (pid, port), its log, and its TLS certificate and key. */
  readonly emulatorDir: string;
  readonly emulatorFile: string;
  readonly emulatorLog: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export function localLayout(localDir: string = DEFAULT_LOCAL_DIR): LocalLayout {
  const root = path.resolve(localDir);
  const synthDir = path.join(root, 'cdktf.out');
  const stackDir = path.join(synthDir, 'stacks', LOCAL_STACK_NAME);
  const emulatorDir = path.join(root, 'emulator');
  return {
    localDir: root,
    synthDir,
    stackDir,
    // The stack's LocalBackend path, relative to stackDir (stacks/src/platform-stack.ts).
    stateFile: path.join(stackDir, `terraform.${LOCAL_STACK_NAME}.tfstate`),
    emulatorDir,
    emulatorFile: path.join(emulatorDir, 'emulator.json'),
    emulatorLog: path.join(emulatorDir, 'moto.log'),
    certFile: path.join(emulatorDir, 'tls', 'cert.pem'),
    keyFile: path.join(emulatorDir, 'tls', 'key.pem'),
  };
}

/** A path as the user should read it: relative to the working directory when inside it. */
export function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
