import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Testing } from 'cdktf';
import { checkAlarmDelivery, type EnvironmentConfig, environments } from '../src/config';
import { ConfigError, StackErrorCode } from '../src/errors';
import { PlatformStack } from '../src/platform-stack';

function synth(env: EnvironmentConfig) {
  const app = Testing.app();
  return Testing.synth(new PlatformStack(app, `secure-lambda-${env.name}`, env));
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('alarm delivery configuration', () => {
  test('[TM-MON-01] prod refuses to synthesize without an alarm delivery, naming the config field', () => {
    const error = thrown(() => synth({ ...environments.prod, alarmDelivery: undefined }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: StackErrorCode.ALARM_DELIVERY_MISSING,
      environment: 'prod',
      field: 'alarmDelivery',
    });
    expect((error as Error).message).toMatch(
      /^environment prod: alarmDelivery: no alarm delivery: name emails/,
    );
    expect(() => synth({ ...environments.prod, alarmDelivery: { emails: [], httpsEndpoints: [] } })).toThrow(
      ConfigError,
    );
  });

  test('[TM-MON-01] every shipped environment names a delivery, and each function topic gets it', () => {
    for (const env of Object.values(environments)) expect(checkAlarmDelivery(env)).toBeGreaterThan(0);
    const out = synth(environments.prod);
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'email',
      endpoint: environments.prod.alarmDelivery!.emails![0],
    });
  });

  test('an existing topic must be an SNS topic of the same account and region', () => {
    const elsewhere = 'arn:aws:sns:us-east-1:222222222222:ops';
    const error = thrown(() =>
      checkAlarmDelivery({ ...environments.prod, alarmDelivery: { topicArn: elsewhere } }),
    );
    expect(error).toMatchObject({ code: StackErrorCode.INVALID_CONFIG, field: 'alarmDelivery.topicArn' });
    const topicArn = 'arn:aws:sns:eu-west-1:222222222222:ops';
    const json = JSON.parse(synth({ ...environments.prod, alarmDelivery: { topicArn } })) as {
      resource: Record<string, Record<string, { alarm_actions?: string[] }>>;
    };
    expect(json.resource.aws_sns_topic).toBeUndefined();
    for (const alarm of Object.values(json.resource.aws_cloudwatch_metric_alarm!)) {
      expect(alarm.alarm_actions).toEqual([topicArn]);
    }
  });

  test('dev without a delivery synthesizes, with a warning', () => {
    const app = Testing.app();
    const stack = new PlatformStack(app, 'secure-lambda-dev', {
      ...environments.dev,
      alarmDelivery: undefined,
    });
    Testing.synth(stack);
    const warnings = stack.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings.some((w) => w.includes('no alarmDelivery configured'))).toBe(true);
  });
});
