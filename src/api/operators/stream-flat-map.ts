// FlatMap: zero or more outputs per input through Flink's Collector.

import { toFlatMapper, type FlatMapFunction } from '../functions.ts';
import { AbstractUdfStreamOperator, TimestampedCollector } from './stream-operator.ts';

export class StreamFlatMap<IN, OUT> extends AbstractUdfStreamOperator<IN, OUT, FlatMapFunction<IN, OUT>> {
  readonly #flatMap: (value: IN, out: TimestampedCollector<OUT>) => void;
  #collector!: TimestampedCollector<OUT>;

  constructor(fn: FlatMapFunction<IN, OUT>) {
    super(fn);
    this.#flatMap = toFlatMapper(fn);
  }

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, 0);
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    this.#collector.timestamp = timestamp;
    this.#flatMap(value, this.#collector);
  }
}
