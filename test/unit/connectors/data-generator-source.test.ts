// DataGeneratorSource: split enumeration, exact resume from snapshots, and rate limiting on a manual clock.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataGeneratorSource, type DataGeneratorSplit } from '../../../src/connectors/data-generator-source.ts';
import { RateLimiterStrategy, TokenBucketRateLimiter } from '../../../src/connectors/rate-limiter.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { IllegalArgumentError } from '../../../src/core/errors.ts';
import { ListOutput, drain, readerContext } from './connector-test-utils.ts';

const enumerate = (source: DataGeneratorSource<unknown>, parallelism: number): DataGeneratorSplit[] =>
  source.enumerateSplits({ parallelism, config: new Configuration() });

describe('DataGeneratorSource', () => {
  it('is bounded for a finite count and unbounded for Infinity', () => {
    expect(new DataGeneratorSource((i) => i, 10).getBoundedness()).toBe('BOUNDED');
    expect(new DataGeneratorSource((i) => i, Infinity).getBoundedness()).toBe('CONTINUOUS_UNBOUNDED');
  });

  it('rejects counts that are not non-negative integers', () => {
    for (const bad of [-1, 1.5, NaN, -Infinity]) {
      expect(() => new DataGeneratorSource((i) => i, bad)).toThrow(IllegalArgumentError);
    }
  });

  it('divides the index range into contiguous splits over the parallelism', () => {
    const source = new DataGeneratorSource((i) => i, 10);
    expect(enumerate(source, 3)).toEqual([
      { splitId: '0', from: 0, to: 3 },
      { splitId: '1', from: 4, to: 6 },
      { splitId: '2', from: 7, to: 9 },
    ]);
    expect(enumerate(new DataGeneratorSource((i) => i, 2), 4)).toEqual([
      { splitId: '0', from: 0, to: 0 },
      { splitId: '1', from: 1, to: 1 },
    ]);
    expect(enumerate(new DataGeneratorSource((i) => i, 0), 2)).toEqual([]);
  });

  it('covers the whole safe-integer index space when unbounded', () => {
    const splits = enumerate(new DataGeneratorSource((i) => i, Infinity), 3);
    expect(splits).toHaveLength(3);
    expect(splits[0]!.from).toBe(0);
    expect(splits[2]!.to).toBe(Number.MAX_SAFE_INTEGER);
    for (let i = 1; i < splits.length; i++) expect(splits[i]!.from).toBe(splits[i - 1]!.to + 1);
  });

  it('emits generator(i) for every index of its splits, at most 1024 per poll', async () => {
    const source = new DataGeneratorSource((i) => `r${i}`, 2500);
    const splits = enumerate(source, 2);
    const all: string[] = [];
    for (let subtask = 0; subtask < 2; subtask++) {
      const reader = source.createReader(readerContext(subtask, 2));
      reader.addSplits([splits[subtask]!]);
      const out = new ListOutput<string>();
      expect(reader.pollNext(out)).toBe('MORE_AVAILABLE');
      expect(out.records).toHaveLength(1024);
      await drain(reader, out);
      all.push(...out.records);
    }
    expect(all).toEqual(Array.from({ length: 2500 }, (_, i) => `r${i}`));
  });

  it('resumes exactly from snapshotState, also with several splits in one reader', async () => {
    const source = new DataGeneratorSource((i) => i, 5000);
    const reader = source.createReader(readerContext(0, 1));
    reader.addSplits(enumerate(source, 3)); // restored at a lower parallelism: three splits, one reader
    const first = new ListOutput<number>();
    await drain(reader, first, 3);
    const snapshot = reader.snapshotState(1);
    // Polls: 1024 + 643 finish split 0 (0..1666), then 1024 of split 1 (1667..3333).
    expect(first.records).toHaveLength(1667 + 1024);
    expect(snapshot).toEqual([
      { splitId: '1', from: 2691, to: 3333 },
      { splitId: '2', from: 3334, to: 4999 },
    ]);

    const restored = source.createReader(readerContext(0, 1));
    restored.addSplits(structuredClone(snapshot));
    const rest = new ListOutput<number>();
    await drain(restored, rest);
    expect([...first.records, ...rest.records]).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('reports END_OF_INPUT at once when it has no splits', () => {
    const reader = new DataGeneratorSource((i) => i, 10).createReader(readerContext());
    expect(reader.pollNext(new ListOutput())).toBe('END_OF_INPUT');
  });

  it('emits everything without limit under the noOp strategy', async () => {
    const source = new DataGeneratorSource((i) => i, 3000, RateLimiterStrategy.noOp());
    const reader = source.createReader(readerContext());
    reader.addSplits(enumerate(source, 1));
    const out = new ListOutput<number>();
    expect(reader.pollNext(out)).toBe('MORE_AVAILABLE');
    expect(out.records).toHaveLength(1024);
    await drain(reader, out);
    expect(out.records).toHaveLength(3000);
  });
});

describe('DataGeneratorSource with RateLimiterStrategy.perSecond', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits only what the budget allows: the global rate divided over the subtasks', () => {
    const clock = new ManualClock(1_000);
    const source = new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(100));
    const reader = source.createReader(readerContext(0, 2, clock)); // 50 records/s for this subtask
    reader.addSplits([enumerate(source, 2)[0]!]);
    const out = new ListOutput<number>();

    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE'); // starts with one permit
    expect(out.records).toEqual([0]);
    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE');
    expect(out.records).toHaveLength(1);

    clock.advance(100); // 5 permits
    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE');
    expect(out.records).toEqual([0, 1, 2, 3, 4, 5]);

    clock.advance(30); // 1.5 permits: one now, the half carries over
    reader.pollNext(out);
    expect(out.records).toHaveLength(7);
    clock.advance(10);
    reader.pollNext(out);
    expect(out.records).toHaveLength(8);
  });

  it('bursts at most one second of unused budget after a pause', () => {
    const clock = new ManualClock();
    const source = new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(50));
    const reader = source.createReader(readerContext(0, 1, clock));
    reader.addSplits(enumerate(source, 1));
    const out = new ListOutput<number>();
    reader.pollNext(out);
    clock.advance(60_000);
    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE');
    expect(out.records).toHaveLength(1 + 50);
  });

  it('says MORE_AVAILABLE when the budget outlasts one poll of 1024 records', () => {
    const clock = new ManualClock();
    const source = new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(5000));
    const reader = source.createReader(readerContext(0, 1, clock));
    reader.addSplits(enumerate(source, 1));
    const out = new ListOutput<number>();
    reader.pollNext(out); // the first permit
    clock.advance(1000); // 5000 permits
    expect(reader.pollNext(out)).toBe('MORE_AVAILABLE');
    expect(out.records).toHaveLength(1 + 1024);
  });

  it('isAvailable resolves once the clock has moved past the next permit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = new ManualClock();
    const source = new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(50)); // 20 ms each
    const reader = source.createReader(readerContext(0, 1, clock));
    reader.addSplits(enumerate(source, 1));
    const out = new ListOutput<number>();
    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE');

    let resolved = false;
    const available = reader.isAvailable().then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(19);
    expect(resolved).toBe(false);
    clock.advance(20);
    await vi.advanceTimersByTimeAsync(1);
    await available;
    expect(resolved).toBe(true);
    reader.pollNext(out);
    expect(out.records).toEqual([0, 1]);
  });

  it('isAvailable resolves at once when budget is there, and close ends a pending wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = new ManualClock();
    const source = new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(1));
    const reader = source.createReader(readerContext(0, 1, clock));
    reader.addSplits(enumerate(source, 1));
    await reader.isAvailable(); // one permit at the start
    reader.pollNext(new ListOutput());
    const waiting = reader.isAvailable();
    expect(vi.getTimerCount()).toBe(1);
    await reader.close?.();
    await waiting;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resumes exactly from a snapshot taken while rate-limited', async () => {
    const clock = new ManualClock();
    const source = new DataGeneratorSource((i) => i * 10, 100, RateLimiterStrategy.perSecond(10));
    const reader = source.createReader(readerContext(0, 1, clock));
    reader.addSplits(enumerate(source, 1));
    const out = new ListOutput<number>();
    reader.pollNext(out);
    clock.advance(500);
    reader.pollNext(out);
    expect(out.records).toEqual([0, 10, 20, 30, 40, 50]);
    const restored = new DataGeneratorSource((i) => i * 10, 100).createReader(readerContext());
    restored.addSplits(reader.snapshotState(1));
    await drain(restored, out);
    expect(out.records).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
  });

  it('rejects rates that are not positive and finite', () => {
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(() => RateLimiterStrategy.perSecond(bad)).toThrow(IllegalArgumentError);
    }
  });

  it('a token bucket with a fractional rate counts whole permits without drift', () => {
    const clock = new ManualClock();
    const limiter = new TokenBucketRateLimiter(100 / 3, clock); // 30 ms per permit
    expect(limiter.tryAcquire(10)).toBe(1);
    let granted = 0;
    for (let t = 0; t < 300; t++) {
      clock.advance(10);
      granted += limiter.tryAcquire(10);
    }
    expect(granted).toBe(100);
    expect(limiter.delayUntilAvailable()).toBe(30);
  });
});
