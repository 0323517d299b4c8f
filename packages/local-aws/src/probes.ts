import { DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import {
  CreateCodeSigningConfigCommand,
  DeleteCodeSigningConfigCommand,
  GetFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { EmulatorGap, EmulatorGapId } from '@secure-lambda/stacks/emulator';
import type { EmulatorClients } from './clients';
import { emulatorPost } from './emulator';
import { errorMessage } from './errors';
import type { SmokeFunction } from './smoke-context';
import { TRIGGER_PROBES } from './trigger-probes';

/** What asking the emulator for a gap's feature showed. */
export interface ProbeResult {
  readonly id: EmulatorGapId;
  /** True when the emulator still lacks the feature (the gap is real); false when it now has it. */
  readonly confirmed: boolean;
  /** What the emulator answered, in a few words. */
  readonly evidence: string;
}

/** What a probe may use: the emulator's clients and, after apply, the deployed names. */
export interface ProbeContext {
  readonly clients: EmulatorClients;
  readonly endpoint: string;
  readonly region: string;
  readonly ca: string;
  /** Set for the after-apply probes. */
  readonly deployed?: {
    /** The declared functions the stack built. */
    readonly functions: readonly SmokeFunction[];
    readonly securityGroupIds: readonly string[];
  };
  /**
   * What each after-apply probe's `prepare` set up before the apply (or why it could not), by gap; the
   * caller passes the same map to both phases.
   */
  readonly prepared?: Map<EmulatorGapId, { readonly value?: unknown; readonly error?: string }>;
}

export interface Probe {
  /** `before-apply` probes ask for the missing API; `after-apply` probes read back a deployed resource. */
  readonly when: 'before-apply' | 'after-apply';
  /** For an after-apply probe that needs time: set up before the apply; `run` gets what this returned. */
  prepare?(context: ProbeContext): Promise<unknown>;
  run(context: ProbeContext, prepared?: unknown): Promise<Omit<ProbeResult, 'id'>>;
}

/**
 * A JSON-protocol call without the SDK: there is no maintained v3 client for Route 53 Resolver at the
 * SDK version this workspace pins (client-route53resolver stops at 3.654), and a probe needs only the
 * status. moto routes by X-Amz-Target and the credential scope; it does not check signatures.
 */
function jsonProtocolCall(
  context: ProbeContext,
  service: string,
  target: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return emulatorPost(`${context.endpoint}/`, context.ca, {
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=local/${date}/${context.region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** One probe per gap of stacks/src/emulator.ts; the Record type makes a gap without a probe a type error. */
export const PROBES: Readonly<Record<EmulatorGapId, Probe>> = {
  'dns-firewall': {
    when: 'before-apply',
    async run(context) {
      const name = `secure-lambda-probe-${process.pid}`;
      const answer = await jsonProtocolCall(
        context,
        'route53resolver',
        'Route53Resolver.CreateFirewallDomainList',
        { CreatorRequestId: name, Name: name },
      );
      if (answer.status >= 200 && answer.status < 300) {
        const id = (JSON.parse(answer.body) as { FirewallDomainList?: { Id?: string } }).FirewallDomainList
          ?.Id;
        if (id) {
          await jsonProtocolCall(context, 'route53resolver', 'Route53Resolver.DeleteFirewallDomainList', {
            FirewallDomainListId: id,
          }).catch(() => undefined);
        }
        return { confirmed: false, evidence: `CreateFirewallDomainList answered HTTP ${answer.status}` };
      }
      const notImplemented = /NotImplemented/.test(answer.body) ? ' NotImplementedError' : '';
      return {
        confirmed: true,
        evidence: `CreateFirewallDomainList answered HTTP ${answer.status}${notImplemented}`,
      };
    },
  },
  'code-signing': {
    when: 'before-apply',
    async run({ clients }) {
      try {
        const created = await clients.lambda.send(
          new CreateCodeSigningConfigCommand({
            AllowedPublishers: {
              SigningProfileVersionArns: [
                'arn:aws:signer:eu-west-1:111111111111:/signing-profiles/probe/abc',
              ],
            },
          }),
        );
        const arn = created.CodeSigningConfig?.CodeSigningConfigArn;
        if (arn) {
          await clients.lambda
            .send(new DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: arn }))
            .catch(() => undefined);
        }
        return { confirmed: false, evidence: 'CreateCodeSigningConfig succeeded' };
      } catch (error) {
        const status = httpStatusOf(error);
        return {
          confirmed: status === 404 || status === 501,
          evidence: `CreateCodeSigningConfig answered HTTP ${status ?? '?'}`,
        };
      }
    },
  },
  'bucket-policy-conditions': {
    when: 'before-apply',
    async run({ clients, region }) {
      // A scratch bucket whose only statement denies plain-HTTP requests, then a PutObject over TLS: AWS
      // allows it (the condition does not match); an emulator that ignores conditions denies it.
      const bucket = `secure-lambda-probe-${process.pid}-${Date.now()}`;
      const s3 = clients.s3;
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: region as never },
        }),
      );
      try {
        await s3.send(
          new PutBucketPolicyCommand({
            Bucket: bucket,
            Policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'DenyInsecureTransport',
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ],
            }),
          }),
        );
        try {
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'probe', Body: 'probe' }));
          await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'probe' }));
          return { confirmed: false, evidence: 'a TLS PutObject under a deny-non-TLS policy succeeded' };
        } catch (error) {
          return {
            confirmed: httpStatusOf(error) === 403,
            evidence: `a TLS PutObject under a deny-non-TLS policy answered HTTP ${httpStatusOf(error) ?? '?'}`,
          };
        }
      } finally {
        await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
        await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      }
    },
  },
  'lambda-config-read-back': {
    when: 'after-apply',
    async run({ clients, deployed }) {
      const missing: string[] = [];
      for (const name of (deployed?.functions ?? []).map((fn) => fn.functionName)) {
        const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
        if (!config.DeadLetterConfig?.TargetArn) missing.push(`${name} DeadLetterConfig`);
        if (!config.LoggingConfig?.LogGroup) missing.push(`${name} LoggingConfig`);
      }
      return missing.length > 0
        ? { confirmed: true, evidence: `GetFunctionConfiguration omits ${missing.join(', ')}` }
        : {
            confirmed: false,
            evidence: 'GetFunctionConfiguration returns DeadLetterConfig and LoggingConfig',
          };
    },
  },
  'sg-rule-description-read-back': {
    when: 'after-apply',
    async run({ clients, deployed }) {
      const groups = deployed?.securityGroupIds ?? [];
      const { SecurityGroupRules: rules = [] } = await clients.ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [...groups] }] }),
      );
      const described = rules.filter((rule) => rule.Description);
      return described.length === 0
        ? {
            confirmed: true,
            evidence: `none of ${rules.length} rules of the function groups has a Description`,
          }
        : { confirmed: false, evidence: `${described.length} of ${rules.length} rules report a Description` };
    },
  },
  'sqs-redrive-allow-policy': {
    when: 'before-apply',
    async run({ clients }) {
      // A scratch queue created with a redrive allow policy, read back as the provider reads it.
      const { QueueUrl: url } = await clients.sqs.send(
        new CreateQueueCommand({
          QueueName: `secure-lambda-probe-${process.pid}-${Date.now()}`,
          Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) },
        }),
      );
      try {
        const { Attributes: attributes = {} } = await clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
        );
        return attributes.RedriveAllowPolicy
          ? {
              confirmed: false,
              evidence: 'GetQueueAttributes returns the RedriveAllowPolicy it was created with',
            }
          : {
              confirmed: true,
              evidence: 'a queue created with a RedriveAllowPolicy: GetQueueAttributes (All) omits it',
            };
      } finally {
        await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
      }
    },
  },
  ...TRIGGER_PROBES,
};

/**
 * Runs the probes of the given gaps that belong to this phase; before the apply it also starts the after-apply
 * probes that need time (their `prepare`), into `context.prepared`. A probe that cannot run is unconfirmed.
 */
export async function probeGaps(
  gaps: readonly EmulatorGap[],
  when: Probe['when'],
  context: ProbeContext,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const gap of gaps) {
    const probe: Probe = PROBES[gap.id];
    if (when === 'before-apply' && probe.when === 'after-apply' && probe.prepare && context.prepared) {
      try {
        context.prepared.set(gap.id, { value: await probe.prepare(context) });
      } catch (error) {
        context.prepared.set(gap.id, { error: errorMessage(error) });
      }
    }
    if (probe.when !== when) continue;
    const prepared = context.prepared?.get(gap.id);
    if (probe.prepare && !prepared?.value) {
      const why = prepared?.error ?? 'nothing was set up before the apply';
      results.push({ id: gap.id, confirmed: false, evidence: `the probe could not start: ${why}` });
      continue;
    }
    try {
      results.push({ id: gap.id, ...(await probe.run(context, prepared?.value)) });
    } catch (error) {
      results.push({ id: gap.id, confirmed: false, evidence: `the probe failed: ${errorMessage(error)}` });
    }
  }
  return results;
}
