// Runs one stream of records and watermarks through SlicingWindowOperator and through WindowOperator (same
// assigner, EventTimeTrigger, aggregate function, lateness, late tag, ProcessWindowFunction) and returns what each
// emitted, for tests that both must agree.

import {
  passThroughWindowFunction,
  singleValueProcessWindowFunction,
  type InternalWindowFunction,
} from '../../../src/api/operators/internal-window-function.ts';
import { aggregateSlices, reduceSlices, SlicingWindowOperator } from '../../../src/api/operators/slicing-window-operator.ts';
import type { OneInputStreamOperator, OperatorSnapshot } from '../../../src/api/operators/stream-operator.ts';
import { WindowOperator } from '../../../src/api/operators/window-operator.ts';
import { OutputTag } from '../../../src/api/output-tag.ts';
import type { Collector } from '../../../src/api/functions.ts';
import { EventTimeTrigger } from '../../../src/api/windowing/event-time-trigger.ts';
import { ProcessWindowFunction, type ProcessWindowContext } from '../../../src/api/windowing/process-window-function.ts';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.ts';
import type { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.ts';
import type { AggregateFunction } from '../../../src/state/aggregate-function.ts';
import { AggregatingStateDescriptor } from '../../../src/state/aggregating-state-descriptor.ts';
import { ReducingStateDescriptor } from '../../../src/state/reducing-state-descriptor.ts';
import { assignToKeyGroup } from '../../../src/state/key-group.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';
import { repartitionSnapshots } from '../../../src/testing/operator-test-harness.ts';
import { harness, type Rec } from './window-test-utils.ts';

export type Op = { kind: 'record'; rec: Rec } | { kind: 'watermark'; wm: number } | { kind: 'restore'; parallelism: number };

export interface WindowCase {
  readonly size: number;
  /** Omitted: tumbling. */
  readonly slide?: number;
  readonly offset?: number;
  readonly allowedLateness: number;
  readonly lateTag: boolean;
  /** 'aggregate' (values multiset), 'sum' (reduce), or 'process' (aggregate + ProcessWindowFunction with window state). */
  readonly fn: 'aggregate' | 'sum' | 'process';
}

/** Collects the values of a window (sorted): misses and double counts show. `merge` leaves `b` alone. */
export const valuesOf: AggregateFunction<Rec, number[], string> = {
  createAccumulator: () => [],
  add: (r, acc) => {
    acc.push(r.v);
    return acc;
  },
  getResult: (acc) => [...acc].sort((a, b) => a - b).join(','),
  merge: (a, b) => {
    for (const v of b) a.push(v);
    return a;
  },
};

const sumV = (a: Rec, b: Rec): Rec => ({ key: a.key, ts: 0, v: a.v + b.v });

/** Counts its firings per window in window state and per key in global state; logs clear() calls. */
class Labelled extends ProcessWindowFunction<string, string, string, TimeWindow> {
  static readonly firings = new ValueStateDescriptor<number>('firings', 0);
  constructor(readonly cleared: string[]) {
    super();
  }
  process(key: string, ctx: ProcessWindowContext<TimeWindow>, values: Iterable<string>, out: Collector<string>): void {
    const f = ctx.windowState().getState(Labelled.firings);
    f.update(f.value()! + 1);
    out.collect(`${key}[${ctx.window().getStart()},${ctx.window().getEnd()}) #${f.value()} ${[...values].join('|')}`);
  }
  override clear(ctx: ProcessWindowContext<TimeWindow>): void {
    this.cleared.push(`${String(ctx.window())}:${ctx.windowState().getState(Labelled.firings).value()}`);
  }
}

export const LATE = new OutputTag<Rec>('late');

export interface Emitted {
  /** `value@timestamp` per window result, sorted. */
  readonly results: string[];
  /** Late records sent to the side output, sorted. */
  readonly late: string[];
  readonly dropped: number;
  readonly cleared: string[];
  /** Keyed state entries and timers left after the last op. */
  readonly stateEntries: number;
  readonly timers: number;
}

type AnyOp = OneInputStreamOperator<Rec, unknown> & { readonly numLateRecordsDropped: { getCount(): number } };

function makeOperator(c: WindowCase, slicing: boolean, cleared: string[]): AnyOp {
  const assigner = c.slide === undefined ? TumblingEventTimeWindows.of(c.size, c.offset ?? 0) : SlidingEventTimeWindows.of(c.size, c.slide, c.offset ?? 0);
  const lateDataOutputTag = c.lateTag ? LATE : undefined;
  const settings = { allowedLateness: c.allowedLateness, lateDataOutputTag };
  if (c.fn === 'sum') {
    const windowFunction = passThroughWindowFunction<Rec, string, TimeWindow>();
    if (slicing) return new SlicingWindowOperator({ assigner, slices: reduceSlices(sumV), windowFunction, ...settings }) as unknown as AnyOp;
    return new WindowOperator<string, Rec, Rec, Rec, TimeWindow>({
      assigner,
      trigger: EventTimeTrigger.create(),
      windowStateDescriptor: new ReducingStateDescriptor<Rec>('window-contents', sumV),
      windowFunction,
      ...settings,
    }) as unknown as AnyOp;
  }
  const windowFunction: InternalWindowFunction<string, string, string, TimeWindow> =
    c.fn === 'process' ? singleValueProcessWindowFunction(new Labelled(cleared)) : passThroughWindowFunction<string, string, TimeWindow>();
  if (slicing) return new SlicingWindowOperator({ assigner, slices: aggregateSlices(valuesOf), windowFunction, ...settings }) as unknown as AnyOp;
  return new WindowOperator<string, Rec, string, string, TimeWindow>({
    assigner,
    trigger: EventTimeTrigger.create(),
    windowStateDescriptor: new AggregatingStateDescriptor<Rec, number[], string>('window-contents', valuesOf),
    windowFunction,
    ...settings,
  }) as unknown as AnyOp;
}

/**
 * Runs `ops` through the slicing (or general) operator. A `restore` op snapshots every running subtask and
 * restores the state into `parallelism` new subtasks (records then go to the subtask owning their key).
 */
export async function runWindowCase(c: WindowCase, ops: readonly Op[], slicing: boolean): Promise<Emitted> {
  const maxParallelism = 16;
  const cleared: string[] = [];
  const results: string[] = [];
  const late: string[] = [];
  let dropped = 0;
  const start = async (parallelism: number, restored: OperatorSnapshot[] | undefined) => {
    const subtasks = [];
    for (let i = 0; i < parallelism; i++) {
      const op = makeOperator(c, slicing, cleared);
      const h = harness(op, { maxParallelism, parallelism, subtaskIndex: i });
      if (restored !== undefined) h.initializeState(repartitionSnapshots(restored, parallelism, i));
      await h.open();
      subtasks.push({ h, op });
    }
    return subtasks;
  };
  let subtasks = await start(1, undefined);
  let watermark = Number.NEGATIVE_INFINITY;
  const drain = (): void => {
    for (const { h } of subtasks) {
      for (const r of h.extractOutputRecords()) results.push(`${JSON.stringify(r.value)}@${r.timestamp}`);
      for (const r of h.getSideOutput(LATE)) late.push(`${JSON.stringify(r.value)}@${r.timestamp}`);
      h.clearOutput();
    }
  };
  for (const op of ops) {
    if (op.kind === 'record') {
      const owner = subtasks.find(({ h }) => h.keyedStateBackend!.keyGroupRange.contains(assignToKeyGroup(op.rec.key, maxParallelism)))!;
      owner.h.processElement(op.rec, op.rec.ts);
    } else if (op.kind === 'watermark') {
      watermark = Math.max(watermark, op.wm);
      for (const { h } of subtasks) h.processWatermark(op.wm);
    } else {
      drain();
      const snapshots = await Promise.all(subtasks.map(({ h }) => h.snapshot()));
      for (const { op: o } of subtasks) dropped += o.numLateRecordsDropped.getCount();
      for (const { h } of subtasks) await h.close();
      subtasks = await start(op.parallelism, snapshots);
      // The watermark is not part of the state (as in Flink): resend the last one.
      if (watermark > Number.NEGATIVE_INFINITY) for (const { h } of subtasks) h.processWatermark(watermark);
    }
  }
  drain();
  for (const { op } of subtasks) dropped += op.numLateRecordsDropped.getCount();
  const stateEntries = subtasks.reduce((n, { h }) => n + h.numKeyedStateEntries(), 0);
  const timers = subtasks.reduce((n, { h }) => n + h.numEventTimeTimers(), 0);
  for (const { h } of subtasks) await h.close();
  return { results: results.sort(), late: late.sort(), dropped, cleared: cleared.sort(), stateEntries, timers };
}
