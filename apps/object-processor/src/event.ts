import { parse } from '@aws-lambda-powertools/parser';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { z } from 'zod';
import { InvalidObjectKeyError, MalformedEventError } from './errors';

/*
 * Powertools' S3 schema accepts only an IPv4 address or `s3.amazonaws.com` as `sourceIPAddress`, but S3
 * reports IPv6 addresses for requests over its dual-stack endpoints. A valid event must never be rejected
 * as malformed for a field this function does not read, so that one field is relaxed to any string.
 */
const S3RecordSchema = S3Schema.shape.Records.element.extend({
  requestParameters: z.object({ sourceIPAddress: z.string() }),
});

/** Powertools' `S3Schema`, with `sourceIPAddress` relaxed (see above). */
export const S3EventSchema = S3Schema.extend({ Records: z.array(S3RecordSchema) });

export type S3EventRecord = z.infer<typeof S3RecordSchema>;

/** One record of the event, reduced to what processing needs. */
export interface SourceObject {
  readonly eventName: string;
  readonly bucket: string;
  /** The key exactly as the event carries it (URL-encoded). */
  readonly rawKey: string;
  readonly versionId: string | undefined;
  readonly eTag: string | undefined;
  readonly sequencer: string | undefined;
  /** The object's size as S3 reported it in the event (a direct invoker can write any number here). */
  readonly size: number | undefined;
}

/** Turns a standard-schema issue path into `Records.0.s3.object.key`. */
function issuePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  if (!path || path.length === 0) return '(event)';
  return path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}

/**
 * Validates an S3 event notification with Powertools Parser. A failure becomes `MalformedEventError`
 * (`MALFORMED_EVENT`) listing where the event is wrong and never what it contains.
 *
 * @example
 * ```ts
 * const objects = parseS3Event(event); // throws MalformedEventError
 * for (const object of objects) console.log(object.bucket, decodeObjectKey(object.rawKey));
 * ```
 */
export function parseS3Event(event: unknown): SourceObject[] {
  const result = parse(event, undefined, S3EventSchema, true);
  if (!result.success) {
    const cause = result.error.cause;
    const issues = Array.isArray(cause)
      ? cause.map((issue: { message?: unknown; path?: Parameters<typeof issuePath>[0] }) => {
          return `${issuePath(issue.path)}: ${String(issue.message ?? 'invalid')}`;
        })
      : ['(event): invalid'];
    // The Powertools error is not kept as cause: its `originalEvent` sibling and message are the event's.
    throw new MalformedEventError(issues);
  }
  return result.data.Records.map((record) => ({
    eventName: record.eventName,
    bucket: record.s3.bucket.name,
    rawKey: record.s3.object.key,
    versionId: record.s3.object.versionId,
    eTag: record.s3.object.eTag,
    sequencer: record.s3.object.sequencer,
    size: record.s3.object.size,
  }));
}

/**
 * Decodes an object key from an S3 event: S3 URL-encodes keys in notifications and writes a space as `+`
 * (form encoding), so `+` must become a space before percent-decoding (a literal `+` arrives as `%2B`).
 * Throws `InvalidObjectKeyError` (`INVALID_OBJECT_KEY`) for malformed percent-encoding.
 *
 * @example
 * ```ts
 * decodeObjectKey('reports/Q1+2024%2Bfinal%C3%A9.csv'); // 'reports/Q1 2024+finalé.csv'
 * ```
 */
export function decodeObjectKey(rawKey: string): string {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch (cause) {
    throw new InvalidObjectKeyError({ cause });
  }
}

/** True for `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload` and the other creation events. */
export function isObjectCreated(eventName: string): boolean {
  return eventName.startsWith('ObjectCreated:');
}
