import { FailureReason } from '../src/constants';
import {
  ConfigurationError,
  DeadlineExceededError,
  InvalidObjectKeyError,
  MalformedEventError,
  ObjectProcessorError,
  ObjectTooLargeError,
  type RecordFailure,
  RecordsFailedError,
  UnexpectedResponseError,
} from '../src/errors';

function failure(n: number): RecordFailure {
  return {
    bucket: 'in',
    key: `key-${n}`,
    versionId: undefined,
    reason: FailureReason.READ_FAILED,
    errorCode: 'AccessDenied',
  };
}

describe('RecordsFailedError', () => {
  test('names each failed key with reason and code, and says what happens next', () => {
    const error = new RecordsFailedError([failure(1)], 3);

    expect(error).toBeInstanceOf(ObjectProcessorError);
    expect(error.name).toBe('RecordsFailedError');
    expect(error.code).toBe('RECORDS_FAILED');
    expect(error.message).toBe(
      '1 of 3 record(s) failed: "in/key-1" (ReadFailed: AccessDenied). The event will be retried (records ' +
        'already written are skipped); if these keep failing it goes to the dead-letter queue. The logs name ' +
        'each failure with its cause.',
    );
  });

  test('lists at most ten keys in the message but keeps every failure', () => {
    const failures = Array.from({ length: 13 }, (_, n) => failure(n));
    const error = new RecordsFailedError(failures, 20);

    expect(error.message).toContain('"in/key-9" (ReadFailed: AccessDenied), and 3 more.');
    expect(error.message).not.toContain('key-10');
    expect(error.failures).toHaveLength(13);
  });
});

test.each([
  ['MalformedEventError', () => new MalformedEventError(['x: y'])],
  ['RecordsFailedError', () => new RecordsFailedError([], 0)],
  ['ConfigurationError', () => new ConfigurationError('x')],
  ['InvalidObjectKeyError', () => new InvalidObjectKeyError()],
  ['UnexpectedResponseError', () => new UnexpectedResponseError('x')],
  ['ObjectTooLargeError', () => new ObjectTooLargeError(2, 1, 'event')],
  ['DeadlineExceededError', () => new DeadlineExceededError(1, 2)],
])('%s keeps its name when minified (Lambda reports it as errorType)', (name, make) => {
  expect(make().name).toBe(name);
});

describe('limits', () => {
  test('[TM-AVAIL-01] ObjectTooLargeError: OBJECT_TOO_LARGE, the sizes, and what to do', () => {
    const error = new ObjectTooLargeError(2_000, 1_000, 'GetObject');

    expect(error).toBeInstanceOf(ObjectProcessorError);
    expect(error).toMatchObject({ code: 'OBJECT_TOO_LARGE', objectBytes: 2_000, maxObjectBytes: 1_000 });
    expect(error.message).toMatch(/2000 bytes \(GetObject\), more than the maximum of 1000; it was not read/);
    expect(error.message).toMatch(/raise MAX_OBJECT_BYTES together with the function timeout/);
  });

  test('[TM-AVAIL-01] DeadlineExceededError: DEADLINE_EXCEEDED, the times, and that nothing was written', () => {
    const error = new DeadlineExceededError(9_000, 10_000);

    expect(error).toBeInstanceOf(ObjectProcessorError);
    expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED', remainingMs: 9_000, marginMs: 10_000 });
    expect(error.message).toMatch(/multipart upload was aborted and no output was written/);
  });
});
