// The Source interface (after Flink's FLIP-27, kept small): split enumeration on the JobManager and a reader per
// subtask that can resume from the positions its splits carry.

import type { Configuration } from '../config/configuration.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';

export type Boundedness = 'BOUNDED' | 'CONTINUOUS_UNBOUNDED';

/** What `pollNext` reports: more right away, nothing until `isAvailable()` resolves, or the end of all splits. */
export type InputStatus = 'MORE_AVAILABLE' | 'NOTHING_AVAILABLE' | 'END_OF_INPUT';

/**
 * A unit of source work. Splits are plain data (they cross threads and go into checkpoints) and carry their
 * own position, so a reader given a split from a snapshot resumes where it stopped.
 */
export interface SourceSplit {
  readonly splitId: string;
}

export interface SplitEnumeratorContext {
  /** Parallelism of the source operator. */
  readonly parallelism: number;
  readonly config: Configuration;
}

export interface SourceReaderContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly config: Configuration;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Where a reader emits records; a timestamp given here is the record's event time before any assigner. */
export interface ReaderOutput<T> {
  collect(record: T, timestamp?: number): void;
}

export interface SourceReader<T, S extends SourceSplit = SourceSplit> {
  start?(): void | Promise<void>;
  addSplits(splits: readonly S[]): void;
  /**
   * Emits what is available now, a bounded amount per call (built-in readers emit up to about a thousand
   * records), and says whether more is ready. Called on the hot path: it must not block.
   */
  pollNext(output: ReaderOutput<T>): InputStatus;
  /** Resolves when `pollNext` may have more after it returned NOTHING_AVAILABLE. */
  isAvailable(): Promise<void>;
  /** The reader's splits with their current positions (the source's part of a checkpoint). */
  snapshotState(checkpointId: number): S[];
  close?(): void | Promise<void>;
}

/**
 * A source of records.
 *
 * @example
 * env.fromSource(new DataGeneratorSource((i) => ({ id: i }), 1000), WatermarkStrategy.noWatermarks(), 'gen');
 */
export interface Source<T, S extends SourceSplit = SourceSplit> {
  getBoundedness(): Boundedness;
  /** Divides the work into splits; called once per job on the JobManager. Splits go to readers round-robin. */
  enumerateSplits(context: SplitEnumeratorContext): S[] | Promise<S[]>;
  createReader(context: SourceReaderContext): SourceReader<T, S>;
}
