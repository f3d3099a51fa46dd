// Windows end to end on the real runtime: keyed and all-windows in-process (tumbling, sliding, session, count,
// lateness with a late-data side output), and a parallelism-2 job in worker threads.
import { describe, expect, it } from 'vitest';
import { OutputTag, StreamExecutionEnvironment, WatermarkStrategy, type Collector, type WatermarkOutput } from 'sluice';
import { CountTrigger } from '../../src/api/windowing/count-trigger.ts';
import { EventTimeSessionWindows } from '../../src/api/windowing/event-time-session-windows.ts';
import type { GlobalWindow } from '../../src/api/windowing/global-window.ts';
import { ProcessAllWindowFunction, type ProcessAllWindowContext } from '../../src/api/windowing/process-all-window-function.ts';
import { SlidingEventTimeWindows } from '../../src/api/windowing/sliding-event-time-windows.ts';
import type { TimeWindow } from '../../src/api/windowing/time-window.ts';
import { TumblingEventTimeWindows } from '../../src/api/windowing/tumbling-event-time-windows.ts';
import { runJobModule } from 'sluice';
import { countAndSum, kept, readingOf, READINGS, type Reading, type Variant, type WindowRow } from '../fixtures/jobs/windows.ts';

const fixture = (name: string): string => new URL(`../fixtures/jobs/${name}.ts`, import.meta.url).href;
const local = (): StreamExecutionEnvironment => StreamExecutionEnvironment.createLocalEnvironment(1);

interface Click {
  user: string;
  at: number;
}

/** Watermarks after every event: the largest timestamp seen minus `bound` minus 1 (deterministic lateness). */
const punctuated = (bound: number) =>
  WatermarkStrategy.forGenerator<Click>(() => {
    let max = Number.NEGATIVE_INFINITY;
    return {
      onEvent(_e: Click, ts: number, out: WatermarkOutput) {
        max = Math.max(max, ts);
        out.emitWatermark(max - bound - 1);
      },
      onPeriodicEmit() {},
    };
  }).withTimestampAssigner((c) => c.at);

/** The fixture's windows computed directly from its readings. */
function expectedRows(variant: Variant): Omit<WindowRow, 'subtask'>[] {
  const readings: Reading[] = [];
  for (let n = 0; n < READINGS; n++) if (kept(readingOf(n))) readings.push(readingOf(n));
  const rows = new Map<string, Omit<WindowRow, 'subtask'>>();
  const add = (sensor: number, start: number, end: number, r: Reading): void => {
    const id = `${sensor}/${start}`;
    const row = rows.get(id) ?? { sensor, start, end, count: 0, sum: 0 };
    row.count++;
    row.sum += r.value;
    rows.set(id, row);
  };
  if (variant === 'session') {
    const bySensor = new Map<number, Reading[]>();
    for (const r of readings) bySensor.set(r.sensor, [...(bySensor.get(r.sensor) ?? []), r]);
    const out: Omit<WindowRow, 'subtask'>[] = [];
    for (const [sensor, rs] of bySensor) {
      let session: Omit<WindowRow, 'subtask'> | undefined;
      for (const r of rs.sort((a, b) => a.ts - b.ts)) {
        if (session !== undefined && r.ts <= session.end) {
          session.end = r.ts + 100;
          session.count++;
          session.sum += r.value;
        } else {
          if (session !== undefined) out.push(session);
          session = { sensor, start: r.ts, end: r.ts + 100, count: 1, sum: r.value };
        }
      }
      out.push(session!);
    }
    return out;
  }
  for (const r of readings) {
    if (variant === 'tumbling') add(r.sensor, r.ts - (r.ts % 500), r.ts - (r.ts % 500) + 500, r);
    else if (variant === 'all') add(-1, r.ts - (r.ts % 1_000), r.ts - (r.ts % 1_000) + 1_000, r);
    else for (let start = r.ts - (r.ts % 250); start > r.ts - 1_000; start -= 250) add(r.sensor, start, start + 1_000, r);
  }
  return [...rows.values()];
}

const byWindow = <T extends { sensor: number; start: number }>(rows: T[]): T[] =>
  [...rows].sort((a, b) => a.sensor - b.sensor || a.start - b.start);
const withoutSubtask = (rows: WindowRow[]): Omit<WindowRow, 'subtask'>[] => rows.map(({ subtask: _s, ...rest }) => rest);

describe('windows on the in-process runtime', () => {
  it('tumbling, sliding and session windows aggregate every key as a direct computation does', async () => {
    for (const variant of ['tumbling', 'sliding', 'session', 'all'] as const) {
      const { buildWindows } = await import('../fixtures/jobs/windows.ts');
      const rows = await buildWindows(local(), variant).executeAndCollect(1_000_000);
      expect(byWindow(withoutSubtask(rows))).toEqual(byWindow(expectedRows(variant)));
    }
  });

  it('names the operator after assigner, trigger and functions, and windowAll runs with parallelism 1', () => {
    const env = local();
    env.setParallelism(3);
    const src = env.fromSequence(1, 10).map((n) => ({ sensor: n % 2, ts: n, value: n }));
    src.keyBy((r) => r.sensor).window(TumblingEventTimeWindows.of(1_000)).aggregate(countAndSum).print();
    src.windowAll(SlidingEventTimeWindows.of(2_000, 1_000)).maxBy('value').print();
    const plan = JSON.parse(env.getExecutionPlan()) as { nodes: { contents: string; parallelism: number }[] };
    const windows = plan.nodes.filter((n) => n.contents.includes('Window('));
    expect(windows.map((n) => [n.contents, n.parallelism])).toEqual([
      ['Window(TumblingEventTimeWindows(1000), EventTimeTrigger, AggregateFunction)', 3],
      ['AllWindow(SlidingEventTimeWindows(2000, 1000), EventTimeTrigger, ReduceFunction)', 1],
    ]);
  });

  it('allowed lateness fires windows again for late clicks; later ones go to the late-data side output', async () => {
    const late = new OutputTag<Click>('late-clicks');
    const clicks: Click[] = [
      { user: 'ann', at: 100 },
      { user: 'bob', at: 300 },
      { user: 'ann', at: 1_200 }, // watermark 1_099: [0,1000) fires (ann 1, bob 1)
      { user: 'ann', at: 900 }, // late by 200, within 500 of lateness: [0,1000) fires again for ann: 2
      { user: 'bob', at: 1_700 }, // watermark 1_599: [0,1000) is cleaned up (999 + 500 <= 1599)
      { user: 'bob', at: 800 }, // too late: side output
    ];
    const env = local();
    const counted = env
      .fromCollection(clicks)
      .assignTimestampsAndWatermarks(punctuated(100))
      .keyBy((c) => c.user)
      .window(TumblingEventTimeWindows.of(1_000))
      .allowedLateness(500)
      .sideOutputLateData(late)
      .aggregate(
        { createAccumulator: () => 0, add: (_c: Click, n: number) => n + 1, getResult: (n: number) => n, merge: (a: number, b: number) => a + b },
        (user: string, w: TimeWindow, counts: Iterable<number>, out: Collector<string>) => out.collect(`${user}@${w.getStart()}:${[...counts][0]}`),
      );
    const lateClicks = counted.getSideOutput(late).map((c) => `late ${c.user}@${c.at}`);
    const rows = await counted.union(lateClicks).executeAndCollect(100);
    const results = rows.filter((r) => !r.startsWith('late'));
    expect(results.slice(0, 2).sort()).toEqual(['ann@0:1', 'bob@0:1']);
    expect(results[2]).toBe('ann@0:2');
    expect(results.slice(3).sort()).toEqual(['ann@1000:1', 'bob@1000:1']);
    expect(rows.filter((r) => r.startsWith('late'))).toEqual(['late bob@800']);
  });

  it('countWindow, countWindowAll, a custom trigger on sessions, and a ProcessAllWindowFunction', async () => {
    const env = local();
    const numbers = env.fromCollection(Array.from({ length: 20 }, (_, i) => i + 1));
    const tumbling = await numbers.keyBy((n) => n % 2).countWindow(3).sum().executeAndCollect(100);
    expect(tumbling.sort((a, b) => a - b)).toEqual([9, 12, 27, 30, 45, 48].sort((a, b) => a - b));

    class Collect extends ProcessAllWindowFunction<number, string, GlobalWindow> {
      process(_ctx: ProcessAllWindowContext<GlobalWindow>, xs: Iterable<number>, out: Collector<string>): void {
        out.collect([...xs].join(','));
      }
    }
    const sliding = await local()
      .fromCollection([1, 2, 3, 4, 5, 6, 7])
      .countWindowAll(3, 2)
      .process(new Collect())
      .executeAndCollect(100);
    expect(sliding).toEqual(['1,2', '2,3,4', '4,5,6']);

    const early = await local()
      .fromCollection<Click>([
        { user: 'a', at: 0 },
        { user: 'a', at: 50 },
        { user: 'a', at: 500 },
        { user: 'a', at: 520 },
      ])
      .assignTimestampsAndWatermarks(punctuated(1_000))
      .keyBy((c) => c.user)
      .window(EventTimeSessionWindows.withGap(100))
      .trigger(CountTrigger.of<TimeWindow>(2))
      .apply((user: string, w: TimeWindow, xs: Iterable<Click>, out: Collector<string>) =>
        out.collect(`${user}[${w.getStart()},${w.getEnd()}):${[...xs].length}`),
      )
      .executeAndCollect(100);
    expect(early).toEqual(['a[0,150):2', 'a[500,620):2']);
  });
});

describe('windows in worker threads', () => {
  it('a parallelism-2 job computes keyed windows in both subtasks, and windowAll in one', async () => {
    for (const variant of ['tumbling', 'session', 'all'] as const) {
      const rows = (await runJobModule(fixture('windows'), { args: [variant, '2'] })) as WindowRow[];
      expect(byWindow(withoutSubtask(rows))).toEqual(byWindow(expectedRows(variant)));
      const subtasks = new Set(rows.map((r) => r.subtask));
      if (variant === 'all') expect(subtasks).toEqual(new Set([0]));
      else expect(subtasks).toEqual(new Set([0, 1]));
    }
  });
});
