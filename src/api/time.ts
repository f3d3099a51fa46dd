// Time: a span of milliseconds with Flink's factory names (Time.seconds(5)).

import { IllegalArgumentError } from '../core/errors.ts';

export class Time {
  private constructor(private readonly ms: number) {
    if (!Number.isFinite(ms) || ms < 0) throw new IllegalArgumentError(`a time span must be >= 0 ms, got ${ms}`);
  }
  static milliseconds(n: number): Time {
    return new Time(n);
  }
  static seconds(n: number): Time {
    return new Time(n * 1000);
  }
  static minutes(n: number): Time {
    return new Time(n * 60_000);
  }
  static hours(n: number): Time {
    return new Time(n * 3_600_000);
  }
  static days(n: number): Time {
    return new Time(n * 86_400_000);
  }
  toMilliseconds(): number {
    return this.ms;
  }
  toString(): string {
    return `${this.ms} ms`;
  }
}

/** A span given as a Time or as milliseconds. */
export type Duration = Time | number;

export function toMillis(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new IllegalArgumentError(`a time span must be >= 0 ms, got ${duration}`);
    }
    return duration;
  }
  return duration.toMilliseconds();
}
