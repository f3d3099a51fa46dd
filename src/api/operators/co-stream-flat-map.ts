// CoFlatMap: zero or more outputs per element of either input, through Flink's Collector.

import { NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { CoFlatMapFunction } from '../co-functions.ts';
import { AbstractTwoInputUdfOperator } from './abstract-two-input-udf-operator.ts';
import { TimestampedCollector } from './stream-operator.ts';

/** Runs a CoFlatMapFunction (Flink's CoStreamFlatMap); outputs carry the timestamp of the element that made them. */
export class CoStreamFlatMap<IN1, IN2, OUT> extends AbstractTwoInputUdfOperator<
  IN1,
  IN2,
  OUT,
  CoFlatMapFunction<IN1, IN2, OUT>
> {
  #collector!: TimestampedCollector<OUT>;

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    await super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.#collector.timestamp = timestamp;
    this.userFunction.flatMap1(value, this.#collector);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.#collector.timestamp = timestamp;
    this.userFunction.flatMap2(value, this.#collector);
  }
}
