// ProcessFunction and KeyedProcessFunction: the lowest-level user functions, with access to the record's context.

import type { Collector } from './functions.ts';
import { AbstractRichFunction } from './functions.ts';

/** What a process function may ask about the record being processed. */
export interface ProcessContext {
  /** The record's timestamp, or null when it has none. */
  timestamp(): number | null;
}

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
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
}

/** A process function on a keyed stream: the context knows the current key. */
export abstract class KeyedProcessFunction<K, IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
}
