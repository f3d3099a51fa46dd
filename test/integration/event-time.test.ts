// Event time end to end: assignTimestampsAndWatermarks with keyed event-time timers, idle source subtasks in
// worker threads, and a task's watermark as the minimum over its input channels.
import { describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  KeyedProcessFunction,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  runJobModule,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from 'sluice';
import type { Row } from '../fixtures/jobs/idle-source.ts';

const fixture = (name: string): string => new URL(`../fixtures/jobs/${name}.ts`, import.meta.url).href;
const MAX = Number.POSITIVE_INFINITY;

interface Event {
  key: number;
  at: number;
  source: string;
}

interface Fired {
  source: string;
  key: number;
  ts: number;
  /** The watermark that fired the timer. */
  wm: number;
}

/** Registers an event-time timer at each event's timestamp; reports late events (at or before the watermark). */
class TimerPerEvent extends KeyedProcessFunction<number, Event, Fired | string> {
  processElement(e: Event, ctx: KeyedProcessContext<number>, out: Collector<Fired | string>): void {
    if (e.at <= ctx.timerService().currentWatermark()) out.collect(`late ${e.at}`);
    ctx.timerService().registerEventTimeTimer(e.at);
  }
  override onTimer(ts: number, ctx: KeyedOnTimerContext<number>, out: Collector<Fired | string>): void {
    const source = ts >= 1_000_000 ? 'ahead' : 'behind';
    out.collect({ source, key: ctx.getCurrentKey(), ts, wm: ctx.timerService().currentWatermark() });
  }
}

/** Event i, in blocks of four emitted backwards: 30, 20, 10, 0, 70, 60, 50, 40, ... (at most 30 ms out of order). */
const shuffled = (i: number): Event => ({ key: i % 3, at: (i - (i % 4) + 3 - (i % 4)) * 10, source: 'behind' });

describe('event time', () => {
  it('assignTimestampsAndWatermarks drives keyed event-time timers in order, the rest fire at the end of input', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.getConfig().setAutoWatermarkInterval(10);
    const events = 120;
    const rows = await env
      .fromSource(new DataGeneratorSource(shuffled, events, RateLimiterStrategy.perSecond(400)), WatermarkStrategy.noWatermarks(), 'events')
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Event>(30).withTimestampAssigner((e) => e.at))
      .keyBy((e) => e.key)
      .process(new TimerPerEvent())
      .executeAndCollect(10_000);

    // Out of order within the bound: nothing is late.
    expect(rows.filter((r) => typeof r === 'string')).toEqual([]);
    const fired = rows as Fired[];
    // Every timer fires exactly once, in timestamp order, and only once the watermark has passed it.
    expect(fired.map((f) => f.ts)).toEqual(Array.from({ length: events }, (_, i) => i * 10));
    for (const f of fired) expect(f.wm).toBeGreaterThanOrEqual(f.ts);
    // Periodic watermarks (max - 30 - 1) fired some while the source ran; the end of input fired the rest.
    const progressive = fired.filter((f) => f.wm < MAX);
    const atEnd = fired.filter((f) => f.wm === MAX);
    expect(progressive.length).toBeGreaterThan(0);
    // The last block (1160..1190) is never below a periodic watermark: at most 1190 - 31.
    expect(atEnd.map((f) => f.ts)).toEqual(expect.arrayContaining([1160, 1170, 1180, 1190]));
    expect(progressive.length + atEnd.length).toBe(events);
  });

  it('the watermark of a task is the minimum over its input channels', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.getConfig().setAutoWatermarkInterval(10);
    const strategy = WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.at);
    // Two unbounded sources, event time a million ms apart, into one keyed task (two input channels).
    const behind = env.fromSource(
      new DataGeneratorSource((i): Event => ({ key: 0, at: i * 10, source: 'behind' }), Infinity, RateLimiterStrategy.perSecond(500)),
      strategy,
      'behind',
    );
    const ahead = env.fromSource(
      new DataGeneratorSource((i): Event => ({ key: 0, at: 1_000_000 + i * 10, source: 'ahead' }), Infinity, RateLimiterStrategy.perSecond(500)),
      strategy,
      'ahead',
    );
    const rows = await behind
      .union(ahead)
      .keyBy((e) => e.key)
      .process(new TimerPerEvent())
      .executeAndCollect(10);

    const fired = rows as Fired[];
    // The source ahead would have fired its own timers long ago; the one behind holds the watermark back.
    expect(fired.map((f) => f.source)).toEqual(Array(10).fill('behind'));
    expect(fired.map((f) => f.ts)).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    for (const f of fired) expect(f.wm).toBeLessThan(1_000_000);
  });

  it('an idle source subtask holds back event time without withIdleness and not with it (worker threads)', async () => {
    const { rows, timedOut } = (await runJobModule(fixture('idle-source'), { args: ['4000'] })) as {
      rows: Row[];
      timedOut: boolean;
    };
    const of = (branch: string, kind: Row['kind']) =>
      rows.filter((r) => r.branch === branch && r.kind === kind).map((r) => r.ts).sort((a, b) => a - b);
    // Both branches read the same readings ...
    const readings = Array.from({ length: 10 }, (_, i) => (i + 1) * 10);
    expect(of('idleness', 'seen')).toEqual(readings);
    expect(of('plain', 'seen')).toEqual(readings);
    // ... but only with idleness does the silent subtask stop holding back the watermark (99: timers 10..90).
    expect(of('idleness', 'fired')).toEqual(readings.slice(0, 9));
    for (const r of rows.filter((x) => x.kind === 'fired')) expect(r.wm).toBe(99);
    expect(of('plain', 'fired')).toEqual([]);
    expect(timedOut, 'the job should have delivered every row it waits for within 4 s').toBe(false);
  });
});
