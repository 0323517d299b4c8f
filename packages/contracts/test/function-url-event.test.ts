import { FunctionUrlEventError } from '../src/errors';
import { functionUrlEvent, functionUrlTime } from '../src/function-url-event';
import { CRYPTO_API_SMOKE_TEST, SMOKE_TESTS } from '../src/smoke-events';
import { STACK_APPS } from '../src/stack-outputs';

const caller = {
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  accountId: '111122223333',
  callerId: 'AIDAJQABLZS4A3QDU576Q',
  userArn: 'arn:aws:iam::111122223333:user/alice',
  userId: 'AIDAJQABLZS4A3QDU576Q',
};

describe('functionUrlEvent', () => {
  test('the URL gives host, domain, api id, path and query; the region is the one in the URL', () => {
    const event = functionUrlEvent({
      url: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws/decrypt?x=1&y=2',
      accountId: '444455556666',
      requestId: 'r-1',
      time: new Date('2025-11-29T12:00:00Z'),
      headers: { 'content-type': 'application/json', 'user-agent': 'aws-sdk-js/3' },
      body: '{"a":1}',
      caller: { ...caller, extra: 'not reported' } as typeof caller,
    });
    expect(event).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/decrypt',
      rawQueryString: 'x=1&y=2',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'aws-sdk-js/3',
        host: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws',
      },
      requestContext: {
        accountId: '444455556666',
        apiId: 'abcdefghijklmnopqrstuvwxyz012345',
        authorizer: { iam: { ...caller, cognitoIdentity: null, principalOrgId: null } },
        domainName: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws',
        domainPrefix: 'abcdefghijklmnopqrstuvwxyz012345',
        http: {
          method: 'POST',
          path: '/decrypt',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'aws-sdk-js/3',
        },
        requestId: 'r-1',
        routeKey: '$default',
        stage: '$default',
        time: '29/Nov/2025:12:00:00 +0000',
        timeEpoch: Date.parse('2025-11-29T12:00:00Z'),
      },
      body: '{"a":1}',
      isBase64Encoded: false,
    });
  });

  test('the host header is always the URL host, whatever the caller passed', () => {
    const event = functionUrlEvent({
      url: 'https://u.lambda-url.eu-west-1.on.aws/',
      accountId: '1',
      requestId: 'r',
      time: new Date(0),
      headers: { host: 'other.example' },
    });
    expect(event.headers.host).toBe('u.lambda-url.eu-west-1.on.aws');
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event).not.toHaveProperty('body');
  });

  test('time is written as Function URLs write it, zero-padded, in UTC', () => {
    expect(functionUrlTime(new Date('2026-03-05T04:05:06.789Z'))).toBe('05/Mar/2026:04:05:06 +0000');
  });

  test('a URL that is not https is refused with FUNCTION_URL_EVENT_INVALID', () => {
    const base = { accountId: '1', requestId: 'r', time: new Date(0) };
    expect(() => functionUrlEvent({ ...base, url: 'http://u.lambda-url.eu-west-1.on.aws/' })).toThrow(
      FunctionUrlEventError,
    );
    expect(() => functionUrlEvent({ ...base, url: 'not a url' })).toThrow(/is not a URL/);
  });
});

describe('smoke tests', () => {
  test('every stack app has one', () => {
    expect(Object.keys(SMOKE_TESTS).sort()).toEqual([...STACK_APPS].sort());
  });

  test('the crypto API smoke event carries no identity proof and no authorizer, and expects 403', () => {
    const event = CRYPTO_API_SMOKE_TEST.event as ReturnType<typeof functionUrlEvent>;
    expect(CRYPTO_API_SMOKE_TEST.expect).toEqual({ statusCode: 403 });
    expect(Object.keys(event.headers).filter((h) => h.startsWith('x-secure-lambda-'))).toEqual([]);
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.requestContext.domainName).toMatch(/\.invalid$/);
  });
});
