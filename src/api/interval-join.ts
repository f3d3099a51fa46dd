// KeyedStream.intervalJoin(other).between(lower, upper).process(fn): the interval join's fluent API.

import { IllegalArgumentError } from '../core/errors.ts';
import { perSubtaskInstances } from './functions.ts';
import type { ProcessJoinFunctionLike } from './co-functions.ts';
import { SingleOutputStreamOperator } from './data-stream.ts';
import type { KeyedStream } from './keyed-stream.ts';
import { IntervalJoinOperator, type IntervalJoinOptions } from './operators/interval-join-operator.ts';
import { OutputTag } from './output-tag.ts';
import { Time } from './time.ts';
import { TwoInputTransformation } from './transformation.ts';

/** A bound of an interval join: milliseconds (may be negative) or a Time. */
export type IntervalBound = number | Time;

function boundMillis(bound: IntervalBound, which: string): number {
  if (bound instanceof Time) return bound.toMilliseconds();
  if (typeof bound !== 'number' || !Number.isFinite(bound)) {
    throw new IllegalArgumentError(`intervalJoin: ${which} must be a finite number of milliseconds or a Time, got ${String(bound)}`);
  }
  return bound;
}

/**
 * The first step of an interval join of two keyed streams (Flink's `KeyedStream.IntervalJoin`): say how far
 * apart in event time two elements of one key may be with `between`.
 */
export class IntervalJoin<T1, T2, K> {
  /** @internal Use `KeyedStream.intervalJoin`. */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
  ) {
    if (left.getExecutionEnvironment() !== right.getExecutionEnvironment()) {
      throw new IllegalArgumentError('intervalJoin: both streams must come from the same StreamExecutionEnvironment');
    }
  }

  /**
   * Joins a left element with timestamp `l` to the right elements of its key with timestamps in
   * `[l + lowerBound, l + upperBound]` (both bounds inclusive unless made exclusive). Bounds are milliseconds, or
   * a Time (which is never negative: give a negative bound as a number, e.g. `between(-2000, 1000)`).
   */
  between(lowerBound: IntervalBound, upperBound: IntervalBound): IntervalJoined<T1, T2, K> {
    const lower = boundMillis(lowerBound, 'lowerBound');
    const upper = boundMillis(upperBound, 'upperBound');
    if (lower > upper) {
      throw new IllegalArgumentError(
        `intervalJoin: lowerBound (${lower} ms) must be <= upperBound (${upper} ms); between(lower, upper) joins ` +
          `right elements with timestamps in [left + lower, left + upper]`,
      );
    }
    return new IntervalJoined(this.left, this.right, lower, upper);
  }
}

/**
 * An interval join with its bounds set (Flink's `IntervalJoined`): adjust the bounds' inclusiveness, route late
 * elements, and give the ProcessJoinFunction that gets each joined pair.
 *
 * @example
 * orders.keyBy((o) => o.id)
 *   .intervalJoin(payments.keyBy((p) => p.orderId))
 *   .between(0, Time.minutes(15))
 *   .upperBoundExclusive()
 *   .process((order, payment, ctx, out) => out.collect({ order: order.id, paidAfter: ctx.getRightTimestamp() - ctx.getLeftTimestamp() }));
 */
export class IntervalJoined<T1, T2, K> {
  #lowerBoundInclusive = true;
  #upperBoundInclusive = true;
  #leftLateTag: OutputTag<T1> | undefined;
  #rightLateTag: OutputTag<T2> | undefined;

  /** @internal Use `IntervalJoin.between`. */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
    private readonly lowerBound: number,
    private readonly upperBound: number,
  ) {}

  /** Excludes the lower bound: a pair joins only when `r > l + lowerBound`. */
  lowerBoundExclusive(): this {
    this.#lowerBoundInclusive = false;
    return this;
  }

  /** Excludes the upper bound: a pair joins only when `r < l + upperBound`. */
  upperBoundExclusive(): this {
    this.#upperBoundInclusive = false;
    return this;
  }

  /** Sends left elements that arrive behind the watermark into the side output `tag` instead of dropping them. */
  sideOutputLeftLateData(tag: OutputTag<T1>): this {
    if (!(tag instanceof OutputTag)) throw new IllegalArgumentError('sideOutputLeftLateData takes an OutputTag');
    this.#leftLateTag = tag;
    return this;
  }

  /** Sends right elements that arrive behind the watermark into the side output `tag` instead of dropping them. */
  sideOutputRightLateData(tag: OutputTag<T2>): this {
    if (!(tag instanceof OutputTag)) throw new IllegalArgumentError('sideOutputRightLateData takes an OutputTag');
    this.#rightLateTag = tag;
    return this;
  }

  /** Calls `fn` for every joined pair; the result carries the larger of the pair's timestamps. */
  process<OUT>(fn: ProcessJoinFunctionLike<T1, T2, OUT>): SingleOutputStreamOperator<OUT> {
    const env = this.left.getExecutionEnvironment();
    const options: IntervalJoinOptions<T1, T2> = {
      lowerBound: this.lowerBound,
      upperBound: this.upperBound,
      lowerBoundInclusive: this.#lowerBoundInclusive,
      upperBoundInclusive: this.#upperBoundInclusive,
      ...(this.#leftLateTag === undefined ? {} : { leftLateDataOutputTag: this.#leftLateTag }),
      ...(this.#rightLateTag === undefined ? {} : { rightLateDataOutputTag: this.#rightLateTag }),
    };
    const instance = perSubtaskInstances(fn);
    const t = new TwoInputTransformation<T1, T2, OUT>(
      env.nextTransformationId(),
      'Interval Join',
      this.left.transformation,
      this.right.transformation,
      () => new IntervalJoinOperator<K, T1, T2, OUT>(instance(), options),
      this.left.getKeySelector(),
      this.right.getKeySelector(),
    );
    env.addOperator(t);
    return new SingleOutputStreamOperator<OUT>(env, t);
  }
}
