// The interval join (Flink's IntervalJoinOperator): per key, joins each element with the other input's buffered
// elements whose timestamps lie within [timestamp + lower, timestamp + upper]; watermark timers empty the buffers.

import { IllegalArgumentError, InvalidProgramError } from '../../core/errors.ts';
import { NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { InternalTimerService } from '../../state/internal-timer-service.ts';
import type { InternalTimer } from '../../state/internal-timer.ts';
import { MapStateDescriptor } from '../../state/map-state-descriptor.ts';
import type { MapState } from '../../state/state.ts';
import type { ProcessJoinContext, ProcessJoinFunctionLike } from '../co-functions.ts';
import type { Collector } from '../functions.ts';
import type { OutputTag } from '../output-tag.ts';
import { AbstractTwoInputUdfOperator } from './abstract-two-input-udf-operator.ts';
import { TimestampedCollector, type Triggerable } from './stream-operator.ts';

/** Keyed state names and the timer service of the join (Flink's). */
export const LEFT_BUFFER = 'LEFT_BUFFER';
export const RIGHT_BUFFER = 'RIGHT_BUFFER';
const CLEANUP_TIMER_NAME = 'IntervalJoinOperator-timers';
const CLEANUP_NAMESPACE_LEFT = 'CLEANUP_LEFT';
const CLEANUP_NAMESPACE_RIGHT = 'CLEANUP_RIGHT';

/** How an IntervalJoinOperator joins; bounds in milliseconds relative to the left element's timestamp. */
export interface IntervalJoinOptions<IN1, IN2> {
  readonly lowerBound: number;
  readonly upperBound: number;
  /** Default true. */
  readonly lowerBoundInclusive?: boolean;
  /** Default true. */
  readonly upperBoundInclusive?: boolean;
  /** Where late left elements go (dropped when unset). */
  readonly leftLateDataOutputTag?: OutputTag<IN1>;
  /** Where late right elements go (dropped when unset). */
  readonly rightLateDataOutputTag?: OutputTag<IN2>;
}

type JoinCall<IN1, IN2, OUT> = (left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void;

/**
 * Joins a left element with timestamp `l` and a right element of the same key with timestamp `r` when
 * `l + lowerBound <= r <= l + upperBound` (each bound may be exclusive). Both inputs are buffered per key in
 * MapState by timestamp; an element whose timestamp is below the current watermark is late and dropped (or sent
 * to a side output). A cleanup timer per buffered timestamp removes it once the watermark passed the last time a
 * non-late element of the other input could join it. The result carries the larger of the two timestamps.
 */
export class IntervalJoinOperator<K, IN1, IN2, OUT>
  extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, ProcessJoinFunctionLike<IN1, IN2, OUT>>
  implements Triggerable
{
  /** Inclusive bounds after applying exclusiveness (as Flink: exclusive moves a bound by 1 ms). */
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly #leftLateTag: OutputTag<IN1> | undefined;
  readonly #rightLateTag: OutputTag<IN2> | undefined;
  readonly #join: JoinCall<IN1, IN2, OUT>;
  #leftBuffer!: MapState<number, IN1[]>;
  #rightBuffer!: MapState<number, IN2[]>;
  #timers!: InternalTimerService;
  #collector!: TimestampedCollector<OUT>;
  #leftTimestamp = NO_TIMESTAMP;
  #rightTimestamp = NO_TIMESTAMP;
  #resultTimestamp = NO_TIMESTAMP;
  readonly #ctx: ProcessJoinContext = {
    getLeftTimestamp: () => this.#leftTimestamp,
    getRightTimestamp: () => this.#rightTimestamp,
    getTimestamp: () => this.#resultTimestamp,
    output: (tag, value) => this.output.collectSide(tag, value, this.#resultTimestamp),
  };

  constructor(fn: ProcessJoinFunctionLike<IN1, IN2, OUT>, options: IntervalJoinOptions<IN1, IN2>) {
    super(fn);
    const { lowerBound, upperBound } = options;
    if (!Number.isFinite(lowerBound) || !Number.isFinite(upperBound) || lowerBound > upperBound) {
      throw new IllegalArgumentError(
        `an interval join needs finite bounds with lowerBound <= upperBound, got between(${lowerBound}, ${upperBound})`,
      );
    }
    this.lowerBound = options.lowerBoundInclusive === false ? lowerBound + 1 : lowerBound;
    this.upperBound = options.upperBoundInclusive === false ? upperBound - 1 : upperBound;
    this.#leftLateTag = options.leftLateDataOutputTag;
    this.#rightLateTag = options.rightLateDataOutputTag;
    this.#join = typeof fn === 'function' ? fn : (left, right, ctx, out) => fn.processElement(left, right, ctx, out);
  }

  override async open(): Promise<void> {
    const backend = this.getKeyedStateBackend();
    this.#leftBuffer = backend.getPartitionedState(new MapStateDescriptor<number, IN1[]>(LEFT_BUFFER));
    this.#rightBuffer = backend.getPartitionedState(new MapStateDescriptor<number, IN2[]>(RIGHT_BUFFER));
    this.#timers = this.getInternalTimerService(CLEANUP_TIMER_NAME, this);
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    await super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    if (!this.#accept(timestamp, 'left')) {
      if (this.#leftLateTag !== undefined) this.output.collectSide(this.#leftLateTag, value, timestamp);
      return;
    }
    addToBuffer(this.#leftBuffer, value, timestamp);
    const from = timestamp + this.lowerBound;
    const to = timestamp + this.upperBound;
    for (const [rightTimestamp, rights] of this.#rightBuffer.entries()) {
      if (rightTimestamp < from || rightTimestamp > to) continue;
      for (const right of rights) this.#collect(value, right, timestamp, rightTimestamp);
    }
    const cleanupTime = this.upperBound > 0 ? timestamp + this.upperBound : timestamp;
    this.#timers.registerEventTimeTimer(CLEANUP_NAMESPACE_LEFT, cleanupTime);
  }

  processElement2(value: IN2, timestamp: number): void {
    if (!this.#accept(timestamp, 'right')) {
      if (this.#rightLateTag !== undefined) this.output.collectSide(this.#rightLateTag, value, timestamp);
      return;
    }
    addToBuffer(this.#rightBuffer, value, timestamp);
    // A right element at r joins left elements l with l + lower <= r <= l + upper, i.e. r - upper <= l <= r - lower.
    const from = timestamp - this.upperBound;
    const to = timestamp - this.lowerBound;
    for (const [leftTimestamp, lefts] of this.#leftBuffer.entries()) {
      if (leftTimestamp < from || leftTimestamp > to) continue;
      for (const left of lefts) this.#collect(left, value, leftTimestamp, timestamp);
    }
    const cleanupTime = this.lowerBound < 0 ? timestamp - this.lowerBound : timestamp;
    this.#timers.registerEventTimeTimer(CLEANUP_NAMESPACE_RIGHT, cleanupTime);
  }

  onEventTime(timer: InternalTimer): void {
    const t = timer.timestamp;
    if (timer.namespace === CLEANUP_NAMESPACE_LEFT) {
      this.#leftBuffer.remove(this.upperBound > 0 ? t - this.upperBound : t);
    } else if (timer.namespace === CLEANUP_NAMESPACE_RIGHT) {
      this.#rightBuffer.remove(this.lowerBound < 0 ? t + this.lowerBound : t);
    }
  }

  onProcessingTime(): void {}

  /** False for a late element (below the watermark); throws for one without a timestamp. */
  #accept(timestamp: number, side: 'left' | 'right'): boolean {
    if (timestamp === NO_TIMESTAMP) {
      throw new InvalidProgramError(
        `interval join '${this.context.operatorName}' got a ${side} element without a timestamp: interval joins ` +
          `work in event time, so both inputs need timestamps. Give the sources a WatermarkStrategy with a ` +
          `timestamp assigner (env.fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness(...)` +
          `.withTimestampAssigner((e) => e.time), name)) or call assignTimestampsAndWatermarks(...) before keyBy()`,
      );
    }
    return timestamp >= this.currentInputWatermark;
  }

  #collect(left: IN1, right: IN2, leftTimestamp: number, rightTimestamp: number): void {
    const resultTimestamp = Math.max(leftTimestamp, rightTimestamp);
    this.#leftTimestamp = leftTimestamp;
    this.#rightTimestamp = rightTimestamp;
    this.#resultTimestamp = resultTimestamp;
    this.#collector.timestamp = resultTimestamp;
    this.#join.call(undefined, left, right, this.#ctx, this.#collector);
  }
}

/**
 * Appends `value` to its timestamp's bucket. The bucket is replaced, never changed in place: a snapshot taken
 * earlier may still hold the old array.
 */
function addToBuffer<T>(buffer: MapState<number, T[]>, value: T, timestamp: number): void {
  const bucket = buffer.get(timestamp);
  buffer.put(timestamp, bucket === undefined ? [value] : [...bucket, value]);
}
