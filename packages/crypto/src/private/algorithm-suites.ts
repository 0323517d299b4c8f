import { AlgorithmSuiteId, type AlgorithmSuiteIdValue } from '../constants';
import { UnsupportedFormatError } from '../errors';

export interface AlgorithmSuite {
  readonly id: AlgorithmSuiteIdValue;
  readonly signed: boolean;
}

const SUITES: ReadonlyMap<number, AlgorithmSuite> = new Map([
  [
    AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY,
    {
      id: AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY,
      signed: false,
    },
  ],
  [
    AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    {
      id: AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
      signed: true,
    },
  ],
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
      `Unsupported algorithm suite ${hex(id)}: only ${hex(AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY)} ` +
        `and ${hex(AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)} (key-committing suites) are ` +
        'accepted. Re-encrypt the data with a committing suite.',
    );
  }
  return suite;
}
