import path from 'node:path';

// The layout under `.local/` is a contract: the CLI and the system tests find the emulator by it too.
export { DEFAULT_LOCAL_DIR, type LocalLayout, localLayout, REPO_ROOT } from '@secure-lambda/contracts/local';

/** A path as the user should read it: relative to the working directory when inside it. */
export function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
