export { MetricUnit } from '@aws-lambda-powertools/metrics';
export { LogKey, REDACTED } from './constants';
export {
  ObservabilityConfigurationError,
  ObservabilityError,
  ObservabilityErrorCode,
  type ObservabilityErrorCodeValue,
} from './errors';
export { createObservability, type Observability, type ObservabilityOptions } from './observability';
export { redact } from './redact';
export {
  type DatagramSender,
  parseTraceHeader,
  type TraceHeader,
  Tracer,
  type TracerOptions,
} from './tracer';
export { withObservability } from './with-observability';
