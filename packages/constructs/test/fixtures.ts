import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import {
  type AwsService,
  EncryptionKey,
  type IFunctionNetwork,
  type IGrantee,
  InvalidPropError,
  type PolicyStatement,
  SecureFunction,
  type SecureFunctionProps,
} from '../src';

export type RecordingGrantee = IGrantee & { statements: PolicyStatement[]; services: string[] };

/** A grantee that records what grants add (idempotent by sid, like SecureFunction). */
export function fakeGrantee(): RecordingGrantee {
  const statements: PolicyStatement[] = [];
  const services: string[] = [];
  return {
    grantPath: 'stack/fn',
    principalArn: 'arn:aws:iam::111111111111:role/fn-role',
    statements,
    services,
    addToRolePolicy(s) {
      const existing = statements.find((x) => x.sid === s.sid);
      if (existing) return existing;
      statements.push(s);
      return s;
    },
    useService(service) {
      if (!services.includes(service)) services.push(service);
    },
  };
}

/** A network double for SecureFunction: records the services and the security groups it is told about. */
export function fakeNetwork(): IFunctionNetwork & { used: AwsService[]; allowed: string[] } {
  const used: AwsService[] = [];
  const allowed: string[] = [];
  return {
    vpcId: 'vpc-123',
    privateSubnetIds: ['subnet-a', 'subnet-b'],
    endpointSecurityGroupId: 'sg-endpoints',
    s3PrefixListId: 'pl-s3',
    used,
    allowed,
    useService(service) {
      if (!used.includes(service)) used.push(service);
    },
    allowFrom(_sg, label) {
      allowed.push(label);
    },
  };
}

/** A bundle file to hash (its bytes are not a real zip: the constructs only hash it). */
export function fakeBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'constructs-bundle-'));
  const bundlePath = path.join(dir, 'bundle.zip');
  writeFileSync(bundlePath, 'bytes to hash');
  return bundlePath;
}

export const ACCOUNT_ID = '111111111111';
export const REGION = 'eu-west-1';

/** A stack with a key and a function factory, for the trigger and secret tests. */
export function functionStack(): {
  readonly stack: TerraformStack;
  readonly key: EncryptionKey;
  readonly network: ReturnType<typeof fakeNetwork>;
  fn(name: string, overrides?: Partial<SecureFunctionProps>): SecureFunction;
  synth(): SynthesizedJson;
} {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'k', accountId: ACCOUNT_ID, region: REGION });
  const network = fakeNetwork();
  const bundlePath = fakeBundle();
  return {
    stack,
    key,
    network,
    fn: (name, overrides = {}) =>
      new SecureFunction(stack, name, {
        functionName: name,
        bundlePath,
        key,
        network,
        accountId: ACCOUNT_ID,
        region: REGION,
        ...overrides,
      }),
    synth: () => JSON.parse(Testing.synth(stack)) as SynthesizedJson,
  };
}

export type Block = Record<string, unknown>;

export interface SynthesizedJson {
  readonly resource: Record<string, Record<string, Block>>;
  readonly data: Record<string, Record<string, Block>>;
}

/** One IAM statement as synthesized into an aws_iam_policy_document. */
export interface StatementJson {
  readonly sid: string;
  readonly effect: string;
  readonly actions: string[];
  readonly resources?: string[];
  readonly condition?: Array<{ test: string; variable: string; values: string[] }>;
  readonly principals?: Array<{ type: string; identifiers: string[] }>;
}

/** `[name, block]` of every resource of a type. */
export function resourcesOf(json: SynthesizedJson, type: string): Array<[string, Block]> {
  return Object.entries(json.resource[type] ?? {});
}

/**
 * The one resource of a type at a construct path below the stack (`fn/queue/queue`). cdktf names a
 * resource by its path joined with "_" and a hash (Testing.synth drops the path metadata).
 */
export function resourceAt(json: SynthesizedJson, type: string, constructPath: string): Block {
  return resourcesOf(json, type).find(([name]) => name === logicalIdOf(json, type, constructPath))![1];
}

/** The logical id of the resource at a construct path; throws unless exactly one matches. */
export function logicalIdOf(json: SynthesizedJson, type: string, constructPath: string): string {
  // cdktf drops a path component that repeats the one before it (fn/queue/queue gives fn_queue_<hash>).
  const stem = constructPath
    .split('/')
    .filter((part, i, parts) => i === 0 || part !== parts[i - 1])
    .join('_');
  const found = resourcesOf(json, type).filter(
    ([name]) => name.startsWith(`${stem}_`) && /^[0-9A-F]{8}$/.test(name.slice(stem.length + 1)),
  );
  if (found.length !== 1) throw new Error(`${found.length} ${type} at ${constructPath}`);
  return found[0]![0];
}

/** `${type.id.attribute}` of the resource at a construct path. */
export function refTo(json: SynthesizedJson, type: string, constructPath: string, attribute: string): string {
  return `\${${type}.${logicalIdOf(json, type, constructPath)}.${attribute}}`;
}

/** The statements of the policy document an attribute references (`${data.aws_iam_policy_document.x.json}`). */
export function statementsOf(json: SynthesizedJson, reference: unknown): StatementJson[] {
  const name = /\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}/.exec(String(reference))?.[1];
  if (!name) throw new Error(`${String(reference)} is not a policy document reference`);
  return json.data.aws_iam_policy_document![name]!.statement as StatementJson[];
}

/** The key policy's statements. */
export function keyPolicy(json: SynthesizedJson): StatementJson[] {
  const [[, key]] = resourcesOf(json, 'aws_kms_key') as [[string, Block]];
  return statementsOf(json, key.policy);
}

/** A condition as one comparable string: `test variable value,value`. */
export function conditionsOf(statement: StatementJson | undefined): string[] {
  return (statement?.condition ?? []).map((c) => `${c.test} ${c.variable} ${c.values.join(',')}`).sort();
}

/** The InvalidPropError a construction throws (any other outcome fails the test). */
export function errorOf(run: () => unknown): InvalidPropError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidPropError) return error;
    throw error;
  }
  throw new Error('expected an InvalidPropError');
}
