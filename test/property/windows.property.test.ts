// Property tests of windows built through the API (keyBy().window()...): for random keyed streams whose disorder
// stays within the watermark's out-of-orderness bound, tumbling, sliding and session results equal a direct
// computation; and with arbitrary disorder, late data and lateness, pane sharing equals WindowOperator.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.ts';
import type { Collector } from '../../src/api/functions.ts';
import type { OneInputStreamOperator } from '../../src/api/operators/stream-operator.ts';
import type { SingleOutputStreamOperator } from '../../src/api/data-stream.ts';
import type { OneInputTransformation } from '../../src/api/transformation.ts';
import { EventTimeSessionWindows } from '../../src/api/windowing/event-time-session-windows.ts';
import { EventTimeTrigger } from '../../src/api/windowing/event-time-trigger.ts';
import { PurgingTrigger } from '../../src/api/windowing/purging-trigger.ts';
import { SlidingEventTimeWindows } from '../../src/api/windowing/sliding-event-time-windows.ts';
import type { TimeWindow } from '../../src/api/windowing/time-window.ts';
import { TumblingEventTimeWindows } from '../../src/api/windowing/tumbling-event-time-windows.ts';
import type { WindowedStream } from '../../src/api/windowed-stream.ts';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/testing/operator-test-harness.ts';
import { runWindowCase, valuesOf, type Op, type WindowCase } from '../unit/windowing/slicing-equivalence.ts';
import type { Rec } from '../unit/windowing/window-test-utils.ts';

/** Every random input is seeded: override with SLUICE_FC_SEED to replay a reported failure. */
const SEED = Number(process.env['SLUICE_FC_SEED'] ?? 20_240_611);
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });
console.info(`windows properties: fast-check seed ${SEED} (set SLUICE_FC_SEED to change)`);

type Kind = 'tumbling' | 'sliding' | 'session';

interface Scenario {
  readonly kind: Kind;
  readonly size: number;
  readonly slide: number;
  /** Out-of-orderness bound of the watermarks. */
  readonly bound: number;
  /** Events in arrival order. */
  readonly events: Rec[];
  /** Which function runs the window: pane-shared aggregate, general aggregate (custom trigger), or process. */
  readonly fn: 'aggregate' | 'aggregate-general' | 'process';
}

/**
 * Arrival order with disorder at most `bound`: event i has timestamp base_i - d_i with base non-decreasing and
 * 0 <= d_i <= bound, so it is never below (max seen before it) - bound. Timestamps are even and session gaps odd:
 * an event never lands exactly on the end of a session the watermark has just closed.
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    kind: fc.constantFrom<Kind>('tumbling', 'sliding', 'session'),
    size: fc.integer({ min: 2, max: 40 }).map((n) => n * 25),
    slideDivisor: fc.integer({ min: 1, max: 6 }),
    bound: fc.integer({ min: 0, max: 300 }),
    fn: fc.constantFrom<Scenario['fn']>('aggregate', 'aggregate-general', 'process'),
    steps: fc.array(
      fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), step: fc.integer({ min: 0, max: 60 }), jitter: fc.double({ min: 0, max: 1, noNaN: true }) }),
      { minLength: 1, maxLength: 120 },
    ),
  })
  .map(({ kind, size, slideDivisor, bound, fn, steps }) => {
    let base = 0;
    const events = steps.map(({ key, step, jitter }, i) => {
      base += 2 * step;
      const ts = base - 2 * Math.floor((jitter * bound) / 2);
      return { key, ts, v: i };
    });
    const slide = kind === 'sliding' ? Math.max(1, Math.floor(size / slideDivisor)) : size;
    // Session gaps are odd; window sizes whatever they are.
    return { kind, size: kind === 'session' ? size + 1 : size, slide, bound, events, fn };
  });

/** What the window operator must emit: `key|start|end|sorted values` per (key, window) with any events. */
function reference(s: Scenario): string[] {
  const out: string[] = [];
  const line = (key: string, start: number, end: number, values: number[]): string =>
    `${key}|${start}|${end}|${[...values].sort((a, b) => a - b).join(',')}`;
  if (s.kind === 'session') {
    for (const key of new Set(s.events.map((e) => e.key))) {
      const mine = s.events.filter((e) => e.key === key).sort((a, b) => a.ts - b.ts);
      let start = mine[0]!.ts;
      let end = start + s.size;
      let values: number[] = [];
      for (const e of mine) {
        if (e.ts > end) {
          out.push(line(key, start, end, values));
          start = e.ts;
          values = [];
        }
        end = Math.max(end, e.ts + s.size);
        values.push(e.v);
      }
      out.push(line(key, start, end, values));
    }
    return out.sort();
  }
  const windows = new Map<string, { key: string; start: number; values: number[] }>();
  for (const e of s.events) {
    const lastStart = e.ts - (((e.ts % s.slide) + s.slide) % s.slide);
    for (let start = lastStart; start > e.ts - s.size; start -= s.slide) {
      const id = `${e.key}|${start}`;
      const w = windows.get(id) ?? { key: e.key, start, values: [] };
      w.values.push(e.v);
      windows.set(id, w);
    }
  }
  for (const w of windows.values()) out.push(line(w.key, w.start, w.start + s.size, w.values));
  return out.sort();
}

/** The window operator the API builds for the scenario, driven by a harness with watermarks max - bound - 1. */
async function run(s: Scenario): Promise<{ lines: string[]; timestampsOk: boolean; kind: string }> {
  const env = new StreamExecutionEnvironment();
  const keyed = env.fromElements<Rec>().keyBy((e) => e.key);
  const windowed: WindowedStream<Rec, string, TimeWindow> =
    s.kind === 'tumbling'
      ? keyed.window(TumblingEventTimeWindows.of(s.size))
      : s.kind === 'sliding'
        ? keyed.window(SlidingEventTimeWindows.of(s.size, s.slide))
        : keyed.window(EventTimeSessionWindows.withGap(s.size));
  const label = (key: string, w: TimeWindow, values: Iterable<string>, out: Collector<string>): void => {
    for (const v of values) out.collect(`${key}|${w.getStart()}|${w.getEnd()}|${v}`);
  };
  let stream: SingleOutputStreamOperator<string>;
  if (s.fn === 'process') {
    stream = windowed.apply((key: string, w: TimeWindow, xs: Iterable<Rec>, out: Collector<string>) =>
      label(key, w, [[...xs].map((e) => e.v).sort((a, b) => a - b).join(',')], out),
    );
  } else {
    if (s.fn === 'aggregate-general') windowed.trigger(PurgingTrigger.of(EventTimeTrigger.create()));
    stream = windowed.aggregate(valuesOf, label);
  }
  const transformation = stream.transformation as OneInputTransformation<Rec, string>;
  const operator = transformation.operatorFactory() as unknown as OneInputStreamOperator<Rec, string>;
  const h = new KeyedOneInputStreamOperatorTestHarness<Rec, string, string>(operator, (e) => e.key);
  await h.open();
  let max = Number.NEGATIVE_INFINITY;
  for (const e of s.events) {
    h.processElement(e, e.ts);
    max = Math.max(max, e.ts);
    h.processWatermark(max - s.bound - 1);
  }
  h.processWatermark(Number.POSITIVE_INFINITY);
  const records = h.extractOutputRecords();
  const timestampsOk = records.every((r) => r.timestamp === Number(r.value.split('|')[2]) - 1);
  const kind = operator.constructor.name;
  await h.close();
  return { lines: records.map((r) => r.value).sort(), timestampsOk, kind };
}

describe('windows properties', () => {
  it('tumbling, sliding and session windows equal a direct computation when nothing is late', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { lines, timestampsOk, kind } = await run(s);
        expect(lines).toEqual(reference(s));
        expect(timestampsOk).toBe(true);
        const shared = s.kind !== 'session' && s.fn === 'aggregate' && s.size / gcd(s.size, s.slide) <= 1_000;
        expect(kind).toBe(shared ? 'SlicingWindowOperator' : 'WindowOperator');
      }),
      params(300),
    );
  });

  it('with late data and allowed lateness, pane sharing emits, drops and cleans up as WindowOperator does', async () => {
    const windowCase: fc.Arbitrary<WindowCase> = fc.record({
      size: fc.integer({ min: 1, max: 20 }).map((n) => n * 50),
      slide: fc.option(fc.integer({ min: 1, max: 12 }).map((n) => n * 50), { nil: undefined }),
      offset: fc.integer({ min: -40, max: 40 }),
      allowedLateness: fc.constantFrom(0, 0, 100, 450, 1_000),
      lateTag: fc.boolean(),
      fn: fc.constantFrom<WindowCase['fn']>('aggregate', 'sum', 'process'),
    }).map((c) => ({ ...c, offset: c.offset % Math.min(c.size, c.slide ?? c.size) }));
    const ops: fc.Arbitrary<Op[]> = fc
      .array(
        fc.oneof(
          { weight: 8, arbitrary: fc.record({ key: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: -500, max: 5_000 }) }) },
          { weight: 2, arbitrary: fc.integer({ min: -600, max: 5_200 }) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((p) => ({ restore: p })) },
        ),
        { maxLength: 150 },
      )
      .map((items) => {
        const out: Op[] = items.map((item, i): Op => {
          if (typeof item === 'number') return { kind: 'watermark', wm: item };
          if ('restore' in item) return { kind: 'restore', parallelism: item.restore };
          return { kind: 'record', rec: { key: item.key, ts: item.ts, v: i } };
        });
        out.push({ kind: 'watermark', wm: Number.POSITIVE_INFINITY });
        return out;
      });
    await fc.assert(
      fc.asyncProperty(windowCase, ops, async (c, o) => {
        const general = await runWindowCase(c, o, false);
        const sliced = await runWindowCase(c, o, true);
        expect(sliced).toEqual(general);
        expect(general.stateEntries).toBe(0);
        expect(general.timers).toBe(0);
      }),
      params(200),
    );
  });
});

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
