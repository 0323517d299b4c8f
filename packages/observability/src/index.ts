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
export { withObservability } from './with-observability';
