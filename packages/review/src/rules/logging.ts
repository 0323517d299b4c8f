/**
 * Logging and monitoring rules: log retention, log groups destroyed, X-Ray tracing, alarms removed or
 * silenced.
 */
import type { ReviewContext } from '../context';
import { asArray, type JsonValue } from '../plan';

/**
 * Reviews log groups, tracing and alarms.
 *
 * @example
 * reviewLogging(new ReviewContext(plan, 'dev'));
 */
export function reviewLogging(ctx: ReviewContext): void {
  reviewLogGroups(ctx);
  reviewTracing(ctx);
  reviewAlarms(ctx);
}

/** 0 and unset both mean "never expire" for CloudWatch Logs. */
function retentionDays(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

function reviewLogGroups(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_cloudwatch_log_group')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (ctx.isDestroyed(rc)) {
      ctx.report(
        rc,
        'logging.log-group-destroyed',
        'high',
        `the log group ${before.text(['name'])} is ${ctx.isReplaced(rc) ? 'replaced' : 'destroyed'}: its events are deleted with it` +
          (before.get(['skip_destroy']) === true
            ? ' (skip_destroy keeps it in AWS, but Terraform stops managing it)'
            : ''),
        {
          before: { name: before.show(['name']), retention_in_days: before.show(['retention_in_days']) },
          after: null,
        },
      );
      if (!ctx.isReplaced(rc)) continue;
    }
    const path = ['retention_in_days'];
    if (after.isUnknown(path)) {
      ctx.unknown(
        rc,
        'retention_in_days',
        'how long events are kept',
        undefined,
        ctx.isCreated(rc) ? undefined : 'medium',
      );
      continue;
    }
    const secret = before.isSensitive(path) || after.isSensitive(path);
    const values = { before: rc.change.before === null ? null : before.show(path), after: after.show(path) };
    const old = retentionDays(before.get(path));
    const next = retentionDays(after.get(path));
    if (next === undefined && (old !== undefined || ctx.isCreated(rc))) {
      ctx.report(
        rc,
        'logging.retention-infinite',
        'low',
        `events never expire (retention ${secret ? '(sensitive)' : String(after.get(path) ?? 'unset')}): ` +
          'logs that may hold personal data are kept forever, and storage grows without bound; set a finite retention',
        values,
      );
    } else if (old !== undefined && next !== undefined && next < old) {
      ctx.report(
        rc,
        'logging.retention-lowered',
        'medium',
        `retention is lowered from ${secret ? '(sensitive)' : old} to ${secret ? '(sensitive)' : next} days: ` +
          'evidence for an investigation disappears sooner',
        values,
      );
    }
  }
}

function reviewTracing(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_function')) {
    if (!ctx.isChanged(rc)) continue;
    const path = ['tracing_config', 0, 'mode'];
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (before.get(path) !== 'Active') continue;
    if (after.isUnknown(path)) {
      ctx.unknown(rc, 'tracing_config', 'the tracing mode', undefined, 'medium');
      continue;
    }
    if (after.get(path) === 'Active') continue;
    ctx.report(
      rc,
      'logging.tracing-disabled',
      'medium',
      `active X-Ray tracing is turned off (${after.get(path) === undefined ? 'tracing_config removed' : `mode ${after.text(path)}`}): ` +
        'requests of this function are no longer traced end to end',
      { before: before.show(['tracing_config']), after: after.show(['tracing_config']) },
    );
  }
}

function reviewAlarms(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (ctx.isDeleted(rc)) {
      ctx.report(
        rc,
        'logging.alarm-removed',
        'medium',
        `the alarm ${before.text(['alarm_name'])} is destroyed: nobody is told when it would have fired`,
        {
          before: { alarm_name: before.show(['alarm_name']), alarm_actions: before.show(['alarm_actions']) },
          after: null,
        },
      );
      continue;
    }
    if (!ctx.isChanged(rc)) continue;
    const values = {
      before: {
        actions_enabled: before.show(['actions_enabled']),
        alarm_actions: before.show(['alarm_actions']),
      },
      after: {
        actions_enabled: after.show(['actions_enabled']),
        alarm_actions: after.show(['alarm_actions']),
      },
    };
    if (before.get(['actions_enabled']) !== false && after.get(['actions_enabled']) === false) {
      ctx.report(
        rc,
        'logging.alarm-actions-disabled',
        'medium',
        `actions of the alarm ${after.text(['alarm_name'])} are disabled: it changes state but notifies nobody`,
        values,
      );
      continue;
    }
    const old = asArray(before.get(['alarm_actions']));
    const next = asArray(after.get(['alarm_actions']));
    if (old.length > 0 && (after.isUnknown(['alarm_actions']) || after.hasUnknown(['alarm_actions']))) {
      // The worst value is none (or not the topic anyone reads): the alarm would notify nobody.
      ctx.unknown(rc, 'alarm_actions', 'whom the alarm notifies', undefined, 'medium');
      continue;
    }
    // Entries known only after apply may be the same topics recreated: judge them by count only.
    const removed = after.hasUnknown(['alarm_actions'])
      ? old.length - next.length
      : old.filter((action) => !next.includes(action)).length;
    if (removed <= 0) continue;
    ctx.report(
      rc,
      'logging.alarm-actions-disabled',
      'medium',
      next.length === 0
        ? `the alarm ${after.text(['alarm_name'])} loses all its alarm actions: it changes state but notifies nobody`
        : `the alarm ${after.text(['alarm_name'])} loses ${removed} of its alarm actions`,
      values,
    );
  }
}
