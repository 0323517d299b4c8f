/**
 * Helpers of the workflow checks (test/workflows.test.ts): the files under .github/ and the pin rule for
 * `uses:` references.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Files below `dir` whose name matches `pattern`, sorted. */
export function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(full, pattern);
      return entry.isFile() && pattern.test(entry.name) ? [full] : [];
    })
    .sort();
}

/**
 * The `uses:` lines of a workflow or action that are not pinned to a full 40-hex commit SHA followed by a
 * `# v<version>` comment. Local actions (`./...`, GitHub's self-repository `$/...`) are exempt.
 *
 * @example
 * unpinnedUses('      - uses: actions/checkout@v4'); // ['- uses: actions/checkout@v4']
 */
export function unpinnedUses(text: string): string[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)]
    .filter(([, ref]) => !/^(\.|\$)\//.test(ref ?? ''))
    .filter(
      ([, ref, rest]) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref ?? '') || !/#\s*v\d/.test(rest ?? ''),
    )
    .map(([line]) => (line ?? '').trim());
}
