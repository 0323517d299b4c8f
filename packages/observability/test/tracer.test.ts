import { parseTraceHeader, Tracer } from '../src/tracer';
import { TRACE_HEADER, TRACE_ID } from './support';

const LAMBDA = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

describe('parseTraceHeader', () => {
  test('reads root, parent and the sampling decision', () => {
    expect(parseTraceHeader(TRACE_HEADER)).toEqual({
      root: TRACE_ID,
      parent: '53995c3f42cd8ad8',
      sampled: true,
    });
    expect(parseTraceHeader(`${TRACE_HEADER.replace('Sampled=1', 'Sampled=0')};Lineage=a:1`)?.sampled).toBe(
      false,
    );
  });

  test.each([
    undefined,
    '',
    'Root=1-5759e988-bd862e3fe1be46a994272793',
    'Root=x;Parent=53995c3f42cd8ad8;Sampled=1',
    'Root=1-5759e988-bd862e3fe1be46a994272793;Parent="},{"x":1;Sampled=1',
  ])('refuses %j', (header) => {
    expect(parseTraceHeader(header)).toBeUndefined();
  });
});

describe('Tracer', () => {
  const sent: { host: string; port: number; doc: Record<string, unknown> }[] = [];
  const send = async (datagram: Buffer, host: string, port: number) => {
    sent.push({ host, port, doc: JSON.parse(datagram.toString('utf8').split('\n')[1] ?? '') });
  };
  const saved = process.env._X_AMZN_TRACE_ID;
  beforeEach(() => {
    sent.length = 0;
    process.env._X_AMZN_TRACE_ID = TRACE_HEADER;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
    else process.env._X_AMZN_TRACE_ID = saved;
  });

  test('is on in Lambda unless POWERTOOLS_TRACE_ENABLED=false or SAM local', () => {
    expect(new Tracer({ serviceName: 's', env: {} }).isTracingEnabled()).toBe(false);
    expect(new Tracer({ serviceName: 's', env: LAMBDA }).isTracingEnabled()).toBe(true);
    expect(
      new Tracer({
        serviceName: 's',
        env: { ...LAMBDA, POWERTOOLS_TRACE_ENABLED: 'FALSE' },
      }).isTracingEnabled(),
    ).toBe(false);
    expect(
      new Tracer({ serviceName: 's', env: { ...LAMBDA, AWS_SAM_LOCAL: 'true' } }).isTracingEnabled(),
    ).toBe(false);
  });

  test.each([
    ['169.254.79.129:2000', '169.254.79.129', 2000],
    ['tcp:127.0.0.1:2001 udp:127.0.0.2:2002', '127.0.0.2', 2002],
  ])('sends to the daemon at %s', async (address, host, port) => {
    const tracer = new Tracer({
      serviceName: 's',
      env: { ...LAMBDA, AWS_XRAY_DAEMON_ADDRESS: address },
      send,
    });
    await tracer.capture(
      '## h',
      async () => 1,
      (e) => e as Error,
    );
    expect(sent.map(({ host: h, port: p }) => [h, p])).toEqual([[host, port]]);
  });

  test('without a daemon (no active tracing) nothing is sent and the handler still runs', async () => {
    const tracer = new Tracer({ serviceName: 's', env: LAMBDA, send });
    await expect(
      tracer.capture(
        '## h',
        async () => 'done',
        (e) => e as Error,
      ),
    ).resolves.toBe('done');
    expect(sent).toEqual([]);
  });

  test('a failing send never fails the invocation', async () => {
    const tracer = new Tracer({
      serviceName: 's',
      env: { ...LAMBDA, AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000' },
      send: async () => {
        throw new Error('network down');
      },
    });
    await expect(
      tracer.capture(
        '## h',
        async () => 'done',
        (e) => e as Error,
      ),
    ).resolves.toBe('done');
  });
});
