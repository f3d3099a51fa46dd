// Filter: forwards the records the predicate keeps.

import { toPredicate, type FilterFunction } from '../functions.ts';
import { AbstractUdfStreamOperator } from './stream-operator.ts';

export class StreamFilter<T> extends AbstractUdfStreamOperator<T, T, FilterFunction<T>> {
  readonly #test: (value: T) => boolean;
  constructor(fn: FilterFunction<T>) {
    super(fn);
    this.#test = toPredicate(fn);
  }
  processElement(value: T, timestamp: number): void {
    if (this.#test(value)) this.output.collect(value, timestamp);
  }
}
