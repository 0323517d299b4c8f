import { randomBytes } from 'node:crypto';
import { FailureReason, MetricNames, ProcessorDefaults, SkipReason } from '../src/constants';
import { MalformedEventError, RecordsFailedError } from '../src/errors';
import { s3Event, s3Record } from './support/doubles';
import { decryptOutput, harness, INPUT, MiB, OUTPUT, upload } from './support/harness';

/** Recognisable plaintext, to prove it never reaches a log line. */
const SECRET = 'TOP-SECRET-OBJECT-CONTENT';

describe('createObjectProcessor', () => {
  test('encrypts the object into <key>.encrypted with SSE-KMS, the source version and the context', async () => {
    const h = harness();
    const plaintext = Buffer.concat([Buffer.from(SECRET), randomBytes(200 * 1024)]);
    const record = upload(h, 'docs/report.pdf', plaintext);

    const summary = await h.process(s3Event(record));

    expect(summary).toEqual({ records: 1, processed: 1, skipped: 0, bytes: plaintext.length });
    const source = h.s3.latest(INPUT, 'docs/report.pdf')!;
    const output = h.s3.latest(OUTPUT, 'docs/report.pdf.encrypted')!;
    expect(output.serverSideEncryption).toBe('aws:kms');
    expect(output.sseKmsKeyId).toBe(h.keyArn);
    expect(output.metadata).toEqual({
      'source-bucket': INPUT,
      'source-version-id': source.versionId,
      'source-etag': source.eTag,
      'source-sequencer': '0066A1B2C3D4E5F601',
    });
    expect(output.body.includes(Buffer.from(SECRET))).toBe(false);
    const { plaintext: decrypted, encryptionContext } = await h.encryptor.decrypt(output.body, {
      requiredEncryptionContext: { app: 'object-processor' },
    });
    expect(decrypted.equals(plaintext)).toBe(true);
    expect(encryptionContext).toEqual({
      app: 'object-processor',
      bucket: INPUT,
      key: 'docs/report.pdf',
      versionId: source.versionId,
    });
    expect(h.s3.callsOf('GetObject')[0]?.input).toMatchObject({ VersionId: source.versionId });
    expect(h.logger.text()).not.toContain(SECRET);
  });

  test('streams a large object through a multipart upload in bounded parts', async () => {
    const h = harness();
    const plaintext = randomBytes(12 * MiB);
    const record = upload(h, 'big.bin', plaintext);

    await h.process(s3Event(record));

    expect(h.s3.callsOf('CreateMultipartUpload')).toHaveLength(1);
    const parts = h.s3.callsOf('UploadPart').map((call) => (call.input.Body as Buffer).length);
    expect(parts.length).toBe(3);
    expect(Math.max(...parts)).toBe(ProcessorDefaults.PART_SIZE_BYTES);
    expect(h.s3.openUploads).toBe(0);
    expect((await decryptOutput(h, 'big.bin')).plaintext.equals(plaintext)).toBe(true);
  });

  test('a retried event is skipped: no second read or write', async () => {
    const h = harness();
    const event = s3Event(upload(h, 'a.txt', 'hello'));

    await h.process(event);
    const writesBefore = h.s3.callsOf('PutObject').length;
    const second = await h.process(event);

    expect(second).toEqual({ records: 1, processed: 0, skipped: 1, bytes: 0 });
    expect(h.s3.callsOf('PutObject')).toHaveLength(writesBefore);
    expect(h.s3.callsOf('GetObject')).toHaveLength(1);
    expect(h.s3.versions(OUTPUT, 'a.txt.encrypted')).toHaveLength(1);
    expect(h.metrics.total(MetricNames.OBJECTS_SKIPPED)).toBe(1);
    expect(h.logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'Skipped the object',
        attributes: expect.objectContaining({ key: 'a.txt', skipReason: SkipReason.ALREADY_PROCESSED }),
      }),
    );
  });

  test('a new version of the key is encrypted again; a late event for the older one is not', async () => {
    const h = harness();
    const v1 = upload(h, 'k.txt', 'version one', '0066000000000000A1');
    const v2 = upload(h, 'k.txt', 'version two', '0066000000000000B2');

    await h.process(s3Event(v1));
    await h.process(s3Event(v2));
    expect((await decryptOutput(h, 'k.txt')).plaintext.toString()).toBe('version two');
    // The event of version one retried after version two was written must not roll the output back.
    const late = await h.process(s3Event(v1));

    expect(late.skipped).toBe(1);
    expect(h.s3.versions(OUTPUT, 'k.txt.encrypted')).toHaveLength(2);
    expect((await decryptOutput(h, 'k.txt')).plaintext.toString()).toBe('version two');
    expect(h.logger.lines.at(-2)?.attributes).toMatchObject({ skipReason: SkipReason.SUPERSEDED });
  });

  test('unversioned bucket: the ETag identifies the content, versionId is "null" in the context', async () => {
    const h = harness({ versioned: false });
    const event = s3Event(upload(h, 'plain.txt', 'first'));

    await h.process(event);
    const output = h.s3.latest(OUTPUT, 'plain.txt.encrypted')!;
    expect(output.metadata['source-version-id']).toBeUndefined();
    expect(output.metadata['source-etag']).toBe(h.s3.latest(INPUT, 'plain.txt')!.eTag);
    expect((await decryptOutput(h, 'plain.txt')).encryptionContext).toMatchObject({ versionId: 'null' });
    expect((await h.process(event)).skipped).toBe(1);

    // Overwritten since the event: the read is pinned to the announced ETag and the newer object's own
    // event handles it.
    h.s3.put(INPUT, 'plain.txt', 'second');
    h.s3.put(OUTPUT, 'plain.txt.encrypted', 'unrelated', {});
    const stale = await h.process(event);
    expect(stale).toEqual({ records: 1, processed: 0, skipped: 1, bytes: 0 });
    expect(h.s3.callsOf('GetObject').at(-1)?.input.IfMatch).toBe(`"${output.metadata['source-etag']}"`);
  });

  test.each([
    ['not an object', 'just a string'],
    ['null', null],
    ['no Records', { records: [] }],
    ['a record without s3', { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put' }] }],
    [
      'a record from another source',
      s3Event({ ...s3Record({ bucket: INPUT, key: 'SENSITIVE-KEY-VALUE' }), eventSource: 'aws:sqs' }),
    ],
  ])(
    'a malformed event (%s) is a typed MALFORMED_EVENT error, logged without its body',
    async (_label, event) => {
      const h = harness();

      const error = await h.process(event).then(
        () => undefined,
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(MalformedEventError);
      expect(error).toMatchObject({
        code: 'MALFORMED_EVENT',
        message: expect.stringMatching(/not an S3 event/),
      });
      expect(h.s3.calls).toHaveLength(0);
      expect(h.metrics.total(MetricNames.FAILURES, { reason: FailureReason.MALFORMED_EVENT })).toBe(1);
      expect(h.logger.lines).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'Rejected a malformed event' }),
      );
      expect(h.logger.text()).not.toContain('SENSITIVE-KEY-VALUE');
      expect(h.logger.text()).not.toContain('just a string');
      expect((error as Error).message).not.toContain('SENSITIVE-KEY-VALUE');
    },
  );

  test('one failing record among three: the others are written, the error names the failing key', async () => {
    const h = harness();
    const event = s3Event(upload(h, 'a.txt', 'aaa'), upload(h, 'b.txt', 'bbb'), upload(h, 'c.txt', 'ccc'));
    h.s3.failWhen((call) =>
      call.command === 'GetObject' && call.input.Key === 'b.txt'
        ? Object.assign(new Error('Access Denied'), {
            name: 'AccessDenied',
            $metadata: { httpStatusCode: 403 },
          })
        : undefined,
    );

    const error = await h.process(event).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RecordsFailedError);
    expect(error).toMatchObject({
      code: 'RECORDS_FAILED',
      total: 3,
      failures: [
        { bucket: INPUT, key: 'b.txt', reason: FailureReason.READ_FAILED, errorCode: 'AccessDenied' },
      ],
    });
    expect((error as Error).message).toContain('"input-bucket/b.txt" (ReadFailed: AccessDenied)');
    expect(h.s3.keys(OUTPUT).sort()).toEqual(['a.txt.encrypted', 'c.txt.encrypted']);
    expect(h.metrics.total(MetricNames.OBJECTS_PROCESSED)).toBe(2);
    expect(h.metrics.total(MetricNames.FAILURES, { reason: FailureReason.READ_FAILED })).toBe(1);

    // Lambda retries the event: only the failed record is done again.
    h.s3.clearFailures();
    const retry = await h.process(event);
    expect(retry).toMatchObject({ processed: 1, skipped: 2 });
    expect(h.s3.versions(OUTPUT, 'a.txt.encrypted')).toHaveLength(1);
    expect(h.s3.keys(OUTPUT)).toContain('b.txt.encrypted');
  });

  test('URL-encoded keys are decoded: spaces from +, a literal + from %2B, UTF-8', async () => {
    const h = harness();
    const key = 'reports/Q1 2024+final (é€).csv';
    const record = upload(h, key, 'a,b,c');
    expect((record.s3 as { object: { key: string } }).object.key).toBe(
      'reports/Q1+2024%2Bfinal+(%C3%A9%E2%82%AC).csv',
    );

    await h.process(s3Event(record));

    expect(h.s3.keys(OUTPUT)).toEqual([`${key}.encrypted`]);
    expect((await decryptOutput(h, key)).encryptionContext).toMatchObject({ key });
  });

  test('a key that is not valid URL encoding fails that record only', async () => {
    const h = harness();
    const good = upload(h, 'good.txt', 'ok');
    const bad = s3Record({ bucket: INPUT, key: 'bad%E0%A4%A.txt', versionId: 'v1', eTag: 'e1' });

    await expect(h.process(s3Event(good, bad))).rejects.toMatchObject({
      code: 'RECORDS_FAILED',
      failures: [
        { key: 'bad%E0%A4%A.txt', reason: FailureReason.INVALID_OBJECT_KEY, errorCode: 'INVALID_OBJECT_KEY' },
      ],
    });
    expect(h.s3.keys(OUTPUT)).toEqual(['good.txt.encrypted']);
  });

  test('emits ObjectsProcessed, BytesProcessed (Bytes), ObjectsSkipped and Failures{reason}', async () => {
    const h = harness();
    const first = upload(h, 'one.bin', randomBytes(1000));
    const second = upload(h, 'two.bin', randomBytes(2500));
    await h.process(s3Event(first, second));
    await h.process(s3Event(first));
    h.kms.failNext('generateDataKey', 'AccessDeniedException');
    await expect(h.process(s3Event(upload(h, 'three.bin', 'x')))).rejects.toMatchObject({
      code: 'RECORDS_FAILED',
    });

    expect(h.metrics.total(MetricNames.OBJECTS_PROCESSED)).toBe(2);
    expect(h.metrics.total(MetricNames.BYTES_PROCESSED)).toBe(3500);
    expect(
      h.metrics.emitted.filter((m) => m.name === MetricNames.BYTES_PROCESSED).map((m) => m.unit),
    ).toEqual(['Bytes', 'Bytes']);
    expect(h.metrics.total(MetricNames.OBJECTS_SKIPPED)).toBe(1);
    expect(h.metrics.emitted.filter((m) => m.name === MetricNames.FAILURES)).toEqual([
      { name: 'Failures', unit: 'Count', value: 1, dimensions: { reason: FailureReason.ENCRYPT_FAILED } },
    ]);
  });

  test('a KMS failure is EncryptFailed with the crypto code; nothing is written or left open', async () => {
    const h = harness();
    h.kms.failNext('generateDataKey', 'AccessDeniedException');

    await expect(h.process(s3Event(upload(h, 'secret.txt', SECRET)))).rejects.toMatchObject({
      code: 'RECORDS_FAILED',
      failures: [{ key: 'secret.txt', reason: FailureReason.ENCRYPT_FAILED, errorCode: 'KMS_ACCESS_DENIED' }],
    });
    expect(h.s3.keys(OUTPUT)).toEqual([]);
    expect(h.s3.openUploads).toBe(0);
    expect(h.logger.text()).not.toContain(SECRET);
  });

  test('a failed write of a multipart upload is WriteFailed and the upload is aborted', async () => {
    const h = harness();
    h.s3.failWhen((call) =>
      call.command === 'UploadPart' && call.input.PartNumber === 2
        ? Object.assign(new Error('Slow Down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } })
        : undefined,
    );

    await expect(h.process(s3Event(upload(h, 'big.bin', randomBytes(11 * MiB))))).rejects.toMatchObject({
      code: 'RECORDS_FAILED',
      failures: [{ key: 'big.bin', reason: FailureReason.WRITE_FAILED, errorCode: 'SlowDown' }],
    });
    expect(h.s3.callsOf('AbortMultipartUpload')).toHaveLength(1);
    expect(h.s3.openUploads).toBe(0);
    expect(h.s3.keys(OUTPUT)).toEqual([]);
  });

  test('a record whose version was deleted is skipped as gone, not retried forever', async () => {
    const h = harness();
    const record = s3Record({ bucket: INPUT, key: 'gone.txt', versionId: 'deleted-version', eTag: 'e' });

    expect(await h.process(s3Event(record))).toMatchObject({ processed: 0, skipped: 1 });
    expect(h.logger.lines.at(-2)?.attributes).toMatchObject({ skipReason: SkipReason.SOURCE_GONE });
  });

  test('records that are not ObjectCreated, or are its own outputs, are skipped', async () => {
    const h = harness({ props: { outputBucket: INPUT } });
    const removed = s3Record({ bucket: INPUT, key: 'x.txt', eventName: 'ObjectRemoved:Delete' });
    const own = s3Record({ bucket: INPUT, key: 'x.txt.encrypted', versionId: 'v', eTag: 'e' });

    expect(await h.process(s3Event(removed, own))).toMatchObject({ processed: 0, skipped: 2 });
    expect(h.s3.calls).toHaveLength(0);
  });

  test('processes at most `concurrency` records at once', async () => {
    const h = harness();
    const records = ['1', '2', '3', '4', '5', '6'].map((n) => upload(h, `${n}.txt`, n));
    h.s3.latencyMs = 15;

    await h.process(s3Event(...records));

    expect(h.s3.maxInFlight).toBe(ProcessorDefaults.CONCURRENCY);
    expect(h.s3.keys(OUTPUT)).toHaveLength(6);
  });

  test('rejects a part size below the S3 minimum', () => {
    expect(() => harness({ props: { partSizeBytes: 1024 } })).toThrow(
      /partSizeBytes must be an integer of at least/,
    );
  });
});

describe('input bucket pinning', () => {
  test('with an input bucket configured, an event from another bucket fails typed and writes nothing', async () => {
    const h = harness({ props: { inputBucket: 'some-other-bucket' } });
    const record = upload(h, 'a.txt', 'hello');
    const error = await h.process(s3Event(record)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordsFailedError);
    expect((error as Error).message).toContain('UnexpectedBucket');
    expect(h.s3.keys(OUTPUT)).toEqual([]);
    expect(h.s3.callsOf('GetObject')).toEqual([]);
    expect(h.logger.text()).toContain('INPUT_BUCKET');
  });

  test('the configured input bucket is processed as usual', async () => {
    const h = harness({ props: { inputBucket: INPUT } });
    await h.process(s3Event(upload(h, 'a.txt', 'hello')));
    expect(h.s3.keys(OUTPUT)).toEqual(['a.txt.encrypted']);
  });
});
