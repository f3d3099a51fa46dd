// OutputTag: names a side output of an operator (Flink's OutputTag); its id says which side stream a record joins.

import { IllegalArgumentError } from '../core/errors.ts';

/**
 * Names a side output. Two tags with the same id are the same side output; `T` is the type of its records.
 *
 * @example
 * const late = new OutputTag<Reading>('late-readings');
 * const averages = readings.keyBy((r) => r.id).window(TumblingEventTimeWindows.of(Time.seconds(1)))
 *   .sideOutputLateData(late).aggregate(new Average());
 * averages.getSideOutput(late).print();
 */
export class OutputTag<T> {
  /** Type-level only. */
  declare readonly __type?: T;

  constructor(readonly id: string) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new IllegalArgumentError(`an OutputTag needs a non-empty string id, got ${JSON.stringify(id)}`);
    }
  }

  toString(): string {
    return `OutputTag(${this.id})`;
  }
}
