// Runs a CoProcessFunction, or on keyed connected streams a KeyedCoProcessFunction with state and timers.

import { NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { InternalTimer } from '../../state/internal-timer.ts';
import type { CoProcessFunction, KeyedCoProcessFunction } from '../co-functions.ts';
import type { OutputTag } from '../output-tag.ts';
import type { KeyedOnTimerContext, ProcessContext, TimeDomain, TimerService } from '../process-function.ts';
import { AbstractTwoInputUdfOperator } from './abstract-two-input-udf-operator.ts';
import { TimestampedCollector, type Triggerable } from './stream-operator.ts';
import { clocksOnlyTimerService, KeyedTimerService } from './user-timer-service.ts';


/**
 * Runs a CoProcessFunction on connected streams that are not keyed: the context has the element's timestamp,
 * the clocks and side outputs; setting a timer throws.
 */
export class CoProcessOperator<IN1, IN2, OUT> extends AbstractTwoInputUdfOperator<
  IN1,
  IN2,
  OUT,
  CoProcessFunction<IN1, IN2, OUT>
> {
  #collector!: TimestampedCollector<OUT>;
  #timestamp = NO_TIMESTAMP;
  readonly #timerService: TimerService = clocksOnlyTimerService(
    () => this.context.processingTimeService.getCurrentProcessingTime(),
    () => this.currentInputWatermark,
    'Setting timers is only supported on keyed connected streams: connect two keyed streams, or call ' +
      '.keyBy(keySelector1, keySelector2) on the connected streams before process()',
  );
  readonly #ctx: ProcessContext = {
    timestamp: () => (this.#timestamp === NO_TIMESTAMP ? null : this.#timestamp),
    timerService: () => this.#timerService,
    output: <X>(tag: OutputTag<X>, value: X) => this.output.collectSide(tag, value, this.#timestamp),
  };

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    await super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement1(value, this.#ctx, this.#collector);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement2(value, this.#ctx, this.#collector);
  }
}

/**
 * Runs a KeyedCoProcessFunction (or a CoProcessFunction, as Flink's LegacyKeyedCoProcessOperator) on keyed
 * connected streams: both inputs share the current key's state, and timers fire `onTimer` with their key current.
 * Output of an event-time timer carries the timer's timestamp; output of a processing-time timer carries none.
 */
export class KeyedCoProcessOperator<K, IN1, IN2, OUT>
  extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, KeyedCoProcessFunction<K, IN1, IN2, OUT> | CoProcessFunction<IN1, IN2, OUT>>
  implements Triggerable
{
  #collector!: TimestampedCollector<OUT>;
  /** The element's timestamp, or the firing timer's. */
  #timestamp = NO_TIMESTAMP;
  #domain: TimeDomain = 'EVENT_TIME';
  #timerService!: TimerService;
  readonly #ctx: KeyedOnTimerContext<K> = {
    timestamp: () => (this.#timestamp === NO_TIMESTAMP ? null : this.#timestamp),
    timerService: () => this.#timerService,
    output: (tag, value) => this.output.collectSide(tag, value, this.#timestamp),
    getCurrentKey: () => this.getCurrentKey() as K,
    timeDomain: () => this.#domain,
  };

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    this.#timerService = new KeyedTimerService(this.getInternalTimerService('user-timers', this));
    await super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement1(value, this.#ctx, this.#collector);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement2(value, this.#ctx, this.#collector);
  }

  onEventTime(timer: InternalTimer): void {
    this.#fire(timer, 'EVENT_TIME', timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer): void {
    this.#fire(timer, 'PROCESSING_TIME', NO_TIMESTAMP);
  }

  #fire(timer: InternalTimer, domain: TimeDomain, outputTimestamp: number): void {
    const fn = this.userFunction as KeyedCoProcessFunction<K, IN1, IN2, OUT>;
    const onTimer = fn.onTimer;
    if (onTimer === undefined) return;
    this.#domain = domain;
    this.#timestamp = timer.timestamp;
    this.#collector.timestamp = outputTimestamp;
    onTimer.call(fn, timer.timestamp, this.#ctx, this.#collector);
  }
}
