import {
  createObservability,
  MetricUnit,
  ObservabilityConfigurationError,
  ObservabilityErrorCode,
  REDACTED,
} from '../src';
import { type CapturedOutput, captureOutput, isolateEnv } from './support';

describe('createObservability', () => {
  let restoreEnv: () => void;
  let output: CapturedOutput;

  beforeEach(() => {
    restoreEnv = isolateEnv();
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
    restoreEnv();
  });

  function loggedLevels(logLevel?: string): string[] {
    const { logger } = createObservability({
      serviceName: 'svc',
      ...(logLevel === undefined ? {} : { logLevel }),
    });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    return output
      .logs()
      .filter((entry) => ['d', 'i', 'w', 'e'].includes(String(entry.message)))
      .map((entry) => String(entry.level));
  }

  describe('log level', () => {
    it('defaults to INFO', () => {
      expect(loggedLevels()).toEqual(['INFO', 'WARN', 'ERROR']);
    });

    it('reads POWERTOOLS_LOG_LEVEL', () => {
      process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
      expect(loggedLevels()).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    });

    it('reads LOG_LEVEL when POWERTOOLS_LOG_LEVEL is not set, in any case', () => {
      process.env.LOG_LEVEL = 'error';
      expect(loggedLevels()).toEqual(['ERROR']);
    });

    it('prefers POWERTOOLS_LOG_LEVEL over LOG_LEVEL', () => {
      process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
      process.env.LOG_LEVEL = 'DEBUG';
      expect(loggedLevels()).toEqual(['WARN', 'ERROR']);
    });

    it('prefers the logLevel option over the environment', () => {
      process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
      expect(loggedLevels('debug')).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    });

    it('falls back to INFO and says so when the environment holds an unknown level', () => {
      process.env.LOG_LEVEL = 'verbose';
      expect(loggedLevels()).toEqual(['INFO', 'WARN', 'ERROR']);
      expect(output.logs()[0]).toMatchObject({
        level: 'WARN',
        message: 'Ignoring unknown log level in LOG_LEVEL; using INFO.',
        logLevelValue: 'verbose',
      });
    });

    it('rejects an unknown logLevel option', () => {
      expect(() => createObservability({ serviceName: 'svc', logLevel: 'verbose' })).toThrow(
        expect.objectContaining({
          name: 'ObservabilityConfigurationError',
          code: ObservabilityErrorCode.INVALID_CONFIGURATION,
          message: expect.stringContaining('Invalid logLevel "verbose": use one of TRACE, DEBUG, INFO'),
        }),
      );
    });
  });

  it('rejects a blank serviceName with a configuration error', () => {
    expect(() => createObservability({ serviceName: '  ' })).toThrow(ObservabilityConfigurationError);
    expect(() => createObservability({ serviceName: '' })).toThrow(
      'serviceName must be a non-empty string: pass the service',
    );
  });

  it('rejects a blank namespace with a configuration error', () => {
    expect(() => createObservability({ serviceName: 'svc', namespace: '' })).toThrow(
      'namespace must be a non-empty string',
    );
  });

  it('writes single-line JSON with the Powertools keys', () => {
    const { logger } = createObservability({ serviceName: 'svc' });

    logger.info('hello', { orderId: 'o-1' });

    const lines = output.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      level: 'INFO',
      message: 'hello',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      service: 'svc',
      sampling_rate: 0,
      orderId: 'o-1',
    });
  });

  it('redacts in child loggers too', () => {
    const { logger } = createObservability({ serviceName: 'svc' });

    logger.createChild({ serviceName: 'child' }).info('child', { password: 'p4ss' });

    expect(output.logs()[0]).toMatchObject({ service: 'child', password: REDACTED });
  });

  describe('metrics', () => {
    function publishedNamespace(namespace?: string): unknown {
      const { metrics } = createObservability({
        serviceName: 'svc',
        ...(namespace === undefined ? {} : { namespace }),
      });
      metrics.addMetric('Requests', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      const [blob] = output.metrics();
      const aws = blob?._aws as { CloudWatchMetrics?: { Namespace?: string }[] } | undefined;
      return aws?.CloudWatchMetrics?.[0]?.Namespace;
    }

    it("publishes EMF in the 'SecureLambda' namespace by default", () => {
      expect(publishedNamespace()).toBe('SecureLambda');
    });

    it('uses POWERTOOLS_METRICS_NAMESPACE when no namespace option is given', () => {
      process.env.POWERTOOLS_METRICS_NAMESPACE = 'FromEnv';
      expect(publishedNamespace()).toBe('FromEnv');
    });

    it('prefers the namespace option', () => {
      process.env.POWERTOOLS_METRICS_NAMESPACE = 'FromEnv';
      expect(publishedNamespace('Orders')).toBe('Orders');
    });

    it('routes Metrics warnings through the redacting JSON logger', () => {
      const { metrics } = createObservability({ serviceName: 'svc' });

      metrics.addDimension('', 'value');

      expect(output.logs()).toEqual([
        expect.objectContaining({
          level: 'WARN',
          message: expect.stringContaining("doesn't meet the requirements"),
        }),
      ]);
    });
  });

  describe('tracer', () => {
    it('is disabled outside Lambda', () => {
      expect(createObservability({ serviceName: 'svc' }).tracer.isTracingEnabled()).toBe(false);
    });

    it('is enabled in Lambda', () => {
      process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
      process.env.POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS = 'false';
      expect(createObservability({ serviceName: 'svc' }).tracer.isTracingEnabled()).toBe(true);
    });

    it('respects POWERTOOLS_TRACE_ENABLED=false in Lambda', () => {
      process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
      process.env.POWERTOOLS_TRACE_ENABLED = 'false';
      expect(createObservability({ serviceName: 'svc' }).tracer.isTracingEnabled()).toBe(false);
    });
  });
});
