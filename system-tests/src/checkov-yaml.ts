/**
 * The checkov skip file as a real YAML parser reads it, to hold the comment-aware reader of
 * `@secure-lambda/terraform` to what checkov itself will skip.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Checkov, checkovInstall } from '@secure-lambda/terraform';
import { repoRoot } from './synth';

const execFileAsync = promisify(execFile);

/**
 * The `skip-check` list as PyYAML (a checkov dependency, in the same virtualenv) sees it.
 *
 * @example
 * await skipChecksAsYaml(); // ['CKV_AWS_272']
 */
export async function skipChecksAsYaml(file: string = Checkov.SKIP_FILE): Promise<string[]> {
  const code = [
    'import json, sys, yaml',
    'data = yaml.safe_load(open(sys.argv[1])) or {}',
    'print(json.dumps(data.get("skip-check") or []))',
  ].join('\n');
  const { stdout } = await execFileAsync(checkovInstall().python, ['-c', code, file], { cwd: repoRoot });
  return JSON.parse(stdout) as string[];
}
