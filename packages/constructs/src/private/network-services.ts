import type { AwsService } from '../grants';

/**
 * Per-service facts for VPC endpoints: the endpoint kind and the IAM action prefix its endpoint policy
 * allows. Kept as data so adding a service is one line and the policy cannot drift from the endpoint.
 */
export interface EndpointServiceSpec {
  /**
   * S3 uses a gateway endpoint: free, no ENIs, reached through the route tables and the S3 prefix list.
   * Everything else needs an interface endpoint (ENIs in the private subnets, private DNS).
   */
  readonly type: 'Gateway' | 'Interface';
  /** The IAM namespace of the service's actions (CloudWatch's endpoint is `monitoring`, its actions `cloudwatch:`). */
  readonly iamPrefix: string;
  /**
   * Actions that act on no resource, allowed to this account's principals without the
   * `aws:ResourceAccount` condition, which a request with no resource cannot be relied on to carry.
   * @default none
   */
  readonly resourcelessActions?: readonly string[];
}

export const ENDPOINT_SERVICES: Readonly<Record<AwsService, EndpointServiceSpec>> = {
  s3: { type: 'Gateway', iamPrefix: 's3' },
  kms: { type: 'Interface', iamPrefix: 'kms' },
  logs: { type: 'Interface', iamPrefix: 'logs' },
  sqs: { type: 'Interface', iamPrefix: 'sqs' },
  sns: { type: 'Interface', iamPrefix: 'sns' },
  monitoring: { type: 'Interface', iamPrefix: 'cloudwatch' },
  xray: { type: 'Interface', iamPrefix: 'xray' },
  lambda: { type: 'Interface', iamPrefix: 'lambda' },
  // The crypto API verifies callers with a GetCallerIdentity request signed by the caller.
  sts: { type: 'Interface', iamPrefix: 'sts', resourcelessActions: ['sts:GetCallerIdentity'] },
  codedeploy: { type: 'Interface', iamPrefix: 'codedeploy' },
  // Handlers read their secrets at run time (Powertools Parameters): GetSecretValue / GetParameter.
  secretsmanager: { type: 'Interface', iamPrefix: 'secretsmanager' },
  ssm: { type: 'Interface', iamPrefix: 'ssm' },
};

/** `com.amazonaws.<region>.<service>`: the endpoint service name of the commercial and GovCloud partitions. */
export function endpointServiceName(region: string, service: AwsService): string {
  return `com.amazonaws.${region}.${service}`;
}
