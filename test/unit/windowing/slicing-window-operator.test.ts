// SlicingWindowOperator (pane sharing): slices in keyed state, and the same results, late data, lateness, cleanup,
// per-window function state and restore/rescale behaviour as WindowOperator; and when the builder picks it.

import { describe, expect, it } from 'vitest';
import { passThroughWindowFunction } from '../../../src/api/operators/internal-window-function.ts';
import { aggregateSlices, SlicingWindowOperator } from '../../../src/api/operators/slicing-window-operator.ts';
import { WindowOperatorBuilder } from '../../../src/api/operators/window-operator-builder.ts';
import { ContinuousEventTimeTrigger } from '../../../src/api/windowing/continuous-event-time-trigger.ts';
import { CountEvictor } from '../../../src/api/windowing/count-evictor.ts';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.ts';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.ts';
import type { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../src/api/windowing/tumbling-processing-time-windows.ts';
import type { WindowAssigner } from '../../../src/api/windowing/window-assigner.ts';
import { runWindowCase, valuesOf, type Op, type WindowCase } from './slicing-equivalence.ts';
import { harness, push, rec, sumRecords, type Rec } from './window-test-utils.ts';

/** A deterministic stream: 5 keys, bounded disorder, watermarks = max - bound - 1, some very late records. */
function stream(seed: number, n: number, options: { bound: number; lateEvery?: number; restoreAt?: number[] }): Op[] {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const ops: Op[] = [];
  let maxTs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const late = options.lateEvery !== undefined && i % options.lateEvery === options.lateEvery - 1;
    const ts = Math.floor(i * 37 - next() * options.bound) - (late ? 3_000 + Math.floor(next() * 2_000) : 0);
    ops.push({ kind: 'record', rec: rec(`k${Math.floor(next() * 5)}`, ts, i) });
    maxTs = Math.max(maxTs, ts);
    if (i % 7 === 6) ops.push({ kind: 'watermark', wm: maxTs - options.bound - 1 });
    if (options.restoreAt?.includes(i)) ops.push({ kind: 'restore', parallelism: 1 + (i % 3) });
  }
  ops.push({ kind: 'watermark', wm: Number.POSITIVE_INFINITY });
  return ops;
}

const CASES: [string, WindowCase][] = [
  ['tumbling aggregate', { size: 1_000, allowedLateness: 0, lateTag: false, fn: 'aggregate' }],
  ['tumbling sum with offset, lateness and late tag', { size: 1_000, offset: 300, allowedLateness: 1_500, lateTag: true, fn: 'sum' }],
  ['sliding 3 s / 1 s aggregate', { size: 3_000, slide: 1_000, allowedLateness: 0, lateTag: true, fn: 'aggregate' }],
  ['sliding with gcd slices and lateness', { size: 1_000, slide: 400, allowedLateness: 800, lateTag: false, fn: 'aggregate' }],
  ['sliding with gaps (slide > size)', { size: 500, slide: 1_000, offset: -200, allowedLateness: 0, lateTag: true, fn: 'sum' }],
  ['sliding + ProcessWindowFunction with window state and lateness', { size: 2_000, slide: 500, allowedLateness: 1_000, lateTag: true, fn: 'process' }],
];

describe('SlicingWindowOperator', () => {
  it('keeps one accumulator per key and slice, emits at window ends stamped maxTimestamp, then frees them', async () => {
    const op = new SlicingWindowOperator<string, Rec, number[], string, string>({
      assigner: SlidingEventTimeWindows.of(3_000, 1_000),
      slices: aggregateSlices(valuesOf),
      windowFunction: passThroughWindowFunction(),
    });
    expect(op.sliceSize).toBe(1_000);
    const h = harness(op);
    await h.open();
    push(h, rec('a', 100, 1), rec('a', 900, 2), rec('a', 1_500, 3), rec('a', 2_500, 4));
    expect(h.numKeyedStateEntries()).toBe(3); // slices 0, 1000, 2000 — not 3 windows per record
    expect(h.numEventTimeTimers()).toBe(3); // one per new slice, at its first window end (not one per window per record)
    h.processWatermark(999);
    h.processWatermark(2_999);
    expect(h.extractOutputRecords()).toEqual([
      { value: '1,2', timestamp: 999 },
      { value: '1,2,3', timestamp: 1_999 },
      { value: '1,2,3,4', timestamp: 2_999 },
    ]);
    expect(h.numKeyedStateEntries()).toBe(2); // slice 0 is in no later window
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.extractOutputValues().slice(3)).toEqual(['3,4', '4']);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('counts late records dropped', async () => {
    const op = new SlicingWindowOperator<string, Rec, Rec, Rec, Rec>({
      assigner: TumblingEventTimeWindows.of(1_000),
      slices: aggregateSlices({ createAccumulator: () => rec('', 0, 0), add: sumRecords, getResult: (r) => r, merge: sumRecords }),
      windowFunction: passThroughWindowFunction(),
    });
    const h = harness(op);
    await h.open();
    h.processWatermark(1_999);
    push(h, rec('a', 1_500), rec('a', 2_500));
    expect(op.numLateRecordsDropped.getCount()).toBe(1);
  });

  for (const [name, c] of CASES) {
    it(`emits what WindowOperator emits: ${name}`, async () => {
      const ops = stream(name.length * 7919, 600, { bound: 400, lateEvery: 23 });
      const general = await runWindowCase(c, ops, false);
      const slicing = await runWindowCase(c, ops, true);
      expect(general.results.length).toBeGreaterThan(50);
      expect(slicing).toEqual(general);
      expect(general.stateEntries).toBe(0);
      if (c.lateTag) expect(general.late.length).toBeGreaterThan(0);
      else expect(general.dropped).toBeGreaterThan(0);
      if (c.fn === 'process') expect(general.cleared.length).toBeGreaterThan(0);
    });
  }

  it('restores and rescales slices and timers by key group, like WindowOperator', async () => {
    for (const [, c] of CASES) {
      const ops = stream(4242, 500, { bound: 300, lateEvery: 31, restoreAt: [100, 250, 251, 400] });
      const general = await runWindowCase(c, ops, false);
      expect(await runWindowCase(c, ops, true)).toEqual(general);
      // The restored run gives what an uninterrupted one gives.
      const straight = await runWindowCase(c, ops.filter((o) => o.kind !== 'restore'), false);
      expect(general.results).toEqual(straight.results);
    }
  });
});

describe('WindowOperatorBuilder picks the operator', () => {
  const kind = (assigner: WindowAssigner<Rec, TimeWindow>, configure: (b: WindowOperatorBuilder<Rec, string, TimeWindow>) => void = () => {}) => {
    const b = new WindowOperatorBuilder<Rec, string, TimeWindow>(assigner);
    configure(b);
    return {
      aggregate: b.aggregate(() => valuesOf, () => passThroughWindowFunction(), ['valuesOf']).kind,
      reduce: b.reduce(() => sumRecords, () => passThroughWindowFunction(), ['sum']).kind,
      builtInReduce: b.reduce(() => sumRecords, () => passThroughWindowFunction(), ['sum'], true).kind,
    };
  };

  it('slices tumbling and sliding event-time windows with the default trigger', () => {
    expect(kind(TumblingEventTimeWindows.of(1_000))).toEqual({ aggregate: 'slicing', reduce: 'slicing', builtInReduce: 'slicing' });
    // A user reducer may modify its first argument: sliding windows share slices, so it runs on WindowOperator.
    expect(kind(SlidingEventTimeWindows.of(10_000, 1_000))).toEqual({ aggregate: 'slicing', reduce: 'general', builtInReduce: 'slicing' });
    expect(kind(SlidingEventTimeWindows.of(10_007, 1_000)).aggregate).toBe('general'); // 10 007 slices per window
  });

  it('uses WindowOperator for other assigners and triggers, EvictingWindowOperator with an evictor', () => {
    expect(kind(TumblingProcessingTimeWindows.of(1_000)).aggregate).toBe('general');
    expect(kind(EventTimeSessionWindows.withGap(1_000)).aggregate).toBe('general');
    expect(kind(TumblingEventTimeWindows.of(1_000), (b) => b.setTrigger(ContinuousEventTimeTrigger.of<TimeWindow>(100))).aggregate).toBe('general');
    expect(kind(TumblingEventTimeWindows.of(1_000), (b) => b.setEvictor(CountEvictor.of<TimeWindow>(5))).aggregate).toBe('evicting');
  });
});
