// The operator contract the runtime drives: setup, open, elements and watermarks by direct calls, finish, close.

import type { Configuration } from '../../config/configuration.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { LatencyMarker } from '../../core/stream-element.ts';
import { isRichFunction, type Collector, type RuntimeContext } from '../functions.ts';

/**
 * Where an operator emits. Chained operators share one call path: `collect` on an operator's output is a direct
 * call into the next operator's `processElement` (or into the task's record writer at the end of the chain).
 */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  emitWatermark(timestamp: number): void;
  emitLatencyMarker(marker: LatencyMarker): void;
}

/** What the runtime gives an operator before it opens. */
export interface OperatorContext {
  readonly operatorId: string;
  readonly operatorName: string;
  readonly runtimeContext: RuntimeContext;
  readonly jobConfig: Configuration;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Base of every stream operator; one instance per subtask. */
export abstract class AbstractStreamOperator<OUT> {
  protected output!: Output<OUT>;
  protected context!: OperatorContext;

  setup(context: OperatorContext, output: Output<OUT>): void {
    this.context = context;
    this.output = output;
  }

  open(): void | Promise<void> {}

  /** End of input: emit whatever is buffered. Called head to tail, so downstream operators still accept output. */
  finish(): void | Promise<void> {}

  close(): void | Promise<void> {}

  processWatermark(timestamp: number): void {
    this.output.emitWatermark(timestamp);
  }

  processLatencyMarker(marker: LatencyMarker): void {
    this.output.emitLatencyMarker(marker);
  }
}

/** An operator with one logical input (a union of several streams still counts as one). */
export abstract class OneInputStreamOperator<IN, OUT> extends AbstractStreamOperator<OUT> {
  abstract processElement(value: IN, timestamp: number): void;
}

/** An operator around a user function: hands Rich functions their context and calls open/close. */
export abstract class AbstractUdfStreamOperator<IN, OUT, F> extends OneInputStreamOperator<IN, OUT> {
  constructor(protected readonly userFunction: F) {
    super();
  }

  override async open(): Promise<void> {
    if (isRichFunction(this.userFunction)) {
      this.userFunction.setRuntimeContext(this.context.runtimeContext);
      await this.userFunction.open(this.context.jobConfig);
    }
  }

  override async close(): Promise<void> {
    if (isRichFunction(this.userFunction)) await this.userFunction.close();
  }
}

/** A Collector that emits with the timestamp of the record being processed (Flink's TimestampedCollector). */
export class TimestampedCollector<T> implements Collector<T> {
  timestamp: number;
  constructor(private readonly output: Output<T>, timestamp: number) {
    this.timestamp = timestamp;
  }
  collect(record: T): void {
    this.output.collect(record, this.timestamp);
  }
}
