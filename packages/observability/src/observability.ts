import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Defaults, EnvVar, LogLevels } from './constants';
import { ObservabilityConfigurationError } from './errors';
import { RedactingLogFormatter } from './private/redacting-log-formatter';
import { Tracer } from './tracer';

export interface ObservabilityOptions {
  /** Service name on every log line (`service`), metric (`service` dimension) and trace annotation. */
  readonly serviceName: string;
  /**
   * EMF namespace. `POWERTOOLS_METRICS_NAMESPACE` is used when this option is not set.
   * @default 'SecureLambda'
   */
  readonly namespace?: string;
  /**
   * One of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT (any case). Lambda's Advanced Logging Controls
   * (`AWS_LAMBDA_LOG_LEVEL`) still win over it, as in Powertools.
   * @default process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO'
   */
  readonly logLevel?: string;
}

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

type LogLevelName = (typeof LogLevels)[number];

/** Powertools' warning when an invocation published no metric; routine for handlers without metrics. */
const NO_METRICS_WARNING_PREFIX = 'No application metrics to publish';

type MetricsLogger = NonNullable<NonNullable<ConstructorParameters<typeof Metrics>[0]>['logger']>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseLogLevel(value: string): LogLevelName | undefined {
  const upper = value.toUpperCase();
  return LogLevels.find((level) => level === upper);
}

interface ResolvedLogLevel {
  readonly level: LogLevelName;
  /** Set when an environment variable held an unknown level and the default was used instead. */
  readonly ignored?: { readonly variable: string; readonly value: string };
}

function resolveLogLevel(option: string | undefined): ResolvedLogLevel {
  if (option !== undefined) {
    const level = parseLogLevel(option.trim());
    if (level === undefined) {
      throw new ObservabilityConfigurationError(
        `Invalid logLevel ${JSON.stringify(option)}: use one of ${LogLevels.join(', ')}.`,
      );
    }
    return { level };
  }
  for (const variable of [EnvVar.LOG_LEVEL, EnvVar.LOG_LEVEL_ALIAS]) {
    const value = nonEmpty(process.env[variable]);
    if (value === undefined) continue;
    const level = parseLogLevel(value);
    // A stray LOG_LEVEL set for another tool must not stop the function from starting: fall back and say so.
    return level === undefined ? { level: Defaults.LOG_LEVEL, ignored: { variable, value } } : { level };
  }
  return { level: Defaults.LOG_LEVEL };
}

function requireNonBlank(name: string, value: string): string {
  if (value.trim() === '') {
    throw new ObservabilityConfigurationError(`${name} must be a non-empty string: pass the service's name.`);
  }
  return value.trim();
}

/** Routes Metrics' own warnings through the redacting logger; the routine empty-flush one goes to DEBUG. */
function metricsLogger(logger: Logger): MetricsLogger {
  const text = (content: unknown[]): string =>
    content.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  return {
    debug: (...content: unknown[]) => logger.debug(text(content)),
    info: (...content: unknown[]) => logger.info(text(content)),
    warn: (...content: unknown[]) => {
      const message = text(content);
      if (message.startsWith(NO_METRICS_WARNING_PREFIX)) logger.debug(message);
      else logger.warn(message);
    },
    error: (...content: unknown[]) => logger.error(text(content)),
  };
}

/**
 * Creates the Powertools logger and metrics and the tracer for one service, set up the secure way: JSON logs
 * with every line redacted (see `redact`), EMF metrics in `namespace`, and an X-Ray subsegment per sampled
 * invocation (`Tracer`, no X-Ray SDK) that turns itself off outside Lambda or when
 * `POWERTOOLS_TRACE_ENABLED=false`. Call it once per function, at module scope, and
 * wrap the handler with `withObservability`.
 *
 * @throws {ObservabilityConfigurationError} when `serviceName` or `namespace` is blank or `logLevel` is unknown.
 *
 * @example
 * import { createObservability, withObservability } from '@secure-lambda/observability';
 *
 * const observability = createObservability({ serviceName: 'orders' });
 * const { logger, metrics } = observability;
 *
 * export const handler = withObservability(async (event: OrderEvent) => {
 *   logger.info('Order received', { orderId: event.id });
 *   metrics.addMetric('OrdersReceived', MetricUnit.Count, 1);
 *   return { ok: true };
 * }, observability);
 */
export function createObservability(options: ObservabilityOptions): Observability {
  const serviceName = requireNonBlank('serviceName', options.serviceName);
  const namespace =
    options.namespace === undefined
      ? (nonEmpty(process.env[EnvVar.METRICS_NAMESPACE]) ?? Defaults.NAMESPACE)
      : requireNonBlank('namespace', options.namespace);
  const logLevel = resolveLogLevel(options.logLevel);

  const logger = new Logger({
    serviceName,
    logLevel: logLevel.level,
    logFormatter: new RedactingLogFormatter(),
  });
  if (logLevel.ignored) {
    logger.warn(`Ignoring unknown log level in ${logLevel.ignored.variable}; using ${logLevel.level}.`, {
      logLevelValue: logLevel.ignored.value,
      allowedLogLevels: LogLevels,
    });
  }
  const metrics = new Metrics({ namespace, serviceName, logger: metricsLogger(logger) });
  const tracer = new Tracer({ serviceName });
  return Object.freeze({ logger, metrics, tracer });
}
