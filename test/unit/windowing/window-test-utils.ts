// Shared helpers of the window operator tests: a keyed record type, harnesses and operators built as the API builds them.

import type { OneInputStreamOperator } from '../../../src/api/operators/stream-operator.ts';
import {
  iterableWindowFunction,
  passThroughWindowFunction,
  type InternalWindowFunction,
} from '../../../src/api/operators/internal-window-function.ts';
import { WindowOperator } from '../../../src/api/operators/window-operator.ts';
import type { OutputTag } from '../../../src/api/output-tag.ts';
import type { Trigger } from '../../../src/api/windowing/trigger.ts';
import type { WindowAssigner } from '../../../src/api/windowing/window-assigner.ts';
import type { Window } from '../../../src/api/windowing/window.ts';
import { ListStateDescriptor } from '../../../src/state/list-state-descriptor.ts';
import { ReducingStateDescriptor } from '../../../src/state/reducing-state-descriptor.ts';
import { KeyedOneInputStreamOperatorTestHarness, type HarnessOptions } from '../../../src/testing/operator-test-harness.ts';

/** A keyed record with an event time and a value. */
export interface Rec {
  readonly key: string;
  readonly ts: number;
  readonly v: number;
}

export const rec = (key: string, ts: number, v = 1): Rec => ({ key, ts, v });

export function harness<OUT>(op: OneInputStreamOperator<Rec, OUT>, options?: HarnessOptions): KeyedOneInputStreamOperatorTestHarness<Rec, OUT, string> {
  return new KeyedOneInputStreamOperatorTestHarness<Rec, OUT, string>(op, (r) => r.key, options);
}

/** Pushes records with their own timestamps. */
export function push(h: KeyedOneInputStreamOperatorTestHarness<Rec, unknown, string>, ...records: Rec[]): void {
  for (const r of records) h.processElement(r, r.ts);
}

export const sumRecords = (a: Rec, b: Rec): Rec => ({ key: a.key, ts: Math.max(a.ts, b.ts), v: a.v + b.v });

export interface OperatorSettings<W extends Window> {
  readonly assigner: WindowAssigner<Rec, W>;
  readonly trigger?: Trigger<Rec, W>;
  readonly allowedLateness?: number;
  readonly lateDataOutputTag?: OutputTag<Rec>;
}

/** WindowOperator with a ReducingState of the sum of `v` per window, emitting `key:start-end=sum`-style records. */
export function reduceOperator<W extends Window>(s: OperatorSettings<W>): WindowOperator<string, Rec, Rec, Rec, W> {
  return new WindowOperator<string, Rec, Rec, Rec, W>({
    assigner: s.assigner,
    trigger: s.trigger ?? s.assigner.getDefaultTrigger(),
    windowStateDescriptor: new ReducingStateDescriptor<Rec>('window-contents', sumRecords),
    windowFunction: passThroughWindowFunction<Rec, string, W>(),
    allowedLateness: s.allowedLateness,
    lateDataOutputTag: s.lateDataOutputTag,
  });
}

/** Describes a window firing: `key@window:values`. */
export function describeWindow(key: string, window: Window, values: Iterable<Rec>): string {
  return `${key}@${String(window)}:${[...values].map((r) => r.v).join(',')}`;
}

/** WindowOperator keeping all elements (ListState), emitting `describeWindow` strings. */
export function listOperator<W extends Window>(
  s: OperatorSettings<W>,
  fn: InternalWindowFunction<Iterable<Rec>, string, string, W> = iterableWindowFunction<Rec, string, string, W>((key, w, xs, out) =>
    out.collect(describeWindow(key, w, xs)),
  ),
): WindowOperator<string, Rec, Iterable<Rec>, string, W> {
  return new WindowOperator<string, Rec, Iterable<Rec>, string, W>({
    assigner: s.assigner,
    trigger: s.trigger ?? s.assigner.getDefaultTrigger(),
    windowStateDescriptor: new ListStateDescriptor<Rec>('window-contents'),
    windowFunction: fn,
    allowedLateness: s.allowedLateness,
    lateDataOutputTag: s.lateDataOutputTag,
  });
}

/** Sorts records by timestamp, then by their JSON (emission order within one timestamp is unspecified). */
export function sortRecords<T>(records: { value: T; timestamp: number | undefined }[]): { value: T; timestamp: number | undefined }[] {
  return [...records].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || JSON.stringify(a.value).localeCompare(JSON.stringify(b.value)));
}
