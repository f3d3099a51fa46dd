// ProcessingTimeService on Node's timers: callbacks run on the event loop, between a task's synchronous batches.

import type { Clock } from '../core/clock.ts';
import type { Cancellable, ProcessingTimeService } from './processing-time-service.ts';

/**
 * Fires callbacks with setTimeout, reading time from the injected Clock. As Flink's `SystemProcessingTimeService`
 * it waits 1 ms more than the difference, so a callback never sees a time before its timestamp; should the timer
 * still fire early, it is re-armed. `shutdown()` cancels everything pending.
 */
export class SystemProcessingTimeService implements ProcessingTimeService {
  readonly #pending = new Set<NodeJS.Timeout>();
  #shutdown = false;

  constructor(private readonly clock: Clock) {}

  getCurrentProcessingTime(): number {
    return this.clock.now();
  }

  registerTimer(timestamp: number, callback: (timestamp: number) => void): Cancellable {
    let handle: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (this.#shutdown) return;
      const delay = Math.max(0, timestamp - this.clock.now()) + 1;
      handle = setTimeout(() => {
        this.#pending.delete(handle!);
        if (this.clock.now() < timestamp) arm();
        else callback(timestamp);
      }, delay);
      this.#pending.add(handle);
    };
    arm();
    return {
      cancel: () => {
        if (handle === undefined) return;
        clearTimeout(handle);
        this.#pending.delete(handle);
        handle = undefined;
      },
    };
  }

  /** Number of callbacks not yet fired or cancelled. */
  numPendingTimers(): number {
    return this.#pending.size;
  }

  /** Cancels every pending callback; later registrations are ignored. */
  shutdown(): void {
    this.#shutdown = true;
    for (const h of this.#pending) clearTimeout(h);
    this.#pending.clear();
  }
}
