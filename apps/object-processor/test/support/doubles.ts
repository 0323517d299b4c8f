import type {
  ProcessorLogger,
  ProcessorMetrics,
  ProcessorMetricUnit,
  ProcessorSingleMetric,
} from '../../src/processor';

export interface LoggedLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Keeps every log call, to assert on what was (and was not) logged. */
export class RecordingLogger implements ProcessorLogger {
  readonly lines: LoggedLine[] = [];

  info(message: string, attributes: Readonly<Record<string, unknown>> = {}): void {
    this.lines.push({ level: 'info', message, attributes });
  }

  warn(message: string, attributes: Readonly<Record<string, unknown>> = {}): void {
    this.lines.push({ level: 'warn', message, attributes });
  }

  error(message: string, attributes: Readonly<Record<string, unknown>> = {}): void {
    this.lines.push({ level: 'error', message, attributes });
  }

  /** Everything logged, serialized the way a JSON logger would (errors by name, message and stack). */
  text(): string {
    return JSON.stringify(this.lines, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
    );
  }
}

export interface EmittedMetric {
  readonly name: string;
  readonly unit: ProcessorMetricUnit;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Keeps every metric with the dimensions it was emitted with. */
export class RecordingMetrics implements ProcessorMetrics {
  readonly emitted: EmittedMetric[] = [];

  addMetric(name: string, unit: ProcessorMetricUnit, value: number): void {
    this.emitted.push({ name, unit, value, dimensions: {} });
  }

  singleMetric(): ProcessorSingleMetric {
    const dimensions: Record<string, string> = {};
    return {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
      },
      addMetric: (name: string, unit: ProcessorMetricUnit, value: number) => {
        this.emitted.push({ name, unit, value, dimensions: { ...dimensions } });
      },
    };
  }

  /** Sum of a metric's values, optionally only those with the given dimensions. */
  total(name: string, dimensions: Readonly<Record<string, string>> = {}): number {
    return this.emitted
      .filter((m) => m.name === name)
      .filter((m) => Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v))
      .reduce((sum, m) => sum + m.value, 0);
  }
}

export interface RecordOptions {
  readonly bucket: string;
  /** As the event carries it: URL-encoded, `+` for spaces. */
  readonly key: string;
  readonly versionId?: string;
  readonly eTag?: string;
  readonly size?: number;
  readonly sequencer?: string;
  readonly eventName?: string;
}

/** One S3 notification record shaped like the ones S3 sends to Lambda. */
export function s3Record(options: RecordOptions): Record<string, unknown> {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2025-01-01T00:00:00.000Z',
    eventName: options.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '192.0.2.1' },
    responseElements: { 'x-amz-request-id': 'REQ', 'x-amz-id-2': 'ID2' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'object-processor',
      bucket: {
        name: options.bucket,
        ownerIdentity: { principalId: 'OWNER' },
        arn: `arn:aws:s3:::${options.bucket}`,
      },
      object: {
        key: options.key,
        size: options.size ?? 0,
        ...(options.eTag === undefined ? {} : { eTag: options.eTag }),
        ...(options.versionId === undefined ? {} : { versionId: options.versionId }),
        sequencer: options.sequencer ?? '0066A1B2C3D4E5F601',
      },
    },
  };
}

export function s3Event(...records: Record<string, unknown>[]): { Records: Record<string, unknown>[] } {
  return { Records: records };
}

/** S3's key encoding in notifications: percent-encoding with `+` for spaces. */
export function encodeKeyLikeS3(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * A Lambda context's clock that loses `stepMs` on every call: time passes per check the code makes, not per
 * wall-clock millisecond, so a deadline is reached at the same point of the work on any machine.
 */
export class CountdownClock {
  /** How many times the code asked. */
  calls = 0;

  constructor(
    readonly startMs: number,
    readonly stepMs = 0,
  ) {}

  getRemainingTimeInMillis(): number {
    const remaining = this.startMs - this.stepMs * this.calls;
    this.calls += 1;
    return Math.max(0, remaining);
  }
}
