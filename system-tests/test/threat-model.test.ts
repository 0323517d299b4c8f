import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../src/synth';

/**
 * Traceability between `docs/threat-model.md` and the tests: a threat whose control no test proves is a
 * promise nobody checks. Every threat id the document lists must appear, in square brackets, in the title of
 * at least one test (a title that starts `[TM-CRYPTO-01] ...`), every id a test title carries must be one the document
 * lists (a renamed or removed threat cannot leave orphan claims behind), and every test file the document
 * cites must exist.
 */
const THREAT_MODEL = path.join(repoRoot, 'docs', 'threat-model.md');
const ID = /\bTM-[A-Z]+-\d{2}\b/g;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.venv', '.git', '.turbo', 'cdktf.out', '.local']);
const WORKSPACE_PARENTS = ['packages', 'apps'];

/** `*.test.ts` files under each workspace's `test/` folder. */
function testFiles(): string[] {
  const workspaces = [
    ...WORKSPACE_PARENTS.flatMap((parent) =>
      readdirSync(path.join(repoRoot, parent), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => path.join(repoRoot, parent, entry.name)),
    ),
    path.join(repoRoot, 'stacks'),
    path.join(repoRoot, 'system-tests'),
  ];
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a workspace without a test folder
    }
    for (const entry of entries) {
      if (SKIP_DIRS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.ts')) found.push(full);
    }
  };
  for (const workspace of workspaces) walk(path.join(workspace, 'test'));
  return found;
}

/**
 * Titles of `it`, `test` and `describe` calls (also `.each(...)`, `.concurrent`), with the string that
 * follows the call's opening parenthesis, across line breaks. An id in a comment or an assertion
 * message is not a test naming the threat.
 */
const TITLE =
  /\b(?:it|test|describe)(?:\.(?:each|concurrent|failing)(?:\([^)]*\))?)?\s*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*?)\1/g;

function titlesByFile(files: readonly string[]): Map<string, string[]> {
  const titles = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    titles.set(
      path.relative(repoRoot, file),
      [...text.matchAll(TITLE)].map((m) => m[2] as string),
    );
  }
  return titles;
}

function documentedIds(doc: string): Set<string> {
  // Ids are defined in the first column of the threat tables: `| TM-XXX-NN |`.
  return new Set([...doc.matchAll(/^\|\s*(TM-[A-Z]+-\d{2})\s*\|/gm)].map((m) => m[1] as string));
}

describe('docs/threat-model.md traceability', () => {
  const doc = readFileSync(THREAT_MODEL, 'utf8');
  const ids = documentedIds(doc);
  const titles = titlesByFile(testFiles());
  const idsInTests = new Map<string, string[]>();
  for (const [file, fileTitles] of titles) {
    for (const title of fileTitles) {
      for (const id of title.match(ID) ?? []) {
        idsInTests.set(id, [...(idsInTests.get(id) ?? []), `${file} › ${title}`]);
      }
    }
  }

  it('lists threats', () => {
    expect(ids.size).toBeGreaterThanOrEqual(10);
  });

  it('names every documented threat in the title of at least one test', () => {
    const unproven = [...ids].filter((id) => !idsInTests.has(id));
    expect(unproven).toEqual([]);
  });

  it('has no test claiming a threat id the document does not list', () => {
    const orphans = [...idsInTests.keys()].filter((id) => !ids.has(id));
    expect(orphans).toEqual([]);
  });

  it('cites only test files that exist', () => {
    const cited = [...doc.matchAll(/`((?:packages|apps|stacks|system-tests)\/[^`]+\.test\.ts)`/g)].map(
      (m) => m[1] as string,
    );
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((file) => !titles.has(file))).toEqual([]);
  });

  it('cites, for each threat, a test file that names it', () => {
    // Each table row's last cell lists the files; at least one of them must carry the id in a title.
    const misattributed: string[] = [];
    for (const row of doc.matchAll(/^\|\s*(TM-[A-Z]+-\d{2})\s*\|(.*)\|\s*$/gm)) {
      const id = row[1] as string;
      const files = [
        ...(row[2] as string).matchAll(/`((?:packages|apps|stacks|system-tests)\/[^`]+\.test\.ts)`/g),
      ].map((m) => m[1] as string);
      const named = files.some((file) => (titles.get(file) ?? []).some((title) => title.includes(`[${id}]`)));
      if (!named) misattributed.push(id);
    }
    expect(misattributed).toEqual([]);
  });
});
