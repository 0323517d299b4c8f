import { randomBytes } from 'node:crypto';
import { FailureReason, MetricNames, ProcessorDefaults } from '../src/constants';
import { CountdownClock, s3Event, s3Record } from './support/doubles';
import { harness, INPUT, MiB, OUTPUT, upload } from './support/harness';

/*
 * An object too large to stream within the function's timeout used to fail on every asynchronous attempt,
 * each holding reserved concurrency for the whole timeout, and left its multipart upload to be killed
 * mid-way. These tests prove the two controls: a size limit checked before the body is read, and a stop
 * before the deadline that aborts the multipart upload. Time here is a CountdownClock, so the deadline
 * falls at the same point of the work on any machine.
 */
const MARGIN = ProcessorDefaults.DEADLINE_MARGIN_MS;
const SECRET = 'TOP-SECRET-OBJECT-CONTENT';

/** The commands that write anything to the output bucket. */
const WRITES = ['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload'];

describe('maximum object size', () => {
  test("[TM-AVAIL-01] an object above the limit by the event's size is refused with no S3 call for it", async () => {
    const h = harness({ props: { maxObjectBytes: MiB } });
    const record = upload(h, 'huge.bin', randomBytes(MiB + 1));

    await expect(h.process(s3Event(record))).rejects.toMatchObject({
      code: 'RECORDS_FAILED',
      failures: [{ key: 'huge.bin', reason: FailureReason.OBJECT_TOO_LARGE, errorCode: 'OBJECT_TOO_LARGE' }],
    });

    expect(h.s3.calls).toEqual([]);
    expect(h.s3.keys(OUTPUT)).toEqual([]);
    expect(h.metrics.total(MetricNames.FAILURES, { reason: FailureReason.OBJECT_TOO_LARGE })).toBe(1);
    const line = h.logger.lines.find((l) => l.message === 'Could not process the object');
    expect(line?.attributes).toMatchObject({
      key: 'huge.bin',
      errorCode: 'OBJECT_TOO_LARGE',
      objectBytes: MiB + 1,
      maxObjectBytes: MiB,
    });
  });

  test("[TM-AVAIL-01] an event that understates the size is refused on GetObject's Content-Length before a body byte is read", async () => {
    const h = harness({ props: { maxObjectBytes: MiB } });
    const stored = h.s3.put(INPUT, 'forged.bin', Buffer.concat([Buffer.from(SECRET), randomBytes(2 * MiB)]));
    // A direct invoker writes any size into the event; the object's real length is what S3 answers.
    const forged = s3Record({ bucket: INPUT, key: 'forged.bin', versionId: stored.versionId, size: 10 });

    await expect(h.process(s3Event(forged))).rejects.toMatchObject({
      failures: [
        { key: 'forged.bin', reason: FailureReason.OBJECT_TOO_LARGE, errorCode: 'OBJECT_TOO_LARGE' },
      ],
    });

    expect(h.s3.callsOf('GetObject')).toHaveLength(1);
    expect(h.s3.bodyBytesServed).toBe(0);
    expect(h.s3.calls.filter((c) => WRITES.includes(c.command))).toEqual([]);
    expect(h.s3.keys(OUTPUT)).toEqual([]);
    expect(h.metrics.total(MetricNames.FAILURES, { reason: FailureReason.OBJECT_TOO_LARGE })).toBe(1);
    expect(h.logger.text()).not.toContain(SECRET);
  });

  test('[TM-AVAIL-01] an object of exactly the limit is processed', async () => {
    const h = harness({ props: { maxObjectBytes: MiB } });
    const record = upload(h, 'edge.bin', randomBytes(MiB));

    await expect(h.process(s3Event(record))).resolves.toMatchObject({ processed: 1, bytes: MiB });
  });

  test('[TM-AVAIL-01] a refused event is refused the same way on every retry, still without reading', async () => {
    const h = harness({ props: { maxObjectBytes: MiB } });
    const event = s3Event(upload(h, 'huge.bin', randomBytes(2 * MiB)));

    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(h.process(event)).rejects.toMatchObject({
        failures: [{ reason: FailureReason.OBJECT_TOO_LARGE }],
      });
    }
    expect(h.s3.calls).toEqual([]);
    expect(h.metrics.total(MetricNames.FAILURES, { reason: FailureReason.OBJECT_TOO_LARGE })).toBe(3);
  });

  test('[TM-AVAIL-01] the limit defaults to ProcessorDefaults.MAX_OBJECT_BYTES', async () => {
    const h = harness();
    // The event's size alone decides: no object of that size needs to exist.
    const record = s3Record({
      bucket: INPUT,
      key: 'default.bin',
      versionId: 'v1',
      size: ProcessorDefaults.MAX_OBJECT_BYTES + 1,
    });

    await expect(h.process(s3Event(record))).rejects.toMatchObject({
      failures: [{ reason: FailureReason.OBJECT_TOO_LARGE, errorCode: 'OBJECT_TOO_LARGE' }],
    });
    expect(h.s3.calls).toEqual([]);
  });
});

describe('stopping before the deadline', () => {
  test('[TM-AVAIL-01] near the deadline the multipart upload is aborted: no parts left, no output, DEADLINE_EXCEEDED', async () => {
    const h = harness();
    const record = upload(h, 'slow.bin', Buffer.concat([Buffer.from(SECRET), randomBytes(12 * MiB)]));
    // One check when the record starts, one per part of ciphertext: 3 x margin, 2 x margin, then just
    // below the margin at the second part boundary, while the multipart upload is under way.
    const clock = new CountdownClock(3 * MARGIN, MARGIN + 1);

    await expect(h.process(s3Event(record), clock)).rejects.toMatchObject({
      code: 'RECORDS_FAILED',
      failures: [
        { key: 'slow.bin', reason: FailureReason.DEADLINE_EXCEEDED, errorCode: 'DEADLINE_EXCEEDED' },
      ],
    });

    expect(clock.calls).toBe(3);
    expect(h.s3.callsOf('CreateMultipartUpload')).toHaveLength(1);
    expect(h.s3.callsOf('UploadPart').length).toBeGreaterThanOrEqual(1);
    expect(h.s3.callsOf('AbortMultipartUpload').length).toBeGreaterThanOrEqual(1);
    expect(h.s3.callsOf('CompleteMultipartUpload')).toEqual([]);
    expect(h.s3.openUploads).toBe(0);
    expect(h.s3.keys(OUTPUT)).toEqual([]);
    expect(h.metrics.total(MetricNames.FAILURES, { reason: FailureReason.DEADLINE_EXCEEDED })).toBe(1);
    expect(h.logger.text()).not.toContain(SECRET);
  });

  test('[TM-AVAIL-01] no record is started once the remaining time is below the margin', async () => {
    const h = harness();
    const record = upload(h, 'late.bin', 'hello');

    await expect(h.process(s3Event(record), new CountdownClock(MARGIN - 1))).rejects.toMatchObject({
      failures: [
        { key: 'late.bin', reason: FailureReason.DEADLINE_EXCEEDED, errorCode: 'DEADLINE_EXCEEDED' },
      ],
    });
    expect(h.s3.calls).toEqual([]);
  });

  test('[TM-AVAIL-01] the records after the one that met the deadline are not started', async () => {
    const h = harness({ props: { concurrency: 1 } });
    const first = upload(h, 'first.bin', randomBytes(12 * MiB));
    const second = upload(h, 'second.bin', 'small');

    await expect(
      h.process(s3Event(first, second), new CountdownClock(3 * MARGIN, MARGIN + 1)),
    ).rejects.toMatchObject({
      failures: [
        { key: 'first.bin', reason: FailureReason.DEADLINE_EXCEEDED },
        { key: 'second.bin', reason: FailureReason.DEADLINE_EXCEEDED },
      ],
    });
    expect(h.s3.callsOf('GetObject').map((c) => c.input.Key)).toEqual(['first.bin']);
    expect(h.s3.keys(OUTPUT)).toEqual([]);
  });

  test('[TM-AVAIL-01] a download that stalls is stopped by the deadline timer; no upload is left open', async () => {
    // No byte flows after the stall, so only the timer armed from the remaining time can end the record.
    const margin = 200;
    const h = harness({ props: { deadlineMarginMs: margin } });
    h.s3.stallBodiesAfterBytes = 7 * MiB;
    const record = upload(h, 'stalled.bin', randomBytes(12 * MiB));

    await expect(h.process(s3Event(record), new CountdownClock(margin + 50))).rejects.toMatchObject({
      failures: [
        { key: 'stalled.bin', reason: FailureReason.DEADLINE_EXCEEDED, errorCode: 'DEADLINE_EXCEEDED' },
      ],
    });
    expect(h.s3.openUploads).toBe(0);
    expect(h.s3.keys(OUTPUT)).toEqual([]);
  });

  test('[TM-AVAIL-01] a part upload that never answers: the function aborts the upload itself before the time is up', async () => {
    // The graceful stop waits for parts in flight; one that hangs would hold it until Lambda kills the
    // function, so at half the margin the processor aborts the multipart upload itself.
    const margin = 400;
    const h = harness({ props: { deadlineMarginMs: margin } });
    h.s3.hangingCommands.add('UploadPart');
    const record = upload(h, 'hung.bin', randomBytes(12 * MiB));

    await expect(
      h.process(s3Event(record), new CountdownClock(3 * margin, margin + 1)),
    ).rejects.toMatchObject({
      failures: [
        { key: 'hung.bin', reason: FailureReason.DEADLINE_EXCEEDED, errorCode: 'DEADLINE_EXCEEDED' },
      ],
    });
    expect(h.s3.callsOf('CreateMultipartUpload')).toHaveLength(1);
    expect(h.s3.callsOf('AbortMultipartUpload').length).toBeGreaterThanOrEqual(1);
    expect(h.s3.openUploads).toBe(0);
    expect(h.s3.keys(OUTPUT)).toEqual([]);
  });
});

describe('limit settings', () => {
  test.each([
    [{ maxObjectBytes: 0 }, /maxObjectBytes must be an integer of at least 1/],
    [{ maxObjectBytes: 1.5 }, /maxObjectBytes must be an integer of at least 1/],
    [{ deadlineMarginMs: 0 }, /deadlineMarginMs must be an integer of at least 1/],
    [{ deadlineMarginMs: Number.NaN }, /deadlineMarginMs must be an integer of at least 1/],
  ])('[TM-AVAIL-01] %p is INVALID_CONFIGURATION: no setting turns a limit off', (props, message) => {
    expect(() => harness({ props })).toThrow(message);
    expect(() => harness({ props })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });

  test('[TM-AVAIL-01] the deadline margin defaults to 10 s', () => {
    expect(ProcessorDefaults.DEADLINE_MARGIN_MS).toBe(10_000);
  });
});
