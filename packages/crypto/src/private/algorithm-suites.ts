import { AlgorithmSuiteId, type AlgorithmSuiteIdValue } from '../constants';
import { UnsupportedFormatError } from '../errors';

export interface AlgorithmSuite {
  readonly id: AlgorithmSuiteIdValue;
  readonly signed: boolean;
}

const {
  AES256_GCM_HKDF_SHA512_COMMIT_KEY: COMMIT,
  AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384: COMMIT_ECDSA,
} = AlgorithmSuiteId;

const SUITES: ReadonlyMap<number, AlgorithmSuite> = new Map([
  [COMMIT, { id: COMMIT, signed: false }],
  [COMMIT_ECDSA, { id: COMMIT_ECDSA, signed: true }],
]);

function hex(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/**
 * Only the two committing suites are accepted, on encrypt and on decrypt: older suites without key
 * commitment let one ciphertext decrypt to different plaintexts under different keys.
 */
export function getAlgorithmSuite(id: number): AlgorithmSuite {
  const suite = SUITES.get(id);
  if (!suite) {
    throw new UnsupportedFormatError(
      `Unsupported algorithm suite ${hex(id)}: only ${hex(COMMIT)} ` +
        `and ${hex(COMMIT_ECDSA)} (key-committing suites) are ` +
        'accepted. Re-encrypt the data with a committing suite.',
    );
  }
  return suite;
}
