import { SecureSecret, type SecureSecretProps } from '../src';
import {
  ACCOUNT_ID,
  conditionsOf,
  errorOf,
  fakeGrantee,
  functionStack,
  keyPolicy,
  REGION,
  refTo,
  resourceAt,
  resourcesOf,
  statementsOf,
} from './fixtures';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:billing/api-token-??????';
const PARAMETER_ARN = 'arn:aws:ssm:eu-west-1:111111111111:parameter/billing/db-password';

function build(props: Partial<SecureSecretProps> & Pick<SecureSecretProps, 'store' | 'name'>) {
  const f = functionStack();
  const secret = new SecureSecret(f.stack, 'secret', {
    key: f.key,
    accountId: ACCOUNT_ID,
    region: REGION,
    ...props,
  });
  return { ...f, secret };
}

describe('SecureSecret in Secrets Manager', () => {
  const { synth, secret, fn, network } = build({
    store: 'secretsmanager',
    name: 'billing/api-token',
    description: 'token of the billing API',
  });
  const reader = fn('reader');
  const grant = secret.grantRead(reader);
  const json = synth();

  test('a secret without a version, under the platform key, recoverable for 30 days', () => {
    expect(resourceAt(json, 'aws_secretsmanager_secret', 'secret/secret')).toEqual({
      name: 'billing/api-token',
      description: 'token of the billing API',
      kms_key_id: refTo(json, 'aws_kms_key', 'key/key', 'arn'),
      recovery_window_in_days: 30,
    });
    // The value is put out of band: nothing of it is in the configuration or the state.
    expect(resourcesOf(json, 'aws_secretsmanager_secret_version')).toEqual([]);
    expect([secret.name, secret.store, secret.arn]).toEqual([
      'billing/api-token',
      'secretsmanager',
      SECRET_ARN,
    ]);
  });

  test('grantRead: GetSecretValue on this secret only; Decrypt only through Secrets Manager for this secret', () => {
    const statements = statementsOf(
      json,
      resourceAt(json, 'aws_iam_role_policy', 'reader/role-policy').policy,
    );
    const added = statements.filter((s) => grant.statements.some((g) => g.sid === s.sid));
    expect(added.map((s) => [s.actions, s.resources, conditionsOf(s)])).toEqual([
      [['secretsmanager:GetSecretValue'], [SECRET_ARN], []],
      [
        ['kms:Decrypt'],
        [refTo(json, 'aws_kms_key', 'key/key', 'arn')],
        [
          'StringEquals kms:ViaService secretsmanager.eu-west-1.amazonaws.com',
          `StringLike kms:EncryptionContext:SecretARN ${SECRET_ARN}`,
        ],
      ],
    ]);
    expect(reader.services).toEqual(['secretsmanager']);
    expect(network.used).toEqual(['secretsmanager']);
  });

  test('the key policy: the reader decrypts this secret through Secrets Manager; writers may only encrypt it', () => {
    const forSecret = keyPolicy(json).filter((s) =>
      conditionsOf(s).includes(`StringLike kms:EncryptionContext:SecretARN ${SECRET_ARN}`),
    );
    expect(forSecret.map((s) => [s.actions, conditionsOf(s)])).toEqual([
      [
        ['kms:GenerateDataKey'],
        [
          'StringEquals kms:ViaService secretsmanager.eu-west-1.amazonaws.com',
          `StringLike kms:EncryptionContext:SecretARN ${SECRET_ARN}`,
        ],
      ],
      [
        ['kms:Decrypt'],
        [
          'ArnEquals aws:PrincipalArn arn:aws:iam::111111111111:role/reader-role',
          'StringEquals kms:ViaService secretsmanager.eu-west-1.amazonaws.com',
          `StringLike kms:EncryptionContext:SecretARN ${SECRET_ARN}`,
        ],
      ],
    ]);
  });

  test('granting twice adds nothing', () => {
    const grantee = fakeGrantee();
    const first = secret.grantRead(grantee);
    expect(secret.grantRead(grantee).statements).toEqual(first.statements);
    expect(grantee.statements).toHaveLength(2);
  });
});

describe('SecureSecret in Parameter Store', () => {
  const { synth, secret, fn } = build({ store: 'ssm', name: '/billing/db-password' });
  const reader = fn('reader');
  secret.grantRead(reader);
  const json = synth();

  test('a SecureString under the platform key, its placeholder written once through the write-only value_wo', () => {
    const parameter = resourceAt(json, 'aws_ssm_parameter', 'secret/parameter');
    expect(parameter).toEqual({
      name: '/billing/db-password',
      description: '',
      type: 'SecureString',
      key_id: refTo(json, 'aws_kms_key', 'key/key', 'arn'),
      tier: 'Standard',
      value_wo: expect.stringContaining('placeholder'),
      value_wo_version: 1,
    });
    // `value` (even with ignore_changes) would be read back, decrypted, into the state on every refresh.
    expect(parameter).not.toHaveProperty('value');
    expect(parameter).not.toHaveProperty('insecure_value');
    expect(secret.arn).toBe(PARAMETER_ARN);
  });

  test('grantRead: GetParameter(s) on this parameter only; Decrypt only through SSM for this parameter', () => {
    const statements = statementsOf(
      json,
      resourceAt(json, 'aws_iam_role_policy', 'reader/role-policy').policy,
    );
    const read = statements.find((s) => s.actions.includes('ssm:GetParameter'));
    expect(read).toMatchObject({
      actions: ['ssm:GetParameter', 'ssm:GetParameters'],
      resources: [PARAMETER_ARN],
    });
    const decrypt = statements.find((s) =>
      conditionsOf(s).includes(`StringEquals kms:EncryptionContext:PARAMETER_ARN ${PARAMETER_ARN}`),
    );
    expect(decrypt?.actions).toEqual(['kms:Decrypt']);
    expect(conditionsOf(decrypt)).toContain('StringEquals kms:ViaService ssm.eu-west-1.amazonaws.com');
    expect(reader.services).toEqual(['ssm']);
  });

  test('the key policy: the reader through SSM for this parameter; Terraform and operators write (and refresh) through SSM', () => {
    const forParameter = keyPolicy(json).filter((s) =>
      conditionsOf(s).includes(`StringEquals kms:EncryptionContext:PARAMETER_ARN ${PARAMETER_ARN}`),
    );
    expect(forParameter.map((s) => [s.actions, conditionsOf(s)])).toEqual([
      [
        ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        [
          `StringEquals kms:EncryptionContext:PARAMETER_ARN ${PARAMETER_ARN}`,
          'StringEquals kms:ViaService ssm.eu-west-1.amazonaws.com',
        ],
      ],
      [
        ['kms:Decrypt'],
        [
          'ArnEquals aws:PrincipalArn arn:aws:iam::111111111111:role/reader-role',
          `StringEquals kms:EncryptionContext:PARAMETER_ARN ${PARAMETER_ARN}`,
          'StringEquals kms:ViaService ssm.eu-west-1.amazonaws.com',
        ],
      ],
    ]);
  });
});

describe('SecureSecret validation', () => {
  test.each<[Pick<SecureSecretProps, 'store' | 'name'>, string]>([
    [{ store: 'secretsmanager', name: '' }, 'use 1-512 letters, digits and /_+=.@-'],
    [{ store: 'secretsmanager', name: 'has space' }, 'use 1-512 letters'],
    [{ store: 'secretsmanager', name: 'a'.repeat(513) }, 'use 1-512 letters'],
    [{ store: 'secretsmanager', name: `token-\${'var.x'}` }, 'use 1-512 letters'],
    [{ store: 'ssm', name: 'no-leading-slash' }, 'use a path such as "/app/db-password"'],
    [{ store: 'ssm', name: '/trailing/' }, 'use a path such as'],
    [{ store: 'ssm', name: '/double//slash' }, 'use a path such as'],
    [{ store: 'ssm', name: '/aws/reserved' }, 'reserved by AWS'],
    [{ store: 'ssm', name: '/SSMthing' }, 'reserved by AWS'],
    [{ store: 'ssm', name: `/${Array.from({ length: 16 }, () => 'a').join('/')}` }, 'at most 15 levels'],
    [{ store: 'vault' as 'ssm', name: '/x' }, 'use "secretsmanager" or "ssm"'],
  ])('%j is refused', (props, message) => {
    const error = errorOf(() => build(props));
    expect(error).toMatchObject({ code: 'INVALID_PROP', constructPath: 'stack/secret' });
    expect(error.message).toContain(message);
  });

  test('a grantee without a role ARN cannot be named in the key policy', () => {
    const { secret } = build({ store: 'ssm', name: '/x/y' });
    const { principalArn: _omitted, ...anonymous } = fakeGrantee();
    const error = errorOf(() => secret.grantRead(anonymous));
    expect(error).toMatchObject({ code: 'INVALID_PROP', prop: 'principalArn' });
  });
});
