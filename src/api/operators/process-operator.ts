// Runs a ProcessFunction (or, keyed, a KeyedProcessFunction) with the record's context, timers and side outputs.

import { IllegalStateError } from '../../core/errors.ts';
import { NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { InternalTimer } from '../../state/internal-timer.ts';
import type { OutputTag } from '../output-tag.ts';
import type {
  KeyedOnTimerContext,
  KeyedProcessFunction,
  ProcessFunction,
  TimeDomain,
  TimerService,
} from '../process-function.ts';
import { AbstractUdfStreamOperator, TimestampedCollector, type Triggerable } from './stream-operator.ts';
import { clocksOnlyTimerService, KeyedTimerService } from './user-timer-service.ts';

export class ProcessOperator<IN, OUT> extends AbstractUdfStreamOperator<IN, OUT, ProcessFunction<IN, OUT>> {
  #collector!: TimestampedCollector<OUT>;
  #timestamp = NO_TIMESTAMP;
  #timerService!: TimerService;
  readonly #ctx = {
    timestamp: (): number | null => (this.#timestamp === NO_TIMESTAMP ? null : this.#timestamp),
    timerService: (): TimerService => this.#timerService,
    output: <X>(tag: OutputTag<X>, value: X): void => this.output.collectSide(tag, value, this.#timestamp),
    timeDomain: (): TimeDomain => 'EVENT_TIME',
    // Not part of ProcessContext; a clear error for code that treats it as a keyed context.
    getCurrentKey: (): never => {
      throw new IllegalStateError('getCurrentKey() is only available on a keyed stream: call keyBy() before process()');
    },
  };

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    this.#timerService = clocksOnlyTimerService(
      () => this.processingTime(),
      () => this.watermark(),
      'Setting timers is only supported on a keyed stream: use keyBy(...).process(new MyKeyedProcessFunction())',
    );
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement(value, this.#ctx, this.#collector);
  }

  processingTime(): number {
    return this.context.processingTimeService.getCurrentProcessingTime();
  }

  watermark(): number {
    return this.currentInputWatermark;
  }
}

export class KeyedProcessOperator<K, IN, OUT>
  extends AbstractUdfStreamOperator<IN, OUT, KeyedProcessFunction<K, IN, OUT>>
  implements Triggerable
{
  #collector!: TimestampedCollector<OUT>;
  /** The record's timestamp, or the firing timer's. */
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

  processElement(value: IN, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement(value, this.#ctx, this.#collector);
  }

  onEventTime(timer: InternalTimer): void {
    this.#fire(timer, 'EVENT_TIME', timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer): void {
    // Flink: output of a processing-time timer carries no timestamp.
    this.#fire(timer, 'PROCESSING_TIME', NO_TIMESTAMP);
  }

  #fire(timer: InternalTimer, domain: TimeDomain, outputTimestamp: number): void {
    const onTimer = this.userFunction.onTimer;
    if (onTimer === undefined) return;
    this.#domain = domain;
    this.#timestamp = timer.timestamp;
    this.#collector.timestamp = outputTimestamp;
    onTimer.call(this.userFunction, timer.timestamp, this.#ctx, this.#collector);
  }
}
