import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import {
  DEPRECATION_WARNING_DAYS,
  LAMBDA_RUNTIME,
  type RuntimeLifecycle,
  runtimeStatus,
} from '@secure-lambda/contracts/runtime';
import { Annotations, type IAspect, Token } from 'cdktf';
import type { IConstruct } from 'constructs';

export interface RuntimeCurrencyProps {
  /**
   * Today, for the deprecation dates. Tests pass a fixed day.
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /**
   * Warn when a function's runtime is this many days or fewer from its deprecation.
   * @default DEPRECATION_WARNING_DAYS (180)
   */
  readonly warningDays?: number;
}

function dates(lifecycle: RuntimeLifecycle): string {
  return (
    `deprecation ${lifecycle.deprecation}, creating functions blocked from ${lifecycle.blockCreate}, ` +
    `updating them from ${lifecycle.blockUpdate}`
  );
}

/**
 * Warns at synth (a cdktf warning annotation on the function) when a Lambda function's runtime is within
 * `warningDays` of the deprecation AWS announced for it, or past it, using the dates of
 * `@secure-lambda/contracts/runtime`. A runtime the table does not list, or one that is a token, is left
 * alone. Warnings, not errors: a deprecated runtime still runs, and the fix (a newer runtime) may need a
 * provider upgrade first.
 *
 * @example
 * ```ts
 * import { Aspects } from 'cdktf';
 * import { RuntimeCurrency } from '@secure-lambda/constructs/runtime-currency';
 *
 * Aspects.of(app).add(new RuntimeCurrency());
 * // [WARNING] secure-lambda-dev/crypto-api/function: runtime nodejs22.x is deprecated by AWS in 144 days ...
 * ```
 */
export class RuntimeCurrency implements IAspect {
  private readonly now: () => Date;
  private readonly warningDays: number;

  constructor(props: RuntimeCurrencyProps = {}) {
    this.now = props.now ?? (() => new Date());
    this.warningDays = props.warningDays ?? DEPRECATION_WARNING_DAYS;
  }

  visit(node: IConstruct): void {
    if (!(node instanceof LambdaFunction)) return;
    const runtime = node.runtimeInput;
    if (runtime === undefined || Token.isUnresolved(runtime)) return;
    const status = runtimeStatus(runtime, this.now(), this.warningDays);
    if (status.state === 'deprecating') {
      Annotations.of(node).addWarning(
        `runtime ${runtime} is deprecated by AWS in ${status.daysLeft} day${status.daysLeft === 1 ? '' : 's'} ` +
          `(${dates(status.lifecycle)}). Move to a newer runtime: change LAMBDA_RUNTIME in ` +
          `@secure-lambda/contracts/runtime (now ${LAMBDA_RUNTIME}); nodejs24.x needs the AWS provider 6.x.`,
      );
    } else if (status.state === 'deprecated') {
      Annotations.of(node).addWarning(
        `runtime ${runtime} is deprecated by AWS since ${status.lifecycle.deprecation}: it gets no security ` +
          `patches (${dates(status.lifecycle)}). Move to a newer runtime: change LAMBDA_RUNTIME in ` +
          `@secure-lambda/contracts/runtime (now ${LAMBDA_RUNTIME}).`,
      );
    }
  }
}
