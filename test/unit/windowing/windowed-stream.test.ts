// The windowing API: WindowedStream/AllWindowedStream settings, the operator each builds, and the mistakes it refuses.

import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../../src/api/environment.ts';
import { RichReduceFunction, type Collector } from '../../../src/api/functions.ts';
import { OutputTag } from '../../../src/api/output-tag.ts';
import type { OneInputTransformation } from '../../../src/api/transformation.ts';
import type { SingleOutputStreamOperator } from '../../../src/api/data-stream.ts';
import { CountTrigger } from '../../../src/api/windowing/count-trigger.ts';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.ts';
import { NeverTrigger } from '../../../src/api/windowing/never-trigger.ts';
import { ProcessWindowFunction, type ProcessWindowContext } from '../../../src/api/windowing/process-window-function.ts';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.ts';
import type { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.ts';
import { Time } from '../../../src/api/time.ts';
import { harness, push, rec, type Rec } from './window-test-utils.ts';

const keyed = () => new StreamExecutionEnvironment().fromElements<Rec>().keyBy((r) => r.key);
const operatorOf = (s: SingleOutputStreamOperator<unknown>) => (s.transformation as OneInputTransformation<unknown, unknown>).operatorFactory();

describe('WindowedStream', () => {
  it('builds pane sharing for aggregate/reduce/sum on aligned event-time windows, WindowOperator otherwise', () => {
    const avg = { createAccumulator: () => 0, add: (r: Rec, a: number) => a + r.v, getResult: (a: number) => a, merge: (a: number, b: number) => a + b };
    const kinds = [
      keyed().window(TumblingEventTimeWindows.of(1_000)).aggregate(avg),
      keyed().window(SlidingEventTimeWindows.of(Time.seconds(10), Time.seconds(1))).sum('v'),
      keyed().window(SlidingEventTimeWindows.of(10_000, 1_000)).reduce((a, b) => ({ ...a, v: a.v + b.v })),
      keyed().window(TumblingEventTimeWindows.of(1_000)).process(new Describe()),
      keyed().window(EventTimeSessionWindows.withGap(100)).aggregate(avg),
      keyed().window(TumblingEventTimeWindows.of(1_000)).trigger(CountTrigger.of<TimeWindow>(2)).aggregate(avg),
    ].map((s) => operatorOf(s as SingleOutputStreamOperator<unknown>).constructor.name);
    expect(kinds).toEqual([
      'SlicingWindowOperator',
      'SlicingWindowOperator',
      'WindowOperator',
      'WindowOperator',
      'WindowOperator',
      'WindowOperator',
    ]);
    expect(operatorOf(keyed().countWindow(10, 2).sum('v') as SingleOutputStreamOperator<unknown>).constructor.name).toBe('EvictingWindowOperator');
  });

  it('names operators after assigner, trigger, evictor and functions', () => {
    const names = [
      keyed().window(TumblingEventTimeWindows.of(1_000)).sum('v'),
      keyed().countWindow(5).max('v'),
      keyed().countWindow(5, 1).apply(function lastFive(_k: string, _w, xs: Iterable<Rec>, out: Collector<number>) {
        out.collect([...xs].length);
      }),
      keyed().window(TumblingEventTimeWindows.of(1_000)).reduce((a: Rec) => a, new Describe()),
    ].map((s) => s.getName());
    expect(names).toEqual([
      'Window(TumblingEventTimeWindows(1000), EventTimeTrigger, ReduceFunction)',
      'Window(GlobalWindows(), PurgingTrigger, ReduceFunction)',
      'Window(GlobalWindows(), CountTrigger, CountEvictor, lastFive)',
      // Over 80 characters (metric scopes truncate operator names there): the trigger is left out.
      'Window(TumblingEventTimeWindows(1000), ReduceFunction, Describe)',
    ]);
  });

  it('refuses what Flink refuses', () => {
    class RichSum extends RichReduceFunction<Rec> {
      reduce(a: Rec): Rec {
        return a;
      }
    }
    const w = () => keyed().window(TumblingEventTimeWindows.of(1_000));
    expect(() => w().reduce(new RichSum())).toThrow('ReduceFunction of reduce can not be a RichFunction');
    expect(() => w().allowedLateness(-1)).toThrow('a time span must be >= 0 ms');
    expect(() => w().sideOutputLateData({ id: 'x' } as OutputTag<Rec>)).toThrow('sideOutputLateData takes an OutputTag');
    expect(() => w().aggregate({ add: () => 0 } as never)).toThrow('has no createAccumulator()');
    expect(() => w().process(((k: string) => k) as never)).toThrow('process takes a ProcessWindowFunction');
    expect(() => keyed().window(EventTimeSessionWindows.withGap(10)).trigger(new NeverTrigger() as never)).toThrow(
      'A merging window assigner cannot be used with a trigger that does not support merging',
    );
  });

  it('windows built by the API run: sum over tumbling windows with lateness and a late side output', async () => {
    const late = new OutputTag<Rec>('late');
    const h = harness(
      operatorOf(keyed().window(TumblingEventTimeWindows.of(1_000)).allowedLateness(Time.milliseconds(200)).sideOutputLateData(late).sum('v') as SingleOutputStreamOperator<unknown>) as never,
    );
    await h.open();
    push(h, rec('a', 10, 1), rec('a', 20, 2));
    h.processWatermark(1_000);
    push(h, rec('a', 30, 4));
    h.processWatermark(1_199);
    push(h, rec('a', 40, 8));
    expect(h.extractOutputRecords()).toEqual([
      { value: rec('a', 10, 3), timestamp: 999 },
      { value: rec('a', 10, 7), timestamp: 999 },
    ]);
    expect(h.getSideOutput(late)).toEqual([{ value: rec('a', 40, 8), timestamp: 40 }]);
  });
});

describe('AllWindowedStream', () => {
  it('runs with parallelism 1, fixed, keyed by one constant key', () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(4);
    const all = env.fromElements(1, 2, 3).windowAll(TumblingEventTimeWindows.of(1_000)).sum();
    expect(all.getParallelism()).toBe(1);
    expect(all.getName()).toBe('AllWindow(TumblingEventTimeWindows(1000), EventTimeTrigger, addNumbers)');
    expect(() => all.setParallelism(2)).toThrow('The parallelism of non parallel operator must be 1');
    expect(all.setParallelism(1)).toBe(all);
    expect(env.fromElements(1).countWindowAll(3).max().getParallelism()).toBe(1);
  });
});

class Describe extends ProcessWindowFunction<Rec, string, string, TimeWindow> {
  process(key: string, ctx: ProcessWindowContext<TimeWindow>, xs: Iterable<Rec>, out: Collector<string>): void {
    out.collect(`${key}@${ctx.window().getStart()}:${[...xs].length}`);
  }
}
