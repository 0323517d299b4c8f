import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ChangeCounts,
  type Diagnostic,
  failedResources,
  formatDiagnostics,
  type ResourceEvent,
  readUiLine,
  runTerraformJson,
} from '../src/terraform';

/** Lines recorded from terraform 1.11.4: a real apply of the local stack and a real failing apply. */
const fixture = (name: string) =>
  readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter(Boolean);

function readAll(lines: readonly string[]) {
  const into: {
    planned?: ChangeCounts;
    applied?: ChangeCounts;
    diagnostics: Diagnostic[];
    failed: string[];
  } = {
    diagnostics: [],
    failed: [],
  };
  const events = lines
    .map((line) => readUiLine(line, into))
    .filter((e): e is ResourceEvent => e !== undefined);
  return { into, events };
}

describe('readUiLine', () => {
  test('turns a real apply into resource events and the plan and apply counts', () => {
    const { into, events } = readAll(fixture('apply-success.jsonl'));
    expect(events).toEqual([
      {
        kind: 'done',
        address: 'data.aws_iam_policy_document.object-processor_trust_document_52FF8DA2',
        action: 'read',
        elapsedSeconds: 0,
      },
      { kind: 'start', address: 'aws_kms_key.key_F64E54E4', action: 'create' },
      { kind: 'done', address: 'aws_kms_key.key_F64E54E4', action: 'create', elapsedSeconds: 14 },
    ]);
    expect(into.planned).toEqual({ add: 72, change: 0, remove: 0 });
    expect(into.applied).toEqual({ add: 72, change: 0, remove: 0 });
    expect(into.failed).toEqual([]);
  });

  test('names the failed resource and keeps its diagnostic', () => {
    const { into, events } = readAll(fixture('apply-failure.jsonl'));
    expect(events.filter((e) => e.kind === 'failed')).toEqual([
      { kind: 'failed', address: 'terraform_data.broken', action: 'create', elapsedSeconds: 0 },
    ]);
    expect(into.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        summary: 'local-exec provisioner error',
        address: 'terraform_data.broken',
      }),
    ]);
    expect(formatDiagnostics(into.diagnostics)).toContain(
      'terraform_data.broken: local-exec provisioner error',
    );
  });

  test('ignores lines that are not JSON', () => {
    const into = { diagnostics: [], failed: [] };
    expect(readUiLine('Warning: Unable to open CLI configuration file', into)).toBeUndefined();
    expect(into).toEqual({ diagnostics: [], failed: [] });
  });
});

describe('runTerraformJson (real terraform, built-in provider only)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'local-aws-tf-'));
    writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({
        resource: {
          terraform_data: {
            kept: { input: 'fine' },
            broken: { provisioner: [{ 'local-exec': { command: 'exit 3' } }] },
          },
        },
      }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a failing apply reports progress and the failed address, and keeps the partial apply in state', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: dir, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    const init = await runTerraformJson('terraform init', ['init', '-input=false'], { cwd: dir, env });
    expect(init.code).toBe(0);
    const events: ResourceEvent[] = [];
    let planned: ChangeCounts | undefined;
    const run = await runTerraformJson('terraform apply', ['apply', '-auto-approve', '-input=false'], {
      cwd: dir,
      env,
      onEvent: (event) => events.push(event),
      onPlanned: (counts) => {
        planned = counts;
      },
    });
    expect(run.code).toBe(1);
    expect(planned).toEqual({ add: 2, change: 0, remove: 0 });
    expect(failedResources(run)).toEqual(['terraform_data.broken']);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'done', address: 'terraform_data.kept' }));
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'failed', address: 'terraform_data.broken' }),
    );
    const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as {
      resources: { name: string; instances: { status?: string }[] }[];
    };
    // The partial apply is in state: the created resource, and the failed one marked for replacement.
    expect(state.resources.map((r) => [r.name, r.instances[0]?.status ?? 'created']).sort()).toEqual([
      ['broken', 'tainted'],
      ['kept', 'created'],
    ]);
  });
});
