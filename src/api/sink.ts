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
  /**
   * True when the job checkpoints: a two-phase-commit writer then stages its output at each checkpoint
   * (`prepareCommit`) and the sink publishes it when the checkpoint completes (`commit`); else it publishes as
   * it goes.
   */
  readonly checkpointing: boolean;
}

export interface SinkWriter<T, CommT = unknown> {
  /** Called on the hot path for every element: must not block (buffer, then write in `flush`). */
  write(element: T, context: SinkWriterContext): void;
  /** Writes out buffered data; `endOfInput` is true once, after the last element. */
  flush(endOfInput: boolean): void | Promise<void>;
  close(): void | Promise<void>;
  /**
   * Two-phase commit, phase one (Flink's `TwoPhaseCommittingSink.PrecommittingSinkWriter.prepareCommit`): at a
   * checkpoint, and at the end of the input, returns what was staged since the last call as committables (plain
   * data). They go into the checkpoint and are committed by `Sink.commit` once it completes.
   */
  prepareCommit?(): CommT[] | Promise<CommT[]>;
}

/**
 * Where a stream ends.
 *
 * @example
 * stream.sinkTo(FileSink.forRowFormat('/tmp/out').build());
 */
export interface Sink<T, CommT = unknown> {
  createWriter(context: WriterInitContext): SinkWriter<T, CommT> | Promise<SinkWriter<T, CommT>>;
  /**
   * Two-phase commit, phase two: publishes committables of completed checkpoints. Must be idempotent: after a
   * failure the committables of the checkpoint restored from are committed again.
   */
  commit?(committables: readonly CommT[]): void | Promise<void>;
}
