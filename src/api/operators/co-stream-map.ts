// CoMap: one output per element of either input, by a direct call to map1 or map2.

import type { CoMapFunction } from '../co-functions.ts';
import { AbstractTwoInputUdfOperator } from './abstract-two-input-udf-operator.ts';

/** Runs a CoMapFunction (Flink's CoStreamMap); each output keeps its input's timestamp. */
export class CoStreamMap<IN1, IN2, OUT> extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, CoMapFunction<IN1, IN2, OUT>> {
  processElement1(value: IN1, timestamp: number): void {
    this.output.collect(this.userFunction.map1(value), timestamp);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.output.collect(this.userFunction.map2(value), timestamp);
  }
}
