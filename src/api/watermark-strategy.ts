// WatermarkStrategy: how a source assigns event timestamps and generates watermarks (Flink's names).

import { IllegalArgumentError } from '../core/errors.ts';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../core/stream-element.ts';
import { toMillis, type Duration } from './time.ts';
import { WatermarksWithIdleness } from './watermarks-with-idleness.ts';

/** Where a WatermarkGenerator emits (Flink's `WatermarkOutput`). Only advancing watermarks go downstream. */
export interface WatermarkOutput {
  emitWatermark(timestamp: number): void;
  /** Marks this output idle: it holds back no downstream watermark until it is active again. */
  markIdle(): void;
  /** Marks this output active again; an advancing watermark or a record does so too. */
  markActive(): void;
}

/**
 * Generates watermarks from the events it sees (`onEvent`, punctuated) or when the framework asks
 * (`onPeriodicEmit`, every `pipeline.auto-watermark-interval`), or both.
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** What a generator factory is given (Flink's `WatermarkGeneratorSupplier.Context`). */
export interface WatermarkGeneratorSupplierContext {
  /** The processing time (ms) of the task the generator runs in; idleness timeouts are measured on it. */
  currentProcessingTime(): number;
}

/** Makes one generator per subtask (Flink's `WatermarkGeneratorSupplier`). */
export type WatermarkGeneratorSupplier<T> = (context: WatermarkGeneratorSupplierContext) => WatermarkGenerator<T>;

/** Extracts an element's event time; `recordTimestamp` is the one the record had, or NO_TIMESTAMP. */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number) => number;

/**
 * Watermarks that trail the largest timestamp seen by a fixed bound (Flink's BoundedOutOfOrdernessWatermarks):
 * each periodic emission says "no more events at or before `max - bound - 1`".
 */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  #maxTimestamp: number;
  constructor(private readonly outOfOrdernessMillis: number) {
    if (!Number.isFinite(outOfOrdernessMillis) || outOfOrdernessMillis < 0) {
      throw new IllegalArgumentError(`max out-of-orderness must be >= 0 ms, got ${outOfOrdernessMillis}`);
    }
    this.#maxTimestamp = MIN_WATERMARK + outOfOrdernessMillis + 1;
  }
  onEvent(_event: T, eventTimestamp: number): void {
    if (eventTimestamp > this.#maxTimestamp) this.#maxTimestamp = eventTimestamp;
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(this.#maxTimestamp - this.outOfOrdernessMillis - 1);
  }
}

class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

/**
 * How a stream gets event time: a timestamp assigner plus a watermark generator, used by `env.fromSource` and
 * `stream.assignTimestampsAndWatermarks`.
 *
 * @example
 * WatermarkStrategy.forBoundedOutOfOrderness<Reading>(Time.seconds(5))
 *   .withTimestampAssigner((r) => r.timestamp)
 *   .withIdleness(Time.minutes(1));
 */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorSupplier: WatermarkGeneratorSupplier<T>,
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    readonly idlenessMillis: number | undefined,
    /**
     * True when the strategy never produces watermarks nor idleness, so a source need not run a generator
     * (noWatermarks without withIdleness).
     */
    readonly isNoWatermarks: boolean,
  ) {}

  /** No watermarks at all: event-time timers and windows downstream fire only at the end of input. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined, true);
  }

  /** For timestamps that never decrease: the watermark is the largest timestamp seen minus 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(0), undefined, undefined, false);
  }

  /** For events at most `maxOutOfOrderness` late: the watermark is the largest timestamp seen - bound - 1. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: Duration): WatermarkStrategy<T> {
    const bound = toMillis(maxOutOfOrderness);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(bound), undefined, undefined, false);
  }

  /** A strategy around your own generator; `supplier` is called once per subtask. */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    if (typeof supplier !== 'function') {
      throw new IllegalArgumentError(`WatermarkStrategy.forGenerator takes a function making a generator, got ${typeof supplier}`);
    }
    return new WatermarkStrategy<T>(supplier, undefined, undefined, false);
  }

  /** Takes each element's event time from `assigner` (without one, records keep the timestamp they have). */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    if (typeof assigner !== 'function') {
      throw new IllegalArgumentError(`withTimestampAssigner takes a function (element, recordTimestamp) => number, got ${typeof assigner}`);
    }
    return new WatermarkStrategy<T>(this.generatorSupplier, assigner, this.idlenessMillis, this.isNoWatermarks);
  }

  /**
   * Marks the stream idle when no event arrived for `idleTimeout` of processing time, so it no longer holds back
   * the watermark downstream (Flink's WatermarksWithIdleness); the next event makes it active again. Idleness is
   * checked at each periodic emission, so it needs `pipeline.auto-watermark-interval` > 0.
   */
  withIdleness(idleTimeout: Duration): WatermarkStrategy<T> {
    const millis = toMillis(idleTimeout);
    if (millis <= 0) throw new IllegalArgumentError(`withIdleness: the idle timeout must be > 0 ms, got ${millis}`);
    return new WatermarkStrategy<T>(this.generatorSupplier, this.timestampAssigner, millis, false);
  }

  /** A new generator for one subtask; wrapped in idleness detection when `withIdleness` was set. */
  createWatermarkGenerator(context: WatermarkGeneratorSupplierContext): WatermarkGenerator<T> {
    const generator = this.generatorSupplier(context);
    return this.idlenessMillis === undefined
      ? generator
      : new WatermarksWithIdleness<T>(generator, this.idlenessMillis, () => context.currentProcessingTime());
  }
}

export { NO_TIMESTAMP };
