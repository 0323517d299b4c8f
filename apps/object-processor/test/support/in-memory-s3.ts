import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';

/** One stored version of an object. */
export interface StoredObject {
  readonly body: Buffer;
  readonly eTag: string;
  readonly versionId: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly serverSideEncryption: string | undefined;
  readonly sseKmsKeyId: string | undefined;
}

interface Bucket {
  readonly versioned: boolean;
  /** Versions per key, oldest first. */
  readonly objects: Map<string, StoredObject[]>;
}

interface MultipartUpload {
  readonly bucket: string;
  readonly key: string;
  readonly params: Record<string, unknown>;
  readonly parts: Map<number, Buffer>;
}

/** A call the client made: the SDK command name and its input. */
export interface RecordedCall {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

type Failure = (call: RecordedCall) => Error | undefined;

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * A body in small chunks, as a socket delivers it, so streaming code is exercised. Pushes a chunk only when
 * the consumer reads, and reports each one, so a test can tell whether a body was read at all. With
 * `stallAfterBytes` it stops there without ending, like a connection on which the server went quiet.
 */
function chunked(
  data: Buffer,
  onServed: (bytes: number) => void,
  stallAfterBytes = Number.POSITIVE_INFINITY,
  chunkSize = 16 * 1024,
): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      if (offset >= stallAfterBytes) return;
      const chunk = data.subarray(offset, Math.min(offset + chunkSize, data.length));
      offset += chunk.length;
      onServed(chunk.length);
      this.push(chunk);
    },
  });
}

async function toBuffer(body: unknown): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(Buffer.from(part as Uint8Array));
    return Buffer.concat(parts);
  }
  throw new Error(`InMemoryS3: unsupported body type ${typeof body}`);
}

/**
 * An in-memory S3 behind a real `S3Client`: a middleware at the front of the client's stack answers each
 * command from memory, so the code under test (including `Upload` from lib-storage) runs unchanged and
 * nothing goes over the network. Implements what the processor uses: HeadObject, GetObject, PutObject and
 * the multipart upload commands.
 */
export class InMemoryS3 {
  readonly client: S3Client;
  readonly calls: RecordedCall[] = [];
  readonly #buckets = new Map<string, Bucket>();
  readonly #uploads = new Map<string, MultipartUpload>();
  readonly #failures: Failure[] = [];
  #inFlight = 0;
  /** Most calls that were in progress at once. */
  maxInFlight = 0;
  /** Time each call takes, so that concurrency can be observed. */
  latencyMs = 0;
  /** Bytes of GetObject bodies that a consumer has read. */
  bodyBytesServed = 0;
  /** GetObject bodies stop after this many bytes and never end (a stalled download). */
  stallBodiesAfterBytes: number | undefined;
  /** Commands that never answer (a hung request), by name, e.g. `UploadPart`. */
  readonly hangingCommands = new Set<string>();

  constructor() {
    this.client = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    this.client.middlewareStack.add(
      (_next, context) => async (args) => {
        const call: RecordedCall = {
          command: String(context.commandName).replace(/Command$/, ''),
          input: args.input as Record<string, unknown>,
        };
        this.calls.push(call);
        for (const failure of this.#failures) {
          const error = failure(call);
          if (error) throw error;
        }
        if (this.hangingCommands.has(call.command)) await new Promise<never>(() => undefined);
        this.#inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
        try {
          if (this.latencyMs > 0) await sleep(this.latencyMs);
          // The handlers build plain objects shaped like each command's output.
          return { output: (await this.#handle(call)) as unknown as ServiceOutputTypes, response: {} };
        } finally {
          this.#inFlight -= 1;
        }
      },
      { step: 'initialize', priority: 'high', name: 'inMemoryS3' },
    );
  }

  createBucket(name: string, options: { versioned?: boolean } = {}): void {
    this.#buckets.set(name, { versioned: options.versioned ?? false, objects: new Map() });
  }

  /** Stores an object as a client would; returns its version id (undefined if the bucket is unversioned). */
  put(
    bucket: string,
    key: string,
    body: Buffer | string,
    metadata: Record<string, string> = {},
  ): StoredObject {
    const data = Buffer.from(body);
    const target = this.#bucket(bucket);
    const stored: StoredObject = {
      body: data,
      eTag: md5(data),
      versionId: target.versioned ? randomUUID().replace(/-/g, '') : undefined,
      metadata,
      serverSideEncryption: undefined,
      sseKmsKeyId: undefined,
    };
    this.#store(target, key, stored);
    return stored;
  }

  /** Every stored version of a key, oldest first. */
  versions(bucket: string, key: string): readonly StoredObject[] {
    return this.#bucket(bucket).objects.get(key) ?? [];
  }

  latest(bucket: string, key: string): StoredObject | undefined {
    return this.versions(bucket, key).at(-1);
  }

  keys(bucket: string): string[] {
    return [...this.#bucket(bucket).objects.keys()];
  }

  /** Makes matching calls fail with the returned error, until {@link clearFailures}. */
  failWhen(failure: Failure): void {
    this.#failures.push(failure);
  }

  clearFailures(): void {
    this.#failures.length = 0;
  }

  callsOf(command: string): RecordedCall[] {
    return this.calls.filter((call) => call.command === command);
  }

  /** Multipart uploads started and neither completed nor aborted. */
  get openUploads(): number {
    return this.#uploads.size;
  }

  #bucket(name: string): Bucket {
    const bucket = this.#buckets.get(name);
    if (!bucket) throw serviceError('NoSuchBucket', 404);
    return bucket;
  }

  #store(bucket: Bucket, key: string, stored: StoredObject): void {
    const versions = bucket.objects.get(key) ?? [];
    // An unversioned bucket keeps only the current object.
    bucket.objects.set(key, bucket.versioned ? [...versions, stored] : [stored]);
  }

  #find(input: Readonly<Record<string, unknown>>): StoredObject {
    const versions = this.#bucket(String(input.Bucket)).objects.get(String(input.Key)) ?? [];
    const wanted = input.VersionId as string | undefined;
    const found = wanted ? versions.find((v) => v.versionId === wanted) : versions.at(-1);
    if (!found) {
      throw wanted
        ? serviceError('NoSuchVersion', 404)
        : new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' });
    }
    const ifMatch = input.IfMatch as string | undefined;
    if (ifMatch !== undefined && ifMatch.replace(/"/g, '') !== found.eTag) {
      throw serviceError('PreconditionFailed', 412);
    }
    return found;
  }

  async #write(input: Readonly<Record<string, unknown>>, body: Buffer): Promise<Record<string, unknown>> {
    const bucket = this.#bucket(String(input.Bucket));
    const stored: StoredObject = {
      body,
      eTag: md5(body),
      versionId: bucket.versioned ? randomUUID().replace(/-/g, '') : undefined,
      metadata: { ...((input.Metadata as Record<string, string> | undefined) ?? {}) },
      serverSideEncryption: input.ServerSideEncryption as string | undefined,
      sseKmsKeyId: input.SSEKMSKeyId as string | undefined,
    };
    this.#store(bucket, String(input.Key), stored);
    return { ETag: `"${stored.eTag}"`, VersionId: stored.versionId, $metadata: { httpStatusCode: 200 } };
  }

  async #handle(call: RecordedCall): Promise<Record<string, unknown>> {
    const { input } = call;
    switch (call.command) {
      case 'HeadObject': {
        let found: StoredObject;
        try {
          found = this.#find(input);
        } catch {
          // HeadObject has no body, so S3 answers a bare 404 that the SDK names NotFound.
          throw new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' });
        }
        return {
          ETag: `"${found.eTag}"`,
          VersionId: found.versionId,
          ContentLength: found.body.length,
          Metadata: { ...found.metadata },
          $metadata: { httpStatusCode: 200 },
        };
      }
      case 'GetObject': {
        const found = this.#find(input);
        return {
          Body: chunked(
            found.body,
            (bytes) => {
              this.bodyBytesServed += bytes;
            },
            this.stallBodiesAfterBytes,
          ),
          ETag: `"${found.eTag}"`,
          VersionId: found.versionId,
          ContentLength: found.body.length,
          Metadata: { ...found.metadata },
          $metadata: { httpStatusCode: 200 },
        };
      }
      case 'PutObject':
        return this.#write(input, await toBuffer(input.Body));
      case 'CreateMultipartUpload': {
        this.#bucket(String(input.Bucket));
        const uploadId = randomUUID();
        this.#uploads.set(uploadId, {
          bucket: String(input.Bucket),
          key: String(input.Key),
          params: { ...input },
          parts: new Map(),
        });
        return {
          UploadId: uploadId,
          Bucket: input.Bucket,
          Key: input.Key,
          $metadata: { httpStatusCode: 200 },
        };
      }
      case 'UploadPart': {
        const upload = this.#uploads.get(String(input.UploadId));
        if (!upload) throw serviceError('NoSuchUpload', 404);
        const body = await toBuffer(input.Body);
        upload.parts.set(Number(input.PartNumber), body);
        return { ETag: `"${md5(body)}"`, $metadata: { httpStatusCode: 200 } };
      }
      case 'CompleteMultipartUpload': {
        const upload = this.#uploads.get(String(input.UploadId));
        if (!upload) throw serviceError('NoSuchUpload', 404);
        this.#uploads.delete(String(input.UploadId));
        const numbers = [...upload.parts.keys()].sort((a, b) => a - b);
        const body = Buffer.concat(numbers.map((n) => upload.parts.get(n)!));
        return this.#write(upload.params, body);
      }
      case 'AbortMultipartUpload':
        this.#uploads.delete(String(input.UploadId));
        return { $metadata: { httpStatusCode: 204 } };
      default:
        throw new Error(`InMemoryS3: ${call.command} is not implemented.`);
    }
  }
}
