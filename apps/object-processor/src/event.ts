import { parse } from '@aws-lambda-powertools/parser';
import * as v from 'valibot';
import { InvalidObjectKeyError, MalformedEventError } from './errors';

/*
 * The S3 event notification as a valibot schema, read by Powertools Parser's `parse` through the Standard
 * Schema interface: the same fields and rules as Parser's `S3Schema` (written in zod, about 200 KiB of the
 * bundle), with one difference kept from before. Parser's schema accepts only an IPv4 address or
 * `s3.amazonaws.com` as `sourceIPAddress`, but S3 reports IPv6 addresses for requests over its dual-stack
 * endpoints: a valid event must never be rejected as malformed for a field this function does not read, so
 * that field is any string. `Records` may be empty (the deployment hook's smoke event).
 */
/*
 * Valibot's default messages quote the value received (`Expected string but received "..."`), and an event may
 * carry data: every message of this bundle names only what was expected, never what was sent.
 */
v.setGlobalMessage((issue) => `Invalid ${issue.kind}: expected ${issue.expected ?? issue.type}`);

const S3Identity = v.object({ principalId: v.string() });

const S3RecordSchema = v.object({
  eventVersion: v.string(),
  eventSource: v.literal('aws:s3'),
  awsRegion: v.string(),
  eventTime: v.pipe(v.string(), v.isoTimestamp()),
  eventName: v.string(),
  userIdentity: S3Identity,
  requestParameters: v.object({ sourceIPAddress: v.string() }),
  responseElements: v.object({ 'x-amz-request-id': v.string(), 'x-amz-id-2': v.string() }),
  s3: v.object({
    s3SchemaVersion: v.string(),
    configurationId: v.string(),
    object: v.object({
      key: v.string(),
      size: v.optional(v.number()),
      urlDecodedKey: v.optional(v.string()),
      eTag: v.optional(v.string()),
      sequencer: v.optional(v.string()),
      versionId: v.optional(v.string()),
    }),
    bucket: v.object({ name: v.string(), ownerIdentity: S3Identity, arn: v.string() }),
  }),
  glacierEventData: v.optional(
    v.object({
      restoreEventData: v.object({
        lifecycleRestorationExpiryTime: v.string(),
        lifecycleRestoreStorageClass: v.string(),
      }),
    }),
  ),
});

/** An S3 event notification (Parser's `S3Schema`, with `sourceIPAddress` relaxed: see above). */
export const S3EventSchema = v.object({ Records: v.array(S3RecordSchema) });

export type S3EventRecord = v.InferOutput<typeof S3RecordSchema>;

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
