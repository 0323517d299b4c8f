import { Limits } from '../src/constants';
import { ApiErrorCode } from '../src/errors';
import { bodyBytes, decodeBase64Field, parseFunctionUrlEvent, readJsonBody } from '../src/request';
import { functionUrlEvent } from './events';

describe('decodeBase64Field', () => {
  test.each([
    ['', ''],
    ['aGk=', 'hi'],
    ['aGVsbG8=', 'hello'],
    ['aGVsbG8h', 'hello!'],
    ['+/+/', '\u00fb\u00ff\u00bf'],
  ])('accepts canonical %j', (value, expected) => {
    expect(decodeBase64Field(value, 'plaintext', 100).toString('latin1')).toBe(expected);
  });

  test.each(['aGk', 'aGk==', 'aGl=', 'aG k=', 'aGk=\n', '-_-_', 'aGk=aGk=', '=', 'a', 'aGk=='])(
    'refuses non-canonical %j with MALFORMED_BASE64',
    (value) => {
      expect(() => decodeBase64Field(value, 'plaintext', 100)).toThrow(
        expect.objectContaining({ code: ApiErrorCode.MALFORMED_BASE64 }),
      );
    },
  );

  test('bounds the decoded size exactly', () => {
    expect(decodeBase64Field(Buffer.alloc(10).toString('base64'), 'plaintext', 10)).toHaveLength(10);
    expect(() => decodeBase64Field(Buffer.alloc(11).toString('base64'), 'plaintext', 10)).toThrow(
      expect.objectContaining({
        code: ApiErrorCode.PAYLOAD_TOO_LARGE,
        message: expect.stringContaining('10 bytes'),
      }),
    );
  });

  test('refuses an oversized value by its length, even when it is not base64', () => {
    expect(() => decodeBase64Field('!'.repeat(100), 'plaintext', 10)).toThrow(
      expect.objectContaining({ code: ApiErrorCode.PAYLOAD_TOO_LARGE }),
    );
  });
});

describe('bodyBytes and readJsonBody', () => {
  test('accepts a body exactly at the limit', () => {
    const padding = ' '.repeat(Limits.MAX_BODY_BYTES - 2);
    const event = parseFunctionUrlEvent(functionUrlEvent({ body: `{${padding}}` }));
    expect(readJsonBody(bodyBytes(event), '{}')).toEqual({});
    const over = parseFunctionUrlEvent(functionUrlEvent({ body: `{${padding} }` }));
    expect(() => bodyBytes(over)).toThrow(expect.objectContaining({ code: ApiErrorCode.PAYLOAD_TOO_LARGE }));
  });

  test('accepts a base64-encoded body exactly at the limit', () => {
    const json = Buffer.from(`{${' '.repeat(Limits.MAX_BODY_BYTES - 2)}}`);
    const event = parseFunctionUrlEvent(
      functionUrlEvent({ body: json.toString('base64'), isBase64Encoded: true }),
    );
    expect(readJsonBody(bodyBytes(event), '{}')).toEqual({});
  });
});

describe('parseFunctionUrlEvent (the rules of Powertools Parser’s LambdaFunctionUrlSchema)', () => {
  type Obj = Record<string, unknown>;
  const valid = (): Obj => JSON.parse(JSON.stringify(functionUrlEvent({ body: '{}' }))) as Obj;
  /** The object at a path of `event` (the event's nested blocks). */
  const at = (event: Obj, ...path: string[]): Obj => path.reduce<Obj>((node, key) => node[key] as Obj, event);

  test('a Function URL event is read, and keys the schema does not know are dropped', () => {
    const event = { ...valid(), injected: 'x' };
    at(event, 'requestContext', 'http').injected = 'y';
    const parsed = parseFunctionUrlEvent(event) as unknown as Obj;
    expect(parsed.rawPath).toBe(valid().rawPath);
    expect(parsed.injected).toBeUndefined();
    expect(at(parsed, 'requestContext', 'http').injected).toBeUndefined();
  });

  test.each<[string, (event: Obj) => void]>([
    ['no requestContext', (e) => delete e.requestContext],
    ['no http block', (e) => delete at(e, 'requestContext').http],
    ['a method outside GET..OPTIONS', (e) => (at(e, 'requestContext', 'http').method = 'TRACE')],
    ['a sourceIp that is not an address', (e) => (at(e, 'requestContext', 'http').sourceIp = 'evil')],
    ['a header value that is not a string', (e) => (at(e, 'headers')['x-a'] = 1)],
    ['isBase64Encoded as a string', (e) => (e.isBase64Encoded = 'false')],
    ['a numeric body', (e) => (e.body = 5)],
    ['timeEpoch as a string', (e) => (at(e, 'requestContext').timeEpoch = '1')],
    [
      'an authorizer userArn that is not a string',
      (e) => (at(e, 'requestContext').authorizer = { iam: { userArn: 7 } }),
    ],
  ])('refuses %s with INVALID_EVENT', (_name, mutate) => {
    const event = valid();
    mutate(event);
    expect(() => parseFunctionUrlEvent(event)).toThrow(
      expect.objectContaining({ code: ApiErrorCode.INVALID_EVENT }),
    );
  });

  test('the error names where the event is wrong, never what it holds', () => {
    const event = valid();
    at(event, 'requestContext', 'http').sourceIp = 'CANARY-7f3a-not-an-ip';
    at(event, 'requestContext', 'http').method = 'CANARY-METHOD';
    let thrown: unknown;
    try {
      parseFunctionUrlEvent(event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: ApiErrorCode.INVALID_EVENT });
    const cause = (thrown as { cause?: unknown }).cause;
    expect(cause).toEqual([
      expect.stringMatching(/^requestContext\.http\.method: /),
      expect.stringMatching(/^requestContext\.http\.sourceIp: /),
    ]);
    expect(JSON.stringify(cause)).not.toContain('CANARY');
  });

  test('accepts an IPv6 source address', () => {
    const event = valid();
    at(event, 'requestContext', 'http').sourceIp = '2001:db8::1';
    expect(parseFunctionUrlEvent(event).requestContext.http.sourceIp).toBe('2001:db8::1');
  });
});
