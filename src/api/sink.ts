// The Sink interface (after Flink's Sink v2): a writer per subtask.

import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';

export interface SinkWriterContext {
  /** The current event-time watermark of the sink's input. */
  currentWatermark(): number;
  /** The timestamp of the element being written, or null when it has none. */
  timestamp(): number | null;
}

export interface WriterInitContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  readonly jobId: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface SinkWriter<T> {
  /** Called on the hot path for every element: must not block (buffer, then write in `flush`). */
  write(element: T, context: SinkWriterContext): void;
  /** Writes out buffered data; `endOfInput` is true once, after the last element. */
  flush(endOfInput: boolean): void | Promise<void>;
  close(): void | Promise<void>;
}

/**
 * Where a stream ends.
 *
 * @example
 * stream.sinkTo(FileSink.forRowFormat('/tmp/out').build());
 */
export interface Sink<T> {
  createWriter(context: WriterInitContext): SinkWriter<T> | Promise<SinkWriter<T>>;
}
