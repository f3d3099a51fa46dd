// ProcessAllWindowFunction: evaluates a window of a non-keyed stream (windowAll) with its context.

import { AbstractRichFunction, type Collector } from '../functions.ts';
import type { OutputTag } from '../output-tag.ts';
import type { WindowStateStore } from './window-function-context.ts';
import type { Window } from './window.ts';

/** What `process` and `clear` may ask about the window being evaluated (no key: the stream is not keyed). */
export interface ProcessAllWindowContext<W extends Window> {
  window(): W;
  /** State scoped to this window; removed with the window, after `clear(context)`. */
  windowState(): WindowStateStore;
  /** State across windows. */
  globalState(): WindowStateStore;
  /** Emits `value` into the side output `outputTag`, with the window's `maxTimestamp()`. */
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

/**
 * Called with every element of a firing window of `windowAll`.
 *
 * @example
 * class Largest extends ProcessAllWindowFunction<number, number, TimeWindow> {
 *   process(_ctx: ProcessAllWindowContext<TimeWindow>, xs: Iterable<number>, out: Collector<number>) {
 *     out.collect(Math.max(...xs));
 *   }
 * }
 */
export abstract class ProcessAllWindowFunction<IN, OUT, W extends Window> extends AbstractRichFunction {
  abstract process(context: ProcessAllWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;

  /** Called when the window is removed, with its context. */
  clear(_context: ProcessAllWindowContext<W>): void {}
}
