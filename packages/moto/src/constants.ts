import { PythonEnv } from '../lib/python-env.cjs';

/** Defaults and fixed values of a moto server process. */
export const MotoDefaults = {
  /** Region clients are told to use; moto itself serves every region. */
  REGION: 'us-east-1',
  /** Cold start is about 1–2 s (importing moto); 30 s leaves room for a loaded CI machine. */
  START_TIMEOUT_MS: 30_000,
  /** How often readiness is polled while the server starts. */
  POLL_INTERVAL_MS: 50,
  /** Time limit of one readiness or reset request. */
  REQUEST_TIMEOUT_MS: 5_000,
  /** After SIGTERM, how long a stop waits before it sends SIGKILL. */
  STOP_GRACE_MS: 5_000,
  /** A port picked from the OS can be taken before moto binds it; that many tries in all. */
  PORT_ATTEMPTS: 3,
  /** The server's output kept for error messages (moto logs every request, so it is bounded). */
  OUTPUT_TAIL_BYTES: 16 * 1024,
  /** The only interface the server binds. */
  HOST: '127.0.0.1',
} as const;

/**
 * Fake credentials for clients of a local server. moto accepts any; a non-numeric access key id keeps
 * moto's default account (a 12-digit one would select that account instead). Hand SDK clients a fresh
 * copy: the SDK writes a `$source` field into the object it is given (and throws if the object is frozen).
 */
export const MOTO_CREDENTIALS = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
} as const;

/** The account moto puts into ARNs when the access key id does not name one. */
export const MOTO_ACCOUNT_ID = '123456789012';

/** Environment variables and file names shared with scripts/python-env.mjs (one definition: lib/python-env.cjs). */
export { PythonEnv };
