// Two-input user functions (Flink's names): CoMap, CoFlatMap, CoProcess, KeyedCoProcess and ProcessJoin functions.

import { AbstractRichFunction, type Collector } from './functions.ts';
import type { OutputTag } from './output-tag.ts';
import type { KeyedOnTimerContext, KeyedProcessContext, OnTimerContext, ProcessContext } from './process-function.ts';

/**
 * Maps the elements of two connected streams into one output type: `map1` for the first input, `map2` for the
 * second. Each output keeps the timestamp of its input.
 *
 * @example
 * celsius.connect(fahrenheit).map({ map1: (c) => c, map2: (f) => (f - 32) * (5 / 9) });
 */
export interface CoMapFunction<IN1, IN2, OUT> {
  map1(value: IN1): OUT;
  map2(value: IN2): OUT;
}

/** Like CoMapFunction, with zero or more outputs per input through Flink's Collector. */
export interface CoFlatMapFunction<IN1, IN2, OUT> {
  flatMap1(value: IN1, out: Collector<OUT>): void;
  flatMap2(value: IN2, out: Collector<OUT>): void;
}

/**
 * A CoMapFunction with a life cycle and a runtime context (keyed state when the connected streams are keyed).
 *
 * @example
 * class LatestRate extends RichCoMapFunction<Order, Rate, string> {
 *   #rate!: ValueState<number>;
 *   override open() { this.#rate = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('rate', 1)); }
 *   map1(order: Order) { return `${order.id}: ${order.amount * this.#rate.value()!}`; }
 *   map2(rate: Rate) { this.#rate.update(rate.value); return `rate ${rate.value}`; }
 * }
 */
export abstract class RichCoMapFunction<IN1, IN2, OUT> extends AbstractRichFunction implements CoMapFunction<IN1, IN2, OUT> {
  abstract map1(value: IN1): OUT;
  abstract map2(value: IN2): OUT;
}

/** A CoFlatMapFunction with a life cycle and a runtime context. */
export abstract class RichCoFlatMapFunction<IN1, IN2, OUT>
  extends AbstractRichFunction
  implements CoFlatMapFunction<IN1, IN2, OUT>
{
  abstract flatMap1(value: IN1, out: Collector<OUT>): void;
  abstract flatMap2(value: IN2, out: Collector<OUT>): void;
}

/**
 * A process function over two connected streams: each element with its context (timestamp, clocks, side
 * outputs) and a Collector. Timers need keyed connected streams: there, prefer KeyedCoProcessFunction.
 *
 * @example
 * class Tag extends CoProcessFunction<number, string, string> {
 *   processElement1(n: number, ctx: ProcessContext, out: Collector<string>) { out.collect(`number ${n}`); }
 *   processElement2(s: string, ctx: ProcessContext, out: Collector<string>) { out.collect(`string ${s}`); }
 * }
 */
export abstract class CoProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
  /** Called when a timer fires (only on keyed connected streams). */
  onTimer?(timestamp: number, ctx: OnTimerContext, out: Collector<OUT>): void;
}

/**
 * A process function over two keyed connected streams: both inputs' elements of one key meet on one subtask,
 * share that key's state, and may set timers for it; `onTimer` runs with the timer's key current.
 *
 * @example
 * // Enrich orders with the latest customer profile, whichever arrives first.
 * class Enrich extends KeyedCoProcessFunction<string, Order, Profile, EnrichedOrder> {
 *   #profile!: ValueState<Profile>;
 *   #waiting!: ListState<Order>;
 *   override open() {
 *     this.#profile = this.getRuntimeContext().getState(new ValueStateDescriptor<Profile>('profile'));
 *     this.#waiting = this.getRuntimeContext().getListState(new ListStateDescriptor<Order>('waiting'));
 *   }
 *   processElement1(order: Order, ctx: KeyedProcessContext<string>, out: Collector<EnrichedOrder>) {
 *     const profile = this.#profile.value();
 *     if (profile === undefined) this.#waiting.add(order);
 *     else out.collect({ ...order, name: profile.name });
 *   }
 *   processElement2(profile: Profile, ctx: KeyedProcessContext<string>, out: Collector<EnrichedOrder>) {
 *     this.#profile.update(profile);
 *     for (const order of this.#waiting.get()) out.collect({ ...order, name: profile.name });
 *     this.#waiting.clear();
 *   }
 * }
 * orders.connect(profiles).keyBy((o) => o.customer, (p) => p.customer).process(new Enrich());
 */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<K>, out: Collector<OUT>): void;
}

/** What a ProcessJoinFunction may ask about the pair being joined. */
export interface ProcessJoinContext {
  /** The timestamp of the left element of the pair. */
  getLeftTimestamp(): number;
  /** The timestamp of the right element of the pair. */
  getRightTimestamp(): number;
  /** The timestamp of the joined result: the larger of the two. */
  getTimestamp(): number;
  /** Emits `value` into the side output `tag`, with the result's timestamp. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Called for each pair of an interval join (left and right element of one key whose timestamps lie within the
 * join's bounds). The output carries the larger of the two timestamps.
 *
 * @example
 * class Paid extends ProcessJoinFunction<Order, Payment, string> {
 *   processElement(order: Order, payment: Payment, ctx: ProcessJoinContext, out: Collector<string>) {
 *     out.collect(`${order.id} paid after ${ctx.getRightTimestamp() - ctx.getLeftTimestamp()} ms`);
 *   }
 * }
 */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}

/** A ProcessJoinFunction, or a plain function with the same parameters. */
export type ProcessJoinFunctionLike<IN1, IN2, OUT> =
  | ProcessJoinFunction<IN1, IN2, OUT>
  | ((left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void);
