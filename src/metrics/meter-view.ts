// MeterView: a Meter whose rate is derived from a Counter every 5 s over a time span (Flink's MeterView).

import { IllegalArgumentError } from '../core/errors.ts';
import type { Counter } from './counter.ts';
import type { Meter } from './meter.ts';
import { SimpleCounter } from './simple-counter.ts';
import { UPDATE_INTERVAL_SECONDS, VIEW, type View } from './view.ts';

/**
 * A Meter over a Counter: every `UPDATE_INTERVAL_SECONDS` the registry's ViewUpdater samples the count, and the
 * rate is the increase over the last `timeSpanSeconds` (rounded down to a multiple of 5, at least 5) divided by
 * that span. Marking events costs one counter increment.
 *
 * @example
 * const numRecordsIn = group.counter('numRecordsIn');
 * group.meter('numRecordsInPerSecond', new MeterView(numRecordsIn));
 */
export class MeterView implements Meter, View {
  readonly [VIEW] = true as const;
  readonly #counter: Counter;
  readonly #timeSpanSeconds: number;
  readonly #values: number[];
  #time = 0;
  #rate = 0;

  constructor(counter?: Counter | number, timeSpanSeconds = 60) {
    if (typeof counter === 'number') {
      timeSpanSeconds = counter;
      counter = undefined;
    }
    if (!Number.isFinite(timeSpanSeconds) || timeSpanSeconds <= 0) {
      throw new IllegalArgumentError(`timeSpanSeconds must be > 0, got ${timeSpanSeconds}`);
    }
    this.#counter = counter ?? new SimpleCounter();
    this.#timeSpanSeconds = Math.max(
      Math.floor(timeSpanSeconds) - (Math.floor(timeSpanSeconds) % UPDATE_INTERVAL_SECONDS),
      UPDATE_INTERVAL_SECONDS,
    );
    this.#values = new Array<number>(this.#timeSpanSeconds / UPDATE_INTERVAL_SECONDS + 1).fill(0);
  }

  /** The span the rate is averaged over, in seconds. */
  get timeSpanSeconds(): number {
    return this.#timeSpanSeconds;
  }

  markEvent(n = 1): void {
    this.#counter.inc(n);
  }

  getCount(): number {
    return this.#counter.getCount();
  }

  getRate(): number {
    return this.#rate;
  }

  update(): void {
    const length = this.#values.length;
    this.#time = (this.#time + 1) % length;
    this.#values[this.#time] = this.#counter.getCount();
    this.#rate = (this.#values[this.#time]! - this.#values[(this.#time + 1) % length]!) / this.#timeSpanSeconds;
  }
}
