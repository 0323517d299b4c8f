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
