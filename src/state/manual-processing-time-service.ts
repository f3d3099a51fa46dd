// A ProcessingTimeService driven by hand: time moves and callbacks fire only on advance()/setCurrentTime(); for tests.

import { ManualClock } from '../core/clock.ts';
import { IllegalArgumentError } from '../core/errors.ts';
import type { Cancellable, ProcessingTimeService } from './processing-time-service.ts';

interface Scheduled {
  readonly timestamp: number;
  readonly seq: number;
  readonly callback: (timestamp: number) => void;
  cancelled: boolean;
}

/**
 * Processing time from a ManualClock (share the clock with a backend to drive TTL and timers together), as Flink's
 * `TestProcessingTimeService`. Moving time fires the due callbacks in timestamp order (registration order on ties),
 * including ones they register that are due too.
 */
export class ManualProcessingTimeService implements ProcessingTimeService {
  #scheduled: Scheduled[] = [];
  #seq = 0;

  constructor(readonly clock: ManualClock = new ManualClock()) {}

  getCurrentProcessingTime(): number {
    return this.clock.now();
  }

  registerTimer(timestamp: number, callback: (timestamp: number) => void): Cancellable {
    const s: Scheduled = { timestamp, seq: this.#seq++, callback, cancelled: false };
    this.#scheduled.push(s);
    return {
      cancel: () => {
        s.cancelled = true;
      },
    };
  }

  /** Moves processing time forward by `ms` and fires what is due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new IllegalArgumentError(`advance takes a duration >= 0 ms, got ${ms}`);
    this.setCurrentTime(this.clock.now() + ms);
  }

  /** Sets processing time (never backwards) and fires what is due. */
  setCurrentTime(time: number): void {
    if (time < this.clock.now()) {
      throw new IllegalArgumentError(`processing time cannot go back from ${this.clock.now()} to ${time}`);
    }
    this.clock.set(time);
    for (;;) {
      let next: Scheduled | undefined;
      for (const s of this.#scheduled) {
        if (s.cancelled || s.timestamp > time) continue;
        if (next === undefined || s.timestamp < next.timestamp || (s.timestamp === next.timestamp && s.seq < next.seq)) next = s;
      }
      if (next === undefined) break;
      next.cancelled = true;
      next.callback(next.timestamp);
    }
    this.#scheduled = this.#scheduled.filter((s) => !s.cancelled);
  }

  /** Number of callbacks registered and neither fired nor cancelled. */
  numActiveTimers(): number {
    return this.#scheduled.filter((s) => !s.cancelled).length;
  }
}
