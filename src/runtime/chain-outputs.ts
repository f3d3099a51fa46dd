// The Output implementations that connect operators: direct calls within a chain, record writers at its edges.

import type { OneInputStreamOperator, Output } from '../api/operators/stream-operator.ts';
import { watermark, type LatencyMarker } from '../core/stream-element.ts';
import { annotateOperator } from './failure-annotation.ts';
import type { RecordWriter } from './network/record-writer.ts';

/** Calls the next operator of the chain directly: no copy, no queue, no promise. */
export class ChainingOutput<T> implements Output<T> {
  constructor(
    private readonly next: OneInputStreamOperator<T, unknown>,
    private readonly nextName: string,
  ) {}
  collect(value: T, timestamp: number): void {
    try {
      this.next.processElement(value, timestamp);
    } catch (error) {
      annotateOperator(error, this.nextName);
      throw error;
    }
  }
  emitWatermark(timestamp: number): void {
    this.next.processWatermark(timestamp);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.next.processLatencyMarker(marker);
  }
}

/** Writes into a network edge. */
export class RecordWriterOutput<T> implements Output<T> {
  constructor(private readonly writer: RecordWriter<T>) {}
  collect(value: T, timestamp: number): void {
    this.writer.emit(value, timestamp);
  }
  emitWatermark(timestamp: number): void {
    this.writer.broadcastEvent(watermark(timestamp));
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.writer.broadcastEvent(marker);
  }
}

/** Fans out to several outputs (an operator with more than one successor). */
export class BroadcastingOutput<T> implements Output<T> {
  constructor(private readonly outputs: Output<T>[]) {}
  collect(value: T, timestamp: number): void {
    for (const output of this.outputs) output.collect(value, timestamp);
  }
  emitWatermark(timestamp: number): void {
    for (const output of this.outputs) output.emitWatermark(timestamp);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    for (const output of this.outputs) output.emitLatencyMarker(marker);
  }
}

/** The output of an operator with no successor (a sink). */
export const NO_OUTPUT: Output<unknown> = Object.freeze({
  collect() {},
  emitWatermark() {},
  emitLatencyMarker() {},
});
