// The Output implementations that connect operators: direct calls within a chain, record writers at its edges.

import type { OneInputStreamOperator, Output } from '../api/operators/stream-operator.ts';
import type { OutputTag } from '../api/output-tag.ts';
import { watermark, watermarkStatus, type LatencyMarker } from '../core/stream-element.ts';
import { annotateOperator } from './failure-annotation.ts';
import type { RecordWriter } from './network/record-writer.ts';
import type { OperatorIOMetrics } from './metrics/io-metrics.ts';
import type { Key } from '../state/key-group.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';

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
  collectSide(): void {}
  emitWatermark(timestamp: number): void {
    this.next.processWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.next.processWatermarkStatus(idle);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.next.processLatencyMarker(marker);
  }
}

/**
 * Calls the next operator and counts what it receives (records in, input watermark). Used when system metrics
 * are on; a separate class so the uncounted path stays as small as it is.
 */
export class CountingChainingOutput<T> implements Output<T> {
  constructor(
    private readonly next: OneInputStreamOperator<T, unknown>,
    private readonly nextName: string,
    private readonly nextMetrics: OperatorIOMetrics,
  ) {}
  collect(value: T, timestamp: number): void {
    this.nextMetrics.recordsIn++;
    try {
      this.next.processElement(value, timestamp);
    } catch (error) {
      annotateOperator(error, this.nextName);
      throw error;
    }
  }
  collectSide(): void {}
  emitWatermark(timestamp: number): void {
    this.nextMetrics.inputWatermark = timestamp;
    this.next.processWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.next.processWatermarkStatus(idle);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.nextMetrics.onLatencyMarker?.(marker);
    this.next.processLatencyMarker(marker);
  }
}

/** Counts what an operator emits (records out, output watermark), then passes it on; for fan-outs. */
export class CountingOutput<T> implements Output<T> {
  readonly #metrics: { recordsOut: number; outputWatermark: number };
  constructor(
    private readonly inner: Output<T>,
    metrics: OperatorIOMetrics,
  ) {
    this.#metrics = metrics;
  }
  collect(value: T, timestamp: number): void {
    this.#metrics.recordsOut++;
    this.inner.collect(value, timestamp);
  }
  collectSide<X>(tag: OutputTag<X>, value: X, timestamp: number): void {
    this.inner.collectSide(tag, value, timestamp);
  }
  emitWatermark(timestamp: number): void {
    this.#metrics.outputWatermark = timestamp;
    this.inner.emitWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.inner.emitWatermarkStatus(idle);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.inner.emitLatencyMarker(marker);
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
  collectSide(): void {}
  emitWatermarkStatus(idle: boolean): void {
    this.writer.broadcastEvent(watermarkStatus(idle));
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.writer.emitEventToRandomChannel(marker);
  }
}

/** Writes into a network edge and counts what the operator emits there. */
export class CountingRecordWriterOutput<T> implements Output<T> {
  constructor(
    private readonly writer: RecordWriter<T>,
    private readonly metrics: { recordsOut: number; outputWatermark: number },
  ) {}
  collect(value: T, timestamp: number): void {
    this.metrics.recordsOut++;
    this.writer.emit(value, timestamp);
  }
  emitWatermark(timestamp: number): void {
    this.metrics.outputWatermark = timestamp;
    this.writer.broadcastEvent(watermark(timestamp));
  }
  collectSide(): void {}
  emitWatermarkStatus(idle: boolean): void {
    this.writer.broadcastEvent(watermarkStatus(idle));
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.writer.emitEventToRandomChannel(marker);
  }
}

/** Fans out to several outputs (an operator with more than one successor). */
export class BroadcastingOutput<T> implements Output<T> {
  constructor(private readonly outputs: Output<T>[]) {}
  collect(value: T, timestamp: number): void {
    for (const output of this.outputs) output.collect(value, timestamp);
  }
  collectSide<X>(tag: OutputTag<X>, value: X, timestamp: number): void {
    for (const output of this.outputs) output.collectSide(tag, value, timestamp);
  }
  emitWatermark(timestamp: number): void {
    for (const output of this.outputs) output.emitWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    for (const output of this.outputs) output.emitWatermarkStatus(idle);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    for (const output of this.outputs) output.emitLatencyMarker(marker);
  }
}

/** The output of an operator with no successor (a sink). */
export const NO_OUTPUT: Output<unknown> = Object.freeze({
  collect() {},
  collectSide() {},
  emitWatermark() {},
  emitWatermarkStatus() {},
  emitLatencyMarker() {},
});

/**
 * The output of an operator that has side-output consumers: main records go to the untagged outputs, a side
 * record to the outputs of its tag's id (as their main input), others are dropped.
 */
export class SideOutputRouter<T> implements Output<T> {
  readonly #sides: Map<string, Output<unknown>>;
  constructor(
    private readonly main: Output<T>,
    sides: Map<string, Output<unknown>>,
    private readonly all: Output<unknown>[],
  ) {
    this.#sides = sides;
  }
  collect(value: T, timestamp: number): void {
    this.main.collect(value, timestamp);
  }
  collectSide<X>(tag: OutputTag<X>, value: X, timestamp: number): void {
    this.#sides.get(tag.id)?.collect(value, timestamp);
  }
  emitWatermark(timestamp: number): void {
    for (const output of this.all) output.emitWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    for (const output of this.all) output.emitWatermarkStatus(idle);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.main.emitLatencyMarker(marker);
  }
}

/** Sets the key of each record in the next operator's keyed backend before calling it (keyed chained operator). */
export class KeyedChainingOutput<T> implements Output<T> {
  constructor(
    private readonly next: OneInputStreamOperator<T, unknown>,
    private readonly nextName: string,
    private readonly backend: KeyedStateBackend,
    private readonly keyOf: (value: T) => unknown,
    private readonly nextMetrics: OperatorIOMetrics | undefined,
  ) {}
  collect(value: T, timestamp: number): void {
    if (this.nextMetrics !== undefined) this.nextMetrics.recordsIn++;
    try {
      this.backend.setCurrentKey(this.keyOf(value) as Key);
      this.next.processElement(value, timestamp);
    } catch (error) {
      annotateOperator(error, this.nextName);
      throw error;
    }
  }
  collectSide(): void {}
  emitWatermark(timestamp: number): void {
    if (this.nextMetrics !== undefined) this.nextMetrics.inputWatermark = timestamp;
    this.next.processWatermark(timestamp);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.next.processWatermarkStatus(idle);
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.nextMetrics?.onLatencyMarker?.(marker);
    this.next.processLatencyMarker(marker);
  }
}
