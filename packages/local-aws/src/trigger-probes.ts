/**
 * Probes of the emulator gaps that concern function triggers (stacks/src/emulator.ts). Each works on scratch
 * resources of its own (a function, a queue, a schedule), never on the deployment, and removes them.
 */
import tls from 'node:tls';
import { CreateRoleCommand, DeleteRoleCommand } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
} from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, DeleteScheduleCommand } from '@aws-sdk/client-scheduler';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { EMULATOR_HOST } from '@secure-lambda/contracts';
import { zipFiles } from '@secure-lambda/deterministic-zip';
import type { EmulatorClients } from './clients';
import { emulatorPost } from './emulator';
import type { Probe, ProbeContext } from './probes';

/** Names of scratch resources: unique per run, recognisable in the emulator's log. */
function scratchName(what: string): string {
  return `secure-lambda-probe-${what}-${process.pid}-${Date.now()}`;
}

interface ScratchFunction {
  readonly name: string;
  readonly aliasArn: string;
}

/** A function with a published version and a `live` alias (CreateFunction needs no Docker on moto). */
async function withScratchFunction<T>(
  clients: EmulatorClients,
  use: (fn: ScratchFunction) => Promise<T>,
): Promise<T> {
  const name = scratchName('fn');
  const role = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  try {
    const created = await clients.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Role: role.Role?.Arn,
        Handler: 'index.handler',
        Code: {
          ZipFile: zipFiles([
            { name: 'index.js', data: Buffer.from("exports.handler = async () => ({ ran: 'probe' });\n") },
          ]),
        },
        Publish: true,
      }),
    );
    try {
      const alias = await clients.lambda.send(
        new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: created.Version }),
      );
      return await use({ name, aliasArn: alias.AliasArn as string });
    } finally {
      await clients.lambda.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
    }
  } finally {
    await clients.iam.send(new DeleteRoleCommand({ RoleName: name })).catch(() => undefined);
  }
}

/** A queue, removed afterwards; `attributes` as CreateQueue takes them. */
async function withScratchQueue<T>(
  clients: EmulatorClients,
  attributes: Record<string, string>,
  use: (queue: { readonly url: string; readonly arn: string }) => Promise<T>,
): Promise<T> {
  const { QueueUrl: url } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: scratchName('queue'), Attributes: attributes }),
  );
  try {
    const { Attributes: read = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return await use({ url: url as string, arn: read.QueueArn as string });
  } finally {
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
  }
}

/** A POST to the emulator addressed to another host (as a caller of that host's URL would send it). */
function postForHost(context: ProbeContext, host: string): Promise<{ status: number; body: string }> {
  return emulatorPost(`${context.endpoint}/`, context.ca, {
    headers: { host, 'content-type': 'application/json' },
    body: '{}',
    // The certificate is the emulator's (127.0.0.1); the Host header names the URL being called.
    checkServerIdentity: (_name, cert) => tls.checkServerIdentity(EMULATOR_HOST, cert),
  });
}

/** A scratch function's `live` alias mapped from a scratch queue, as an sqs trigger maps it. */
async function withScratchMapping<T>(
  clients: EmulatorClients,
  use: (mapping: {
    readonly fn: ScratchFunction;
    readonly queueUrl: string;
    readonly uuid: string;
  }) => Promise<T>,
): Promise<T> {
  return withScratchFunction(clients, (fn) =>
    withScratchQueue(clients, {}, async (queue) => {
      const mapping = await clients.lambda.send(
        new CreateEventSourceMappingCommand({
          EventSourceArn: queue.arn,
          FunctionName: fn.aliasArn,
          BatchSize: 1,
        }),
      );
      try {
        return await use({ fn, queueUrl: queue.url, uuid: mapping.UUID as string });
      } finally {
        await clients.lambda
          .send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }))
          .catch(() => undefined);
      }
    }),
  );
}

/** What the scheduler probe started before the apply and checks after it. */
interface PendingSchedule {
  readonly name: string;
  readonly at: string;
  readonly queueUrl: string;
  readonly startedMs: number;
}

export const TRIGGER_PROBES = {
  'sqs-redrive-policy-read-back': {
    when: 'before-apply',
    async run({ clients }) {
      return withScratchQueue(clients, {}, async (dlq) => {
        const sent = JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 });
        return withScratchQueue(clients, { RedrivePolicy: sent }, async (queue) => {
          const { Attributes: read = {} } = await clients.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['RedrivePolicy'] }),
          );
          const shown = (policy: string | undefined) => policy?.replace(dlq.arn, '<dlq>');
          return read.RedrivePolicy === sent
            ? { confirmed: false, evidence: 'GetQueueAttributes returns RedrivePolicy as it was set' }
            : {
                confirmed: true,
                evidence: `RedrivePolicy set as ${shown(sent)} reads back as ${shown(read.RedrivePolicy)}`,
              };
        });
      });
    },
  },
  'event-source-mapping-alias-read-back': {
    when: 'before-apply',
    async run({ clients }) {
      return withScratchMapping(clients, async ({ fn, uuid }) => {
        const read = await clients.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
        const target = read.FunctionArn?.split(':').slice(6).join(':');
        return read.FunctionArn === fn.aliasArn
          ? { confirmed: false, evidence: 'GetEventSourceMapping reports the alias it was created on' }
          : {
              confirmed: true,
              evidence: `a mapping created on <function>:live reads back as FunctionArn <function>:${target?.split(':').pop()}`,
            };
      });
    },
  },
  'lambda-invoke': {
    when: 'before-apply',
    async run({ clients }) {
      return withScratchFunction(clients, async (fn) => {
        const answer = await clients.lambda.send(
          new InvokeCommand({ FunctionName: fn.name, Qualifier: 'live', Payload: Buffer.from('{}') }),
        );
        const payload = Buffer.from(answer.Payload ?? []).toString('utf8');
        return answer.FunctionError && /docker/i.test(payload)
          ? {
              confirmed: true,
              evidence: `Invoke answered ${answer.StatusCode} with FunctionError ${answer.FunctionError}: ${payload.slice(0, 60)}`,
            }
          : { confirmed: false, evidence: `Invoke answered ${answer.StatusCode}: ${payload.slice(0, 60)}` };
      });
    },
  },
  'sqs-send-with-mapping': {
    when: 'before-apply',
    async run({ clients }) {
      return withScratchMapping(clients, async ({ queueUrl }) => {
        try {
          await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{}' }));
          return {
            confirmed: false,
            evidence: 'SendMessage to a queue with an event source mapping succeeded',
          };
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          return {
            confirmed: status !== undefined && status >= 500,
            evidence: `SendMessage to a queue with an enabled event source mapping answered HTTP ${status ?? '?'}`,
          };
        }
      });
    },
  },
  'function-url-calls': {
    when: 'before-apply',
    async run(context) {
      return withScratchFunction(context.clients, async (fn) => {
        const url = await context.clients.lambda.send(
          new CreateFunctionUrlConfigCommand({
            FunctionName: fn.name,
            Qualifier: 'live',
            AuthType: 'AWS_IAM',
          }),
        );
        const host = new URL(url.FunctionUrl as string).host;
        const answer = await postForHost(context, host);
        const routedToS3 = /NoSuchBucket|<Error>/.test(answer.body) ? ' (an S3 error)' : '';
        // A URL that is served answers an unsigned request to an AWS_IAM URL with 403, a signed one with 2xx.
        const served = answer.status === 403 || (answer.status >= 200 && answer.status < 300);
        return {
          confirmed: !served,
          evidence: `an unsigned POST for the URL host ${host.replace(/^[0-9a-f]+/, '<id>')} answered HTTP ${answer.status}${routedToS3}`,
        };
      });
    },
  },
  'scheduler-runs': {
    // Created before the apply and looked at after it: the schedule has all of the apply to run.
    when: 'after-apply',
    async prepare({ clients }): Promise<PendingSchedule> {
      const name = scratchName('schedule');
      const { QueueUrl: queueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
      const { Attributes: read = {} } = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
      const at = new Date().toISOString().slice(0, 19);
      await clients.scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          ScheduleExpression: `at(${at})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: read.QueueArn,
            RoleArn: `arn:aws:iam::${(read.QueueArn as string).split(':')[4]}:role/${name}`,
            Input: '{"probe":"scheduler-runs"}',
          },
        }),
      );
      return { name, at, queueUrl: queueUrl as string, startedMs: Date.now() };
    },
    async run({ clients }, prepared) {
      const pending = prepared as PendingSchedule;
      try {
        const received = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: pending.queueUrl,
            WaitTimeSeconds: 1,
            MaxNumberOfMessages: 1,
          }),
        );
        const seconds = Math.round((Date.now() - pending.startedMs) / 1000);
        return (received.Messages ?? []).length > 0
          ? {
              confirmed: false,
              evidence: `a one-time schedule due at ${pending.at} UTC delivered its message`,
            }
          : {
              confirmed: true,
              evidence: `a one-time schedule due at ${pending.at} UTC with an SQS target delivered nothing in ${seconds} s`,
            };
      } finally {
        await clients.scheduler
          .send(new DeleteScheduleCommand({ Name: pending.name }))
          .catch(() => undefined);
        await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: pending.queueUrl })).catch(() => undefined);
      }
    },
  },
} as const satisfies Readonly<Record<string, Probe>>;
