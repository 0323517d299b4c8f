/**
 * A secret's value never enters Terraform state (README: "the value is set out of band and never enters
 * Terraform state"). Real terraform with the offline provider applies SecureSecret (Secrets Manager and
 * Parameter Store) to moto; the value is then set out of band, as the README says, and terraform refreshes
 * and plans again: the state file and the plan must not contain the value, and the plan must be empty.
 *
 * Why this needs a real run: the provider reads an SSM parameter back decrypted on every refresh, so a
 * `value` with `ignore_changes` would copy the real secret into the state (seen with provider 5.100.0);
 * only the write-only `value_wo` keeps it out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EncryptionKey, SecureSecret } from '@secure-lambda/constructs';
import { type MotoServer, startMotoServer } from '@secure-lambda/moto';
import { prepareTerraform } from '@secure-lambda/terraform';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';

const TIMEOUT_MS = 600_000;
const SECRET_VALUE = `out-of-band-${Date.now().toString(36)}-Zq8vW3rT`;

let moto: MotoServer;
let work: string;

beforeAll(async () => {
  moto = await startMotoServer();
  work = mkdtempSync(path.join(tmpdir(), 'Secret-State-'));
}, TIMEOUT_MS);

afterAll(async () => {
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function synthesize(): string {
  const app = new App({ outdir: path.join(work, 'out') });
  const stack = new TerraformStack(app, 'secrets');
  new LocalBackend(stack, { path: path.join(work, 'terraform.tfstate') });
  new AwsProvider(stack, 'aws', {
    region: moto.region,
    accessKey: 'test',
    secretKey: 'test',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    endpoints: [
      { kms: moto.endpoint, ssm: moto.endpoint, secretsmanager: moto.endpoint, sts: moto.endpoint },
    ],
  });
  const where = { accountId: moto.accountId, region: moto.region };
  const key = new EncryptionKey(stack, 'key', { alias: 'secret-state', ...where });
  const ssm = new SecureSecret(stack, 'ssm', {
    name: '/secure-lambda-test/token',
    store: 'ssm',
    key,
    ...where,
  });
  const sm = new SecureSecret(stack, 'sm', {
    name: 'secure-lambda-test/token',
    store: 'secretsmanager',
    key,
    ...where,
  });
  new TerraformOutput(stack, 'names', { value: [ssm.name, sm.name] });
  app.synth();
  return path.join(work, 'out', 'stacks', 'secrets');
}

function terraform(dir: string, ...args: string[]): string {
  const { env } = prepareTerraform();
  const result = spawnSync('terraform', args, {
    cwd: dir,
    env: { ...env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  });
  if (result.status !== 0 && !(args[0] === 'plan' && result.status === 2)) {
    throw new Error(
      `terraform ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return `${result.stdout}\n${result.stderr}`;
}

test(
  '[TM-SECRET-01] a secret set out of band is in neither the state nor the plan, and the plan stays empty',
  async () => {
    const dir = synthesize();
    terraform(dir, 'init', '-input=false', '-no-color');
    terraform(dir, 'apply', '-auto-approve', '-input=false', '-no-color');
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    await new SSMClient({ endpoint: moto.endpoint, region: moto.region, credentials }).send(
      new PutParameterCommand({
        Name: '/secure-lambda-test/token',
        Type: 'SecureString',
        Value: SECRET_VALUE,
        Overwrite: true,
      }),
    );
    await new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials }).send(
      new PutSecretValueCommand({ SecretId: 'secure-lambda-test/token', SecretString: SECRET_VALUE }),
    );
    terraform(dir, 'apply', '-refresh-only', '-auto-approve', '-input=false', '-no-color');
    const plan = terraform(dir, 'plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=plan.bin');
    const shownPlan = terraform(dir, 'show', '-json', 'plan.bin');
    const state = readFileSync(path.join(work, 'terraform.tfstate'), 'utf8');
    // The check can fail: the state does hold the parameter and the secret, only not the value.
    expect(state).toContain('/secure-lambda-test/token');
    expect(state).toContain('"type": "aws_secretsmanager_secret"');
    expect(state).not.toContain(SECRET_VALUE);
    expect(shownPlan).not.toContain(SECRET_VALUE);
    expect(plan).toMatch(/No changes\./);
  },
  TIMEOUT_MS,
);
