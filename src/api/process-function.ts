// ProcessFunction and KeyedProcessFunction: the lowest-level user functions, with the record's context, timers
// and side outputs.

import type { Collector } from './functions.ts';
import { AbstractRichFunction } from './functions.ts';
import type { OutputTag } from './output-tag.ts';

/** Which clock a timer belongs to (Flink's TimeDomain). */
export type TimeDomain = 'EVENT_TIME' | 'PROCESSING_TIME';
export const TimeDomain = Object.freeze({ EVENT_TIME: 'EVENT_TIME', PROCESSING_TIME: 'PROCESSING_TIME' } as const);

/**
 * Clocks and timers of a process function (Flink's TimerService). Timers are keyed state: on a keyed stream they
 * belong to the current key, fire once per (key, timestamp), and survive a restore with their key.
 */
export interface TimerService {
  currentProcessingTime(): number;
  /** The operator's current event time; -Infinity before the first watermark. */
  currentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
}

/** What a process function may ask about the record being processed. */
export interface ProcessContext {
  /** The record's timestamp (or the firing timer's), or null when it has none. */
  timestamp(): number | null;
  timerService(): TimerService;
  /** Emits `value` into the side output `tag` (read it with `getSideOutput(tag)`). */
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface OnTimerContext extends ProcessContext {
  timeDomain(): TimeDomain;
}

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

export interface KeyedOnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): TimeDomain;
}

/**
 * A function called for each element with its context and a Collector.
 *
 * @example
 * class Split extends ProcessFunction<string, string> {
 *   processElement(line: string, ctx: ProcessContext, out: Collector<string>) {
 *     for (const word of line.split(' ')) out.collect(word);
 *   }
 * }
 */
export abstract class ProcessFunction<IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
  /** Called when a timer fires (timers need a keyed stream: use KeyedProcessFunction). */
  onTimer?(timestamp: number, ctx: OnTimerContext, out: Collector<OUT>): void;
}

/**
 * A process function on a keyed stream: the context knows the current key, state is per key, and timers fire
 * `onTimer` with their key current.
 *
 * @example
 * class Timeout extends KeyedProcessFunction<string, Click, string> {
 *   processElement(click: Click, ctx: KeyedProcessContext<string>) {
 *     ctx.timerService().registerEventTimeTimer(ctx.timestamp()! + 60_000);
 *   }
 *   onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
 *     out.collect(`${ctx.getCurrentKey()} idle since ${ts - 60_000}`);
 *   }
 * }
 */
export abstract class KeyedProcessFunction<K, IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<K>, out: Collector<OUT>): void;
}
