import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { TerraformStack, Testing } from 'cdktf';
import { EncryptionKey, InvalidPropError } from '../src';
import { fakeGrantee } from './fixtures';

const base = { alias: 'app-dev', accountId: '111111111111', region: 'eu-west-1' };

function synth(build: (stack: TerraformStack) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  build(stack);
  return Testing.synth(stack);
}

function keyPolicyStatements(synthesized: string): Array<Record<string, unknown>> {
  const parsed = JSON.parse(synthesized) as {
    data: { aws_iam_policy_document: Record<string, { statement: Array<Record<string, unknown>> }> };
  };
  return Object.values(parsed.data.aws_iam_policy_document)[0]!.statement;
}

describe('EncryptionKey', () => {
  test('rotation, 30-day deletion window and an alias by default', () => {
    const out = synth((stack) => new EncryptionKey(stack, 'key', base));
    expect(out).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(out).toHaveResourceWithProperties(KmsAlias, { name: 'alias/app-dev' });
    expect(out).toHaveDataSource(DataAwsIamPolicyDocument);
  });

  test('the key policy never grants kms:* and limits CloudWatch Logs to registered log groups', () => {
    const out = synth((stack) => {
      const key = new EncryptionKey(stack, 'key', base);
      key.allowLogGroup('/aws/lambda/fn');
    });
    const statements = keyPolicyStatements(out);
    for (const s of statements) expect(s.actions).not.toContain('kms:*');
    const logs = statements.find((s) => s.sid === 'CloudWatchLogsForRegisteredLogGroups')!;
    expect(logs.condition).toEqual([
      {
        test: 'ArnLike',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: ['arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/fn'],
      },
    ]);
  });

  test('no log group registered means no CloudWatch Logs statement at all', () => {
    const statements = keyPolicyStatements(synth((stack) => new EncryptionKey(stack, 'key', base)));
    expect(statements.map((s) => s.sid)).not.toContain('CloudWatchLogsForRegisteredLogGroups');
  });

  test('grants are least privilege, bound to the encryption context, and idempotent', () => {
    const grantee = fakeGrantee();
    synth((stack) => {
      const key = new EncryptionKey(stack, 'key', base);
      const first = key.grantEncryptDecrypt(grantee, { encryptionContext: { tenant: 'acme' } });
      const again = key.grantEncryptDecrypt(grantee, { encryptionContext: { tenant: 'acme' } });
      expect(again.statements[0]).toBe(first.statements[0]);
    });
    expect(grantee.statements).toHaveLength(1);
    expect(grantee.statements[0]).toMatchObject({
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      conditions: [{ test: 'StringEquals', variable: 'kms:EncryptionContext:tenant', values: ['acme'] }],
    });
    expect(grantee.services).toEqual(['kms']);
  });

  test('[TM-KMS-01] no use is delegated to the account: each grant names its role by aws:PrincipalArn', () => {
    const grantee = fakeGrantee();
    const statements = keyPolicyStatements(
      synth((stack) => {
        const key = new EncryptionKey(stack, 'key', base);
        key.grantEncryptDecrypt(grantee, { encryptionContext: { app: 'billing' } });
        key.grantUseVia(grantee, 'sqs', {
          encryptionContext: { 'aws:sqs:arn': 'arn:aws:sqs:eu-west-1:111111111111:q' },
        });
      }),
    );
    expect(statements.map((s) => s.sid)).not.toContain('AccountUseDelegatedToIam');
    const uses = statements.filter((s) => String(s.sid).startsWith('Use'));
    expect(uses).toHaveLength(2);
    for (const use of uses) {
      expect(use.principals).toEqual([{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }]);
      expect(use.condition).toContainEqual({
        test: 'ArnEquals',
        variable: 'aws:PrincipalArn',
        values: [grantee.principalArn],
      });
    }
    const admin = statements.find((s) => s.sid === 'AccountAdministrationViaIam')!;
    expect(admin.actions).toContain('kms:PutKeyPolicy');
    expect((admin.actions as string[]).filter((a) => /Decrypt|Encrypt|GenerateDataKey/.test(a))).toEqual([]);
  });

  test('[TM-KMS-01] an app-data context is denied to every principal but the roles granted it', () => {
    const reader = 'arn:aws:iam::111111111111:role/reports';
    const statements = keyPolicyStatements(
      synth((stack) => {
        const key = new EncryptionKey(stack, 'key', base);
        key.grantEncrypt(fakeGrantee(), { encryptionContext: { app: 'billing' } });
        key.grantToPrincipal(reader, 'decrypt', { encryptionContext: { app: 'billing' } });
      }),
    );
    const denies = statements.filter((s) => s.effect === 'Deny');
    expect(denies.map((d) => d.actions)).toEqual([
      ['kms:Decrypt', 'kms:ReEncryptFrom'],
      ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncryptTo'],
    ]);
    const [decrypt, encrypt] = denies;
    expect(decrypt!.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:EncryptionContext:app', values: ['billing'] },
      { test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [reader] },
    ]);
    expect(encrypt!.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:EncryptionContext:app', values: ['billing'] },
      {
        test: 'ArnNotEquals',
        variable: 'aws:PrincipalArn',
        values: ['arn:aws:iam::111111111111:role/fn-role'],
      },
    ]);
  });

  test('a grantee without a role ARN, or a principal that is not an IAM ARN, is refused with InvalidPropError', () => {
    const { principalArn: _, ...anonymous } = fakeGrantee();
    synth((stack) => {
      const key = new EncryptionKey(stack, 'key', base);
      expect(() => key.grantDecrypt(anonymous)).toThrow(InvalidPropError);
      expect(() => key.grantDecrypt(anonymous)).toThrow(/give the grantee a principalArn/);
      expect(() => key.grantToPrincipal('*', 'decrypt')).toThrow(
        /invalid principalArn: "\*" is not an IAM role/,
      );
    });
  });

  test.each([
    [{ deletionWindowInDays: 3 }, /invalid deletionWindowInDays: 3 is outside 7..30/],
    [{ accountId: '123' }, /invalid accountId/],
    [{ alias: 'alias/x' }, /invalid alias/],
  ])('bad props %j give an InvalidPropError naming the construct path', (override, message) => {
    expect(() => synth((stack) => new EncryptionKey(stack, 'key', { ...base, ...override }))).toThrow(
      message,
    );
    try {
      synth((stack) => new EncryptionKey(stack, 'key', { ...base, ...override }));
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPropError);
      expect((error as InvalidPropError).constructPath).toBe('stack/key');
    }
  });
});
