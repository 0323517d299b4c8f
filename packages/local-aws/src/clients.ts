import https from 'node:https';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { EMULATOR_CREDENTIALS } from '@secure-lambda/contracts';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// Fake credentials for the emulator (the contract's, shared with the CLI). Never real ones: the clients
// below only ever talk to 127.0.0.1.
export { EMULATOR_CREDENTIALS };

/** SDK clients for the emulator, trusting only its certificate. */
export interface EmulatorClients {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  readonly ec2: EC2Client;
  readonly logs: CloudWatchLogsClient;
  readonly sts: STSClient;
  readonly sqs: SQSClient;
  readonly scheduler: SchedulerClient;
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
  destroy(): void;
}

export function emulatorClients(endpoint: string, region: string, ca: string): EmulatorClients {
  const agent = new https.Agent({ ca, keepAlive: true });
  const common = () => ({
    endpoint,
    region,
    credentials: { ...EMULATOR_CREDENTIALS },
    requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
    maxAttempts: 2,
  });
  const clients = {
    s3: new S3Client({ ...common(), forcePathStyle: true }),
    kms: new KMSClient(common()),
    lambda: new LambdaClient(common()),
    iam: new IAMClient(common()),
    ec2: new EC2Client(common()),
    logs: new CloudWatchLogsClient(common()),
    sts: new STSClient(common()),
    sqs: new SQSClient(common()),
    scheduler: new SchedulerClient(common()),
    secretsManager: new SecretsManagerClient(common()),
    ssm: new SSMClient(common()),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
      agent.destroy();
    },
  };
}
