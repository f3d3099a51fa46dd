// Time as a collaborator: the runtime asks a Clock, so tests can drive time by hand.

export interface Clock {
  /** Wall-clock milliseconds since the epoch (processing time). */
  now(): number;
  /** Monotonic milliseconds, for durations. */
  relativeTime(): number;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  relativeTime: () => performance.now(),
});

/** A clock that moves only when told to; for tests. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  relativeTime(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(ms: number): void {
    this.#now = ms;
  }
}
