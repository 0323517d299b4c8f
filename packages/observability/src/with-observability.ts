import type { Context } from 'aws-lambda';
import { EnvVar, LogMessage } from './constants';
import type { Observability } from './observability';
import { redactString } from './private/secret-patterns';
import type { Tracer } from './tracer';

/**
 * A stand-in for the thrown value that X-Ray may store: same name, redacted message and stack. The trace is
 * outside the logs, where log redaction does not reach.
 */
function traceableError(thrown: unknown): Error {
  const isError = thrown instanceof Error;
  const message = isError
    ? thrown.message
    : typeof thrown === 'string'
      ? thrown
      : 'A non-Error value was thrown';
  const error = new Error(redactString(message, { heuristics: true }));
  if (isError) {
    error.name = thrown.name;
    error.stack = redactString(thrown.stack ?? '', { heuristics: true });
  }
  return error;
}

/**
 * Runs the handler in a `## <handler>` subsegment annotated with ColdStart and Service, like Powertools'
 * `captureLambdaHandler`, but never records the response (it may hold secrets) and records errors redacted.
 */
function traced<R>(tracer: Tracer, run: () => Promise<R>): Promise<R> {
  if (!tracer.isTracingEnabled()) return run();
  return tracer.capture(`## ${process.env[EnvVar.HANDLER] ?? 'handler'}`, run, traceableError);
}

/** Publishes stored metrics; a flush failure is logged, and thrown only if the handler itself succeeded. */
function flushMetrics({ logger, metrics }: Observability, handlerFailed: boolean): void {
  try {
    metrics.publishStoredMetrics();
  } catch (publishError) {
    logger.error(LogMessage.METRICS_PUBLISH_FAILED, { error: publishError });
    // The handler's own error is the one the caller must see; otherwise the flush failure is the failure.
    if (!handlerFailed) throw publishError;
  }
}

/**
 * Wraps a handler: injects Lambda context into every log line (request id, X-Ray trace id from
 * `_X_AMZN_TRACE_ID`, cold start flag, function name/version), logs a thrown error (redacted, with its
 * cause chain) then rethrows it, and always flushes metrics (`publishStoredMetrics`) even on error; records a
 * ColdStart metric. Keys added with `logger.appendKeys` during an invocation are cleared when it ends.
 *
 * It never labels lines with a caller read from the event: a Function URL fills
 * `requestContext.authorizer.iam` from a checked signature, but anyone allowed `lambda:InvokeFunction` can
 * send the same block with any ARN in it. A handler that proves its caller (the crypto API asks STS) adds
 * `logger.appendKeys({ [LogKey.CALLER]: arn })` itself.
 *
 * @example
 * const observability = createObservability({ serviceName: 'crypto-api' });
 *
 * export const handler = withObservability(
 *   async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
 *     observability.logger.info('Encrypt request');
 *     return { statusCode: 200, body: '{}' };
 *   },
 *   observability,
 * );
 */
export function withObservability<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  observability: Observability,
): (event: E, context: Context) => Promise<R> {
  const { logger, metrics, tracer } = observability;
  return async (event: E, context: Context): Promise<R> => {
    logger.addContext(context);
    let result: R;
    try {
      metrics.captureColdStartMetric(context.functionName);
      result = await traced(tracer, () => handler(event, context));
    } catch (error) {
      try {
        logger.error(LogMessage.HANDLER_FAILED, { error });
        flushMetrics(observability, true);
      } finally {
        logger.resetKeys();
      }
      throw error;
    }
    try {
      flushMetrics(observability, false);
    } finally {
      logger.resetKeys();
    }
    return result;
  };
}
