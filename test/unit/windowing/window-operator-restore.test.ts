// WindowOperator state across snapshots: contents, trigger state and timers restore, also split over more subtasks
// or merged into fewer (repartitionSnapshots), and the windows fire after the restore.

import { describe, expect, it } from 'vitest';
import { CountTrigger } from '../../../src/api/windowing/count-trigger.ts';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.ts';
import type { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../src/api/windowing/tumbling-processing-time-windows.ts';
import type { OperatorSnapshot } from '../../../src/api/operators/stream-operator.ts';
import { assignToKeyGroup } from '../../../src/state/key-group.ts';
import { repartitionSnapshots } from '../../../src/testing/operator-test-harness.ts';
import { harness, listOperator, push, rec, reduceOperator } from './window-test-utils.ts';

const keys = Array.from({ length: 24 }, (_, i) => `key-${i}`);
const sliding = () => listOperator({ assigner: SlidingEventTimeWindows.of(2_000, 1_000) });

describe('WindowOperator snapshot and restore', () => {
  it('fires restored windows after a restore into more subtasks, each key exactly once per window', async () => {
    const h = harness(sliding(), { maxParallelism: 128 });
    await h.open();
    for (const key of keys) push(h, rec(key, 500, 1), rec(key, 1_500, 2));
    h.processWatermark(999); // fires [-1000,1000) for every key
    expect(h.extractOutputValues()).toHaveLength(keys.length);
    const snapshot = await h.snapshot();
    await h.close();

    const fired: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = harness(sliding(), { maxParallelism: 128, parallelism: 3, subtaskIndex: i });
      r.initializeState(repartitionSnapshots([snapshot], 3, i));
      await r.open();
      const owned = r.numEventTimeTimers();
      expect(owned).toBeGreaterThan(0);
      expect(owned).toBeLessThan(2 * keys.length);
      r.processWatermark(2_999);
      fired.push(...r.extractOutputValues());
      expect(r.numKeyedStateEntries()).toBe(0);
      await r.close();
    }
    const expected = keys.flatMap((k) => [`${k}@TimeWindow{start=0, end=2000}:1,2`, `${k}@TimeWindow{start=1000, end=3000}:2`]);
    expect(fired.sort()).toEqual(expected.sort());
  });

  it('merges the snapshots of several subtasks into fewer (scale in)', async () => {
    const snapshots: OperatorSnapshot[] = [];
    for (let i = 0; i < 2; i++) {
      const h = harness(reduceOperator({ assigner: SlidingEventTimeWindows.of(2_000, 1_000) }), { maxParallelism: 128, parallelism: 2, subtaskIndex: i });
      await h.open();
      for (const key of keys) {
        if (h.keyedStateBackend!.keyGroupRange.contains(assignToKeyGroup(key, 128))) push(h, rec(key, 1_200, 3));
      }
      snapshots.push(await h.snapshot());
      await h.close();
    }
    const r = harness(reduceOperator({ assigner: SlidingEventTimeWindows.of(2_000, 1_000) }), { maxParallelism: 128 });
    r.initializeState(repartitionSnapshots(snapshots, 1, 0));
    await r.open();
    r.processWatermark(5_000);
    expect(r.extractOutputValues()).toHaveLength(2 * keys.length);
    expect(new Set(r.extractOutputValues().map((v) => v.key)).size).toBe(keys.length);
  });

  it('restores trigger state (a CountTrigger count) and processing-time timers', async () => {
    const counting = () => listOperator({ assigner: GlobalWindows.create(), trigger: CountTrigger.of<GlobalWindow>(3) });
    const h = harness(counting());
    await h.open();
    push(h, rec('a', 0, 1), rec('a', 0, 2));
    const r = harness(counting());
    r.initializeState(await h.snapshot());
    await r.open();
    push(r, rec('a', 0, 3));
    expect(r.extractOutputValues()).toEqual(['a@GlobalWindow:1,2,3']);

    const p = harness(reduceOperator({ assigner: TumblingProcessingTimeWindows.of(1_000) }), { initialProcessingTime: 100 });
    await p.open();
    p.processElement(rec('a', 0, 5));
    const restored = harness(reduceOperator({ assigner: TumblingProcessingTimeWindows.of(1_000) }), { initialProcessingTime: 600 });
    restored.initializeState(await p.snapshot());
    await restored.open();
    expect(restored.numProcessingTimeTimers()).toBe(1);
    restored.setProcessingTime(999);
    expect(restored.extractOutputRecords()).toEqual([{ value: rec('a', 0, 5), timestamp: 999 }]);
  });
});
