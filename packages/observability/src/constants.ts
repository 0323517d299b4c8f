/** What a redacted value is replaced with. Stable: dashboards and tests search for it. */
export const REDACTED = '[REDACTED]';

/** Defaults of {@link ObservabilityOptions}, named so the docs and the code cannot drift apart. */
export const Defaults = {
  /** CloudWatch EMF namespace when neither the option nor `POWERTOOLS_METRICS_NAMESPACE` is set. */
  NAMESPACE: 'SecureLambda',
  /** Log level when neither the option nor `POWERTOOLS_LOG_LEVEL` / `LOG_LEVEL` is set. */
  LOG_LEVEL: 'INFO',
} as const;

/** Environment variables this package reads (Powertools reads more of its own, e.g. `POWERTOOLS_TRACE_ENABLED`). */
export const EnvVar = {
  LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
  LOG_LEVEL_ALIAS: 'LOG_LEVEL',
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  HANDLER: '_HANDLER',
} as const;

/** Log levels Powertools accepts (case-insensitive). `SILENT` turns logging off. */
export const LogLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/** Keys this package adds to log lines, besides the Powertools context keys. */
export const LogKey = {
  /** IAM principal ARN of a caller the handler verified (never one read from the event). */
  CALLER: 'caller',
  /** Lambda function version; Powertools' default formatter leaves it out. */
  FUNCTION_VERSION: 'function_version',
} as const;

/** Messages `withObservability` logs; apps can alarm on them with a metric filter. */
export const LogMessage = {
  HANDLER_FAILED: 'Handler failed',
  METRICS_PUBLISH_FAILED: 'Failed to publish metrics',
} as const;

/** Markers the redactor writes in place of values it will not (or cannot) descend into. */
export const RedactionMarker = {
  CIRCULAR: '[Circular]',
  TRUNCATED: '[Truncated]',
  UNSERIALIZABLE: '[Unserializable]',
} as const;

/**
 * Bounds on the redactor's walk. Anything past them is replaced by a marker, never printed unredacted:
 * a log call must not be able to hang or blow the stack of a Lambda invocation.
 */
export const RedactionLimits = {
  /** Nesting depth (objects, arrays, error causes, JSON inside strings) before `[Truncated]`. */
  MAX_DEPTH: 20,
  /** Values visited per log call before the rest become `[Truncated]`; bounds shared-reference blow-up. */
  MAX_NODES: 10_000,
  /** Strings longer than this are not parsed as embedded JSON (the string rules still apply). */
  MAX_JSON_PARSE_LENGTH: 1_000_000,
} as const;
