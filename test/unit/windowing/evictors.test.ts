// Evictors over an EvictableList: CountEvictor, TimeEvictor, DeltaEvictor, before and after the window function.

import { describe, expect, it } from 'vitest';
import { CountEvictor } from '../../../src/api/windowing/count-evictor.ts';
import { DeltaEvictor } from '../../../src/api/windowing/delta-evictor.ts';
import { EvictableList } from '../../../src/api/windowing/evictable-list.ts';
import type { EvictorContext } from '../../../src/api/windowing/evictor.ts';
import { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { TimeEvictor } from '../../../src/api/windowing/time-evictor.ts';
import { TimestampedValue } from '../../../src/api/windowing/timestamped-value.ts';

const ctx: EvictorContext = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
const g = GlobalWindow.get();
const list = (...pairs: [number, number?][]): EvictableList<TimestampedValue<number>> =>
  new EvictableList(pairs.map(([v, ts]) => new TimestampedValue(v, ts)));
const values = (l: EvictableList<TimestampedValue<number>>): number[] => l.toArray().map((e) => e.getValue());

describe('EvictableList', () => {
  it('removes the element next() last returned, once', () => {
    const l = new EvictableList([1, 2, 3]);
    const it = l[Symbol.iterator]();
    expect(() => it.remove()).toThrow('must follow a next()');
    it.next();
    it.next();
    it.remove();
    expect(() => it.remove()).toThrow();
    expect(it.next()).toEqual({ done: false, value: 3 });
    expect(l.toArray()).toEqual([1, 3]);
    expect(l.size).toBe(2);
  });
});

describe('CountEvictor', () => {
  it('keeps the last maxCount elements before the function', () => {
    const l = list([1], [2], [3], [4], [5]);
    const e = CountEvictor.of(2);
    e.evictAfter(l, l.size, g, ctx);
    expect(values(l)).toEqual([1, 2, 3, 4, 5]);
    e.evictBefore(l, l.size, g, ctx);
    expect(values(l)).toEqual([4, 5]);
  });

  it('evicts after the function with doEvictAfter, and leaves small windows alone', () => {
    const l = list([1], [2], [3]);
    const e = CountEvictor.of(2, true);
    e.evictBefore(l, l.size, g, ctx);
    expect(values(l)).toEqual([1, 2, 3]);
    e.evictAfter(l, l.size, g, ctx);
    expect(values(l)).toEqual([2, 3]);
    CountEvictor.of(5).evictBefore(l, l.size, g, ctx);
    expect(values(l)).toEqual([2, 3]);
    expect(() => CountEvictor.of(-1)).toThrow('maxCount');
  });
});

describe('TimeEvictor', () => {
  it('evicts elements at or before max timestamp - windowSize', () => {
    const l = list([1, 100], [2, 250], [3, 160], [4, 300], [5, 200]);
    TimeEvictor.of(100).evictBefore(l, l.size, g, ctx);
    expect(values(l)).toEqual([2, 4]);
  });

  it('does nothing without timestamps, or before the function when doEvictAfter', () => {
    const l = list([1], [2]);
    TimeEvictor.of(1).evictBefore(l, l.size, g, ctx);
    expect(values(l)).toEqual([1, 2]);
    const m = list([1, -50], [2, 0]);
    const after = TimeEvictor.of(10, true);
    after.evictBefore(m, m.size, g, ctx);
    expect(values(m)).toEqual([1, 2]);
    after.evictAfter(m, m.size, g, ctx);
    expect(values(m)).toEqual([2]);
  });
});

describe('DeltaEvictor', () => {
  it('evicts elements whose delta to the last element reaches the threshold', () => {
    const l = list([1], [8], [5], [10], [7]);
    DeltaEvictor.of(3, (a: number, b: number) => Math.abs(a - b)).evictBefore(l, l.size, g, ctx);
    expect(values(l)).toEqual([8, 5, 7]);
  });

  it('accepts an object with getDelta, evicts after with doEvictAfter, and copes with no elements', () => {
    const e = DeltaEvictor.of(1, { getDelta: (a: number, b: number) => b - a }, true);
    const l = list([1], [2], [3]);
    e.evictBefore(l, l.size, g, ctx);
    expect(values(l)).toEqual([1, 2, 3]);
    e.evictAfter(l, l.size, g, ctx);
    expect(values(l)).toEqual([3]);
    const empty = list();
    e.evictAfter(empty, 0, g, ctx);
    expect(empty.size).toBe(0);
  });
});
