import { Transform, type TransformCallback } from 'node:stream';
import { DeadlineExceededError } from '../errors';

/** The part of a Lambda `Context` that tells how long the invocation has left. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/**
 * The deadline of one record: trips once the invocation has less than `marginMs` left. Two things trip it:
 * `check()`, which the streaming code calls at each part boundary, so the stop falls at a point of the work
 * rather than of the wall clock; and a timer armed from the remaining time at the start, which covers a
 * stall where no byte flows and so nothing calls `check()`. Once tripped, `hardStop` rejects when half the
 * margin is left: the moment to stop waiting for requests in flight and abort the upload directly.
 */
export class Deadline {
  readonly #clock: RemainingTime;
  readonly #marginMs: number;
  readonly #tripped = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #hardTimer: NodeJS.Timeout | undefined;
  #rejectHardStop: ((error: DeadlineExceededError) => void) | undefined;
  /** Rejects with the `DeadlineExceededError` once half the margin is left after a trip; never resolves. */
  readonly hardStop: Promise<never>;

  constructor(clock: RemainingTime, marginMs: number) {
    this.#clock = clock;
    this.#marginMs = marginMs;
    this.hardStop = new Promise<never>((_resolve, reject) => {
      this.#rejectHardStop = reject;
    });
    // Only observed while an upload is waited for; an unobserved rejection must not crash the process.
    this.hardStop.catch(() => undefined);
    const remaining = clock.getRemainingTimeInMillis();
    if (remaining < marginMs) {
      this.#trip(remaining);
    } else {
      this.#timer = setTimeout(
        () => this.#trip(this.#clock.getRemainingTimeInMillis()),
        remaining - marginMs,
      );
      this.#timer.unref();
    }
  }

  /** Aborted, with the `DeadlineExceededError` as reason, once the deadline tripped. */
  get signal(): AbortSignal {
    return this.#tripped.signal;
  }

  get error(): DeadlineExceededError | undefined {
    return this.#tripped.signal.aborted ? (this.#tripped.signal.reason as DeadlineExceededError) : undefined;
  }

  /** Asks the clock once; trips if less than the margin is left. True while there is time. */
  check(): boolean {
    if (this.#tripped.signal.aborted) return false;
    const remaining = this.#clock.getRemainingTimeInMillis();
    if (remaining < this.#marginMs) this.#trip(remaining);
    return !this.#tripped.signal.aborted;
  }

  /** Clears the timers; call when the record is done. */
  dispose(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#hardTimer);
  }

  #trip(remainingMs: number): void {
    if (this.#tripped.signal.aborted) return;
    clearTimeout(this.#timer);
    const error = new DeadlineExceededError(remainingMs, this.#marginMs);
    this.#tripped.abort(error);
    this.#hardTimer = setTimeout(
      () => this.#rejectHardStop?.(error),
      Math.max(0, remainingMs - this.#marginMs / 2),
    );
    this.#hardTimer.unref();
  }
}

/**
 * A pass-through stream that checks the deadline every `checkEveryBytes` bytes (once per upload part) and
 * fails with the `DeadlineExceededError` as soon as it trips, which ends the upload reading from it.
 *
 * @example
 * ```ts
 * const deadline = new Deadline(context, 10_000);
 * pipeline(source, encrypt, deadlineGuard(deadline, partSize), done);
 * ```
 */
export function deadlineGuard(deadline: Deadline, checkEveryBytes: number): Transform {
  let passed = 0;
  let nextCheck = checkEveryBytes;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      passed += chunk.length;
      while (passed >= nextCheck) {
        nextCheck += checkEveryBytes;
        // A trip destroys the guard through the signal's listener below, with the deadline's error.
        if (!deadline.check()) {
          callback();
          return;
        }
      }
      callback(null, chunk);
    },
  });
  const onTrip = (): void => {
    guard.destroy(deadline.error);
  };
  if (deadline.signal.aborted) onTrip();
  else deadline.signal.addEventListener('abort', onTrip, { once: true });
  guard.once('close', () => deadline.signal.removeEventListener('abort', onTrip));
  return guard;
}
