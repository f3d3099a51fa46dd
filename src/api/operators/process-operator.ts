// Runs a ProcessFunction (or, keyed, a KeyedProcessFunction) with the record's context.

import { NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { KeyedProcessContext, KeyedProcessFunction, ProcessFunction } from '../process-function.ts';
import { AbstractUdfStreamOperator, TimestampedCollector } from './stream-operator.ts';

export class ProcessOperator<IN, OUT>
  extends AbstractUdfStreamOperator<IN, OUT, ProcessFunction<IN, OUT>>
  implements KeyedProcessContext<never>
{
  #collector!: TimestampedCollector<OUT>;
  #timestamp = NO_TIMESTAMP;

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement(value, this, this.#collector);
  }

  timestamp(): number | null {
    return this.#timestamp === NO_TIMESTAMP ? null : this.#timestamp;
  }

  getCurrentKey(): never {
    throw new Error('getCurrentKey() is only available on a keyed stream: call keyBy() before process()');
  }
}

export class KeyedProcessOperator<K, IN, OUT>
  extends AbstractUdfStreamOperator<IN, OUT, KeyedProcessFunction<K, IN, OUT>>
  implements KeyedProcessContext<K>
{
  #collector!: TimestampedCollector<OUT>;
  #timestamp = NO_TIMESTAMP;
  #key!: K;

  constructor(fn: KeyedProcessFunction<K, IN, OUT>, private readonly keyOf: (value: IN) => K) {
    super(fn);
  }

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    this.#key = this.keyOf(value);
    this.#timestamp = timestamp;
    this.#collector.timestamp = timestamp;
    this.userFunction.processElement(value, this, this.#collector);
  }

  timestamp(): number | null {
    return this.#timestamp === NO_TIMESTAMP ? null : this.#timestamp;
  }

  getCurrentKey(): K {
    return this.#key;
  }
}
