// ProcessWindowFunction: evaluates a window of a keyed stream with its key, window, clocks, state and side outputs.

import { AbstractRichFunction, type Collector } from '../functions.ts';
import type { OutputTag } from '../output-tag.ts';
import type { WindowStateStore } from './window-function-context.ts';
import type { Window } from './window.ts';

/** What `process` and `clear` may ask about the window being evaluated. */
export interface ProcessWindowContext<W extends Window> {
  window(): W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /**
   * State scoped to the key and this window. When the window is removed the operator calls `clear(context)` and
   * then deletes every state the function reached through `windowState()` for it. Not available with merging
   * (session) windows, as in Flink.
   */
  windowState(): WindowStateStore;
  /** State scoped to the key, across its windows. */
  globalState(): WindowStateStore;
  /** Emits `value` into the side output `outputTag`, with the window's `maxTimestamp()`. */
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

/**
 * Called with every element of a firing window (or the single pre-aggregated result after `reduce`/`aggregate`).
 *
 * @example
 * class CountPerWindow extends ProcessWindowFunction<Click, string, string, TimeWindow> {
 *   process(user: string, ctx: ProcessWindowContext<TimeWindow>, clicks: Iterable<Click>, out: Collector<string>) {
 *     out.collect(`${user}: ${[...clicks].length} clicks until ${ctx.window().getEnd()}`);
 *   }
 * }
 */
export abstract class ProcessWindowFunction<IN, OUT, KEY, W extends Window> extends AbstractRichFunction {
  abstract process(key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;

  /**
   * Called when the window is removed (the watermark passed `maxTimestamp() + allowedLateness`, or the
   * processing-time clock passed `maxTimestamp()`), with the window's context: release what `process` kept for it.
   */
  clear(_context: ProcessWindowContext<W>): void {}
}
