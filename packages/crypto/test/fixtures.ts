import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InMemoryKms } from '@secure-lambda/testkit';
import {
  AlgorithmSuiteId,
  type AlgorithmSuiteIdValue,
  EnvelopeEncryptor,
  type EnvelopeEncryptorProps,
  KmsKeyring,
} from '../src';

export const SUITES: readonly AlgorithmSuiteIdValue[] = [
  AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY,
  AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
];

export const MiB = 1024 * 1024;

export interface Fixture {
  readonly kms: InMemoryKms;
  readonly keyArn: string;
  readonly otherKeyArn: string;
  readonly keyring: KmsKeyring;
  encryptor(options?: Omit<EnvelopeEncryptorProps, 'keyring'>): EnvelopeEncryptor;
}

export function fixture(): Fixture {
  const kms = new InMemoryKms();
  const keyArn = kms.createKey({ alias: 'primary' });
  const otherKeyArn = kms.createKey({ alias: 'other' });
  const keyring = new KmsKeyring({ client: kms, generatorKeyId: keyArn });
  return {
    kms,
    keyArn,
    otherKeyArn,
    keyring,
    encryptor: (options = {}) => new EnvelopeEncryptor({ keyring, ...options }),
  };
}

/** Deterministic-size random plaintext. */
export function plaintextOf(size: number): Buffer {
  return randomBytes(size);
}

/** Feeds `data` to a transform in chunks of the given sizes (cycled) and collects what comes out. */
export async function throughStream(
  transform: NodeJS.ReadWriteStream,
  data: Buffer,
  chunkSizes: readonly number[] = [7, 1000, 65_537],
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length]!);
    chunks.push(Buffer.from(data.subarray(offset, offset + size)));
    offset += size;
  }
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    transform,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

/** `0x0478`-style label for test titles. */
export function hex(suite: number): string {
  return `0x${suite.toString(16).padStart(4, '0')}`;
}

/** The sizes the issue names for round trips and interop: edges around 4 KiB, 1 MiB and 16 MiB. */
export const ROUND_TRIP_SIZES = [0, 1, 4095, 4096, 4097, 1 * MiB, 16 * MiB];

export type Case = [
  label: string,
  suite: AlgorithmSuiteIdValue,
  frameLength: number,
  size: number,
  context: Record<string, string>,
];

/**
 * Every suite x frame length x size x context. 1-byte frames are the worst case for framing logic and
 * are only paired with small inputs, or a run takes minutes.
 */
export function matrix(frameLengths: readonly number[], contexts: readonly Record<string, string>[]): Case[] {
  const cases: Case[] = [];
  for (const suite of SUITES)
    for (const frameLength of frameLengths)
      for (const size of ROUND_TRIP_SIZES)
        for (const context of contexts) {
          if (frameLength === 1 && size > 4097) continue;
          cases.push([hex(suite), suite, frameLength, size, context]);
        }
  return cases;
}
