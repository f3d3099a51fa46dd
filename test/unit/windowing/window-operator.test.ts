// WindowOperator on the keyed backend, driven by the operator test harness: tumbling and sliding event-time
// windows, out-of-order and late elements, allowed lateness, custom triggers, per-window function state,
// processing-time windows on the virtual clock.

import { describe, expect, it } from 'vitest';
import {
  processWindowFunction,
  passThroughWindowFunction,
} from '../../../src/api/operators/internal-window-function.ts';
import { WindowOperator } from '../../../src/api/operators/window-operator.ts';
import { OutputTag } from '../../../src/api/output-tag.ts';
import { ContinuousEventTimeTrigger } from '../../../src/api/windowing/continuous-event-time-trigger.ts';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.ts';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.ts';
import { ProcessWindowFunction, type ProcessWindowContext } from '../../../src/api/windowing/process-window-function.ts';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.ts';
import type { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { TriggerResult } from '../../../src/api/windowing/trigger-result.ts';
import { Trigger, type TriggerContext } from '../../../src/api/windowing/trigger.ts';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../src/api/windowing/tumbling-processing-time-windows.ts';
import type { Collector } from '../../../src/api/functions.ts';
import { NeverTrigger } from '../../../src/api/windowing/never-trigger.ts';
import { ReducingStateDescriptor } from '../../../src/state/reducing-state-descriptor.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';
import { harness, listOperator, push, rec, reduceOperator, sortRecords, type Rec } from './window-test-utils.ts';

describe('WindowOperator: tumbling and sliding event-time windows', () => {
  it('fires each window once the watermark passes its end, stamped maxTimestamp, then forgets it', async () => {
    const h = harness(reduceOperator({ assigner: TumblingEventTimeWindows.of(3_000) }));
    await h.open();
    push(h, rec('a', 1_000, 1), rec('a', 2_000, 2), rec('b', 2_500, 5), rec('a', 3_500, 10));
    // One timer per (key, window): the trigger's at maxTimestamp and the cleanup timer coincide.
    expect(h.numEventTimeTimers()).toBe(3);
    h.processWatermark(2_998);
    expect(h.extractOutputRecords()).toEqual([]);
    h.processWatermark(2_999);
    expect(sortRecords(h.extractOutputRecords())).toEqual([
      { value: { key: 'a', ts: 2_000, v: 3 }, timestamp: 2_999 },
      { value: { key: 'b', ts: 2_500, v: 5 }, timestamp: 2_999 },
    ]);
    // Window results come before the watermark that fired them.
    expect(h.getOutput().at(-1)).toEqual({ kind: 'watermark', timestamp: 2_999 });
    h.clearOutput();
    h.processWatermark(10_000);
    expect(h.extractOutputRecords()).toEqual([{ value: { key: 'a', ts: 3_500, v: 10 }, timestamp: 5_999 }]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('puts each element into all its sliding windows, whatever the arrival order', async () => {
    const h = harness(listOperator({ assigner: SlidingEventTimeWindows.of(2_000, 1_000) }));
    await h.open();
    push(h, rec('a', 1_500, 1), rec('a', 500, 2), rec('a', 2_500, 3));
    h.processWatermark(999);
    expect(h.extractOutputValues()).toEqual(['a@TimeWindow{start=-1000, end=1000}:2']);
    h.processWatermark(1_999);
    h.processWatermark(2_999);
    h.processWatermark(3_999);
    expect(h.extractOutputRecords()).toEqual([
      { value: 'a@TimeWindow{start=-1000, end=1000}:2', timestamp: 999 },
      { value: 'a@TimeWindow{start=0, end=2000}:1,2', timestamp: 1_999 },
      { value: 'a@TimeWindow{start=1000, end=3000}:1,3', timestamp: 2_999 },
      { value: 'a@TimeWindow{start=2000, end=4000}:3', timestamp: 3_999 },
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('drops elements whose windows are all gone and counts them in numLateRecordsDropped', async () => {
    const op = reduceOperator({ assigner: TumblingEventTimeWindows.of(1_000) });
    const h = harness(op);
    await h.open();
    h.processWatermark(1_999);
    push(h, rec('a', 500), rec('a', 1_999), rec('b', 2_000, 7));
    expect(op.numLateRecordsDropped.getCount()).toBe(2);
    h.processWatermark(2_999);
    expect(h.extractOutputValues()).toEqual([{ key: 'b', ts: 2_000, v: 7 }]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('sends late elements to the late-data side output instead, with their timestamps', async () => {
    const late = new OutputTag<Rec>('late');
    const op = reduceOperator({ assigner: SlidingEventTimeWindows.of(2_000, 1_000), lateDataOutputTag: late });
    const h = harness(op);
    await h.open();
    h.processWatermark(1_999);
    // 900 is in [0,2000) and [-1000,1000), both gone: late. 1_500 is in [0,2000) (gone) and [1000,3000) (open):
    // it goes into the open one only.
    push(h, rec('a', 900, 1), rec('a', 1_500, 2));
    expect(h.getSideOutput(late)).toEqual([{ value: rec('a', 900, 1), timestamp: 900 }]);
    expect(op.numLateRecordsDropped.getCount()).toBe(0);
    h.processWatermark(4_000);
    expect(h.extractOutputRecords()).toEqual([{ value: rec('a', 1_500, 2), timestamp: 2_999 }]);
  });

  it('keeps windows for the allowed lateness: late elements fire them again, then they are cleaned up', async () => {
    const late = new OutputTag<Rec>('late');
    const h = harness(reduceOperator({ assigner: TumblingEventTimeWindows.of(1_000), allowedLateness: 500, lateDataOutputTag: late }));
    await h.open();
    push(h, rec('a', 100, 1));
    h.processWatermark(999);
    expect(h.extractOutputRecords()).toEqual([{ value: rec('a', 100, 1), timestamp: 999 }]);
    // Within lateness: added, and EventTimeTrigger fires the window at once with everything in it.
    push(h, rec('a', 200, 2));
    expect(h.extractOutputRecords()).toEqual([
      { value: rec('a', 100, 1), timestamp: 999 },
      { value: { key: 'a', ts: 200, v: 3 }, timestamp: 999 },
    ]);
    expect(h.numKeyedStateEntries()).toBe(1);
    h.processWatermark(1_499); // cleanup time: maxTimestamp + allowed lateness
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    push(h, rec('a', 300, 4));
    expect(h.getSideOutput(late)).toEqual([{ value: rec('a', 300, 4), timestamp: 300 }]);
    expect(h.extractOutputValues()).toHaveLength(2);
  });

  it('a merging assigner refuses a trigger that cannot merge', () => {
    expect(() => reduceOperator({ assigner: EventTimeSessionWindows.withGap(1_000), trigger: new Everything() as never })).toThrow(
      /merging window assigner cannot be used with a trigger that does not support merging/,
    );
  });
});

/** Fires on every element, counting elements per window in keyed ValueState; purges at the window's end. */
class Everything extends Trigger<Rec, TimeWindow> {
  static readonly count = new ValueStateDescriptor<number>('elements', 0);
  onElement(_e: Rec, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(Everything.count);
    count.update(count.value()! + 1);
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return count.value()! % 2 === 0 ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: TimeWindow): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
    ctx.getPartitionedState(Everything.count).clear();
  }
}

describe('WindowOperator: triggers', () => {
  it('runs a custom trigger with keyed state per window and cleans its state with the window', async () => {
    const h = harness(listOperator({ assigner: TumblingEventTimeWindows.of(1_000), trigger: new Everything() }));
    await h.open();
    push(h, rec('a', 1, 1), rec('a', 2, 2), rec('b', 3, 3), rec('a', 4, 4));
    expect(h.extractOutputValues()).toEqual(['a@TimeWindow{start=0, end=1000}:1,2']);
    h.processWatermark(999);
    expect(h.extractOutputValues()[0]).toBe('a@TimeWindow{start=0, end=1000}:1,2');
    expect(h.extractOutputValues().slice(1).sort()).toEqual(['a@TimeWindow{start=0, end=1000}:1,2,4', 'b@TimeWindow{start=0, end=1000}:3']);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('ContinuousEventTimeTrigger gives early results every interval and the final one at the end', async () => {
    const h = harness(
      reduceOperator({ assigner: TumblingEventTimeWindows.of(10_000), trigger: ContinuousEventTimeTrigger.of<TimeWindow>(3_000) }),
    );
    await h.open();
    push(h, rec('a', 1_000, 1));
    h.processWatermark(3_000);
    push(h, rec('a', 4_000, 2));
    h.processWatermark(6_000);
    h.processWatermark(20_000);
    expect(h.extractOutputRecords().map((r) => [r.value.v, r.timestamp])).toEqual([
      [1, 9_999],
      [3, 9_999],
      [3, 9_999],
      [3, 9_999],
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('GlobalWindows with its default trigger never fires', async () => {
    const h = harness(listOperator({ assigner: GlobalWindows.create(), trigger: new NeverTrigger() as never }));
    await h.open();
    push(h, rec('a', 1), rec('a', 2));
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.extractOutputValues()).toEqual([]);
    expect(h.numEventTimeTimers()).toBe(0); // no cleanup timer for the endless window
  });
});

/** Counts firings per window (window state) and per key (global state); records what clear() saw. */
class Firings extends ProcessWindowFunction<Rec, string, string, TimeWindow> {
  static readonly perWindow = new ValueStateDescriptor<number>('firings', 0);
  static readonly perKey = new ValueStateDescriptor<number>('all-firings', 0);
  static readonly side = new OutputTag<string>('firing-side');
  readonly cleared: string[] = [];
  opened = 0;
  closed = 0;
  override open(): void {
    this.opened++;
  }
  override close(): void {
    this.closed++;
  }
  process(key: string, ctx: ProcessWindowContext<TimeWindow>, xs: Iterable<Rec>, out: Collector<string>): void {
    const mine = ctx.windowState().getState(Firings.perWindow);
    mine.update(mine.value()! + 1);
    const all = ctx.globalState().getState(Firings.perKey);
    all.update(all.value()! + 1);
    out.collect(`${key}@${ctx.window().getStart()} n=${[...xs].length} firing=${mine.value()} all=${all.value()} wm=${ctx.currentWatermark()}`);
    ctx.output(Firings.side, `${key}@${ctx.window().getStart()}`);
  }
  override clear(ctx: ProcessWindowContext<TimeWindow>): void {
    this.cleared.push(`${ctx.window().getStart()} firings=${ctx.windowState().getState(Firings.perWindow).value()}`);
  }
}

describe('WindowOperator: ProcessWindowFunction', () => {
  it('has per-window state cleared with the window (after clear()), per-key state, clocks and side outputs', async () => {
    const fn = new Firings();
    const h = harness(listOperator({ assigner: TumblingEventTimeWindows.of(1_000), allowedLateness: 1_000 }, processWindowFunction(fn)));
    await h.open();
    expect(fn.opened).toBe(1);
    push(h, rec('a', 100));
    h.processWatermark(999);
    push(h, rec('a', 200), rec('a', 1_100));
    h.processWatermark(1_999);
    expect(h.extractOutputValues().sort()).toEqual([
      'a@0 n=1 firing=1 all=1 wm=999',
      'a@0 n=2 firing=2 all=2 wm=999',
      'a@1000 n=1 firing=1 all=3 wm=1999',
    ]);
    expect(fn.cleared).toEqual(['0 firings=2']);
    expect(h.getSideOutput(Firings.side).map((r) => r.timestamp)).toEqual([999, 999, 1_999]);
    h.processWatermark(2_999);
    expect(fn.cleared).toEqual(['0 firings=2', '1000 firings=1']);
    // Contents, trigger timers and per-window state are gone; the per-key count stays.
    expect(h.numKeyedStateEntries()).toBe(1);
    await h.close();
    expect(fn.closed).toBe(1);
  });

  it('refuses per-window state on merging windows, as Flink does', async () => {
    const fn = new Firings();
    const h = harness(listOperator({ assigner: EventTimeSessionWindows.withGap(1_000) }, processWindowFunction(fn)));
    await h.open();
    push(h, rec('a', 100));
    expect(() => h.processWatermark(5_000)).toThrow(/Per-window state is not allowed when using merging windows/);
  });
});

describe('WindowOperator: processing-time windows', () => {
  it('assigns by the processing-time clock and fires when it passes the window end', async () => {
    const h = harness(reduceOperator({ assigner: TumblingProcessingTimeWindows.of(1_000) }), { initialProcessingTime: 0 });
    await h.open();
    h.processElement(rec('a', 0, 1));
    h.setProcessingTime(500);
    h.processElement(rec('a', 0, 2));
    h.processElement(rec('b', 0, 4));
    h.setProcessingTime(998);
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(1_200);
    h.processElement(rec('a', 0, 8));
    expect(sortRecords(h.extractOutputRecords())).toEqual([
      { value: rec('a', 0, 3), timestamp: 999 },
      { value: rec('b', 0, 4), timestamp: 999 },
    ]);
    h.advanceProcessingTime(800);
    expect(h.extractOutputRecords().at(-1)).toEqual({ value: rec('a', 0, 8), timestamp: 1_999 });
    // A watermark neither fires nor drops anything in processing time.
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.extractOutputValues()).toHaveLength(3);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(0);
  });
});

describe('WindowOperator: reduce and aggregate contents', () => {
  it('keeps one ReducingState value per window, not the elements', async () => {
    const op = new WindowOperator<string, Rec, Rec, Rec, TimeWindow>({
      assigner: TumblingEventTimeWindows.of(1_000),
      trigger: TumblingEventTimeWindows.of(1_000).getDefaultTrigger(),
      windowStateDescriptor: new ReducingStateDescriptor<Rec>('window-contents', (a, b) => ({ ...a, v: a.v + b.v })),
      windowFunction: passThroughWindowFunction(),
    });
    const h = harness(op);
    await h.open();
    for (let i = 0; i < 100; i++) h.processElement(rec('a', i, 1), i);
    expect(h.numKeyedStateEntries()).toBe(1);
    h.processWatermark(999);
    expect(h.extractOutputValues()).toEqual([rec('a', 0, 100)]);
  });
});
