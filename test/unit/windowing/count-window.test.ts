// countWindow compositions driven like an (evicting) window operator on one key: tumbling and sliding count windows.

import { describe, expect, it } from 'vitest';
import { CountEvictor } from '../../../src/api/windowing/count-evictor.ts';
import { countWindow } from '../../../src/api/windowing/count-window.ts';
import { CountTrigger } from '../../../src/api/windowing/count-trigger.ts';
import { EvictableList } from '../../../src/api/windowing/evictable-list.ts';
import { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.ts';
import { PurgingTrigger } from '../../../src/api/windowing/purging-trigger.ts';
import { TimestampedValue } from '../../../src/api/windowing/timestamped-value.ts';
import type { WindowSpec } from '../../../src/api/windowing/window-spec.ts';
import { FakeTriggerContext } from './fake-trigger-context.ts';

/** One key through assigner, trigger and evictor as Flink's EvictingWindowOperator does; returns each firing's contents. */
function drive(spec: WindowSpec<number, GlobalWindow>, input: number[]): number[][] {
  const ctx = new FakeTriggerContext();
  const evictorCtx = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
  let contents: TimestampedValue<number>[] = [];
  const fired: number[][] = [];
  for (const v of input) {
    for (const window of spec.assigner.assignWindows(v, 0, { getCurrentProcessingTime: () => 0 })) {
      contents.push(new TimestampedValue(v));
      const result = spec.trigger.onElement(v, 0, window, ctx);
      if (result.isFire()) {
        const list = new EvictableList(contents);
        spec.evictor?.evictBefore(list, list.size, window, evictorCtx);
        fired.push(list.toArray().map((e) => e.getValue()));
        spec.evictor?.evictAfter(list, list.size, window, evictorCtx);
        contents = list.toArray();
      }
      if (result.isPurge()) contents = [];
    }
  }
  return fired;
}

describe('countWindow', () => {
  it('countWindow(n) is GlobalWindows + PurgingTrigger.of(CountTrigger.of(n))', () => {
    const spec = countWindow<number>(3);
    expect(spec.assigner).toBeInstanceOf(GlobalWindows);
    expect(spec.trigger).toBeInstanceOf(PurgingTrigger);
    expect(String(spec.trigger)).toBe('PurgingTrigger(CountTrigger(3))');
    expect(spec.evictor).toBeNull();
    expect(drive(spec, [1, 2, 3, 4, 5, 6, 7])).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('countWindow(n, slide) is GlobalWindows + CountEvictor.of(n) + CountTrigger.of(slide)', () => {
    const spec = countWindow<number>(3, 2);
    expect(spec.trigger).toBeInstanceOf(CountTrigger);
    expect(String(spec.trigger)).toBe('CountTrigger(2)');
    expect(spec.evictor).toBeInstanceOf(CountEvictor);
    expect(String(spec.evictor)).toBe('CountEvictor(3)');
    expect(drive(spec, [1, 2, 3, 4, 5, 6, 7])).toEqual([[1, 2], [2, 3, 4], [4, 5, 6]]);
  });

  it('rejects counts below 1', () => {
    expect(() => countWindow(0)).toThrow('count window size must be > 0, got 0');
    expect(() => countWindow(5, 0)).toThrow('count window slide must be > 0, got 0');
  });
});
