// ManualMetricTimer: a MetricTimer driven by a ManualClock, for tests: advancing the clock runs what is due.

import { ManualClock } from '../core/clock.ts';
import { IllegalArgumentError } from '../core/errors.ts';
import type { MetricTimer } from './metric-timer.ts';

interface Entry {
  readonly intervalMs: number;
  readonly task: () => void;
  due: number;
  cancelled: boolean;
}

/**
 * A MetricTimer that moves only when told to. `advance(ms)` moves its clock forward and runs every task that falls
 * due on the way, in time order, with the clock set to each task's due time.
 *
 * @example
 * const timer = new ManualMetricTimer();
 * const registry = new MetricRegistry(settings, timer.clock, logger, { timer });
 * timer.advance(5_000); // MeterViews update
 */
export class ManualMetricTimer implements MetricTimer {
  readonly clock: ManualClock;
  readonly #entries: Entry[] = [];

  constructor(clock: ManualClock = new ManualClock()) {
    this.clock = clock;
  }

  schedule(intervalMs: number, task: () => void): () => void {
    if (!(intervalMs > 0)) throw new IllegalArgumentError(`interval must be > 0 ms, got ${intervalMs}`);
    const entry: Entry = { intervalMs, task, due: this.clock.now() + intervalMs, cancelled: false };
    this.#entries.push(entry);
    return () => {
      entry.cancelled = true;
      const i = this.#entries.indexOf(entry);
      if (i >= 0) this.#entries.splice(i, 1);
    };
  }

  /** Moves the clock `ms` forward, running due tasks on the way. */
  advance(ms: number): void {
    const target = this.clock.now() + ms;
    for (;;) {
      let next: Entry | undefined;
      for (const e of this.#entries) if (e.due <= target && (next === undefined || e.due < next.due)) next = e;
      if (next === undefined) break;
      this.clock.set(next.due);
      next.due += next.intervalMs;
      next.task();
    }
    this.clock.set(target);
  }

  /** Tasks currently scheduled. */
  get scheduledCount(): number {
    return this.#entries.length;
  }
}
