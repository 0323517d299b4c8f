import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AnnotationMetadataEntryType, Aspects, TerraformStack, Testing } from 'cdktf';
import type { IConstruct } from 'constructs';
import { Defaults, EncryptionKey, SecureFunction } from '../src';
import { RuntimeCurrency } from '../src/runtime-currency';
import { fakeNetwork } from './fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'runtime-currency-'));
const bundlePath = path.join(dir, 'bundle.zip');
writeFileSync(bundlePath, 'bytes to hash');

/** A stack with the platform's function, plus raw functions on other runtimes, synthesized on `day`. */
function warningsOn(
  day: string,
  extraRuntimes: readonly string[] = [],
  platformRuntime?: string,
): Map<string, string[]> {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'k', accountId: '111111111111', region: 'eu-west-1' });
  new SecureFunction(stack, 'platform', {
    functionName: 'platform-dev',
    bundlePath,
    key,
    network: fakeNetwork(),
    accountId: '111111111111',
    region: 'eu-west-1',
    ...(platformRuntime ? { runtime: platformRuntime } : {}),
  });
  for (const runtime of extraRuntimes) {
    new LambdaFunction(stack, `raw-${runtime}`, {
      functionName: `raw-${runtime.replace('.', '-')}`,
      role: 'arn:aws:iam::111111111111:role/r',
      handler: 'index.handler',
      runtime,
      filename: bundlePath,
    });
  }
  Aspects.of(stack).add(new RuntimeCurrency({ now: () => new Date(`${day}T09:00:00Z`) }));
  Testing.synth(stack);
  const warnings = new Map<string, string[]>();
  const walk = (node: IConstruct) => {
    for (const entry of node.node.metadata) {
      if (entry.type !== AnnotationMetadataEntryType.WARN) continue;
      warnings.set(node.node.path, [...(warnings.get(node.node.path) ?? []), String(entry.data)]);
    }
    for (const child of node.node.children) walk(child);
  };
  walk(stack);
  return warnings;
}

const runtimeWarnings = (warnings: Map<string, string[]>) =>
  [...warnings.entries()].flatMap(([where, messages]) =>
    messages.filter((m) => m.startsWith('runtime ')).map((m) => `${where}: ${m}`),
  );

describe('RuntimeCurrency (fixed clock)', () => {
  test('the platform runtime is the contract constant', () => {
    expect(Defaults.LAMBDA_RUNTIME).toBe('nodejs22.x');
  });

  test('181 days before nodejs22.x is deprecated: no warning', () => {
    expect(runtimeWarnings(warningsOn('2026-10-31'))).toEqual([]);
  });

  test('180 days before: a warning on the function, with the dates and what to change', () => {
    const found = runtimeWarnings(warningsOn('2026-11-01'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^stack\/platform\/.*: runtime nodejs22\.x is deprecated by AWS in 180 days /);
    expect(found[0]).toContain('deprecation 2027-04-30, creating functions blocked from 2027-06-01');
    expect(found[0]).toContain('updating them from 2027-07-01');
    expect(found[0]).toContain('LAMBDA_RUNTIME');
  });

  test('past the deprecation day: the warning says so', () => {
    const [found] = runtimeWarnings(warningsOn('2027-05-02'));
    expect(found).toContain('runtime nodejs22.x is deprecated by AWS since 2027-04-30');
  });

  test('another runtime value: nodejs24.x synthesizes and is current; nodejs20.x warns; unknown runtimes are left alone', () => {
    const found = runtimeWarnings(warningsOn('2026-12-07', ['nodejs24.x', 'nodejs20.x', 'python3.13']));
    expect(found.filter((w) => w.startsWith('stack/raw-nodejs24.x'))).toEqual([]);
    expect(found.filter((w) => w.startsWith('stack/raw-python3.13'))).toEqual([]);
    expect(found.filter((w) => w.startsWith('stack/raw-nodejs20.x'))).toEqual([
      expect.stringContaining('runtime nodejs20.x is deprecated by AWS since 2026-04-30'),
    ]);
    expect(found.filter((w) => w.startsWith('stack/platform/'))).toEqual([
      expect.stringContaining('runtime nodejs22.x is deprecated by AWS in 144 days'),
    ]);
  });

  test('a SecureFunction moved to nodejs24.x (the runtime prop) synthesizes it and is current until 2027-11', () => {
    expect(runtimeWarnings(warningsOn('2027-05-01', [], 'nodejs24.x'))).toEqual([]);
    expect(runtimeWarnings(warningsOn('2027-11-02', [], 'nodejs24.x'))).toEqual([
      expect.stringContaining('runtime nodejs24.x is deprecated by AWS in 180 days'),
    ]);
  });

  test('the warning window can be changed', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const fn = new LambdaFunction(stack, 'fn', {
      functionName: 'f',
      role: 'arn:aws:iam::111111111111:role/r',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      filename: bundlePath,
    });
    Aspects.of(stack).add(new RuntimeCurrency({ now: () => new Date('2026-12-07'), warningDays: 30 }));
    Testing.synth(stack);
    expect(fn.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN)).toEqual([]);
  });
});
