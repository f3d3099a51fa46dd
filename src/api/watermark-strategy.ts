// WatermarkStrategy: how a source assigns event timestamps and generates watermarks (Flink's names).

import { MIN_WATERMARK, NO_TIMESTAMP } from '../core/stream-element.ts';
import { toMillis, type Duration } from './time.ts';

export interface WatermarkOutput {
  emitWatermark(timestamp: number): void;
  /** Marks this output idle: it holds back no downstream watermark until the next event. */
  markIdle(): void;
}

export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Extracts an element's event time; `recordTimestamp` is the one the source gave, or NO_TIMESTAMP. */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number) => number;

/** Watermarks that trail the largest timestamp seen by a fixed bound (Flink's BoundedOutOfOrdernessWatermarks). */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  #maxTimestamp: number;
  constructor(private readonly outOfOrdernessMillis: number) {
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
 * How a stream gets event time.
 *
 * @example
 * WatermarkStrategy.forBoundedOutOfOrderness<Reading>(Time.seconds(5)).withTimestampAssigner((r) => r.timestamp)
 */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorFactory: () => WatermarkGenerator<T>,
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    readonly idlenessMillis: number | undefined,
    /** True when the strategy never produces watermarks (the source need not run a generator). */
    readonly isNoWatermarks: boolean,
  ) {}

  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined, true);
  }

  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(0), undefined, undefined, false);
  }

  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: Duration): WatermarkStrategy<T> {
    const bound = toMillis(maxOutOfOrderness);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(bound), undefined, undefined, false);
  }

  static forGenerator<T>(factory: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(factory, undefined, undefined, false);
  }

  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.generatorFactory, assigner, this.idlenessMillis, this.isNoWatermarks);
  }

  withIdleness(idleTimeout: Duration): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.generatorFactory, this.timestampAssigner, toMillis(idleTimeout), this.isNoWatermarks);
  }

  createWatermarkGenerator(): WatermarkGenerator<T> {
    return this.generatorFactory();
  }
}

export { NO_TIMESTAMP };
