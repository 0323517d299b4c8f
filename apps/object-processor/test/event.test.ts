import { MalformedEventError } from '../src/errors';
import { decodeObjectKey, isObjectCreated, parseS3Event } from '../src/event';
import { s3Event, s3Record } from './support/doubles';

describe('parseS3Event', () => {
  test('reduces each record to bucket, raw key, version, ETag and sequencer', () => {
    const event = s3Event(
      s3Record({ bucket: 'in', key: 'a+b.txt', versionId: 'v1', eTag: 'e1', sequencer: '00AB' }),
      s3Record({
        bucket: 'in',
        key: 'c.txt',
        eTag: 'e2',
        eventName: 'ObjectCreated:CompleteMultipartUpload',
      }),
    );

    expect(parseS3Event(event)).toEqual([
      {
        eventName: 'ObjectCreated:Put',
        bucket: 'in',
        rawKey: 'a+b.txt',
        versionId: 'v1',
        eTag: 'e1',
        sequencer: '00AB',
        size: 0,
      },
      {
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        bucket: 'in',
        rawKey: 'c.txt',
        versionId: undefined,
        eTag: 'e2',
        sequencer: '0066A1B2C3D4E5F601',
        size: 0,
      },
    ]);
  });

  test.each(['2001:db8::1', 's3.amazonaws.com', '198.51.100.7'])('accepts sourceIPAddress %s', (address) => {
    const record = {
      ...s3Record({ bucket: 'in', key: 'k' }),
      requestParameters: { sourceIPAddress: address },
    };

    expect(parseS3Event(s3Event(record))).toHaveLength(1);
  });

  test('names the wrong fields, never their values', () => {
    const record = s3Record({ bucket: 'in', key: 'k' });
    const s3 = record.s3 as { object: Record<string, unknown> };
    s3.object = { ...s3.object, key: 12345678, size: 'CONFIDENTIAL-SIZE' };

    expect(() => parseS3Event(s3Event(record))).toThrow(MalformedEventError);
    try {
      parseS3Event(s3Event(record));
    } catch (error) {
      const malformed = error as MalformedEventError;
      expect(malformed.code).toBe('MALFORMED_EVENT');
      expect(malformed.issues).toEqual([
        expect.stringMatching(/^Records\.0\.s3\.object\.key: /),
        expect.stringMatching(/^Records\.0\.s3\.object\.size: /),
      ]);
      expect(malformed.message).not.toMatch(/12345678|CONFIDENTIAL-SIZE/);
    }
  });

  test('lists at most five issues in the message', () => {
    const error = new MalformedEventError(['a: x', 'b: x', 'c: x', 'd: x', 'e: x', 'f: x', 'g: x']);

    expect(error.message).toMatch(/a: x; b: x; c: x; d: x; e: x; and 2 more/);
    expect(error.issues).toHaveLength(7);
  });
});

describe('decodeObjectKey', () => {
  test.each([
    ['plain/key.txt', 'plain/key.txt'],
    ['with+spaces+here', 'with spaces here'],
    ['a%2Bb', 'a+b'],
    ['caf%C3%A9+%E2%82%AC', 'café €'],
    ['100%25', '100%'],
    ['q%3Fx%3D1%26y', 'q?x=1&y'],
  ])('%s -> %s', (raw, decoded) => {
    expect(decodeObjectKey(raw)).toBe(decoded);
  });

  test('invalid percent-encoding is INVALID_OBJECT_KEY', () => {
    expect(() => decodeObjectKey('bad%E0%A4%A')).toThrow(
      expect.objectContaining({ code: 'INVALID_OBJECT_KEY' }),
    );
    expect(() => decodeObjectKey('%')).toThrow(/not valid URL encoding/);
  });
});

test('isObjectCreated', () => {
  expect(isObjectCreated('ObjectCreated:Put')).toBe(true);
  expect(isObjectCreated('ObjectCreated:Copy')).toBe(true);
  expect(isObjectCreated('ObjectRemoved:Delete')).toBe(false);
});
