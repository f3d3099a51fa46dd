// TimeWindow: the window [start, end) of time-based assigners, with Flink's start formula and merge algorithm.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { MergeCallback } from './merge-callback.ts';
import { Window } from './window.ts';

/**
 * The half-open interval of milliseconds `[start, end)`. `maxTimestamp()` is `end - 1`.
 *
 * @example
 * const w = new TimeWindow(0, 5_000);
 * w.maxTimestamp();                                  // 4999
 * TimeWindow.getWindowStartWithOffset(-1, 0, 5_000); // -5000
 */
export class TimeWindow extends Window {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super();
  }

  getStart(): number {
    return this.start;
  }

  getEnd(): number {
    return this.end;
  }

  /** `end - 1`: the largest timestamp that belongs to the window. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /** Whether the two windows overlap or touch (Flink: `start <= other.end && end >= other.start`). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window containing both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: Window): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  override toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * The start of the window of size `windowSize`, shifted by `offset`, that contains `timestamp` (Flink's formula,
   * also right for negative timestamps: the start is never after the timestamp).
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    if (!(windowSize > 0)) throw new IllegalArgumentError(`window size must be > 0, got ${windowSize}`);
    const remainder = (timestamp - offset) % windowSize;
    // JavaScript's % keeps the dividend's sign, as Java's does.
    return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
  }

  /**
   * Merges overlapping windows (Flink's algorithm): sorts by start, sweeps, and calls `callback.merge` once per
   * group of two or more windows that intersect, with the group and the window covering it. Equal windows count
   * once.
   */
  static mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    const sorted: TimeWindow[] = [];
    for (const w of windows) if (!sorted.some((s) => s.equals(w))) sorted.push(w);
    sorted.sort((a, b) => a.start - b.start);

    const merged: { cover: TimeWindow; members: TimeWindow[] }[] = [];
    let current: { cover: TimeWindow; members: TimeWindow[] } | undefined;
    for (const candidate of sorted) {
      if (current === undefined) {
        current = { cover: candidate, members: [candidate] };
      } else if (current.cover.intersects(candidate)) {
        current.cover = current.cover.cover(candidate);
        current.members.push(candidate);
      } else {
        merged.push(current);
        current = { cover: candidate, members: [candidate] };
      }
    }
    if (current !== undefined) merged.push(current);

    for (const m of merged) if (m.members.length > 1) callback.merge(m.members, m.cover);
  }
}
