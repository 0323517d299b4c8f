import { createSocket, type Socket } from 'node:dgram';
import type { LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import {
  createObservability,
  LogKey,
  MetricUnit,
  type Observability,
  REDACTED,
  withObservability,
} from '../src';
import {
  type CapturedOutput,
  captureOutput,
  isolateEnv,
  lambdaContext,
  TRACE_HEADER,
  TRACE_ID,
} from './support';

const CALLER_ARN = 'arn:aws:sts::123456789012:assumed-role/SecureLambdaDevInvokerRoleABCDEF123456/ci-session';

/** A Function URL event signed with SigV4 (AuthType AWS_IAM), trimmed to what the wrapper reads. */
function functionUrlEvent(userArn: string): LambdaFunctionURLEventWithIAMAuthorizer {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/encrypt',
    rawQueryString: '',
    headers: { 'x-amz-security-token': 'FwoGZXIvYXdzEXAMPLETOKEN', host: 'abc.lambda-url.eu-west-1.on.aws' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      authorizer: {
        iam: {
          accessKey: 'ASIAIOSFODNN7EXAMPLE',
          accountId: '123456789012',
          callerId: 'AROAEXAMPLE:ci-session',
          cognitoIdentity: null,
          principalOrgId: 'o-example',
          userArn,
          userId: 'AROAEXAMPLE:ci-session',
        },
      },
      domainName: 'abc.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc',
      http: {
        method: 'POST',
        path: '/encrypt',
        protocol: 'HTTP/1.1',
        sourceIp: '10.0.0.1',
        userAgent: 'test',
      },
      requestId: 'url-request',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2025:00:00:00 +0000',
      timeEpoch: 1735689600000,
    },
  };
}

describe('withObservability', () => {
  let restoreEnv: () => void;
  let output: CapturedOutput;
  let observability: Observability;

  beforeEach(() => {
    restoreEnv = isolateEnv();
    // Powertools reports cold starts only for on-demand initialization, as Lambda sets it.
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    process.env._X_AMZN_TRACE_ID = TRACE_HEADER;
    output = captureOutput();
    observability = createObservability({ serviceName: 'orders' });
  });

  afterEach(() => {
    output.restore();
    restoreEnv();
  });

  it('adds request id, X-Ray trace id, cold start (true, then false), function name and version', async () => {
    const handler = withObservability(async (event: { n: number }) => {
      observability.logger.info('working', { n: event.n });
      return event.n * 2;
    }, observability);

    await expect(handler({ n: 1 }, lambdaContext('req-1'))).resolves.toBe(2);
    await expect(handler({ n: 2 }, lambdaContext('req-2'))).resolves.toBe(4);

    const working = output.logs().filter((entry) => entry.message === 'working');
    expect(working).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'orders',
        n: 1,
        function_request_id: 'req-1',
        xray_trace_id: TRACE_ID,
        cold_start: true,
        function_name: 'orders-handler',
        function_version: '7',
        function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-handler:live',
        function_memory_size: '256',
      }),
      expect.objectContaining({
        n: 2,
        function_request_id: 'req-2',
        xray_trace_id: TRACE_ID,
        cold_start: false,
      }),
    ]);
  });

  it('follows the trace id of each invocation from _X_AMZN_TRACE_ID', async () => {
    const handler = withObservability(async () => observability.logger.info('traced'), observability);

    await handler({}, lambdaContext('req-1'));
    process.env._X_AMZN_TRACE_ID =
      'Root=1-67890abc-0123456789abcdef01234567;Parent=1111111111111111;Sampled=0';
    await handler({}, lambdaContext('req-2'));

    expect(output.logs().map((entry) => entry.xray_trace_id)).toEqual([
      TRACE_ID,
      '1-67890abc-0123456789abcdef01234567',
    ]);
  });

  it('[TM-ID-01] never labels a log line with a caller the event claims: a direct invoker writes that claim', async () => {
    const handler = withObservability(async (_event: unknown) => {
      observability.logger.info('request');
      return { statusCode: 200 };
    }, observability);

    // A Function URL event, and the same block written by someone who may call lambda:Invoke directly.
    await handler(functionUrlEvent(CALLER_ARN), lambdaContext('req-1'));
    await handler(
      { requestContext: { identity: { userArn: 'arn:aws:iam::123456789012:user/ana' } } },
      lambdaContext('req-2'),
    );

    const lines = output.logs().filter((entry) => entry.message === 'request');
    expect(lines.map((entry) => entry.function_request_id)).toEqual(['req-1', 'req-2']);
    for (const line of lines) expect(line).not.toHaveProperty('caller');
    expect(JSON.stringify(output.logs())).not.toContain(CALLER_ARN);
    expect(JSON.stringify(output.logs())).not.toContain('user/ana');
  });

  it('keeps a caller the handler verified itself, for that invocation only', async () => {
    const handler = withObservability(async (event: { verified?: string }) => {
      if (event.verified) observability.logger.appendKeys({ [LogKey.CALLER]: event.verified });
      observability.logger.info('request');
    }, observability);

    await handler({ verified: CALLER_ARN }, lambdaContext('req-1'));
    await handler({}, lambdaContext('req-2'));

    const [verified, next] = output.logs().filter((entry) => entry.message === 'request');
    expect(verified).toMatchObject({ caller: CALLER_ARN, function_request_id: 'req-1' });
    expect(next).not.toHaveProperty('caller');
  });

  it('clears keys appended during an invocation so they cannot leak into the next one', async () => {
    const handler = withObservability(async (event: { user?: string }) => {
      if (event.user) observability.logger.appendKeys({ user: event.user });
      observability.logger.info('step');
    }, observability);

    await handler({ user: 'ana' }, lambdaContext('req-1'));
    await handler({}, lambdaContext('req-2'));

    const [first, second] = output.logs();
    expect(first).toMatchObject({ user: 'ana' });
    expect(second).not.toHaveProperty('user');
  });

  it('logs a thrown error redacted with its cause chain, then rethrows the same error', async () => {
    const cause = new Error('KMS said: token=abc123secret', { cause: new Error('socket closed') });
    const thrown = Object.assign(new Error('Decrypt failed', { cause }), { code: 'DECRYPT_FAILED' });
    const handler = withObservability(async () => {
      throw thrown;
    }, observability);

    const rejection = handler({}, lambdaContext('req-1'));

    await expect(rejection).rejects.toBe(thrown);
    const failure = output.logs().find((entry) => entry.message === 'Handler failed');
    expect(failure).toMatchObject({
      level: 'ERROR',
      function_request_id: 'req-1',
      error: {
        name: 'Error',
        message: 'Decrypt failed',
        code: 'DECRYPT_FAILED',
        cause: { message: `KMS said: token=${REDACTED}`, cause: { message: 'socket closed' } },
      },
    });
    expect(output.text()).not.toContain('abc123secret');
  });

  it('logs a thrown non-Error value redacted and rethrows it unchanged', async () => {
    const thrown = 'failure with AKIAIOSFODNN7EXAMPLE';
    const handler = withObservability(async () => {
      throw thrown;
    }, observability);

    await expect(handler({}, lambdaContext('req-1'))).rejects.toBe(thrown);
    expect(output.logs().find((entry) => entry.message === 'Handler failed')).toMatchObject({
      error: `failure with ${REDACTED}`,
    });
  });

  it('flushes stored metrics as EMF even when the handler throws', async () => {
    const handler = withObservability(async () => {
      observability.metrics.addDimension('operation', 'encrypt');
      observability.metrics.addMetric('EncryptFailures', MetricUnit.Count, 1);
      throw new Error('boom');
    }, observability);

    await expect(handler({}, lambdaContext('req-1'))).rejects.toThrow('boom');

    const emf = output.metrics().find((blob) => 'EncryptFailures' in blob);
    expect(emf).toMatchObject({
      service: 'orders',
      operation: 'encrypt',
      EncryptFailures: 1,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'SecureLambda',
            Dimensions: [['service', 'operation']],
            Metrics: [{ Name: 'EncryptFailures', Unit: 'Count' }],
          },
        ],
      },
    });
    expect(observability.metrics.hasStoredMetrics()).toBe(false);
  });

  it('records a ColdStart metric on the first invocation only', async () => {
    const handler = withObservability(async () => 'ok', observability);

    await handler({}, lambdaContext('req-1'));
    await handler({}, lambdaContext('req-2'));

    const coldStarts = output.metrics().filter((blob) => 'ColdStart' in blob);
    expect(coldStarts).toEqual([
      expect.objectContaining({ ColdStart: 1, service: 'orders', function_name: 'orders-handler' }),
    ]);
  });

  it('does not warn on invocations that publish no metrics (Powertools warning goes to DEBUG)', async () => {
    const handler = withObservability(async () => 'ok', observability);

    await handler({}, lambdaContext('req-1'));

    expect(output.logs().filter((entry) => entry.level === 'WARN')).toEqual([]);
  });

  it('fails the invocation when flushing metrics fails after the handler succeeded', async () => {
    observability.metrics.setThrowOnEmptyMetrics(true);
    const handler = withObservability(async () => 'ok', observability);

    await expect(handler({}, lambdaContext('req-1'))).rejects.toThrow(
      'The number of metrics recorded must be higher than zero',
    );
    expect(output.logs().find((entry) => entry.message === 'Failed to publish metrics')).toMatchObject({
      level: 'ERROR',
      error: { name: 'RangeError' },
    });
  });

  it("keeps the handler's error when flushing metrics also fails", async () => {
    observability.metrics.setThrowOnEmptyMetrics(true);
    const handlerError = new Error('handler broke');
    const handler = withObservability(async () => {
      throw handlerError;
    }, observability);

    await expect(handler({}, lambdaContext('req-1'))).rejects.toBe(handlerError);
    expect(output.logs().map((entry) => entry.message)).toEqual([
      'Handler failed',
      'Failed to publish metrics',
    ]);
  });

  describe('tracing (a subsegment per sampled invocation, sent to a real UDP socket as the X-Ray daemon)', () => {
    let daemon: Socket;
    const received: Record<string, unknown>[] = [];
    let waiting: ((doc: Record<string, unknown>) => void)[] = [];

    beforeAll(async () => {
      daemon = createSocket('udp4');
      daemon.on('message', (message: Buffer) => {
        const [header, body] = message.toString('utf8').split('\n');
        expect(JSON.parse(header ?? '')).toEqual({ format: 'json', version: 1 });
        const doc = JSON.parse(body ?? '') as Record<string, unknown>;
        const next = waiting.shift();
        if (next) next(doc);
        else received.push(doc);
      });
      await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    });
    afterAll(() => daemon.close());

    /** The next subsegment the daemon receives. */
    const nextSubsegment = () =>
      new Promise<Record<string, unknown>>((resolve) => {
        const ready = received.shift();
        if (ready) resolve(ready);
        else waiting.push(resolve);
      });

    beforeEach(() => {
      received.length = 0;
      waiting = [];
      process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
      process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;
      process.env._HANDLER = 'index.handler';
      observability = createObservability({ serviceName: 'orders' });
    });
    afterEach(() => {
      delete process.env.AWS_XRAY_DAEMON_ADDRESS;
    });

    it('records the handler, cold start then warm, and the error redacted; never the result', async () => {
      const thrown = new Error('secret is AKIAIOSFODNN7EXAMPLE');
      let fail = true;
      const handler = withObservability(async () => {
        if (fail) throw thrown;
        return { token: 'RESULT-CANARY-91c2' };
      }, observability);

      await expect(handler({}, lambdaContext('req-1'))).rejects.toBe(thrown);
      const first = await nextSubsegment();
      fail = false;
      await expect(handler({}, lambdaContext('req-2'))).resolves.toEqual({ token: 'RESULT-CANARY-91c2' });
      const second = await nextSubsegment();

      expect(first).toMatchObject({
        name: '## index.handler',
        type: 'subsegment',
        trace_id: TRACE_ID,
        parent_id: '53995c3f42cd8ad8',
        annotations: { ColdStart: true, Service: 'orders' },
        fault: true,
        cause: { exceptions: [{ type: 'Error', message: `secret is ${REDACTED}` }] },
      });
      expect(first.id).toMatch(/^[0-9a-f]{16}$/);
      expect(Number(first.end_time)).toBeGreaterThanOrEqual(Number(first.start_time));
      expect(JSON.stringify(first)).not.toContain('AKIAIOSFODNN7EXAMPLE');
      expect(second).toMatchObject({ annotations: { ColdStart: false, Service: 'orders' } });
      expect(second.fault).toBeUndefined();
      expect(JSON.stringify(second)).not.toContain('RESULT-CANARY');
    });

    it('sends nothing for an unsampled invocation, and nothing when tracing is off', async () => {
      const handler = withObservability(async () => 'ok', observability);
      process.env._X_AMZN_TRACE_ID = TRACE_HEADER.replace('Sampled=1', 'Sampled=0');
      await handler({}, lambdaContext('unsampled'));
      process.env.POWERTOOLS_TRACE_ENABLED = 'false';
      const off = createObservability({ serviceName: 'off' });
      process.env._X_AMZN_TRACE_ID = TRACE_HEADER;
      await withObservability(async () => 'ok', off)({}, lambdaContext('off'));
      delete process.env.POWERTOOLS_TRACE_ENABLED;
      // The next datagram is the sampled invocation's: the two before it sent none.
      await handler({}, lambdaContext('sampled'));
      const doc = await nextSubsegment();
      expect(doc.annotations).toEqual({ ColdStart: false, Service: 'orders' });
      expect(received).toEqual([]);
    });
  });
});
