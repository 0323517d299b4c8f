import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = execFileSync('git', ['rev-parse', '--show-toplevel'], {
  cwd: __dirname,
  encoding: 'utf8',
}).trim();
const WRITER = 'packages/deterministic-zip/index.cjs';
/** A zip writer has to write the local-file-header signature, in some spelling. */
const LOCAL_HEADER = /0x04034b50|0x504b0304|PK\\x03\\x04|\[0x50, ?0x4b, ?0x03, ?0x04\]/i;
/**
 * Generators whose owner still has to switch to the package, each with that one-line change. The test
 * also fails once one of them no longer writes zips itself, so that the entry is removed then.
 */
const PENDING: Readonly<Record<string, string>> = {};

describe('one zip writer in the workspace', () => {
  it('only @secure-lambda/deterministic-zip writes zip headers (the bundler, the placeholder and the fixtures use it)', () => {
    const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => /\.(c|m)?(j|t)s$/.test(file) && !/(^|\/)(test|dist)\//.test(file))
      .filter((file) => {
        try {
          return LOCAL_HEADER.test(readFileSync(path.join(REPO_ROOT, file), 'utf8'));
        } catch {
          return false; // deleted in the work tree
        }
      });
    expect(sources.sort()).toEqual([...Object.keys(PENDING), WRITER].sort());
  });
});
