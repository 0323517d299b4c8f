/**
 * Every rule against real plans: each fixture is `terraform show -json` of a plan that terraform 1.11.4
 * and the AWS provider 5.100.0 made against a baseline applied to moto (scripts/make-fixtures.mjs). The
 * reviewer must report exactly the expected findings, no more, no less.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEVERITY_RANK } from '../src/constants';
import { parsePlan } from '../src/plan';
import { reviewPlan } from '../src/review';
import { RULE_IDS } from '../src/rules/catalog';
import { brief, PACKAGE_DIR, planPath, readManifest, reviewFixture, SHIPPED_DIR } from './helpers';

/** `severity rule address` of every finding each case must produce. */
const EXPECTED: Record<string, readonly string[]> = {
  // logging
  'logging-retention-lowered': ['medium logging.retention-lowered aws_cloudwatch_log_group.app'],
  'logging-retention-infinite': ['low logging.retention-infinite aws_cloudwatch_log_group.app'],
  'logging-log-group-destroyed': ['high logging.log-group-destroyed aws_cloudwatch_log_group.old'],
  'logging-alarm-removed': ['medium logging.alarm-removed aws_cloudwatch_metric_alarm.throttles'],
  'logging-alarm-actions-disabled': [
    'medium logging.alarm-actions-disabled aws_cloudwatch_metric_alarm.errors',
  ],
  'logging-alarm-actions-removed': [
    'medium logging.alarm-actions-disabled aws_cloudwatch_metric_alarm.errors',
  ],
  'logging-sensitive-retention': ['medium logging.retention-lowered aws_cloudwatch_log_group.audit'],
  // iam
  'iam-action-added': ['medium iam.policy-widened aws_iam_role_policy.inline'],
  'iam-resource-added': ['medium iam.policy-widened aws_iam_role_policy.inline'],
  'iam-wildcard-action': ['high iam.wildcard-action aws_iam_role_policy.inline'],
  'iam-wildcard-resource': ['high iam.wildcard-resource aws_iam_role_policy.inline'],
  'iam-condition-removed': ['medium iam.condition-removed aws_iam_role_policy.inline'],
  'iam-deny-removed': ['medium iam.deny-removed aws_iam_role_policy.inline'],
  'iam-document-widened': ['medium iam.policy-widened aws_iam_role_policy.from_doc'],
  'iam-document-unknown': [
    'medium iam.policy-widened aws_iam_role_policy.from_doc',
    'medium review.unknown-until-apply aws_iam_role_policy.from_doc',
  ],
  'iam-managed-policy-widened': ['medium iam.policy-widened aws_iam_policy.managed'],
  'iam-admin-attached': ['high iam.managed-policy-attached aws_iam_role_policy_attachment.admin'],
  'iam-policy-attached': ['medium iam.managed-policy-attached aws_iam_role_policy_attachment.read_only'],
  'iam-trust-widened': ['high iam.trust-widened aws_iam_role.app'],
  'iam-trust-condition-removed': ['high iam.trust-widened aws_iam_role.app'],
  'iam-boundary-removed': ['high iam.permissions-boundary-removed aws_iam_role.app'],
  'iam-sensitive-policy-widened': ['high iam.wildcard-action aws_iam_role_policy.secret'],
  'iam-new-role-scoped': [],
  'iam-benign': [],
  // network
  'net-sg-ingress-world': ['high network.sg-open-to-world aws_security_group.legacy'],
  'net-sg-rule-ingress-world': [
    'high network.sg-open-to-world aws_vpc_security_group_ingress_rule.endpoints_from_world',
  ],
  'net-sg-egress-world-ipv6': ['medium network.sg-open-to-world aws_security_group_rule.batch_egress'],
  'net-sg-port-widened': ['medium network.port-range-widened aws_security_group.legacy'],
  'net-nacl-ingress-ssh': ['high network.nacl-open-to-world aws_network_acl.private'],
  'net-nacl-deny-removed': ['high network.nacl-open-to-world aws_network_acl.private'],
  'net-nacl-rule-world': ['medium network.nacl-open-to-world aws_network_acl_rule.isolated_in'],
  'net-nacl-port-widened': ['medium network.port-range-widened aws_network_acl_rule.isolated_in'],
  'net-igw-added': ['medium network.gateway-added aws_internet_gateway.main'],
  'net-endpoint-removed': ['medium network.endpoint-removed aws_vpc_endpoint.kms'],
  'net-endpoint-policy-public': ['high network.endpoint-policy-widened aws_vpc_endpoint.s3'],
  'net-flow-log-removed': ['medium network.flow-log-removed aws_flow_log.vpc'],
  'net-default-sg-rules': ['high network.default-sg-rules aws_default_security_group.default'],
  'net-unknown-cidr': [
    'low review.unknown-until-apply aws_vpc_security_group_ingress_rule.endpoints_from_peer',
  ],
  'net-benign': [],
  // data
  'data-bucket-destroyed': ['high data.stateful-destroyed aws_s3_bucket.logs'],
  'data-public-access-weakened': ['high data.public-access-weakened aws_s3_bucket_public_access_block.main'],
  'data-versioning-suspended': ['medium data.versioning-suspended aws_s3_bucket_versioning.main'],
  'data-tls-only-removed': ['high data.tls-only-removed aws_s3_bucket_policy.main'],
  'data-bucket-policy-public': ['high iam.resource-policy-widened aws_s3_bucket_policy.main'],
  'data-sse-deleted': ['high kms.encryption-removed aws_s3_bucket_server_side_encryption_configuration.main'],
  'data-sse-weakened': [
    'medium kms.encryption-weakened aws_s3_bucket_server_side_encryption_configuration.main',
  ],
  // kms
  'kms-rotation-disabled': ['high kms.rotation-disabled aws_kms_key.main'],
  'kms-key-deleted': ['high kms.key-deleted aws_kms_key.legacy'],
  'kms-key-disabled': ['medium kms.key-disabled aws_kms_key.main'],
  'kms-key-policy-widened': ['medium kms.key-policy-widened aws_kms_key.main'],
  'kms-key-policy-public': ['high kms.key-policy-widened aws_kms_key.main'],
  'kms-alias-retargeted': ['medium kms.alias-retargeted aws_kms_alias.main'],
  'kms-log-group-unencrypted': ['high kms.encryption-removed aws_cloudwatch_log_group.app'],
  'kms-queue-unencrypted': ['high kms.encryption-removed aws_sqs_queue.jobs'],
  'kms-queue-sse-sqs': ['medium kms.encryption-weakened aws_sqs_queue.jobs'],
  'kms-topic-unencrypted': ['high kms.encryption-removed aws_sns_topic.alerts'],
  'data-queue-replaced': ['high data.stateful-destroyed aws_sqs_queue.jobs'],
  // lambda
  'lambda-url-public': ['high lambda.url-public aws_lambda_function_url.api'],
  'lambda-runtime-deprecated': [
    'medium lambda.runtime-deprecated aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
  'lambda-runtime-downgraded': ['low lambda.runtime-downgraded aws_lambda_function.worker'],
  'lambda-concurrency-removed': ['medium lambda.concurrency-removed aws_lambda_function.api'],
  'lambda-dlq-removed': [
    'medium lambda.dlq-removed aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
  'lambda-code-signing-removed': ['high lambda.code-signing-removed aws_lambda_function.api'],
  'lambda-env-key-removed': [
    'high kms.encryption-removed aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
  'lambda-tracing-disabled': [
    'medium logging.tracing-disabled aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
  'lambda-vpc-removed': [
    'high network.vpc-detached aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
  'lambda-permission-public': [
    'high iam.lambda-permission-public aws_lambda_permission.s3',
    // The function has a Function URL: anyone may now invoke it directly with any event.
    'high lambda.url-direct-invoke aws_lambda_permission.s3',
  ],
  'lambda-permission-unscoped': ['medium iam.lambda-permission-unscoped aws_lambda_permission.s3'],
  'lambda-alias-moved': ['info lambda.alias-changed aws_lambda_alias.live'],
  'lambda-benign': ['info lambda.alias-changed aws_lambda_alias.live'],
  // [TM-ID-05] new direct-invoke paths to a function behind a Function URL
  'lambda-url-direct-invoke-policy': [
    'high lambda.url-direct-invoke aws_iam_role_policy.caller',
    'medium iam.policy-widened aws_iam_role_policy.caller',
  ],
  'lambda-url-direct-invoke-wildcard': [
    'high lambda.url-direct-invoke aws_iam_role_policy.caller',
    'medium iam.policy-widened aws_iam_role_policy.caller',
  ],
  'lambda-url-direct-invoke-permission': ['high lambda.url-direct-invoke aws_lambda_permission.caller'],
  // The grant the platform's caller policy makes: a widening of the role, but no direct path.
  'lambda-url-invoke-via-url-only': [
    'medium iam.policy-widened aws_iam_role_policy.caller',
    'medium iam.policy-widened aws_iam_role_policy.caller',
  ],
  // [TM-SIGN-01] code that runs outside the signed zip
  'lambda-code-loading-env': [
    'high lambda.code-loading-config aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
  'lambda-layer-added': [
    'high lambda.code-loading-config aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
  'lambda-env-allowed-code-loading': ['info lambda.alias-changed aws_lambda_alias.live'],
  'lambda-mixed': [
    'high lambda.url-public aws_lambda_function_url.api',
    'medium lambda.concurrency-removed aws_lambda_function.api',
    'medium lambda.runtime-deprecated aws_lambda_function.api',
    'medium logging.tracing-disabled aws_lambda_function.api',
    'info lambda.alias-changed aws_lambda_alias.live',
  ],
};

const manifest = readManifest();

describe('plan fixtures made by terraform (scripts/make-fixtures.mjs)', () => {
  test('the manifest and the expectations name the same cases', () => {
    expect(manifest.cases.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(manifest.cases.map((c) => [c.name, c] as const))('%s', (name, fixture) => {
    const findings = reviewFixture(planPath(name));
    expect(findings.map(brief).sort()).toEqual([...(EXPECTED[name] ?? ['(no expectation)'])].sort());
    // The plan holds exactly the change the case describes (the generator checked it; keep it visible here).
    const plan = JSON.parse(readFileSync(planPath(name), 'utf8')) as {
      resource_changes?: { address: string; mode: string; change: { actions: string[] } }[];
    };
    const changed = (plan.resource_changes ?? [])
      .filter((rc) => rc.mode === 'managed' && !rc.change.actions.every((a) => a === 'no-op' || a === 'read'))
      .map((rc) => rc.address)
      .sort();
    expect(changed).toEqual([...fixture.changes].sort());
  });

  test('every rule id is exercised by at least one fixture', () => {
    const covered = new Set(
      Object.values(EXPECTED).flatMap((list) => list.map((line) => line.split(' ')[1])),
    );
    expect(RULE_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  test('benign changes (tags, descriptions, memory, a new scoped role) give nothing above info', () => {
    for (const name of [
      'iam-benign',
      'iam-new-role-scoped',
      'net-benign',
      'lambda-benign',
      'lambda-env-allowed-code-loading',
    ]) {
      const worst = reviewFixture(planPath(name)).filter(
        (f) => SEVERITY_RANK[f.severity] > SEVERITY_RANK.info,
      );
      expect({ name, worst }).toEqual({ name, worst: [] });
    }
  });

  test('fixtures that needed a state patch say so in the manifest (emulator gaps only)', () => {
    const patched = manifest.cases.filter((c) => c.statePatches.length > 0);
    expect(new Set(patched.map((c) => c.group))).toEqual(new Set(['kms', 'lambda']));
    for (const c of patched) {
      for (const patch of c.statePatches) expect(patch).toMatch(/moto/);
    }
    expect(manifest).toMatchObject({ terraform: '1.11.4', awsProvider: '5.100.0' });
  });
});

describe('what the findings say', () => {
  test('a widened policy names the new action and shows the statement before and after', () => {
    const [finding] = reviewFixture(planPath('iam-action-added'));
    expect(finding?.message).toContain('s3:PutObject on arn:aws:s3:::review-input/in/*');
    expect(finding?.before).toMatchObject({ Sid: 'ReadInput', Action: ['s3:GetObject'] });
    expect(finding?.after).toMatchObject({ Sid: 'ReadInput', Action: ['s3:GetObject', 's3:PutObject'] });
  });

  test('a removed condition is named', () => {
    const [finding] = reviewFixture(planPath('iam-condition-removed'));
    expect(finding?.message).toContain('loses the condition(s): StringEquals kms:ViaService');
  });

  test('a policy known only after apply is judged from its aws_iam_policy_document, and the rest is reported', () => {
    const findings = reviewFixture(planPath('iam-document-unknown'));
    const widened = findings.find((f) => f.rule === 'iam.policy-widened');
    expect(widened?.message).toContain('iam:PassRole on (known after apply)');
    const unknown = findings.find((f) => f.rule === 'review.unknown-until-apply');
    expect(unknown?.message).toMatch(
      /^cannot judge until apply: policy: statement "PassWorkerRole": Resource/,
    );
    expect(JSON.stringify(unknown?.after)).toContain('(known after apply)');
  });

  test('the NACL deny removal names the port and the rule that now lets it in', () => {
    const [finding] = reviewFixture(planPath('net-nacl-deny-removed'));
    expect(finding?.message).toMatch(
      /^port 3389 from 0\.0\.0\.0\/0 is now allowed by ingress tcp 1024-65535/,
    );
  });

  test('a destroyed bucket is reported once, not once per setting destroyed with it', () => {
    expect(reviewFixture(planPath('data-bucket-destroyed')).map((f) => f.address)).toEqual([
      'aws_s3_bucket.logs',
    ]);
  });
});

describe('[TM-SIGN-01] code loaded outside the signed zip', () => {
  test('[TM-SIGN-01] an added NODE_OPTIONS=--import=data:... is high, named without its value', () => {
    const [finding] = reviewFixture(planPath('lambda-code-loading-env')).filter(
      (f) => f.rule === 'lambda.code-loading-config',
    );
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toMatch(/^review-api: NODE_OPTIONS added to a value outside the allow-list/);
    expect(finding?.after).toEqual(['NODE_OPTIONS added']);
    expect(JSON.stringify(finding)).not.toMatch(/data:text|injected/);
  });

  test('[TM-SIGN-01] at create, where the plan hides the whole map, the configuration still names the variables', () => {
    // The shipped dev plan (a real plan of this repository's stack) with an exec wrapper and an
    // --import added to the crypto API's configuration: a plan JSON change, since the shipped plans
    // come from the real stacks rather than from the fixture generator.
    const plan = JSON.parse(readFileSync(path.join(SHIPPED_DIR, 'secure-lambda-dev.json'), 'utf8'));
    const fn = plan.configuration.root_module.resources.find((r: { address: string }) =>
      r.address.startsWith('aws_lambda_function.crypto-api_function_'),
    );
    const variables = fn.expressions.environment[0].variables.constant_value;
    expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    const clean = reviewPlan(parsePlan(JSON.stringify(plan), 'dev.json'), 'dev');
    expect(clean.filter((f) => f.rule === 'lambda.code-loading-config')).toEqual([]);

    variables.NODE_OPTIONS = '--enable-source-maps --import=data:text/javascript,void 0';
    variables.AWS_LAMBDA_EXEC_WRAPPER = '/opt/wrapper.sh';
    const findings = reviewPlan(parsePlan(JSON.stringify(plan), 'dev.json'), 'dev').filter(
      (f) => f.rule === 'lambda.code-loading-config',
    );
    expect(findings.map(brief)).toEqual([`high lambda.code-loading-config ${fn.address}`]);
    expect(findings[0]?.after).toEqual(['AWS_LAMBDA_EXEC_WRAPPER added', 'NODE_OPTIONS added']);
  });

  test('[TM-SIGN-01] a new layer is high and names the layer', () => {
    const [finding] = reviewFixture(planPath('lambda-layer-added')).filter(
      (f) => f.rule === 'lambda.code-loading-config',
    );
    expect(finding).toMatchObject({ severity: 'high', before: [] });
    expect(finding?.message).toMatch(
      /gains layer\(s\) arn:aws:lambda:us-east-1:123456789012:layer:shared-helpers:3/,
    );
  });
});

describe('README', () => {
  const readme = readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8');
  test.each(RULE_IDS.map((id) => [id]))('documents %s', (id) => {
    expect(readme).toContain(`\`${id}\``);
  });
});

describe('[TM-ID-05] direct invokes of a function behind a Function URL', () => {
  test('[TM-ID-05] a role policy allowing lambda:InvokeFunction without InvokedViaFunctionUrl is high and names the function', () => {
    for (const name of ['lambda-url-direct-invoke-policy', 'lambda-url-direct-invoke-wildcard']) {
      const [finding] = reviewFixture(planPath(name)).filter((f) => f.rule === 'lambda.url-direct-invoke');
      expect(finding).toMatchObject({ severity: 'high', after: ['review-api'] });
      expect(finding?.message).toMatch(
        /^allows lambda:InvokeFunction on review-api \(behind a Function URL\)/,
      );
    }
  });

  test('[TM-ID-05] a resource-based permission to invoke it is high: it cannot carry the condition', () => {
    const [finding] = reviewFixture(planPath('lambda-url-direct-invoke-permission')).filter(
      (f) => f.rule === 'lambda.url-direct-invoke',
    );
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toContain(
      'to arn:aws:iam::123456789012:role/caller as a resource-based permission',
    );
  });

  test('[TM-ID-05] a deployment hook (its policy reports lifecycle hook status) is shown as medium, not hidden', () => {
    const plan = JSON.parse(readFileSync(planPath('lambda-url-direct-invoke-policy'), 'utf8'));
    const rc = plan.resource_changes.find(
      (r: { address: string }) => r.address === 'aws_iam_role_policy.caller',
    );
    const doc = JSON.parse(rc.change.after.policy);
    doc.Statement.push({
      Sid: 'ReportHookStatus',
      Effect: 'Allow',
      Action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
      Resource: '*',
    });
    rc.change.after.policy = JSON.stringify(doc);
    const findings = reviewPlan(parsePlan(JSON.stringify(plan), 'hook.json'), 'hook').filter(
      (f) => f.rule === 'lambda.url-direct-invoke',
    );
    expect(findings.map(brief)).toEqual(['medium lambda.url-direct-invoke aws_iam_role_policy.caller']);
    expect(findings[0]?.message).toContain("deployment hook's smoke test");
  });

  test('[TM-ID-05] the same grant with Bool lambda:InvokedViaFunctionUrl = true opens no direct path', () => {
    const findings = reviewFixture(planPath('lambda-url-invoke-via-url-only'));
    expect(findings.filter((f) => f.rule === 'lambda.url-direct-invoke')).toEqual([]);
  });
});
