// TimestampsAndWatermarksOperator: assigns event timestamps and generates watermarks in the middle of a stream
// (stream.assignTimestampsAndWatermarks), plus the WatermarkEmitter it and sources emit watermarks through.

import { CoreOptions } from '../../config/options.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../core/stream-element.ts';
import type { Cancellable } from '../../state/processing-time-service.ts';
import type { TimestampAssigner, WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from '../watermark-strategy.ts';
import { OneInputStreamOperator, type Output } from './stream-operator.ts';

/**
 * A WatermarkOutput over an operator's Output (Flink's `WatermarkEmitter`): passes on only watermarks that
 * advance, announces idleness once, and announces activity again before the next advancing watermark or record.
 */
export class WatermarkEmitter implements WatermarkOutput {
  #current = MIN_WATERMARK;
  #idle = false;

  constructor(private readonly output: Output<unknown>) {}

  /** The last watermark emitted. */
  get currentWatermark(): number {
    return this.#current;
  }

  get idle(): boolean {
    return this.#idle;
  }

  emitWatermark(timestamp: number): void {
    if (!(timestamp > this.#current)) return;
    this.#current = timestamp;
    this.markActive();
    this.output.emitWatermark(timestamp);
  }

  markIdle(): void {
    if (this.#idle) return;
    this.#idle = true;
    this.output.emitWatermarkStatus(true);
  }

  markActive(): void {
    if (!this.#idle) return;
    this.#idle = false;
    this.output.emitWatermarkStatus(false);
  }
}

/**
 * Gives each record the timestamp the strategy's assigner extracts (without an assigner, the one it has) and
 * runs the strategy's watermark generator: on every event, and periodically every `pipeline.auto-watermark-interval`
 * of processing time (0 turns periodic emission off). Watermarks from upstream are dropped, except the final
 * maximum watermark that ends event time; so is upstream idleness (this operator decides its own, with
 * `withIdleness`). At the end of input it asks the generator once more, then emits the maximum watermark.
 *
 * @example
 * stream.assignTimestampsAndWatermarks(
 *   WatermarkStrategy.forBoundedOutOfOrderness<Reading>(Time.seconds(5)).withTimestampAssigner((r) => r.at));
 */
export class TimestampsAndWatermarksOperator<T> extends OneInputStreamOperator<T, T> {
  #assigner: TimestampAssigner<T> | undefined;
  #generator!: WatermarkGenerator<T>;
  #emitter!: WatermarkEmitter;
  #interval = 0;
  #periodicTimer: Cancellable | undefined;

  constructor(readonly watermarkStrategy: WatermarkStrategy<T>) {
    super();
  }

  override open(): void {
    const timeService = this.context.processingTimeService;
    this.#assigner = this.watermarkStrategy.timestampAssigner;
    this.#generator = this.watermarkStrategy.createWatermarkGenerator({
      currentProcessingTime: () => timeService.getCurrentProcessingTime(),
    });
    this.#emitter = new WatermarkEmitter(this.output);
    this.#interval = this.context.jobConfig.get(CoreOptions.AUTO_WATERMARK_INTERVAL);
    if (this.#interval > 0) this.#schedulePeriodicEmit();
  }

  processElement(value: T, timestamp: number): void {
    const ts = this.#assigner === undefined ? timestamp : this.#assigner(value, timestamp);
    const emitter = this.#emitter;
    if (emitter.idle) emitter.markActive();
    this.output.collect(value, ts);
    this.#generator.onEvent(value, ts, emitter);
  }

  /** Upstream watermarks are replaced by this operator's own; only the end of event time passes. */
  override processWatermark(timestamp: number): void {
    this.currentInputWatermark = timestamp;
    if (timestamp === MAX_WATERMARK) this.#emitter.emitWatermark(MAX_WATERMARK);
  }

  /** Upstream idleness does not pass: this operator's generator decides whether its output is idle. */
  override processWatermarkStatus(_idle: boolean): void {}

  override finish(): void {
    this.#cancelPeriodicEmit();
    this.#generator.onPeriodicEmit(this.#emitter);
    this.#emitter.emitWatermark(MAX_WATERMARK);
  }

  override close(): void {
    this.#cancelPeriodicEmit();
  }

  /** Periodic emission: ask the generator, then schedule the next one an interval after now. */
  #schedulePeriodicEmit(): void {
    const timeService = this.context.processingTimeService;
    this.#periodicTimer = timeService.registerTimer(timeService.getCurrentProcessingTime() + this.#interval, () => {
      this.#periodicTimer = undefined;
      this.#generator.onPeriodicEmit(this.#emitter);
      this.#schedulePeriodicEmit();
    });
  }

  #cancelPeriodicEmit(): void {
    this.#periodicTimer?.cancel();
    this.#periodicTimer = undefined;
  }
}
