// User function types (Flink's names): plain functions or objects with the Flink method, plus Rich variants.

import type { Configuration } from '../config/configuration.ts';
import type { Logger } from '../core/logger.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { AggregatingStateDescriptor } from '../state/aggregating-state-descriptor.ts';
import type { ListStateDescriptor } from '../state/list-state-descriptor.ts';
import type { MapStateDescriptor } from '../state/map-state-descriptor.ts';
import type { ReducingStateDescriptor } from '../state/reducing-state-descriptor.ts';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/state.ts';
import type { ValueStateDescriptor } from '../state/value-state-descriptor.ts';

/** Flink's Collector: where flatMap and process functions emit their output. */
export interface Collector<T> {
  collect(record: T): void;
}

export type MapFunction<IN, OUT> = ((value: IN) => OUT) | { map(value: IN): OUT };
export type FilterFunction<T> = ((value: T) => boolean) | { filter(value: T): boolean };
export type FlatMapFunction<IN, OUT> =
  | ((value: IN, out: Collector<OUT>) => void)
  | { flatMap(value: IN, out: Collector<OUT>): void };
export type ReduceFunction<T> = ((a: T, b: T) => T) | { reduce(a: T, b: T): T };
export type KeySelector<T, K> = ((value: T) => K) | { getKey(value: T): K };

/** Flink's Partitioner for `partitionCustom`: which of `numPartitions` channels a key goes to. */
export type Partitioner<K> = ((key: K, numPartitions: number) => number) | { partition(key: K, numPartitions: number): number };

/** What a running function may ask of the runtime about itself. */
export interface RuntimeContext {
  getJobId(): string;
  getTaskName(): string;
  getTaskNameWithSubtasks(): string;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
  getMaxNumberOfParallelSubtasks(): number;
  getAttemptNumber(): number;
  getLogger(): Logger;
  /** This operator's metric group: `getMetricGroup().addGroup('MyMetrics').counter('myCounter')`. */
  getMetricGroup(): MetricGroup;
  /**
   * Keyed state, scoped to the key of the record being processed (only on a keyed stream; get the state object
   * once, in `open`, and use it for every record).
   */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** A function with a life cycle: `open` before the first record, `close` after the last. */
export interface RichFunction {
  open(parameters: Configuration): void | Promise<void>;
  close(): void | Promise<void>;
  setRuntimeContext(context: RuntimeContext): void;
  getRuntimeContext(): RuntimeContext;
}

/** Base of every Rich function: holds the runtime context the task hands it before `open`. */
export abstract class AbstractRichFunction implements RichFunction {
  // Not a #private field: per-subtask copies of a function (see perSubtaskInstances) must carry it.
  private runtimeContext: RuntimeContext | undefined;

  open(_parameters: Configuration): void | Promise<void> {}
  close(): void | Promise<void> {}

  setRuntimeContext(context: RuntimeContext): void {
    this.runtimeContext = context;
  }

  getRuntimeContext(): RuntimeContext {
    if (this.runtimeContext === undefined) {
      throw new Error('getRuntimeContext() is only available once the function runs in a task (in open() or later)');
    }
    return this.runtimeContext;
  }
}

/**
 * A map function with a life cycle and a runtime context.
 *
 * @example
 * class Tag extends RichMapFunction<string, string> {
 *   map(value: string) { return `${this.getRuntimeContext().getIndexOfThisSubtask()}:${value}`; }
 * }
 */
export abstract class RichMapFunction<IN, OUT> extends AbstractRichFunction {
  abstract map(value: IN): OUT;
}

export abstract class RichFilterFunction<T> extends AbstractRichFunction {
  abstract filter(value: T): boolean;
}

export abstract class RichFlatMapFunction<IN, OUT> extends AbstractRichFunction {
  abstract flatMap(value: IN, out: Collector<OUT>): void;
}

export abstract class RichReduceFunction<T> extends AbstractRichFunction {
  abstract reduce(a: T, b: T): T;
}

export function isRichFunction(fn: unknown): fn is RichFunction {
  return (
    typeof fn === 'object' &&
    fn !== null &&
    typeof (fn as RichFunction).setRuntimeContext === 'function' &&
    typeof (fn as RichFunction).open === 'function'
  );
}

/** The subtask whose operators are being created (set by the runtime around operator factories), or -1. */
let ambientSubtaskIndex = -1;

/** Runs `create` (an operator factory) for subtask `index`: function instances are then picked per subtask. */
export function withSubtaskIndex<T>(index: number, create: () => T): T {
  const previous = ambientSubtaskIndex;
  ambientSubtaskIndex = index;
  try {
    return create();
  } finally {
    ambientSubtaskIndex = previous;
  }
}

/**
 * Instances of a function object for the subtasks of one operator in one thread, as Flink gets one per subtask
 * by deserialising the function: the first subtask gets the object itself, every further one a copy (own fields
 * copied shallowly, methods shared). A subtask deployed again (after a restart) gets its instance back, fields as
 * the failure left them — keep what must survive in state. Worker threads replay the job module once per subtask
 * index, so there every subtask gets an original object and classes with `#private` fields always work; in-process
 * (`execution.runtime: local`) further subtasks get copies, which cannot carry `#private` fields (the task's error
 * then says so). Plain functions are shared as they are.
 */
export function perSubtaskInstances<F>(fn: F): () => F {
  const bySubtask = new Map<number, F>();
  let originalUsed = false;
  return () => {
    if (typeof fn !== 'object' || fn === null) return fn;
    const subtask = ambientSubtaskIndex;
    const known = bySubtask.get(subtask);
    if (known !== undefined) return known;
    let instance: F;
    if (!originalUsed) {
      originalUsed = true;
      instance = fn;
    } else {
      instance = Object.create(Object.getPrototypeOf(fn) as object) as F;
      Object.assign(instance as object, fn);
    }
    if (subtask >= 0) bySubtask.set(subtask, instance);
    return instance;
  };
}

export function toMapper<IN, OUT>(fn: MapFunction<IN, OUT>): (value: IN) => OUT {
  return typeof fn === 'function' ? fn : (value) => fn.map(value);
}

export function toPredicate<T>(fn: FilterFunction<T>): (value: T) => boolean {
  return typeof fn === 'function' ? fn : (value) => fn.filter(value);
}

export function toFlatMapper<IN, OUT>(fn: FlatMapFunction<IN, OUT>): (value: IN, out: Collector<OUT>) => void {
  return typeof fn === 'function' ? fn : (value, out) => fn.flatMap(value, out);
}

export function toReducer<T>(fn: ReduceFunction<T>): (a: T, b: T) => T {
  return typeof fn === 'function' ? fn : (a, b) => fn.reduce(a, b);
}

export function toKeyExtractor<T, K>(fn: KeySelector<T, K>): (value: T) => K {
  return typeof fn === 'function' ? fn : (value) => fn.getKey(value);
}

export function toPartitionFn<K>(fn: Partitioner<K>): (key: K, numPartitions: number) => number {
  return typeof fn === 'function' ? fn : (key, n) => fn.partition(key, n);
}
