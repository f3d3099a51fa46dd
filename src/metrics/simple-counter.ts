// SimpleCounter: the default Counter, a plain number field (one thread owns it, as every sluice metric).

import type { Counter } from './counter.ts';

/**
 * The default Counter (Flink's `SimpleCounter`). Not synchronized: each worker thread has its own metrics.
 *
 * @example
 * const records = group.counter('numRecordsIn'); // a SimpleCounter
 * records.inc();
 */
export class SimpleCounter implements Counter {
  #count = 0;

  inc(n = 1): void {
    this.#count += n;
  }

  dec(n = 1): void {
    this.#count -= n;
  }

  getCount(): number {
    return this.#count;
  }
}
