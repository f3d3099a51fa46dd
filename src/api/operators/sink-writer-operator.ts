// Runs a Sink's writer at the end of a chain.

import { MIN_WATERMARK, NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { Sink, SinkWriter, SinkWriterContext } from '../sink.ts';
import { OneInputStreamOperator } from './stream-operator.ts';

export class SinkWriterOperator<T> extends OneInputStreamOperator<T, never> implements SinkWriterContext {
  #writer!: SinkWriter<T>;
  #timestamp = NO_TIMESTAMP;
  #watermark = MIN_WATERMARK;

  constructor(readonly sink: Sink<T>) {
    super();
  }

  override async open(): Promise<void> {
    const rc = this.context.runtimeContext;
    this.#writer = await this.sink.createWriter({
      subtaskIndex: rc.getIndexOfThisSubtask(),
      parallelism: rc.getNumberOfParallelSubtasks(),
      attemptNumber: rc.getAttemptNumber(),
      jobId: rc.getJobId(),
      clock: this.context.clock,
      logger: this.context.logger,
    });
  }

  processElement(value: T, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#writer.write(value, this);
  }

  override processWatermark(timestamp: number): void {
    this.#watermark = timestamp;
  }

  currentWatermark(): number {
    return this.#watermark;
  }

  timestamp(): number | null {
    return this.#timestamp === NO_TIMESTAMP ? null : this.#timestamp;
  }

  override async finish(): Promise<void> {
    await this.#writer.flush(true);
  }

  override async close(): Promise<void> {
    await this.#writer?.close();
  }
}
