// InternalWindowFunction: the one shape window operators call, adapting ProcessWindowFunction, WindowFunction, their
// All variants, pass-through and evaluation of reduce/aggregate over kept elements (Flink's Internal*WindowFunction).

import type { Configuration } from '../../config/configuration.ts';
import type { AggregateFunction } from '../../state/aggregate-function.ts';
import { isRichFunction, type Collector, type RichFunction, type RuntimeContext } from '../functions.ts';
import { toAllWindowFn, type AllWindowFunction } from '../windowing/all-window-function.ts';
import type { ProcessAllWindowFunction } from '../windowing/process-all-window-function.ts';
import type { ProcessWindowContext, ProcessWindowFunction } from '../windowing/process-window-function.ts';
import { toWindowFn, type WindowFunction } from '../windowing/window-function.ts';
import type { Window } from '../windowing/window.ts';

/**
 * What the window operators evaluate a firing window with. `input` is the window's contents as the operator keeps
 * them: an iterable of elements, or the single pre-aggregated value after `reduce`/`aggregate`. Open, close and
 * the runtime context reach the wrapped user function when it is a Rich function.
 */
export interface InternalWindowFunction<IN, OUT, K, W extends Window> extends RichFunction {
  process(key: K, window: W, context: ProcessWindowContext<W>, input: IN, out: Collector<OUT>): void;
  /** The window is being removed: the wrapped ProcessWindowFunction's `clear`. */
  clear(window: W, context: ProcessWindowContext<W>): void;
  /** Whether `clear` does anything (operators skip preparing its context otherwise). */
  readonly clears: boolean;
}

type Body<IN, OUT, K, W extends Window> = (key: K, window: W, context: ProcessWindowContext<W>, input: IN, out: Collector<OUT>) => void;

/** Wraps a user function: evaluation through `body`, life cycle and `clear` delegated to it. */
class DelegatingWindowFunction<IN, OUT, K, W extends Window> implements InternalWindowFunction<IN, OUT, K, W> {
  readonly clears: boolean;

  constructor(
    private readonly wrapped: unknown,
    private readonly body: Body<IN, OUT, K, W>,
    private readonly onClear: ((context: ProcessWindowContext<W>) => void) | undefined = undefined,
  ) {
    this.clears = onClear !== undefined;
  }

  process(key: K, window: W, context: ProcessWindowContext<W>, input: IN, out: Collector<OUT>): void {
    this.body(key, window, context, input, out);
  }

  clear(_window: W, context: ProcessWindowContext<W>): void {
    this.onClear?.(context);
  }

  setRuntimeContext(context: RuntimeContext): void {
    if (isRichFunction(this.wrapped)) this.wrapped.setRuntimeContext(context);
  }

  getRuntimeContext(): RuntimeContext {
    if (isRichFunction(this.wrapped)) return this.wrapped.getRuntimeContext();
    throw new Error('the window function is not a Rich function: it has no runtime context');
  }

  open(parameters: Configuration): void | Promise<void> {
    if (isRichFunction(this.wrapped)) return this.wrapped.open(parameters);
  }

  close(): void | Promise<void> {
    if (isRichFunction(this.wrapped)) return this.wrapped.close();
  }
}

/** The single pre-aggregated value as the one-element iterable window functions take. */
function one<T>(value: T): T[] {
  return [value];
}

/** A ProcessWindowFunction over all elements of the window. */
export function processWindowFunction<IN, OUT, K, W extends Window>(
  fn: ProcessWindowFunction<IN, OUT, K, W>,
): InternalWindowFunction<Iterable<IN>, OUT, K, W> {
  return new DelegatingWindowFunction(fn, (key, _w, ctx, input, out) => fn.process(key, ctx, input, out), (ctx) => fn.clear(ctx));
}

/** A ProcessWindowFunction over the pre-aggregated value (`reduce(fn, processFn)`, `aggregate(fn, processFn)`). */
export function singleValueProcessWindowFunction<IN, OUT, K, W extends Window>(
  fn: ProcessWindowFunction<IN, OUT, K, W>,
): InternalWindowFunction<IN, OUT, K, W> {
  return new DelegatingWindowFunction(fn, (key, _w, ctx, input, out) => fn.process(key, ctx, one(input), out), (ctx) => fn.clear(ctx));
}

/** A WindowFunction over all elements of the window. */
export function iterableWindowFunction<IN, OUT, K, W extends Window>(
  fn: WindowFunction<IN, OUT, K, W>,
): InternalWindowFunction<Iterable<IN>, OUT, K, W> {
  const apply = toWindowFn(fn);
  return new DelegatingWindowFunction(fn, (key, window, _ctx, input, out) => apply(key, window, input, out));
}

/** A WindowFunction over the pre-aggregated value. */
export function singleValueWindowFunction<IN, OUT, K, W extends Window>(
  fn: WindowFunction<IN, OUT, K, W>,
): InternalWindowFunction<IN, OUT, K, W> {
  const apply = toWindowFn(fn);
  return new DelegatingWindowFunction(fn, (key, window, _ctx, input, out) => apply(key, window, one(input), out));
}

/** A ProcessAllWindowFunction over all elements of the window (the key is the constant of windowAll). */
export function processAllWindowFunction<IN, OUT, W extends Window>(
  fn: ProcessAllWindowFunction<IN, OUT, W>,
): InternalWindowFunction<Iterable<IN>, OUT, unknown, W> {
  return new DelegatingWindowFunction(fn, (_key, _w, ctx, input, out) => fn.process(ctx, input, out), (ctx) => fn.clear(ctx));
}

export function singleValueProcessAllWindowFunction<IN, OUT, W extends Window>(
  fn: ProcessAllWindowFunction<IN, OUT, W>,
): InternalWindowFunction<IN, OUT, unknown, W> {
  return new DelegatingWindowFunction(fn, (_key, _w, ctx, input, out) => fn.process(ctx, one(input), out), (ctx) => fn.clear(ctx));
}

export function iterableAllWindowFunction<IN, OUT, W extends Window>(
  fn: AllWindowFunction<IN, OUT, W>,
): InternalWindowFunction<Iterable<IN>, OUT, unknown, W> {
  const apply = toAllWindowFn(fn);
  return new DelegatingWindowFunction(fn, (_key, window, _ctx, input, out) => apply(window, input, out));
}

export function singleValueAllWindowFunction<IN, OUT, W extends Window>(
  fn: AllWindowFunction<IN, OUT, W>,
): InternalWindowFunction<IN, OUT, unknown, W> {
  const apply = toAllWindowFn(fn);
  return new DelegatingWindowFunction(fn, (_key, window, _ctx, input, out) => apply(window, one(input), out));
}

/** Emits the pre-aggregated value as it is (`reduce(fn)`, `aggregate(fn)`: Flink's PassThroughWindowFunction). */
export function passThroughWindowFunction<T, K, W extends Window>(): InternalWindowFunction<T, T, K, W> {
  return new DelegatingWindowFunction<T, T, K, W>(undefined, (_key, _w, _ctx, input, out) => out.collect(input));
}

/**
 * Reduces the kept elements of a window, then hands the result to `inner` (reduce with an evictor: Flink's
 * ReduceApplyWindowFunction). An empty window emits nothing.
 */
export function reduceThen<T, OUT, K, W extends Window>(
  reduce: (a: T, b: T) => T,
  inner: InternalWindowFunction<T, OUT, K, W>,
): InternalWindowFunction<Iterable<T>, OUT, K, W> {
  return new DelegatingWindowFunction(
    inner,
    (key, window, ctx, input, out) => {
      let acc: T | undefined;
      let any = false;
      for (const v of input) {
        acc = any ? reduce(acc as T, v) : v;
        any = true;
      }
      if (any) inner.process(key, window, ctx, acc as T, out);
    },
    inner.clears ? (ctx) => inner.clear(ctx.window(), ctx) : undefined,
  );
}

/** Aggregates the kept elements of a window, then hands the result to `inner` (aggregate with an evictor). */
export function aggregateThen<T, ACC, V, OUT, K, W extends Window>(
  fn: AggregateFunction<T, ACC, V>,
  inner: InternalWindowFunction<V, OUT, K, W>,
): InternalWindowFunction<Iterable<T>, OUT, K, W> {
  return new DelegatingWindowFunction(
    inner,
    (key, window, ctx, input, out) => {
      let acc = fn.createAccumulator();
      for (const v of input) acc = fn.add(v, acc);
      inner.process(key, window, ctx, fn.getResult(acc), out);
    },
    inner.clears ? (ctx) => inner.clear(ctx.window(), ctx) : undefined,
  );
}
