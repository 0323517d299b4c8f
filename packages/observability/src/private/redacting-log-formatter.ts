import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { LogKey } from '../constants';
import { createRedactionState, type RedactionState, redactProperty, redactValue } from '../redact';
import { redactString } from './secret-patterns';

/**
 * Context identifiers (function name, request id, trace id) are checked for known secret formats only: the
 * long-token heuristic would hide a generated function name, and these values come from the runtime.
 */
function redactIdentifier(value: unknown, state: RedactionState): unknown {
  return typeof value === 'string'
    ? redactString(value, { heuristics: false })
    : redactValue(value, 1, state);
}

/**
 * The Powertools JSON layout (same keys as `PowertoolsLogFormatter`, plus `function_version`) with every
 * attribute passed through `redact`. Powertools builds every log line, whatever the method (`info`, `error`,
 * `critical`, buffered logs, its own warnings, child loggers), by calling `formatAttributes`, so redaction
 * here cannot be bypassed; raw `Error`s are still raw at this point and are formatted by the redactor.
 */
export class RedactingLogFormatter extends LogFormatter {
  override formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    const state = createRedactionState();
    const context = attributes.lambdaContext;
    const formatted: LogAttributes = {
      level: attributes.logLevel,
      message: redactValue(attributes.message, 1, state),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: redactIdentifier(attributes.serviceName, state),
      cold_start: context?.coldStart,
      function_arn: redactIdentifier(context?.invokedFunctionArn, state),
      function_memory_size: redactIdentifier(context?.memoryLimitInMB, state),
      function_name: redactIdentifier(context?.functionName, state),
      [LogKey.FUNCTION_VERSION]: redactIdentifier(context?.functionVersion, state),
      function_request_id: redactIdentifier(context?.awsRequestId, state),
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: redactIdentifier(attributes.xRayTraceId, state),
      tenant_id: redactIdentifier(context?.tenantId, state),
    };
    for (const [key, value] of Object.entries(additionalLogAttributes)) {
      const redactedKey = redactString(key, { heuristics: true });
      Object.defineProperty(formatted, redactedKey, {
        value: redactProperty(key, value, 1, state),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    // Built fresh and fully redacted: LogItem.addAttributes would deep-merge the raw inputs instead.
    return new LogItem({ attributes: formatted });
  }
}
