// TimeWindow: bounds, Flink's window-start formula (negative timestamps, offsets) and the merge sweep.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../../../src/core/stream-element.ts';
import { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { TimeWindow } from '../../../src/api/windowing/time-window.ts';

const SEED = Number(process.env['SLUICE_FC_SEED'] ?? 20_240_611);

describe('TimeWindow', () => {
  it('has maxTimestamp end - 1, value equality and a stable string', () => {
    const w = new TimeWindow(0, 10);
    expect(w.maxTimestamp()).toBe(9);
    expect(w.equals(new TimeWindow(0, 10))).toBe(true);
    expect(w.equals(new TimeWindow(0, 11))).toBe(false);
    expect(w.toString()).toBe('TimeWindow{start=0, end=10}');
  });

  it('intersects when overlapping or touching; cover spans both', () => {
    expect(new TimeWindow(0, 10).intersects(new TimeWindow(10, 20))).toBe(true);
    expect(new TimeWindow(0, 10).intersects(new TimeWindow(11, 20))).toBe(false);
    expect(new TimeWindow(5, 10).cover(new TimeWindow(0, 7))).toEqual(new TimeWindow(0, 10));
  });

  it('computes window starts as Flink, negative timestamps and offsets included', () => {
    const start = TimeWindow.getWindowStartWithOffset;
    expect(start(0, 0, 5)).toBe(0);
    expect(start(4, 0, 5)).toBe(0);
    expect(start(5, 0, 5)).toBe(5);
    expect(start(-1, 0, 5)).toBe(-5);
    expect(start(-5, 0, 5)).toBe(-5);
    expect(start(-6, 0, 5)).toBe(-10);
    expect(start(3, 2, 5)).toBe(2);
    expect(start(1, 2, 5)).toBe(-3);
    expect(start(1, -2, 5)).toBe(-2);
    expect(start(-3, -2, 5)).toBe(-7);
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), fc.double({ min: -0.99, max: 0.99, noNaN: true }), (ts, size, f) => {
        const offset = Math.trunc(f * size);
        const s = start(ts, offset, size);
        expect(s <= ts && ts < s + size).toBe(true);
        expect((((s - offset) % size) + size) % size).toBe(0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('merges overlapping windows, chains of them, in any order; single windows are not reported', () => {
    const merges: string[] = [];
    TimeWindow.mergeWindows(
      [new TimeWindow(20, 25), new TimeWindow(8, 12), new TimeWindow(0, 5), new TimeWindow(4, 9), new TimeWindow(30, 35), new TimeWindow(24, 28)],
      { merge: (members, result) => merges.push(`${members.map(String).join(' + ')} = ${String(result)}`) },
    );
    expect(merges).toEqual([
      'TimeWindow{start=0, end=5} + TimeWindow{start=4, end=9} + TimeWindow{start=8, end=12} = TimeWindow{start=0, end=12}',
      'TimeWindow{start=20, end=25} + TimeWindow{start=24, end=28} = TimeWindow{start=20, end=28}',
    ]);
  });

  it('counts equal windows once and reports nothing when no window overlaps', () => {
    const merges: unknown[] = [];
    TimeWindow.mergeWindows([new TimeWindow(0, 5), new TimeWindow(0, 5), new TimeWindow(10, 12)], { merge: (m, r) => merges.push([m, r]) });
    expect(merges).toEqual([]);
  });
});

describe('GlobalWindow', () => {
  it('is one value whose maxTimestamp is MAX_WATERMARK', () => {
    expect(GlobalWindow.get()).toBe(GlobalWindow.get());
    expect(GlobalWindow.get().maxTimestamp()).toBe(MAX_WATERMARK);
    expect(GlobalWindow.get().equals(GlobalWindow.get())).toBe(true);
    expect(GlobalWindow.get().equals(new TimeWindow(0, 1))).toBe(false);
  });
});
