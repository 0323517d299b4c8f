import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `text` to `file` through a temporary file and a rename, so that a reader (a parallel test worker,
 * terraform, a CI step uploading a report) never sees half a file.
 *
 * @example
 * ```ts
 * writeFileAtomic('cdktf.out/plans/secure-lambda-dev.json', show.stdout);
 * ```
 */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
