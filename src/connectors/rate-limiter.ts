// Rate limiting for sources (Flink's RateLimiterStrategy): a token bucket per subtask, timed by an injected Clock.

import type { Clock } from '../core/clock.ts';
import { IllegalArgumentError } from '../core/errors.ts';

/**
 * Hands out permits to emit records. Non-blocking: a reader asks how many it may emit now and, when the answer is
 * zero, how long until the next permit, then waits that long off the hot path.
 */
export interface RateLimiter {
  /** Takes up to `wanted` permits that are available now and returns how many it took (0..wanted). */
  tryAcquire(wanted: number): number;
  /** Milliseconds until at least one permit is available; 0 when one is available now. */
  delayUntilAvailable(): number;
}

/**
 * Creates the rate limiter of each source subtask.
 *
 * @example
 * new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(1000));
 */
export interface RateLimiterStrategy {
  /** The limiter of one subtask of a source running at `parallelism`. */
  createRateLimiter(parallelism: number, clock: Clock): RateLimiter;
}

/** Factories for the built-in strategies. */
export const RateLimiterStrategy = Object.freeze({
  /**
   * At most `recordsPerSecond` records per second over all subtasks: each subtask gets
   * `recordsPerSecond / parallelism`. A subtask may burst up to one second of unused permits (at least one
   * permit), as Guava's smooth-bursty limiter that Flink uses; it starts with one permit.
   */
  perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (!(recordsPerSecond > 0) || !Number.isFinite(recordsPerSecond)) {
      throw new IllegalArgumentError(`RateLimiterStrategy.perSecond needs a finite rate > 0, got ${recordsPerSecond}`);
    }
    return Object.freeze({
      createRateLimiter: (parallelism: number, clock: Clock): RateLimiter =>
        new TokenBucketRateLimiter(recordsPerSecond / Math.max(1, parallelism), clock),
    });
  },

  /** No limit: every request is granted in full. */
  noOp(): RateLimiterStrategy {
    return NO_OP_STRATEGY;
  },
});

const NO_OP_LIMITER: RateLimiter = Object.freeze({
  tryAcquire: (wanted: number) => wanted,
  delayUntilAvailable: () => 0,
});

const NO_OP_STRATEGY: RateLimiterStrategy = Object.freeze({ createRateLimiter: () => NO_OP_LIMITER });

/** Tolerance for floating-point drift when counting whole permits. */
const EPSILON = 1e-9;

/**
 * A token bucket. Instead of a token count it keeps `#emptyAt`, the time at which the bucket was (or would have
 * been) empty: permits available = (now - emptyAt) * rate, capped at the capacity. Taking k permits moves
 * `#emptyAt` forward by k / rate; a full bucket pins it to now - capacity / rate.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  readonly #msPerPermit: number;
  readonly #capacity: number;
  readonly #clock: Clock;
  #emptyAt: number;

  /** `permitsPerSecond` for this subtask; the bucket holds one second of permits (at least one) and starts with one. */
  constructor(permitsPerSecond: number, clock: Clock) {
    if (!(permitsPerSecond > 0) || !Number.isFinite(permitsPerSecond)) {
      throw new IllegalArgumentError(`a rate limiter needs a finite rate > 0, got ${permitsPerSecond}`);
    }
    this.#msPerPermit = 1000 / permitsPerSecond;
    this.#capacity = Math.max(1, permitsPerSecond);
    this.#clock = clock;
    this.#emptyAt = clock.relativeTime() - this.#msPerPermit;
  }

  tryAcquire(wanted: number): number {
    const available = this.#available();
    const granted = Math.min(wanted, available);
    if (granted > 0) this.#emptyAt += granted * this.#msPerPermit;
    return granted;
  }

  delayUntilAvailable(): number {
    if (this.#available() >= 1) return 0;
    return Math.max(1, Math.ceil(this.#emptyAt + this.#msPerPermit - this.#clock.relativeTime() - EPSILON));
  }

  /** Whole permits available now; pins `#emptyAt` when the bucket is full. */
  #available(): number {
    const now = this.#clock.relativeTime();
    const floor = now - this.#capacity * this.#msPerPermit;
    if (this.#emptyAt < floor) this.#emptyAt = floor;
    return Math.floor((now - this.#emptyAt) / this.#msPerPermit + EPSILON);
  }
}
