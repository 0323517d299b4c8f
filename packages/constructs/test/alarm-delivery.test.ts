import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformStack, Testing } from 'cdktf';
import { EncryptionKey, InvalidPropError, SecureFunction, type SecureFunctionProps } from '../src';
import { fakeNetwork } from './fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'Alarm-Delivery-'));
const bundlePath = path.join(dir, 'bundle.zip');
writeFileSync(bundlePath, 'bytes to hash');

function build(overrides: Partial<SecureFunctionProps>) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'k', accountId: '111111111111', region: 'eu-west-1' });
  new SecureFunction(stack, 'fn', {
    functionName: 'processor-dev',
    bundlePath,
    key,
    network: fakeNetwork(),
    accountId: '111111111111',
    region: 'eu-west-1',
    ...overrides,
  });
  return Testing.synth(stack);
}

describe('SecureFunction alarm delivery', () => {
  test('[TM-MON-01] each configured email and HTTPS endpoint subscribes the function topic', () => {
    const out = build({
      alarmDelivery: { emails: ['oncall@example.com'], httpsEndpoints: ['https://hooks.example.com/alarms'] },
    });
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'email',
      endpoint: 'oncall@example.com',
    });
    const json = JSON.parse(out) as { resource: Record<string, Record<string, { topic_arn?: string }>> };
    const [topic] = Object.keys(json.resource.aws_sns_topic!);
    for (const subscription of Object.values(json.resource.aws_sns_topic_subscription!)) {
      expect(subscription.topic_arn).toBe(`\${aws_sns_topic.${topic}.arn}`);
    }
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'https',
      endpoint: 'https://hooks.example.com/alarms',
    });
  });

  test('[TM-MON-01] an existing topic replaces the own topic, and cannot also take subscriptions', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:ops-alarms';
    const out = build({ alarmTopicArn: topicArn });
    expect(out).not.toHaveResource(SnsTopic);
    expect(out).not.toHaveResource(SnsTopicSubscription);
    expect(() => build({ alarmTopicArn: topicArn, alarmDelivery: { emails: ['a@example.com'] } })).toThrow(
      /invalid alarmDelivery: the function publishes to the existing alarmTopicArn/,
    );
  });

  test.each([
    [
      { emails: ['not-an-address'] },
      /invalid alarmDelivery.emails: "not-an-address" is not an email address/,
    ],
    [
      { httpsEndpoints: ['http://hooks.example.com'] },
      /invalid alarmDelivery.httpsEndpoints: .* is not https/,
    ],
    [{ httpsEndpoints: ['::'] }, /invalid alarmDelivery.httpsEndpoints: "::" is not a URL/],
  ])('bad delivery %j is an InvalidPropError naming the field', (alarmDelivery, message) => {
    expect(() => build({ alarmDelivery })).toThrow(message);
    expect(() => build({ alarmDelivery })).toThrow(InvalidPropError);
  });
});
