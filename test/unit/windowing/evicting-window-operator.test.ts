// Count windows and evictors on the real operators (built by WindowOperatorBuilder as the API builds them):
// tumbling and sliding count windows, Time/Count evictors before and after the function, reduce over kept elements.

import { describe, expect, it } from 'vitest';
import { iterableWindowFunction, passThroughWindowFunction } from '../../../src/api/operators/internal-window-function.ts';
import type { OneInputStreamOperator } from '../../../src/api/operators/stream-operator.ts';
import { WindowOperatorBuilder, type WindowOperatorPlan } from '../../../src/api/operators/window-operator-builder.ts';
import { CountEvictor } from '../../../src/api/windowing/count-evictor.ts';
import { CountTrigger } from '../../../src/api/windowing/count-trigger.ts';
import { countWindow } from '../../../src/api/windowing/count-window.ts';
import type { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.ts';
import { TimeEvictor } from '../../../src/api/windowing/time-evictor.ts';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.ts';
import type { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { harness, push, rec, sumRecords, type Rec } from './window-test-utils.ts';

const describeValues = iterableWindowFunction<Rec, string, string, GlobalWindow>((key, _w, xs, out) =>
  out.collect(`${key}:${[...xs].map((r) => r.v).join(',')}`),
);

function countWindowOperator(size: number, slide?: number): { plan: WindowOperatorPlan; op: OneInputStreamOperator<Rec, string> } {
  const spec = countWindow<Rec>(size, slide);
  const builder = new WindowOperatorBuilder<Rec, string, GlobalWindow>(spec.assigner);
  builder.setTrigger(spec.trigger);
  if (spec.evictor !== null) builder.setEvictor(spec.evictor);
  const plan = builder.process(() => describeValues, ['describe']);
  return { plan, op: plan.factory() as unknown as OneInputStreamOperator<Rec, string> };
}

describe('count windows', () => {
  it('countWindow(size) fires and purges every size elements of a key', async () => {
    const { plan, op } = countWindowOperator(3);
    expect(plan.kind).toBe('general');
    expect(plan.name).toBe("Window(GlobalWindows(), PurgingTrigger, describe)");
    const h = harness(op);
    await h.open();
    for (let i = 1; i <= 7; i++) push(h, rec('a', 0, i), rec('b', 0, 10 * i));
    expect(h.extractOutputValues()).toEqual(['a:1,2,3', 'b:10,20,30', 'a:4,5,6', 'b:40,50,60']);
    expect(h.extractOutputRecords()[0]!.timestamp).toBe(Number.POSITIVE_INFINITY); // GlobalWindow.maxTimestamp()
  });

  it('countWindow(size, slide) keeps the last size elements and fires every slide (EvictingWindowOperator)', async () => {
    const { plan, op } = countWindowOperator(3, 2);
    expect(plan.kind).toBe('evicting');
    expect(plan.name).toBe('Window(GlobalWindows(), CountTrigger, CountEvictor, describe)');
    const h = harness(op);
    await h.open();
    for (let i = 1; i <= 7; i++) push(h, rec('a', 0, i));
    expect(h.extractOutputValues()).toEqual(['a:1,2', 'a:2,3,4', 'a:4,5,6']);
    // The evictor's leftovers are the window's contents: 3 kept after the last firing, plus 7.
    expect(h.numKeyedStateEntries()).toBe(2); // contents + the trigger's count
  });

  it('restores kept elements (with their timestamps) from a snapshot', async () => {
    const first = countWindowOperator(3, 2);
    const h = harness(first.op);
    await h.open();
    for (let i = 1; i <= 3; i++) push(h, rec('a', i * 100, i));
    const snapshot = await h.snapshot();
    const again = countWindowOperator(3, 2);
    const r = harness(again.op);
    r.initializeState(snapshot);
    await r.open();
    push(r, rec('a', 400, 4));
    expect(r.extractOutputValues()).toEqual(['a:2,3,4']);
  });
});

describe('evictors', () => {
  it('TimeEvictor keeps the elements within its span of the newest, before the function', async () => {
    const builder = new WindowOperatorBuilder<Rec, string, GlobalWindow>(GlobalWindows.create());
    builder.setTrigger(CountTrigger.of<GlobalWindow>(3));
    builder.setEvictor(TimeEvictor.of<GlobalWindow>(1_000));
    const h = harness(builder.process(() => describeValues, ['describe']).factory() as unknown as OneInputStreamOperator<Rec, string>);
    await h.open();
    push(h, rec('a', 0, 1), rec('a', 500, 2), rec('a', 1_800, 3));
    expect(h.extractOutputValues()).toEqual(['a:3']);
    push(h, rec('a', 2_000, 4), rec('a', 2_100, 5), rec('a', 2_500, 6));
    expect(h.extractOutputValues()).toEqual(['a:3', 'a:3,4,5,6']);
  });

  it('an evictor after the function trims the contents for the next firing', async () => {
    const builder = new WindowOperatorBuilder<Rec, string, GlobalWindow>(GlobalWindows.create());
    builder.setTrigger(CountTrigger.of<GlobalWindow>(2));
    builder.setEvictor(CountEvictor.of<GlobalWindow>(1, true));
    const h = harness(builder.process(() => describeValues, ['describe']).factory() as unknown as OneInputStreamOperator<Rec, string>);
    await h.open();
    for (let i = 1; i <= 4; i++) push(h, rec('a', 0, i));
    expect(h.extractOutputValues()).toEqual(['a:1,2', 'a:2,3,4']);
  });

  it('reduce with an evictor reduces the kept elements when the window fires', async () => {
    const builder = new WindowOperatorBuilder<Rec, string, TimeWindow>(TumblingEventTimeWindows.of(1_000));
    builder.setEvictor(CountEvictor.of<TimeWindow>(2));
    const plan = builder.reduce(() => sumRecords, () => passThroughWindowFunction<Rec, string, TimeWindow>(), ['sum', 'PassThroughWindowFunction']);
    expect(plan.kind).toBe('evicting');
    const h = harness(plan.factory() as unknown as OneInputStreamOperator<Rec, Rec>);
    await h.open();
    push(h, rec('a', 10, 1), rec('a', 20, 2), rec('a', 30, 4));
    h.processWatermark(999);
    expect(h.extractOutputRecords()).toEqual([{ value: { key: 'a', ts: 30, v: 6 }, timestamp: 999 }]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });
});
