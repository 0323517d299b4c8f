import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FunctionDeclarationError } from '@secure-lambda/contracts/functions';
import { Testing } from 'cdktf';
import { PLACEHOLDER_BUNDLE } from '../src/bundles';
import { environments } from '../src/config';
import { type DeclaredFunction, discoverFunctions } from '../src/declarations';
import { PlatformStack } from '../src/platform-stack';

let appsDir: string;

beforeEach(() => {
  appsDir = path.join(mkdtempSync(path.join(tmpdir(), 'Secure-Lambda-Apps-')), 'apps');
  mkdirSync(appsDir);
});
afterEach(() => rmSync(path.dirname(appsDir), { recursive: true, force: true }));

function app(name: string, declaration: string, packageName = `@secure-lambda/${name}`): void {
  mkdirSync(path.join(appsDir, name));
  writeFileSync(path.join(appsDir, name, 'package.json'), JSON.stringify({ name: packageName }));
  writeFileSync(path.join(appsDir, name, 'function.ts'), declaration);
}

function failure(): FunctionDeclarationError {
  try {
    discoverFunctions(appsDir);
  } catch (error) {
    if (error instanceof FunctionDeclarationError) return error;
    throw error;
  }
  throw new Error('expected a FunctionDeclarationError');
}

describe('discoverFunctions', () => {
  test('the repository declares its three samples, each in its own app folder', () => {
    expect(discoverFunctions().map((f) => [f.declaration.name, f.declaration.trigger.type])).toEqual([
      ['crypto-api', 'url'],
      ['deployment-hook', 'deployment-hook'],
      ['object-processor', 's3'],
    ]);
  });

  test('reads TypeScript declarations with imports, sorted by name; folders without one are not functions', () => {
    app(
      'zeta',
      "import { defineFunction } from '@secure-lambda/contracts/functions';\n" +
        "const t: 'url' = 'url';\nexport default defineFunction({ name: 'zeta', trigger: { type: t } });\n",
    );
    app('alpha', "export default { name: 'alpha', trigger: { type: 'sqs', batchSize: 5 } };\n");
    mkdirSync(path.join(appsDir, 'not-an-app'));
    expect(discoverFunctions(appsDir).map((f) => f.declaration)).toEqual([
      { name: 'alpha', environment: {}, trigger: { type: 'sqs', batchSize: 5 }, grants: [] },
      { name: 'zeta', environment: {}, trigger: { type: 'url' }, grants: [] },
    ]);
  });

  test('a declaration names its own folder and package', () => {
    app('report', "export default { name: 'reports', trigger: { type: 'url' } };\n");
    expect(failure().message).toMatch(
      /apps\/report\/function\.ts: name: "reports" differs from its folder "report"/,
    );
    rmSync(path.join(appsDir, 'report'), { recursive: true });
    app('report', "export default { name: 'report', trigger: { type: 'url' } };\n", '@acme/reporting');
    expect(failure().message).toMatch(/name it @secure-lambda\/report/);
  });

  test('no default export, a syntax error, a throw and a bad field are each a typed error naming the file', () => {
    app('a', "export const fn = { name: 'a', trigger: { type: 'url' } };\n");
    expect(failure().message).toMatch(/apps\/a\/function\.ts: \(file\): has no default export/);
    rmSync(path.join(appsDir, 'a'), { recursive: true });
    app('b', 'export default {\n');
    expect(failure().message).toMatch(/function\.ts: \(file\): cannot be compiled/);
    rmSync(path.join(appsDir, 'b'), { recursive: true });
    app('c', "throw new Error('boom');\n");
    expect(failure().message).toMatch(/threw while loading: boom/);
    rmSync(path.join(appsDir, 'c'), { recursive: true });
    app('d', "export default { name: 'd', trigger: { type: 'url' }, grants: [{ Action: 's3:*' }] };\n");
    expect(failure().field).toBe('grants[0].type');
  });

  test('the set is checked as a whole: one deployment hook', () => {
    app('h1', "export default { name: 'h1', trigger: { type: 'deployment-hook' } };\n");
    app('h2', "export default { name: 'h2', trigger: { type: 'deployment-hook' } };\n");
    expect(failure().message).toMatch(/only one function can be the deployment hook/);
  });
});

describe('PlatformStack from declarations', () => {
  const declared = (...declarations: DeclaredFunction['declaration'][]): DeclaredFunction[] =>
    declarations.map((declaration) => ({ declaration, appDir: `/apps/${declaration.name}` }));
  const synth = (functions: DeclaredFunction[], env = environments.prod) => {
    const stack = new PlatformStack(
      Testing.app(),
      `secure-lambda-${env.name}`,
      env,
      {
        gaps: [],
        bundles: Object.fromEntries(functions.map((f) => [f.declaration.name, PLACEHOLDER_BUNDLE])),
      },
      functions,
    );
    return {
      stack,
      json: JSON.parse(Testing.synth(stack)) as Record<
        string,
        Record<string, Record<string, Record<string, unknown>>>
      >,
    };
  };

  test('a new declaration is a new function with its outputs, guardrail entry and release entry: no stack code changes', () => {
    const { stack, json } = synth(
      declared(
        { name: 'ledger', trigger: { type: 'url' }, grants: [], environment: { LEDGER_MODE: 'strict' } },
        {
          name: 'deployment-hook',
          trigger: { type: 'deployment-hook' },
          deployment: { type: 'all-at-once' },
        },
      ),
    );
    expect(stack.functions.map((f) => f.functionName)).toEqual(['secure-lambda-prod-ledger']);
    expect(stack.deploymentHook?.functionName).toBe('secure-lambda-prod-deployment-hook');
    const outputs = Object.keys(json.output ?? {});
    for (const name of [
      'ledger-function-name',
      'ledger-alias-arn',
      'ledger-url',
      'ledger-function-arn',
      'ledger-callers-policy-arn',
    ]) {
      expect(outputs).toContain(name);
    }
    const fn = Object.values(json.resource!.aws_lambda_function!).find(
      (f) => f.function_name === 'secure-lambda-prod-ledger',
    );
    expect((fn!.environment as { variables: Record<string, string> }).variables).toEqual({
      LEDGER_MODE: 'strict',
      NODE_OPTIONS: '--enable-source-maps',
    });
    const guardrail = JSON.parse(
      String((json.output!['direct-invoke-guardrail'] as unknown as { value: string }).value),
    );
    expect(JSON.stringify(guardrail)).toContain('secure-lambda-prod-ledger');
  });

  test('grants become the environment and the role policy: prefixed bucket access, data key under its context', () => {
    const { json } = synth(
      declared({
        name: 'report',
        trigger: { type: 'url' },
        grants: [
          { type: 'bucket', bucket: 'output', access: 'write', prefix: 'reports/' },
          { type: 'data-key', use: 'encrypt', encryptionContext: { app: 'report' } },
        ],
      }),
      environments.dev,
    );
    const fn = Object.values(json.resource!.aws_lambda_function!).find(
      (f) => f.function_name === 'secure-lambda-dev-report',
    );
    expect((fn!.environment as { variables: Record<string, string> }).variables).toMatchObject({
      OUTPUT_BUCKET: expect.stringContaining('aws_s3_bucket.output-bucket'),
      KEY_ARN: expect.stringContaining('aws_kms_key.'),
    });
    const documents = JSON.stringify(
      Object.entries(json.data!.aws_iam_policy_document!).find(([id]) =>
        id.startsWith('report_policy_document'),
      )?.[1],
    );
    expect(documents).toContain('arn:aws:s3:::secure-lambda-dev-111111111111-output/reports/*');
    expect(documents).not.toContain('arn:aws:s3:::secure-lambda-dev-111111111111-output/*"');
    expect(documents).toContain('"values":["report"],"variable":"kms:EncryptionContext:app"');
  });

  test('an sqs function publishes its queue URL; a queue grant sends to exactly that queue', () => {
    const { json } = synth(
      declared(
        { name: 'orders', trigger: { type: 'sqs' }, grants: [] },
        {
          name: 'api',
          trigger: { type: 'url' },
          grants: [{ type: 'queue', access: 'send', function: 'orders' }],
        },
      ),
      environments.dev,
    );
    expect(Object.keys(json.output ?? {})).toContain('orders-queue-url');
    const api = Object.values(json.resource!.aws_lambda_function!).find(
      (f) => f.function_name === 'secure-lambda-dev-api',
    );
    expect((api!.environment as { variables: Record<string, string> }).variables.ORDERS_QUEUE_URL).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111111111111/secure-lambda-dev-orders-queue',
    );
    const policy = JSON.stringify(
      Object.entries(json.data!.aws_iam_policy_document!).find(([id]) =>
        id.startsWith('api_policy_document'),
      )?.[1],
    );
    expect(policy).toContain('sqs:SendMessage');
    expect(policy).toContain(
      '"resources":["arn:aws:sqs:eu-west-1:111111111111:secure-lambda-dev-orders-queue"]',
    );
  });

  test('the hook is not deployed when every function is released at once, and cannot itself be progressive', () => {
    const hook = { name: 'deployment-hook', trigger: { type: 'deployment-hook' } } as const;
    expect(
      synth(declared({ name: 'api', trigger: { type: 'url' } }, hook), environments.dev).stack.deploymentHook,
    ).toBeUndefined();
    expect(() =>
      synth(
        declared(
          { name: 'api', trigger: { type: 'url' } },
          { ...hook, deployment: { type: 'canary', percent: 10, minutes: 5 } },
        ),
      ),
    ).toThrow(/cannot be released through a deployment it would have to approve/);
  });
});
