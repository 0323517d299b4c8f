/**
 * Audit rules: the services that record and detect what happens in the account — CloudTrail, GuardDuty,
 * AWS Config and Security Hub. Turning one off is an intruder's first step and a plan's quietest change,
 * so stopping or deleting one is high whatever else the plan does.
 */
import type { ReviewContext } from '../context';
import type { ResourceChange } from '../plan';
import type { Side } from '../values';

/**
 * Reviews trails, detectors, recorders and Security Hub.
 *
 * @example
 * reviewAudit(new ReviewContext(plan, 'dev'));
 */
export function reviewAudit(ctx: ReviewContext): void {
  reviewTrails(ctx);
  reviewGuardDuty(ctx);
  reviewConfig(ctx);
  reviewSecurityHub(ctx);
}

/** Trail settings whose loss weakens the record without stopping it. */
const TRAIL_FLAGS = [
  {
    attribute: 'enable_log_file_validation',
    loss: 'log file validation is turned off: log files that are altered or deleted go unnoticed',
  },
  {
    attribute: 'is_multi_region_trail',
    loss: 'the trail records only its home region: calls in every other region go unrecorded',
  },
  {
    attribute: 'include_global_service_events',
    loss: 'global service events (IAM, STS, CloudFront) are no longer recorded',
  },
] as const;

function trailValues(side: Side) {
  return {
    name: side.show(['name']),
    enable_logging: side.show(['enable_logging']),
    ...Object.fromEntries(TRAIL_FLAGS.map((flag) => [flag.attribute, side.show([flag.attribute])])),
  };
}

function reviewTrails(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_cloudtrail')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (ctx.isDeleted(rc)) {
      ctx.report(
        rc,
        'audit.trail-stopped',
        'high',
        `the trail ${before.text(['name'])} is deleted: API calls in the account are no longer recorded to ${before.text(['s3_bucket_name'])}`,
        { before: trailValues(before), after: null },
      );
      continue;
    }
    if (!ctx.isChanged(rc)) continue;
    const logging = ['enable_logging'];
    if (after.isUnknown(logging)) {
      ctx.unknown(rc, 'enable_logging', 'whether the trail keeps logging', undefined, 'high');
    } else if (before.get(logging) !== false && after.get(logging) === false) {
      ctx.report(
        rc,
        'audit.trail-stopped',
        'high',
        `the trail ${before.text(['name'])} stops logging (enable_logging = false): API calls are no longer recorded, ` +
          'including the ones that follow this change',
        { before: trailValues(before), after: trailValues(after) },
      );
    }
    const lost = TRAIL_FLAGS.filter(
      (flag) =>
        before.get([flag.attribute]) === true &&
        !after.isUnknown([flag.attribute]) &&
        after.get([flag.attribute]) !== true,
    );
    for (const flag of TRAIL_FLAGS.filter(
      (f) => before.get([f.attribute]) === true && after.isUnknown([f.attribute]),
    ))
      ctx.unknown(rc, flag.attribute, flag.loss.split(':')[0] ?? flag.attribute, undefined, 'medium');
    if (lost.length === 0) continue;
    ctx.report(
      rc,
      'audit.trail-weakened',
      'medium',
      `the trail ${before.text(['name'])}: ${lost.map((flag) => flag.loss).join('; ')}`,
      { before: trailValues(before), after: trailValues(after) },
    );
  }
}

function reportDisabled(ctx: ReviewContext, rc: ResourceChange, message: string, attribute: string): void {
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  ctx.report(rc, 'audit.detection-disabled', 'high', message, {
    before: { [attribute]: before.show([attribute]) },
    after: ctx.isDeleted(rc) ? null : { [attribute]: after.show([attribute]) },
  });
}

function reviewGuardDuty(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_guardduty_detector')) {
    const path = ['enable'];
    if (ctx.isDeleted(rc)) {
      reportDisabled(
        ctx,
        rc,
        'the GuardDuty detector is deleted: threat detection stops and its findings are deleted with it',
        'enable',
      );
      continue;
    }
    if (!ctx.isChanged(rc)) continue;
    const after = ctx.after(rc);
    if (after.isUnknown(path)) {
      ctx.unknown(rc, 'enable', 'whether GuardDuty keeps detecting', undefined, 'high');
    } else if (ctx.before(rc).get(path) !== false && after.get(path) === false) {
      reportDisabled(
        ctx,
        rc,
        'the GuardDuty detector is suspended (enable = false): threat detection stops',
        'enable',
      );
    }
  }
}

function reviewConfig(ctx: ReviewContext): void {
  const recorders = ctx.ofType('aws_config_configuration_recorder');
  const deletedRecorders = recorders.filter((rc) => ctx.isDeleted(rc));
  for (const rc of deletedRecorders) {
    reportDisabled(
      ctx,
      rc,
      `the AWS Config recorder ${ctx.before(rc).text(['name'])} is deleted: configuration changes are no longer recorded or evaluated`,
      'name',
    );
  }
  const recorderGone = (name: unknown) =>
    deletedRecorders.some((rc) => ctx.before(rc).get(['name']) === name);
  for (const rc of ctx.ofType('aws_config_configuration_recorder_status')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const path = ['is_enabled'];
    if (recorderGone(before.get(['name']))) continue;
    if (ctx.isDeleted(rc)) {
      if (before.get(path) !== true) continue;
      reportDisabled(
        ctx,
        rc,
        `the status of the AWS Config recorder ${before.text(['name'])} is no longer managed (recording may be stopped)`,
        'is_enabled',
      );
      continue;
    }
    if (!ctx.isChanged(rc)) continue;
    if (after.isUnknown(path)) {
      ctx.unknown(rc, 'is_enabled', 'whether AWS Config keeps recording', undefined, 'high');
    } else if (before.get(path) === true && after.get(path) !== true) {
      reportDisabled(
        ctx,
        rc,
        `the AWS Config recorder ${before.text(['name'])} stops recording (is_enabled = false): configuration changes go unrecorded`,
        'is_enabled',
      );
    }
  }
  for (const rc of ctx.ofType('aws_config_delivery_channel')) {
    if (!ctx.isDeleted(rc) || deletedRecorders.length > 0) continue;
    reportDisabled(
      ctx,
      rc,
      `the AWS Config delivery channel ${ctx.before(rc).text(['name'])} is deleted: recording stops delivering to ${ctx.before(rc).text(['s3_bucket_name'])}`,
      'name',
    );
  }
}

function reviewSecurityHub(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_securityhub_account')) {
    if (!ctx.isDeleted(rc)) continue;
    reportDisabled(
      ctx,
      rc,
      'Security Hub is disabled for the account: its findings, standards and controls are deleted',
      'id',
    );
  }
  for (const rc of ctx.ofType('aws_securityhub_standards_subscription')) {
    if (!ctx.isDeleted(rc)) continue;
    reportDisabled(
      ctx,
      rc,
      `the Security Hub standard ${ctx.before(rc).text(['standards_arn'])} is unsubscribed: its controls stop being checked`,
      'standards_arn',
    );
  }
}
