// WatermarksWithIdleness: wraps a WatermarkGenerator and marks the output idle when no events arrive for a while.

import { IllegalArgumentError } from '../core/errors.ts';
import type { WatermarkGenerator, WatermarkOutput } from './watermark-strategy.ts';

/**
 * Adds idleness detection to another generator (Flink's `WatermarksWithIdleness`). Idleness is only checked at
 * periodic emissions: the countdown starts at the first emission that saw no event since the one before, and the
 * output is marked idle (once) at the first emission after strictly more than `idleTimeoutMillis` have passed
 * since then. While idle the wrapped generator is not asked for watermarks; the next event ends the idleness
 * (the output turns active with that record or the next advancing watermark).
 *
 * @example
 * const generator = new WatermarksWithIdleness(new BoundedOutOfOrdernessWatermarks(500), 60_000, () => Date.now());
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  readonly #timer: IdlenessTimer;
  #idleNow = false;

  /** @param now the clock idleness is measured on, in milliseconds (the task's processing time). */
  constructor(
    private readonly watermarks: WatermarkGenerator<T>,
    idleTimeoutMillis: number,
    now: () => number,
  ) {
    if (!(idleTimeoutMillis > 0)) {
      throw new IllegalArgumentError(`the idle timeout must be > 0 ms, got ${idleTimeoutMillis}`);
    }
    this.#timer = new IdlenessTimer(now, idleTimeoutMillis);
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.watermarks.onEvent(event, eventTimestamp, output);
    this.#timer.activity();
    this.#idleNow = false;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.#timer.checkIfIdle()) {
      if (!this.#idleNow) {
        output.markIdle();
        this.#idleNow = true;
      }
    } else {
      this.watermarks.onPeriodicEmit(output);
    }
  }
}

/** Counts activity and tells, when asked, whether none happened for longer than the timeout. */
export class IdlenessTimer {
  #counter = 0;
  #lastCounter = 0;
  /** When a check first found no activity since the previous check; undefined while activity is seen. */
  #inactiveSince: number | undefined;

  constructor(
    private readonly now: () => number,
    private readonly maxIdleMillis: number,
  ) {}

  activity(): void {
    this.#counter++;
  }

  checkIfIdle(): boolean {
    if (this.#counter !== this.#lastCounter) {
      this.#lastCounter = this.#counter;
      this.#inactiveSince = undefined;
      return false;
    }
    if (this.#inactiveSince === undefined) {
      this.#inactiveSince = this.now();
      return false;
    }
    return this.now() - this.#inactiveSince > this.maxIdleMillis;
  }
}
