// Map: one output per input, by a direct call.

import { toMapper, type MapFunction } from '../functions.ts';
import { AbstractUdfStreamOperator } from './stream-operator.ts';

export class StreamMap<IN, OUT> extends AbstractUdfStreamOperator<IN, OUT, MapFunction<IN, OUT>> {
  readonly #map: (value: IN) => OUT;
  constructor(fn: MapFunction<IN, OUT>) {
    super(fn);
    this.#map = toMapper(fn);
  }
  processElement(value: IN, timestamp: number): void {
    this.output.collect(this.#map(value), timestamp);
  }
}
