/**
 * Where the local stack keeps its Terraform state: a file in `.local` (the default), or, with
 * `deploy:local --backend s3`, the emulated state bucket the CI bootstrap creates, with Terraform's S3 lock
 * file: the same backend an account uses (docs/ci.md), proven on the emulator.
 *
 * The choice is recorded in `<local dir>/backend.json` so that a later deploy, plan or destroy against the same
 * emulator uses the same state, and written into the stack folder as a Terraform override file (an override's
 * `backend` replaces the synthesized local one).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalLayout } from './layout';

export type LocalBackendKind = 'local' | 's3';

/** The S3 backend settings of the emulated state bucket (`emulatorBackend` in bootstrap.ts). */
export type S3BackendSettings = Readonly<Record<string, unknown>>;

/** The override file in the stack folder; `zz_` sorts it after cdk.tf.json. */
export const PLATFORM_BACKEND_OVERRIDE_FILE = 'zz_platform_backend_override.tf.json';
const RECORD_FILE = 'backend.json';

/** The recorded S3 backend of the local stack, or undefined for the local state file. */
export function recordedBackend(layout: LocalLayout): S3BackendSettings | undefined {
  const file = path.join(layout.localDir, RECORD_FILE);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, 'utf8')) as { s3?: S3BackendSettings };
  return record.s3;
}

/** Records the backend (undefined: the local state file) and writes or removes the stack's override file. */
export function useBackend(layout: LocalLayout, s3: S3BackendSettings | undefined): void {
  const record = path.join(layout.localDir, RECORD_FILE);
  if (s3) writeFileSync(record, `${JSON.stringify({ s3 }, null, 2)}\n`);
  else rmSync(record, { force: true });
  writeBackendOverride(layout, s3);
}

/** Writes the override for the recorded backend into the (freshly synthesized) stack folder. */
export function writeBackendOverride(layout: LocalLayout, s3: S3BackendSettings | undefined): void {
  const file = path.join(layout.stackDir, PLATFORM_BACKEND_OVERRIDE_FILE);
  if (!s3) {
    rmSync(file, { force: true });
    return;
  }
  writeFileSync(file, `${JSON.stringify({ terraform: { backend: { s3 } } }, null, 2)}\n`);
}
