import { createHash } from 'node:crypto';
import { isAllowedEnvironmentVariable, isCodeLoadingVariable } from '@secure-lambda/review';
import {
  allResources,
  type Block,
  constructPath,
  loadStacks,
  resourcesOf,
  type SynthesizedStack,
} from '../src/terraform-json';

/**
 * The security defaults, checked on every resource of every synthesized stack (not on one example):
 * a new resource that misses one fails here even if its construct's own tests pass.
 */
const stacks = loadStacks();
const LOG_RETENTION = new Set([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);
/** Statements allowed to use Resource "*", each because AWS offers nothing narrower (see SecureFunction). */
const WILDCARD_RESOURCE_SIDS = new Set([
  'DescribeNetworkInterfaces',
  'SendTraces',
  'ReportDeploymentHookStatus',
]);

interface StatementBlock {
  sid: string;
  effect?: string;
  condition?: Array<{ test: string; variable: string; values: string[] }>;
  actions: string[];
  resources?: string[];
  principals?: Array<{ type: string; identifiers: string[] }>;
}

function statementsOf(stack: SynthesizedStack, reference: unknown): StatementBlock[] {
  const name = /\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}/.exec(String(reference))?.[1];
  if (!name) throw new Error(`policy ${String(reference)} is not built from an aws_iam_policy_document`);
  return stack.json.data!.aws_iam_policy_document![name]!.statement as StatementBlock[];
}

/** Blocks of one type whose attribute references the given resource address. */
function referencing(stack: SynthesizedStack, type: string, attribute: string, address: string): Block[] {
  return resourcesOf(stack, type)
    .map(([, b]) => b)
    .filter((b) => String(b[attribute]).includes(`${address}.`));
}

describe.each(stacks.map((s) => [s.name, s] as const))('%s', (_name, stack) => {
  test('has no internet or NAT gateway, no elastic IP, no managed-policy attachment', () => {
    for (const type of [
      'aws_internet_gateway',
      'aws_nat_gateway',
      'aws_eip',
      'aws_iam_role_policy_attachment',
      'aws_iam_policy_attachment',
    ]) {
      expect(resourcesOf(stack, type)).toEqual([]);
    }
  });

  test('every function: nodejs22.x on arm64, published, in the VPC, traced, with a DLQ, JSON logs and a live alias', () => {
    const functions = resourcesOf(stack, 'aws_lambda_function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [address, fn] of functions) {
      expect(fn).toMatchObject({
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        publish: true,
        tracing_config: { mode: 'Active' },
        logging_config: { log_format: 'JSON' },
      });
      // Signed code only: deployed from the signing job's output under an enforcing config.
      expect(String(fn.code_signing_config_arn)).toContain('aws_lambda_code_signing_config.');
      expect(String(fn.s3_key)).toContain('aws_signer_signing_job.');
      const vpc = fn.vpc_config as { subnet_ids: string[]; security_group_ids: string[] };
      expect(vpc.subnet_ids.length).toBeGreaterThanOrEqual(2);
      expect(vpc.security_group_ids.length).toBeGreaterThan(0);
      expect(String((fn.dead_letter_config as Block).target_arn)).toContain('aws_sqs_queue.');
      // The key encrypts the environment exactly when there is one.
      expect(fn.kms_key_arn === undefined).toBe(fn.environment === undefined);
      const aliases = referencing(stack, 'aws_lambda_alias', 'function_name', address);
      expect(aliases.map((a) => a.name)).toEqual(['live']);
      expect(String(aliases[0]!.function_version)).toContain(`${address}.version`);
      // The function's own alarms; a progressive deployment and the queue and schedule triggers add their
      // own (checked below).
      const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').filter(
        ([, a]) =>
          constructPath(a).startsWith(constructPath(fn).replace(/\/function$/, '/')) &&
          !/\/(deployment|queue|schedule)\//.test(constructPath(a)),
      );
      expect(alarms.map(([, a]) => a.metric_name).sort()).toEqual([
        'ApproximateNumberOfMessagesVisible',
        'Duration',
        'Errors',
        'Throttles',
      ]);
      for (const [, alarm] of alarms) expect((alarm.alarm_actions as string[]).length).toBeGreaterThan(0);
    }
  });

  test('[TM-SIGN-01] no function has a layer: every line of code it runs is in its signed zip', () => {
    for (const [address, fn] of resourcesOf(stack, 'aws_lambda_function')) {
      expect({ address, layers: fn.layers ?? [] }).toEqual({ address, layers: [] });
    }
  });

  test('[TM-SIGN-01] code-loading variables (NODE_OPTIONS, NODE_PATH, AWS_LAMBDA_EXEC_WRAPPER, LD_PRELOAD, ...) only with allow-listed values', () => {
    const functions = resourcesOf(stack, 'aws_lambda_function');
    let codeLoading = 0;
    for (const [address, fn] of functions) {
      const variables = ((fn.environment as Block | undefined)?.variables ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(variables)) {
        if (!isCodeLoadingVariable(name)) continue;
        codeLoading += 1;
        // A template (`${...}`) is known only at apply: it can never match an allow-listed value.
        const allowed = typeof value === 'string' && isAllowedEnvironmentVariable(name, value);
        expect({ address, name, allowed }).toEqual({ address, name, allowed: true });
      }
    }
    // The stacks set NODE_OPTIONS=--enable-source-maps on every function: the check has something to hold.
    expect(codeLoading).toBeGreaterThanOrEqual(functions.length);
  });

  test('[TM-SIGN-01] the release output says what each released function must be: its own applied code hash and configuration', () => {
    const release = (stack.json.output?.release as Block | undefined)?.value as {
      format: number;
      functions: Record<string, { functionName: string; expected: Block }>;
    };
    expect(release.format).toBe(2);
    const byName = new Map(
      resourcesOf(stack, 'aws_lambda_function').map(([address, fn]) => [
        `\${${address}.function_name}`,
        [address, fn] as const,
      ]),
    );
    expect(Object.keys(release.functions).length).toBeGreaterThan(0);
    for (const [id, entry] of Object.entries(release.functions)) {
      const found = byName.get(entry.functionName);
      expect({ id, found: found !== undefined }).toEqual({ id, found: true });
      const [address, fn] = found as readonly [string, Block];
      const attribute = (name: string) => `\${${address}.${name}}`;
      const configuration = entry.expected.configuration as Block;
      // After apply, from the function itself: with signing, the hash of the signed object Lambda holds.
      expect(entry.expected).toMatchObject({
        version: attribute('version'),
        codeSha256: attribute('code_sha256'),
      });
      expect(configuration).toMatchObject({
        packageType: attribute('package_type'),
        runtime: attribute('runtime'),
        handler: attribute('handler'),
        role: attribute('role'),
        memorySize: attribute('memory_size'),
        timeout: attribute('timeout'),
        architectures: attribute('architectures'),
        kmsKeyArn: attribute('kms_key_arn'),
        // Layers come from the configuration, which has none (the test above): the applied attribute reads
        // back [] where the plan had null, which would show as an output change on every plan.
        layers: [],
        tracingMode: attribute('tracing_config[0].mode'),
        ephemeralStorageMb: attribute('ephemeral_storage[0].size'),
        signingProfileVersionArn: attribute('signing_profile_version_arn'),
        signingJobArn: attribute('signing_job_arn'),
        fileSystems: [],
        imageConfig: '',
      });
      // Every variable, by name, with a hash of its value: never the value itself.
      const variables = ((fn.environment as Block | undefined)?.variables ?? {}) as Record<string, string>;
      const hashes = configuration.environment as Record<string, string>;
      expect(Object.keys(hashes).sort()).toEqual(Object.keys(variables).sort());
      for (const [name, value] of Object.entries(variables)) {
        const expected = value.includes('${')
          ? `\${sha256(${value.slice(2, -1)})}`
          : createHash('sha256').update(value, 'utf8').digest('hex');
        expect({ name, hash: hashes[name] }).toEqual({ name, hash: expected });
      }
    }
  });

  test('every CodeDeploy deployment: rolls back on failure and on alarms that watch only the new version', () => {
    const groups = resourcesOf(stack, 'aws_codedeploy_deployment_group');
    if (stack.name.endsWith('-prod')) {
      // prod releases every function as a canary, except the hook that approves those releases.
      const released = resourcesOf(stack, 'aws_lambda_function').filter(
        ([, fn]) => !constructPath(fn).includes('/deployment-hook/'),
      );
      expect(released.length).toBeGreaterThan(0);
      expect(groups.length).toBe(released.length);
    }
    const alarmsByAddress = new Map(resourcesOf(stack, 'aws_cloudwatch_metric_alarm'));
    for (const [, group] of groups) {
      expect(group.auto_rollback_configuration).toEqual({
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
      });
      expect(group.deployment_style).toEqual({
        deployment_option: 'WITH_TRAFFIC_CONTROL',
        deployment_type: 'BLUE_GREEN',
      });
      const { enabled, alarms } = group.alarm_configuration as { enabled: boolean; alarms: string[] };
      expect(enabled).toBe(true);
      expect(alarms.length).toBeGreaterThanOrEqual(2);
      const metrics: string[] = [];
      for (const reference of alarms) {
        const address = /^\$\{(aws_cloudwatch_metric_alarm\.[^.]+)\.alarm_name\}$/.exec(reference)?.[1];
        const alarm = alarmsByAddress.get(address as string);
        expect(alarm).toBeDefined();
        const dimensions = alarm?.dimensions as Record<string, string>;
        expect(dimensions.ExecutedVersion).toMatch(/^\$\{aws_lambda_function\.[^.]+\.version\}$/);
        expect(dimensions.Resource).toBe(`${dimensions.FunctionName}:live`);
        metrics.push(String(alarm?.metric_name));
      }
      expect(metrics.sort()).toEqual(['Errors', 'Throttles']);
      // CodeDeploy moves the alias: Terraform must ignore its version and routing.
      const appAddress = /^\$\{(aws_codedeploy_app\.[^.]+)\.name\}$/.exec(String(group.app_name))?.[1];
      const app = resourcesOf(stack, 'aws_codedeploy_app').find(([address]) => address === appAddress)?.[1];
      expect(app?.compute_platform).toBe('Lambda');
      const alias = resourcesOf(stack, 'aws_lambda_alias').find(([, a]) =>
        constructPath(a).startsWith(constructPath(app as Block).replace(/\/deployment\/application$/, '/')),
      )?.[1];
      expect(alias?.lifecycle).toEqual({
        ignore_changes: ['description', 'function_version', 'routing_config'],
      });
    }
  });

  test('every log group: finite retention and a KMS key', () => {
    for (const [, group] of resourcesOf(stack, 'aws_cloudwatch_log_group')) {
      expect(LOG_RETENTION.has(group.retention_in_days as number)).toBe(true);
      expect(String(group.kms_key_id)).toContain('aws_kms_key.');
    }
  });

  test('every queue and topic: encrypted with the customer-managed key', () => {
    for (const type of ['aws_sqs_queue', 'aws_sns_topic']) {
      for (const [, block] of resourcesOf(stack, type)) {
        expect(String(block.kms_master_key_id)).toContain('aws_kms_key.');
        expect(block.sqs_managed_sse_enabled).toBeUndefined();
      }
    }
  });

  test('every queue: a TLS-only queue policy (Deny sqs:* to everyone when aws:SecureTransport is false)', () => {
    const policies = resourcesOf(stack, 'aws_sqs_queue_policy');
    for (const [address, queue] of resourcesOf(stack, 'aws_sqs_queue')) {
      const own = policies.filter(([, p]) => p.queue_url === `\${${address}.url}`);
      expect({ address, policies: own.length }).toEqual({ address, policies: 1 });
      const arn = new RegExp(`^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:${String(queue.name)}$`);
      const tls = statementsOf(stack, own[0]![1].policy).find((s) => s.sid === 'DenyInsecureTransport');
      expect(tls).toMatchObject({
        effect: 'Deny',
        actions: ['sqs:*'],
        principals: [{ type: '*', identifiers: ['*'] }],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      });
      expect(tls?.resources).toEqual([expect.stringMatching(arn)]);
    }
    // No queue policy grants anything: access comes from the callers' IAM policies.
    for (const [, policy] of policies) {
      for (const s of statementsOf(stack, policy.policy)) expect(s.effect).toBe('Deny');
    }
  });

  test('every SQS trigger: the live alias, partial batch responses, a bounded concurrency, a redrive to its own DLQ', () => {
    const queues = new Map(resourcesOf(stack, 'aws_sqs_queue'));
    const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
    for (const [address, mapping] of resourcesOf(stack, 'aws_lambda_event_source_mapping')) {
      expect(mapping).toMatchObject({ function_response_types: ['ReportBatchItemFailures'] });
      const concurrency = (mapping.scaling_config as Block | undefined)?.maximum_concurrency as number;
      expect({ address, concurrency: concurrency >= 2 && concurrency <= 1000 }).toEqual({
        address,
        concurrency: true,
      });
      const aliasAddress = /^\$\{(aws_lambda_alias\.[^.]+)\.arn\}$/.exec(String(mapping.function_name))?.[1];
      const alias = resourcesOf(stack, 'aws_lambda_alias').find(([a]) => a === aliasAddress)?.[1];
      expect(alias?.name).toBe('live');
      const fnAddress = /^\$\{(aws_lambda_function\.[^.]+)\.function_name\}$/.exec(
        String(alias?.function_name),
      )?.[1];
      const fn = resourcesOf(stack, 'aws_lambda_function').find(([a]) => a === fnAddress)?.[1];
      const queueAddress = /^\$\{(aws_sqs_queue\.[^.]+)\.arn\}$/.exec(String(mapping.event_source_arn))?.[1];
      const queue = queues.get(queueAddress as string);
      expect(queue).toBeDefined();
      // A batch is not received twice while in flight: visibility >= 6 x the function timeout (AWS's guidance).
      expect(queue?.visibility_timeout_seconds as number).toBeGreaterThanOrEqual(6 * (fn?.timeout as number));
      // Redrive to a DLQ of its own, which only this queue may redrive into, and whose depth is watched.
      const dlqAddress = /deadLetterTargetArn" = (aws_sqs_queue\.[^.]+)\.arn/.exec(
        String(queue?.redrive_policy),
      )?.[1];
      const dlq = queues.get(dlqAddress as string);
      expect(JSON.parse(String(dlq?.redrive_allow_policy))).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [expect.stringMatching(new RegExp(`:${String(queue?.name)}$`))],
      });
      expect(
        alarms.some(
          (a) =>
            a.metric_name === 'ApproximateNumberOfMessagesVisible' &&
            (a.dimensions as Block).QueueName === `\${${dlqAddress}.name}` &&
            (a.alarm_actions as string[]).length > 0,
        ),
      ).toBe(true);
    }
  });

  test('every schedule: payload under the key, no flexible window, retries, a DLQ, and a role only Scheduler can assume for its group', () => {
    const roles = new Map(resourcesOf(stack, 'aws_iam_role'));
    const groups = new Map(resourcesOf(stack, 'aws_scheduler_schedule_group'));
    const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
    for (const [address, schedule] of resourcesOf(stack, 'aws_scheduler_schedule')) {
      expect(String(schedule.kms_key_arn)).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
      expect(schedule.flexible_time_window).toEqual({ mode: 'OFF' });
      const target = schedule.target as Block;
      expect(String(target.arn)).toMatch(/^\$\{aws_lambda_alias\.[^.]+\.arn\}$/);
      const retry = target.retry_policy as {
        maximum_retry_attempts: number;
        maximum_event_age_in_seconds: number;
      };
      expect(retry.maximum_retry_attempts).toBeLessThanOrEqual(185);
      expect(retry.maximum_event_age_in_seconds).toBeLessThanOrEqual(86_400);
      const dlq = /^\$\{(aws_sqs_queue\.[^.]+)\.arn\}$/.exec(
        String((target.dead_letter_config as Block).arn),
      )?.[1];
      expect({ address, dlq: dlq !== undefined }).toEqual({ address, dlq: true });
      expect(
        alarms.some(
          (a) =>
            a.metric_name === 'ApproximateNumberOfMessagesVisible' &&
            (a.dimensions as Block).QueueName === `\${${dlq}.name}`,
        ),
      ).toBe(true);
      // Its own group, and a role whose trust names that group (Scheduler's aws:SourceArn) and the account.
      const groupAddress = /^\$\{(aws_scheduler_schedule_group\.[^.]+)\.name\}$/.exec(
        String(schedule.group_name),
      )?.[1];
      const group = groups.get(groupAddress as string);
      expect(group).toBeDefined();
      const roleAddress = /^\$\{(aws_iam_role\.[^.]+)\.arn\}$/.exec(String(target.role_arn))?.[1];
      const role = roles.get(roleAddress as string) as Block;
      const [trust, ...more] = statementsOf(stack, role.assume_role_policy);
      expect(more).toEqual([]);
      expect(trust?.principals).toEqual([{ type: 'Service', identifiers: ['scheduler.amazonaws.com'] }]);
      expect(trust?.condition?.find((c) => c.variable === 'aws:SourceArn')?.values).toEqual([
        expect.stringMatching(new RegExp(`:schedule-group/${String(group?.name)}$`)),
      ]);
      // The role invokes the function's live alias and nothing else.
      const [policy] = referencing(stack, 'aws_iam_role_policy', 'role', roleAddress as string);
      const invokes = statementsOf(stack, policy!.policy).filter((s) =>
        s.actions.some((a) => a.startsWith('lambda:')),
      );
      expect(invokes.map((s) => [s.actions, s.resources?.length])).toEqual([[['lambda:InvokeFunction'], 1]]);
      expect(invokes[0]?.resources?.[0]).toMatch(/:function:[^:]+:live$/);
    }
    // Every group holds a schedule (a group is only made for one).
    const used = resourcesOf(stack, 'aws_scheduler_schedule').map(([, s]) => String(s.group_name));
    for (const [address] of groups) expect(used).toContain(`\${${address}.name}`);
  });

  test('every secret: under the customer-managed key; its value set out of band, never in the configuration or state', () => {
    for (const [, secret] of resourcesOf(stack, 'aws_secretsmanager_secret')) {
      expect(String(secret.kms_key_id)).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
      expect(secret.recovery_window_in_days).toBe(30);
    }
    for (const [address, parameter] of resourcesOf(stack, 'aws_ssm_parameter')) {
      expect(parameter).toMatchObject({ type: 'SecureString', value_wo_version: expect.any(Number) });
      expect(String(parameter.key_id)).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
      // `value` is read back, decrypted, into the state on every refresh, whatever ignore_changes says.
      expect({ address, value: parameter.value, insecure: parameter.insecure_value }).toEqual({ address });
    }
    // A secret version would put the value into the configuration and the state.
    expect(resourcesOf(stack, 'aws_secretsmanager_secret_version')).toEqual([]);
  });

  test('every key: rotation, 30-day deletion window, a key policy without kms:* or a wildcard principal', () => {
    const keys = resourcesOf(stack, 'aws_kms_key');
    expect(keys.length).toBeGreaterThan(0);
    for (const [, key] of keys) {
      expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
      for (const s of statementsOf(stack, key.policy)) {
        expect(s.actions).not.toContain('kms:*');
        expect(s.actions).not.toContain('*');
        // A wildcard principal only in a Deny (the app-data denies cover everyone but the named roles).
        if (s.effect !== 'Deny') for (const p of s.principals ?? []) expect(p.identifiers).not.toContain('*');
        // A service principal is always held to a condition (source account, log-group context, ...).
        if ((s.principals ?? []).some((p) => p.type === 'Service'))
          expect((s.condition ?? []).length).toBeGreaterThan(0);
      }
    }
  });

  test('[TM-KMS-01] every key policy: the account gets use only for named roles (aws:PrincipalArn) or through one service', () => {
    const use = /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/;
    for (const [, key] of resourcesOf(stack, 'aws_kms_key')) {
      const statements = statementsOf(stack, key.policy);
      for (const s of statements.filter((x) => (x.effect ?? 'Allow') === 'Allow')) {
        const aws = (s.principals ?? []).filter((p) => p.type === 'AWS').flatMap((p) => p.identifiers);
        if (aws.length === 0 || !s.actions.some((a) => use.test(a))) continue;
        const variables = (s.condition ?? []).map((c) => c.variable);
        expect({
          sid: s.sid,
          bound: variables.includes('aws:PrincipalArn') || variables.includes('kms:ViaService'),
        }).toEqual({
          sid: s.sid,
          bound: true,
        });
      }
      // Administration without use stays with the account, so the key can never lock it out.
      const admin = statements.find((s) => s.sid === 'AccountAdministrationViaIam');
      expect(admin?.actions).toContain('kms:PutKeyPolicy');
      expect(admin?.actions.filter((a) => use.test(a))).toEqual([]);
      expect(admin?.condition ?? []).toEqual([]);
    }
  });

  test('[TM-MON-01] every alarm reaches someone: its topic has a subscription, or it is an existing topic the stack names', () => {
    const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm');
    expect(alarms.length).toBeGreaterThan(0);
    const subscriptions = resourcesOf(stack, 'aws_sns_topic_subscription').map(([, s]) => s);
    for (const s of subscriptions) {
      // Alarms leave AWS only over TLS or as email; never plain http, never SMS to a number in code.
      expect(['email', 'https']).toContain(s.protocol);
      if (s.protocol === 'https') expect(String(s.endpoint)).toMatch(/^https:\/\//);
    }
    const delivery = (stack.json.output?.['alarm-delivery']?.value ?? {}) as { topicArn?: string };
    for (const [address, alarm] of alarms) {
      const actions = (alarm.alarm_actions as string[]) ?? [];
      expect({ address, actions: actions.length > 0 }).toEqual({ address, actions: true });
      for (const action of actions) {
        const topic = /^\$\{(aws_sns_topic\.[^.]+)\.arn\}$/.exec(action)?.[1];
        const delivered = topic
          ? subscriptions.some((s) => String(s.topic_arn) === `\${${topic}.arn}`)
          : action === delivery.topicArn;
        expect({ address, action, delivered }).toEqual({ address, action, delivered: true });
      }
    }
  });

  test('every bucket: public access blocked, versioned, SSE-KMS with a bucket key, owner-enforced, TLS-only, lifecycle', () => {
    const buckets = resourcesOf(stack, 'aws_s3_bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const [address, bucket] of buckets) {
      expect(bucket.force_destroy).not.toBe(true);
      const [pab] = referencing(stack, 'aws_s3_bucket_public_access_block', 'bucket', address);
      expect(pab).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(referencing(stack, 'aws_s3_bucket_versioning', 'bucket', address)[0]).toMatchObject({
        versioning_configuration: { status: 'Enabled' },
      });
      const [sse] = referencing(
        stack,
        'aws_s3_bucket_server_side_encryption_configuration',
        'bucket',
        address,
      );
      expect(sse!.rule).toEqual([
        expect.objectContaining({
          bucket_key_enabled: true,
          apply_server_side_encryption_by_default: expect.objectContaining({
            sse_algorithm: 'aws:kms',
            kms_master_key_id: expect.stringContaining('aws_kms_key.'),
          }),
        }),
      ]);
      expect(referencing(stack, 'aws_s3_bucket_ownership_controls', 'bucket', address)[0]).toMatchObject({
        rule: { object_ownership: 'BucketOwnerEnforced' },
      });
      expect(referencing(stack, 'aws_s3_bucket_lifecycle_configuration', 'bucket', address)).toHaveLength(1);
      const [policy] = referencing(stack, 'aws_s3_bucket_policy', 'bucket', address);
      const tls = statementsOf(stack, policy!.policy).find((s) => s.sid === 'DenyInsecureTransport');
      expect(tls).toMatchObject({ effect: 'Deny' });
    }
  });

  test('every role policy: no "*" or service-wide actions, Resource "*" only where AWS offers nothing narrower', () => {
    const rolePolicies = resourcesOf(stack, 'aws_iam_role_policy');
    expect(rolePolicies.length).toBeGreaterThan(0);
    for (const [, policy] of rolePolicies) {
      for (const s of statementsOf(stack, policy.policy)) {
        for (const action of s.actions) expect(action).not.toMatch(/(^\*$)|(:\*$)/);
        // Deny statements may be broad; an Allow on "*" only where AWS offers nothing narrower.
        if ((s.resources ?? []).some((r) => r === '*' || r.endsWith(':*:*')) && s.effect !== 'Deny') {
          expect(WILDCARD_RESOURCE_SIDS.has(s.sid)).toBe(true);
        }
      }
    }
    for (const [, role] of resourcesOf(stack, 'aws_iam_role')) {
      expect(role.inline_policy).toBeUndefined();
      expect(role.managed_policy_arns).toBeUndefined();
      // Trust policies: service principals only, each bound to this account (confused deputy).
      for (const s of statementsOf(stack, role.assume_role_policy)) {
        expect(s.principals?.every((p) => p.type === 'Service')).toBe(true);
        expect(s.condition?.map((c) => c.variable)).toContain('aws:SourceAccount');
      }
    }
  });

  test('network: DNS on, flow logs, an emptied default security group, NACLs without port-0 rules', () => {
    for (const [address, vpc] of resourcesOf(stack, 'aws_vpc')) {
      expect(vpc).toMatchObject({ enable_dns_support: true, enable_dns_hostnames: true });
      const [flowLog] = referencing(stack, 'aws_flow_log', 'vpc_id', address);
      expect(flowLog).toMatchObject({ traffic_type: 'ALL' });
      expect(String(flowLog!.log_destination)).toContain('aws_cloudwatch_log_group.');
    }
    for (const [address] of resourcesOf(stack, 'aws_vpc')) {
      // DNS is the one way out NACLs and security groups do not filter: a resolver firewall per VPC,
      // failing closed, whose last rule blocks every name.
      expect(
        referencing(stack, 'aws_route53_resolver_firewall_rule_group_association', 'vpc_id', address),
      ).toHaveLength(1);
      expect(
        referencing(stack, 'aws_route53_resolver_firewall_config', 'resource_id', address)[0],
      ).toMatchObject({
        firewall_fail_open: 'DISABLED',
      });
    }
    const rules = resourcesOf(stack, 'aws_route53_resolver_firewall_rule').map(([, r]) => r);
    const last = rules.sort((a, b) => (b.priority as number) - (a.priority as number))[0];
    expect(last).toMatchObject({ action: 'BLOCK' });
    for (const [, sg] of resourcesOf(stack, 'aws_default_security_group')) {
      expect(sg.ingress ?? []).toEqual([]);
      expect(sg.egress ?? []).toEqual([]);
    }
    const subnets = resourcesOf(stack, 'aws_subnet');
    const acls = resourcesOf(stack, 'aws_network_acl');
    const attached = acls.flatMap(([, acl]) => acl.subnet_ids as string[]).join(' ');
    for (const [address, subnet] of subnets) {
      expect(subnet.map_public_ip_on_launch ?? false).toBe(false);
      expect(attached).toContain(`${address}.id`);
    }
    for (const [, acl] of acls) {
      type Rule = {
        from_port: number;
        to_port: number;
        action: string;
        rule_no: number;
        cidr_block?: string;
      };
      for (const direction of ['ingress', 'egress']) {
        for (const rule of (acl[direction] as Rule[]) ?? []) expect(rule.from_port).not.toBe(0);
      }
      // Ingress from anywhere that spans SSH or RDP needs a lower-numbered deny for that port.
      const ingress = (acl.ingress as Rule[]) ?? [];
      for (const port of [22, 3389]) {
        for (const allow of ingress.filter(
          (r) =>
            r.action === 'allow' && r.cidr_block === '0.0.0.0/0' && r.from_port <= port && r.to_port >= port,
        )) {
          const denied = ingress.some(
            (r) =>
              r.action === 'deny' && r.from_port <= port && r.to_port >= port && r.rule_no < allow.rule_no,
          );
          expect({ port, rule: allow.rule_no, denied }).toEqual({ port, rule: allow.rule_no, denied: true });
        }
      }
    }
  });

  test('security groups: no inline rules, no ingress from anywhere, egress only on 443', () => {
    for (const [, sg] of resourcesOf(stack, 'aws_security_group')) {
      expect(sg.ingress ?? []).toEqual([]);
      expect(sg.egress ?? []).toEqual([]);
    }
    for (const [, rule] of resourcesOf(stack, 'aws_vpc_security_group_ingress_rule')) {
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
      expect(rule).toMatchObject({ from_port: 443, to_port: 443 });
    }
    for (const [, rule] of resourcesOf(stack, 'aws_vpc_security_group_egress_rule')) {
      expect(rule).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp' });
      expect(rule.cidr_ipv4).toBeUndefined();
    }
  });

  test('invocation: Function URLs are AWS_IAM only; permissions are bound to a source ARN and account', () => {
    for (const [, url] of resourcesOf(stack, 'aws_lambda_function_url')) {
      expect(url).toMatchObject({ authorization_type: 'AWS_IAM' });
    }
    for (const [, permission] of resourcesOf(stack, 'aws_lambda_permission')) {
      expect(permission.principal).not.toBe('*');
      expect(permission.source_arn).toBeDefined();
      expect(permission.source_account).toBeDefined();
      expect(permission.function_url_auth_type).not.toBe('NONE');
    }
  });

  test('every code-signing config enforces its signing profile', () => {
    const configs = resourcesOf(stack, 'aws_lambda_code_signing_config');
    expect(configs.length).toBeGreaterThan(0);
    for (const [, config] of configs) {
      expect(config).toMatchObject({ policies: { untrusted_artifact_on_deployment: 'Enforce' } });
    }
  });

  test('every VPC endpoint has a policy', () => {
    const endpoints = resourcesOf(stack, 'aws_vpc_endpoint');
    expect(endpoints.length).toBeGreaterThan(0);
    for (const [, endpoint] of endpoints) {
      for (const s of statementsOf(stack, endpoint.policy)) {
        // sts:GetCallerIdentity names no resource, so aws:ResourceAccount cannot scope it; it is the one
        // action allowed with the principal's account alone (the crypto API forwards callers' proofs).
        const resourceless = s.actions.length === 1 && s.actions[0] === 'sts:GetCallerIdentity';
        expect(s.condition?.map((c) => c.variable).sort()).toEqual(
          resourceless ? ['aws:PrincipalAccount'] : ['aws:PrincipalAccount', 'aws:ResourceAccount'],
        );
      }
    }
  });

  test('[TM-ID-04] managed policies the stack creates for callers never allow a direct invoke', () => {
    const policies = resourcesOf(stack, 'aws_iam_policy');
    expect(policies.length).toBeGreaterThan(0);
    for (const [, policy] of policies) {
      const statements = statementsOf(stack, policy.policy);
      expect(statements.flatMap((s) => s.actions).sort()).toEqual([
        'lambda:InvokeFunction',
        'lambda:InvokeFunctionUrl',
      ]);
      for (const s of statements) {
        const conditions = (s.condition ?? []).map((c) => `${c.test} ${c.variable} ${c.values.join(',')}`);
        expect(conditions).toEqual(
          s.actions.includes('lambda:InvokeFunction')
            ? ['Bool lambda:InvokedViaFunctionUrl true']
            : ['StringEquals lambda:FunctionUrlAuthType AWS_IAM'],
        );
      }
    }
  });

  test('nothing is left without a check: every resource type is one the invariants know', () => {
    const known = new Set([
      'aws_cloudwatch_log_group',
      'aws_cloudwatch_metric_alarm',
      'aws_default_network_acl',
      'aws_default_security_group',
      'aws_flow_log',
      'aws_iam_policy',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_kms_alias',
      'aws_kms_key',
      'aws_lambda_alias',
      'aws_lambda_function',
      'aws_network_acl',
      'aws_route_table',
      'aws_route_table_association',
      'aws_s3_bucket',
      'aws_s3_bucket_lifecycle_configuration',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_versioning',
      'aws_security_group',
      'aws_sns_topic',
      'aws_sqs_queue',
      'aws_subnet',
      'aws_vpc',
      'aws_vpc_endpoint',
      'aws_vpc_security_group_egress_rule',
      'aws_vpc_security_group_ingress_rule',
      'aws_s3_object',
      'aws_signer_signing_job',
      'aws_signer_signing_profile',
      'aws_lambda_code_signing_config',
      'aws_lambda_function_url',
      'aws_lambda_permission',
      'aws_s3_bucket_notification',
      'aws_route53_resolver_firewall_config',
      'aws_route53_resolver_firewall_domain_list',
      'aws_route53_resolver_firewall_rule',
      'aws_route53_resolver_firewall_rule_group',
      'aws_route53_resolver_firewall_rule_group_association',
      'aws_codedeploy_app',
      'aws_codedeploy_deployment_group',
      'aws_codedeploy_deployment_config',
      'aws_sns_topic_subscription',
      'aws_sqs_queue_policy',
      'aws_lambda_event_source_mapping',
      'aws_scheduler_schedule',
      'aws_scheduler_schedule_group',
      'aws_secretsmanager_secret',
      'aws_ssm_parameter',
    ]);
    const unknown = [...new Set(allResources(stack).map(([type]) => type))].filter((t) => !known.has(t));
    expect(unknown).toEqual([]);
  });
});
