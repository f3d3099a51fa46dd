// WindowOperator with merging (session) windows: merged contents, trigger state and timers, the MergingWindowSet in
// keyed state (restored from a snapshot), late sessions, processing-time sessions.

import { describe, expect, it } from 'vitest';
import { CountTrigger } from '../../../src/api/windowing/count-trigger.ts';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.ts';
import { ProcessingTimeSessionWindows } from '../../../src/api/windowing/processing-time-session-windows.ts';
import type { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { harness, listOperator, push, rec, reduceOperator } from './window-test-utils.ts';

/** `key@[start,end):sorted values` (merged lists keep no particular order). */
const sessionsOf = (values: string[]): string[] =>
  values.map((v) => v.replace(/TimeWindow\{start=(-?\d+), end=(-?\d+)\}:(.*)$/, (_m, s, e, xs: string) => `[${s},${e}):${xs.split(',').map(Number).sort((a, b) => a - b).join(',')}`)).sort();

describe('WindowOperator: session windows', () => {
  it('merges overlapping sessions: contents, one timer per session, and forgets them once fired', async () => {
    const h = harness(listOperator({ assigner: EventTimeSessionWindows.withGap(1_000) }));
    await h.open();
    push(h, rec('a', 0, 0), rec('a', 500, 5));
    expect(h.numEventTimeTimers()).toBe(1); // [0,1500): the timer of [0,1000) moved to 1499
    push(h, rec('a', 3_000, 30), rec('b', 100, 1));
    expect(h.numEventTimeTimers()).toBe(3);
    // contents of a's two sessions and b's one, plus one merging-window set per key
    expect(h.numKeyedStateEntries()).toBe(5);
    push(h, rec('a', 2_000, 20)); // [2000,3000) touches [3000,4000): merges into [2000,4000)
    push(h, rec('a', 1_400, 14)); // [1400,2400) bridges [0,1500) and [2000,4000)
    expect(h.numEventTimeTimers()).toBe(2);
    h.processWatermark(1_099);
    expect(h.extractOutputRecords()).toEqual([{ value: 'b@TimeWindow{start=100, end=1100}:1', timestamp: 1_099 }]);
    h.processWatermark(3_998);
    expect(h.extractOutputValues()).toHaveLength(1);
    h.processWatermark(3_999);
    expect(sessionsOf(h.extractOutputValues())).toEqual(['a@[0,4000):0,5,14,20,30', 'b@[100,1100):1']);
    expect(h.extractOutputRecords()[1]!.timestamp).toBe(3_999);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('merges incremental (reducing) contents', async () => {
    const h = harness(reduceOperator({ assigner: EventTimeSessionWindows.withGap(10) }));
    await h.open();
    push(h, rec('a', 0, 1), rec('a', 22, 2), rec('a', 15, 4), rec('a', 8, 8));
    h.processWatermark(100);
    expect(h.extractOutputRecords()).toEqual([{ value: { key: 'a', ts: 22, v: 15 }, timestamp: 31 }]);
  });

  it('merges trigger state on merge (CountTrigger counts across merged sessions)', async () => {
    const h = harness(listOperator({ assigner: EventTimeSessionWindows.withGap(1_000), trigger: CountTrigger.of<TimeWindow>(3) }));
    await h.open();
    push(h, rec('a', 0, 0), rec('a', 2_000, 20));
    expect(h.extractOutputValues()).toEqual([]);
    push(h, rec('a', 1_000, 10)); // bridges both: counts 1 + 1 merge, + 1 = 3
    expect(sessionsOf(h.extractOutputValues())).toEqual(['a@[0,3000):0,10,20']);
  });

  it('drops an element whose new session is already late, and counts it', async () => {
    const op = reduceOperator({ assigner: EventTimeSessionWindows.withGap(1_000) });
    const h = harness(op);
    await h.open();
    h.processWatermark(5_000);
    push(h, rec('a', 100), rec('a', 4_500, 3));
    expect(op.numLateRecordsDropped.getCount()).toBe(1);
    h.processWatermark(6_000);
    expect(h.extractOutputValues()).toEqual([rec('a', 4_500, 3)]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('keeps the merging window set in keyed state: sessions keep merging after a restore', async () => {
    const h = harness(listOperator({ assigner: EventTimeSessionWindows.withGap(1_000) }));
    await h.open();
    push(h, rec('a', 0, 0), rec('a', 500, 5), rec('b', 0, 1));
    const snapshot = await h.snapshot();
    await h.close();

    const r = harness(listOperator({ assigner: EventTimeSessionWindows.withGap(1_000) }));
    r.initializeState(snapshot);
    await r.open();
    push(r, rec('a', 1_200, 12)); // merges with the restored [0,1500)
    r.processWatermark(10_000);
    expect(sessionsOf(r.extractOutputValues())).toEqual(['a@[0,2200):0,5,12', 'b@[0,1000):1']);
    expect(r.numKeyedStateEntries()).toBe(0);
  });

  it('merges processing-time sessions on the virtual clock', async () => {
    const h = harness(listOperator({ assigner: ProcessingTimeSessionWindows.withGap(1_000) }));
    await h.open();
    h.processElement(rec('a', 0, 1));
    h.setProcessingTime(600);
    h.processElement(rec('a', 0, 2));
    h.setProcessingTime(1_500);
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(1_599);
    expect(h.extractOutputRecords()).toEqual([{ value: 'a@TimeWindow{start=0, end=1600}:1,2', timestamp: 1_599 }]);
    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numKeyedStateEntries()).toBe(0);
  });
});
